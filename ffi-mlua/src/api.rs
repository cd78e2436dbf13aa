//! The `LuaApi` table for the Lua version mlua is built with: the C functions of that
//! version, declared by ffi-core's [`link_lua_c!`](ffi_core::link_lua_c) (mlua-sys links
//! the library), made into the normalised table by ffi-core, with the standard host
//! services. The Lua version is the only `cfg` in the project, and it lives here.

use ffi_core::luaapi::{Host, LuaApi, LuaC, Vm};

#[cfg(feature = "lua55")]
const C: LuaC = ffi_core::link_lua_c!(55);
#[cfg(all(feature = "lua54", not(feature = "lua55")))]
const C: LuaC = ffi_core::link_lua_c!(54);
#[cfg(all(feature = "lua53", not(any(feature = "lua54", feature = "lua55"))))]
const C: LuaC = ffi_core::link_lua_c!(53);
#[cfg(all(feature = "lua52", not(any(feature = "lua53", feature = "lua54", feature = "lua55"))))]
const C: LuaC = ffi_core::link_lua_c!(52);
#[cfg(all(
    feature = "lua51",
    not(any(feature = "lua52", feature = "lua53", feature = "lua54", feature = "lua55"))
))]
const C: LuaC = ffi_core::link_lua_c!(51);

/// The table for this build's Lua.
pub static API: LuaApi = LuaApi::new::<MluaVm>(C, Host::STD);

/// The mlua build's Lua version for ffi-core.
pub struct MluaVm;

// SAFETY: `API` is made by `LuaApi::new::<MluaVm>` from the functions of the Lua that mlua
// links (the same build's feature selects both), and ffi-mlua hands ffi-core only states
// of that Lua.
unsafe impl Vm for MluaVm {
    #[inline(always)]
    fn api() -> &'static LuaApi {
        &API
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_mlua_sys() {
        assert_eq!(API.check(), Ok(()));
        assert_eq!(API.registry_index, mlua::ffi::LUA_REGISTRYINDEX);
        assert_eq!(API.upvalue_base - 1, mlua::ffi::lua_upvalueindex(1));
        let version = mlua::Lua::new().globals().get::<String>("_VERSION").unwrap();
        assert_eq!(version, format!("Lua {}.{}", API.version / 100, API.version % 100));
    }
}
