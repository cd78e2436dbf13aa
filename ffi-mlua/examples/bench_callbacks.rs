//! Callback benchmark: C calling a Lua function `int f(int, int)` in a loop, through an
//! ffi callback and through a hand-written C loop (`lua_rawgeti`, two `lua_pushinteger`,
//! `lua_call`, `lua_tointeger`) on the same Lua function, in the same process; then
//! `qsort` of 100,000 ints with a Lua comparator, here and in `luajit -joff` (the same
//! script) when `luajit` is installed.
//!
//! Run both VMs with `scripts/bench.sh`, or one with
//! `cargo run --release -p ffi-mlua --example bench_callbacks` (Lua 5.4). Needs `cc`: the
//! C loop is compiled at start-up into `target/bench_callbacks/`.

mod bench_common;

use mlua::ffi::*;
use std::ffi::c_int;

const C_SOURCE: &str = r#"
long long loop_cb(int (*f)(int, int), int n) {
  long long s = 0;
  for (int i = 0; i < n; i++) s += f(i, 1);
  return s;
}
"#;

/// The hand-written loop: `loop(f, n)` calls `f(i, 1)` for i in 0..n from C and returns
/// the sum of the results, as `loop_cb` does through a callback.
unsafe extern "C-unwind" fn b_loop(l: *mut lua_State) -> c_int {
    // Throughout: Lua calls this with a live state and the script's arguments (a
    // function and a count); every push has room (LUA_MINSTACK at entry, and the loop
    // pops what it pushes); errors raised by the function cross this frame, which owns
    // nothing.
    // SAFETY: as above.
    let n = unsafe { luaL_checkinteger(l, 2) };
    // SAFETY: as above.
    unsafe { lua_pushvalue(l, 1) };
    // SAFETY: as above; the function is on top.
    let r = unsafe { luaL_ref(l, LUA_REGISTRYINDEX) };
    let mut s: i64 = 0;
    for i in 0..n {
        // SAFETY: as above.
        unsafe { lua_rawgeti(l, LUA_REGISTRYINDEX, r as _) };
        // SAFETY: as above.
        unsafe { lua_pushinteger(l, i as _) };
        // SAFETY: as above.
        unsafe { lua_pushinteger(l, 1) };
        // SAFETY: as above; the function and two arguments are on top.
        unsafe { lua_call(l, 2, 1) };
        // SAFETY: as above; the result is on top.
        s += unsafe { lua_tointeger(l, -1) } as i64;
        // SAFETY: as above.
        unsafe { lua_pop(l, 1) };
    }
    // SAFETY: as above.
    unsafe { luaL_unref(l, LUA_REGISTRYINDEX, r) };
    // SAFETY: as above.
    unsafe { lua_pushinteger(l, s as _) };
    1
}

const SCRIPT: &str = r#"
local ffi = require "ffi"
local loop, path = ...
ffi.cdef "long long loop_cb(int (*)(int, int), int);"
local lib = ffi.load(path)
local function f(a, b) return a + b end
local cb = ffi.cast("int (*)(int, int)", f)
assert(tonumber(lib.loop_cb(cb, 100)) == loop(f, 100))
local run = lib.loop_cb
row("C calls int f(int, int): callback vs lua_call loop", function(n) run(cb, n) end,
  function(n) loop(f, n) end)
return rows
"#;

/// The qsort script: the same text runs here and in `luajit -joff`; prints the best of
/// five sorts in milliseconds.
const QSORT: &str = r#"
local ffi = require "ffi"
ffi.cdef [[
typedef int (*cmp_t)(const int *, const int *);
void qsort(void *base, size_t n, size_t size, cmp_t cmp);
]]
local n = 100000
local a = ffi.new("int[?]", n)
local cmp = ffi.cast("cmp_t", function(x, y)
  local p, q = x[0], y[0]
  return p < q and -1 or (p > q and 1 or 0)
end)
local best = math.huge
for _ = 1, 5 do
  for i = 0, n - 1 do a[i] = (i * 7919) % n end
  local t = os.clock()
  ffi.C.qsort(a, n, 4, cmp)
  t = os.clock() - t
  if t < best then best = t end
end
for i = 0, n - 1 do assert(a[i] == i) end
print(string.format("%.1f", best * 1000))
"#;

fn main() {
    let so = bench_common::build_c_library("bench_callbacks", "cbloop", C_SOURCE);
    let path = so.display().to_string();
    let lua = mlua::Lua::new();
    ffi_mlua::preload(&lua).expect("preload");
    // SAFETY: b_loop is a well-formed lua_CFunction for this Lua.
    let lp = unsafe { lua.create_c_function(b_loop) }.expect("loop");
    let script = format!("{}{}", bench_common::HARNESS, SCRIPT);
    let rows: Vec<mlua::Table> = lua.load(script).call((lp, path)).expect("bench script");
    bench_common::print_rows(&lua, rows, "ns/callback", 52);

    // qsort: printed by the script (its only output line).
    let file = so.with_file_name("qsort.lua");
    std::fs::write(&file, QSORT).expect("write qsort.lua");
    let print = lua
        .create_function(|_, s: String| {
            QSORT_MS.with(|m| m.set(s.parse().unwrap_or(f64::NAN)));
            Ok(())
        })
        .expect("print");
    lua.globals().set("print", print).expect("print");
    lua.load(QSORT).exec().expect("qsort script");
    let ours = QSORT_MS.with(|m| m.get());
    let vm: String = lua.globals().get("_VERSION").unwrap_or_default();
    match std::process::Command::new("luajit").arg("-joff").arg(&file).output() {
        Ok(out) if out.status.success() => {
            let lj: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(f64::NAN);
            println!(
                "qsort of 100,000 ints, Lua comparator (best of 5): {vm} ffi {ours:.1} ms, \
                 luajit -joff {lj:.1} ms, ratio {:.2}x",
                ours / lj
            );
        }
        _ => println!(
            "qsort of 100,000 ints, Lua comparator (best of 5): {vm} ffi {ours:.1} ms; \
             SKIPPED the luajit -joff comparison: luajit is not installed"
        ),
    }
}

std::thread_local!(static QSORT_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) });
