//! cdata benchmark: ns per operation for ffi and for a hand-written `lua_CFunction`
//! binding of the same operation, measured in the same process; prints the ratios.
//!
//! Run both VMs with `scripts/bench.sh`, or one with
//! `cargo run --release -p ffi-mlua --example bench_cdata` (Lua 5.4).
//!
//! The hand-written binding: a `struct point { double x, y; }` userdata and an
//! `int[1000]` userdata with C `__index`/`__newindex`, a `lua_newuserdata` + metatable
//! constructor, a boxed int64 with a C `__add`, and a C function returning a short string.

mod bench_common;

use mlua::ffi::*;
use std::ffi::{c_char, c_int};

#[repr(C)]
struct Point {
    x: f64,
    y: f64,
}

const POINT_MT: &[u8] = b"bench.point\0";
const ARRAY_MT: &[u8] = b"bench.array\0";
const I64_MT: &[u8] = b"bench.i64\0";

/// Whether the string at `idx` is `k`.
///
/// # Safety
/// A live state; `idx` a valid index.
unsafe fn key_is(l: *mut lua_State, idx: c_int, k: &[u8]) -> bool {
    let mut len = 0usize;
    // SAFETY: a live state and a valid index (the caller's contract).
    let p = unsafe { lua_tolstring(l, idx, &mut len) };
    // SAFETY: Lua's string is valid for `len` bytes while it is on the stack.
    !p.is_null() && unsafe { std::slice::from_raw_parts(p as *const u8, len) } == k
}

// Every binding function below is called by Lua with a live state and the arguments the
// script passes; the `luaL_check*` calls raise for anything else, as a C binding's would.

/// The point userdata at `idx`.
///
/// # Safety
/// `l` is a live state with free slots; may raise, so the caller owns nothing to drop.
unsafe fn check_point(l: *mut lua_State, idx: c_int) -> *mut Point {
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    unsafe { luaL_checkudata(l, idx, POINT_MT.as_ptr() as *const c_char) as *mut Point }
}

unsafe extern "C-unwind" fn point_index(l: *mut lua_State) -> c_int {
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let p = unsafe { check_point(l, 1) };
    // SAFETY: `l` is the live state Lua called us with; index 2 is an argument slot.
    let is_x = unsafe { key_is(l, 2, b"x") };
    // SAFETY: `l` is the live state Lua called us with; index 2 is an argument slot.
    let is_y = !is_x && unsafe { key_is(l, 2, b"y") };
    if is_x || is_y {
        // SAFETY: `p` is the checked point userdata.
        let point = unsafe { &*p };
        let v = if is_x { point.x } else { point.y };
        // SAFETY: `l` is live and a C function starts with LUA_MINSTACK free slots.
        unsafe { lua_pushnumber(l, v) };
    } else {
        // SAFETY: `l` is live and a C function starts with LUA_MINSTACK free slots.
        unsafe { lua_pushnil(l) };
    }
    1
}

unsafe extern "C-unwind" fn point_newindex(l: *mut lua_State) -> c_int {
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let p = unsafe { check_point(l, 1) };
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let v = unsafe { luaL_checknumber(l, 3) };
    // SAFETY: `l` is the live state Lua called us with; index 2 is an argument slot.
    let is_x = unsafe { key_is(l, 2, b"x") };
    // SAFETY: `l` is the live state Lua called us with; index 2 is an argument slot.
    let is_y = !is_x && unsafe { key_is(l, 2, b"y") };
    if is_x {
        // SAFETY: `p` is the checked point userdata.
        unsafe { (*p).x = v };
    } else if is_y {
        // SAFETY: `p` is the checked point userdata.
        unsafe { (*p).y = v };
    }
    0
}

/// Sets the metatable registered as `name` on the value on top.
///
/// # Safety
/// `l` is a live state with free slots; may raise, so the caller owns nothing to drop.
unsafe fn set_mt(l: *mut lua_State, name: &[u8]) {
    // SAFETY: `l` is live with a free slot; `name` ends in NUL.
    unsafe { luaL_getmetatable(l, name.as_ptr() as *const c_char) };
    // SAFETY: the new object is below its metatable.
    unsafe { lua_setmetatable(l, -2) };
}

unsafe extern "C-unwind" fn point_new(l: *mut lua_State) -> c_int {
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let x = unsafe { luaL_optnumber(l, 1, 0.0) };
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let y = unsafe { luaL_optnumber(l, 2, 0.0) };
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    let p = unsafe { lua_newuserdata(l, std::mem::size_of::<Point>()) } as *mut Point;
    // SAFETY: the new block has room for a Point and is suitably aligned.
    unsafe { p.write(Point { x, y }) };
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    unsafe { set_mt(l, POINT_MT) };
    1
}

/// The array userdata at 1 and the index at 2, checked.
///
/// # Safety
/// `l` is a live state with free slots; may raise, so the caller owns nothing to drop.
unsafe fn check_array(l: *mut lua_State) -> (*mut i32, usize) {
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let a = unsafe { luaL_checkudata(l, 1, ARRAY_MT.as_ptr() as *const c_char) } as *mut i32;
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let i = unsafe { luaL_checkinteger(l, 2) };
    if !(0..1000).contains(&i) {
        // SAFETY: `l` is live; raising is fine, nothing is owned here. luaL_error does
        // not return, so an index out of range never reaches the callers.
        unsafe { luaL_error(l, c"index out of range".as_ptr()) };
        unreachable!("luaL_error returned");
    }
    (a, i as usize)
}

unsafe extern "C-unwind" fn array_index(l: *mut lua_State) -> c_int {
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let (a, i) = unsafe { check_array(l) };
    // SAFETY: `i` < 1000, the array's length.
    let v = unsafe { a.wrapping_add(i).read() };
    // SAFETY: `l` is live and a C function starts with LUA_MINSTACK free slots.
    unsafe { lua_pushinteger(l, v as lua_Integer) };
    1
}

unsafe extern "C-unwind" fn array_newindex(l: *mut lua_State) -> c_int {
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let (a, i) = unsafe { check_array(l) };
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let v = unsafe { luaL_checkinteger(l, 3) };
    // SAFETY: `i` < 1000, the array's length.
    unsafe { a.wrapping_add(i).write(v as i32) };
    0
}

unsafe extern "C-unwind" fn array_new(l: *mut lua_State) -> c_int {
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    let a = unsafe { lua_newuserdata(l, 4000) } as *mut u8;
    // SAFETY: the new block has 4000 bytes.
    unsafe { std::ptr::write_bytes(a, 0, 4000) };
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    unsafe { set_mt(l, ARRAY_MT) };
    1
}

/// Pushes a boxed int64.
///
/// # Safety
/// `l` is a live state with free slots; may raise, so the caller owns nothing to drop.
unsafe fn push_i64(l: *mut lua_State, v: i64) {
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    let p = unsafe { lua_newuserdata(l, 8) } as *mut i64;
    // SAFETY: the new block has room for an i64 and is suitably aligned.
    unsafe { p.write(v) };
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    unsafe { set_mt(l, I64_MT) };
}

unsafe extern "C-unwind" fn i64_new(l: *mut lua_State) -> c_int {
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let v = unsafe { luaL_checkinteger(l, 1) } as i64;
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    unsafe { push_i64(l, v) };
    1
}

/// The boxed int64 at `idx`, checked.
///
/// # Safety
/// `l` is a live state with free slots; may raise, so the caller owns nothing to drop.
unsafe fn check_i64(l: *mut lua_State, idx: c_int) -> i64 {
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let p = unsafe { luaL_checkudata(l, idx, I64_MT.as_ptr() as *const c_char) } as *const i64;
    // SAFETY: a checked int64 userdata holds an i64.
    unsafe { p.read() }
}

unsafe extern "C-unwind" fn i64_add(l: *mut lua_State) -> c_int {
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let a = unsafe { check_i64(l, 1) };
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let b = unsafe { check_i64(l, 2) };
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    unsafe { push_i64(l, a.wrapping_add(b)) };
    1
}

const CHARS_MT: &[u8] = b"bench.chars\0";

/// A 16-byte char buffer userdata holding "hello, world".
unsafe extern "C-unwind" fn chars_new(l: *mut lua_State) -> c_int {
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    let p = unsafe { lua_newuserdata(l, 16) } as *mut u8;
    // SAFETY: the new block has 16 bytes; the text with its NUL has 13.
    unsafe { std::ptr::copy_nonoverlapping(c"hello, world".as_ptr() as *const u8, p, 13) };
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    unsafe { set_mt(l, CHARS_MT) };
    1
}

/// The C string in a char buffer userdata, as a Lua string (what `ffi.string` does).
unsafe extern "C-unwind" fn chars_string(l: *mut lua_State) -> c_int {
    // SAFETY: `l` is the live state Lua passed; a bad argument raises, and nothing is owned here.
    let p = unsafe { luaL_checkudata(l, 1, CHARS_MT.as_ptr() as *const c_char) };
    // SAFETY: a char buffer userdata is NUL-terminated.
    unsafe { lua_pushstring(l, p as *const c_char) };
    1
}

/// Makes metatable `name` with these metamethods.
///
/// # Safety
/// `l` is a live state with free slots; may raise, so the caller owns nothing to drop.
unsafe fn new_mt(l: *mut lua_State, name: &[u8], methods: &[(&std::ffi::CStr, lua_CFunction)]) {
    // SAFETY: `l` is live with a free slot; `name` ends in NUL.
    unsafe { luaL_newmetatable(l, name.as_ptr() as *const c_char) };
    for (field, f) in methods {
        // SAFETY: `l` is live and a C function starts with LUA_MINSTACK free slots.
        unsafe { lua_pushcfunction(l, *f) };
        // SAFETY: the metatable is below the function.
        unsafe { lua_setfield(l, -2, field.as_ptr()) };
    }
    // SAFETY: the metatable is on top.
    unsafe { lua_pop(l, 1) };
}

/// Registers the binding: returns its table.
unsafe extern "C-unwind" fn open_binding(l: *mut lua_State) -> c_int {
    let point: [(&std::ffi::CStr, lua_CFunction); 2] =
        [(c"__index", point_index), (c"__newindex", point_newindex)];
    let array: [(&std::ffi::CStr, lua_CFunction); 2] =
        [(c"__index", array_index), (c"__newindex", array_newindex)];
    let int64: [(&std::ffi::CStr, lua_CFunction); 1] = [(c"__add", i64_add)];
    // SAFETY: `l` is live with free slots; every push is balanced.
    unsafe { new_mt(l, POINT_MT, &point) };
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    unsafe { new_mt(l, ARRAY_MT, &array) };
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    unsafe { new_mt(l, CHARS_MT, &[]) };
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    unsafe { new_mt(l, I64_MT, &int64) };
    // SAFETY: `l` is live with free slots; running out of memory raises (nothing is owned here).
    unsafe { lua_createtable(l, 0, 5) };
    for (name, f) in [
        (c"point", point_new as lua_CFunction),
        (c"array", array_new),
        (c"i64", i64_new),
        (c"chars", chars_new),
        (c"string", chars_string),
    ] {
        // SAFETY: `l` is live and a C function starts with LUA_MINSTACK free slots.
        unsafe { lua_pushcfunction(l, f) };
        // SAFETY: the table is below the function.
        unsafe { lua_setfield(l, -2, name.as_ptr()) };
    }
    1
}

const SCRIPT: &str = r#"
local ffi = require "ffi"
local B = ...
ffi.cdef "struct point { double x, y; };"

local point_t = ffi.typeof("struct point")
local pptr_t = ffi.typeof("struct point *")

do
  local p = ffi.new(point_t)
  local q = B.point(0, 0)
  row("p.x = p.x + 1 (struct)",
    function(n) for _ = 1, n do p.x = p.x + 1 end end,
    function(n) for _ = 1, n do q.x = q.x + 1 end end)
  local pp = ffi.cast(pptr_t, p)
  row("p.x = p.x + 1 (pointer)",
    function(n) for _ = 1, n do pp.x = pp.x + 1 end end,
    function(n) for _ = 1, n do q.x = q.x + 1 end end)
end
do
  local a = ffi.new("int[1000]")
  local b = B.array()
  row("a[i] = a[i] + 1 (int[1000])",
    function(n) for k = 1, n do local i = k % 1000; a[i] = a[i] + 1 end end,
    function(n) for k = 1, n do local i = k % 1000; b[i] = b[i] + 1 end end)
end
row("ffi.new(ct) small struct",
  function(n) for _ = 1, n do local p = point_t() end end,
  function(n) for _ = 1, n do local p = B.point() end end)
row("ffi.new(\"struct point\") vs (ct)",
  function(n) for _ = 1, n do local p = ffi.new("struct point") end end,
  function(n) for _ = 1, n do local p = ffi.new(point_t) end end)
do
  local x, y = ffi.new("int64_t", 1), ffi.new("int64_t", 2)
  local u, v = B.i64(1), B.i64(2)
  row("int64 a + b",
    function(n) for _ = 1, n do local z = x + y end end,
    function(n) for _ = 1, n do local z = u + v end end)
end
do
  local s = ffi.new("char[13]", "hello, world")
  local c = B.chars()
  row("ffi.string(short)",
    function(n) for _ = 1, n do local z = ffi.string(s) end end,
    function(n) for _ = 1, n do local z = B.string(c) end end)
end
return rows
"#;

fn main() {
    let lua = mlua::Lua::new();
    ffi_mlua::preload(&lua).expect("preload");
    let script = SCRIPT;
    // SAFETY: open_binding is a well-formed lua_CFunction for this Lua.
    let binding: mlua::Table =
        unsafe { lua.create_c_function(open_binding) }.and_then(|f| f.call(())).expect("binding");
    let script = format!("{}{}", bench_common::HARNESS, script);
    let rows: Vec<mlua::Table> = lua.load(script).call(binding).expect("bench script");
    bench_common::print_rows(&lua, rows, "ns/op", 36);
}
