//! cdata benchmark: ns per operation for ffi and for a hand-written `lua_CFunction`
//! binding of the same operation, measured in the same process; prints the ratios.
//!
//! Run both VMs with `scripts/bench.sh`, or one with
//! `cargo run --release -p ffi-mlua --example bench_cdata` (Lua 5.4).
//!
//! The hand-written binding: a `struct point { double x, y; }` userdata and an
//! `int[1000]` userdata with C `__index`/`__newindex`, a `lua_newuserdata` + metatable
//! constructor, a boxed int64 with a C `__add`, and a C function returning a short string.

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

unsafe fn key_is(l: *mut lua_State, idx: c_int, k: &[u8]) -> bool {
    let mut len = 0usize;
    // SAFETY: a live state; the string is valid for `len` bytes.
    unsafe {
        let p = lua_tolstring(l, idx, &mut len);
        !p.is_null() && std::slice::from_raw_parts(p as *const u8, len) == k
    }
}

unsafe extern "C-unwind" fn point_index(l: *mut lua_State) -> c_int {
    // SAFETY: called by Lua with a point userdata and a key.
    unsafe {
        let p = luaL_checkudata(l, 1, POINT_MT.as_ptr() as *const c_char) as *mut Point;
        if key_is(l, 2, b"x") {
            lua_pushnumber(l, (*p).x);
        } else if key_is(l, 2, b"y") {
            lua_pushnumber(l, (*p).y);
        } else {
            lua_pushnil(l);
        }
        1
    }
}

unsafe extern "C-unwind" fn point_newindex(l: *mut lua_State) -> c_int {
    // SAFETY: called by Lua with a point userdata, a key and a value.
    unsafe {
        let p = luaL_checkudata(l, 1, POINT_MT.as_ptr() as *const c_char) as *mut Point;
        let v = luaL_checknumber(l, 3);
        if key_is(l, 2, b"x") {
            (*p).x = v;
        } else if key_is(l, 2, b"y") {
            (*p).y = v;
        }
        0
    }
}

unsafe extern "C-unwind" fn point_new(l: *mut lua_State) -> c_int {
    // SAFETY: called by Lua; the userdata is initialised before use.
    unsafe {
        let x = luaL_optnumber(l, 1, 0.0);
        let y = luaL_optnumber(l, 2, 0.0);
        let p = lua_newuserdata(l, std::mem::size_of::<Point>()) as *mut Point;
        p.write(Point { x, y });
        luaL_getmetatable(l, POINT_MT.as_ptr() as *const c_char);
        lua_setmetatable(l, -2);
        1
    }
}

unsafe extern "C-unwind" fn array_index(l: *mut lua_State) -> c_int {
    // SAFETY: called by Lua with an array userdata and an index.
    unsafe {
        let a = luaL_checkudata(l, 1, ARRAY_MT.as_ptr() as *const c_char) as *mut i32;
        let i = luaL_checkinteger(l, 2);
        if !(0..1000).contains(&i) {
            return luaL_error(l, c"index out of range".as_ptr());
        }
        lua_pushinteger(l, *a.add(i as usize) as lua_Integer);
        1
    }
}

unsafe extern "C-unwind" fn array_newindex(l: *mut lua_State) -> c_int {
    // SAFETY: called by Lua with an array userdata, an index and a value.
    unsafe {
        let a = luaL_checkudata(l, 1, ARRAY_MT.as_ptr() as *const c_char) as *mut i32;
        let i = luaL_checkinteger(l, 2);
        if !(0..1000).contains(&i) {
            return luaL_error(l, c"index out of range".as_ptr());
        }
        *a.add(i as usize) = luaL_checkinteger(l, 3) as i32;
        0
    }
}

unsafe extern "C-unwind" fn array_new(l: *mut lua_State) -> c_int {
    // SAFETY: called by Lua; the block is zeroed before use.
    unsafe {
        let a = lua_newuserdata(l, 4000) as *mut u8;
        std::ptr::write_bytes(a, 0, 4000);
        luaL_getmetatable(l, ARRAY_MT.as_ptr() as *const c_char);
        lua_setmetatable(l, -2);
        1
    }
}

unsafe extern "C-unwind" fn i64_new(l: *mut lua_State) -> c_int {
    // SAFETY: called by Lua.
    unsafe {
        let v = luaL_checkinteger(l, 1) as i64;
        let p = lua_newuserdata(l, 8) as *mut i64;
        p.write(v);
        luaL_getmetatable(l, I64_MT.as_ptr() as *const c_char);
        lua_setmetatable(l, -2);
        1
    }
}

unsafe extern "C-unwind" fn i64_add(l: *mut lua_State) -> c_int {
    // SAFETY: called by Lua with two boxed int64 userdata.
    unsafe {
        let a = *(luaL_checkudata(l, 1, I64_MT.as_ptr() as *const c_char) as *const i64);
        let b = *(luaL_checkudata(l, 2, I64_MT.as_ptr() as *const c_char) as *const i64);
        let p = lua_newuserdata(l, 8) as *mut i64;
        p.write(a.wrapping_add(b));
        luaL_getmetatable(l, I64_MT.as_ptr() as *const c_char);
        lua_setmetatable(l, -2);
        1
    }
}

const CHARS_MT: &[u8] = b"bench.chars\0";

/// A 16-byte char buffer userdata holding "hello, world".
unsafe extern "C-unwind" fn chars_new(l: *mut lua_State) -> c_int {
    // SAFETY: called by Lua; the buffer is written before use and NUL-terminated.
    unsafe {
        let p = lua_newuserdata(l, 16) as *mut u8;
        std::ptr::copy_nonoverlapping(c"hello, world".as_ptr() as *const u8, p, 13);
        luaL_getmetatable(l, CHARS_MT.as_ptr() as *const c_char);
        lua_setmetatable(l, -2);
        1
    }
}

/// The C string in a char buffer userdata, as a Lua string (what `ffi.string` does).
unsafe extern "C-unwind" fn chars_string(l: *mut lua_State) -> c_int {
    // SAFETY: called by Lua with a char buffer userdata, which is NUL-terminated.
    unsafe {
        let p = luaL_checkudata(l, 1, CHARS_MT.as_ptr() as *const c_char);
        lua_pushstring(l, p as *const c_char);
        1
    }
}

/// Registers the binding as global `B`.
unsafe extern "C-unwind" fn open_binding(l: *mut lua_State) -> c_int {
    // SAFETY: called by Lua; every push is balanced.
    unsafe {
        luaL_newmetatable(l, POINT_MT.as_ptr() as *const c_char);
        lua_pushcfunction(l, point_index);
        lua_setfield(l, -2, c"__index".as_ptr());
        lua_pushcfunction(l, point_newindex);
        lua_setfield(l, -2, c"__newindex".as_ptr());
        lua_pop(l, 1);
        luaL_newmetatable(l, ARRAY_MT.as_ptr() as *const c_char);
        lua_pushcfunction(l, array_index);
        lua_setfield(l, -2, c"__index".as_ptr());
        lua_pushcfunction(l, array_newindex);
        lua_setfield(l, -2, c"__newindex".as_ptr());
        lua_pop(l, 1);
        luaL_newmetatable(l, CHARS_MT.as_ptr() as *const c_char);
        lua_pop(l, 1);
        luaL_newmetatable(l, I64_MT.as_ptr() as *const c_char);
        lua_pushcfunction(l, i64_add);
        lua_setfield(l, -2, c"__add".as_ptr());
        lua_pop(l, 1);
        lua_createtable(l, 0, 4);
        for (name, f) in [
            (c"point", point_new as lua_CFunction),
            (c"array", array_new),
            (c"i64", i64_new),
            (c"chars", chars_new),
            (c"string", chars_string),
        ] {
            lua_pushcfunction(l, f);
            lua_setfield(l, -2, name.as_ptr());
        }
        1
    }
}

const SCRIPT: &str = r#"
local ffi = require "ffi"
local B = ...
ffi.cdef "struct point { double x, y; };"
local N = tonumber(os.getenv("BENCH_N") or "") or 1000000
local clock = os.clock

-- ffi and binding alternate every CHUNK iterations inside each round (so a slow
-- period of the machine hits both alike); 15 rounds, a full collection before each, and
-- the best round of each side counts.
local CHUNK = 10000
local function pair(f, g)
  f(CHUNK); g(CHUNK)
  local bf, bg = math.huge, math.huge
  for _ = 1, 15 do
    collectgarbage(); collectgarbage()
    local tf, tg = 0, 0
    for _ = 1, N / CHUNK do
      local t0 = clock(); f(CHUNK); local t1 = clock(); g(CHUNK); local t2 = clock()
      tf = tf + (t1 - t0); tg = tg + (t2 - t1)
    end
    if tf < bf then bf = tf end
    if tg < bg then bg = tg end
  end
  return bf / N * 1e9, bg / N * 1e9
end

local rows = {}
local function row(name, f, g)
  local a, b = pair(f, g)
  rows[#rows + 1] = { name, a, b }
end

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
    let rows: Vec<mlua::Table> = lua.load(script).call(binding).expect("bench script");
    let vm: String = lua.globals().get("_VERSION").unwrap_or_default();
    println!(
        "{vm}: ns/op (best of 15 rounds, sides interleaved every 10k), ffi vs hand-written lua_CFunction binding in the same process"
    );
    println!("{:<36} {:>10} {:>10} {:>7}", "operation", "ffi", "binding", "ratio");
    for r in rows {
        let name: String = r.get(1).unwrap_or_default();
        let a: f64 = r.get(2).unwrap_or(0.0);
        let b: f64 = r.get(3).unwrap_or(1.0);
        println!("{:<36} {:>10.1} {:>10.1} {:>6.2}x", name, a, b, a / b);
    }
}
