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

stage "cargo fmt --check"
cargo fmt --all -- --check
stage "cargo clippy"
cargo clippy --all-targets -- -D warnings
stage "no_std build of ffi-core"
cargo build -p ffi-core --no-default-features
# Proc macros (dynasm) run at build time only and are not part of the no_std library.
if cargo tree -p ffi-core -e normal,no-proc-macro --no-default-features --prefix none | grep -vE '^(ffi-core|hashbrown|foldhash) ' ; then
  echo "ffi-core pulls in a crate that is not known to be no_std"; exit 1
fi
stage "the LuaApi tables of Lua 5.2, 5.3 and 5.5 (compile-time check)"
for v in 52 53 55; do
  cargo check -q -p ffi-mlua --no-default-features --features "lua$v,vendored"
done
stage "cargo test (workspace on Lua 5.4: ffi-core, the conformance suite, the ABI differential test with ${FFI_ABI_SIGS:-2000} signatures, lua-ffi side by side with lua5.4)"
cargo test --workspace -- --nocapture 2>&1 | tee -a "$out"
stage "on Lua 5.1: the ffi-mlua tests (faults, close) and the conformance suite"
cargo test -p ffi-mlua --no-default-features --features lua51,vendored -- --nocapture 2>&1 | tee -a "$out"
cargo test -p ffi-conformance --no-default-features --features lua51 -- --nocapture 2>&1 | tee -a "$out"
stage "the C-call, callback and bounds scripts under valgrind"
scripts/valgrind.sh 2>&1 | tee -a "$out"
stage "summary"

echo
echo "== conformance scripts, per VM"
grep -E '^(Lua 5\.[0-9]( gc-stress)?|luajit) [^ ]+\.lua: [0-9]+ passed, [0-9]+ failed$' "$out" || true
echo "== totals and oracle figures"
grep -E '^(Lua 5\.[0-9]( gc-stress)?|luajit) total: |^layout vs gcc|^system headers vs gcc|^luajit oracle:|^abi_diff:|^fuzz smoke:|^side by side with lua5\.4|^valgrind ' "$out" || true
echo "== stage times"
printf '%s\n' "${times[@]}"
skipped=$(grep -c 'SKIPPED' "$out" || true)
if [ "$skipped" -gt 0 ]; then
  echo "!!!! $skipped checks were SKIPPED: !!!!"
  grep 'SKIPPED' "$out"
fi
# The closing line: Rust test functions (libtest's "test result" lines) and the Lua
# assertions of every conformance run and of the valgrind runs.
awk -v skipped="$skipped" '
  /^test result:/ { p += $4; f += $6; ig += $8 }
  /^(Lua 5\.[0-9]( gc-stress)?|luajit) total: / {
    label = $0; sub(/ total:.*/, "", label)
    n = $0; sub(/.* total: /, "", n); split(n, a, " ")
    lp += a[1]; lf += a[3]; parts = parts sprintf("%s%s %d", (parts ? ", " : ""), label, a[1])
  }
  /^valgrind [^ ]+\.lua: 0 errors; / { n = $0; sub(/.*errors; /, "", n); split(n, a, " "); vp += a[1]; vf += a[3] }
  END {
    parts = parts sprintf(", valgrind %d", vp)
    printf "tests: %d passed, %d failed, %d ignored (Rust tests); Lua assertions: %d passed, %d failed (%s); %d skipped\n", p, f, ig, lp + vp, lf + vf, parts, skipped
  }' "$out"
[ "$skipped" -eq 0 ]
