-- Arithmetic and comparisons on cdata objects: 64-bit integer arithmetic, pointer
-- arithmetic, pointer and 64-bit comparisons, enums named by strings, errors.
-- Lua 5.1 syntax; every expectation holds on LuaJIT 2.1. Never `cdata == number`
-- (always false on PUC Lua) and no mixed cdata/number ordering on Lua 5.1.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
struct arith_s { int a; };
struct arith_pt { double x, y; };
enum arith_color { ARITH_RED, ARITH_GREEN, ARITH_BLUE = 10 };
]]

local function I(x) return ffi.new("int64_t", x) end
local function U(x) return ffi.new("uint64_t", x) end
local s = tostring

-- Mixed cdata/number ordering works in the VM on LuaJIT and PUC Lua 5.2+.
local mixed_order = H.luajit or H.version ~= "Lua 5.1"

---------------------------------------------------------------------------
-- int64_t arithmetic
H.eq(s(I(2) + I(4)), "6LL", "2LL + 4LL")
H.eq(s(I(2) + 4), "6LL", "2LL + 4")
H.eq(s(4 + I(2)), "6LL", "4 + 2LL")
H.eq(s(I(10) - 3), "7LL", "10LL - 3")
H.eq(s(10 - I(3)), "7LL", "10 - 3LL")
H.eq(s(I(6) * -1), "-6LL", "6LL * -1")
H.eq(s(-1 * I(6)), "-6LL", "-1 * 6LL")
H.eq(s(I(7) / 2), "3LL", "7LL / 2 truncates")
H.eq(s(I(-7) / 2), "-3LL", "-7LL / 2 truncates toward zero")
H.eq(s(10 / I(3)), "3LL", "10 / 3LL")
H.eq(s(I(-7) / I(3)), "-2LL", "-7LL / 3LL")
H.eq(s(I(7) % 2), "1LL", "7LL % 2")
H.eq(s(I(-7) % 2), "-1LL", "-7LL % 2 (C remainder)")
H.eq(s(I(7) % -2), "1LL", "7LL % -2 (C remainder)")
H.eq(s(I(-8) % 3), "-2LL", "-8LL % 3 (C remainder)")
H.eq(s(I(8) % -3), "2LL", "8LL % -3")
H.eq(s(10 % I(3)), "1LL", "10 % 3LL")
H.eq(s(I(0) % 5), "0LL", "0LL % 5")
H.eq(s(I(2) ^ 10), "1024LL", "2LL ^ 10")
H.eq(s(I(3) ^ 3), "27LL", "3LL ^ 3")
H.eq(s(I(-2) ^ 3), "-8LL", "-2LL ^ 3")
H.eq(s(I(-5) ^ 2), "25LL", "-5LL ^ 2")
H.eq(s(2 ^ I(3)), "8LL", "2 ^ 3LL")
H.eq(s(I(2) ^ I(3)), "8LL", "2LL ^ 3LL")
H.eq(s(I(0) ^ 0), "1LL", "0LL ^ 0")
H.eq(s(I(2) ^ -1), "0LL", "2LL ^ -1")
H.eq(s(I(1) ^ -5), "1LL", "1LL ^ -5")
H.eq(s(I(-1) ^ -3), "-1LL", "-1LL ^ -3")
H.eq(s(I(-1) ^ -4), "1LL", "-1LL ^ -4")
H.eq(s(I(2) ^ 63), "-9223372036854775808LL", "2LL ^ 63 wraps")
H.eq(s(-I(5)), "-5LL", "unary minus int64")
H.eq(s(-I(0)), "0LL", "-0LL")
H.eq(s(I(5) ^ 1.5), "5LL", "Lua number exponent converted to int64")
H.eq(s(2.5 + I(1)), "3LL", "2.5 + 1LL truncates the Lua number")
H.eq(s(I(1) + 2.9), "3LL", "1LL + 2.9")
H.eq(s(I(10) - 3.7), "7LL", "10LL - 3.7")
H.eq(s(ffi.new("int64_t", 2 ^ 53) + 1), "9007199254740993LL", "2^53 + 1 is exact in int64")

-- wrap-around at the limits
local min = I(2) ^ 63
H.eq(s(min), "-9223372036854775808LL", "INT64_MIN")
H.eq(s(min - 1), "9223372036854775807LL", "INT64_MIN - 1 wraps")
H.eq(s(-min), "-9223372036854775808LL", "-INT64_MIN wraps")
H.eq(s(I(-2) ^ 63), "-9223372036854775808LL", "-2LL ^ 63")

-- undefined cases: division / modulo by zero, INT64_MIN / -1, 0 ^ negative
H.eq(s(I(1) / 0), "-9223372036854775808LL", "1LL / 0")
H.eq(s(I(0) / I(0)), "-9223372036854775808LL", "0LL / 0LL")
H.eq(s(I(1) % 0), "-9223372036854775808LL", "1LL % 0")
H.eq(s(I(5) % I(0)), "-9223372036854775808LL", "5LL % 0LL")
H.eq(s(min / -1), "-9223372036854775808LL", "INT64_MIN / -1")
H.eq(s(min % -1), "0LL", "INT64_MIN % -1")
H.eq(s(I(0) ^ -1), "9223372036854775807LL", "0LL ^ -1")
H.eq(s(U(1) / 0), "9223372036854775808ULL", "1ULL / 0")
H.eq(s(U(1) % 0), "9223372036854775808ULL", "1ULL % 0")
H.eq(s(U(0) % U(0)), "9223372036854775808ULL", "0ULL % 0ULL")

-- results are int64_t cdata
H.ok(ffi.istype("int64_t", I(1) + 1), "int64 + number is int64_t")
H.ok(not ffi.istype("uint64_t", I(1) + 1), "int64 + number is not uint64_t")
H.eq(type(I(1) + 1), H.luajit and "cdata" or type(I(1)), "result has the cdata Lua type")
H.eq(tonumber(I(40) + 2), 42, "tonumber of a result")
H.eq(type(tonumber(I(40) + 2)), "number", "tonumber gives a Lua number")

---------------------------------------------------------------------------
-- uint64_t arithmetic: uint64 wins
H.eq(s(U(3) * U(4)), "12ULL", "3ULL * 4ULL")
H.eq(s(U(10) / 3), "3ULL", "10ULL / 3")
H.eq(s(U(10) % 3), "1ULL", "10ULL % 3")
H.eq(s(U(3) ^ 2), "9ULL", "3ULL ^ 2")
H.eq(s(U(7) ^ 0), "1ULL", "7ULL ^ 0")
H.eq(s(U(2) ^ 64), "0ULL", "2ULL ^ 64 wraps")
H.eq(s(U(5) + I(-1)), "4ULL", "5ULL + -1LL")
H.eq(s(I(-1) + U(0)), "18446744073709551615ULL", "-1LL + 0ULL")
H.eq(s(I(1) - U(2)), "18446744073709551615ULL", "1LL - 2ULL")
H.eq(s(U(0) - 1), "18446744073709551615ULL", "0ULL - 1")
H.eq(s(-U(1)), "18446744073709551615ULL", "-1ULL")
H.eq(s(-(U(0) - 1)), "1ULL", "-(0ULL - 1)")
H.eq(s(U(0) - ffi.new("int", 1)), "18446744073709551615ULL", "0ULL - int 1")
H.eq(s(U(0xffffffff) * U(0xffffffff)), "18446744065119617025ULL", "32x32 bit product")
H.ok(ffi.istype("uint64_t", U(1) + I(1)), "uint64 + int64 is uint64_t")
H.ok(ffi.istype("uint64_t", 1 + U(1)), "number + uint64 is uint64_t")

---------------------------------------------------------------------------
-- any cdata number plus a Lua number is an int64_t
H.eq(s(ffi.new("int", 5) + 1), "6LL", "int cdata + 1")
H.ok(ffi.istype("int64_t", ffi.new("int", 5) + 1), "int cdata + 1 is int64_t")
H.eq(s(ffi.new("double", 2.5) + 1), "3LL", "double cdata + 1")
H.ok(ffi.istype("int64_t", ffi.new("double", 2.5) + 1), "double cdata + 1 is int64_t")
H.eq(s(ffi.new("double", 2.5) + ffi.new("double", 1.5)), "3LL", "double + double cdata")
H.eq(s(ffi.new("float", 2.75) + ffi.new("float", 2.75)), "4LL", "float + float cdata")
H.eq(s(ffi.new("float", 1.5) * 2), "2LL", "float cdata * 2")
H.eq(s(ffi.new("uint32_t", 5) + 1), "6LL", "uint32 cdata + 1 (not unsigned 64)")
H.eq(s(ffi.new("uint8_t", 255) * 2), "510LL", "uint8 cdata * 2 does not wrap")
H.eq(s(ffi.new("int32_t", 0x7fffffff) + 1), "2147483648LL", "int32 max + 1 is 64-bit")
H.eq(s(ffi.new("int8_t", -128) - 1), "-129LL", "int8 min - 1")
H.eq(s(ffi.new("int", 5) + ffi.new("int", 3)), "8LL", "int + int cdata")
H.eq(s(I(3) + ffi.new("int", -1)), "2LL", "int64 + int cdata")
H.eq(s(I(3) * ffi.new("double", 2.9)), "6LL", "int64 * double cdata")
H.eq(s(ffi.new("bool", true) + 1), "2LL", "bool cdata + 1")

---------------------------------------------------------------------------
-- 64-bit comparisons (cdata with cdata)
H.ok(I(5) < I(6), "5LL < 6LL")
H.ok(not (I(6) < I(5)), "not 6LL < 5LL")
H.ok(I(5) <= I(5), "5LL <= 5LL")
H.ok(I(2) >= I(2), "2LL >= 2LL")
H.ok(I(2) > I(1), "2LL > 1LL")
H.ok(I(3) == I(3), "3LL == 3LL (two cdata)")
H.ok(I(1) ~= I(2), "1LL ~= 2LL")
H.ok(I(0) - 1 < I(1), "signed: -1LL < 1LL")
H.ok(min < I(0), "INT64_MIN < 0LL")
H.ok(not (I(-1) < U(1)), "unsigned: -1LL converted to uint64 is not < 1ULL")
H.ok(U(1) < I(-1), "unsigned: 1ULL < -1LL")
H.ok(U(0) - 1 > U(1), "UINT64_MAX > 1ULL")
H.ok(U(2) ^ 63 > U(0), "2ULL^63 > 0ULL")
H.ok(I(3) == U(3), "3LL == 3ULL")
H.ok(I(-1) == ffi.cast("uint64_t", I(-1)), "-1LL == UINT64_MAX (unsigned compare)")
H.ok(ffi.new("int", 5) == I(5), "int cdata == int64 cdata")
H.ok(ffi.new("uint32_t", 4294967295) == I(4294967295), "uint32 max == int64")
H.ok(not (ffi.new("uint32_t", 4294967295) == I(-1)), "uint32 max ~= -1LL")
H.ok(ffi.new("double", 2.5) == ffi.new("double", 2.9), "double cdata compare as int64")
H.ok(not (ffi.new("double", 2.5) < ffi.new("double", 2.9)), "double cdata ordered as int64")
H.ok(ffi.typeof(I(1) + 1) == ffi.typeof("int64_t"), "typeof(result) == ctype int64_t")
H.ok(ffi.typeof(U(1) + 1) == ffi.typeof("uint64_t"), "typeof(result) == ctype uint64_t")
if mixed_order then
  H.ok(I(5) < 6, "5LL < 6")
  H.ok(4 < I(5), "4 < 5LL")
  H.ok(5 <= I(5), "5 <= 5LL")
  H.ok(U(1) < -1, "1ULL < -1: the Lua number is converted to uint64")
  H.ok(not (I(1) < -1), "1LL < -1 is false (signed)")
end

---------------------------------------------------------------------------
-- pointer arithmetic
local a = ffi.new("int[10]")
for i = 0, 9 do a[i] = i * 10 end
local p0 = a + 0
H.eq(s(ffi.typeof(p0)), "ctype<int *>", "array + 0 is a pointer")
H.eq(s(ffi.typeof(a + 1)), "ctype<int *>", "array + 1 is a pointer")
H.eq((p0 + 3)[0], 30, "(p + 3)[0]")
H.eq((3 + p0)[0], 30, "(3 + p)[0]")
H.eq((a + 5)[-1], 40, "(a + 5)[-1]")
H.eq(((p0 + 9) - 2)[0], 70, "(p + 9 - 2)[0]")
H.eq((p0 + 4)[1], 50, "(p + 4)[1]")
H.eq((p0 + I(2))[0], 20, "p + 2LL")
H.eq((p0 + ffi.new("int", 4))[0], 40, "p + int cdata")
H.eq((p0 - I(1) + 2)[0], 10, "p - 1LL + 2")
H.eq((p0 + 9) - p0, 9, "pointer difference")
H.eq(p0 - (p0 + 9), -9, "negative pointer difference")
H.eq(type((p0 + 9) - p0), "number", "pointer difference is a Lua number")
H.eq((p0 + 9) - a, 9, "pointer minus array")
H.eq((a + 3) - a, 3, "array + 3 minus array")
H.eq(a - a, 0, "array minus itself")
H.eq(ffi.cast("int *", 8) - ffi.cast("int *", 0), 2, "difference divides by element size")
H.eq(ffi.cast("int *", 0) - ffi.cast("int *", 8), -2, "negative difference divides by size")
local pp = ffi.cast("int *", 100)
H.eq(s(ffi.cast("intptr_t", pp + 1)), "104LL", "int* + 1 advances 4 bytes")
H.eq(tonumber(ffi.cast("intptr_t", pp - 1)), 96, "int* - 1 goes back 4 bytes")
H.eq(tonumber(ffi.cast("uintptr_t", 3 + pp)), 112, "3 + int* advances 12 bytes")
H.eq(s(pp + 1), "cdata<int *>: 0x00000068", "printed result address")
local sa = ffi.new("struct arith_pt[4]")
sa[2].x = 7
local sp = ffi.cast("struct arith_pt *", sa)
H.eq(ffi.cast("char *", sp + 1) - ffi.cast("char *", sp), 16, "struct pointer step in bytes")
H.eq((sp + 3) - sp, 3, "struct pointer difference")
H.eq((sp + 2).x, 7, "field through pointer arithmetic result")
H.eq((sa + 2).x, 7, "field through array arithmetic result")
H.eq(s(ffi.typeof(sp + 2)), "ctype<struct arith_pt *>", "type of struct pointer sum")
H.raises("attempt to perform arithmetic on 'int *' and 'char *'", function() return p0 - ffi.cast("char *", p0) end)
H.raises("attempt to perform arithmetic on 'int *' and 'int *'", function() return p0 + p0 end)
H.raises("attempt to perform arithmetic on 'number' and 'int *'", function() return 2 - p0 end)
H.raises("attempt to perform arithmetic on 'int *' and 'number'", function() return p0 * 2 end)
H.raises("attempt to perform arithmetic on 'void *' and 'number'", function()
  return ffi.cast("void *", p0) + 1
end)

---------------------------------------------------------------------------
-- pointer comparisons (by address, between cdata)
local q = ffi.cast("int *", p0)
H.ok(q == p0, "same address, different cdata objects")
H.ok(p0 < q + 1, "p < p + 1")
H.ok(p0 <= q, "p <= p")
H.ok(not (q + 1 <= p0), "not p + 1 <= p")
H.ok(p0 + 1 > q, "p + 1 > p")
H.ok(a == p0, "array == pointer to its first element")
H.ok(a < a + 1, "array < array + 1")
H.ok(a + 1 == a + 1, "two sums with the same address")
H.ok(q == ffi.cast("char *", p0), "incompatible pointers compare equal by address")
H.ok(not (q + 1 == ffi.cast("char *", p0)), "incompatible pointers, different address")
H.ok(ffi.cast("void *", q) == q, "void * == int *")
H.ok(ffi.cast("void *", 0) == ffi.cast("int *", 0), "two NULL pointers")
H.ok(ffi.cast("int *", 16) < ffi.cast("int *", 32), "address order")
H.ok(ffi.cast("int *", 16) <= ffi.cast("int *", 16), "address <=")
H.ok(ffi.cast("uint8_t *", 0xffffffff) > ffi.cast("uint8_t *", 1), "unsigned address order")
H.raises("attempt to compare 'int *' with 'char *'", function() return p0 < ffi.cast("char *", p0) end)
H.raises("attempt to compare 'int *' with 'int'", function() return p0 < ffi.new("int", 1) end)

---------------------------------------------------------------------------
-- enums: a string names an enum constant
local g = ffi.new("enum arith_color", "ARITH_GREEN")
local b = ffi.new("enum arith_color", "ARITH_BLUE")
H.ok(g < b, "enum cdata < enum cdata")
H.ok(g == ffi.new("enum arith_color", 1), "enum cdata == enum cdata")
H.eq(s(b - g), "9LL", "enum - enum")
H.eq(s(b + "ARITH_RED"), "10LL", "enum + string constant")
H.eq(s(g + "ARITH_BLUE"), "11LL", "enum + string constant (2)")
H.eq(s(b - "ARITH_BLUE"), "0LL", "enum - its own name")
H.eq(s(g * "ARITH_BLUE"), "10LL", "enum * string constant")
H.eq(s("ARITH_BLUE" + g), "11LL", "string constant + enum")
H.ok(ffi.istype("int64_t", b - "ARITH_GREEN"), "enum arithmetic gives int64_t")
H.eq(s(g + 1), "2LL", "enum + number")
if mixed_order then
  H.ok(g < "ARITH_BLUE", "enum < string constant")
  H.ok(g <= "ARITH_GREEN", "enum <= its own name")
  H.ok(b > "ARITH_GREEN", "enum > string constant")
  H.ok(not (b < "ARITH_RED"), "not enum < smaller constant")
end
H.raises("cannot convert 'string' to 'enum arith_color'", function() return g + "ARITH_PURPLE" end)
H.raises("attempt to perform arithmetic on 'int64_t' and 'string'", function() return I(5) - "ARITH_RED" end)

---------------------------------------------------------------------------
-- errors: arithmetic on structs and other non-numbers
local st = ffi.new("struct arith_s")
H.raises("attempt to perform arithmetic on 'struct arith_s' and 'number'", function() return st + 1 end)
H.raises("attempt to perform arithmetic on 'number' and 'struct arith_s'", function() return 1 + st end)
H.raises("attempt to perform arithmetic on 'struct arith_s' and 'struct arith_s'", function() return st * st end)
H.raises("attempt to perform arithmetic on 'struct arith_s'", function() return -st end)
H.raises("attempt to perform arithmetic on 'struct arith_s' and 'int64_t'", function() return st % I(1) end)
H.raises("attempt to compare 'struct arith_s' with 'struct arith_s'", function() return st < st end)
H.ok(st == st, "a struct cdata equals itself")
H.ok(not (st == ffi.new("struct arith_s")), "two struct cdata are not equal")
H.raises("attempt to perform arithmetic on 'int64_t' and 'string'", function() return I(1) + "12" end)
H.raises("attempt to perform arithmetic on 'int64_t' and 'table'", function() return I(1) + {} end)
H.raises("attempt to concatenate 'int64_t' and 'string'", function() return I(1) .. "x" end)

-- Each operand converts to the result's type: a double at or above 2^63 to uint64_t.
H.eq(tostring(ffi.new("uint64_t", 0) + (2^64 - 2048)), "18446744073709549568ULL", "u64 + big double")
H.eq(tostring(ffi.new("uint64_t", 5) + ffi.new("double", 2^63 + 4096)), "9223372036854779909ULL",
  "u64 + big double cdata")
H.eq(ffi.new("uint64_t", 2^63) < ffi.new("double", 2^63 + 4096), true,
  "u64 compared with a big double cdata")

H.done()
