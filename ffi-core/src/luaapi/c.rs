//! The Lua C API functions the table is filled from, by their C names and with the C
//! signatures each version's `lua.h` gives them.
//!
//! [`LuaC`] holds one function pointer per C function; a version that lacks a function
//! has `None` there. It is the interchange format between ffi-core and whoever knows the
//! host's Lua:
//!
//! - a link-time adapter (`ffi-mlua`, `ffi-rlua`) expands [`link_lua_c!`](crate::link_lua_c)
//!   for its version, which declares the functions as imports and builds a `const LuaC`;
//! - a run-time adapter (`ffi-capi`) finds each [`LuaC::SYMBOLS`] entry with `dlsym` and
//!   calls [`LuaC::from_symbols`];
//! - a C host fills the same `#[repr(C)]` struct from its own `lua.h`.
//!
//! [`super::LuaOps::from_c`] then turns it into the normalised operations, with the shims
//! of [`super::compat`] where a version's C signature differs from the normalised one.
//!
//! The list is written once, in `__lua_c_list!`. Each line says in which of 5.1, 5.2,
//! 5.3, 5.4, 5.5 the function exists (`x`) or not (`-`), the field name, the C symbol and
//! the C signature (the `lua_State *` first parameter is implied). `lua_Integer` is
//! `ptrdiff_t` in 5.1/5.2 and `long long` from 5.3; both are `i64` on the 64-bit targets
//! this crate supports.

use core::ffi::{c_char, c_int, c_void};

use super::{lua_State, CFunction};

/// The master list of C functions (see the module docs). It calls `$callback!` with
/// `$args ;` followed by the list, so that one list generates both the [`LuaC`] struct
/// (here) and the link-time imports (in the adapter, through `link_lua_c!`).
#[doc(hidden)]
#[macro_export]
macro_rules! __lua_c_list {
    ($callback:ident; $($args:tt)*) => {
        $crate::$callback! { $($args)* ;
            // Present in every version with the same C signature.
            [x x x x x] lua_gettop = lua_gettop: fn() -> c_int;
            [x x x x x] lua_settop = lua_settop: fn(c_int);
            [x x x x x] lua_pushvalue = lua_pushvalue: fn(c_int);
            [x x x x x] lua_checkstack = lua_checkstack: fn(c_int) -> c_int;
            [x x x x x] lua_type = lua_type: fn(c_int) -> c_int;
            [x x x x x] lua_toboolean = lua_toboolean: fn(c_int) -> c_int;
            [x x x x x] lua_tolstring = lua_tolstring: fn(c_int, *mut usize) -> *const c_char;
            [x x x x x] lua_touserdata = lua_touserdata: fn(c_int) -> *mut c_void;
            [x x x x x] lua_tocfunction = lua_tocfunction: fn(c_int) -> Option<CFunction>;
            [x x x x x] lua_getupvalue = lua_getupvalue: fn(c_int, c_int) -> *const c_char;
            [x x x x x] lua_getstack = lua_getstack: fn(c_int, *mut c_void) -> c_int;
            [x x x x x] lua_getinfo = lua_getinfo: fn(*const c_char, *mut c_void) -> c_int;
            [x x x x x] lua_rawequal = lua_rawequal: fn(c_int, c_int) -> c_int;
            [x x x x x] lua_pushnil = lua_pushnil: fn();
            [x x x x x] lua_pushnumber = lua_pushnumber: fn(f64);
            [x x x x x] lua_pushinteger = lua_pushinteger: fn(i64);
            [x x x x x] lua_pushboolean = lua_pushboolean: fn(c_int);
            [x x x x x] lua_pushlightuserdata = lua_pushlightuserdata: fn(*mut c_void);
            [x x x x x] lua_pushcclosure = lua_pushcclosure: fn(CFunction, c_int);
            [x x x x x] lua_createtable = lua_createtable: fn(c_int, c_int);
            [x x x x x] lua_rawset = lua_rawset: fn(c_int);
            [x x x x x] lua_setfield = lua_setfield: fn(c_int, *const c_char);
            [x x x x x] lua_settable = lua_settable: fn(c_int);
            [x x x x x] lua_next = lua_next: fn(c_int) -> c_int;
            [x x x x x] lua_setmetatable = lua_setmetatable: fn(c_int) -> c_int;
            [x x x x x] lua_error = lua_error: fn() -> c_int;
            [x x x x x] lua_concat = lua_concat: fn(c_int);
            [x x x x x] luaL_where = luaL_where: fn(c_int);
            [x x x x x] luaL_ref = luaL_ref: fn(c_int) -> c_int;
            [x x x x x] lua_pushthread = lua_pushthread: fn() -> c_int;
            [x x x x x] lua_tothread = lua_tothread: fn(c_int) -> *mut lua_State;
            [x x x x x] luaL_unref = luaL_unref: fn(c_int, c_int);
            // Stack positions.
            [- x x x x] lua_absindex = lua_absindex: fn(c_int) -> c_int;
            [x x - - -] lua_insert = lua_insert: fn(c_int);
            [- - x x x] lua_rotate = lua_rotate: fn(c_int, c_int);
            // Numbers and lengths.
            [x - - - -] lua_tonumber = lua_tonumber: fn(c_int) -> f64;
            [x - - - -] lua_isnumber = lua_isnumber: fn(c_int) -> c_int;
            [- x x x x] lua_tonumberx = lua_tonumberx: fn(c_int, *mut c_int) -> f64;
            [- - x x x] lua_tointegerx = lua_tointegerx: fn(c_int, *mut c_int) -> i64;
            [- - x x x] lua_isinteger = lua_isinteger: fn(c_int) -> c_int;
            [x - - - -] lua_objlen = lua_objlen: fn(c_int) -> usize;
            [- x x x x] lua_rawlen = lua_rawlen: fn(c_int) -> usize;
            // Getters: no result before 5.3; integer keys are `int` before 5.3.
            [x x - - -] lua_rawget_void = lua_rawget: fn(c_int);
            [- - x x x] lua_rawget = lua_rawget: fn(c_int) -> c_int;
            [x x - - -] lua_rawgeti_int = lua_rawgeti: fn(c_int, c_int);
            [- - x x x] lua_rawgeti = lua_rawgeti: fn(c_int, i64) -> c_int;
            [x x - - -] lua_rawseti_int = lua_rawseti: fn(c_int, c_int);
            [- - x x x] lua_rawseti = lua_rawseti: fn(c_int, i64);
            [x x - - -] lua_getfield_void = lua_getfield: fn(c_int, *const c_char);
            [- - x x x] lua_getfield = lua_getfield: fn(c_int, *const c_char) -> c_int;
            [x x - - -] lua_gettable_void = lua_gettable: fn(c_int);
            [- - x x x] lua_gettable = lua_gettable: fn(c_int) -> c_int;
            // Globals: macros over LUA_GLOBALSINDEX in 5.1.
            [- x - - -] lua_getglobal_void = lua_getglobal: fn(*const c_char);
            [- - x x x] lua_getglobal = lua_getglobal: fn(*const c_char) -> c_int;
            [- x x x x] lua_setglobal = lua_setglobal: fn(*const c_char);
            // Strings: `lua_pushlstring` returns the internal copy from 5.2 on.
            [x - - - -] lua_pushlstring_void = lua_pushlstring: fn(*const c_char, usize);
            [- x x x x] lua_pushlstring = lua_pushlstring: fn(*const c_char, usize) -> *const c_char;
            [x - - - -] lua_pushstring_void = lua_pushstring: fn(*const c_char);
            [- x x x x] lua_pushstring = lua_pushstring: fn(*const c_char) -> *const c_char;
            // Userdata: user values are counted from 5.4.
            [x x x - -] lua_newuserdata = lua_newuserdata: fn(usize) -> *mut c_void;
            [- - - x x] lua_newuserdatauv = lua_newuserdatauv: fn(usize, c_int) -> *mut c_void;
            // Calls: continuations from 5.2 (`int` context in 5.2, `lua_KContext` after).
            [x - - - -] lua_call = lua_call: fn(c_int, c_int);
            [x - - - -] lua_pcall = lua_pcall: fn(c_int, c_int, c_int) -> c_int;
            [- x - - -] lua_callk_int = lua_callk: fn(c_int, c_int, c_int, Option<CFunction>);
            [- x - - -] lua_pcallk_int = lua_pcallk: fn(c_int, c_int, c_int, c_int, Option<CFunction>) -> c_int;
            [- - x x x] lua_callk = lua_callk: fn(c_int, c_int, isize, Option<KFunction>);
            [- - x x x] lua_pcallk = lua_pcallk: fn(c_int, c_int, c_int, isize, Option<KFunction>) -> c_int;
        }
    };
}

/// `lua_KFunction` (5.3+): a continuation, never used by ffi-core (always passed as null).
pub type KFunction = unsafe extern "C-unwind" fn(*mut lua_State, c_int, isize) -> c_int;

/// Whether a line's availability mark says "present": `x`.
#[doc(hidden)]
#[macro_export]
macro_rules! __lua_c_present {
    (x) => {
        true
    };
    (-) => {
        false
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __define_lua_c {
    (; $( [$a:tt $b:tt $c:tt $d:tt $e:tt] $field:ident = $cname:ident :
          fn($($arg:ty),*) $(-> $ret:ty)?; )*) => {
        /// The C functions of one Lua version (see the module docs). `#[repr(C)]` so that
        /// a C host or a run-time loader can fill it.
        #[repr(C)]
        #[derive(Copy, Clone)]
        #[allow(non_snake_case)]
        pub struct LuaC {
            /// `LUA_VERSION_NUM` of these functions: 501 to 505.
            pub version: c_int,
            $(
                #[doc = concat!("`", stringify!($cname), "`")]
                pub $field: Option<unsafe extern "C-unwind" fn(*mut lua_State $(, $arg)*) $(-> $ret)?>,
            )*
        }

        impl LuaC {
            /// Every function: (field name, C symbol, present in [5.1, 5.2, 5.3, 5.4, 5.5]).
            pub const SYMBOLS: &'static [(&'static str, &'static str, [bool; 5])] = &[
                $( (stringify!($field), stringify!($cname), [
                    $crate::__lua_c_present!($a), $crate::__lua_c_present!($b),
                    $crate::__lua_c_present!($c), $crate::__lua_c_present!($d),
                    $crate::__lua_c_present!($e),
                ]), )*
            ];

            /// A table for `version` with no functions yet.
            pub const fn empty(version: c_int) -> LuaC {
                LuaC { version, $($field: None,)* }
            }

            /// Fills the table for `version` by looking up each function this version has
            /// by its C symbol (for example with `dlsym`); `lookup` returns null when the
            /// symbol is not there.
            ///
            /// # Safety
            /// Every non-null address `lookup` returns must be the C function of that name
            /// from the Lua `version` the table will be used with.
            pub unsafe fn from_symbols(
                version: c_int,
                lookup: &mut dyn FnMut(&core::ffi::CStr) -> *const c_void,
            ) -> LuaC {
                let mut t = LuaC::empty(version);
                let Some(slot) = version_slot(version) else { return t };
                let mut i = 0;
                $(
                    if LuaC::SYMBOLS[i].2[slot] {
                        let p = lookup(
                            // SAFETY: the literal ends in NUL and has no interior NUL.
                            unsafe {
                                core::ffi::CStr::from_bytes_with_nul_unchecked(
                                    concat!(stringify!($cname), "\0").as_bytes(),
                                )
                            },
                        );
                        if !p.is_null() {
                            // SAFETY: the caller guarantees `p` is this C function, whose
                            // signature is the field's type.
                            t.$field = Some(unsafe {
                                core::mem::transmute::<
                                    *const c_void,
                                    unsafe extern "C-unwind" fn(*mut lua_State $(, $arg)*) $(-> $ret)?,
                                >(p)
                            });
                        }
                    }
                    i += 1;
                )*
                let _ = i;
                t
            }

            /// The C symbol of the first function this version needs that the table lacks
            /// (`Some("LUA_VERSION_NUM")` for an unknown version).
            pub const fn missing(&self) -> Option<&'static str> {
                let Some(slot) = version_slot(self.version) else {
                    return Some("LUA_VERSION_NUM");
                };
                let mut i = 0;
                $(
                    if LuaC::SYMBOLS[i].2[slot] && self.$field.is_none() {
                        return Some(LuaC::SYMBOLS[i].1);
                    }
                    i += 1;
                )*
                let _ = i;
                None
            }
        }
    };
}

crate::__lua_c_list!(__define_lua_c;);

/// Index of `version` in the availability marks (0 for 5.1 .. 4 for 5.5).
pub const fn version_slot(version: c_int) -> Option<usize> {
    match version {
        501..=505 => Some((version - 501) as usize),
        _ => None,
    }
}

/// Declares, as link-time imports, the C API functions of one Lua version and evaluates to
/// the [`LuaC`] holding them. For adapters whose Lua is linked into the program (mlua,
/// rlua): `const C: LuaC = ffi_core::link_lua_c!(54);`. The version is `51` .. `55`.
#[macro_export]
macro_rules! link_lua_c {
    ($v:tt) => {
        $crate::__lua_c_list!(__link_lua_c; $v)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __link_lua_c {
    ($v:tt ; $( [$a:tt $b:tt $c:tt $d:tt $e:tt] $field:ident = $cname:ident :
          fn($($arg:ty),*) $(-> $ret:ty)?; )*) => {{
        #[allow(unused_imports)]
        use core::ffi::{c_char, c_int, c_void};
        #[allow(unused_imports)]
        use $crate::luaapi::{c::KFunction, lua_State, CFunction};
        #[allow(non_snake_case, clippy::missing_safety_doc)]
        extern "C-unwind" {
            $( $crate::__lua_c_keep! { $v [$a $b $c $d $e]
                #[link_name = stringify!($cname)]
                fn $field(l: *mut lua_State $(, _: $arg)*) $(-> $ret)?;
            } )*
        }
        let mut t = $crate::luaapi::LuaC::empty($crate::__lua_c_version!($v));
        $( $crate::__lua_c_keep! { $v [$a $b $c $d $e] t.$field = Some($field); } )*
        t
    }};
}

/// Emits its body only when the availability marks say the version has the function.
#[doc(hidden)]
#[macro_export]
macro_rules! __lua_c_keep {
    (51 [x $b:tt $c:tt $d:tt $e:tt] $($body:tt)*) => { $($body)* };
    (52 [$a:tt x $c:tt $d:tt $e:tt] $($body:tt)*) => { $($body)* };
    (53 [$a:tt $b:tt x $d:tt $e:tt] $($body:tt)*) => { $($body)* };
    (54 [$a:tt $b:tt $c:tt x $e:tt] $($body:tt)*) => { $($body)* };
    (55 [$a:tt $b:tt $c:tt $d:tt x] $($body:tt)*) => { $($body)* };
    ($v:tt [$a:tt $b:tt $c:tt $d:tt $e:tt] $($body:tt)*) => {};
}

/// `LUA_VERSION_NUM` for a short version (`54` -> 504).
#[doc(hidden)]
#[macro_export]
macro_rules! __lua_c_version {
    (51) => {
        501
    };
    (52) => {
        502
    };
    (53) => {
        503
    };
    (54) => {
        504
    };
    (55) => {
        505
    };
}
