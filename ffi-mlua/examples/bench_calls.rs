//! C call benchmark: ns per call through ffi and through a hand-written `lua_CFunction`
//! binding of the same C functions, measured in the same process; prints the ratios.
//!
//! Run both VMs with `scripts/bench.sh`, or one with
//! `cargo run --release -p ffi-mlua --example bench_calls` (Lua 5.4). Needs `cc`: the C
//! library is compiled at start-up into `target/bench_calls/`.
//!
//! The binding calls the same functions of the same shared object through pointers
//! found with `dlsym`, checking its arguments with `luaL_check*` as a C binding would;
//! the int64 and struct results are boxed in userdata with a metatable, as ffi boxes
//! them in cdata.

mod bench_common;

use mlua::ffi::*;
use std::ffi::{c_char, c_int, c_void};
use std::sync::OnceLock;

const C_SOURCE: &str = r#"
#include <stdint.h>
int add_int(int a, int b) { return a + b; }
double add_double(double a, double b) { return a + b; }
double mix6(int a, double b, int c, double d, long e, float f) { return a + b + c + d + e + f; }
void noop(void) {}
int64_t add_i64(int64_t a, int64_t b) { return a + b; }
typedef struct { double x, y; } dpoint;
dpoint make_point(double x, double y) { dpoint p = {x, y}; return p; }
const char *get_str(void) { return "hello, world"; }
"#;

/// `typedef struct { double x, y; } dpoint;`
#[repr(C)]
struct DPoint {
    x: f64,
    y: f64,
}

struct Fns {
    add_int: extern "C" fn(c_int, c_int) -> c_int,
    add_double: extern "C" fn(f64, f64) -> f64,
    mix6: extern "C" fn(c_int, f64, c_int, f64, i64, f32) -> f64,
    noop: extern "C" fn(),
    add_i64: extern "C" fn(i64, i64) -> i64,
    make_point: extern "C" fn(f64, f64) -> DPoint,
    get_str: extern "C" fn() -> *const c_char,
}

static FNS: OnceLock<Fns> = OnceLock::new();

fn fns() -> &'static Fns {
    FNS.get().expect("library loaded")
}

/// Builds the C library and resolves its functions; returns its path.
fn build() -> String {
    let so = bench_common::build_c_library("bench_calls", "benchlib", C_SOURCE);
    let host = ffi_core::luaapi::Host::STD;
    let path = std::ffi::CString::new(so.display().to_string()).unwrap();
    // SAFETY: the library just built has no initialisers.
    let h = unsafe { host.open_library(&path, false) }.expect("dlopen");
    let sym = |name: &std::ffi::CStr| -> *mut c_void {
        // SAFETY: a live handle.
        unsafe { host.symbol(h, name) }.expect("symbol")
    };
    macro_rules! func {
        ($name:literal, $t:ty) => {{
            let p = sym($name);
            // SAFETY: the symbol is the C function of the declared signature (C_SOURCE).
            unsafe { std::mem::transmute::<*mut c_void, $t>(p) }
        }};
    }
    let fns = Fns {
        add_int: func!(c"add_int", extern "C" fn(c_int, c_int) -> c_int),
        add_double: func!(c"add_double", extern "C" fn(f64, f64) -> f64),
        mix6: func!(c"mix6", extern "C" fn(c_int, f64, c_int, f64, i64, f32) -> f64),
        noop: func!(c"noop", extern "C" fn()),
        add_i64: func!(c"add_i64", extern "C" fn(i64, i64) -> i64),
        make_point: func!(c"make_point", extern "C" fn(f64, f64) -> DPoint),
        get_str: func!(c"get_str", extern "C" fn() -> *const c_char),
    };
    let _ = FNS.set(fns);
    so.display().to_string()
}

const I64_MT: &[u8] = b"benchcalls.i64\0";
const POINT_MT: &[u8] = b"benchcalls.point\0";

// Every binding function is called by Lua with a live state and the script's arguments;
// `luaL_check*` raises for anything else, as a C binding's would, and nothing is owned.

/// `luaL_checkinteger`.
fn int(l: *mut lua_State, i: c_int) -> lua_Integer {
    // SAFETY: a live state inside a binding call (see above); raising owns nothing.
    unsafe { luaL_checkinteger(l, i) }
}

/// `luaL_checknumber`.
fn num(l: *mut lua_State, i: c_int) -> lua_Number {
    // SAFETY: a live state inside a binding call (see above); raising owns nothing.
    unsafe { luaL_checknumber(l, i) }
}

/// `luaL_checkudata` for metatable `mt`.
fn udata(l: *mut lua_State, i: c_int, mt: &[u8]) -> *mut c_void {
    // SAFETY: a live state inside a binding call (see above); `mt` ends in NUL.
    unsafe { luaL_checkudata(l, i, mt.as_ptr() as *const c_char) }
}

/// A new userdata of `size` bytes with metatable `mt`, on top.
fn new_udata(l: *mut lua_State, size: usize, mt: &[u8]) -> *mut c_void {
    // SAFETY: a live state with free slots; allocation failure raises, nothing owned.
    let p = unsafe { lua_newuserdata(l, size) };
    // SAFETY: as above; `mt` ends in NUL.
    unsafe { luaL_getmetatable(l, mt.as_ptr() as *const c_char) };
    // SAFETY: the userdata is below its metatable.
    unsafe { lua_setmetatable(l, -2) };
    p
}

unsafe extern "C-unwind" fn b_add_int(l: *mut lua_State) -> c_int {
    let r = (fns().add_int)(int(l, 1) as c_int, int(l, 2) as c_int);
    // SAFETY: a C function starts with LUA_MINSTACK free slots.
    unsafe { lua_pushinteger(l, r as lua_Integer) };
    1
}

unsafe extern "C-unwind" fn b_add_double(l: *mut lua_State) -> c_int {
    let r = (fns().add_double)(num(l, 1), num(l, 2));
    // SAFETY: a free slot.
    unsafe { lua_pushnumber(l, r) };
    1
}

unsafe extern "C-unwind" fn b_mix6(l: *mut lua_State) -> c_int {
    let r = (fns().mix6)(
        int(l, 1) as c_int,
        num(l, 2),
        int(l, 3) as c_int,
        num(l, 4),
        int(l, 5) as i64,
        num(l, 6) as f32,
    );
    // SAFETY: a free slot.
    unsafe { lua_pushnumber(l, r) };
    1
}

unsafe extern "C-unwind" fn b_noop(_: *mut lua_State) -> c_int {
    (fns().noop)();
    0
}

/// Pushes a boxed int64.
fn push_i64(l: *mut lua_State, v: i64) {
    let p = new_udata(l, 8, I64_MT) as *mut i64;
    // SAFETY: the new block has room for an i64 and is suitably aligned.
    unsafe { p.write(v) };
}

unsafe extern "C-unwind" fn b_i64(l: *mut lua_State) -> c_int {
    push_i64(l, int(l, 1) as i64);
    1
}

unsafe extern "C-unwind" fn b_add_i64(l: *mut lua_State) -> c_int {
    // SAFETY: a checked int64 userdata holds an i64.
    let a = unsafe { *(udata(l, 1, I64_MT) as *const i64) };
    // SAFETY: as above.
    let b = unsafe { *(udata(l, 2, I64_MT) as *const i64) };
    push_i64(l, (fns().add_i64)(a, b));
    1
}

unsafe extern "C-unwind" fn b_make_point(l: *mut lua_State) -> c_int {
    let r = (fns().make_point)(num(l, 1), num(l, 2));
    let p = new_udata(l, 16, POINT_MT) as *mut DPoint;
    // SAFETY: the new block has room for two doubles and is suitably aligned.
    unsafe { p.write(r) };
    1
}

unsafe extern "C-unwind" fn b_get_str(l: *mut lua_State) -> c_int {
    let s = (fns().get_str)();
    // SAFETY: a free slot; the string is static.
    unsafe { lua_pushstring(l, s) };
    1
}

unsafe extern "C-unwind" fn open_binding(l: *mut lua_State) -> c_int {
    for mt in [I64_MT, POINT_MT] {
        // SAFETY: a live state with free slots; `mt` ends in NUL.
        unsafe { luaL_newmetatable(l, mt.as_ptr() as *const c_char) };
        // SAFETY: the metatable is on top.
        unsafe { lua_pop(l, 1) };
    }
    // SAFETY: a free slot.
    unsafe { lua_createtable(l, 0, 8) };
    for (name, f) in [
        (c"add_int", b_add_int as lua_CFunction),
        (c"add_double", b_add_double),
        (c"mix6", b_mix6),
        (c"noop", b_noop),
        (c"i64", b_i64),
        (c"add_i64", b_add_i64),
        (c"make_point", b_make_point),
        (c"get_str", b_get_str),
    ] {
        // SAFETY: a free slot.
        unsafe { lua_pushcfunction(l, f) };
        // SAFETY: the table is below the function.
        unsafe { lua_setfield(l, -2, name.as_ptr()) };
    }
    1
}

const SCRIPT: &str = r#"
local ffi = require "ffi"
local B, path = ...
ffi.cdef [[
int add_int(int, int);
double add_double(double, double);
double mix6(int, double, int, double, long, float);
void noop(void);
int64_t add_i64(int64_t, int64_t);
typedef struct { double x, y; } dpoint;
dpoint make_point(double, double);
const char *get_str(void);
]]
local lib = ffi.load(path)

do
  local f, g = lib.add_int, B.add_int
  row("add(int, int)", function(n) for i = 1, n do f(i, 2) end end, function(n) for i = 1, n do g(i, 2) end end)
end
do
  local f, g = lib.add_double, B.add_double
  row("add(double, double)", function(n) for i = 1, n do f(i, 0.5) end end, function(n) for i = 1, n do g(i, 0.5) end end)
end
do
  local f, g = lib.mix6, B.mix6
  row("mix6(int, double, int, double, long, float)",
    function(n) for i = 1, n do f(i, 0.5, 3, 1.5, 7, 2.5) end end,
    function(n) for i = 1, n do g(i, 0.5, 3, 1.5, 7, 2.5) end end)
end
do
  local f, g = lib.noop, B.noop
  row("noop()", function(n) for _ = 1, n do f() end end, function(n) for _ = 1, n do g() end end)
end
do
  local f, g = lib.add_i64, B.add_i64
  local a, b = ffi.new("int64_t", 1), ffi.new("int64_t", 2)
  local c, d = B.i64(1), B.i64(2)
  row("add(int64_t, int64_t) boxed result", function(n) for _ = 1, n do f(a, b) end end,
    function(n) for _ = 1, n do g(c, d) end end)
end
do
  local f = lib.add_int
  row("lib.add_int per call vs cached local", function(n) for i = 1, n do lib.add_int(i, 2) end end,
    function(n) for i = 1, n do f(i, 2) end end)
end
do
  local f, g = lib.make_point, B.make_point
  row("make_point() 16-byte struct result", function(n) for i = 1, n do f(i, 2) end end,
    function(n) for i = 1, n do g(i, 2) end end)
end
do
  local f, g = lib.get_str, B.get_str
  local str = ffi.string
  row("ffi.string(get_str())", function(n) for _ = 1, n do str(f()) end end,
    function(n) for _ = 1, n do g() end end)
end
return rows
"#;

/// `BENCH_ONE=ffi|binding BENCH_N=n`: only `n` calls of `add(int, int)` on one side (for
/// instruction counts under callgrind, `scripts/instructions.sh calls`).
const ONE: &str = r#"
local ffi = require "ffi"
local B, path, side, n = ...
ffi.cdef "int add_int(int, int);"
local lib = ffi.load(path)
local f = side == "ffi" and lib.add_int or B.add_int
f(1, 2)
for i = 1, n do f(i, 2) end
"#;

fn main() {
    let path = build();
    let lua = mlua::Lua::new();
    ffi_mlua::preload(&lua).expect("preload");
    // SAFETY: open_binding is a well-formed lua_CFunction for this Lua.
    let binding: mlua::Table =
        unsafe { lua.create_c_function(open_binding) }.and_then(|f| f.call(())).expect("binding");
    if let Ok(side) = std::env::var("BENCH_ONE") {
        let n: i64 = std::env::var("BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
        lua.load(ONE).call::<()>((binding, path, side, n)).expect("one side");
        return;
    }
    let script = format!("{}{}", bench_common::HARNESS, SCRIPT);
    let rows: Vec<mlua::Table> = lua.load(script).call((binding, path)).expect("bench script");
    bench_common::print_rows(&lua, rows, "ns/call", 44);
}
