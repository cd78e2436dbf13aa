#!/usr/bin/env bash
# Instructions per loop iteration of the benchmark's ffi operations (callgrind; needs
# valgrind), for a steadier comparison between builds than wall time on a noisy machine.
# Usage: scripts/instructions.sh [path/to/lua-ffi]   (default: the release build, Lua 5.4)
#        scripts/instructions.sh calls   (add(int, int): ffi next to the hand-written binding)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = calls ]; then
  command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)"; exit 1; }
  cargo build -q --release -p ffi-mlua --example bench_calls
  ex=target/release/examples/bench_calls
  one() {
    BENCH_ONE=$1 BENCH_N=$2 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$ex" 2>&1 | awk '/Collected/ {print $4}'
  }
  N=100000
  for side in ffi binding; do
    echo "add(int, int) $side: $(( ($(one $side $N) - $(one $side 0)) / N )) instructions per call"
  done
  exit 0
fi
exe=${1:-target/release/lua-ffi}
[ -x "$exe" ] || cargo build -q --release --bin lua-ffi
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)"; exit 1; }
N=100000
prelude='local ffi = require "ffi"; ffi.cdef "struct point { double x, y; };"'
declare -A loop=(
  [struct]='local p = ffi.new("struct point"); for i = 1, N do p.x = p.x + 1 end'
  [pointer]='local a = ffi.new("struct point[1]"); local p = ffi.cast("struct point *", a); for i = 1, N do p.x = p.x + 1 end'
  [array]='local a = ffi.new("int[1000]"); for i = 1, N do local j = i % 1000; a[j] = a[j] + 1 end'
  [new_ct]='local T = ffi.typeof("struct point"); for i = 1, N do local p = T() end'
  [new_string]='for i = 1, N do local p = ffi.new("struct point") end'
  [int64_add]='local a, b = ffi.new("int64_t", 1), ffi.new("int64_t", 2); local c; for i = 1, N do c = a + b end'
  [ffi_string]='local buf = ffi.new("char[16]", "hello"); local s; for i = 1, N do s = ffi.string(buf) end'
)
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$exe" -e "$1" 2>&1 | awk '/Collected/ {print $4}'
}
base=$(count "$prelude")
for name in struct pointer array new_ct new_string int64_add ffi_string; do
  total=$(count "$prelude; local N = $N; ${loop[$name]}")
  echo "$name $(( (total - base) / N ))"
done
