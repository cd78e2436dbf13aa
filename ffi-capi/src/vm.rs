//! The process's Lua for ffi-core: one `LuaApi` table, filled at the first `luaopen_ffi`
//! (or `lua_ffi_open_with`) from the functions found then, and used by every state after.

use std::sync::OnceLock;

use ffi_core::luaapi::{Host, LuaApi, LuaC, Vm};

static API: OnceLock<LuaApi> = OnceLock::new();

/// The Lua found in this process.
pub struct CapiVm;

// SAFETY: the table is made by `LuaApi::try_new::<CapiVm>` from the functions of the one
// Lua the process runs (`install` refuses a second one), and ffi-core only calls `api()`
// from the functions `open::<CapiVm>` registered, after `install` succeeded.
unsafe impl Vm for CapiVm {
    #[inline(always)]
    fn api() -> &'static LuaApi {
        match API.get() {
            Some(api) => api,
            None => installed_first(),
        }
    }
}

#[cold]
#[inline(never)]
fn installed_first() -> ! {
    // Unreachable: every entry point exists only after `install`.
    std::process::abort()
}

/// Makes `c` the process's table (the first time) or checks that it is the same Lua.
/// Returns what is wrong as the Lua error's text.
pub fn install(c: LuaC) -> Result<&'static LuaApi, String> {
    let api = LuaApi::try_new::<CapiVm>(c, Host::STD).map_err(|sym| {
        format!("ffi: the Lua {}.{} in this process lacks {sym}", c.version / 100, c.version % 100)
    })?;
    let stored = API.get_or_init(|| api);
    // The same library: the same version and the same functions.
    let same = stored.version == api.version
        && stored.c.lua_gettop.map(|f| f as usize) == api.c.lua_gettop.map(|f| f as usize)
        && stored.c.lua_settop.map(|f| f as usize) == api.c.lua_settop.map(|f| f as usize)
        && stored.c.lua_error.map(|f| f as usize) == api.c.lua_error.map(|f| f as usize);
    if !same {
        return Err(format!(
            "ffi: this process already runs ffi with another Lua library (Lua {}.{}); \
             one process serves one Lua",
            stored.version / 100,
            stored.version % 100
        ));
    }
    Ok(stored)
}
