#!/usr/bin/env bash
# Runs every test of the project. On a fresh Debian machine it first installs what is
# missing: luajit (the oracle), zlib1g-dev and libsqlite3-dev (real headers and the
# libraries the calls scripts load), gcc (the C test library, the ABI differential test),
# valgrind (the calls scripts under memcheck).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v luajit >/dev/null 2>&1 || need+=(luajit)
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

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets -- -D warnings
echo "== no_std build of ffi-core"
cargo build -p ffi-core --no-default-features
# Proc macros (dynasm) run at build time only and are not part of the no_std library.
if cargo tree -p ffi-core -e normal,no-proc-macro --no-default-features --prefix none | grep -vE '^(ffi-core|hashbrown|foldhash) ' ; then
  echo "ffi-core pulls in a crate that is not known to be no_std"; exit 1
fi
echo "== the LuaApi tables of Lua 5.2, 5.3 and 5.5 (compile-time check: every C function present, every shim typed)"
for v in 52 53 55; do
  cargo check -q -p ffi-mlua --no-default-features --features "lua$v,vendored"
done
mkdir -p target
echo "== cargo test (workspace; the ffi module on Lua 5.4; the ABI differential test, ${FFI_ABI_SIGS:-2000} signatures)"
cargo test --workspace 2>&1 | tee target/test-output.txt
echo "== on Lua 5.1: the ffi-mlua tests (faults, close) and the conformance suite"
cargo test -p ffi-mlua --no-default-features --features lua51,vendored 2>&1 | tee -a target/test-output.txt
cargo test -p ffi-conformance --no-default-features --features lua51 2>&1 | tee -a target/test-output.txt
echo "== the C-call and callback scripts under valgrind"
scripts/valgrind.sh 2>&1 | tee -a target/test-output.txt
# One closing line with the totals of every test binary.
awk '/^test result:/ { p += $4; f += $6; s += $8 } END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' target/test-output.txt
if grep -q "SKIPPED" target/test-output.txt; then
  echo "!!!! some oracle checks were SKIPPED (see above) !!!!"
fi
