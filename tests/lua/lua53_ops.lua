-- Lua 5.3+ only (not run on Lua 5.1 or luajit; 5.3 syntax): bitwise operators and //
-- on 64-bit cdata, exact conversion of Lua integers, integer results of field reads.
-- Bitwise results follow the arithmetic rules (any cdata number -> int64_t, uint64_t
-- wins) and match LuaJIT's bit library on 64-bit cdata: shift counts use their low 6
-- bits, >> is a logical shift.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
struct lua53_ops_s { int i; int8_t c; uint16_t h; uint32_t u; double d; int64_t ll; float f; };
struct lua53_ops_plain { int a; };
]]

local function I(x) return ffi.new("int64_t", x) end
local function U(x) return ffi.new("uint64_t", x) end
local s = tostring

---------------------------------------------------------------------------
-- & | ~ (xor) and ~x
H.eq(s(I(12) & I(10)), "8LL", "12LL & 10LL")
H.eq(s(I(12) | 3), "15LL", "12LL | 3")
H.eq(s(3 | I(12)), "15LL", "3 | 12LL")
H.eq(s(12 ~ I(10)), "6LL", "12 ~ 10LL")
H.eq(s(I(12) ~ I(10)), "6LL", "12LL ~ 10LL")
H.eq(s(~I(0)), "-1LL", "~0LL")
H.eq(s(~I(5)), "-6LL", "~5LL")
H.eq(s(~U(0)), "18446744073709551615ULL", "~0ULL")
H.eq(s(U(12) & I(10)), "8ULL", "uint64 wins for &")
H.eq(s(I(-1) & U(255)), "255ULL", "-1LL & 255ULL")
H.eq(s(I(-1) | U(0)), "18446744073709551615ULL", "-1LL | 0ULL")
H.eq(s(U(0xff) ~ -1), "18446744073709551360ULL", "0xffULL ~ -1")
H.eq(s(ffi.new("int", 6) & 3), "2LL", "int cdata & number is int64_t")
H.ok(ffi.istype("int64_t", ffi.new("int", 6) & 3), "int cdata & number istype int64_t")
H.ok(ffi.istype("uint64_t", U(1) | 2), "uint64 | number istype uint64_t")
H.ok(ffi.istype("int64_t", ~ffi.new("uint32_t", 1)), "~ on a uint32 cdata gives int64_t")
H.eq(s(~ffi.new("uint32_t", 1)), "-2LL", "~ on a uint32 cdata")
H.eq(s(I(0x7fffffffffffffff) & math.mininteger), "0LL", "INT64_MAX & mininteger")

---------------------------------------------------------------------------
-- shifts: low 6 bits of the count, logical right shift
H.eq(s(I(1) << 4), "16LL", "1LL << 4")
H.eq(s(I(256) >> I(4)), "16LL", "256LL >> 4LL")
H.eq(s(U(1) << 63), "9223372036854775808ULL", "1ULL << 63")
H.eq(s(I(1) << 63), "-9223372036854775808LL", "1LL << 63")
H.eq(s(I(-8) >> 1), "9223372036854775804LL", "-8LL >> 1 is logical")
H.eq(s(U(0) - 1 >> 60), "15ULL", "UINT64_MAX >> 60")
H.eq(s(I(1) << 64), "1LL", "shift count 64 uses the low 6 bits")
H.eq(s(I(1) << 65), "2LL", "shift count 65 -> 1")
H.eq(s(I(-8) >> 64), "-8LL", ">> 64 is >> 0")
H.eq(s(I(1) << -1), "-9223372036854775808LL", "shift count -1 -> 63")
H.eq(s(ffi.new("uint8_t", 255) << 8), "65280LL", "uint8 cdata << 8 does not wrap")
H.eq(s(ffi.new("uint32_t", 0xffffffff) << 4), "68719476720LL", "uint32 cdata << 4 is 64-bit")
H.eq(s(1 << I(10)), "1024LL", "number << int64 cdata")
H.ok(ffi.istype("uint64_t", U(8) >> 1), "uint64 >> n stays uint64_t")

---------------------------------------------------------------------------
-- floor division (non-negative operands) and its undefined cases
H.eq(s(I(7) // 2), "3LL", "7LL // 2")
H.eq(s(7 // I(2)), "3LL", "7 // 2LL")
H.eq(s(U(7) // I(2)), "3ULL", "7ULL // 2LL")
H.eq(s(I(100) // I(7)), "14LL", "100LL // 7LL")
H.eq(s(ffi.new("int", 9) // 2), "4LL", "int cdata // 2")
H.eq(s(I(7) // 0), "-9223372036854775808LL", "7LL // 0")
H.eq(s(U(7) // 0), "9223372036854775808ULL", "7ULL // 0")

---------------------------------------------------------------------------
-- errors
H.raises("attempt to perform arithmetic on 'struct lua53_ops_plain' and 'number'", function()
  return ffi.new("struct lua53_ops_plain") & 1
end)
H.raises("attempt to perform arithmetic on 'int64_t' and 'string'", function() return I(1) << "x" end)
H.raises("attempt to perform arithmetic on 'int64_t' and 'table'", function() return I(1) | {} end)

---------------------------------------------------------------------------
-- Lua integers convert exactly to 64-bit cdata
H.eq(s(ffi.new("int64_t", math.maxinteger)), "9223372036854775807LL", "int64_t from maxinteger")
H.eq(s(ffi.new("int64_t", math.mininteger)), "-9223372036854775808LL", "int64_t from mininteger")
H.eq(s(ffi.new("int64_t", 9007199254740993)), "9007199254740993LL", "2^53 + 1 is exact")
H.eq(s(ffi.new("uint64_t", -1)), "18446744073709551615ULL", "uint64_t from the integer -1")
H.eq(s(ffi.new("uint64_t", math.mininteger)), "9223372036854775808ULL", "uint64_t from mininteger")
H.eq(s(ffi.cast("int64_t", math.maxinteger - 1)), "9223372036854775806LL", "cast of an integer")
H.eq(s(I(0) + math.maxinteger), "9223372036854775807LL", "0LL + maxinteger is exact")
H.eq(s(I(1) + math.maxinteger), "-9223372036854775808LL", "1LL + maxinteger wraps")
H.eq(s(I(math.maxinteger) - 9223372036854775806), "1LL", "exact integer subtraction")
H.eq(s(I(3) * 3074457345618258602), "9223372036854775806LL", "exact integer product")
H.ok(I(math.maxinteger) > math.maxinteger - 1, "int64 cdata > large integer")
H.ok(I(math.maxinteger - 1) < math.maxinteger, "int64 cdata < maxinteger")
H.ok(I(math.maxinteger) <= math.maxinteger, "int64 cdata <= the same integer")
H.ok(I(math.maxinteger) == I(math.maxinteger - 1) + 1, "exact round trip")
local a64 = ffi.new("int64_t[1]")
a64[0] = math.maxinteger
H.eq(s(a64[0]), "9223372036854775807LL", "array store of maxinteger is exact")
local st = ffi.new("struct lua53_ops_s")
st.ll = math.mininteger + 1
H.eq(s(st.ll), "-9223372036854775807LL", "int64_t field store is exact")

---------------------------------------------------------------------------
-- small integer fields read back as Lua integers
local v = ffi.new("struct lua53_ops_s", 1, -2, 3, 4, 5, 6, 7)
H.eq(math.type(v.i), "integer", "int field is an integer")
H.eq(math.type(v.c), "integer", "int8_t field is an integer")
H.eq(math.type(v.h), "integer", "uint16_t field is an integer")
H.eq(math.type(v.u), "integer", "uint32_t field is an integer")
H.eq(math.type(v.d), "float", "double field is a float")
H.eq(math.type(v.f), "float", "float field is a float")
H.ok(ffi.istype("int64_t", v.ll), "int64_t field is a boxed cdata")
H.eq(v.c, -2, "int8_t field value")
v.u = 4294967295
H.eq(v.u, 4294967295, "uint32_t max read back")
H.eq(math.type(v.u), "integer", "uint32_t max is an integer")
v.i = -2147483648
H.eq(v.i, -2147483648, "int min read back")
H.eq(math.type(v.i), "integer", "int min is an integer")
v.d = 3
H.eq(math.type(v.d), "float", "integer stored into a double reads back as a float")
local arr = ffi.new("int[3]", 10, 20, 30)
H.eq(math.type(arr[1]), "integer", "int array element is an integer")
H.eq(arr[1] // 3, 6, "integer arithmetic on an element")
H.eq(math.type(ffi.cast("int *", arr)[2]), "integer", "element through a pointer")
H.eq(math.type(ffi.new("short[1]", 5)[0]), "integer", "short element is an integer")


-- Metatype bitwise metamethods and __idiv on structs (5.3+).
ffi.cdef "struct lua53_bits { unsigned int v; };"
local B = ffi.metatype("struct lua53_bits", {
  __band = function(a, b) return ffi.new("struct lua53_bits", a.v & b.v) end,
  __bor = function(a, b) return ffi.new("struct lua53_bits", a.v | b.v) end,
  __bxor = function(a, b) return ffi.new("struct lua53_bits", a.v ~ b.v) end,
  __shl = function(a, n) return ffi.new("struct lua53_bits", a.v << n) end,
  __shr = function(a, n) return ffi.new("struct lua53_bits", a.v >> n) end,
  __bnot = function(a) return ffi.new("struct lua53_bits", ~a.v & 0xffffffff) end,
  __idiv = function(a, n) return ffi.new("struct lua53_bits", a.v // n) end,
})
local x, y = B(12), B(10)
H.eq((x & y).v, 8, "metatype __band")
H.eq((x | y).v, 14, "metatype __bor")
H.eq((x ~ y).v, 6, "metatype __bxor")
H.eq((x << 2).v, 48, "metatype __shl")
H.eq((x >> 2).v, 3, "metatype __shr")
H.eq((~x).v, 0xfffffff3, "metatype __bnot")
H.eq((x // 5).v, 2, "metatype __idiv")
H.raises("attempt to perform arithmetic on 'struct lua53_plain' and 'number'", function()
  ffi.cdef "struct lua53_plain { int v; };"
  return ffi.new("struct lua53_plain") & 1
end)
H.done()
