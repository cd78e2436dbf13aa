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
-- A string never writes past a variable-length array: at most its element count (LuaJIT
-- writes the whole string, and its NUL, whatever the count).
do
  local b = ffi.new("char[?]", 1, ("x"):rep(1000))
  H.eq(ffi.sizeof(b), 1, "one-element VLA")
  H.eq(ffi.string(b, 1), "x", "only the first byte is written")
  local c = ffi.new("char[4]")
  local t = ffi.new("char[?]", 3, "abc")
  H.eq(ffi.string(t, 3), "abc", "a string as long as the VLA, without its NUL")
  H.eq(c[0], 0, "the neighbouring object is untouched")
  ffi.cdef "struct puc_fs { int n; char d[]; };"
  local f = ffi.new("struct puc_fs", 5, "abcdef")
  H.eq(f.n, 5, "a flexible member without storage gets none of the string")
  H.eq(ffi.sizeof(f), 4, "and the object stays its fixed size")
end
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
  local function nested(k)
    local init = 7
    for _ = 1, k do init = { init } end
    return init
  end
  -- The limit is 250 levels: the last that works, the first that does not.
  local x = ffi.new("puc_deep_249", nested(250))
  local v = x
  for _ = 1, 250 do v = v[0] end
  H.eq(v, 7, "250 nested initializers through typedefs")
  H.raises("table initializer nested too deeply", ffi.new, "puc_deep_250", nested(251))
  H.raises("table initializer nested too deeply", ffi.new, "puc_deep_" .. (n - 1), nested(n))
end
H.done()
