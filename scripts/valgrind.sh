#!/usr/bin/env bash
# Runs the C-call, callback and object-bounds conformance scripts under valgrind (memcheck) through lua-ffi on Lua 5.4;
# any error valgrind reports fails the run (--error-exitcode=1). Needs valgrind and cc.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/valgrind
cc -shared -fPIC -O2 -g -o target/valgrind/libffitest.so tests/c/ffitest.c
cargo build -q -p lua-ffi
status=0
for s in calls calls_testlib calls_libs puc_calls calls_callbacks calls_libs_callbacks puc_callbacks semantics_gaps puc_semantics_gaps; do
  if LUA_PATH="tests/lua/?.lua;;" FFI_TESTLIB="$PWD/target/valgrind/libffitest.so" \
     valgrind -q --error-exitcode=1 --leak-check=no ./target/debug/lua-ffi "tests/lua/$s.lua" \
     > "target/valgrind/$s.out" 2>&1 && tail -1 "target/valgrind/$s.out" | grep -q " passed, 0 failed$"; then
    echo "valgrind $s.lua: 0 errors; $(tail -1 "target/valgrind/$s.out")"
  else
    echo "valgrind $s.lua: FAILED (errors or failed assertions):"; cat "target/valgrind/$s.out"; status=1
  fi
done
exit $status
