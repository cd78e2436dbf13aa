/* Two Lua libraries in one process: this program links liblua5.4 (its C API in the global
 * scope) and loads another Lua library with RTLD_LOCAL, then runs a chunk requiring ffi in
 * a state of that other Lua: ffi.so must use the functions of the Lua that calls it.
 *
 *   two_luas LIBRARY CPATH CHUNK      prints what the chunk prints, "error: ..." on error */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

#include "lua.h"

typedef void *(*newstate_t)(void);
typedef void (*openlibs_t)(void *);
typedef int (*loadstring_t)(void *, const char *);
typedef int (*pcall51_t)(void *, int, int, int);
typedef int (*pcallk_t)(void *, int, int, int, long, void *);
typedef const char *(*tolstring_t)(void *, int, size_t *);
typedef void (*setglobal_t)(void *, const char *);
typedef void (*pushstring_t)(void *, const char *);

int main(int argc, char **argv) {
  void *h, *L;
  int status;
  if (argc < 4) return 2;
  /* The global Lua 5.4 is linked in (-Wl,--no-as-needed); its lua_gettop is global. */
  if (dlsym(RTLD_DEFAULT, "lua_gettop") == NULL) return 3;
  h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    printf("dlopen: %s\n", dlerror());
    return 1;
  }
  L = ((newstate_t)dlsym(h, "luaL_newstate"))();
  ((openlibs_t)dlsym(h, "luaL_openlibs"))(L);
  status = ((loadstring_t)dlsym(h, "luaL_loadstring"))(L, "package.cpath = ...");
  if (status == 0) {
    ((pushstring_t)dlsym(h, "lua_pushstring"))(L, argv[2]);
    if (dlsym(h, "lua_pcallk"))
      status = ((pcallk_t)dlsym(h, "lua_pcallk"))(L, 1, 0, 0, 0, NULL);
    else
      status = ((pcall51_t)dlsym(h, "lua_pcall"))(L, 1, 0, 0);
  }
  if (status == 0) status = ((loadstring_t)dlsym(h, "luaL_loadstring"))(L, argv[3]);
  if (status == 0) {
    if (dlsym(h, "lua_pcallk"))
      status = ((pcallk_t)dlsym(h, "lua_pcallk"))(L, 0, 0, 0, 0, NULL);
    else
      status = ((pcall51_t)dlsym(h, "lua_pcall"))(L, 0, 0, 0);
  }
  if (status != 0) printf("error: %s\n", ((tolstring_t)dlsym(h, "lua_tolstring"))(L, -1, NULL));
  return 0;
}
