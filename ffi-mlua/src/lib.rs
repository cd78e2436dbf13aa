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

#![deny(unsafe_op_in_unsafe_fn)]

pub mod api;

use api::MluaVm;
use mlua::{Function, Lua, Result, Table};

/// Options for [`open_with`].
#[derive(Copy, Clone, Debug)]
pub struct Options {
    /// Make the global `tonumber` cdata-aware (default: yes, as ported LuaJIT code expects).
    pub patch_tonumber: bool,
    /// Make the global `type` return "cdata" for cdata (default: no).
    pub patch_type: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { patch_tonumber: true, patch_type: false }
    }
}

/// The `luaopen_ffi` function for this Lua, as an mlua function.
pub fn loader(lua: &Lua) -> Result<Function> {
    // SAFETY: `open::<MluaVm>` is a lua_CFunction for the Lua version mlua links; it
    // follows the Lua C API contract.
    unsafe {
        lua.create_c_function(std::mem::transmute::<
            ffi_core::lua::api::CFunction,
            mlua::lua_CFunction,
        >(ffi_core::lua::open::<MluaVm>))
    }
}

/// Opens the `ffi` module with default options and returns it (also stored as
/// `package.loaded.ffi`).
pub fn open(lua: &Lua) -> Result<Table> {
    open_with(lua, Options::default())
}

/// Opens the `ffi` module with `opts`.
pub fn open_with(lua: &Lua, opts: Options) -> Result<Table> {
    let m: Table = loader(lua)?.call(())?;
    if opts.patch_tonumber {
        lua.globals().set("tonumber", m.get::<Function>("tonumber")?)?;
    }
    if opts.patch_type {
        lua.globals().set("type", m.get::<Function>("type")?)?;
    }
    let loaded: Table = lua.globals().get::<Table>("package")?.get("loaded")?;
    loaded.set("ffi", &m)?;
    Ok(m)
}

/// Makes `require "ffi"` work (opening the module on first use, with default options).
pub fn preload(lua: &Lua) -> Result<()> {
    let f = lua.create_function(|lua, ()| open(lua))?;
    let preload: Table = lua.globals().get::<Table>("package")?.get("preload")?;
    preload.set("ffi", f)
}
