//! Finding the host's Lua C API in the process and telling its version.
//!
//! A stock interpreter (`lua5.1` .. `lua5.4` from Debian, or any `lua` linked with
//! `-Wl,-E`) exports the Lua C API from its executable or from the `liblua` it links.
//! `ffi.so` itself has no undefined `lua_*` symbol: the dynamic linker never has to bind a
//! function that only another Lua version has, so Full RELRO (`-z now`, `LD_BIND_NOW`)
//! cannot make loading fail.
//!
//! Where to look ([`Scope`]): `luaopen_ffi` is called by the `require` of the Lua that runs
//! the state, so the object holding its return address is that Lua. When that object
//! exports the Lua C API (a `liblua*.so`, even one loaded with `RTLD_LOCAL` next to another
//! Lua in the same process), the functions are looked up in it; otherwise (an interpreter
//! executable, or a host calling `luaopen_ffi` from its own code) in the process's global
//! scope, `dlsym(RTLD_DEFAULT, name)`.
//!
//! The version comes from which of a few marker functions are there (a symbol that is
//! present rules out the versions whose library lacks it, one that is absent rules out the
//! versions that have it): exactly one version must remain; for 5.4 and later
//! `lua_version` must agree. For 5.2 and 5.3, `lua_version(L)` and `lua_version(NULL)` are
//! also compared, as `luaL_checkversion` does: the state must come from the library that
//! was found.

use core::ffi::{c_int, c_void, CStr};

use ffi_core::luaapi::lua_State;

/// Where the Lua C API is looked up: a loaded object's handle, or the global scope.
#[derive(Copy, Clone, Debug)]
pub struct Scope(*mut c_void);

impl Scope {
    /// The process's global scope.
    pub const GLOBAL: Scope = Scope(libc::RTLD_DEFAULT);

    /// The object containing code address `caller` (the return address of a call into
    /// `luaopen_*`) when it exports `lua_gettop` itself; else the global scope when that is
    /// unambiguous: its `lua_gettop` is the caller's own, or only one Lua is loaded. With
    /// several Lua libraries loaded and a caller that is none of them (a C module calling
    /// `luaopen_ffi` itself), which Lua runs the state cannot be told: `Err` with the
    /// message (which cannot be raised either: whose `lua_error`?).
    pub fn of_caller(caller: usize) -> Result<Scope, String> {
        let Some((fname, base)) = object_of(caller as *const c_void) else {
            return Ok(Scope::GLOBAL);
        };
        // SAFETY: `fname` is the NUL-terminated name of a loaded object (from dladdr);
        // RTLD_NOLOAD only finds it, it loads nothing and runs no constructor.
        let h = unsafe { libc::dlopen(fname, libc::RTLD_LAZY | libc::RTLD_NOLOAD) };
        if !h.is_null() {
            let own = Scope(h).lookup(c"lua_gettop");
            if !own.is_null() && object_of(own).map(|o| o.1) == Some(base) {
                // The handle stays open: the functions are used for the process's life.
                return Ok(Scope(h));
            }
            // SAFETY: the handle dlopen just returned, not used after.
            unsafe { libc::dlclose(h) };
        }
        let global = Scope::GLOBAL.lookup(c"lua_gettop");
        if global.is_null() || object_of(global).map(|o| o.1) == Some(base) {
            // No Lua in the global scope (tell_version says so), or the caller's own.
            return Ok(Scope::GLOBAL);
        }
        let luas = lua_libraries();
        if luas.len() > 1 {
            return Err(format!(
                "ffi: {} Lua libraries are loaded ({}) and luaopen_ffi was not called by any \
                 of them: cannot tell which runs this state",
                luas.len(),
                luas.join(", ")
            ));
        }
        Ok(Scope::GLOBAL)
    }

    /// The symbol `name` in this scope; null when it is not there.
    pub fn lookup(&self, name: &CStr) -> *const c_void {
        // SAFETY: the handle is RTLD_DEFAULT or one dlopen returned and never closed, and
        // `name` ends in NUL; dlsym only reads symbol tables.
        unsafe { libc::dlsym(self.0, name.as_ptr()) as *const c_void }
    }
}

/// The loaded objects that define a `lua_gettop` (each Lua library once, by the object
/// its `lua_gettop` is in), as names.
fn lua_libraries() -> Vec<String> {
    // The objects' names first: dlopen is not called while dl_iterate_phdr holds the
    // loader's lock.
    unsafe extern "C" fn collect(
        info: *mut libc::dl_phdr_info,
        _size: usize,
        data: *mut c_void,
    ) -> c_int {
        // SAFETY: `data` is the Vec below, borrowed by nothing else during the iteration.
        let names = unsafe { &mut *(data as *mut Vec<std::ffi::CString>) };
        // SAFETY: `info` is the loader's record for this call.
        let info = unsafe { &*info };
        let name = if info.dlpi_name.is_null() {
            std::ffi::CString::default()
        } else {
            // SAFETY: dlpi_name is a NUL-terminated string of the loader's.
            unsafe { CStr::from_ptr(info.dlpi_name) }.to_owned()
        };
        names.push(name);
        0
    }
    let mut names: Vec<std::ffi::CString> = Vec::new();
    // SAFETY: `collect` matches the callback type and only appends to `names`.
    unsafe { libc::dl_iterate_phdr(Some(collect), &mut names as *mut _ as *mut c_void) };
    let mut found: Vec<(*mut c_void, String)> = Vec::new();
    for name in &names {
        // The main program's name is empty: dlopen(NULL) is its handle.
        let arg = if name.as_bytes().is_empty() { core::ptr::null() } else { name.as_ptr() };
        // SAFETY: a loaded object's name (or NULL for the program); RTLD_NOLOAD loads
        // nothing.
        let h = unsafe { libc::dlopen(arg, libc::RTLD_LAZY | libc::RTLD_NOLOAD) };
        if h.is_null() {
            continue;
        }
        let f = Scope(h).lookup(c"lua_gettop");
        if let Some((fname, fbase)) = object_of(f) {
            if !found.iter().any(|(b, _)| *b == fbase) {
                // SAFETY: dli_fname is a NUL-terminated string of the loader's.
                let shown = unsafe { CStr::from_ptr(fname) }.to_string_lossy().into_owned();
                found.push((fbase, shown));
            }
        }
        // SAFETY: the handle dlopen just returned, not used after.
        unsafe { libc::dlclose(h) };
    }
    found.into_iter().map(|(_, n)| n).collect()
}

/// The file name and base address of the loaded object containing `addr`.
fn object_of(addr: *const c_void) -> Option<(*const core::ffi::c_char, *mut c_void)> {
    if addr.is_null() {
        return None;
    }
    // SAFETY: an all-zero Dl_info is valid (null pointers).
    let mut info: libc::Dl_info = unsafe { core::mem::zeroed() };
    // SAFETY: dladdr only reads the loader's tables and fills `info`.
    if unsafe { libc::dladdr(addr, &mut info) } == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dli_fname is a NUL-terminated string of the loader's.
    if unsafe { *info.dli_fname } == 0 {
        return None;
    }
    Some((info.dli_fname, info.dli_fbase))
}

/// Why the version could not be told (the text is the Lua error message).
#[derive(Debug)]
pub struct Unknown(pub String);

/// Functions whose presence tells the versions apart: (C symbol, the versions whose library
/// exports it, bit 0 = 5.1). Where a newer version keeps an old name, it is a macro there
/// (`lua_objlen`, `lua_insert`, `lua_newuserdata`), so the symbol is gone. (Not
/// `LuaC::SYMBOLS`' marks: those say which functions ffi-core *uses* per version, and for
/// example `lua_isnumber` exists in every version but is used in 5.1 only.)
const MARKERS: [(&CStr, u8); 8] = [
    (c"lua_objlen", 0b0_0001),
    (c"lua_rawlen", 0b1_1110),
    (c"lua_insert", 0b0_0011),
    (c"lua_rotate", 0b1_1100),
    (c"lua_newuserdata", 0b0_0111),
    (c"lua_newuserdatauv", 0b1_1000),
    (c"lua_resetthread", 0b0_1000),
    (c"lua_pushexternalstring", 0b1_0000),
];

fn version_name(slot: u32) -> String {
    format!("5.{}", slot + 1)
}

/// Tells the version of the Lua whose C API `lookup` finds (`l` is the calling state).
/// Returns `LUA_VERSION_NUM`.
///
/// # Safety
/// `l` is a live state; every non-null address `lookup` returns is the C function of that
/// name from one Lua library.
pub unsafe fn tell_version(
    l: *mut lua_State,
    lookup: &mut dyn FnMut(&CStr) -> *const c_void,
) -> Result<c_int, Unknown> {
    if !lookup(c"luaJIT_setmode").is_null() {
        return Err(Unknown(
            "ffi: this is LuaJIT, whose ffi and bit are built in: require them without this \
             module"
                .into(),
        ));
    }
    if lookup(c"lua_gettop").is_null() {
        return Err(Unknown(
            "ffi: no Lua C API in this process's global symbols (lua_gettop is not \
             exported): build the host with its Lua symbols exported (-Wl,-E), or open ffi \
             with lua_ffi_open from lua_ffi.h"
                .into(),
        ));
    }
    let mut candidates: u8 = 0b1_1111;
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for (name, mask) in MARKERS {
        let shown = name.to_str().unwrap_or("?");
        if lookup(name).is_null() {
            candidates &= !mask;
            missing.push(shown);
        } else {
            candidates &= mask;
            found.push(shown);
        }
    }
    let versions: Vec<u32> = (0..5).filter(|i| candidates & (1 << i) != 0).collect();
    let what = || {
        format!(
            "found {}; lacks {}",
            if found.is_empty() { "none of the markers".into() } else { found.join(", ") },
            if missing.is_empty() { "none of them".into() } else { missing.join(", ") }
        )
    };
    let number = match versions.as_slice() {
        [] => {
            return Err(Unknown(format!(
                "ffi: the Lua C API symbols in this process fit no single Lua version \
                 (two Lua libraries loaded?): {}",
                what()
            )))
        }
        [0] => 501,
        [1] | [2] => {
            let num = 502 + (versions[0] as c_int - 1);
            let sym = lookup(c"lua_version");
            if sym.is_null() {
                return Err(Unknown(format!(
                    "ffi: Lua {} without lua_version",
                    version_name(versions[0])
                )));
            }
            // SAFETY: in 5.2 and 5.3, `lua_version` is `const lua_Number *(lua_State *)`.
            let f = unsafe {
                core::mem::transmute::<
                    *const c_void,
                    unsafe extern "C" fn(*mut lua_State) -> *const f64,
                >(sym)
            };
            // SAFETY: for NULL it returns the address of its library's own version number.
            let own = unsafe { f(core::ptr::null_mut()) };
            // SAFETY: for a live state (`l`), the one recorded in the state.
            let state = unsafe { f(l) };
            if own != state {
                return Err(Unknown(format!(
                    "ffi: this state was not made by the Lua {} library found in the process \
                     (lua_version differs: several Lua libraries loaded?)",
                    version_name(versions[0])
                )));
            }
            // SAFETY: `own` points at the library's static version number.
            let v = unsafe { *own };
            if v != num as f64 {
                return Err(Unknown(format!(
                    "ffi: the symbols are those of Lua {} but lua_version gives {v}",
                    version_name(versions[0])
                )));
            }
            num
        }
        [3] | [4] | [3, 4] => {
            let sym = lookup(c"lua_version");
            if sym.is_null() {
                return Err(Unknown("ffi: Lua 5.4 or later without lua_version".into()));
            }
            // SAFETY: from 5.4 on, `lua_version` is `lua_Number (lua_State *)`.
            let f = unsafe {
                core::mem::transmute::<*const c_void, unsafe extern "C" fn(*mut lua_State) -> f64>(
                    sym,
                )
            };
            // SAFETY: it only returns LUA_VERSION_NUM.
            let v = unsafe { f(l) };
            let num = match v {
                504.0 if versions.contains(&3) => 504,
                505.0 if versions.contains(&4) => 505,
                _ => {
                    return Err(Unknown(format!(
                        "ffi: unknown Lua version: lua_version gives {v} ({})",
                        what()
                    )))
                }
            };
            num
        }
        _ => {
            return Err(Unknown(format!(
                "ffi: cannot tell the Lua version ({} would fit): {}",
                versions.iter().map(|&s| version_name(s)).collect::<Vec<_>>().join(", "),
                what()
            )))
        }
    };
    Ok(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each version has a distinct set of markers, except 5.4 and 5.5 apart from the two
    /// markers `lua_version` confirms.
    #[test]
    fn markers_tell_versions_apart() {
        let sets: Vec<Vec<bool>> =
            (0..5).map(|v| MARKERS.iter().map(|&(_, m)| m & (1 << v) != 0).collect()).collect();
        for a in 0..5 {
            for b in a + 1..5 {
                assert_ne!(sets[a], sets[b], "5.{} and 5.{} look alike", a + 1, b + 1);
            }
        }
    }
}
