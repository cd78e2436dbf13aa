-- Where LuaJIT writes past an object or misbehaves, we stay inside it: string and table
-- initializers bounded by the object, alignments beyond LuaJIT's largest refused clearly,
-- and ffi.pairs/ffi.ipairs (the patched globals). PUC-only: LuaJIT corrupts its heap on
-- the first inputs (scripts named puc_* do not run on luajit). Also run under valgrind
-- (scripts/valgrind.sh), which would report any write past an object.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
struct pg_flex { int n; char tail[]; };
struct pg_vls { int n; char tail[?]; };
struct pg_ivls { int n; int tail[?]; };
]]

-- Strings and tables are copied at most as far as the object reaches -----------------------

do
  local long = string.rep("x", 4000)
  local p = ffi.new("char[?]", 2, long)
  H.eq(p[0] + p[1], 240, "char[?] of 2 from a 4000-byte string keeps two bytes")
  local q = ffi.new("char[?]", 5, "ab")
  H.eq(q[2], 0, "a short string is terminated")
  local f = ffi.new("struct pg_flex", 3, long)
  H.eq(f.n, 3, "a flexible char[] member takes nothing from a long string")
  H.eq(ffi.sizeof(f), 4, "and the object keeps its size")
  local v = ffi.new("struct pg_vls", 3, 7, long)
  H.eq(v.tail[0] + v.tail[1] + v.tail[2], 360, "a VLS char tail takes its 3 bytes")
  v.tail = long
  H.eq(v.tail[2], 120, "a store into a VLS tail from a long string stays inside")
  local w = ffi.new("struct pg_ivls", 2)
  H.raises("too many initializers for 'int [?]'", function() w.tail = { 1, 2, 3 } end)
  H.raises("too many initializers", function() ffi.new("struct pg_ivls", 2, 1, { 1, 2, 3 }) end)
  local u = ffi.new("union { char z[0]; char b[4]; }")
  u.z = long
  H.eq(u.b[3], 120, "a [0] member in a union takes the union's 4 bytes")
  local s = ffi.new("struct { int n; char z[0]; }")
  s.z = long
  H.eq(s.n, 0, "a trailing [0] member with no storage takes nothing")
  local backing = ffi.new("int[2]", 5, 0)
  local ps = ffi.cast("struct { int n; char z[0]; } *", backing)
  ps.z = long
  H.eq(backing[1], 0, "and through a pointer: nothing past the pointed-to type")
end

-- Alignment --------------------------------------------------------------------------------

H.raises("alignment 65536 exceeds 32768 bytes",
  function() ffi.new("struct { char c __attribute__((aligned(65536))); }") end)
H.eq(ffi.alignof("struct { char c __attribute__((aligned(65536))); }"), 65536,
  "alignof reports it")

-- pairs / ipairs ---------------------------------------------------------------------------

H.eq(ipairs, ffi.ipairs, "the global ipairs is ffi.ipairs")
H.eq(pairs, ffi.pairs, "the global pairs is ffi.pairs")
do
  local n = 0
  for _, v in ffi.ipairs({ 1, 2, 3 }) do n = n + v end
  H.eq(n, 6, "ffi.ipairs over a table")
  H.raises("'int [3]' has no '__ipairs' metamethod", function() ffi.ipairs(ffi.new("int[3]")) end)
  -- The metatables' own __ipairs/__pairs (honoured by 5.2's ipairs and pairs).
  local mt = getmetatable(ffi.new("int"))
  H.eq(mt, "ffi", "the cdata metatable is protected")
end

H.done()
