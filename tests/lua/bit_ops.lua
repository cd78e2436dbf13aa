-- Conformance for the `bit` module: LuaJIT 2.1 BitOp semantics (https://bitop.luajit.org/api.html
-- and semantics.html) plus LuaJIT 2.1's 64-bit cdata extension (src/lib_bit.c,
-- lj_carith_check64). Every expected value is a literal worked out by hand and confirmed on
-- `luajit`. Plain Lua 5.1 syntax: no 0x...LL literals; 64-bit values are built with ffi.new
-- and cdata arithmetic, and compared through tostring() and ffi.istype().
local H = require "harness"
local bit = require "bit"
local ffi = require "ffi"

ffi.cdef [[
struct bit_s { int a; };
enum bit_e { BIT_E_A = 3, BIT_E_B = 5 };
]]

local function I(x) return ffi.new("int64_t", x) end
local function U(x) return ffi.new("uint64_t", x) end
local UMAX = U(0) - 1 -- 0xffffffffffffffff (ffi.new("uint64_t", -1) is platform-dependent)
-- 0x0102030405060708 and 0x0123456789abcdef, built by cdata arithmetic.
local V0102 = I(0x01020304) * 4294967296 + 0x05060708
local V0123 = I(0x01234567) * 4294967296 + 0x89abcdef

-- A 64-bit cdata result: its exact value (tostring) and its type.
local function is64(r, text, ct, what)
  -- (type() says "userdata" for cdata on PUC Lua unless the host patches it.)
  local cdata = type(r) ~= "number" and ffi.istype(ct, r)
  H.ok(cdata, what .. ": is " .. ct .. " cdata")
  H.eq(cdata and tostring(r) or r, text, what)
end
local function i64(r, text, what) is64(r, text, "int64_t", what) end
local function u64(r, text, what) is64(r, text, "uint64_t", what) end
-- A plain-number result.
local function num(r, v, what)
  H.ok(type(r) == "number", what .. ": is a plain number (got " .. type(r) .. ")")
  H.eq(r, v, what)
end

H.eq(tostring(V0102), "72623859790382856LL", "setup: 0x0102030405060708")
H.eq(tostring(UMAX), "18446744073709551615ULL", "setup: uint64 max")

------------------------------------------------------------------------------------------
-- 1. Plain numbers: results are signed 32-bit numbers (api.html "bit.tobit", semantics
--    "results are in the range of signed 32-bit integers"). Conversion of numbers uses the
--    2^52+2^51 trick: integers in +-2^51 are taken modulo 2^32.
------------------------------------------------------------------------------------------
num(bit.tobit(0), 0, "tobit(0)")
num(bit.tobit(1), 1, "tobit(1)")
num(bit.tobit(-1), -1, "tobit(-1)")
num(bit.tobit(0xffffffff), -1, "tobit(0xffffffff)")
num(bit.tobit(0xffffffff + 1), 0, "tobit(0xffffffff + 1)")
num(bit.tobit(2 ^ 32), 0, "tobit(2^32)")
num(bit.tobit(2 ^ 32 + 1), 1, "tobit(2^32 + 1)")
num(bit.tobit(2 ^ 31), -2147483648, "tobit(2^31)")
num(bit.tobit(0x7fffffff), 2147483647, "tobit(0x7fffffff)")
num(bit.tobit(-2 ^ 31), -2147483648, "tobit(-2^31)")
num(bit.tobit(-2 ^ 31 - 1), 2147483647, "tobit(-2^31 - 1)")
num(bit.tobit(-2 ^ 32), 0, "tobit(-2^32)")
num(bit.tobit(2 ^ 40 + 5), 5, "tobit(2^40 + 5)")
num(bit.tobit(0xdeadbeef), -559038737, "tobit(0xdeadbeef)")
num(bit.tobit(7, "ignored"), 7, "tobit ignores extra arguments")

-- bnot: bitwise not.
num(bit.bnot(0), -1, "bnot(0)")
num(bit.bnot(-1), 0, "bnot(-1)")
num(bit.bnot(0x7fffffff), -2147483648, "bnot(0x7fffffff)")
num(bit.bnot(0x12345678), -305419897, "bnot(0x12345678)")
num(bit.bnot(0xffffffff), 0, "bnot(0xffffffff)")

-- band / bor / bxor are n-ary: one argument is tobit(x), then fold over all arguments.
num(bit.band(0xffffffff), -1, "band(x) == tobit(x)")
num(bit.bor(2 ^ 32 + 3), 3, "bor(x) == tobit(x)")
num(bit.bxor(0x80000000), -2147483648, "bxor(x) == tobit(x)")
num(bit.band(0x12345678, 0xff), 0x78, "band 2 args")
num(bit.band(0xdeadbeef, 0xffff), 48879, "band 0xdeadbeef, 0xffff")
num(bit.band(-1, 0xf0f0f0f0), -252645136, "band -1, 0xf0f0f0f0")
num(bit.band(0xff, 0xf0, 0x3c), 0x30, "band 3 args")
num(bit.band(-1, -1, -1, -1, 7), 7, "band 5 args")
num(bit.bor(1, 2), 3, "bor 2 args")
num(bit.bor(1, 2, 4, 8), 15, "bor 4 args")
num(bit.bor(0x7fffffff, 0x80000000), -1, "bor sign bit")
num(bit.bor(0x0f0f0f0f, 0), 252645135, "bor with 0")
num(bit.bxor(1, 3), 2, "bxor 2 args")
num(bit.bxor(1, 3, 7), 5, "bxor 3 args")
num(bit.bxor(0xffffffff, 0x12345678), -305419897, "bxor with -1 is bnot")
num(bit.bxor(5, 5, 5), 5, "bxor odd count")

-- Shifts: the count is taken modulo 32 (only its lower 5 bits are used).
num(bit.lshift(1, 0), 1, "lshift(1, 0)")
num(bit.lshift(1, 4), 16, "lshift(1, 4)")
num(bit.lshift(1, 31), -2147483648, "lshift(1, 31)")
num(bit.lshift(1, 32), 1, "lshift(1, 32): count mod 32")
num(bit.lshift(1, 33), 2, "lshift(1, 33): count mod 32")
num(bit.lshift(1, -1), -2147483648, "lshift(1, -1): count -1 & 31 == 31")
num(bit.lshift(0xffffffff, 8), -256, "lshift(-1, 8)")
num(bit.rshift(-1, 0), -1, "rshift(-1, 0)")
num(bit.rshift(-1, 1), 2147483647, "rshift(-1, 1) is logical")
num(bit.rshift(-1, 28), 15, "rshift(-1, 28)")
num(bit.rshift(-1, 32), -1, "rshift(-1, 32): count mod 32")
num(bit.rshift(0x80000000, 31), 1, "rshift(0x80000000, 31)")
num(bit.rshift(256, 36), 16, "rshift(256, 36)")
num(bit.arshift(-256, 4), -16, "arshift(-256, 4) keeps the sign")
num(bit.arshift(0x80000000, 31), -1, "arshift(0x80000000, 31)")
num(bit.arshift(-1, 33), -1, "arshift(-1, 33)")
num(bit.arshift(256, 4), 16, "arshift of a positive number")
num(bit.rol(0x12345678, 4), 591751041, "rol(0x12345678, 4) == 0x23456781")
num(bit.ror(0x12345678, 4), -2128394905, "ror(0x12345678, 4) == 0x81234567")
num(bit.rol(1, 32), 1, "rol(1, 32): count mod 32")
num(bit.rol(1, -1), -2147483648, "rol(1, -1) == rol(1, 31)")
num(bit.ror(1, 1), -2147483648, "ror(1, 1)")
num(bit.ror(1, 33), -2147483648, "ror(1, 33)")
num(bit.rol(0x80000000, 1), 1, "rol(0x80000000, 1)")

-- bswap: swaps the 4 bytes.
num(bit.bswap(0x12345678), 2018915346, "bswap(0x12345678) == 0x78563412")
num(bit.bswap(0xff), -16777216, "bswap(0xff) == 0xff000000")
num(bit.bswap(0), 0, "bswap(0)")
num(bit.bswap(-1), -1, "bswap(-1)")

-- tohex(x [,n]): 8 lowercase digits by default; n > 0 lowercase, n < 0 uppercase; |n| < 8
-- keeps only the low |n| digits; |n| > 8 pads the zero-extended 32-bit value with zeros.
H.eq(bit.tohex(1), "00000001", "tohex(1)")
H.eq(bit.tohex(-1), "ffffffff", "tohex(-1)")
H.eq(bit.tohex(0xabcdef), "00abcdef", "tohex lowercase")
H.eq(bit.tohex(0xabcdef, -8), "00ABCDEF", "tohex(x, -8) uppercase")
H.eq(bit.tohex(0xabcdef, 8), "00abcdef", "tohex(x, 8)")
H.eq(bit.tohex(0x12abcdef, 4), "cdef", "tohex(x, 4) truncates")
H.eq(bit.tohex(0x12abcdef, -4), "CDEF", "tohex(x, -4) truncates, uppercase")
H.eq(bit.tohex(255, 2), "ff", "tohex(255, 2)")
H.eq(bit.tohex(256, 2), "00", "tohex(256, 2)")
H.eq(bit.tohex(0x12345678, 1), "8", "tohex(x, 1)")
H.eq(bit.tohex(255, 0), "", "tohex(x, 0) is empty")
H.eq(bit.tohex(-1, 9), "0ffffffff", "tohex(-1, 9): 32-bit value, 9 digits")
H.eq(bit.tohex(-1, 16), "00000000ffffffff", "tohex(-1, 16)")
H.eq(bit.tohex(255, 20), "000000000000000000ff", "tohex(255, 20)")
H.eq(bit.tohex(255, -20), "000000000000000000FF", "tohex(255, -20)")
H.eq(#bit.tohex(1, 100), 100, "tohex(1, 100) has 100 digits")
H.eq(bit.tohex(2 ^ 32 + 0x1f), "0000001f", "tohex normalises like tobit")

-- Numbers given as strings are accepted (converted like Lua numbers).
num(bit.tobit("0x10"), 16, "tobit('0x10')")
num(bit.tobit("12"), 12, "tobit('12')")
num(bit.tobit("-3"), -3, "tobit('-3')")
num(bit.tobit(" 12 "), 12, "tobit(' 12 ')")
num(bit.tobit("1e3"), 1000, "tobit('1e3')")
num(bit.band("0x1c", "12"), 12, "band on strings")
num(bit.lshift("1", "4"), 16, "lshift on strings")
num(bit.bnot("0"), -1, "bnot('0')")
H.eq(bit.tohex("0x10"), "00000010", "tohex('0x10')")
H.eq(bit.tohex("12"), "0000000c", "tohex('12')")
H.eq(bit.tohex("255", "2"), "ff", "tohex('255', '2')")

------------------------------------------------------------------------------------------
-- 2. LuaJIT 2.1 64-bit cdata rules (lib_bit.c / lj_carith_check64).
------------------------------------------------------------------------------------------

-- 2a. Result type: any integer/number cdata argument switches to 64 bits; the result is
--     uint64_t if any argument is a uint64_t cdata, else int64_t. Other cdata numbers
--     (int32_t, uint8_t, bool, enum, double, float) are first converted to int64_t.
i64(bit.band(I(5), 3), "1LL", "band(int64, number)")
i64(bit.band(3, I(5)), "1LL", "band(number, int64)")
i64(bit.band(I(5)), "5LL", "band(int64) one argument")
u64(bit.bor(U(7)), "7ULL", "bor(uint64) one argument")
u64(bit.bor(U(1), I(2)), "3ULL", "bor(uint64, int64) -> uint64")
u64(bit.bor(I(1), U(2)), "3ULL", "bor(int64, uint64) -> uint64")
u64(bit.bor(1, I(2), U(4), 8), "15ULL", "bor(number, int64, uint64, number) -> uint64")
i64(bit.bxor(I(1), 2, 4, 8), "15LL", "bxor int64 with 3 numbers")
u64(bit.bor(I(-1), U(0)), "18446744073709551615ULL", "int64 -1 reinterpreted as uint64")
u64(bit.band(UMAX, I(-1)), "18446744073709551615ULL", "band(uint64 max, int64 -1)")
i64(bit.bor(ffi.new("int32_t", 5), 0), "5LL", "int32_t cdata -> int64 result")
i64(bit.bor(ffi.new("int32_t", -1), 0), "-1LL", "int32_t -1 is sign-extended")
i64(bit.bor(ffi.new("uint32_t", 0xffffffff), 0), "4294967295LL", "uint32_t is zero-extended")
u64(bit.bor(ffi.new("int32_t", -1), U(0)), "18446744073709551615ULL", "int32_t -1 with uint64")
u64(bit.bor(ffi.new("uint32_t", 0xffffffff), U(0)), "4294967295ULL", "uint32_t with uint64")
i64(bit.bor(ffi.new("uint8_t", 5), 0), "5LL", "uint8_t cdata -> int64")
i64(bit.band(ffi.new("int8_t", -1), 0xff), "255LL", "int8_t -1 & 0xff")
i64(bit.bor(ffi.new("bool", true), 0), "1LL", "bool cdata -> 1LL")
i64(bit.bor(ffi.new("enum bit_e", 5), 0), "5LL", "enum cdata -> int64")
i64(bit.bor(ffi.new("double", 5.5), 0), "5LL", "double cdata truncates to int64")
i64(bit.bor(ffi.new("double", -5.5), 0), "-5LL", "negative double cdata truncates")
i64(bit.band(ffi.new("float", 7), 3), "3LL", "float cdata -> int64")

-- 2b. Plain numbers in an n-ary 64-bit operation are converted to the result type as whole
--     numbers (like a C conversion of the Lua number), NOT via tobit: -1 stays -1,
--     0xffffffff stays 4294967295, 2^40 stays 2^40. Strings are converted to numbers first.
i64(bit.band(I(-1), -1), "-1LL", "band(int64 -1, -1)")
i64(bit.band(I(-1), 1), "1LL", "band(int64 -1, 1)")
i64(bit.band(I(-1), 0xffffffff), "4294967295LL", "0xffffffff is not narrowed to -1")
i64(bit.band(I(-1), 2 ^ 40), "1099511627776LL", "2^40 is not narrowed to 0")
i64(bit.bor(I(0), -2), "-2LL", "bor(int64 0, -2)")
i64(bit.bor(I(0), 2 ^ 32 + 1), "4294967297LL", "bor(int64 0, 2^32 + 1)")
i64(bit.bxor(I(0), 0x80000000), "2147483648LL", "0x80000000 stays positive")
u64(bit.bor(U(0), 2 ^ 40), "1099511627776ULL", "bor(uint64 0, 2^40)")
u64(bit.bor(U(0), 2 ^ 52), "4503599627370496ULL", "bor(uint64 0, 2^52)")
i64(bit.band(I(-1), "0x10"), "16LL", "string argument in 64-bit band")
u64(bit.bxor(UMAX, 0xffffffff), "18446744069414584320ULL", "bxor(uint64 max, 0xffffffff)")
i64(bit.band(V0102, 0xffff), "1800LL", "band(0x0102030405060708, 0xffff) == 0x0708")

-- 2c. tobit of a cdata: a plain number, the low 32 bits taken as signed.
num(bit.tobit(I(3)), 3, "tobit(int64 3)")
num(bit.tobit(I(-1)), -1, "tobit(int64 -1)")
num(bit.tobit(I(0x80000000)), -2147483648, "tobit(int64 0x80000000)")
num(bit.tobit(U(2 ^ 32 + 5)), 5, "tobit(uint64 2^32 + 5)")
num(bit.tobit(UMAX), -1, "tobit(uint64 max)")
num(bit.tobit(V0102), 84281096, "tobit(0x0102030405060708) == 0x05060708")
num(bit.tobit(ffi.new("double", 2 ^ 32 + 1)), 1, "tobit(double cdata 2^32 + 1)")
num(bit.tobit(ffi.new("uint8_t", 200)), 200, "tobit(uint8_t 200)")

-- 2d. bnot / bswap in 64 bits.
i64(bit.bnot(I(0)), "-1LL", "bnot(int64 0)")
i64(bit.bnot(I(-1)), "0LL", "bnot(int64 -1)")
u64(bit.bnot(U(0)), "18446744073709551615ULL", "bnot(uint64 0)")
u64(bit.bnot(UMAX), "0ULL", "bnot(uint64 max)")
i64(bit.bnot(ffi.new("int32_t", 0)), "-1LL", "bnot(int32_t 0) is 64-bit")
i64(bit.bnot(ffi.new("uint32_t", 0)), "-1LL", "bnot(uint32_t 0) is int64, not uint32")
i64(bit.bswap(V0102), "578437695752307201LL", "bswap(0x0102030405060708) == 0x0807060504030201")
u64(bit.bswap(U(0x0102)), "144396663052566528ULL", "bswap(uint64 0x0102) == 0x0201000000000000")
i64(bit.bswap(ffi.new("int32_t", 0x0102)), "144396663052566528LL", "bswap(int32_t) swaps 8 bytes")
u64(bit.bswap(UMAX), "18446744073709551615ULL", "bswap(uint64 max)")

-- 2e. Shifts and rotates in 64 bits: count mod 64; the result type follows the first
--     argument only (a cdata count is reduced to its low 32 bits, then mod 64).
i64(bit.lshift(I(1), 40), "1099511627776LL", "lshift(int64 1, 40)")
i64(bit.lshift(ffi.new("int32_t", 1), 40), "1099511627776LL", "lshift(int32_t 1, 40) is 64-bit")
i64(bit.lshift(I(1), 63), "-9223372036854775808LL", "lshift(int64 1, 63)")
i64(bit.lshift(I(1), 64), "1LL", "lshift(int64 1, 64): count mod 64")
i64(bit.lshift(I(1), 65), "2LL", "lshift(int64 1, 65)")
i64(bit.lshift(I(1), -1), "-9223372036854775808LL", "lshift(int64 1, -1) == lshift(.., 63)")
u64(bit.lshift(U(1), 63), "9223372036854775808ULL", "lshift(uint64 1, 63)")
i64(bit.lshift(I(1), I(65)), "2LL", "lshift with int64 count")
i64(bit.lshift(I(1), U(3)), "8LL", "uint64 count does not make the result uint64")
i64(bit.lshift(I(1), U(2 ^ 32 + 3)), "8LL", "cdata count: low 32 bits")
i64(bit.rshift(I(-1), 1), "9223372036854775807LL", "rshift(int64 -1, 1) is logical")
i64(bit.rshift(I(-1), 64), "-1LL", "rshift(int64 -1, 64)")
u64(bit.rshift(UMAX, 60), "15ULL", "rshift(uint64 max, 60)")
i64(bit.rshift(V0102, 56), "1LL", "rshift(0x0102030405060708, 56)")
i64(bit.arshift(I(-1), 1), "-1LL", "arshift(int64 -1, 1)")
i64(bit.arshift(I(-256), 4), "-16LL", "arshift(int64 -256, 4)")
u64(bit.arshift(UMAX, 1), "18446744073709551615ULL", "arshift of uint64 is still arithmetic")
u64(bit.arshift(U(0x80000000) * 4294967296, 62), "18446744073709551614ULL", "arshift(uint64 2^63, 62)")
i64(bit.rol(I(1), 63), "-9223372036854775808LL", "rol(int64 1, 63)")
i64(bit.rol(I(1), -1), "-9223372036854775808LL", "rol(int64 1, -1)")
i64(bit.rol(I(-2), 1), "-3LL", "rol(int64 -2, 1)")
i64(bit.rol(I(1), 64), "1LL", "rol(int64 1, 64)")
i64(bit.ror(I(1), 1), "-9223372036854775808LL", "ror(int64 1, 1)")
u64(bit.ror(U(1), 1), "9223372036854775808ULL", "ror(uint64 1, 1)")
i64(bit.rol(V0123, 4), "1311768467463790320LL", "rol(0x0123456789abcdef, 4) == 0x123456789abcdef0")
i64(bit.ror(V0123, 8), "-1224658842671273011LL", "ror(0x0123456789abcdef, 8) == 0xef0123456789abcd")
-- A plain-number first argument with a cdata count stays a 32-bit operation.
num(bit.lshift(1, U(3)), 8, "lshift(1, uint64 3) is 32-bit")
num(bit.lshift(1, I(33)), 2, "lshift(1, int64 33): count mod 32")
num(bit.rshift(-1, I(28)), 15, "rshift(-1, int64 28)")
num(bit.rol(1, U(2 ^ 32 + 1)), 2, "rol(1, uint64 2^32 + 1)")

-- 2f. tohex of a cdata: 16 digits by default; tohex(cdata, n) like for numbers but over the
--     64-bit value; a cdata n is read as its low 32 bits.
H.eq(bit.tohex(I(-1)), "ffffffffffffffff", "tohex(int64 -1)")
H.eq(bit.tohex(V0102), "0102030405060708", "tohex(0x0102030405060708)")
H.eq(bit.tohex(V0123, -16), "0123456789ABCDEF", "tohex(x, -16)")
H.eq(bit.tohex(V0123, 8), "89abcdef", "tohex(int64, 8) keeps the low 8 digits")
H.eq(bit.tohex(V0123, -10), "6789ABCDEF", "tohex(int64, -10)")
H.eq(bit.tohex(I(0xabc), 3), "abc", "tohex(int64, 3)")
H.eq(bit.tohex(I(-1), 4), "ffff", "tohex(int64 -1, 4)")
H.eq(bit.tohex(I(-1), 0), "", "tohex(int64, 0)")
H.eq(bit.tohex(I(-1), 20), "0000ffffffffffffffff", "tohex(int64 -1, 20)")
H.eq(bit.tohex(I(-1), -20), "0000FFFFFFFFFFFFFFFF", "tohex(int64 -1, -20)")
H.eq(bit.tohex(UMAX), "ffffffffffffffff", "tohex(uint64 max)")
H.eq(bit.tohex(ffi.new("uint8_t", 255)), "00000000000000ff", "tohex(uint8_t): 16 digits")
H.eq(bit.tohex(ffi.new("int32_t", -1)), "ffffffffffffffff", "tohex(int32_t -1) sign-extends")
H.eq(bit.tohex(255, I(4)), "00ff", "tohex(number, int64 n)")
H.eq(bit.tohex(-1, I(-4)), "FFFF", "tohex(number, int64 -4)")
H.eq(bit.tohex(-1, U(2 ^ 32 + 6)), "ffffff", "cdata n: low 32 bits")

------------------------------------------------------------------------------------------
-- 3. Errors: argument checks with LuaJIT's wording. Called from a Lua function (not a tail
--    call) so that the function name is known; the "file:line:" prefix LuaJIT adds is not
--    matched.
------------------------------------------------------------------------------------------
local function call(name)
  return function(...)
    local r = bit[name](...)
    return r
  end
end
local band = function(...) local r = bit.band(...) return r end
local bor = function(...) local r = bit.bor(...) return r end
local tobit = function(...) local r = bit.tobit(...) return r end
local lshift = function(...) local r = bit.lshift(...) return r end
local tohex = function(...) local r = bit.tohex(...) return r end
local bswap = function(...) local r = bit.bswap(...) return r end
local rol = function(...) local r = bit.rol(...) return r end
local ror = function(...) local r = bit.ror(...) return r end

H.raises("bad argument #1 to 'band' (number expected, got no value)", band)
H.raises("bad argument #2 to 'band' (number expected, got nil)", band, 1, nil)
H.raises("bad argument #1 to 'tobit' (number expected, got string)", tobit, "abc")
H.raises("bad argument #2 to 'lshift' (number expected, got table)", lshift, 1, {})
H.raises("bad argument #3 to 'bor' (number expected, got boolean)", bor, 1, 2, true)
H.raises("bad argument #2 to 'bor' (number expected, got string)", bor, I(1), "zz")
H.raises("bad argument #2 to 'bor' (number expected, got nil)", bor, I(1), nil)
H.raises("bad argument #2 to 'tohex' (number expected, got string)", tohex, 1, "q")
-- An explicit nil n is not "absent": only a missing second argument selects the default.
H.raises("bad argument #2 to 'tohex' (number expected, got nil)", tohex, 1, nil)
H.raises("bad argument #2 to 'tohex' (number expected, got nil)", tohex, I(1), nil)
H.raises("bad argument #2 to 'rol' (number expected, got no value)", rol, 1)
H.raises("bad argument #1 to 'ror' (number expected, got no value)", ror)
H.raises("number expected, got nil", call("bnot"), nil)
H.raises("number expected, got boolean", call("arshift"), true, 1)
-- Non-numeric cdata: a conversion error to int64_t.
local s = ffi.new("struct bit_s")
H.raises("bad argument #2 to 'band' (cannot convert 'struct bit_s' to 'int64_t')", band, 1, s)
H.raises("bad argument #1 to 'band' (cannot convert 'struct bit_s' to 'int64_t')", band, s, I(1))
H.raises("bad argument #1 to 'tohex' (cannot convert 'struct bit_s' to 'int64_t')", tohex, s)
H.raises("bad argument #2 to 'lshift' (cannot convert 'struct bit_s' to 'int64_t')",
  lshift, I(1), s)
H.raises("bad argument #1 to 'tobit' (cannot convert 'struct bit_s' to 'int64_t')", tobit, s)
H.raises("bad argument #1 to 'bswap' (cannot convert 'int *' to 'int64_t')",
  bswap, ffi.new("int *"))

H.done()
