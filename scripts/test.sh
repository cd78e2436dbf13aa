#!/usr/bin/env bash
# Runs every test of the project. On a fresh Debian machine it first installs what is
# missing: luajit (the oracle), lua5.4 with liblua5.4-dev, lua-lpeg and lua-cjson (the
# stock interpreter lua-ffi is compared with, and C modules for it), zlib1g-dev and
# libsqlite3-dev (real headers and the libraries the calls scripts load), gcc (the C test
# library, the ABI differential test), valgrind (the calls scripts under memcheck).
#
# Every oracle is required here (FFI_REQUIRE_ORACLES=1): a missing one fails the run.
# The end of the output is a summary: each conformance script's counts per VM, the
# oracles' figures, any skipped check, and one closing line with the totals.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v luajit >/dev/null 2>&1 || need+=(luajit)
command -v lua5.4 >/dev/null 2>&1 || need+=(lua5.4)
[ -f /usr/include/lua5.4/lua.h ] || need+=(liblua5.4-dev)
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
stage "the LuaApi tables of Lua 5.2, 5.3 and 5.5 (compile-time check)"
for v in 52 53 55; do
  check cargo check -q -p ffi-mlua --no-default-features --features "lua$v,vendored"
done
stage "cargo test (workspace on Lua 5.4: ffi-core, the conformance suite, the ABI differential test with ${FFI_ABI_SIGS:-2000} signatures, lua-ffi side by side with lua5.4)"
check logged cargo test --workspace -- --nocapture
stage "on Lua 5.1: the ffi-mlua tests (faults, close), the conformance suite, the ABI differential test"
check logged cargo test -p ffi-mlua --no-default-features --features lua51,vendored -- --nocapture
# The LuaJIT oracle run does not depend on the VM built in; it ran above.
check logged cargo test -p ffi-conformance --no-default-features --features lua51 -- --nocapture \
  --skip conformance_on_luajit_oracle
stage "the C-call, callback and bounds scripts under valgrind"
check logged scripts/valgrind.sh
stage "summary"
times+=("$(( SECONDS ))s  in all")

echo
echo "== conformance scripts: assertions passed/failed per VM"
awk '
  match($0, /^(Lua 5\.[0-9]( gc-stress)?|luajit) [^ ]+\.lua: [0-9]+ passed, [0-9]+ failed$/) {
    line = $0; sub(/: .*/, "", line)
    script = line; sub(/.* /, "", script)
    vm = line; sub(/ [^ ]+$/, "", vm)
    n = $0; sub(/.*: /, "", n); split(n, a, " ")
    cell[script, vm] = a[1] "/" a[3]
    if (!(script in seen)) { seen[script] = 1; scripts[++ns] = script }
    if (!(vm in vseen) && vm != "luajit") { vseen[vm] = 1; vms[++nv] = vm }
    if (vm == "luajit") oracle = 1
  }
  END {
    if (oracle) vms[++nv] = "luajit"
    printf "%-26s", "script"
    for (j = 1; j <= nv; j++) printf "%20s", vms[j]
    printf "\n"
    for (i = 1; i <= ns; i++) {
      printf "%-26s", scripts[i]
      for (j = 1; j <= nv; j++) printf "%20s", ((scripts[i], vms[j]) in cell) ? cell[scripts[i], vms[j]] : "-"
      printf "\n"
    }
  }' "$out"
echo "== totals and oracle figures"
grep -E '^(Lua 5\.[0-9]( gc-stress)?|luajit) total: |^layout vs gcc|^system headers vs gcc|^luajit oracle:|^abi_diff|^fuzz smoke:|^side by side with lua5\.4|^valgrind ' "$out" || true
echo "== stage times"
printf '%s\n' "${times[@]}"
skipped=$(grep -c 'SKIPPED' "$out" || true)
if [ "$skipped" -gt 0 ]; then
  echo "!!!! $skipped checks were SKIPPED: !!!!"
  grep 'SKIPPED' "$out"
fi
# The closing line: Rust test functions (libtest's "test result" lines), the Lua
# assertions of every conformance run and of the valgrind runs, and the oracles' checks.
awk -v skipped="$skipped" '
  function num(n,   s) { s = sprintf("%d", n); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
  /^test result:/ { p += $4; f += $6; ig += $8 }
  /^(Lua 5\.[0-9]( gc-stress)?|luajit) total: / {
    label = $0; sub(/ total:.*/, "", label)
    n = $0; sub(/.* total: /, "", n); split(n, a, " ")
    lp += a[1]; lf += a[3]
    if (label == "luajit") oracle = a[1]
    else parts = parts sprintf("%s%s %s", (parts ? ", " : ""), label, num(a[1]))
  }
  /^valgrind [^ ]+\.lua: 0 errors; / { n = $0; sub(/.*errors; /, "", n); split(n, a, " "); vp += a[1]; vf += a[3] }
  /^valgrind [^ ]+\.lua: FAILED/ { vf += 1 }
  /^layout vs gcc/ { n = $0; sub(/.*aggregates, /, "", n); split(n, a, " "); lay += a[1]; bad += a[4] }
  /^system headers vs gcc/ { n = $0; sub(/.*types, /, "", n); split(n, a, " "); hdr += a[1]; bad += a[4] }
  /^luajit oracle:/ { par += $3; bad += $5 }
  /^abi_diff/ { n = $0; sub(/.*signatures, /, "", n); split(n, a, " "); calls += a[1]; cbs += a[4]; m = $0; sub(/.*\), /, "", m); bad += m + 0 }
  /^side by side with lua5\.4 .*: [0-9]+ invocation/ { n = $0; sub(/.*\): /, "", n); inv += n + 0 }
  /^side by side with lua5\.4 \(REPL/ { repl += 1 }
  END {
    parts = parts sprintf(", luajit %s, valgrind %s", num(oracle), num(vp))
    printf "tests: %s Rust tests passed, %d failed, %d ignored; Lua assertions: %s passed, %d failed (%s); oracles: %d mismatches in %s layout values, %s header values, %s luajit parser cases, %s ABI calls and %s callbacks, %s lua5.4 invocations and %d REPL session; %d skipped\n", num(p), f, ig, num(lp + vp), lf + vf, parts, bad, num(lay), num(hdr), num(par), num(calls), num(cbs), num(inv), repl, skipped
  }' "$out"
if [ ${#failed[@]} -gt 0 ]; then
  echo "!!!! FAILED stages: !!!!"
  printf '  %s\n' "${failed[@]}"
  exit 1
fi
[ "$skipped" -eq 0 ]
