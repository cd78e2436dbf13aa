/*
 * lua_ffi.h: LuaJIT's `ffi` and `bit` modules for a C program that embeds PUC Lua
 * 5.1 .. 5.5 (the lua-ffi project, crate ffi-capi).
 *
 * Link the program with libffi_capi.a (or libffi_capi.so). The functions below hand the
 * library your own Lua's C functions, named from your lua.h at compile time, so this works
 * when Lua is linked statically and nothing is exported (a stock interpreter that exports
 * the Lua C API can simply `require "ffi"` from ffi.so instead).
 *
 *   #include "lua_ffi.h"
 *   lua_State *L = luaL_newstate();
 *   luaL_openlibs(L);
 *   lua_ffi_preload(L);            -- require "ffi" and require "bit" now work
 *
 * or open the modules directly, as lua_CFunctions:
 *
 *   luaL_requiref(L, "ffi", lua_ffi_open, 1);        (5.2+; leaves the module on the stack)
 *
 * Options (lua_ffi_open_opts): LUA_FFI_PATCH_TONUMBER makes the global `tonumber`
 * cdata-aware, LUA_FFI_PATCH_TYPE makes `type` return "cdata" for cdata,
 * LUA_FFI_PATCH_PAIRS makes `pairs`/`ipairs` honour __pairs/__ipairs of metatypes and
 * refuse other cdata as LuaJIT does. LUA_FFI_DEFAULTS (what require "ffi" does) is
 * TONUMBER | PAIRS.
 *
 * One process runs one Lua: the first state that opens ffi fixes which Lua's functions the
 * library uses. Errors (an unknown LUA_VERSION_NUM, a missing function) are Lua errors.
 */
#ifndef LUA_FFI_H
#define LUA_FFI_H

#include <string.h>

/* Lua's headers inside extern "C" too, as lua.hpp does (a C++ host of a C-built Lua whose
 * luaconf.h does not say so itself). */
#ifdef __cplusplus
extern "C" {
#endif

#include "lauxlib.h"
#include "lua.h"

/* C89 (Lua 5.1 and 5.2's headers) has no `inline`. */
#if defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L)
#define LUA_FFI_INLINE inline
#elif defined(__GNUC__)
#define LUA_FFI_INLINE __inline__
#else
#define LUA_FFI_INLINE
#endif

/* The library is built for x86-64 Lua with 64-bit numbers and integers (the default
 * luaconf.h); a Lua built with LUA_32BITS or as C++ (errors thrown as exceptions, which
 * the library's frames cannot pass) is not supported. */
typedef char lua_ffi_check_number[sizeof(lua_Number) == 8 ? 1 : -1];
typedef char lua_ffi_check_integer[sizeof(lua_Integer) == 8 ? 1 : -1];

#define LUA_FFI_PATCH_TONUMBER 1u
#define LUA_FFI_PATCH_TYPE 2u
#define LUA_FFI_PATCH_PAIRS 4u
#define LUA_FFI_DEFAULTS (LUA_FFI_PATCH_TONUMBER | LUA_FFI_PATCH_PAIRS)

/* Any function pointer (ISO C converts between function pointer types, not to void *). */
typedef void (*lua_ffi_function)(void);

/* The host's Lua C function called `name`, or NULL. */
typedef lua_ffi_function (*lua_ffi_lookup)(const char *name);

/* Exported by the library: open ffi (or bit) in L with the functions `lookup` names, of
 * the Lua whose LUA_VERSION_NUM is `version`. Leave the module on the stack, return 1. */
int lua_ffi_open_with(lua_State *L, int version, lua_ffi_lookup lookup, unsigned options);
int lua_ffi_open_bit_with(lua_State *L, int version, lua_ffi_lookup lookup);

/* The Lua C functions the library uses, by their names in this version's lua.h. */
static LUA_FFI_INLINE lua_ffi_function lua_ffi_host_function(const char *name) {
#define LUA_FFI_FN(f) \
  if (strcmp(name, #f) == 0) return (lua_ffi_function)&f;
  /* Every version. */
  LUA_FFI_FN(lua_gettop) LUA_FFI_FN(lua_settop) LUA_FFI_FN(lua_pushvalue)
  LUA_FFI_FN(lua_checkstack) LUA_FFI_FN(lua_type) LUA_FFI_FN(lua_toboolean)
  LUA_FFI_FN(lua_tolstring) LUA_FFI_FN(lua_touserdata) LUA_FFI_FN(lua_tocfunction)
  LUA_FFI_FN(lua_getupvalue) LUA_FFI_FN(lua_getstack) LUA_FFI_FN(lua_getinfo)
  LUA_FFI_FN(lua_rawequal) LUA_FFI_FN(lua_pushnil) LUA_FFI_FN(lua_pushnumber)
  LUA_FFI_FN(lua_pushinteger) LUA_FFI_FN(lua_pushboolean) LUA_FFI_FN(lua_pushlightuserdata)
  LUA_FFI_FN(lua_pushcclosure) LUA_FFI_FN(lua_createtable) LUA_FFI_FN(lua_rawset)
  LUA_FFI_FN(lua_setfield) LUA_FFI_FN(lua_settable) LUA_FFI_FN(lua_next)
  LUA_FFI_FN(lua_setmetatable) LUA_FFI_FN(lua_error) LUA_FFI_FN(lua_concat)
  LUA_FFI_FN(luaL_where) LUA_FFI_FN(luaL_ref) LUA_FFI_FN(luaL_unref)
  LUA_FFI_FN(lua_pushthread) LUA_FFI_FN(lua_tothread) LUA_FFI_FN(lua_rawget)
  LUA_FFI_FN(lua_rawgeti) LUA_FFI_FN(lua_rawseti) LUA_FFI_FN(lua_getfield)
  LUA_FFI_FN(lua_gettable) LUA_FFI_FN(lua_pushlstring) LUA_FFI_FN(lua_pushstring)
#if LUA_VERSION_NUM == 501
  LUA_FFI_FN(lua_insert) LUA_FFI_FN(lua_tonumber) LUA_FFI_FN(lua_isnumber)
  LUA_FFI_FN(lua_objlen) LUA_FFI_FN(lua_newuserdata) LUA_FFI_FN(lua_call)
  LUA_FFI_FN(lua_pcall)
#else
  LUA_FFI_FN(lua_absindex) LUA_FFI_FN(lua_tonumberx) LUA_FFI_FN(lua_rawlen)
  LUA_FFI_FN(lua_getglobal) LUA_FFI_FN(lua_setglobal) LUA_FFI_FN(lua_callk)
  LUA_FFI_FN(lua_pcallk)
#if LUA_VERSION_NUM == 502
  LUA_FFI_FN(lua_insert) LUA_FFI_FN(lua_newuserdata)
#else
  LUA_FFI_FN(lua_rotate) LUA_FFI_FN(lua_tointegerx) LUA_FFI_FN(lua_isinteger)
#if LUA_VERSION_NUM == 503
  LUA_FFI_FN(lua_newuserdata)
#else
  LUA_FFI_FN(lua_newuserdatauv)
#endif
#endif
#endif
#undef LUA_FFI_FN
  return NULL;
}

/* luaopen_ffi for this host, with the given options. */
static LUA_FFI_INLINE int lua_ffi_open_opts(lua_State *L, unsigned options) {
  return lua_ffi_open_with(L, LUA_VERSION_NUM, lua_ffi_host_function, options);
}

/* luaopen_ffi for this host (a lua_CFunction), with LUA_FFI_DEFAULTS. */
static LUA_FFI_INLINE int lua_ffi_open(lua_State *L) {
  return lua_ffi_open_opts(L, LUA_FFI_DEFAULTS);
}

/* luaopen_bit for this host (a lua_CFunction): LuaJIT 2.1's BitOp with 64-bit cdata. */
static LUA_FFI_INLINE int lua_ffi_open_bit(lua_State *L) {
  return lua_ffi_open_bit_with(L, LUA_VERSION_NUM, lua_ffi_host_function);
}

/* Makes require "ffi" open the module (with LUA_FFI_DEFAULTS), and require "bit" too
 * unless package.preload.bit or package.loaded.bit is already set. Needs the package
 * library. */
static LUA_FFI_INLINE void lua_ffi_preload(lua_State *L) {
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  lua_pushcfunction(L, lua_ffi_open);
  lua_setfield(L, -2, "ffi");
  lua_getfield(L, -1, "bit");
  lua_getfield(L, -3, "loaded");
  lua_getfield(L, -1, "bit");
  if (lua_isnil(L, -1) && lua_isnil(L, -3)) {
    lua_pushcfunction(L, lua_ffi_open_bit);
    lua_setfield(L, -5, "bit");
  }
  lua_pop(L, 5);
}

#ifdef __cplusplus
}
#endif

#endif /* LUA_FFI_H */
