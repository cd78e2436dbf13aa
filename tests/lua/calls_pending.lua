-- C calls, symbols and ffi.load: checks written against LuaJIT, pending until C function
-- calls are implemented (the next issue). The conformance runner runs this script on
-- luajit (so the expectations stay verified) and reports it as PENDING on PUC Lua.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
int abs(int);
size_t strlen(const char *);
int errors_declared_but_missing(int);
int parse_asm_fn(int) __asm__("abs");
int strlen_alias(const char *s) __asm__("strlen");
]]

local function try(f)
  local ok, r = pcall(f)
  if ok then return r end
  return "error: " .. tostring(r)
end
local function ts(x) return tostring(ffi.typeof(x)) end

H.eq(try(function() return ffi.C.abs(-7) end), 7, "declared libc function callable")
H.eq(try(function() return ffi.C.parse_asm_fn(-9) end), 9, "__asm__ symbol redirection")
H.eq(try(function() return ffi.C.strlen_alias("hello") end), 5, "__asm__ redirection to strlen")
H.eq(try(function() return ts(ffi.C.abs) end), "ctype<int ()>", "typeof function symbol")
H.eq(try(function() return tonumber(ffi.C.strlen("abcd")) end), 4, "size_t return value")
H.raises("undefined symbol: errors_declared_but_missing", function() return ffi.C.errors_declared_but_missing end)
H.raises("wrong number of arguments for function call", function() return ffi.C.abs() end)
H.raises("wrong number of arguments for function call", function() return ffi.C.abs(1, 2) end)
H.raises("cannot convert 'string' to 'int'", function() return ffi.C.abs("x") end)
H.raises("cannot convert 'number' to 'const char *'", function() return ffi.C.strlen(5) end)
H.raises("cannot convert 'table' to 'const char *'", function() return ffi.C.strlen({}) end)
H.raises("string expected, got no value", ffi.load)
H.raises("cannot open shared object file", ffi.load, "errors_no_such_lib_xyz")

H.done()
