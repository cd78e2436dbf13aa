//! The exported entry points: `luaopen_ffi` for `require`, `lua_ffi_open_with` for C hosts
//! (through `include/lua_ffi.h`).
//!
//! ```text
//!   luaopen_ffi(L) (naked: + return address)   lua_ffi_open_with(L, LUA_VERSION_NUM, lookup, opts)
//!     detect::Scope::of_caller (dladdr)          the host's lua.h names the functions
//!     detect::tell_version (markers)                      |
//!            \                                            /
//!             LuaC::from_symbols -> vm::install -> open::<CapiVm> -> patch globals
//! ```
//!
//! Errors are Lua errors raised with the functions that were found. When not even
//! `lua_pushlstring` and `lua_error` can be found, or the state's Lua cannot be told among
//! several, there is no way to raise: the message goes to stderr and the loader returns
//! nothing (`require` then gives `true`).

use core::ffi::{c_char, c_int, c_uint, c_void, CStr};

use ffi_core::lua::Options;
use ffi_core::luaapi::{lua_State, LuaC};

use crate::detect;
use crate::vm::{self, CapiVm};

/// Option bit: the global `tonumber` becomes `ffi.tonumber` (cdata-aware).
pub const LUA_FFI_PATCH_TONUMBER: c_uint = 1;
/// Option bit: the global `type` becomes `ffi.type` ("cdata" for cdata).
pub const LUA_FFI_PATCH_TYPE: c_uint = 2;
/// Option bit: the globals `pairs`/`ipairs` become `ffi.pairs`/`ffi.ipairs`.
pub const LUA_FFI_PATCH_PAIRS: c_uint = 4;
/// What `require "ffi"` does, as `ffi-mlua`'s default options.
pub const LUA_FFI_DEFAULTS: c_uint = LUA_FFI_PATCH_TONUMBER | LUA_FFI_PATCH_PAIRS;

/// A C host's symbol lookup (`lua_ffi_lookup`): the host's Lua C function of that name, as
/// a generic function pointer, or null.
pub type Lookup = unsafe extern "C" fn(name: *const c_char) -> Option<unsafe extern "C" fn()>;

type PushLString = unsafe extern "C-unwind" fn(*mut lua_State, *const c_char, usize);
type LuaError = unsafe extern "C-unwind" fn(*mut lua_State) -> c_int;

/// Raises `msg` as a Lua error with the functions `lookup` finds, or prints it and returns
/// 0 when they are not there.
///
/// # Safety
/// `l` is a live state of the Lua whose functions `lookup` finds, called as a C function
/// (this frame's callers own nothing a `longjmp` would skip).
unsafe fn fail(
    l: *mut lua_State,
    lookup: &mut dyn FnMut(&CStr) -> *const c_void,
    msg: String,
) -> c_int {
    let push = lookup(c"lua_pushlstring");
    let error = lookup(c"lua_error");
    if push.is_null() || error.is_null() {
        eprintln!("{msg}");
        return 0;
    }
    // SAFETY: the Lua function of that name (the caller's contract); it returns void in
    // 5.1 and a pointer after, which the call ignores.
    let push = unsafe { core::mem::transmute::<*const c_void, PushLString>(push) };
    // SAFETY: the Lua function of that name (the caller's contract).
    let error = unsafe { core::mem::transmute::<*const c_void, LuaError>(error) };
    // SAFETY: a live state; a C function has a free slot; the bytes are readable.
    unsafe { push(l, msg.as_ptr() as *const c_char, msg.len()) };
    drop(msg);
    // SAFETY: nothing in this frame is owned any more; the error value is on top.
    unsafe { error(l) }
}

/// Opens ffi in `l` once the process's table is installed, patches the globals `options`
/// asks for and leaves the module on top.
///
/// # Safety
/// `l` is a live state of the installed Lua, called as a C function.
unsafe fn open_installed(l: *mut lua_State, options: c_uint) -> c_int {
    // SAFETY: the caller's contract; `open` raises like any luaopen function.
    unsafe { ffi_core::lua::open::<CapiVm>(l) };
    let opts = Options {
        patch_tonumber: options & LUA_FFI_PATCH_TONUMBER != 0,
        patch_type: options & LUA_FFI_PATCH_TYPE != 0,
        patch_pairs: options & LUA_FFI_PATCH_PAIRS != 0,
    };
    // SAFETY: the module is on top, `open` left room; called from a C function.
    unsafe { ffi_core::lua::patch_globals::<CapiVm>(l, opts) };
    1
}

/// Installs the process's table from the Lua found in `scope`.
///
/// # Safety
/// `l` is a live state.
unsafe fn install_from_process(l: *mut lua_State, scope: detect::Scope) -> Result<(), String> {
    let mut lookup = |name: &CStr| scope.lookup(name);
    // SAFETY: a live state; the scope's functions are those of one loaded Lua.
    match unsafe { detect::tell_version(l, &mut lookup) } {
        // SAFETY: the functions of that name from the Lua just identified.
        Ok(version) => vm::install(unsafe { LuaC::from_symbols(version, &mut lookup) }).map(drop),
        Err(detect::Unknown(msg)) => Err(msg),
    }
}

/// Installs the process's table from the functions a C host names.
///
/// # Safety
/// `lookup` returns, for each name, null or the host's Lua C function of that name from
/// the Lua `version`.
unsafe fn install_from_host(
    version: c_int,
    find: &mut dyn FnMut(&CStr) -> *const c_void,
) -> Result<(), String> {
    if ffi_core::luaapi::c::version_slot(version).is_none() {
        return Err(format!("ffi: lua_ffi_open_with: unknown LUA_VERSION_NUM {version}"));
    }
    // SAFETY: the host's lookup returns its Lua's functions (the caller's contract).
    vm::install(unsafe { LuaC::from_symbols(version, find) }).map(drop)
}

/// How an entry opens its module once the table is installed: `open_installed` (ffi,
/// with option bits) or `open_bit_installed`.
type Opener = unsafe fn(*mut lua_State, c_uint) -> c_int;

/// `bit` once the table is installed (the options are ffi's, unused here).
///
/// # Safety
/// As for [`open_installed`].
unsafe fn open_bit_installed(l: *mut lua_State, _options: c_uint) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { ffi_core::lua::open_bit::<CapiVm>(l) }
}

/// The `luaopen_*` entries: the table from the Lua that called (`caller` is the return
/// address of the call into the entry, 0 when unknown), then `open`.
///
/// # Safety
/// Called by Lua as a `lua_CFunction` with a live state.
unsafe fn from_process(l: *mut lua_State, caller: usize, open: Opener, options: c_uint) -> c_int {
    let scope = match detect::Scope::of_caller(caller) {
        Ok(scope) => scope,
        Err(msg) => {
            // No Lua known to be the state's: nothing to raise with.
            eprintln!("{msg}");
            return 0;
        }
    };
    // SAFETY: a live state (the caller's contract).
    match unsafe { install_from_process(l, scope) } {
        // SAFETY: a live state of the installed Lua, called by Lua.
        Ok(()) => unsafe { open(l, options) },
        // SAFETY: the scope holds the state's Lua; nothing else is owned here.
        Err(msg) => unsafe { fail(l, &mut |name: &CStr| scope.lookup(name), msg) },
    }
}

/// The `lua_ffi_open*_with` entries: the table from the host's lookup, then `open`.
///
/// # Safety
/// As for [`lua_ffi_open_with`].
unsafe fn from_host(
    l: *mut lua_State,
    version: c_int,
    lookup: Lookup,
    open: Opener,
    options: c_uint,
) -> c_int {
    let mut find = |name: &CStr| -> *const c_void {
        // SAFETY: the host's lookup takes a NUL-terminated name.
        let f = unsafe { lookup(name.as_ptr()) };
        f.map_or(core::ptr::null(), |f| f as *const c_void)
    };
    // SAFETY: the host's lookup returns its Lua's functions (the caller's contract).
    match unsafe { install_from_host(version, &mut find) } {
        // SAFETY: a live state of the installed Lua.
        Ok(()) => unsafe { open(l, options) },
        // SAFETY: the lookup finds the host's Lua; nothing else is owned here.
        Err(msg) => unsafe { fail(l, &mut find, msg) },
    }
}

/// `require "ffi"` from a stock interpreter: finds the host's Lua (the object `require`
/// runs in, else the process's global symbols), then opens the module with the default
/// options ([`LUA_FFI_DEFAULTS`]). Returns the module table.
///
/// # Safety
/// Called by Lua as a `lua_CFunction` with a live state.
#[cfg(target_arch = "x86_64")]
#[unsafe(naked)]
#[no_mangle]
pub unsafe extern "C-unwind" fn luaopen_ffi(l: *mut lua_State) -> c_int {
    // The return address (in the Lua that called) becomes the second argument; a tail
    // jump, so this entry has no frame of its own.
    core::arch::naked_asm!("mov rsi, [rsp]", "jmp {0}", sym luaopen_ffi_from)
}

/// `luaopen_ffi` where the caller's address cannot be read: the global scope.
///
/// # Safety
/// Called by Lua as a `lua_CFunction` with a live state.
#[cfg(not(target_arch = "x86_64"))]
#[no_mangle]
pub unsafe extern "C-unwind" fn luaopen_ffi(l: *mut lua_State) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { luaopen_ffi_from(l, 0) }
}

/// `luaopen_ffi` with the caller's return address.
///
/// # Safety
/// Called by Lua (through `luaopen_ffi`) with a live state.
unsafe extern "C-unwind" fn luaopen_ffi_from(l: *mut lua_State, caller: usize) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { from_process(l, caller, open_installed, LUA_FFI_DEFAULTS) }
}

/// `require "bit"` from a stock interpreter (the same shared object installed as
/// `bit.so`): LuaJIT 2.1's BitOp with 64-bit cdata. Opens `ffi` too if needed, without
/// patching globals.
///
/// # Safety
/// Called by Lua as a `lua_CFunction` with a live state.
#[cfg(target_arch = "x86_64")]
#[unsafe(naked)]
#[no_mangle]
pub unsafe extern "C-unwind" fn luaopen_bit(l: *mut lua_State) -> c_int {
    // As in `luaopen_ffi`.
    core::arch::naked_asm!("mov rsi, [rsp]", "jmp {0}", sym luaopen_bit_from)
}

/// `luaopen_bit` where the caller's address cannot be read: the global scope.
///
/// # Safety
/// Called by Lua as a `lua_CFunction` with a live state.
#[cfg(not(target_arch = "x86_64"))]
#[no_mangle]
pub unsafe extern "C-unwind" fn luaopen_bit(l: *mut lua_State) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { luaopen_bit_from(l, 0) }
}

/// `luaopen_bit` with the caller's return address.
///
/// # Safety
/// Called by Lua (through `luaopen_bit`) with a live state.
unsafe extern "C-unwind" fn luaopen_bit_from(l: *mut lua_State, caller: usize) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { from_process(l, caller, open_bit_installed, 0) }
}

/// The entry of `include/lua_ffi.h`: opens ffi in `l` with the C functions of the host's
/// own Lua, which `lookup` names (so that a host that links Lua statically and exports
/// nothing can have ffi). `version` is the host's `LUA_VERSION_NUM`; `options` is a set of
/// `LUA_FFI_PATCH_*` bits. Leaves the module on the stack and returns 1, like a
/// `luaopen_*` function.
///
/// # Safety
/// `l` is a live state of that Lua; `lookup` returns, for each name, null or that Lua's C
/// function of that name; called as a C function (or from one).
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_ffi_open_with(
    l: *mut lua_State,
    version: c_int,
    lookup: Lookup,
    options: c_uint,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { from_host(l, version, lookup, open_installed, options) }
}

/// [`lua_ffi_open_with`] for the `bit` module: leaves it on the stack and returns 1.
///
/// # Safety
/// As for [`lua_ffi_open_with`].
#[no_mangle]
pub unsafe extern "C-unwind" fn lua_ffi_open_bit_with(
    l: *mut lua_State,
    version: c_int,
    lookup: Lookup,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { from_host(l, version, lookup, open_bit_installed, 0) }
}
