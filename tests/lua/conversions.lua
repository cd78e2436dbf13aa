-- Conversion rules: Lua -> C, C -> Lua, casts, istype, pointer compatibility,
-- tonumber on cdata numbers.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
enum conversions_e { CONVERSIONS_A, CONVERSIONS_B = 5, CONVERSIONS_C };
struct conversions_inner { int q; double r; };
struct conversions_all {
  int8_t i8; uint8_t u8; int16_t i16; uint16_t u16;
  int32_t i32; uint32_t u32; int64_t i64; uint64_t u64;
  float f; double d; bool b; void *vp; int *ip; const char *cs;
  enum conversions_e e;
  struct conversions_inner inner;
  int arr[3];
};
typedef struct conversions_all conversions_all_t;
]]

local function wrap(ct, v) return tonumber(ffi.new(ct, v)) end
local function try(f, ...)
  local ok, v = pcall(f, ...)
  if ok then return v end
  return "error: " .. tostring(v)
end
local function addr(p)
  if type(p) == "string" then return p end -- an error from try()
  return tonumber(ffi.cast("uintptr_t", p))
end

-- Lua numbers -> integers of all widths ------------------------------------

H.eq(wrap("int8_t", 300), 44, "int8_t 300 -> 44")
H.eq(wrap("int8_t", 127), 127, "int8_t 127")
H.eq(wrap("int8_t", -128), -128, "int8_t -128")
H.eq(wrap("int8_t", 128), -128, "int8_t 128 wraps")
H.eq(wrap("int8_t", -129), 127, "int8_t -129 wraps")
H.eq(wrap("uint8_t", -1), 255, "uint8_t -1 -> 255")
H.eq(wrap("uint8_t", 256), 0, "uint8_t 256 -> 0")
H.eq(wrap("uint8_t", 255), 255, "uint8_t 255")
H.eq(wrap("int16_t", 40000), -25536, "int16_t 40000 wraps")
H.eq(wrap("int16_t", -32768), -32768, "int16_t min")
H.eq(wrap("uint16_t", -1), 65535, "uint16_t -1")
H.eq(wrap("uint16_t", 70000), 4464, "uint16_t 70000 wraps")
H.eq(wrap("int32_t", -2147483648), -2147483648, "int32_t min")
H.eq(wrap("int32_t", 2147483647), 2147483647, "int32_t max")
H.eq(wrap("uint32_t", 4294967295), 4294967295, "uint32_t max")
H.eq(wrap("uint32_t", -1), 4294967295, "uint32_t -1")
H.eq(wrap("int64_t", 2 ^ 53), 2 ^ 53, "int64_t 2^53")
H.eq(wrap("int64_t", -2 ^ 40), -2 ^ 40, "int64_t -2^40")
H.eq(wrap("uint64_t", 2 ^ 63), 2 ^ 63, "uint64_t 2^63")
H.eq(tostring(ffi.new("uint64_t", 2 ^ 63)), "9223372036854775808ULL", "tostring uint64_t 2^63")
H.eq(tostring(ffi.new("int64_t", -1)), "-1LL", "tostring int64_t -1")
H.eq(tostring(ffi.new("int64_t", 12345)), "12345LL", "tostring int64_t 12345")

-- double -> integer truncates toward zero
H.eq(wrap("int", 3.7), 3, "int 3.7 -> 3")
H.eq(wrap("int", -3.7), -3, "int -3.7 -> -3")
H.eq(wrap("int", 0.999), 0, "int 0.999 -> 0")
H.eq(wrap("int", -0.5), 0, "int -0.5 -> 0")
H.eq(wrap("int8_t", -1.9), -1, "int8_t -1.9 -> -1")
H.eq(wrap("uint8_t", 255.9), 255, "uint8_t 255.9 -> 255")
H.eq(wrap("int64_t", -7.5), -7, "int64_t -7.5 -> -7")
H.eq(wrap("uint64_t", 1e15 + 0.5), 1e15, "uint64_t 1e15+0.5")
H.eq(wrap("int8_t", 300.9), 44, "int8_t 300.9 -> trunc then narrow")

-- booleans
H.eq(wrap("int", true), 1, "int from true")
H.eq(wrap("int", false), 0, "int from false")
H.eq(wrap("double", true), 1, "double from true")
H.eq(wrap("uint8_t", true), 1, "uint8_t from true")
local bb = ffi.new("bool[4]", true, false)
H.eq(bb[0], true, "bool from true")
H.eq(bb[1], false, "bool from false")
H.eq(bb[2], false, "bool zero-filled")
bb[0] = 0
H.eq(bb[0], false, "bool from 0")
bb[0] = 2
H.eq(bb[0], true, "bool from 2")
bb[0] = 0.5
H.eq(bb[0], true, "bool from 0.5")
bb[0] = -1
H.eq(bb[0], true, "bool from -1")
bb[0] = ffi.new("int", 0)
H.eq(bb[0], false, "bool from int cdata 0")
bb[0] = ffi.new("int64_t", 9)
H.eq(bb[0], true, "bool from int64 cdata 9")
H.raises("cannot convert 'string' to 'bool'", function() bb[0] = "x" end)

-- floats
H.eq(wrap("float", 0.5), 0.5, "float 0.5 exact")
H.eq(wrap("float", 0.1), 0.10000000149011612, "float 0.1 rounded to single precision")
H.ok(wrap("float", 0.1) ~= 0.1, "float 0.1 differs from double 0.1")
H.eq(wrap("float", 16777217), 16777216, "float 2^24+1 rounds")
H.eq(wrap("double", 16777217), 16777217, "double 2^24+1 exact")
H.eq(wrap("float", -2.75), -2.75, "float -2.75")
H.eq(wrap("double", ffi.new("float", 0.1)), 0.10000000149011612, "double from float cdata")
H.eq(wrap("float", ffi.new("int", 7)), 7, "float from int cdata")
H.eq(wrap("double", ffi.new("int64_t", 2 ^ 40)), 2 ^ 40, "double from int64 cdata")

-- enums
H.eq(wrap("enum conversions_e", 5), 5, "enum from number")
H.eq(wrap("enum conversions_e", "CONVERSIONS_C"), 6, "enum from constant name")
H.eq(wrap("enum conversions_e", "CONVERSIONS_A"), 0, "enum from first constant name")
H.eq(wrap("enum conversions_e", 77), 77, "enum from unlisted number")
H.raises("cannot convert 'string' to 'enum conversions_e'", ffi.new, "enum conversions_e", "NOPE")
H.eq(tonumber(ffi.C.CONVERSIONS_B), 5, "enum constant via ffi.C")

-- strings, nil, tables, pointers
local str = "hello"
local sp = ffi.new("const char *[1]", {str})
H.eq(ffi.string(sp[0]), "hello", "string to const char *")
local holder = ffi.new("struct conversions_all")
holder.cs = str
H.eq(ffi.string(holder.cs), "hello", "string to const char * field")
H.eq(holder.cs[4], 111, "const char * field indexable")
H.raises("cannot convert 'string' to 'const char *[1]'", ffi.new, "const char *[1]", str)
H.eq(ffi.string(ffi.cast("const char *", str)), "hello", "cast string to const char *")
H.eq(ffi.cast("const char *", str)[1], 101, "const char * from string indexable")
local vp = ffi.new("void *[1]", nil)
H.eq(addr(vp[0]), 0, "nil to void *")
local ip = ffi.new("int *", nil)
H.eq(addr(ip), 0, "nil to int *")
H.raises("cannot convert 'string' to 'char *'", ffi.new, "char *", "x")
H.raises("cannot convert 'number' to 'int *'", ffi.new, "int *", 1)
H.raises("cannot convert 'number' to 'void *'", ffi.new, "void *", 0x1000)
H.raises("cannot convert 'table' to 'int'", ffi.new, "int", {})
H.raises("cannot convert 'string' to 'int'", ffi.new, "int", "1")
H.raises("cannot convert 'string' to 'double'", ffi.new, "double", "1.5")
H.raises("cannot convert 'string' to 'int64_t'", ffi.new, "int64_t", "123")
H.raises("cannot convert 'int *' to 'int'", ffi.new, "int", ffi.new("int *"))
H.raises("cannot convert 'int *' to 'int64_t'", ffi.new, "intptr_t", ffi.new("int *"))
H.raises("cannot convert 'int *' to 'bool'", ffi.new, "bool", ffi.new("int *"))
H.raises("cannot convert", ffi.new, "int", function() end)

-- Conversions on write access (struct fields) ----------------------------

local s = ffi.new("struct conversions_all")
s.i8 = 200
H.eq(s.i8, -56, "field i8 = 200")
s.u8 = -2
H.eq(s.u8, 254, "field u8 = -2")
s.i16 = 65535
H.eq(s.i16, -1, "field i16 = 65535")
s.u16 = 65536 + 9
H.eq(s.u16, 9, "field u16 = 65545")
s.i32 = -5.9
H.eq(s.i32, -5, "field i32 = -5.9")
s.u32 = 3000000000
H.eq(s.u32, 3000000000, "field u32 = 3e9")
s.i64 = 2 ^ 40
H.eq(tonumber(s.i64), 2 ^ 40, "field i64 = 2^40")
s.u64 = 12
H.eq(tonumber(s.u64), 12, "field u64 = 12")
s.f = 1 / 3
H.ok(s.f ~= 1 / 3 and math.abs(s.f - 1 / 3) < 1e-7, "field f loses precision")
s.d = 1 / 3
H.eq(s.d, 1 / 3, "field d keeps precision")
s.i8 = ffi.new("int64_t", 300)
H.eq(s.i8, 44, "field i8 from int64 cdata narrows")
s.d = ffi.new("uint8_t", 200)
H.eq(s.d, 200, "field d from uint8 cdata")
s.e = "CONVERSIONS_B"
H.eq(tonumber(s.e), 5, "field enum from name")
s.e = 6
H.eq(tonumber(s.e), 6, "field enum from number")
H.raises("cannot convert 'string' to 'enum conversions_e'", function() s.e = "CONVERSIONS_Z" end)
H.raises("cannot convert 'string' to 'int'", function() s.i32 = "1" end)
H.raises("cannot convert 'table' to 'int'", function() s.i32 = {} end)
H.raises("cannot convert 'number' to 'int *'", function() s.ip = 4 end)

-- C -> Lua ------------------------------------------------------------------

local r = ffi.new("struct conversions_all", {i8 = -1, u8 = 2, i16 = -3, u16 = 4, i32 = -5,
  u32 = 6, i64 = 7, u64 = 8, f = 1.5, d = 2.5, b = true, e = 5})
H.eq(type(r.i8), "number", "int8_t field -> number")
H.eq(type(r.u8), "number", "uint8_t field -> number")
H.eq(type(r.i16), "number", "int16_t field -> number")
H.eq(type(r.u16), "number", "uint16_t field -> number")
H.eq(type(r.i32), "number", "int32_t field -> number")
H.eq(type(r.u32), "number", "uint32_t field -> number")
H.eq(type(r.f), "number", "float field -> number")
H.eq(type(r.d), "number", "double field -> number")
H.eq(r.i8 + r.u8 + r.i16 + r.u16 + r.i32 + r.u32, 3, "small int field values")
H.ok(type(r.i64) ~= "number", "int64_t field stays boxed")
H.ok(ffi.istype("int64_t", r.i64), "int64_t field is int64_t cdata")
H.ok(ffi.istype("uint64_t", r.u64), "uint64_t field is uint64_t cdata")
H.eq(tostring(r.i64), "7LL", "tostring int64 field")
H.eq(tostring(r.u64), "8ULL", "tostring uint64 field")
H.eq(type(r.b), "boolean", "bool field -> boolean")
H.eq(r.b, true, "bool field value")
H.ok(ffi.istype("enum conversions_e", r.e), "enum field -> enum cdata")
H.eq(tonumber(r.e), 5, "enum field value")
H.ok(type(r.vp) ~= "number", "pointer field stays cdata")
H.ok(ffi.istype("void *", r.vp), "void * field type")
H.ok(ffi.istype("int *", r.ip), "int * field type")
H.eq(addr(r.ip), 0, "NULL pointer field")
H.eq(tostring(ffi.typeof(r.inner)), "ctype<struct conversions_inner &>", "nested struct field is a reference")
H.eq(tostring(ffi.typeof(r.arr)), "ctype<int (&)[3]>", "array field is a reference")
r.inner.q = 42
H.eq(r.inner.q, 42, "write through nested reference")
local ref = r.inner
ref.r = 0.25
H.eq(r.inner.r, 0.25, "reference aliases the parent")
r.arr[2] = 9
local aref = r.arr
H.eq(aref[2], 9, "array reference aliases the parent")
local structs = ffi.new("struct conversions_inner[2]")
H.eq(tostring(ffi.typeof(structs[1])), "ctype<struct conversions_inner &>", "struct array element is a reference")
structs[1].q = 5
H.eq(structs[1].q, 5, "write through element reference")
local ints = ffi.new("int[2]", 3, 4)
H.eq(type(ints[0]), "number", "int array element -> number")
local i64s = ffi.new("int64_t[1]", 5)
H.ok(ffi.istype("int64_t", i64s[0]), "int64 array element -> cdata")
local pps = ffi.new("int *[1]")
H.ok(ffi.istype("int *", pps[0]), "pointer array element -> cdata")
-- copying a struct into a field from a compatible aggregate
r.inner = ffi.new("struct conversions_inner", 1, 2)
H.ok(r.inner.q == 1 and r.inner.r == 2, "assign struct to struct field")
r.inner = {q = 3}
H.ok(r.inner.q == 3 and r.inner.r == 0, "assign table to struct field")
r.arr = {7, 8, 9}
H.eq(r.arr[0] + r.arr[1] + r.arr[2], 24, "assign table to array field")

-- ffi.cast --------------------------------------------------------------------

H.eq(tonumber(ffi.cast("int8_t", 300)), 44, "cast int8_t 300")
H.eq(tonumber(ffi.cast("uint8_t", -1)), 255, "cast uint8_t -1")
H.eq(tonumber(ffi.cast("int", 3.9)), 3, "cast int 3.9")
H.eq(tonumber(ffi.cast("int", -3.9)), -3, "cast int -3.9")
H.eq(tonumber(ffi.cast("double", ffi.new("int", 7))), 7, "cast double from int cdata")
H.eq(tonumber(ffi.cast("int32_t", ffi.new("int64_t", 4294967301))), 5, "cast int64 -> int32 truncates")
H.eq(tonumber(ffi.cast("uint32_t", ffi.new("int64_t", -1))), 4294967295, "cast int64 -1 -> uint32")
H.eq(tonumber(ffi.cast("int16_t", ffi.new("uint32_t", 0x18001))), -32767, "cast uint32 -> int16")
H.eq(tostring(ffi.cast("uint64_t", ffi.new("int64_t", -1))), "18446744073709551615ULL", "cast int64 -1 -> uint64")
H.eq(tostring(ffi.cast("int64_t", ffi.new("uint64_t", 2 ^ 63))), "-9223372036854775808LL", "cast uint64 2^63 -> int64")
H.eq(tostring(ffi.cast("int64_t", ffi.new("int8_t", -3))), "-3LL", "cast int8 -> int64 sign-extends")
H.eq(tostring(ffi.cast("uint64_t", ffi.new("uint8_t", 250))), "250ULL", "cast uint8 -> uint64 zero-extends")
H.eq(tonumber(ffi.cast("int", true)), 1, "cast int from true")
H.eq(tonumber(try(ffi.cast, "intptr_t", nil)), 0, "cast intptr_t from nil")
H.eq(tonumber(ffi.cast("enum conversions_e", "CONVERSIONS_B")), 5, "cast enum from name")
H.eq(tostring(ffi.typeof(ffi.cast("int8_t", 1))), "ctype<char>", "typeof cast int8_t")

-- int <-> pointer
local p = ffi.cast("void *", 0x1234)
H.eq(addr(p), 0x1234, "cast number -> pointer -> uintptr_t")
H.eq(tonumber(ffi.cast("intptr_t", p)), 0x1234, "cast pointer -> intptr_t")
H.eq(tonumber(ffi.cast("int", ffi.cast("void *", 0x123456789))), 0x23456789, "cast pointer -> int truncates")
H.eq(addr(ffi.cast("int *", ffi.new("int64_t", 4096))), 4096, "cast int64 cdata -> pointer")
H.ok(ffi.cast("char *", p) + 4 == ffi.cast("char *", 0x1238), "cast pointer arithmetic")
H.eq(addr(ffi.cast("int *", p) + 1), 0x1238, "int * arithmetic after cast")
local intarr = ffi.new("int[2]", 0x01020304, 5)
H.eq(addr(ffi.cast("int *", intarr)), addr(intarr), "cast array -> pointer keeps address")

-- pointer <-> pointer
local bytes = ffi.cast("uint8_t *", intarr)
if ffi.abi("le") then
  H.eq(bytes[0], 4, "byte view [0] (little endian)")
  H.eq(bytes[3], 1, "byte view [3] (little endian)")
else
  H.eq(bytes[0], 1, "byte view [0] (big endian)")
  H.eq(bytes[3], 4, "byte view [3] (big endian)")
end
bytes[4] = 6
H.eq(intarr[1], ffi.abi("le") and 6 or 0x06000005, "write through byte view")
local st = ffi.new("struct conversions_inner", 11, 1.5)
local sptr = ffi.cast("struct conversions_inner *", ffi.cast("void *", st))
H.eq(sptr.q, 11, "void * -> struct pointer cast")
sptr.q = 12
H.eq(st.q, 12, "write through cast struct pointer")
H.eq(ffi.cast("const char *", "abc")[2], 99, "cast string -> const char *")
H.ok(ffi.istype("char *", ffi.cast("char *", ffi.new("const char *"))), "cast drops const")
H.raises("invalid C type", ffi.cast, "struct conversions_inner", 1)
H.raises("cannot convert 'table' to 'int'", ffi.cast, "int", {})
H.raises("cannot convert 'struct conversions_inner' to 'int'", ffi.cast, "int", st)
H.raises("cannot convert", ffi.cast, "double", ffi.new("int *"))

-- ffi.istype --------------------------------------------------------------------

H.ok(ffi.istype("int", ffi.new("int")), "istype int")
H.ok(ffi.istype("const int", ffi.new("int")), "istype ignores const (ct)")
H.ok(ffi.istype("int", ffi.new("const int")), "istype ignores const (obj)")
H.ok(not ffi.istype("uint32_t", ffi.new("int32_t")), "istype uint32 vs int32")
H.ok(ffi.istype("int32_t", ffi.new("int")), "istype int32_t is int")
H.ok(not ffi.istype("int", 1), "istype Lua number")
H.ok(not ffi.istype("int", "x"), "istype Lua string")
H.ok(not ffi.istype("int", nil), "istype nil")
H.ok(ffi.istype("int *", ffi.new("const int *")), "istype int * vs const int *")
H.ok(ffi.istype("const int *", ffi.new("int *")), "istype const int * vs int *")
H.ok(ffi.istype("unsigned int *", ffi.new("int *")), "istype signedness of pointer target")
H.ok(not ffi.istype("void *", ffi.new("int *")), "istype no special void *")
H.ok(not ffi.istype("int *", ffi.new("void *")), "istype no special void * (2)")
H.ok(not ffi.istype("double *", ffi.new("int *")), "istype double * vs int *")
H.ok(not ffi.istype("int *", ffi.new("int[3]")), "istype pointer vs array")
H.ok(ffi.istype("int[3]", ffi.new("int[3]")), "istype int[3]")
H.ok(not ffi.istype("int[4]", ffi.new("int[3]")), "istype int[4] vs int[3]")
H.ok(ffi.istype("struct conversions_inner", st), "istype struct")
H.ok(ffi.istype("struct conversions_inner", sptr), "istype struct accepts pointer")
H.ok(ffi.istype("struct conversions_inner", r.inner), "istype struct accepts reference")
H.ok(not ffi.istype("struct conversions_inner *", st), "istype struct pointer vs struct")
H.ok(ffi.istype("conversions_all_t", r), "istype through typedef")
H.ok(ffi.istype(ffi.typeof(st), st), "istype with ctype object")
H.ok(not ffi.istype("struct conversions_all", st), "istype different struct")

-- Pointer compatibility (implicit conversions) ------------------------------

local ivp = ffi.new("void *", intarr)
local ip2 = ffi.new("int *", ivp)
H.eq(ip2[1], intarr[1], "void * -> int * implicitly")
local cvp = ffi.new("const void *", ip2)
H.eq(addr(cvp), addr(intarr), "int * -> const void * implicitly")
local cip = ffi.new("const int *", ip2)
H.eq(cip[0], intarr[0], "int * -> const int * implicitly")
local uip = try(ffi.new, "unsigned int *", ip2)
H.eq(addr(uip), addr(intarr), "int * -> unsigned int * implicitly")
local fromarr = ffi.new("const int *", intarr)
H.eq(fromarr[1], intarr[1], "int[2] -> const int *")
local fromstruct = ffi.new("struct conversions_inner *", st)
H.eq(fromstruct.q, 12, "struct -> struct pointer")
H.raises("cannot convert 'const int *' to 'int *'", ffi.new, "int *", cip)
H.raises("cannot convert 'const void *' to 'int *'", ffi.new, "int *", cvp)
H.raises("cannot convert 'int *' to 'double *'", ffi.new, "double *", ip2)
H.raises("cannot convert", ffi.new, "double *", intarr)
H.raises("cannot convert", ffi.new, "struct conversions_all *", st)
s.vp = ip2
H.eq(addr(s.vp), addr(intarr), "assign int * to void * field")
s.ip = ivp
H.eq(s.ip[0], intarr[0], "assign void * to int * field")
s.ip = intarr
H.eq(addr(s.ip), addr(intarr), "assign array to pointer field")
s.ip = nil
H.eq(addr(s.ip), 0, "assign nil to pointer field")
H.raises("cannot convert", function() s.ip = cip end)
H.raises("cannot convert", function() s.ip = ffi.new("double[1]") end)

-- tonumber --------------------------------------------------------------------

H.eq(tonumber(ffi.new("int64_t", 5)), 5, "tonumber int64")
H.eq(tonumber(ffi.new("uint64_t", 2 ^ 53)), 2 ^ 53, "tonumber uint64 2^53")
H.eq(tonumber(ffi.new("int64_t", -2 ^ 62)), -2 ^ 62, "tonumber int64 -2^62")
H.eq(tonumber(ffi.cast("uint64_t", ffi.new("int64_t", -1))), 2 ^ 64, "tonumber uint64 max rounds to 2^64")
H.eq(tonumber(ffi.new("double", -1.25)), -1.25, "tonumber double")
H.eq(tonumber(ffi.new("float", 0.75)), 0.75, "tonumber float")
H.eq(tonumber(ffi.new("uint8_t", 200)), 200, "tonumber uint8_t")
H.eq(tonumber(ffi.new("bool", true)), 1, "tonumber bool")
H.eq(tonumber(ffi.new("enum conversions_e", "CONVERSIONS_C")), 6, "tonumber enum")
H.eq(tonumber(ffi.new("complex", 2, 3)), 2, "tonumber complex")
H.eq(tonumber(ffi.new("int *")), nil, "tonumber pointer is nil")
H.eq(tonumber(st), nil, "tonumber struct is nil")
H.eq(tonumber("10"), 10, "tonumber string still works")
H.eq(tonumber("ff", 16), 255, "tonumber with base still works")
H.eq(tonumber("x"), nil, "tonumber bad string")
H.eq(tonumber({}), nil, "tonumber table")
H.eq(tonumber(7), 7, "tonumber number")

-- Doubles to C integers of at most 32 bits (but uint32_t) go through int32_t, as in
-- LuaJIT on x64: out of range or NaN gives INT32_MIN, then the target's low bits.
H.eq(tonumber(ffi.new("int32_t", 3e9)), -2147483648, "3e9 to int32_t")
H.eq(tonumber(ffi.new("int32_t", -2^31 - 1)), -2147483648, "below INT_MIN")
H.eq(tonumber(ffi.new("int32_t", 2^31 - 0.5)), 2147483647, "just below 2^31")
H.eq(tonumber(ffi.new("int", 0/0)), -2147483648, "NaN to int")
H.eq(tonumber(ffi.cast("int", 2^32 + 5)), -2147483648, "cast of 2^32+5 to int")
H.eq(tonumber(ffi.new("int16_t", -1e10)), 0, "-1e10 to int16_t")
H.eq(tonumber(ffi.new("uint8_t", 2^31 + 300)), 0, "2^31+300 to uint8_t")
H.eq(tonumber(ffi.new("int8_t", 300.5)), 44, "300.5 to int8_t")
H.eq(tonumber(ffi.new("uint16_t", 70000.5)), 4464, "70000.5 to uint16_t")
H.eq(tonumber(ffi.new("uint32_t", 2^32 + 5)), 5, "uint32_t goes through 64 bits")
H.eq(tonumber(ffi.new("uint32_t", 3e9)), 3000000000, "3e9 to uint32_t")
H.eq(tonumber(ffi.new("uint32_t", 1e20)), 0, "1e20 to uint32_t")
H.eq(tonumber(ffi.new("int[1]", 3e9)[0]), -2147483648, "array initializer")
H.eq(tonumber(ffi.new("struct { int a : 8; }", { 3e9 }).a), 0, "bitfield")
do
  local s = ffi.new("struct { int a; int16_t b; uint32_t c; double d; }")
  s.a = 3e9
  H.eq(s.a, -2147483648, "field store of 3e9 to int")
  s.a = 2^31 - 1
  H.eq(s.a, 2147483647, "field store of INT_MAX")
  s.b = -1e10
  H.eq(s.b, 0, "field store of -1e10 to int16_t")
  s.c = 2^32 + 5
  H.eq(s.c, 5, "field store of 2^32+5 to uint32_t")
  -- Computed: Lua 5.1 merges the constants -0.0 and 0 of one function.
  local negative_zero = -1 / math.huge
  s.d = negative_zero
  H.eq(1 / s.d, -1 / 0, "field store keeps -0.0")
  local a = ffi.new("int[2]")
  a[1] = 3e9
  H.eq(a[1], -2147483648, "element store of 3e9 to int")
end

H.done()
