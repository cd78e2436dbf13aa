/* A stand-in for lua.c, for the Lua 5.5 that mlua's lua-src vendors (lua-src ships the
 * library sources, not the interpreter). It does what the tests need of `lua`:
 *
 *   stand_in_lua [-e chunk]... [script [args...]]
 *
 * with the standard libraries, `arg`, tracebacks on error (to stderr, exit status 1) and
 * `require` of C modules (built with LUA_USE_LINUX and linked with -Wl,-E so that a module
 * such as ffi.so finds the Lua C API in the process, as with a stock interpreter). */
#include <stdio.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

static int traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) msg = luaL_tolstring(L, 1, NULL);
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* Runs the loaded chunk (below its `nargs` arguments) with a traceback handler. */
static int run(lua_State *L, int status, int nargs, const char *prog) {
  if (status == LUA_OK) {
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, traceback);
    lua_insert(L, base);
    status = lua_pcall(L, nargs, 0, base);
    lua_remove(L, base);
  }
  if (status != LUA_OK) {
    fprintf(stderr, "%s: %s\n", prog, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return status;
}

int main(int argc, char **argv) {
  lua_State *L = luaL_newstate();
  int status = LUA_OK, i;
  if (L == NULL) {
    fprintf(stderr, "%s: cannot create state: not enough memory\n", argv[0]);
    return 1;
  }
  luaL_openlibs(L);
  for (i = 1; i < argc && status == LUA_OK; i++) {
    if (strcmp(argv[i], "-e") == 0 && i + 1 < argc) {
      i++;
      status = run(L, luaL_loadstring(L, argv[i]), 0, argv[0]);
    } else {
      int j, n = argc - i - 1;
      lua_createtable(L, n, 1);
      for (j = 0; j < argc; j++) {
        lua_pushstring(L, argv[j]);
        lua_rawseti(L, -2, j - i);
      }
      lua_setglobal(L, "arg");
      status = luaL_loadfile(L, argv[i]);
      if (status == LUA_OK)
        for (j = i + 1; j < argc; j++) lua_pushstring(L, argv[j]);
      status = run(L, status, status == LUA_OK ? n : 0, argv[0]);
      break;
    }
  }
  lua_close(L);
  return status == LUA_OK ? 0 : 1;
}
