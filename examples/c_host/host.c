/* A C program that embeds Lua (linked statically, nothing exported) and gives its
 * scripts LuaJIT's ffi and bit through include/lua_ffi.h and libffi_capi.a.
 *
 *   host [script.lua [args...]]     (no script: a built-in demonstration)
 */
#include <stdio.h>

#include "lauxlib.h"
#include "lua.h"
#include "lua_ffi.h"
#include "lualib.h"

static const char demo[] =
    "local ffi, bit = require 'ffi', require 'bit'\n"
    "ffi.cdef [[\n"
    "  int snprintf(char *buf, size_t n, const char *fmt, ...);\n"
    "  void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));\n"
    "]]\n"
    "local buf = ffi.new('char[64]')\n"
    "local n = ffi.C.snprintf(buf, 64, '%s %d', _VERSION, ffi.new('int', 42))\n"
    "print(ffi.string(buf, n))\n"
    "local a = ffi.new('int[5]', 5, 3, 9, 1, 7)\n"
    "local cmp = ffi.cast('int (*)(const void *, const void *)', function(x, y)\n"
    "  return ffi.cast('const int *', x)[0] - ffi.cast('const int *', y)[0]\n"
    "end)\n"
    "ffi.C.qsort(a, 5, ffi.sizeof('int'), cmp)\n"
    "cmp:free()\n"
    "print(a[0] .. ' ' .. a[1] .. ' ' .. a[2] .. ' ' .. a[3] .. ' ' .. a[4])\n"
    "print(bit.tohex(bit.bxor(ffi.new('uint64_t', 0xff00ff), 0xffff)))\n"
    "print(ffi.new('int64_t', 2) ^ 40)\n";

static int traceback(lua_State *L) {
#if LUA_VERSION_NUM >= 502
  luaL_traceback(L, L, lua_tostring(L, 1), 1);
#else
  (void)L;
#endif
  return 1;
}

int main(int argc, char **argv) {
  lua_State *L = luaL_newstate();
  int status;
  luaL_openlibs(L);
  lua_ffi_preload(L);
  lua_pushcfunction(L, traceback);
  if (argc > 1)
    status = luaL_loadfile(L, argv[1]);
  else
    status = luaL_loadbuffer(L, demo, sizeof demo - 1, "=demo");
  if (status == 0) status = lua_pcall(L, 0, 0, 1);
  if (status != 0) fprintf(stderr, "%s: %s\n", argv[0], lua_tostring(L, -1));
  lua_close(L);
  return status != 0;
}
