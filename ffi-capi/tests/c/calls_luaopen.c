/* A C module whose luaopen calls luaopen_ffi itself, as a plain C call (not through Lua),
 * so that ffi.so's caller is this module rather than the Lua that runs the state.
 * Built with -DFFI_SO='"/path/to/ffi.so"'. */
#include <dlfcn.h>

typedef int (*open_t)(void *);

int luaopen_viaffi(void *L) {
  void *h = dlopen(FFI_SO, RTLD_NOW);
  volatile int r;
  if (!h) return 0;
  r = ((open_t)dlsym(h, "luaopen_ffi"))(L); /* volatile: not a tail call */
  return r;
}
