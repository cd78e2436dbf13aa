-- PUC-only: inputs on which LuaJIT 2.1 crashes (segfault) get a Lua error here.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef "struct puc_fl { int n; double tail[]; };"
-- A table initializer for a flexible array member has no storage to write to.
H.raises("too many initializers for 'double []'", ffi.new, "struct puc_fl", { 1, { 1, 2 } })
local s = ffi.new("struct puc_fl", { 7 })
H.eq(s.n, 7, "the fixed part is still initialized")
H.eq(ffi.sizeof(s), 8, "flexible member takes no space")
-- NULL pointers are refused, not dereferenced.
H.raises("NULL pointer", ffi.string, ffi.new("char *"))
H.raises("NULL pointer", ffi.copy, ffi.new("char *"), "abc")
H.raises("NULL pointer", ffi.fill, ffi.new("char *"), 4)
-- Sizes that overflow are nil, not a wrapped number.
H.eq(ffi.sizeof("int[?]", 1e30), nil, "sizeof of an impossible VLA")
H.raises("size of C type is unknown or too large", ffi.new, "int[?]", 2^31)
-- Table initializers nested deeper than the type parser allows in one declarator
-- (through a chain of typedefs) stop at a depth limit with a Lua error, before they can
-- exhaust the C stack.
do
  local n = 1500
  local decls = { "typedef int puc_deep_0[1];" }
  for i = 1, n - 1 do
    decls[#decls + 1] = "typedef puc_deep_" .. (i - 1) .. " puc_deep_" .. i .. "[1];"
  end
  ffi.cdef(table.concat(decls, "\n"))
  local init = 7
  for _ = 1, n do init = { init } end
  H.raises("stack overflow", ffi.new, "puc_deep_" .. (n - 1), init)
  local shallow = 7
  for _ = 1, 240 do shallow = { shallow } end
  local x = ffi.new("puc_deep_239", shallow)
  local v = x
  for _ = 1, 240 do v = v[0] end
  H.eq(v, 7, "240 nested initializers through typedefs")
end
H.done()
