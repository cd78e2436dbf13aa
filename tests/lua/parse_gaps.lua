-- Declaration-parser gaps found against LuaJIT 2.1: member access and other
-- non-constant operands in constant expressions, `$` enum names, mode(), attributes
-- after abstract declarators and after `(`, backslash-newline, cdef text of real
-- bindings, ' at line N' on errors, enum constants read as numbers.
-- Every expectation here is LuaJIT's result.
local H = require "harness"
local ffi = require "ffi"

local function ts(t) return tostring(ffi.typeof(t)) end

------------------------------------------------------------------------------
-- Member access and objects in constant expressions
------------------------------------------------------------------------------
ffi.cdef "struct hk { static const int W = 6; } hk_obj;"
H.eq(ffi.sizeof("int[hk_obj.W]"), 24, "static const member through an object")
H.eq(ffi.sizeof("int[hk_obj.W + 1]"), 28, "member in arithmetic")
H.eq(ffi.sizeof("int[(hk_obj).W]"), 24, "member of a parenthesised object")
ffi.cdef [[
struct hk2 { static const int W = 3; struct { static const int Q = 2; } in; } hk2_obj;
struct hk3 { int a; int *p; int arr[4]; struct { int z; } s; short sh; } hk3_obj;
extern double hkv;
int hkf(int);
]]
H.eq(ffi.sizeof("int[hk2_obj.W]"), 12, "member of another struct")
H.eq(ffi.sizeof("int[hk2_obj.in.Q]"), 8, "member of a member")
H.eq(ffi.sizeof("int[sizeof(hk3_obj)]"), 4 * ffi.sizeof("struct hk3"), "sizeof an object")
H.eq(ffi.sizeof("int[sizeof hk3_obj]"), 4 * ffi.sizeof("struct hk3"), "sizeof an object, no parens")
H.eq(ffi.sizeof("int[sizeof(hk3_obj.a)]"), 16, "sizeof a field")
H.eq(ffi.sizeof("int[sizeof(hk3_obj.sh)]"), 8, "sizeof a short field")
H.eq(ffi.sizeof("int[sizeof(*hk3_obj.p)]"), 16, "sizeof *pointer field")
H.eq(ffi.sizeof("int[sizeof(hk3_obj.p[1])]"), 16, "sizeof pointer field indexed")
H.eq(ffi.sizeof("int[sizeof(hk3_obj.arr[1])]"), 16, "sizeof array element")
H.eq(ffi.sizeof("int[sizeof(1[hk3_obj.arr])]"), 16, "sizeof index[array]")
H.eq(ffi.sizeof("int[sizeof(hk3_obj.arr)]"), 64, "sizeof array field")
H.eq(ffi.sizeof("int[sizeof(hk3_obj.s)]"), 16, "sizeof struct field")
H.eq(ffi.sizeof("int[sizeof((&hk3_obj)->s)]"), 16, "-> through &object")
H.eq(ffi.sizeof("int[sizeof(&hkv)]"), 32, "sizeof &extern")
H.eq(ffi.sizeof("int[sizeof(hkv)]"), 32, "sizeof extern double")
H.eq(ffi.sizeof("int[sizeof(hk3_obj.s.z)]"), 16, "sizeof member of member field")
H.eq(ffi.sizeof("int[sizeof \"abc\"]"), 16, "sizeof a string")
H.eq(ffi.sizeof("int[sizeof(\"ab\" \"cd\")]"), 20, "sizeof concatenated strings")
H.eq(ffi.sizeof("int[-- 3]"), 12, "-- is two minus signs")
H.raises("has no member named 'X'", ffi.sizeof, "int[hk_obj.X]")
H.raises("'struct hk2' cannot be indexed", ffi.sizeof, "int[hk2_obj->W]")
H.raises("'struct hk' cannot be indexed", ffi.sizeof, "int[*hk_obj]")
H.raises("'int' cannot be indexed", ffi.sizeof, "int[2[3]]")
H.raises("'int' has no member named 'W'", ffi.sizeof, "int[5 .W]")
H.raises("invalid value", ffi.sizeof, "int[hk_obj]")
H.raises("invalid value", ffi.sizeof, "int[&hk_obj]")
H.raises("invalid value", ffi.sizeof, "int[\"abc\"]")
H.raises("size of C type is unknown or too large", ffi.sizeof, "int[sizeof(hkf)]")
ffi.cdef "struct hk4 { static const int K = 2; int v[hk_obj.W]; } hk4_obj;"
H.eq(ffi.sizeof("struct hk4"), 24, "member constant as a field's array size")
H.eq(ffi.new("struct hk4").K, 2, "static const member read back")

------------------------------------------------------------------------------
-- String literals as static const initialisers: their size
------------------------------------------------------------------------------
ffi.cdef [[static const int HD3 = "hello";]]
H.eq(ffi.C.HD3, 6, "string literal initialiser gives its size")
ffi.cdef [[static const char HD3b = "hello" " world";]]
H.eq(ffi.C.HD3b, 12, "concatenated literals")
ffi.cdef [[static const int HD3e = ("abc");]]
H.eq(ffi.C.HD3e, 4, "parenthesised literal")
ffi.cdef [[static const int HD3c = sizeof("abc") + 1;]]
H.eq(ffi.C.HD3c, 5, "sizeof a literal in an initialiser")
ffi.cdef [[struct hd3s { static const int K = "abc"; };]]
H.eq(ffi.new("struct hd3s").K, 4, "string literal as a member constant")

------------------------------------------------------------------------------
-- $ as an enum constant's name and value
------------------------------------------------------------------------------
ffi.cdef("enum { $ = $ };", "HD_VAL", 17)
H.eq(ffi.C.HD_VAL, 17, "$ name and $ value")
ffi.cdef("enum hde { $, $ = $, $ };", "HD_A", "HD_B", 5, "HD_C")
H.eq(ffi.C.HD_A, 0, "$ name, first")
H.eq(ffi.C.HD_B, 5, "$ name = $ value")
H.eq(ffi.C.HD_C, 6, "$ name after")
H.raises("'<identifier>' expected near '$'", ffi.cdef, "enum { $ };", 5)

------------------------------------------------------------------------------
-- Enum constants: Lua numbers with their C value
------------------------------------------------------------------------------
ffi.cdef "enum hd9 { HD9 = 0x90000000 };"
H.eq(ffi.C.HD9, 2415919104, "unsigned enum constant")
H.eq(type(ffi.C.HD9), "number", "enum constant is a number")
H.eq(ffi.sizeof("enum hd9"), 4, "enum of unsigned int constants is 4 bytes")
H.eq(tonumber(ffi.new("enum hd9", "HD9")), 2415919104, "enum value read back")
H.eq(ffi.sizeof("int[HD9 / 0x10000000]"), 36, "unsigned enum constant in an expression")
ffi.cdef "enum hd10 { HD10A = -2, HD10B = 0xfffffffe };"
H.eq(ffi.C.HD10A, -2, "negative constant of a mixed enum")
H.eq(type(ffi.C.HD10A), "number", "plain number")
H.eq(ffi.C.HD10B, 4294967294, "unsigned constant of a mixed enum")
H.eq(tonumber(ffi.new("enum hd10", "HD10A")), -2, "negative value read back")
ffi.cdef "enum hd12 { HD12 = 0x7fffffff, HD12B };"
H.eq(ffi.C.HD12B, 2147483648, "counting past INT_MAX")
H.eq(tonumber(ffi.new("enum hd12", "HD12B")), 2147483648, "unsigned enum value")
ffi.cdef "enum hd14 { HD14 = 0xffffffff, HD14B };"
H.eq(ffi.C.HD14, 4294967295, "UINT_MAX constant")
H.eq(ffi.C.HD14B, 0, "counting past UINT_MAX wraps")
ffi.cdef "enum hd16 { HD16 = -0x80000000 };"
H.eq(ffi.C.HD16, 2147483648, "-0x80000000 is unsigned")
ffi.cdef "enum hd19 { HD19 = 4294967295u };"
H.eq(ffi.C.HD19, 4294967295, "4294967295u")
ffi.cdef "enum hd18 { HD18 = 0x80000000 - 1, HD18B };"
H.eq(ffi.C.HD18, 2147483647, "unsigned arithmetic")
H.eq(ffi.C.HD18B, 2147483648, "and the next one")
ffi.cdef "enum hd13 { HD13 = -1, HD13B = 0x80000000 };"
H.eq(ffi.C.HD13, -1, "signed enum's -1")
H.eq(ffi.C.HD13B, 2147483648, "signed enum's unsigned constant keeps its value")
H.ok(ffi.C.HD9 == 0x90000000, "compares equal to the literal")

------------------------------------------------------------------------------
-- mode()
------------------------------------------------------------------------------
local function mode(t, m) return t .. " __attribute__((mode(" .. m .. ")))" end
H.eq(ffi.sizeof(mode("int", "OI")), 32, "mode(OI)")
H.eq(ffi.alignof(mode("int", "OI")), 16, "mode(OI) alignment")
H.eq(ts(mode("int", "OI")), "ctype<int256_t>", "mode(OI) type")
H.eq(ts(mode("unsigned", "OI")), "ctype<uint256_t>", "unsigned mode(OI)")
H.eq(ffi.sizeof(mode("int", "TI")), 16, "mode(TI)")
H.eq(ffi.sizeof(mode("int", "OF")), 32, "mode(OF) on an integer")
for m, t in pairs { QI = "char", HI = "short", SI = "int", DI = "int64_t",
                    QF = "char", SF = "int", DF = "int64_t", __SI__ = "int" } do
  H.eq(ts(mode("int", m)), "ctype<" .. t .. ">", "int mode(" .. m .. ")")
  H.eq(ts(mode("char", m)), "ctype<" .. t .. ">", "char mode(" .. m .. ")")
end
H.eq(ts(mode("unsigned", "QI")), "ctype<unsigned char>", "unsigned mode(QI)")
H.eq(ts(mode("unsigned", "DI")), "ctype<uint64_t>", "unsigned mode(DI)")
H.eq(ts(mode("double", "SF")), "ctype<float>", "double mode(SF)")
H.eq(ts(mode("double", "SI")), "ctype<float>", "double mode(SI)")
H.eq(ts(mode("float", "DF")), "ctype<double>", "float mode(DF)")
H.eq(ts(mode("float", "TF")), "ctype<float>", "float mode(TF) leaves it")
H.eq(ts(mode("double", "QI")), "ctype<double>", "double mode(QI) leaves it")
H.eq(ts(mode("bool", "DI")), "ctype<bool>", "bool is left alone")
H.eq(ts(mode("int *", "QI")), "ctype<int *>", "a pointer is left alone")
H.eq(ts(mode("int", "QI") .. " *"), "ctype<int *>", "mode before * is the pointer's")
H.eq(ts(mode("int", "V4SI")), "ctype<int __attribute__((vector_size(16)))>", "V4SI")
H.eq(ts(mode("float", "V4SF")), "ctype<float __attribute__((vector_size(16)))>", "V4SF")
H.eq(ts(mode("int", "V4SF")), "ctype<int __attribute__((vector_size(16)))>", "int V4SF")
H.eq(ts(mode("int", "V2DI")), "ctype<int64_t __attribute__((vector_size(16)))>", "V2DI")
H.eq(ts(mode("char", "V16QI")), "ctype<char __attribute__((vector_size(16)))>", "V16QI")
H.eq(ts(mode("int", "V3SI")), "ctype<int __attribute__((vector_size(8)))>", "V3SI rounds down")
H.eq(ts(mode("int", "V0SI")), "ctype<int>", "V0SI is a scalar")
H.eq(ts(mode("int", "__V4SI__")), "ctype<int __attribute__((vector_size(16)))>", "__V4SI__")
H.eq(ffi.sizeof(mode("int", "V4DF")), 32, "V4DF")
ffi.cdef("typedef int hdm_t __attribute__((mode(OI)));")
H.eq(ffi.sizeof("hdm_t"), 32, "typedef mode(OI)")
ffi.cdef("struct hdm2 { int a __attribute__((mode(QI))); int b __attribute__((mode(OI))); };")
H.eq(ffi.sizeof("struct hdm2"), 48, "mode(OI) member size")
H.eq(ffi.offsetof("struct hdm2", "b"), 16, "mode(OI) member offset")
H.eq(ffi.sizeof(ffi.new(mode("int", "OI"))), 32, "ffi.new of mode(OI)")
H.eq(ts("int __attribute__((mode(QI), vector_size(4)))"),
  "ctype<char __attribute__((vector_size(4)))>", "mode then vector_size")
H.eq(ts("int __attribute__((vector_size(16), mode(QI)))"),
  "ctype<char __attribute__((vector_size(16)))>", "vector_size then mode")

------------------------------------------------------------------------------
-- __ptr32 / __ptr64 on numbers: sizes like mode
------------------------------------------------------------------------------
H.eq(ts("int __ptr64"), "ctype<int64_t>", "int __ptr64")
H.eq(ffi.sizeof("int __ptr64"), 8, "sizeof int __ptr64")
H.eq(ts("char __ptr32"), "ctype<int>", "char __ptr32")
H.eq(ts("double __ptr32"), "ctype<float>", "double __ptr32")
H.eq(ts("int __ptr32"), "ctype<int>", "int __ptr32")
H.eq(ts("int *__ptr64"), "ctype<int *>", "int *__ptr64")
H.eq(ffi.sizeof("int *__ptr64"), 8, "sizeof int *__ptr64")

------------------------------------------------------------------------------
-- Attributes after an abstract declarator
------------------------------------------------------------------------------
H.eq(ffi.alignof("short [5] __attribute__((aligned(8)))"), 8, "aligned after [5]")
H.eq(ffi.sizeof("short [5] __attribute__((aligned(8)))"), 10, "size unchanged")
H.eq(ffi.alignof("short * __attribute__((aligned(16)))"), 16, "aligned after *")
H.eq(ffi.alignof("short [2][3] __attribute__((aligned(16)))"), 16, "aligned after [2][3]")
H.eq(ffi.alignof("short __attribute__((aligned(16))) [2]"), 16, "aligned before [2]")
H.eq(ts("int __attribute__((vector_size(8)))[1]"),
  "ctype<int __attribute__((vector_size(8))) [1]>", "array of vectors")
H.eq(ffi.sizeof("int __attribute__((vector_size(8)))[1]"), 8, "array of vectors, size")
H.eq(ffi.new("int __attribute__((vector_size(8)))[1]")[0][1], 0, "array of vectors, element")

------------------------------------------------------------------------------
-- Backslash-newline
------------------------------------------------------------------------------
H.eq(ffi.sizeof("long \\\nlong"), 8, "backslash-newline between names")
H.eq(ffi.sizeof("lo\\\nng"), 8, "backslash-newline inside a name")
H.eq(ffi.sizeof("long \\\r\nlong"), 8, "backslash-CRLF")
H.eq(ffi.sizeof("long \\\n\rlong"), 8, "backslash-LFCR")
H.eq(ffi.sizeof("int\\\n"), 4, "backslash-newline at the end")
H.raises("'<eof>' expected near '\\'", ffi.sizeof, "long \\ long")
ffi.cdef("static const int HD5 = sizeof(\"ab\\\ncd\");")
H.eq(ffi.C.HD5, 5, "backslash-newline inside a string")
ffi.cdef("/*\\\n*/ static const int HD5c = 2;")
H.eq(ffi.C.HD5c, 2, "backslash-newline in a comment")
ffi.cdef("// comment \\\n static const int HD5b = 1;")
H.raises("missing declaration for symbol 'HD5b'", function() return ffi.C.HD5b end)
ffi.cdef("static const int HD5d = 1\\\n2;")
H.eq(ffi.C.HD5d, 12, "backslash-newline inside a number")
ffi.cdef("static const int HD5e = '\\\na';")
H.eq(ffi.C.HD5e, 97, "backslash-newline inside a character literal")
H.raises("'<identifier>' expected near '@' at line 4", ffi.cdef, "\n\\\n\\\nint @;")
H.raises("'<identifier>' expected near '@' at line 4", ffi.cdef, "\n\\\r\n\\\r\nint @;")
H.raises("';' expected near 'y' at line 4", ffi.cdef, "struct hd5 { int a; };\\\n\n struct hd5 x;\n int y y;")

------------------------------------------------------------------------------
-- cdef text of real bindings
------------------------------------------------------------------------------
ffi.cdef("struct hd1 { int a; }")
H.eq(ffi.sizeof("struct hd1"), 4, "tag definition without ';' at the end")
ffi.cdef("struct hd1b { int a; } __attribute__((packed))")
H.eq(ffi.sizeof("struct hd1b"), 4, "with an attribute, without ';'")
ffi.cdef("enum hd1e { HD1E = 3 }")
H.eq(ffi.C.HD1E, 3, "enum without ';'")
H.raises("';' expected near '<eof>'", ffi.cdef, "struct hd1c { int a; }; struct hd1d { int a; }")
ffi.cdef("typedef int (__attribute__((cdecl)) *hd2_fn)(int);")
H.eq(ts("hd2_fn"), "ctype<int (*)()>", "attribute after (")
ffi.cdef("typedef int (__cdecl *hd2b_fn)(int);")
H.eq(ts("hd2b_fn"), "ctype<int (*)()>", "__cdecl after (")
ffi.cdef("typedef int (__stdcall *hd2c_fn)(int);")
H.eq(ts("hd2c_fn"), "ctype<int (*)()>", "__stdcall after (")
ffi.cdef("typedef int (__declspec(dllimport) *hd2d_fn)(int);")
H.eq(ts("hd2d_fn"), "ctype<int (*)()>", "__declspec after (")
H.eq(ts("int (__cdecl *)(int)"), "ctype<int (*)()>", "abstract, __cdecl after (")
H.eq(ffi.alignof("int (__attribute__((aligned(16))) *)"), 16, "aligned after (")
H.eq(ts("int (__extension__ *)"), "ctype<int *>", "__extension__ after (")

------------------------------------------------------------------------------
-- Errors say where: ' at line N' on every cdef error past line 1
------------------------------------------------------------------------------
H.raises("attempt to redefine 'r8' at line 2", ffi.cdef, "struct r8 { int a; };\nstruct r8 { int b; };")
H.raises("attempt to redefine 'R8A' at line 2", ffi.cdef, "enum { R8A };\nenum { R8A };")
H.raises("attempt to redefine 'r8b' at line 2", ffi.cdef, "struct r8b;\nunion r8b;")
H.raises("attempt to redefine 'r8c' at line 3", ffi.cdef, "\n\nstruct r8c { struct r8c { int a; } x; };")
H.raises("wrong number of type parameters at line 2", ffi.cdef, "\nint x[$];")
H.raises("wrong number of type parameters at line 2", ffi.cdef, "\nint x[$];", 1, 2)
H.raises("size of C type is unknown or too large at line 2", ffi.cdef, "\nint x[0x80000000];")
H.raises("undeclared or implicit tag 'r8g' at line 2", ffi.typeof, "\nstruct r8g")
H.raises("size of C type is unknown or too large at line 2", ffi.typeof, "\nint[sizeof(void)]")
H.raises("invalid value at line 2", ffi.cdef, "\nstatic const int S8 = 1/0;")
H.raises("invalid C type at line 2", ffi.cdef, "\nstatic const float S8 = 1;")
H.raises("invalid value near ':' at line 2", ffi.cdef, "\nstruct s88 { int a : 40; };")
H.raises("wrong number of type parameters at line 2", ffi.cdef, "\nstruct s89 { int a; } __attribute__((aligned($)));")
H.raises("unexpected symbol near 'foo' at line 2", ffi.cdef, "\n#foo")
local ok, e = pcall(ffi.cdef, "struct hd1 { int b; };")
H.ok(not ok and not string.find(e, "at line", 1, true), "no line on line 1: " .. tostring(e))

------------------------------------------------------------------------------
-- Nesting LuaJIT accepts
------------------------------------------------------------------------------
H.eq(ffi.sizeof("int[" .. string.rep("(", 15) .. "1" .. string.rep(")", 15) .. "]"), 4, "15 parentheses")
H.eq(ts("int (" .. string.rep("(", 15) .. "*" .. string.rep(")", 15) .. ")"), "ctype<int *>", "15 nested declarators")
ffi.cdef("typedef " .. string.rep("struct {", 30) .. "int a;" .. string.rep("} a;", 29) .. "} hdnest_t;")
H.eq(ffi.sizeof("hdnest_t"), 4, "30 nested structs")
ffi.cdef("static const int HDZ = 1" .. string.rep(" ? 1 : 1", 30) .. ";")
H.eq(ffi.C.HDZ, 1, "a chain of 30 conditionals")

-- The text ends at a NUL byte, as in LuaJIT
ffi.cdef("int pg_nul_var;\0 this is not C")
H.eq(tostring(ffi.typeof("int\0garbage")), "ctype<int>", "a type string ends at NUL")
H.eq(ffi.sizeof("int\0[10]"), 4, "and what follows the NUL is not read")

H.done()
