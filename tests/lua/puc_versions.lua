-- Behaviour that differs between the PUC Lua versions, checked on each version where it
-- applies and its absence checked where it does not (docs/compat.md, "Lua 5.1 and 5.2"
-- and "Lua 5.3, 5.4 and 5.5"). PUC-only: LuaJIT has none of these version splits.
local H = require "harness"
local ffi = require "ffi"
local minor = tonumber(_VERSION:match("^Lua 5%.(%d)$"))
H.ok(minor ~= nil and minor >= 1 and minor <= 5, "a PUC Lua 5.1 .. 5.5: " .. _VERSION)
local load = loadstring or load -- 5.1 has loadstring for strings

ffi.cdef [[
struct pv_s { int i; double d; int64_t w; };
struct pv_c { int n; };
]]
local s = ffi.new("struct pv_s", 7, 2.5, 3)

------------------------------------------------------------------------------------------
-- The integer subtype (5.3+): integer members come back as integers, floating-point ones
-- as floats; before 5.3 every number is a double.
if minor >= 3 then
  H.eq(math.type(s.i), "integer", "int member: a Lua integer")
  H.eq(math.type(s.d), "float", "double member: a Lua float")
  H.eq(math.type(ffi.new("uint8_t[1]", 5)[0]), "integer", "uint8_t element: a Lua integer")
  H.eq(math.type(ffi.new("float[1]", 5)[0]), "float", "float element: a Lua float")
  H.eq(math.type(tonumber(ffi.new("int64_t", 5))), "float", "tonumber of int64: a double, as in LuaJIT")
  H.eq(tostring(s.d + s.i), "9.5", "mixed arithmetic on fields")
else
  H.eq(math.type, nil, "no math.type before 5.3")
  H.eq(tostring(s.i), "7", "int member")
end

------------------------------------------------------------------------------------------
-- lua_Integer is 64 bits in every version here (ptrdiff_t in 5.1/5.2, long long after),
-- but only 5.3+ carries 64-bit values through Lua numbers exactly.
if minor >= 3 then
  local big = load("return 9007199254740993")()
  H.eq(tostring(ffi.new("int64_t", big)), "9007199254740993LL", "2^53+1 converts exactly")
  H.eq(tostring(ffi.new("int64_t", math.maxinteger)), "9223372036854775807LL", "maxinteger")
  H.eq(tostring(ffi.new("uint64_t", math.mininteger)), "9223372036854775808ULL", "mininteger to uint64")
  local a = ffi.new("int64_t[1]")
  a[0] = math.maxinteger
  H.eq(a[0] == ffi.new("int64_t", math.maxinteger), true, "stored and read back")
else
  H.eq(tostring(ffi.new("int64_t", 9007199254740993)), "9007199254740992LL",
    "2^53+1 is a double first: rounded")
  H.eq(tostring(ffi.new("int64_t", 2^53)), "9007199254740992LL", "2^53 exact")
end

------------------------------------------------------------------------------------------
-- `//` and the bitwise operators on cdata (5.3+; syntax errors before). Loaded from
-- strings so that this file parses everywhere.
local ops = load("local a, b = ... return a // b, a & b, a | b, a ~ b, a << 2, a >> 1, ~a")
if minor >= 3 then
  H.ok(ops ~= nil, "the operators parse")
  local r = { ops(ffi.new("int64_t", 7), 2) }
  local want = { "3LL", "2LL", "7LL", "5LL", "28LL", "3LL", "-8LL" }
  for i = 1, #want do H.eq(tostring(r[i]), want[i], "int64 operator #" .. i) end
  local u = { ops(ffi.new("uint64_t", 7), ffi.new("int64_t", 2)) }
  H.eq(tostring(u[1]), "3ULL", "uint64 wins for //")
  H.eq(tostring(u[7]), "18446744073709551608ULL", "~ of uint64")
  H.raises("attempt to perform", function() return ops(ffi.new("struct pv_c"), 1) end)
else
  H.eq(ops, nil, "no // or bitwise operators before 5.3")
end

------------------------------------------------------------------------------------------
-- `__close` (5.4+): a metatype's __close runs when a <close> variable goes out of scope.
local close = load("local T = ... do local x <close> = T(1) end")
if minor >= 4 then
  local closed = 0
  local T = ffi.metatype("struct pv_c", { __close = function(x) closed = closed + x.n end })
  close(T)
  H.eq(closed, 1, "__close ran once")
  close(T)
  H.eq(closed, 2, "and again for the next scope")
else
  H.eq(close, nil, "no <close> before 5.4")
end

------------------------------------------------------------------------------------------
-- `__gc` on tables (5.2+): a table finaliser runs, and can use ffi; 5.1 ignores __gc on
-- tables (ffi.gc on cdata works everywhere).
do
  local ran, gc_ran = false, false
  local t = setmetatable({}, { __gc = function() ran = ffi.sizeof(ffi.new("int[4]")) == 16 end })
  local c = ffi.gc(ffi.new("int[1]"), function() gc_ran = true end)
  t, c = nil, nil
  collectgarbage()
  collectgarbage()
  H.eq(ran, minor >= 2, "a table's __gc ran (5.2+) and used ffi")
  H.eq(gc_ran, true, "ffi.gc finaliser on every version")
end

------------------------------------------------------------------------------------------
-- Comparisons of cdata with numbers: 5.1 calls __lt/__le only for two values of the same
-- type, so `cdata < number` is an error there; 5.2+ call the metamethod.
local one = ffi.new("int64_t", 1)
if minor >= 2 then
  H.eq(one < 2, true, "cdata < number")
  H.eq(2 <= one, false, "number <= cdata")
else
  H.raises("attempt to compare", function() return one < 2 end)
end
H.eq(one < ffi.new("int64_t", 2), true, "cdata < cdata everywhere")

H.done()
