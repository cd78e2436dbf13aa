//! # ffi-rlua
//!
//! LuaJIT's `ffi` and `bit` modules for Lua states made with [`rlua`] 0.20 (Lua 5.4 by
//! default; features `lua53` and `lua51` select rlua's other built-in Luas).
//!
//! ```
//! let lua = rlua::Lua::new();
//! ffi_rlua::preload(&lua).unwrap();
//! let n: i64 = lua
//!     .load(r#"
//!         local ffi = require "ffi"
//!         ffi.cdef "int abs(int);"
//!         return ffi.C.abs(-42)
//!     "#)
//!     .eval()
//!     .unwrap();
//! assert_eq!(n, 42);
//! ```
//!
//! rlua 0.20 is mlua 0.9 under rlua's name, so this adapter is `ffi-mlua` over that API:
//! the same options and entry points ([`open`], [`open_with`], [`preload`], [`open_bit`],
//! [`preload_bit`]). It is its own Cargo workspace (see `Cargo.toml`).
//!
//! The ffi context of a state is handed to rlua's app data, which is dropped after
//! `lua_close`: ffi keeps working inside every finaliser.

#![deny(unsafe_op_in_unsafe_fn)]

pub mod api;

use std::cell::Cell;

use api::RluaVm;
use ffi_core::luaapi::{lua_State, CFunction};
use rlua::{Function, Lua, Result, Table};

/// Options for [`open_with`]: which globals become cdata-aware (ffi-core's, the same as
/// `ffi-mlua`'s).
pub use ffi_core::lua::Options;

/// Owns a state's ffi context until rlua drops its app data, after `lua_close`.
struct ContextKeeper(#[allow(dead_code)] ffi_core::lua::ContextOwner);

thread_local! {
    /// The context claimed by [`claim`] on this thread, until `open_module` takes it.
    static CLAIMED: Cell<Option<ffi_core::lua::ContextOwner>> = const { Cell::new(None) };
}

/// A C function that claims the state's ffi context (rlua 0.20 has no raw-state hook).
///
/// # Safety
/// Called by Lua with a live state of rlua's Lua, where ffi is open and no ffi function
/// runs; the owner is kept until after `lua_close` (in app data).
unsafe extern "C-unwind" fn claim(l: *mut lua_State) -> std::ffi::c_int {
    // SAFETY: the caller's contract; a C function has the two free slots needed.
    let owner = unsafe { ffi_core::lua::claim_context::<RluaVm>(l) };
    CLAIMED.with(|c| c.set(owner));
    0
}

/// A `lua_CFunction` of ffi-core as one of rlua's.
fn c_function(lua: &Lua, f: CFunction) -> Result<Function<'_>> {
    // SAFETY: the same function type with rlua's opaque state type for ffi-core's.
    let f = unsafe { std::mem::transmute::<CFunction, rlua::lua_CFunction>(f) };
    // SAFETY: `f` is a lua_CFunction for the Lua version rlua links (RluaVm's table).
    unsafe { lua.create_c_function(f) }
}

/// Opens the `ffi` module in `lua` (once; later calls return the same table) and hands
/// its context to rlua's app data.
fn open_module(lua: &Lua) -> Result<Table<'_>> {
    let module: Table = c_function(lua, ffi_core::lua::open::<RluaVm>)?.call(())?;
    c_function(lua, claim)?.call::<_, ()>(())?;
    if let Some(owner) = CLAIMED.with(|c| c.take()) {
        lua.set_app_data(ContextKeeper(owner));
    }
    Ok(module)
}

/// The `luaopen_ffi` function for this Lua, as an rlua function (it opens the module with
/// default options the first time and returns it).
pub fn loader(lua: &Lua) -> Result<Function<'_>> {
    lua.create_function(|lua, ()| open(lua))
}

/// Opens the `ffi` module with default options and returns it (also stored as
/// `package.loaded.ffi`).
pub fn open(lua: &Lua) -> Result<Table<'_>> {
    open_with(lua, Options::default())
}

/// Opens the `ffi` module with `opts`.
pub fn open_with(lua: &Lua, opts: Options) -> Result<Table<'_>> {
    let m = open_module(lua)?;
    let globals = lua.globals();
    for name in opts.patched_names() {
        globals.set(name, m.get::<_, Function>(name)?)?;
    }
    let loaded: Table = globals.get::<_, Table>("package")?.get("loaded")?;
    loaded.set("ffi", m.clone())?;
    Ok(m)
}

/// Makes `require "ffi"` work (default options), and `require "bit"` unless the state
/// already has a `bit` module ([`preload_bit`]).
pub fn preload(lua: &Lua) -> Result<()> {
    let preload: Table = lua.globals().get::<_, Table>("package")?.get("preload")?;
    preload.set("ffi", loader(lua)?)?;
    preload_bit(lua)?;
    Ok(())
}

/// Opens the `bit` module (LuaJIT 2.1's BitOp with 64-bit cdata), stored as
/// `package.loaded.bit` in place of any other (the host asked for this one).
pub fn open_bit(lua: &Lua) -> Result<Table<'_>> {
    let m = open_bit_module(lua)?;
    let loaded: Table = lua.globals().get::<_, Table>("package")?.get("loaded")?;
    loaded.set("bit", m.clone())?;
    Ok(m)
}

/// Makes `require "bit"` give LuaJIT's `bit` unless `package.loaded.bit` or
/// `package.preload.bit` is already set. Returns whether it did.
pub fn preload_bit(lua: &Lua) -> Result<bool> {
    let package: Table = lua.globals().get("package")?;
    let preload: Table = package.get("preload")?;
    let loaded: Table = package.get("loaded")?;
    if !loaded.get::<_, rlua::Value>("bit")?.is_nil()
        || !preload.get::<_, rlua::Value>("bit")?.is_nil()
    {
        return Ok(false);
    }
    preload.set("bit", lua.create_function(|lua, ()| open_bit_module(lua))?)?;
    Ok(true)
}

/// The `bit` table of this state (made with the ffi module).
fn open_bit_module(lua: &Lua) -> Result<Table<'_>> {
    open_module(lua)?;
    c_function(lua, ffi_core::lua::open_bit::<RluaVm>)?.call(())
}
