//! The `LuaApi` table: everything ffi-core does to a Lua state goes through these function
//! pointers and VM facts, filled in by an adapter (`ffi-mlua`, `ffi-capi`), so one core
//! serves Lua 5.1 to 5.5 without a `cfg` on the Lua version.
//!
//! Each operation has one normalised signature (64-bit integers, getters returning the
//! type tag); where a VM's C signature differs the adapter supplies a shim. Variadic
//! functions (`lua_pushfstring`, `luaL_error`) are never in the table: messages are
//! formatted in Rust and pushed as strings.

use core::ffi::{c_char, c_int, c_void};

/// An opaque `lua_State`.
pub type State = c_void;
/// `lua_CFunction`.
pub type CFunction = unsafe extern "C-unwind" fn(*mut State) -> c_int;

/// Lua type tags (the same numbers in every version).
pub mod t {
    use core::ffi::c_int;
    /// `LUA_TNONE`
    pub const NONE: c_int = -1;
    /// `LUA_TNIL`
    pub const NIL: c_int = 0;
    /// `LUA_TBOOLEAN`
    pub const BOOLEAN: c_int = 1;
    /// `LUA_TLIGHTUSERDATA`
    pub const LIGHTUSERDATA: c_int = 2;
    /// `LUA_TNUMBER`
    pub const NUMBER: c_int = 3;
    /// `LUA_TSTRING`
    pub const STRING: c_int = 4;
    /// `LUA_TTABLE`
    pub const TABLE: c_int = 5;
    /// `LUA_TFUNCTION`
    pub const FUNCTION: c_int = 6;
    /// `LUA_TUSERDATA`
    pub const USERDATA: c_int = 7;
    /// `LUA_TTHREAD`
    pub const THREAD: c_int = 8;
}

macro_rules! api_table {
    ($($(#[$m:meta])* $name:ident : fn($($arg:ty),*) $(-> $ret:ty)?;)*) => {
        /// Function pointers and facts of one Lua version. Filled by an adapter; see the
        /// module docs.
        #[repr(C)]
        pub struct LuaApi {
            /// `LUA_VERSION_NUM`: 501 to 505.
            pub version: c_int,
            /// `LUA_REGISTRYINDEX`.
            pub registry_index: c_int,
            /// `lua_upvalueindex(i)` is `upvalue_base - i`.
            pub upvalue_base: c_int,
            /// Whether numbers have an integer subtype (5.3+).
            pub integers: bool,
            $($(#[$m])* pub $name: unsafe extern "C-unwind" fn(*mut State $(, $arg)*) $(-> $ret)?,)*
        }
    };
}

api_table! {
    /// `lua_absindex`
    absindex: fn(c_int) -> c_int;
    /// `lua_gettop`
    gettop: fn() -> c_int;
    /// `lua_settop`
    settop: fn(c_int);
    /// `lua_pushvalue`
    pushvalue: fn(c_int);
    /// `lua_insert`
    insert: fn(c_int);
    /// `lua_checkstack`
    checkstack: fn(c_int) -> c_int;
    /// `lua_type`
    type_: fn(c_int) -> c_int;
    /// `lua_tonumberx`
    tonumberx: fn(c_int, *mut c_int) -> f64;
    /// `lua_tointegerx` (64-bit)
    tointegerx: fn(c_int, *mut c_int) -> i64;
    /// `lua_isinteger` (always 0 before 5.3)
    isinteger: fn(c_int) -> c_int;
    /// `lua_toboolean`
    toboolean: fn(c_int) -> c_int;
    /// `lua_tolstring` (no conversion of numbers is relied upon)
    tolstring: fn(c_int, *mut usize) -> *const c_char;
    /// `lua_touserdata`
    touserdata: fn(c_int) -> *mut c_void;
    /// `lua_pushnil`
    pushnil: fn();
    /// `lua_pushnumber`
    pushnumber: fn(f64);
    /// `lua_pushinteger` (64-bit; a double before 5.3)
    pushinteger: fn(i64);
    /// `lua_pushboolean`
    pushboolean: fn(c_int);
    /// `lua_pushlstring`
    pushlstring: fn(*const c_char, usize);
    /// `lua_pushlightuserdata`
    pushlightuserdata: fn(*mut c_void);
    /// `lua_pushcclosure`
    pushcclosure: fn(CFunction, c_int);
    /// `lua_createtable`
    createtable: fn(c_int, c_int);
    /// `lua_rawget` (returns the type)
    rawget: fn(c_int) -> c_int;
    /// `lua_rawset`
    rawset: fn(c_int);
    /// `lua_rawgeti` (returns the type)
    rawgeti: fn(c_int, i64) -> c_int;
    /// `lua_rawseti`
    rawseti: fn(c_int, i64);
    /// `lua_getfield` (returns the type; may call metamethods)
    getfield: fn(c_int, *const c_char) -> c_int;
    /// `lua_setfield` (may call metamethods)
    setfield: fn(c_int, *const c_char);
    /// `lua_next`
    next: fn(c_int) -> c_int;
    /// `lua_rawlen`
    rawlen: fn(c_int) -> usize;
    /// `lua_rawequal`
    rawequal: fn(c_int, c_int) -> c_int;
    /// `lua_getmetatable`
    getmetatable: fn(c_int) -> c_int;
    /// `lua_setmetatable`
    setmetatable: fn(c_int);
    /// `lua_newuserdata` (one user value on 5.4+)
    newuserdata: fn(usize) -> *mut c_void;
    /// `lua_call`
    call: fn(c_int, c_int);
    /// `lua_pcall`
    pcall: fn(c_int, c_int, c_int) -> c_int;
    /// `lua_error`: raises the value on top of the stack; never returns.
    error: fn() -> c_int;
    /// `lua_getglobal` (returns the type)
    getglobal: fn(*const c_char) -> c_int;
    /// `lua_setglobal`
    setglobal: fn(*const c_char);
    /// `luaL_where`: pushes "chunk:line: " of the function at that level.
    where_: fn(c_int);
    /// `lua_concat`
    concat: fn(c_int);
    /// `lua_gettable` (returns the type; may call metamethods)
    gettable: fn(c_int) -> c_int;
    /// `lua_settable` (may call metamethods)
    settable: fn(c_int);
}

/// A Lua version, known at compile time: the adapter implements this with a `const`
/// table so that every entry point is specialised for its VM.
pub trait Vm: 'static {
    /// The API table.
    const API: &'static LuaApi;
}

/// A `lua_State` together with its API table.
#[derive(Copy, Clone)]
pub struct Lua {
    /// The API table.
    pub api: &'static LuaApi,
    /// The state.
    pub l: *mut State,
}

macro_rules! fwd {
    ($($name:ident($($a:ident: $t:ty),*) $(-> $r:ty)?;)*) => {
        $(
            #[inline(always)]
            #[doc = concat!("`", stringify!($name), "` through the table.")]
            ///
            /// # Safety
            /// `self.l` must be a live state of the API's Lua version, with the stack
            /// slots the operation uses; the operation may raise a Lua error (longjmp), so
            /// no value with a destructor may be live in the calling Rust frames.
            pub unsafe fn $name(self $(, $a: $t)*) $(-> $r)? {
                // SAFETY: the caller upholds the contract above; the pointer comes from
                // the adapter's table for this state's Lua version.
                unsafe { (self.api.$name)(self.l $(, $a)*) }
            }
        )*
    };
}

impl Lua {
    fwd! {
        absindex(i: c_int) -> c_int;
        gettop() -> c_int;
        settop(i: c_int);
        pushvalue(i: c_int);
        insert(i: c_int);
        checkstack(n: c_int) -> c_int;
        type_(i: c_int) -> c_int;
        toboolean(i: c_int) -> c_int;
        touserdata(i: c_int) -> *mut c_void;
        pushnil();
        pushnumber(n: f64);
        pushboolean(b: c_int);
        pushlightuserdata(p: *mut c_void);
        pushcclosure(f: CFunction, n: c_int);
        createtable(a: c_int, r: c_int);
        rawget(i: c_int) -> c_int;
        rawset(i: c_int);
        rawgeti(i: c_int, n: i64) -> c_int;
        rawseti(i: c_int, n: i64);
        next(i: c_int) -> c_int;
        rawlen(i: c_int) -> usize;
        rawequal(a: c_int, b: c_int) -> c_int;
        getmetatable(i: c_int) -> c_int;
        setmetatable(i: c_int);
        newuserdata(n: usize) -> *mut c_void;
        call(a: c_int, r: c_int);
        pcall(a: c_int, r: c_int, e: c_int) -> c_int;
        isinteger(i: c_int) -> c_int;
        where_(lvl: c_int);
        concat(n: c_int);
        gettable(i: c_int) -> c_int;
        settable(i: c_int);
    }

    /// Pops `n` values.
    ///
    /// # Safety
    /// As for every operation: a live state with `n` values on the stack.
    #[inline(always)]
    pub unsafe fn pop(self, n: c_int) {
        // SAFETY: forwarded contract.
        unsafe { self.settop(-n - 1) }
    }

    /// `lua_upvalueindex(i)`.
    #[inline(always)]
    pub fn upvalue(self, i: c_int) -> c_int {
        self.api.upvalue_base - i
    }

    /// The number at `i`, if it is a number (strings are not converted).
    ///
    /// # Safety
    /// A live state; `i` a valid index.
    #[inline(always)]
    pub unsafe fn tonumber(self, i: c_int) -> f64 {
        // SAFETY: forwarded contract.
        unsafe { (self.api.tonumberx)(self.l, i, core::ptr::null_mut()) }
    }

    /// The integer at `i` if it is a Lua integer (5.3+) or an integral float.
    ///
    /// # Safety
    /// A live state; `i` a valid index.
    #[inline(always)]
    pub unsafe fn tointeger(self, i: c_int) -> Option<i64> {
        let mut ok = 0;
        // SAFETY: forwarded contract; `ok` outlives the call.
        let v = unsafe { (self.api.tointegerx)(self.l, i, &mut ok) };
        (ok != 0).then_some(v)
    }

    /// Pushes an integer: a Lua integer on 5.3+, a number before.
    ///
    /// # Safety
    /// A live state with a free stack slot.
    #[inline(always)]
    pub unsafe fn pushinteger(self, n: i64) {
        // SAFETY: forwarded contract.
        unsafe {
            if self.api.integers {
                (self.api.pushinteger)(self.l, n)
            } else {
                (self.api.pushnumber)(self.l, n as f64)
            }
        }
    }

    /// The bytes of the string at `i` (numbers are not converted: `None`).
    ///
    /// # Safety
    /// A live state; the slice is valid while the string stays on the stack.
    #[inline(always)]
    pub unsafe fn tobytes<'a>(self, i: c_int) -> Option<&'a [u8]> {
        // SAFETY: forwarded contract; a string returned by Lua is valid for `len` bytes
        // while it stays reachable.
        unsafe {
            if self.type_(i) != t::STRING {
                return None;
            }
            let mut len = 0usize;
            let p = (self.api.tolstring)(self.l, i, &mut len);
            if p.is_null() {
                return None;
            }
            Some(core::slice::from_raw_parts(p as *const u8, len))
        }
    }

    /// Pushes bytes as a Lua string.
    ///
    /// # Safety
    /// A live state with a free stack slot. May raise (out of memory).
    #[inline(always)]
    pub unsafe fn pushbytes(self, s: &[u8]) {
        // SAFETY: forwarded contract; `s` is valid for its length.
        unsafe { (self.api.pushlstring)(self.l, s.as_ptr() as *const c_char, s.len()) }
    }

    /// `lua_getfield` with a NUL-terminated key.
    ///
    /// # Safety
    /// A live state; `k` must end in NUL. May call metamethods.
    #[inline(always)]
    pub unsafe fn getfield(self, i: c_int, k: &[u8]) -> c_int {
        debug_assert_eq!(k.last(), Some(&0));
        // SAFETY: forwarded contract; `k` is NUL-terminated.
        unsafe { (self.api.getfield)(self.l, i, k.as_ptr() as *const c_char) }
    }

    /// `lua_setfield` with a NUL-terminated key.
    ///
    /// # Safety
    /// A live state; `k` must end in NUL. May call metamethods.
    #[inline(always)]
    pub unsafe fn setfield(self, i: c_int, k: &[u8]) {
        debug_assert_eq!(k.last(), Some(&0));
        // SAFETY: forwarded contract; `k` is NUL-terminated.
        unsafe { (self.api.setfield)(self.l, i, k.as_ptr() as *const c_char) }
    }

    /// `lua_getglobal` with a NUL-terminated name.
    ///
    /// # Safety
    /// A live state; `k` must end in NUL.
    #[inline(always)]
    pub unsafe fn getglobal(self, k: &[u8]) -> c_int {
        // SAFETY: forwarded contract; `k` is NUL-terminated.
        unsafe { (self.api.getglobal)(self.l, k.as_ptr() as *const c_char) }
    }

    /// `lua_setglobal` with a NUL-terminated name.
    ///
    /// # Safety
    /// A live state; `k` must end in NUL.
    #[inline(always)]
    pub unsafe fn setglobal(self, k: &[u8]) {
        // SAFETY: forwarded contract; `k` is NUL-terminated.
        unsafe { (self.api.setglobal)(self.l, k.as_ptr() as *const c_char) }
    }

    /// Raises the value on top of the stack as a Lua error.
    ///
    /// # Safety
    /// A live state; no value with a destructor may be live in any Rust frame between
    /// here and the Lua boundary (the error unwinds with longjmp).
    #[inline(always)]
    pub unsafe fn error(self) -> ! {
        // SAFETY: forwarded contract.
        unsafe {
            (self.api.error)(self.l);
        }
        // lua_error does not return.
        #[allow(clippy::empty_loop)]
        loop {}
    }
}
