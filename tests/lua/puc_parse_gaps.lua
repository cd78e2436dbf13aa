-- Parser behaviour that deliberately differs from LuaJIT 2.1 (not run on luajit).
local H = require "harness"
local ffi = require "ffi"

-- A mode() the parser does not know is an error (LuaJIT ignores it: the type keeps its
-- size, silently wrong for the C library).
local function mode(t, m) return t .. " __attribute__((mode(" .. m .. ")))" end
for _, m in ipairs { "XI", "SC", "DC", "V4", "V4XI", "Q", "SIX", "__XI__", "V128QI", "foo" } do
  H.raises("invalid value near '" .. m .. "'", ffi.typeof, mode("int", m))
end
H.raises("invalid value near 'XF' at line 2", ffi.cdef, "\ntypedef int pg_x __attribute__((mode(XF)));")
-- gcc's byte, word and pointer modes are known (LuaJIT ignores them).
H.eq(ffi.sizeof(mode("int", "byte")), 1, "mode(byte)")
H.eq(ffi.sizeof(mode("int", "__word__")), 8, "mode(__word__)")
H.eq(ffi.sizeof(mode("int", "pointer")), 8, "mode(pointer)")

-- Deep nesting is an error, not a stack overflow (LuaJIT accepts these on its C stack
-- or fails differently).
H.raises("chunk has too many syntax levels", ffi.cdef,
  "static const int pg_z = 1" .. string.rep(" ? 1 : 1", 100000) .. ";")
H.raises("chunk has too many syntax levels", ffi.typeof, string.rep("__typeof__(", 100000))
H.raises("chunk has too many syntax levels", ffi.cdef,
  string.rep("struct { ", 100000) .. "int a;")
H.raises("chunk has too many syntax levels", ffi.typeof,
  "int[" .. string.rep("sizeof(int[", 100000) .. "]")
H.raises("chunk has too many syntax levels", ffi.typeof,
  "int __attribute__((aligned(" .. string.rep("(", 100000) .. "1))))")
H.raises("chunk has too many syntax levels", ffi.typeof, string.rep("_Atomic(", 100000))
H.raises("chunk has too many syntax levels at line 2", ffi.cdef,
  "\nenum { pg_e = " .. string.rep("-", 100000) .. "1 };")
-- __typeof__ of an expression names its type (LuaJIT 2.1 has no __typeof__).
ffi.cdef "struct pg_s { short a; int b[3]; } pg_obj; extern double pg_d;"
H.eq(tostring(ffi.typeof("__typeof__(pg_obj.a)")), "ctype<short>", "typeof a member")
H.eq(tostring(ffi.typeof("__typeof__(pg_obj.b)")), "ctype<int [3]>", "typeof an array member")
H.eq(tostring(ffi.typeof("__typeof__(&pg_d)")), "ctype<double *>", "typeof &extern")
H.eq(tostring(ffi.typeof("__typeof__(pg_obj)")), "ctype<struct pg_s>", "typeof an object")

-- Where a value is needed, a non-constant is an error (LuaJIT computes one from its
-- internal ids: 0 for a field, the type's id for an extern).
H.raises("invalid value", ffi.typeof, "int[pg_obj.a]")
H.raises("invalid value", ffi.typeof, "int[pg_d]")
H.raises("invalid value", ffi.typeof, "int[pg_obj.a + 1]")
H.raises("invalid value", ffi.cdef, "enum { pg_e2 = pg_obj.a };")
H.raises("invalid value", ffi.cdef, "static const int pg_k = pg_obj.a;")
H.raises("invalid value", ffi.cdef, "struct pg_bf { int x : pg_obj.a; };")
H.eq(ffi.sizeof("int[sizeof(pg_obj.a + 1)]"), 16, "sizeof a non-constant sum: int")

-- Constants beyond 32 bits (LuaJIT: malformed number) read back as numbers too.
ffi.cdef "enum pg_big { PG_BIG = 0x100000000, PG_BIG2 };"
H.eq(ffi.C.PG_BIG, 4294967296, "64-bit enum constant")
H.eq(ffi.C.PG_BIG2, 4294967297, "and the next")
H.eq(type(ffi.C.PG_BIG), "number", "a number")
H.eq(ffi.sizeof("enum pg_big"), 8, "gcc's 64-bit enum")
ffi.cdef "enum pg_mix { PG_M1 = -1, PG_M2 = 0x80000000 };"
H.eq(ffi.C.PG_M2, 2147483648, "mixed enum constant keeps its value")
H.eq(ffi.sizeof("enum pg_mix"), 8, "gcc's size for int and unsigned constants (LuaJIT: 4)")

H.done()
