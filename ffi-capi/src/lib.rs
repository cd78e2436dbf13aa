//! # ffi-capi
//!
//! LuaJIT's `ffi` module as one shared object for every stock Lua: installed as `ffi.so`
//! on `LUA_CPATH`, `require "ffi"` works in `lua5.1`, `lua5.2`, `lua5.3`, `lua5.4` and a
//! 5.5 interpreter alike. Nothing is linked against a Lua library: at `luaopen_ffi` the
//! module finds the host's Lua C API among the process's global symbols, tells its version
//! ([`detect`]) and fills ffi-core's `LuaApi` table from it.
//!
//! ```text
//!   lua5.x (exports lua_*)         ffi.so
//!   require "ffi" ------------->   luaopen_ffi(L)
//!                                    dlsym(RTLD_DEFAULT, "lua_gettop"), ...   (detect)
//!                                    version from the symbols + lua_version
//!                                    LuaApi::try_new -> the process's table (vm)
//!                                    ffi_core::lua::open::<CapiVm>(L)
//!   <- the ffi table  <------------  + patched tonumber/pairs/ipairs (options)
//! ```
//!
//! C hosts that link Lua statically and export nothing use `include/lua_ffi.h`: its inline
//! functions hand this library the host's own functions, named from the host's `lua.h`
//! ([`lua_ffi_open_with`]). Without any exported entry a C host can also link the static
//! library (`libffi_capi.a`).
//!
//! One process runs one Lua: the table is filled once, and a state of another Lua (other
//! function addresses) is refused with a Lua error.

#![deny(unsafe_op_in_unsafe_fn)]

pub mod detect;
mod entry;
pub mod vm;

pub use entry::{
    lua_ffi_open_bit_with, lua_ffi_open_with, luaopen_bit, luaopen_ffi, LUA_FFI_DEFAULTS,
    LUA_FFI_PATCH_PAIRS, LUA_FFI_PATCH_TONUMBER, LUA_FFI_PATCH_TYPE,
};
