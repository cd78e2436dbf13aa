//! The `LuaApi` table: everything ffi-core does to a Lua state or asks of the host goes
//! through it, so one core serves Lua 5.1 to 5.5 and any host without a `cfg` on the Lua
//! version.
//!
//! ```text
//!   LuaApi (#[repr(C)])
//!   +--------------------------------------------+
//!   | size, layout          checked by `check`   |
//!   | version, registry_index, upvalue_base,     |  facts of the Lua version
//!   | integers                                   |
//!   | ops: LuaOps     normalised operations      |  what ffi-core calls (ops.rs)
//!   | c:   LuaC       the version's C functions  |  what the shims call (c.rs, compat.rs)
//!   | host: Host      code memory, libraries,    |  what no_std cannot do (host.rs)
//!   |                 errno, threads, abort      |
//!   +--------------------------------------------+
//! ```
//!
//! An adapter fills it: a link-time adapter with
//! `LuaApi::new::<V>(link_lua_c!(54), Host::STD)` in a `static`, a run-time one with
//! [`LuaApi::try_new`] from symbols it looked up. [`Vm`] names a table at compile time so
//! that every entry point is specialised for it and, for a constant table, calls through it
//! are direct calls.
//!
//! Handles: [`Lua`] has every operation; [`Stack`] has only the quiet ones (they never
//! raise a Lua error). Variadic C functions (`lua_pushfstring`, `luaL_error`) are never in
//! the table: messages are formatted in Rust and pushed as strings.

pub mod c;
pub mod compat;
pub mod host;
mod ops;

use core::ffi::{c_char, c_int, c_void};

pub use c::LuaC;
pub use host::{CodeRegion, Host, HostError};
pub use ops::{Lua, LuaOps, Stack};

/// An opaque `lua_State`.
#[allow(non_camel_case_types)]
pub type lua_State = c_void;

/// `lua_CFunction`.
pub type CFunction = unsafe extern "C-unwind" fn(*mut lua_State) -> c_int;

/// `LUA_MULTRET`.
pub const MULTRET: c_int = -1;

/// `LUA_MINSTACK`: free stack slots a C function may use without `lua_checkstack`.
pub const MINSTACK: c_int = 20;

/// The layout version of [`LuaApi`]; bumped whenever its fields change.
pub const LAYOUT: u32 = 1;

/// Lua's type tags (the same numbers in every version).
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[repr(i32)]
pub enum LuaType {
    /// `LUA_TNONE`: no value at that index.
    None = -1,
    /// `LUA_TNIL`
    Nil = 0,
    /// `LUA_TBOOLEAN`
    Boolean = 1,
    /// `LUA_TLIGHTUSERDATA`
    LightUserdata = 2,
    /// `LUA_TNUMBER`
    Number = 3,
    /// `LUA_TSTRING`
    String = 4,
    /// `LUA_TTABLE`
    Table = 5,
    /// `LUA_TFUNCTION`
    Function = 6,
    /// `LUA_TUSERDATA`
    Userdata = 7,
    /// `LUA_TTHREAD`
    Thread = 8,
}

impl LuaType {
    /// The type for a raw tag (anything unknown counts as `None`).
    #[inline(always)]
    pub fn from_tag(tag: c_int) -> LuaType {
        const TYPES: [LuaType; 9] = [
            LuaType::Nil,
            LuaType::Boolean,
            LuaType::LightUserdata,
            LuaType::Number,
            LuaType::String,
            LuaType::Table,
            LuaType::Function,
            LuaType::Userdata,
            LuaType::Thread,
        ];
        match TYPES.get(tag as usize) {
            Some(&t) => t,
            None => LuaType::None,
        }
    }

    /// Lua's name for the type (`type()`'s answer; "no value" for none).
    pub fn name(self) -> &'static str {
        match self {
            LuaType::None => "no value",
            LuaType::Nil => "nil",
            LuaType::Boolean => "boolean",
            LuaType::LightUserdata | LuaType::Userdata => "userdata",
            LuaType::Number => "number",
            LuaType::String => "string",
            LuaType::Table => "table",
            LuaType::Function => "function",
            LuaType::Thread => "thread",
        }
    }
}

/// The table (see the module docs).
#[repr(C)]
#[derive(Copy, Clone)]
pub struct LuaApi {
    /// `size_of::<LuaApi>()` of whoever filled it.
    pub size: u32,
    /// [`LAYOUT`] of whoever filled it.
    pub layout: u32,
    /// `LUA_VERSION_NUM`: 501 to 505.
    pub version: c_int,
    /// `LUA_REGISTRYINDEX`.
    pub registry_index: c_int,
    /// `lua_upvalueindex(i)` is `upvalue_base - i`.
    pub upvalue_base: c_int,
    /// Whether numbers have an integer subtype (5.3+).
    pub integers: bool,
    /// The operations.
    pub ops: LuaOps,
    /// The C functions the operations were made from (used by the shims).
    pub c: LuaC,
    /// The host services.
    pub host: Host,
}

impl LuaApi {
    /// The table of `V` from its version's C functions `c` and the host services. The
    /// version facts follow the stock `luaconf.h` of each version (`LUAI_MAXSTACK`); an
    /// adapter for a differently configured Lua overrides them.
    ///
    /// # Panics
    /// When `c` lacks a function of its version or the version is not 5.1 .. 5.5: at
    /// compile time for a `const`/`static` table. Use [`try_new`](Self::try_new) at run
    /// time.
    pub const fn new<V: Vm>(c: LuaC, host: Host) -> LuaApi {
        if c.missing().is_some() {
            panic!("the LuaC table lacks a function of its Lua version");
        }
        let version = c.version;
        let registry_index = match version {
            501 => -10000,
            502..=504 => -1_001_000,
            _ => -(c_int::MAX / 2 + 1000),
        };
        LuaApi {
            size: core::mem::size_of::<LuaApi>() as u32,
            layout: LAYOUT,
            version,
            registry_index,
            // 5.1 counts upvalues below LUA_GLOBALSINDEX.
            upvalue_base: if version == 501 { compat::GLOBALS_51 } else { registry_index },
            integers: version >= 503,
            ops: LuaOps::from_c::<V>(&c),
            c,
            host,
        }
    }

    /// [`new`](Self::new) for a table filled at run time: the C symbol of the first
    /// missing function instead of a panic.
    pub fn try_new<V: Vm>(c: LuaC, host: Host) -> Result<LuaApi, &'static str> {
        match c.missing() {
            Some(name) => Err(name),
            None => Ok(LuaApi::new::<V>(c, host)),
        }
    }

    /// Checks a table someone else filled: its size and layout are this crate's, its
    /// version is known and its facts agree with that version. Returns what is wrong.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.size as usize != core::mem::size_of::<LuaApi>() {
            return Err("LuaApi size differs from this ffi-core's");
        }
        if self.layout != LAYOUT {
            return Err("LuaApi layout version differs from this ffi-core's");
        }
        if c::version_slot(self.version).is_none() || self.c.version != self.version {
            return Err("LuaApi version is not 501..505 or disagrees with its LuaC");
        }
        if self.integers != (self.version >= 503) {
            return Err("LuaApi integer flag disagrees with its version");
        }
        if self.registry_index >= 0 || self.upvalue_base > self.registry_index {
            return Err("LuaApi pseudo-indices are not below the stack");
        }
        if self.c.missing().is_some() {
            return Err("LuaApi lacks a C function of its version");
        }
        Ok(())
    }
}

/// A Lua version known at compile time: the adapter implements it with its table so that
/// every entry point is specialised for it.
///
/// # Safety
/// `api()` returns a table made by [`LuaApi::new`] or [`LuaApi::try_new`] for `Self` from
/// the C functions of the Lua that the states handed to ffi-core's functions belong to
/// (so every C function of its version is present, which the shims rely on).
pub unsafe trait Vm: 'static {
    /// The table.
    fn api() -> &'static LuaApi;
}

impl Stack {
    /// The value's type.
    ///
    /// # Safety
    /// A live state; `idx` acceptable (any index is, for a type query).
    #[inline(always)]
    pub unsafe fn type_of(self, idx: c_int) -> LuaType {
        // SAFETY: `type_tag` needs a live state and an acceptable index: the caller's.
        LuaType::from_tag(unsafe { self.type_tag(idx) })
    }

    /// `lua_upvalueindex(i)`.
    #[inline(always)]
    pub fn upvalue(self, i: c_int) -> c_int {
        self.api.upvalue_base - i
    }

    /// The registry's pseudo-index.
    #[inline(always)]
    pub fn registry(self) -> c_int {
        self.api.registry_index
    }

    /// Pops `n` values.
    ///
    /// # Safety
    /// A live state with at least `n` values in the frame.
    #[inline(always)]
    pub unsafe fn pop(self, n: c_int) {
        // SAFETY: a live state with `n` values to drop (the caller's contract), so the new
        // top stays within the frame.
        unsafe { self.settop(-n - 1) }
    }

    /// The bytes of the string at `idx`. `lua_tolstring` of a string neither converts nor
    /// allocates, so unlike [`Lua::tolstring`] this is quiet.
    ///
    /// # Safety
    /// A live state and a string at `idx`.
    #[inline(always)]
    pub unsafe fn string_bytes(self, idx: c_int) -> (*const c_char, usize) {
        let mut len = 0usize;
        // SAFETY: a live state and a string at `idx` (the caller's contract): the call
        // only reads it; `len` outlives the call.
        let p = unsafe { (self.api.ops.tolstring)(self.l, idx, &mut len) };
        (p, len)
    }
}

impl Lua {
    /// Pushes bytes as a Lua string.
    ///
    /// # Safety
    /// As for every raising operation ([`Lua::pushlstring`]).
    #[inline(always)]
    pub unsafe fn push_bytes(self, s: &[u8]) {
        // SAFETY: `pushlstring`'s contract is the caller's; `s` is readable for its length.
        unsafe { self.pushlstring(s.as_ptr() as *const c_char, s.len()) };
    }

    /// `lua_getfield` with a NUL-terminated key.
    ///
    /// # Safety
    /// As for [`Lua::getfield`]; `k` ends in NUL.
    #[inline(always)]
    pub unsafe fn get_field(self, idx: c_int, k: &[u8]) -> LuaType {
        debug_assert_eq!(k.last(), Some(&0));
        // SAFETY: `getfield`'s contract is the caller's; `k` ends in NUL (also the caller's).
        LuaType::from_tag(unsafe { self.getfield(idx, k.as_ptr() as *const c_char) })
    }

    /// `lua_setfield` with a NUL-terminated key.
    ///
    /// # Safety
    /// As for [`Lua::setfield`]; `k` ends in NUL.
    #[inline(always)]
    pub unsafe fn set_field(self, idx: c_int, k: &[u8]) {
        debug_assert_eq!(k.last(), Some(&0));
        // SAFETY: `setfield`'s contract is the caller's; `k` ends in NUL (also the caller's).
        unsafe { self.setfield(idx, k.as_ptr() as *const c_char) }
    }

    /// `lua_getglobal` with a NUL-terminated name.
    ///
    /// # Safety
    /// As for [`Lua::getglobal`]; `k` ends in NUL.
    #[inline(always)]
    pub unsafe fn get_global(self, k: &[u8]) -> LuaType {
        debug_assert_eq!(k.last(), Some(&0));
        // SAFETY: `getglobal`'s contract is the caller's; `k` ends in NUL (the caller's).
        LuaType::from_tag(unsafe { self.getglobal(k.as_ptr() as *const c_char) })
    }

    /// `lua_setglobal` with a NUL-terminated name.
    ///
    /// # Safety
    /// As for [`Lua::setglobal`]; `k` ends in NUL.
    #[inline(always)]
    pub unsafe fn set_global(self, k: &[u8]) {
        debug_assert_eq!(k.last(), Some(&0));
        // SAFETY: `setglobal`'s contract is the caller's; `k` ends in NUL (the caller's).
        unsafe { self.setglobal(k.as_ptr() as *const c_char) }
    }

    /// Raises the value on top of the stack as a Lua error.
    ///
    /// # Safety
    /// As for every raising operation: no Rust frame between here and the Lua boundary
    /// owns a value with a destructor or holds `catch_unwind`.
    #[inline(always)]
    pub unsafe fn raise(self) -> ! {
        // SAFETY: no frame between here and the Lua boundary owns a destructor or holds
        // `catch_unwind` (the caller's contract), so `lua_error` may unwind across them.
        unsafe {
            self.error();
        }
        // `lua_error` does not return.
        #[allow(clippy::empty_loop)]
        loop {}
    }
}
