//! The `LuaApi` table for the Lua version mlua was built with.
//!
//! mlua-sys gives every version 5.3-style signatures (its compat layer shims 5.1/5.2),
//! so each entry here is a one-line `extern "C-unwind"` trampoline; the version facts
//! are the only `cfg`s in the project, and they live in this adapter, not in the core.

use core::ffi::{c_char, c_int, c_void};
use ffi_core::lua::api::{CFunction, LuaApi, State};
use ffi_core::lua::Vm;
use mlua::ffi;

fn st(l: *mut State) -> *mut ffi::lua_State {
    l as *mut ffi::lua_State
}

macro_rules! tramp {
    ($($name:ident($($a:ident: $t:ty),*) $(-> $r:ty)? = $body:expr;)*) => {$(
        /// Trampoline to the mlua-sys function of the same name.
        ///
        /// # Safety
        /// Called by ffi-core with a live state of this Lua version.
        unsafe extern "C-unwind" fn $name(l: *mut State $(, $a: $t)*) $(-> $r)? {
            let l = st(l);
            // SAFETY: the caller passes a live state and valid arguments, as the Lua
            // C API requires.
            #[allow(clippy::unnecessary_cast)]
            unsafe { $body(l) }
        }
    )*};
}

tramp! {
    absindex(i: c_int) -> c_int = |l| ffi::lua_absindex(l, i);
    gettop() -> c_int = |l| ffi::lua_gettop(l);
    settop(i: c_int) = |l| ffi::lua_settop(l, i);
    pushvalue(i: c_int) = |l| ffi::lua_pushvalue(l, i);
    insert(i: c_int) = |l| ffi::lua_insert(l, i);
    checkstack(n: c_int) -> c_int = |l| ffi::lua_checkstack(l, n);
    type_(i: c_int) -> c_int = |l| ffi::lua_type(l, i);
    tonumberx(i: c_int, isnum: *mut c_int) -> f64 = |l| ffi::lua_tonumberx(l, i, isnum);
    tointegerx(i: c_int, isnum: *mut c_int) -> i64 = |l| ffi::lua_tointegerx(l, i, isnum) as i64;
    isinteger(i: c_int) -> c_int = |l| ffi::lua_isinteger(l, i);
    toboolean(i: c_int) -> c_int = |l| ffi::lua_toboolean(l, i);
    tolstring(i: c_int, len: *mut usize) -> *const c_char = |l| ffi::lua_tolstring(l, i, len);
    touserdata(i: c_int) -> *mut c_void = |l| ffi::lua_touserdata(l, i);
    pushnil() = |l| ffi::lua_pushnil(l);
    pushnumber(n: f64) = |l| ffi::lua_pushnumber(l, n);
    pushinteger(n: i64) = |l| ffi::lua_pushinteger(l, n as ffi::lua_Integer);
    pushboolean(b: c_int) = |l| ffi::lua_pushboolean(l, b);
    pushlstring(s: *const c_char, n: usize) = |l| { ffi::lua_pushlstring(l, s, n); };
    pushlightuserdata(p: *mut c_void) = |l| ffi::lua_pushlightuserdata(l, p);
    pushcclosure(f: CFunction, n: c_int) = |l| ffi::lua_pushcclosure(l, std::mem::transmute::<CFunction, ffi::lua_CFunction>(f), n);
    createtable(a: c_int, r: c_int) = |l| ffi::lua_createtable(l, a, r);
    rawget(i: c_int) -> c_int = |l| ffi::lua_rawget(l, i);
    rawset(i: c_int) = |l| ffi::lua_rawset(l, i);
    rawgeti(i: c_int, n: i64) -> c_int = |l| ffi::lua_rawgeti(l, i, n as ffi::lua_Integer);
    rawseti(i: c_int, n: i64) = |l| ffi::lua_rawseti(l, i, n as ffi::lua_Integer);
    getfield(i: c_int, k: *const c_char) -> c_int = |l| ffi::lua_getfield(l, i, k);
    setfield(i: c_int, k: *const c_char) = |l| ffi::lua_setfield(l, i, k);
    next(i: c_int) -> c_int = |l| ffi::lua_next(l, i);
    rawlen(i: c_int) -> usize = |l| ffi::lua_rawlen(l, i) as usize;
    rawequal(a: c_int, b: c_int) -> c_int = |l| ffi::lua_rawequal(l, a, b);
    getmetatable(i: c_int) -> c_int = |l| ffi::lua_getmetatable(l, i);
    setmetatable(i: c_int) = |l| { ffi::lua_setmetatable(l, i); };
    newuserdata(n: usize) -> *mut c_void = |l| ffi::lua_newuserdata(l, n);
    call(a: c_int, r: c_int) = |l| ffi::lua_call(l, a, r);
    pcall(a: c_int, r: c_int, e: c_int) -> c_int = |l| ffi::lua_pcall(l, a, r, e);
    error() -> c_int = |l| ffi::lua_error(l);
    getglobal(k: *const c_char) -> c_int = |l| ffi::lua_getglobal(l, k);
    setglobal(k: *const c_char) = |l| ffi::lua_setglobal(l, k);
    where_(lvl: c_int) = |l| ffi::luaL_where(l, lvl);
    concat(n: c_int) = |l| ffi::lua_concat(l, n);
    gettable(i: c_int) -> c_int = |l| ffi::lua_gettable(l, i);
    settable(i: c_int) = |l| ffi::lua_settable(l, i);
}

const VERSION: c_int = if cfg!(feature = "lua55") {
    505
} else if cfg!(feature = "lua54") {
    504
} else if cfg!(feature = "lua53") {
    503
} else if cfg!(feature = "lua52") {
    502
} else {
    501
};

/// The table for this build's Lua.
pub const API: LuaApi = LuaApi {
    version: VERSION,
    registry_index: ffi::LUA_REGISTRYINDEX,
    upvalue_base: ffi::lua_upvalueindex(0),
    integers: VERSION >= 503,
    absindex,
    gettop,
    settop,
    pushvalue,
    insert,
    checkstack,
    type_,
    tonumberx,
    tointegerx,
    isinteger,
    toboolean,
    tolstring,
    touserdata,
    pushnil,
    pushnumber,
    pushinteger,
    pushboolean,
    pushlstring,
    pushlightuserdata,
    pushcclosure,
    createtable,
    rawget,
    rawset,
    rawgeti,
    rawseti,
    getfield,
    setfield,
    next,
    rawlen,
    rawequal,
    getmetatable,
    setmetatable,
    newuserdata,
    call,
    pcall,
    error,
    getglobal,
    setglobal,
    where_,
    concat,
    gettable,
    settable,
};

/// The mlua build's VM for ffi-core.
pub struct MluaVm;

impl Vm for MluaVm {
    const API: &'static LuaApi = &API;
}
