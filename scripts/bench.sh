#!/usr/bin/env bash
# Benchmarks (not tests): cdef parse speed against luajit, and cdata operations, C calls and callbacks
# against a hand-written lua_CFunction binding on Lua 5.4 and Lua 5.1, each in one process.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== ffi-core: cdef parse throughput (and luajit's ffi.cdef on the same text)"
cargo run -q --release -p ffi-core --example bench_parse
echo
echo "== cdata operations, Lua 5.4"
cargo run -q --release -p ffi-mlua --example bench_cdata
echo
echo "== cdata operations, Lua 5.1"
CARGO_TARGET_DIR=target/lua51 cargo run -q --release -p ffi-mlua --no-default-features --features lua51,vendored --example bench_cdata
echo
echo "== C calls, Lua 5.4"
cargo run -q --release -p ffi-mlua --example bench_calls
echo
echo "== C calls, Lua 5.1"
CARGO_TARGET_DIR=target/lua51 cargo run -q --release -p ffi-mlua --no-default-features --features lua51,vendored --example bench_calls
echo
echo "== callbacks, Lua 5.4 (and qsort against luajit -joff)"
cargo run -q --release -p ffi-mlua --example bench_callbacks
echo
echo "== callbacks, Lua 5.1"
CARGO_TARGET_DIR=target/lua51 cargo run -q --release -p ffi-mlua --no-default-features --features lua51,vendored --example bench_callbacks
