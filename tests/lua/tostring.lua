-- tostring() of ctypes and cdata: 64-bit integers, complex numbers, enums,
-- pointers, aggregates, boxed scalars and metatype __tostring.
-- Assumes a 64-bit target.
local H = require "harness"
local ffi = require "ffi"

local function ts(v) return tostring(v) end
local function tt(t) return tostring(ffi.typeof(t)) end
local function like(s, pat, what) H.ok(type(s) == "string" and s:match(pat) ~= nil, what .. ": got " .. tostring(s)) end
local function i64(v) return ffi.new("int64_t", v) end
local function u64(v) return ffi.new("uint64_t", v) end
-- Runs f and returns its result, or the error text (a failing call becomes a failed
-- assertion instead of aborting the script).
local function try(f, ...)
  local ok, v = pcall(f, ...)
  if ok then return v end
  return "error: " .. tostring(v)
end

ffi.cdef [[
struct tostring_s { int a; double b; };
union tostring_u { int i; float f; };
typedef struct tostring_s tostring_s_t;
enum tostring_E { TOSTRING_A, TOSTRING_B, TOSTRING_C = 10 };
typedef enum { TOSTRING_X = -4, TOSTRING_Y } tostring_anon_e;
struct tostring_m { int v; };
struct tostring_m2 { int x, y; };
struct tostring_nomt { int v; };
]]

------------------------------------------------------------------------------
-- ctype objects
------------------------------------------------------------------------------
H.eq(tt("int"), "ctype<int>", "ctype int")
H.eq(tt("unsigned int"), "ctype<unsigned int>", "ctype unsigned int")
H.eq(tt("int8_t"), "ctype<char>", "ctype int8_t")
H.eq(tt("uint8_t"), "ctype<unsigned char>", "ctype uint8_t")
H.eq(tt("int16_t"), "ctype<short>", "ctype int16_t")
H.eq(tt("uint16_t"), "ctype<unsigned short>", "ctype uint16_t")
H.eq(tt("int32_t"), "ctype<int>", "ctype int32_t")
H.eq(tt("uint32_t"), "ctype<unsigned int>", "ctype uint32_t")
H.eq(tt("int64_t"), "ctype<int64_t>", "ctype int64_t")
H.eq(tt("uint64_t"), "ctype<uint64_t>", "ctype uint64_t")
H.eq(tt("double"), "ctype<double>", "ctype double")
H.eq(tt("float"), "ctype<float>", "ctype float")
H.eq(tt("bool"), "ctype<bool>", "ctype bool")
H.eq(tt("void"), "ctype<void>", "ctype void")
H.eq(tt("void *"), "ctype<void *>", "ctype void *")
H.eq(tt("const void *"), "ctype<const void *>", "ctype const void *")
H.eq(tt("char **"), "ctype<char **>", "ctype char **")
H.eq(tt("complex"), "ctype<complex>", "ctype complex")
H.eq(tt("complex float"), "ctype<complex float>", "ctype complex float")
H.eq(tt("struct tostring_s"), "ctype<struct tostring_s>", "ctype struct")
H.eq(tt("tostring_s_t"), "ctype<struct tostring_s>", "ctype struct typedef")
H.eq(tt("union tostring_u"), "ctype<union tostring_u>", "ctype union")
H.eq(tt("enum tostring_E"), "ctype<enum tostring_E>", "ctype enum")
H.eq(tt("struct tostring_s *"), "ctype<struct tostring_s *>", "ctype struct pointer")
H.eq(tt("const struct tostring_s *"), "ctype<const struct tostring_s *>", "ctype const struct pointer")
H.eq(tt("struct tostring_s [3]"), "ctype<struct tostring_s [3]>", "ctype struct array")
H.eq(tt("double [2][2]"), "ctype<double [2][2]>", "ctype 2-d array")
H.eq(tt("int (*)[3]"), "ctype<int (*)[3]>", "ctype pointer to array")
H.eq(tt("int (*)(int)"), "ctype<int (*)()>", "ctype function pointer")
H.eq(tt("uint8_t [?]"), "ctype<unsigned char [?]>", "ctype VLA")
H.eq(tt("int &"), "ctype<int &>", "ctype reference")
like(tt("tostring_anon_e"), "^ctype<enum %d+>$", "ctype anonymous enum")
like(tt("struct { int q; }"), "^ctype<struct %d+>$", "ctype anonymous struct")
H.eq(tostring(ffi.typeof(ffi.new("struct tostring_s"))), "ctype<struct tostring_s>", "typeof of struct cdata")
H.eq(tostring(ffi.typeof(i64(1))), "ctype<int64_t>", "typeof of int64 cdata")
H.eq(tostring(ffi.typeof(ffi.new("int[4]"))), "ctype<int [4]>", "typeof of array cdata")

------------------------------------------------------------------------------
-- 64-bit integers
------------------------------------------------------------------------------
H.eq(ts(i64(0)), "0LL", "int64 zero")
H.eq(ts(ffi.new("int64_t")), "0LL", "int64 default")
H.eq(ts(i64(5)), "5LL", "int64 5")
H.eq(ts(i64(-5)), "-5LL", "int64 -5")
H.eq(ts(u64(0)), "0ULL", "uint64 zero")
H.eq(ts(u64(5)), "5ULL", "uint64 5")
H.eq(ts(i64(2^40)), "1099511627776LL", "int64 2^40")
H.eq(ts(i64(2^53)), "9007199254740992LL", "int64 2^53")
H.eq(ts(i64(-12345678901)), "-12345678901LL", "int64 negative large")
H.eq(ts(u64(12345678901)), "12345678901ULL", "uint64 large")
H.eq(ts(u64(2^63)), "9223372036854775808ULL", "uint64 2^63 from double")
H.eq(ts(ffi.cast("uint64_t", 2^64 - 2048)), "18446744073709549568ULL", "uint64 near max from double")
do
  local big = i64(2^62)
  H.eq(ts(big - 1 + big), "9223372036854775807LL", "int64 max")
  H.eq(ts(-big - big), "-9223372036854775808LL", "int64 min")
  H.eq(ts(i64(-2^63)), "-9223372036854775808LL", "int64 min from double")
end
H.eq(ts(u64(0) - 1), "18446744073709551615ULL", "uint64 max by wrap-around")
H.eq(ts(-u64(1)), "18446744073709551615ULL", "uint64 negation wraps")
H.eq(ts(u64(i64(-1))), "18446744073709551615ULL", "uint64 from int64 -1")
H.eq(ts(ffi.cast("int64_t", u64(0) - 1)), "-1LL", "int64 cast from uint64 max")
H.eq(ts(i64(ffi.new("int", -7))), "-7LL", "int64 from int cdata")
H.eq(ts(u64(i64(9))), "9ULL", "uint64 from int64 cdata")
H.eq(ts(ffi.new("long", 7)), "7LL", "long is int64 on LP64")
H.eq(ts(ffi.new("size_t", 7)), "7ULL", "size_t is uint64")
H.eq(ts(ffi.new("unsigned long long", 8)), "8ULL", "unsigned long long")
H.eq(ts(ffi.new("intptr_t", -3)), "-3LL", "intptr_t")
H.eq(ts(ffi.cast("int64_t", 3.9)), "3LL", "int64 cast truncates")
H.eq(ts(ffi.cast("int64_t", -3.9)), "-3LL", "int64 cast truncates toward zero")
-- Arithmetic results are 64-bit cdata and print as such.
H.eq(ts(i64(1) + 1), "2LL", "int64 + number")
H.eq(ts(1 + i64(1)), "2LL", "number + int64")
H.eq(ts(u64(1) + 1), "2ULL", "uint64 + number")
H.eq(ts(i64(3) * u64(4)), "12ULL", "int64 * uint64 is uint64")
H.eq(ts(u64(3) - i64(5)), "18446744073709551614ULL", "mixed subtraction wraps unsigned")
H.eq(ts(i64(7) - i64(10)), "-3LL", "int64 subtraction")
H.eq(ts(i64(10) / 3), "3LL", "int64 division truncates")
H.eq(ts(i64(7) / 2), "3LL", "int64 7/2")
H.eq(ts(i64(-7) / 2), "-3LL", "int64 -7/2 truncates toward zero")
H.eq(ts(i64(-10) % 3), "-1LL", "int64 modulo keeps dividend sign")
H.eq(ts(i64(7) % -3), "1LL", "int64 modulo with negative divisor")
H.eq(ts(i64(2) ^ 10), "1024LL", "int64 power")
H.eq(ts(u64(10) ^ 2), "100ULL", "uint64 power")
H.eq(ts(-i64(5)), "-5LL", "int64 unary minus")
H.eq(ts(i64(3) + 0.9), "3LL", "number operand converted to int64")
H.eq(ts(2 * i64(21)), "42LL", "number * int64")
-- Integers of 32 bits and less are not boxed when read, but cdata made with
-- ffi.new print as a reference with an address.
like(ts(ffi.new("int", 5)), "^cdata<int>: 0x%x+$", "boxed int")
like(ts(ffi.new("uint32_t", 5)), "^cdata<unsigned int>: 0x%x+$", "boxed uint32_t")
like(ts(ffi.new("uint16_t", 5)), "^cdata<unsigned short>: 0x%x+$", "boxed uint16_t")
like(ts(ffi.new("int8_t", 5)), "^cdata<char>: 0x%x+$", "boxed int8_t")
like(ts(ffi.new("double", 5)), "^cdata<double>: 0x%x+$", "boxed double")
like(ts(ffi.new("float", 5)), "^cdata<float>: 0x%x+$", "boxed float")
like(ts(ffi.new("bool", true)), "^cdata<bool>: 0x%x+$", "boxed bool")
like(ts(ffi.cast("int", 5)), "^cdata<int>: 0x%x+$", "cast to int")
do
  local a = ffi.new("int64_t[2]", 11, -12)
  H.eq(ts(a[0]), "11LL", "int64 array element is boxed")
  H.eq(ts(a[1]), "-12LL", "int64 array element negative")
  local b = ffi.new("int[2]", 3, 4)
  H.eq(type(b[0]), "number", "int array element is a number")
  H.eq(b[1], 4, "int array element value")
end

------------------------------------------------------------------------------
-- Complex numbers
------------------------------------------------------------------------------
local function cx(re, im) return ffi.new("complex", re, im) end
-- A negative zero computed at run time: a -0.0 literal would be merged with the
-- constant 0 by the PUC Lua 5.1 compiler.
local nzero = -1 / (1 / 0)
H.eq(ts(cx(1, 2)), "1+2i", "complex 1+2i")
H.eq(ts(cx(1, -2)), "1-2i", "complex 1-2i")
H.eq(ts(cx(0, 0)), "0+0i", "complex zero")
H.eq(ts(cx(0.5, 0)), "0.5+0i", "complex real only")
H.eq(ts(ffi.new("complex", 2)), "2+0i", "complex from one number")
H.eq(ts(cx(-1.5, -0.25)), "-1.5-0.25i", "complex both negative")
H.eq(ts(cx(1, nzero)), "1-0i", "complex negative zero imaginary")
H.eq(ts(cx(nzero, 0)), "-0+0i", "complex negative zero real")
H.eq(ts(cx(1e20, 3)), "1e+20+3i", "complex exponent form")
H.eq(ts(cx(1e-5, 0)), "1e-05+0i", "complex small exponent")
H.eq(ts(cx(1 / 3, 0)), "0.33333333333333+0i", "complex 14 significant digits")
H.eq(ts(cx(123456789012346, 1)), "1.2345678901235e+14+1i", "complex large real rounds up")
H.eq(ts(cx(123456789012344, 1)), "1.2345678901234e+14+1i", "complex large real rounds down")
H.eq(ts(cx(123456789012345, 1)), "1.2345678901235e+14+1i", "complex large real, exact tie rounds away from zero")
H.eq(ts(cx(1, 1 / 0)), "1+infI", "complex infinite imaginary")
H.eq(ts(cx(1, -1 / 0)), "1-infI", "complex negative infinite imaginary")
H.eq(ts(ffi.new("complex", { 5, 6 })), "5+6i", "complex from table")
H.eq(ts(ffi.new("complex float", 1.5, 2)), "1.5+2i", "complex float")
H.eq(ts(ffi.new("complex float", 0.1, 0.2)), "0.10000000149012+0.20000000298023i", "complex float precision")
do
  local arr = ffi.new("complex[2]", { 1, 2 }, { 3, 4 })
  H.eq(ts(arr[1]), "3+4i", "complex array element")
  H.eq(arr[1].re, 3, "complex re")
  H.eq(arr[1].im, 4, "complex im")
end

------------------------------------------------------------------------------
-- Enums
------------------------------------------------------------------------------
H.eq(ts(ffi.new("enum tostring_E", 2)), "cdata<enum tostring_E>: 2", "enum from number")
H.eq(ts(ffi.new("enum tostring_E", "TOSTRING_B")), "cdata<enum tostring_E>: 1", "enum from name")
H.eq(ts(ffi.new("enum tostring_E", "TOSTRING_C")), "cdata<enum tostring_E>: 10", "enum from name 10")
H.eq(ts(ffi.new("enum tostring_E")), "cdata<enum tostring_E>: 0", "enum default")
H.eq(ts(ffi.new("enum tostring_E", 7)), "cdata<enum tostring_E>: 7", "enum value without name")
like(ts(ffi.new("tostring_anon_e", "TOSTRING_X")), "^cdata<enum %d+>: %-4$", "anonymous enum negative")
do
  local s = ffi.new("struct { enum tostring_E e; int i; }", { 2, 3 })
  H.eq(ts(s.e), "cdata<enum tostring_E>: 2", "enum field read is boxed")
  -- type() of a cdata is "userdata" on PUC Lua, so check the boxing with ffi.istype.
  H.eq(ffi.istype("enum tostring_E", s.e), true, "enum field read is an enum cdata")
end

------------------------------------------------------------------------------
-- Pointers
------------------------------------------------------------------------------
H.eq(ts(ffi.new("void *")), "cdata<void *>: NULL", "NULL void *")
H.eq(ts(ffi.new("int *")), "cdata<int *>: NULL", "NULL int *")
H.eq(ts(ffi.cast("int *", 0)), "cdata<int *>: NULL", "cast 0 to int *")
H.eq(ts(ffi.cast("const char *", nil)), "cdata<const char *>: NULL", "cast nil to const char *")
H.eq(ts(ffi.new("struct tostring_s *")), "cdata<struct tostring_s *>: NULL", "NULL struct pointer")
H.eq(ts(ffi.new("int (*)(int)")), "cdata<int (*)()>: NULL", "NULL function pointer")
H.eq(ts(ffi.new("const int *")), "cdata<const int *>: NULL", "NULL const pointer")
H.eq(ts(ffi.cast("char *", 0x1234)), "cdata<char *>: 0x00001234", "small address padded to 8 digits")
H.eq(ts(ffi.cast("int *", 1)), "cdata<int *>: 0x00000001", "address 1")
H.eq(ts(ffi.cast("void *", 0xdeadbeef)), "cdata<void *>: 0xdeadbeef", "32-bit address")
H.eq(ts(ffi.cast("void *", -1)), "cdata<void *>: 0xffffffffffffffff", "all-ones address")
do
  local a = ffi.new("int[3]")
  local p = ffi.cast("int *", a)
  like(ts(p), "^cdata<int %*>: 0x%x+$", "non-NULL int *")
  like(ts(p + 1), "^cdata<int %*>: 0x%x+$", "pointer arithmetic result")
  like(ts(a + 1), "^cdata<int %*>: 0x%x+$", "array decays to pointer in arithmetic")
  like(ts(ffi.cast("void *", a)), "^cdata<void %*>: 0x%x+$", "void * to array")
  like(ts(ffi.cast("const char *", "abc")), "^cdata<const char %*>: 0x%x+$", "string to const char *")
  H.eq(ts(p + 1):match("0x%x+$") == ts(p):match("0x%x+$"), false, "different addresses print differently")
  local n1 = tonumber(ffi.cast("intptr_t", p))
  local n2 = tonumber(ffi.cast("intptr_t", p + 1))
  H.eq(n2 - n1, 4, "pointer step is element size")
  H.eq(tonumber(ts(p):match("0x(%x+)$"), 16), n1, "printed address equals the pointer value")
  local r = ffi.new("struct { int *p; }", { p })
  like(ts(r.p), "^cdata<int %*>: 0x%x+$", "pointer field read")
end

------------------------------------------------------------------------------
-- Structs, unions, arrays, references
------------------------------------------------------------------------------
like(ts(ffi.new("struct tostring_s")), "^cdata<struct tostring_s>: 0x%x+$", "struct")
like(ts(ffi.new("tostring_s_t", 1, 2)), "^cdata<struct tostring_s>: 0x%x+$", "struct via typedef")
like(ts(ffi.new("union tostring_u")), "^cdata<union tostring_u>: 0x%x+$", "union")
like(ts(ffi.new("int[3]")), "^cdata<int %[3%]>: 0x%x+$", "array")
like(ts(ffi.new("int[?]", 4)), "^cdata<int %[%?%]>: 0x%x+$", "VLA")
like(ts(ffi.new("struct tostring_s[2]")), "^cdata<struct tostring_s %[2%]>: 0x%x+$", "struct array")
like(ts(ffi.new("double[2][3]")), "^cdata<double %[2%]%[3%]>: 0x%x+$", "2-d array")
like(ts(ffi.new("struct { int q; }")), "^cdata<struct %d+>: 0x%x+$", "anonymous struct")
do
  local arr = ffi.new("struct tostring_s[2]")
  like(ts(arr[1]), "^cdata<struct tostring_s &>: 0x%x+$", "array element of struct is a reference")
  local m = ffi.new("int[2][2]")
  like(ts(m[1]), "^cdata<int %(&%)%[2%]>: 0x%x+$", "row of 2-d array is a reference to array")
  like(try(function() return ts(ffi.new("int &", ffi.new("int[1]"))) end), "^cdata<int &>: 0x%x+$", "int reference")
  local s = ffi.new("struct { struct tostring_s in1; int arr[2]; }")
  like(ts(s.in1), "^cdata<struct tostring_s &>: 0x%x+$", "nested struct field")
  like(ts(s.arr), "^cdata<int %(&%)%[2%]>: 0x%x+$", "array field")
end

------------------------------------------------------------------------------
-- Metatype __tostring
------------------------------------------------------------------------------
do
  local M = ffi.metatype("struct tostring_m", {
    __tostring = function(s) return string.format("M(%d)", s.v) end,
  })
  local m = M(5)
  H.eq(ts(m), "M(5)", "__tostring on struct")
  H.eq(try(function() return ts(ffi.new("struct tostring_m *", m)) end), "M(5)", "__tostring applies to pointer to struct")
  H.eq(try(function() return ts(ffi.cast("struct tostring_m &", m)) end), "M(5)", "__tostring applies to reference")
  like(ts(ffi.new("struct tostring_m[1]")), "^cdata<struct tostring_m %[1%]>: 0x%x+$", "array of metatype struct is unaffected")
  m.v = 9
  H.eq(ts(m), "M(9)", "__tostring sees current value")
  H.eq(ts(M()), "M(0)", "__tostring of default-initialized")
  H.eq(tostring(M), "ctype<struct tostring_m>", "ctype of metatype prints normally")

  local P = ffi.metatype("struct tostring_m2", {
    __tostring = function(s) return string.format("(%d,%d)", s.x, s.y) end,
    __index = { norm1 = function(s) return math.abs(s.x) + math.abs(s.y) end },
  })
  local p = P(3, -4)
  H.eq(ts(p), "(3,-4)", "__tostring with format")
  H.eq(p:norm1(), 7, "__index together with __tostring")
  H.eq(ts(P({ x = 1, y = 2 })), "(1,2)", "__tostring on table-initialized")
  like(ts(ffi.new("struct tostring_nomt")), "^cdata<struct tostring_nomt>: 0x%x+$", "struct without metatype")
end

-- A reference shows what it refers to.
do
  ffi.cdef "enum tostring_ref_e { TOSTRING_REF_A = 1 };"
  local pp = ffi.new("int *[1]")
  H.eq(tostring(ffi.cast("int *&", pp)), "cdata<int *&>: NULL", "reference to a pointer")
  local ee = ffi.new("enum tostring_ref_e[1]", 1)
  H.eq(tostring(ffi.cast("enum tostring_ref_e &", ee)), "cdata<enum tostring_ref_e &>: 1",
    "reference to an enum")
end

-- NaN parts print as LuaJIT prints them, whatever their sign bit.
H.eq(tostring(ffi.new("complex", 0/0, 0)), "nan+0i", "NaN real part")
H.eq(tostring(ffi.new("complex", 1, 0/0)), "1+nanI", "NaN imaginary part")

H.done()
