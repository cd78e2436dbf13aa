#!/usr/bin/env bash
# Runs every test of the project. On a fresh Debian machine it first installs what is
# missing: luajit (the oracle), lua5.1 .. lua5.4 with their -dev packages (the stock
# interpreters ffi.so is loaded into, lua-ffi's reference, the static libraries of the C
# host example), lua-lpeg and lua-cjson (C modules for lua-ffi), luarocks (the rockspec),
# zlib1g-dev and libsqlite3-dev (real headers and the libraries the calls scripts load),
# gcc (the C test library, the ABI differential test, Lua 5.5 from lua-src's sources),
# valgrind (the calls scripts under memcheck).
#
# Every oracle is required here (FFI_REQUIRE_ORACLES=1): a missing one fails the run.
# The end of the output is a summary: each conformance script's counts per VM, the
# oracles' figures, any skipped check, and one closing line with the totals.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v luajit >/dev/null 2>&1 || need+=(luajit)
for v in 5.1 5.2 5.3 5.4; do
  command -v lua$v >/dev/null 2>&1 || need+=(lua$v)
done
[ -f /usr/include/lua5.1/lua.h ] || need+=(liblua5.1-0-dev)
[ -f /usr/include/lua5.2/lua.h ] || need+=(liblua5.2-dev)
[ -f /usr/include/lua5.3/lua.h ] || need+=(liblua5.3-dev)
[ -f /usr/include/lua5.4/lua.h ] || need+=(liblua5.4-dev)
command -v luarocks >/dev/null 2>&1 || need+=(luarocks)
[ -f /usr/lib/x86_64-linux-gnu/lua/5.4/lpeg.so ] || need+=(lua-lpeg)
[ -f /usr/lib/x86_64-linux-gnu/lua/5.4/cjson.so ] || need+=(lua-cjson)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
export FFI_REQUIRE_ORACLES=1

mkdir -p target
out=target/test-output.txt
: > "$out"
times=()
stage_start=$SECONDS
stage() {
  [ -n "${stage_name:-}" ] && times+=("$(( SECONDS - stage_start ))s  $stage_name")
  stage_name="$1"; stage_start=$SECONDS
  echo "== $1"
}

# A failing stage is recorded and the run goes on, so that the summary is always printed;
# the script fails at the end if any stage failed.
failed=()
check() { "$@" || failed+=("$stage_name"); }
logged() { "$@" 2>&1 | tee -a "$out"; }
no_std_deps() {
  cargo build -p ffi-core --no-default-features || return 1
  # Proc macros (dynasm) run at build time only and are not part of the no_std library.
  if cargo tree -p ffi-core -e normal,no-proc-macro --no-default-features --prefix none | grep -vE '^(ffi-core|hashbrown|foldhash) ' ; then
    echo "ffi-core pulls in a crate that is not known to be no_std"; return 1
  fi
}

stage "cargo fmt --check"
check cargo fmt --all -- --check
stage "cargo clippy"
check cargo clippy --all-targets -- -D warnings
stage "no_std build of ffi-core"
check no_std_deps
stage "cargo test (workspace on Lua 5.4: ffi-core, the conformance suite, the ABI differential test with ${FFI_ABI_SIGS:-2000} signatures, 8 threads, lua-ffi side by side with lua5.4, ffi.so in lua5.1 .. lua5.5 and the C host)"
check logged cargo test --workspace --no-fail-fast -- --nocapture
stage "on Lua 5.1: the ffi-mlua tests (faults, close), the conformance suite, the ABI differential test"
check logged cargo test --no-fail-fast -p ffi-mlua --no-default-features --features lua51,vendored -- --nocapture
# The LuaJIT oracle run does not depend on the VM built in; it ran above.
check logged cargo test --no-fail-fast -p ffi-conformance --no-default-features --features lua51 -- --nocapture \
  --skip conformance_on_luajit_oracle
for v in 52 53 55; do
  stage "on Lua ${v:0:1}.${v:1}: the conformance suite (plain and GC stress), 8 threads"
  check logged cargo test --no-fail-fast -p ffi-conformance --no-default-features --features lua$v \
    --test conformance --test threads -- --nocapture --skip conformance_on_luajit_oracle
done
stage "ffi-rlua (its own workspace): fmt, clippy, tests"
rlua=(--manifest-path ffi-rlua/Cargo.toml)
check cargo fmt "${rlua[@]}" -- --check
check cargo clippy "${rlua[@]}" --all-targets -- -D warnings
check logged cargo test --no-fail-fast "${rlua[@]}" -- --nocapture
stage "the README's blocks (stock interpreters, luarocks for lua5.1 and lua5.4, the C host, mlua, rlua)"
check logged scripts/readme_blocks.sh
stage "the C-call, callback and bounds scripts under valgrind"
check logged scripts/valgrind.sh
stage "summary"
times+=("$(( SECONDS ))s  in all")

echo
echo "== conformance scripts: assertions passed/failed per VM (5.x: through ffi-mlua, gc: under GC stress, .so: ffi.so in the stock interpreter, rlua: through ffi-rlua)"
# The labels of the figures, and the order of the columns.
vm_re='(Lua 5\.[0-9]( gc-stress| ffi\.so| rlua)?|luajit)'
rank='function rank(vm,   v, k) {
    if (vm == "luajit") return 999
    v = substr(vm, 7, 1) + 0
    k = vm ~ /gc-stress/ ? 1 : vm ~ /ffi\.so/ ? 100 : vm ~ /rlua/ ? 200 : 0
    return k >= 100 ? k + v : v * 2 + k
  }
  function sort(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && rank(a[j]) < rank(a[j - 1]); j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
  }'
awk -v re="^$vm_re [^ ]+\\.lua: [0-9]+ passed, [0-9]+ failed\$" "$rank"'
  $0 ~ re {
    line = $0; sub(/: .*/, "", line)
    script = line; sub(/.* /, "", script)
    vm = line; sub(/ [^ ]+$/, "", vm)
    n = $0; sub(/.*: /, "", n); split(n, a, " ")
    cell[script, vm] = a[1] "/" a[3]
    if (!(script in seen)) { seen[script] = 1; scripts[++ns] = script }
    if (!(vm in vseen)) { vseen[vm] = 1; vms[++nv] = vm }
  }
  END {
    sort(vms, nv)
    printf "%-24s", "script"
    for (j = 1; j <= nv; j++) { h = vms[j]; sub(/^Lua /, "", h); sub(/ gc-stress/, " gc", h); sub(/ ffi\.so/, " .so", h); printf "%10s", h }
    printf "\n"
    for (i = 1; i <= ns; i++) {
      printf "%-24s", scripts[i]
      for (j = 1; j <= nv; j++) printf "%10s", ((scripts[i], vms[j]) in cell) ? cell[scripts[i], vms[j]] : "-"
      printf "\n"
    }
  }' "$out"
echo "== totals and oracle figures"
grep -E "^$vm_re total: |^Lua 5\.[0-9] threads: |^layout vs gcc|^system headers vs gcc|^luajit oracle:|^abi_diff|^fuzz smoke:|^side by side with lua5\.4|^valgrind |^README block |^C host on " "$out" || true
echo "== stage times"
printf '%s\n' "${times[@]}"
skipped=$(grep -c 'SKIPPED' "$out" || true)
if [ "$skipped" -gt 0 ]; then
  echo "!!!! $skipped checks were SKIPPED: !!!!"
  grep 'SKIPPED' "$out"
fi
# The closing line: Rust test functions (libtest's "test result" lines), the Lua
# assertions of every conformance run, of the 8-thread runs and of the valgrind runs, and
# the oracles' checks.
awk -v skipped="$skipped" -v re="^$vm_re total: " "$rank"'
  function num(n,   s) { s = sprintf("%d", n); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
  /^test result:/ { p += $4; f += $6; ig += $8 }
  $0 ~ re {
    label = $0; sub(/ total:.*/, "", label)
    n = $0; sub(/.* total: /, "", n); split(n, a, " ")
    lp += a[1]; lf += a[3]
    labels[++nl] = label; count[label] = a[1]
  }
  /^Lua 5\.[0-9] threads: 8 threads at once/ { n = $0; sub(/.* each, /, "", n); split(n, a, " "); tp += a[1]; tf += a[4]; tv += 1 }
  /^valgrind [^ ]+\.lua: 0 errors; / { n = $0; sub(/.*errors; /, "", n); split(n, a, " "); vp += a[1]; vf += a[3] }
  /^valgrind [^ ]+\.lua: FAILED/ { vf += 1 }
  /^layout vs gcc/ { n = $0; sub(/.*aggregates, /, "", n); split(n, a, " "); lay += a[1]; bad += a[4] }
  /^system headers vs gcc/ { n = $0; sub(/.*types, /, "", n); split(n, a, " "); hdr += a[1]; bad += a[4] }
  /^luajit oracle:/ { par += $3; bad += $5 }
  /^abi_diff/ { n = $0; sub(/.*signatures, /, "", n); split(n, a, " "); calls += a[1]; cbs += a[4]; m = $0; sub(/.*\), /, "", m); bad += m + 0 }
  /^side by side with lua5\.4 .*: [0-9]+ invocation/ { n = $0; sub(/.*\): /, "", n); inv += n + 0 }
  /^side by side with lua5\.4 \(REPL/ { repl += 1 }
  /^README block [^ ]+: ran/ { blocks += 1 }
  /^README block [^ ]+: FAILED/ { bf += 1 }
  END {
    sort(labels, nl)
    for (i = 1; i <= nl; i++) parts = parts sprintf("%s%s %s", (i > 1 ? ", " : ""), labels[i], num(count[labels[i]]))
    parts = parts sprintf(", 8 threads on %d VMs %s, valgrind %s", tv, num(tp), num(vp))
    printf "tests: %s Rust tests passed, %d failed, %d ignored; Lua assertions: %s passed, %d failed (%s); oracles: %d mismatches in %s layout values, %s header values, %s luajit parser cases, %s ABI calls and %s callbacks, %s lua5.4 invocations and %d REPL session; %d README blocks run, %d failed; %d skipped\n", num(p), f, ig, num(lp + tp + vp), lf + tf + vf, parts, bad, num(lay), num(hdr), num(par), num(calls), num(cbs), num(inv), repl, blocks, bf, skipped
  }' "$out"
# Every figure the closing line counts must be there: a test binary that did not run (a
# build failure, an earlier failing binary) would otherwise just count as zero.
missing=()
need() { grep -qE "$1" "$out" || missing+=("$2"); }
for v in 1 2 3 4 5; do
  need "^Lua 5\.$v total: " "Lua 5.$v conformance"
  need "^Lua 5\.$v gc-stress total: " "Lua 5.$v conformance under GC stress"
  need "^Lua 5\.$v ffi\.so total: " "ffi.so in the Lua 5.$v interpreter"
  need "^Lua 5\.$v threads: 8 threads at once" "Lua 5.$v in 8 threads"
  need "^Lua 5\.$v threads: 8 rounds" "Lua 5.$v states closed while others call C"
  need "^C host on Lua 5\.$v:" "the C host on Lua 5.$v"
done
need "^Lua 5\.4 rlua total: " "ffi-rlua"
need "^luajit total: " "the luajit oracle run"
need "^layout vs gcc \(sysv\)" "layout vs gcc (sysv)"
need "^layout vs gcc \(win64\)" "layout vs gcc (win64)"
need "^system headers vs gcc" "system headers"
need "^luajit oracle:" "the luajit parser oracle"
need "^abi_diff \(Lua 5\.4\)" "abi_diff on Lua 5.4"
need "^abi_diff \(Lua 5\.1\)" "abi_diff on Lua 5.1"
need "^fuzz smoke:" "the fuzz smoke test"
need "^side by side with lua5\.4 \(REPL" "the REPL side by side with lua5.4"
need "^side by side with lua5\.4 \(options" "lua-ffi side by side with lua5.4"
need "^README block luarocks: ran" "the README's luarocks block"
need "^valgrind calls\.lua: 0 errors" "valgrind"
if [ ${#missing[@]} -gt 0 ]; then
  echo "!!!! MISSING figures (their tests did not run): !!!!"
  printf '  %s\n' "${missing[@]}"
  failed+=("summary: ${#missing[@]} missing figures")
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "!!!! FAILED stages: !!!!"
  printf '  %s\n' "${failed[@]}"
  exit 1
fi
[ "$skipped" -eq 0 ]
