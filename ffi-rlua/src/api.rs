//! The `LuaApi` table for the Lua that rlua is built with: that version's C functions,
//! declared by ffi-core's `link_lua_c!` (rlua's mlua-sys links the library).

use ffi_core::luaapi::{Host, LuaApi, LuaC, Vm};

#[cfg(feature = "lua51")]
const C: LuaC = ffi_core::link_lua_c!(51);
#[cfg(all(feature = "lua53", not(feature = "lua51")))]
const C: LuaC = ffi_core::link_lua_c!(53);
#[cfg(not(any(feature = "lua51", feature = "lua53")))]
const C: LuaC = ffi_core::link_lua_c!(54);

/// The table for this build's Lua.
pub static API: LuaApi = LuaApi::new::<RluaVm>(C, Host::STD);

/// The rlua build's Lua version for ffi-core.
pub struct RluaVm;

// SAFETY: `API` is made by `LuaApi::new::<RluaVm>` from the functions of the Lua that rlua
// links (the same build's feature selects both), and ffi-rlua hands ffi-core only states
// of that Lua.
unsafe impl Vm for RluaVm {
    #[inline(always)]
    fn api() -> &'static LuaApi {
        &API
    }
}
