//! # ffi-mlua
//!
//! LuaJIT's `ffi` module for the PUC Lua that mlua is built with (feature `lua51` ..
//! `lua55`; default `lua54` + `vendored`).
//!
//! ```
//! let lua = mlua::Lua::new();
//! ffi_mlua::preload(&lua).unwrap();
//! let n: i64 = lua
//!     .load(r#"
//!         local ffi = require "ffi"
//!         ffi.cdef "struct point { double x, y; };"
//!         local p = ffi.new("struct point", 3, 4)
//!         return ffi.sizeof(p) + p.x
//!     "#)
//!     .eval()
//!     .unwrap();
//! assert_eq!(n, 19);
//! ```
//!
//! The ffi context of a state (its C types and caches) is kept in mlua's app data, which
//! mlua drops after `lua_close`: ffi keeps working inside every finaliser, even those of
//! objects made before `require "ffi"`.

#![deny(unsafe_op_in_unsafe_fn)]

pub mod api;

use api::MluaVm;
use mlua::{Function, Lua, Result, Table};

/// Options for [`open_with`]: which globals become cdata-aware (ffi-core's, shared by
/// every adapter).
pub use ffi_core::lua::Options;

/// Owns a state's ffi context until mlua drops its app data, after `lua_close`.
struct ContextKeeper(#[allow(dead_code)] ffi_core::lua::ContextOwner);

/// Opens the `ffi` module in `lua` (once; later calls return the same table) and hands
/// its context to mlua's app data.
fn open_module(lua: &Lua) -> Result<Table> {
    let open: ffi_core::luaapi::CFunction = ffi_core::lua::open::<MluaVm>;
    // SAFETY: the same function type with mlua's opaque state type for ffi-core's.
    let open =
        unsafe { std::mem::transmute::<ffi_core::luaapi::CFunction, mlua::lua_CFunction>(open) };
    // SAFETY: `open::<MluaVm>` is a lua_CFunction for the Lua version mlua links.
    let open = unsafe { lua.create_c_function(open)? };
    let module: Table = open.call(())?;
    let mut owner = None;
    let claim = |l: *mut mlua::lua_State| {
        // SAFETY: `exec_raw` runs this with the live state, in protected mode with room on
        // the stack; the owner is stored in app data, which mlua drops after lua_close.
        owner = unsafe {
            ffi_core::lua::claim_context::<MluaVm>(l as *mut ffi_core::luaapi::lua_State)
        };
    };
    // SAFETY: the closure only looks the cell up in the registry (quiet lookups) and marks
    // it host-owned; no ffi function is running while it does.
    unsafe { lua.exec_raw::<()>((), claim)? };
    if let Some(owner) = owner {
        lua.set_app_data(ContextKeeper(owner));
    }
    Ok(module)
}

/// The `luaopen_ffi` function for this Lua, as an mlua function (it opens the module
/// with default options the first time and returns it).
pub fn loader(lua: &Lua) -> Result<Function> {
    lua.create_function(|lua, ()| open(lua))
}

/// Opens the `ffi` module with default options and returns it (also stored as
/// `package.loaded.ffi`).
pub fn open(lua: &Lua) -> Result<Table> {
    open_with(lua, Options::default())
}

/// Opens the `ffi` module with `opts`.
pub fn open_with(lua: &Lua, opts: Options) -> Result<Table> {
    let m = open_module(lua)?;
    for name in opts.patched_names() {
        lua.globals().set(name, m.get::<Function>(name)?)?;
    }
    let loaded: Table = lua.globals().get::<Table>("package")?.get("loaded")?;
    loaded.set("ffi", &m)?;
    Ok(m)
}

/// Makes `require "ffi"` work (opening the module on first use, with default options),
/// and `require "bit"` too unless the state already has a `bit` module (in
/// `package.loaded` or `package.preload`), which is left alone ([`preload_bit`]).
pub fn preload(lua: &Lua) -> Result<()> {
    let f = loader(lua)?;
    let preload: Table = lua.globals().get::<Table>("package")?.get("preload")?;
    preload.set("ffi", f)?;
    preload_bit(lua)?;
    Ok(())
}

/// Opens the `bit` module (LuaJIT 2.1's BitOp, with 64-bit cdata) and returns it, also
/// stored as `package.loaded.bit`, replacing any other `bit` (the host asked for this
/// one). Opens `ffi` without patching globals if it is not open yet.
pub fn open_bit(lua: &Lua) -> Result<Table> {
    let m = open_bit_module(lua)?;
    let loaded: Table = lua.globals().get::<Table>("package")?.get("loaded")?;
    loaded.set("bit", &m)?;
    Ok(m)
}

/// Makes `require "bit"` give LuaJIT's `bit` unless the state already has one
/// (`package.loaded.bit` or `package.preload.bit` set). Returns whether it did.
pub fn preload_bit(lua: &Lua) -> Result<bool> {
    let package: Table = lua.globals().get("package")?;
    let preload: Table = package.get("preload")?;
    let loaded: Table = package.get("loaded")?;
    if !loaded.get::<mlua::Value>("bit")?.is_nil() || !preload.get::<mlua::Value>("bit")?.is_nil() {
        return Ok(false);
    }
    preload.set("bit", lua.create_function(|lua, ()| open_bit_module(lua))?)?;
    Ok(true)
}

/// The `bit` table of this state (made with the ffi module).
fn open_bit_module(lua: &Lua) -> Result<Table> {
    // Through `open_module` first, so that mlua's app data owns the context.
    open_module(lua)?;
    let open: ffi_core::luaapi::CFunction = ffi_core::lua::open_bit::<MluaVm>;
    // SAFETY: the same function type with mlua's opaque state type for ffi-core's.
    let open =
        unsafe { std::mem::transmute::<ffi_core::luaapi::CFunction, mlua::lua_CFunction>(open) };
    // SAFETY: `open_bit::<MluaVm>` is a lua_CFunction for the Lua version mlua links.
    let open = unsafe { lua.create_c_function(open)? };
    open.call(())
}
