-- LuaJIT's ffi and bit modules for PUC Lua 5.1-5.5, built from this repository with cargo.
-- One shared object serves every Lua version; it is installed as ffi.so, and bit.lua
-- loads `bit` from it.
--   luarocks make                       (from the repository's root; needs cargo)
--   luarocks --lua-version 5.1 make
rockspec_format = "3.0"
package = "lua-ffi"
version = "scm-1"
source = {
  url = "git+https://example.invalid/lua-ffi.git",
}
description = {
  summary = "LuaJIT's ffi (and bit) for stock PUC Lua 5.1 to 5.5",
  detailed = [[
    require "ffi" as on LuaJIT 2.1: C declarations parsed from header text, C functions
    called through machine code generated per signature, cdata, metatypes, callbacks.
    require "bit" gives LuaJIT 2.1's BitOp with 64-bit cdata. x86-64 Linux.
  ]],
  license = "MIT",
}
supported_platforms = { "linux" }
dependencies = {
  "lua >= 5.1, < 5.6",
}
build = {
  type = "command",
  -- luarocks keeps a binary's own file name: the copy carries the module's name. `bit` is
  -- a Lua file that takes luaopen_bit from that same ffi.so (a second copy of the library
  -- would be a second ffi, with cdata the first does not take).
  build_command = [[
    cargo build --release --locked -p ffi-capi &&
    mkdir -p target/rock &&
    cp target/release/libffi_capi.so target/rock/ffi.so
  ]],
  install = {
    lib = {
      ffi = "target/rock/ffi.so",
    },
    lua = {
      bit = "rock/bit.lua",
    },
  },
}
