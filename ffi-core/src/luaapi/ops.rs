//! The normalised operations ffi-core performs on a Lua state: the one list.
//!
//! Each line of the `lua_ops!` invocation below declares one operation:
//!
//! ```text
//!   quiet  rawgeti(idx: c_int, n: i64) -> c_int = lua_rawgeti, 501 | 502 => shim rawgeti;
//!   ^^^^^  ^^^^^^^ ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^   ^^^^^^^^^^^  ^^^^^^^^^^^^^^^^^^^^^^^^^
//!   class  name and normalised signature           the LuaC     per-version alternatives:
//!                                                   function     `c FIELD` (another LuaC
//!                                                   by default   function) or `shim NAME`
//!                                                                (a function of `compat`)
//! ```
//!
//! From it the macro generates the `#[repr(C)]` [`LuaOps`] table, its filler
//! [`LuaOps::from_c`] and the forwarding methods: `quiet` operations on [`Stack`] (and so
//! on [`Lua`], which dereferences to it), `raises` operations on [`Lua`] only.
//!
//! **quiet** operations never raise a Lua error: they do not allocate, call metamethods or
//! run Lua code (given the stated preconditions, such as a string for `tolstring`'s quiet
//! wrapper). **raises** operations may `longjmp` (or throw) out of the calling frame,
//! including for "not enough memory", and may run finalisers and so re-enter ffi. Code
//! that holds a Rust value with a destructor, or runs inside `catch_unwind`, only ever has
//! a [`Stack`]; see `docs/design.md`, "The error boundary".

use core::ffi::{c_char, c_int, c_void};

use super::{lua_State, CFunction, LuaC, Vm};

macro_rules! lua_ops {
    ($(
        $(#[$doc:meta])*
        $class:ident $name:ident($($a:ident: $t:ty),*) $(-> $r:ty)? = $cfield:ident
            $(, $($ver:literal)|+ => $kind:ident $alt:ident)*;
    )*) => {
        /// The normalised operations of one Lua version (see the module docs).
        #[repr(C)]
        #[derive(Copy, Clone)]
        pub struct LuaOps {
            $(
                $(#[$doc])*
                pub $name: unsafe extern "C-unwind" fn(*mut lua_State $(, $t)*) $(-> $r)?,
            )*
        }

        impl LuaOps {
            /// The operations of `c`'s version: each is the version's C function when its
            /// signature is the normalised one, else a shim from [`super::compat`].
            ///
            /// # Panics
            /// When `c` lacks a function its version needs (a compile-time error for a
            /// `const` table); check with [`LuaC::missing`] first when filling at run time.
            #[allow(clippy::manual_range_patterns)]
            pub const fn from_c<V: Vm>(c: &LuaC) -> LuaOps {
                LuaOps {
                    $( $name: lua_ops!(@pick c V $cfield $(, $($ver)|+ => $kind $alt)*), )*
                }
            }
        }

        impl Stack {
            $( lua_ops!(@quiet $class $(#[$doc])* $name($($a: $t),*) $(-> $r)?); )*
        }

        impl Lua {
            $( lua_ops!(@raises $class $(#[$doc])* $name($($a: $t),*) $(-> $r)?); )*
        }
    };

    (@pick $c:ident $v:ident $cfield:ident $(, $($ver:literal)|+ => $kind:ident $alt:ident)*) => {
        match $c.version {
            $( $($ver)|+ => lua_ops!(@alt $c $v $kind $alt), )*
            _ => $c.$cfield.expect(concat!("Lua C function missing: ", stringify!($cfield))),
        }
    };
    (@alt $c:ident $v:ident c $field:ident) => {
        $c.$field.expect(concat!("Lua C function missing: ", stringify!($field)))
    };
    (@alt $c:ident $v:ident shim $shim:ident) => {
        super::compat::$shim::<$v>
    };

    (@quiet quiet $(#[$doc:meta])* $name:ident($($a:ident: $t:ty),*) $(-> $r:ty)?) => {
        $(#[$doc])*
        ///
        /// Quiet: never raises a Lua error.
        ///
        /// # Safety
        /// A live state of the table's version; valid stack indices and a free stack slot
        /// for every value pushed.
        #[inline(always)]
        pub unsafe fn $name(self $(, $a: $t)*) $(-> $r)? {
            // SAFETY: the caller upholds the contract above; the pointer comes from the
            // adapter's table for this state's Lua version.
            unsafe { (self.api.ops.$name)(self.l $(, $a)*) }
        }
    };
    (@quiet raises $($rest:tt)*) => {};

    (@raises raises $(#[$doc:meta])* $name:ident($($a:ident: $t:ty),*) $(-> $r:ty)?) => {
        $(#[$doc])*
        ///
        /// Raises: may raise a Lua error (including "not enough memory") and run Lua code
        /// (metamethods, finalisers).
        ///
        /// # Safety
        /// A live state of the table's version; valid stack indices and a free stack slot
        /// for every value pushed. No Rust frame between here and the Lua boundary may own
        /// a value with a destructor or hold `catch_unwind`, and no `&mut` to per-state
        /// data may be live across the call (finalisers may re-enter ffi).
        #[inline(always)]
        pub unsafe fn $name(self $(, $a: $t)*) $(-> $r)? {
            // SAFETY: the caller upholds the contract above; the pointer comes from the
            // adapter's table for this state's Lua version.
            unsafe { (self.api.ops.$name)(self.l $(, $a)*) }
        }
    };
    (@raises quiet $($rest:tt)*) => {};
}

lua_ops! {
    // -- Stack positions ---------------------------------------------------------------
    /// `lua_gettop`: the index of the top value.
    quiet gettop() -> c_int = lua_gettop;
    /// `lua_settop` (ffi-core never marks to-be-closed slots, so this never closes any).
    quiet settop(idx: c_int) = lua_settop;
    /// `lua_absindex`.
    quiet absindex(idx: c_int) -> c_int = lua_absindex, 501 => shim absindex;
    /// `lua_pushvalue`.
    quiet pushvalue(idx: c_int) = lua_pushvalue;
    /// `lua_insert`: moves the top value to `idx`.
    quiet insert(idx: c_int) = lua_insert, 503 | 504 | 505 => shim insert;
    // -- Reading values ----------------------------------------------------------------
    /// `lua_type`: the value's type tag (see [`super::LuaType`]).
    quiet type_tag(idx: c_int) -> c_int = lua_type;
    /// `lua_tonumberx` (never converts a string in ffi-core's use).
    quiet tonumberx(idx: c_int, isnum: *mut c_int) -> f64 = lua_tonumberx, 501 => shim tonumberx;
    /// `lua_tointegerx` with 5.3's meaning on every version: integral numbers only.
    quiet tointegerx(idx: c_int, isnum: *mut c_int) -> i64
        = lua_tointegerx, 501 | 502 => shim tointegerx;
    /// `lua_isinteger`; before 5.3, whether the number is integral (not `-0.0`).
    quiet isinteger(idx: c_int) -> c_int = lua_isinteger, 501 | 502 => shim isinteger;
    /// `lua_toboolean`.
    quiet toboolean(idx: c_int) -> c_int = lua_toboolean;
    /// `lua_touserdata`.
    quiet touserdata(idx: c_int) -> *mut c_void = lua_touserdata;
    /// `lua_tocfunction`: the C function of a C function value.
    quiet tocfunction(idx: c_int) -> Option<CFunction> = lua_tocfunction;
    /// `lua_getupvalue`: pushes upvalue `n` of the function at `func` (quiet for C
    /// closures: their upvalues have no names to intern).
    quiet getupvalue(func: c_int, n: c_int) -> *const c_char = lua_getupvalue;
    /// `lua_getstack`: fills the `lua_Debug` at `ar` for call level `level`.
    quiet getstack(level: c_int, ar: *mut c_void) -> c_int = lua_getstack;
    /// `lua_getinfo` (quiet for options that push nothing and collect no lines, such as
    /// `"n"`).
    quiet getinfo(what: *const c_char, ar: *mut c_void) -> c_int = lua_getinfo;
    /// `lua_rawlen` (5.1: `lua_objlen`). Quiet for strings, tables and userdata (5.1
    /// converts a number to a string in place).
    quiet rawlen(idx: c_int) -> usize = lua_rawlen, 501 => c lua_objlen;
    /// `lua_pushthread`: pushes the running thread; 1 when it is the main thread.
    quiet pushthread() -> c_int = lua_pushthread;
    /// `lua_tothread`: the thread at `idx` (null for anything else).
    quiet tothread(idx: c_int) -> *mut lua_State = lua_tothread;
    /// `lua_rawequal`.
    quiet rawequal(a: c_int, b: c_int) -> c_int = lua_rawequal;
    /// `lua_rawget`, returning the value's type.
    quiet rawget(idx: c_int) -> c_int = lua_rawget, 501 | 502 => shim rawget;
    /// `lua_rawgeti`, returning the value's type.
    quiet rawgeti(idx: c_int, n: i64) -> c_int = lua_rawgeti, 501 | 502 => shim rawgeti;
    /// `lua_next` (quiet for keys that `lua_next` itself produced).
    quiet next(idx: c_int) -> c_int = lua_next;
    // -- Pushing values that need no allocation ----------------------------------------
    /// `lua_pushnil`.
    quiet pushnil() = lua_pushnil;
    /// `lua_pushnumber`.
    quiet pushnumber(n: f64) = lua_pushnumber;
    /// `lua_pushinteger` (a float before 5.3).
    quiet pushinteger(n: i64) = lua_pushinteger;
    /// `lua_pushboolean`.
    quiet pushboolean(b: c_int) = lua_pushboolean;
    /// `lua_pushlightuserdata`.
    quiet pushlightuserdata(p: *mut c_void) = lua_pushlightuserdata;
    /// `lua_pcall`: catches every error raised inside (but runs Lua code, so no `&mut` to
    /// per-state data may be live across it).
    quiet pcall(nargs: c_int, nresults: c_int, errfunc: c_int) -> c_int
        = lua_pcall, 502 => shim pcall_52, 503 | 504 | 505 => shim pcall;
    // -- Operations that may raise -----------------------------------------------------
    /// `lua_checkstack`: makes room for `n` more values; 0 when the stack may not grow
    /// that far. 5.1's raises "not enough memory" when the allocation fails (later versions
    /// answer 0), so it is a raising operation: ffi-core grows the stack only from `run`,
    /// never inside a body.
    raises checkstack(n: c_int) -> c_int = lua_checkstack;
    /// `lua_tolstring` (converts numbers in place, which allocates).
    raises tolstring(idx: c_int, len: *mut usize) -> *const c_char = lua_tolstring;
    /// `lua_pushlstring`, returning Lua's copy (5.1's returns nothing: its shim answers
    /// with `lua_tolstring` of the new string).
    raises pushlstring(s: *const c_char, len: usize) -> *const c_char
        = lua_pushlstring, 501 => shim pushlstring_51;
    /// `lua_pushstring` of a NUL-terminated string (Lua measures it, and from 5.4 finds a
    /// recently pushed one in its cache by address), returning Lua's copy.
    raises pushstring(s: *const c_char) -> *const c_char
        = lua_pushstring, 501 => shim pushstring_51;
    /// `lua_pushcclosure`.
    raises pushcclosure(f: CFunction, n: c_int) = lua_pushcclosure;
    /// `lua_createtable`.
    raises createtable(narr: c_int, nrec: c_int) = lua_createtable;
    /// `lua_newuserdatauv` (before 5.4 there are no counted user values: its shim is
    /// `lua_newuserdata`, whatever `nuvalue` says).
    raises newuserdatauv(size: usize, nuvalue: c_int) -> *mut c_void
        = lua_newuserdatauv, 501 | 502 | 503 => shim newuserdata;
    /// `lua_setmetatable`.
    raises setmetatable(idx: c_int) -> c_int = lua_setmetatable;
    /// `lua_rawset`.
    raises rawset(idx: c_int) = lua_rawset;
    /// `lua_rawseti`.
    raises rawseti(idx: c_int, n: i64) = lua_rawseti, 501 | 502 => shim rawseti;
    /// `lua_getfield`, returning the value's type (may call metamethods).
    raises getfield(idx: c_int, k: *const c_char) -> c_int = lua_getfield, 501 | 502 => shim getfield;
    /// `lua_setfield` (may call metamethods).
    raises setfield(idx: c_int, k: *const c_char) = lua_setfield;
    /// `lua_gettable`, returning the value's type (may call metamethods).
    raises gettable(idx: c_int) -> c_int = lua_gettable, 501 | 502 => shim gettable;
    /// `lua_settable` (may call metamethods).
    raises settable(idx: c_int) = lua_settable;
    /// `lua_getglobal`, returning the value's type.
    raises getglobal(k: *const c_char) -> c_int
        = lua_getglobal, 501 => shim getglobal_51, 502 => shim getglobal_52;
    /// `lua_setglobal`.
    raises setglobal(k: *const c_char) = lua_setglobal, 501 => shim setglobal_51;
    /// `lua_call`.
    raises call(nargs: c_int, nresults: c_int)
        = lua_call, 502 => shim call_52, 503 | 504 | 505 => shim call;
    /// `lua_concat`.
    raises concat(n: c_int) = lua_concat;
    /// `luaL_where`: pushes "chunk:line: " of the function at `level`.
    raises where_(level: c_int) = luaL_where;
    /// `luaL_ref`: pops the top value into table `t` under a new integer key (a free one
    /// of earlier `luaL_unref`s first) and returns the key.
    raises ref_(t: c_int) -> c_int = luaL_ref;
    /// `luaL_unref`: frees key `r` of table `t` for reuse.
    raises unref(t: c_int, r: c_int) = luaL_unref;
    /// `lua_error`: raises the value on top; never returns.
    raises error() -> c_int = lua_error;
}

/// A `lua_State` with its table, limited to the quiet operations: what code that owns
/// Rust values with destructors, or runs inside `catch_unwind`, may use.
#[derive(Copy, Clone)]
pub struct Stack {
    pub(crate) api: &'static super::LuaApi,
    pub(crate) l: *mut lua_State,
}

/// A `lua_State` with its table and every operation, raising ones included. It
/// dereferences to [`Stack`] for the quiet ones.
#[derive(Copy, Clone)]
pub struct Lua(Stack);

impl core::ops::Deref for Lua {
    type Target = Stack;
    #[inline(always)]
    fn deref(&self) -> &Stack {
        &self.0
    }
}

impl Lua {
    /// The handle for state `l` of `V`'s version.
    ///
    /// # Safety
    /// `l` is a live state of that version.
    #[inline(always)]
    pub unsafe fn new<V: Vm>(l: *mut lua_State) -> Lua {
        Lua(Stack { api: V::api(), l })
    }

    /// The quiet view of the same state.
    #[inline(always)]
    pub fn stack(self) -> Stack {
        self.0
    }
}

impl Stack {
    /// The raw state.
    #[inline(always)]
    pub fn state(self) -> *mut lua_State {
        self.l
    }
}
