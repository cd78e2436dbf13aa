-- ffi.new and ctype constructors: scalar, array, struct, union, VLA/VLS,
-- copy constructors, string and table initializers.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
struct new_init_foo { int a, b; };
union new_init_bar { int i; double d; };
struct new_init_nested { int x; struct new_init_foo y; };
struct new_init_arr { int n; int a[3]; };
struct new_init_vls { int n; int data[?]; };
struct new_init_mixed { char c; double d; const char *s; int *p; bool flag; };
struct new_init_named { char name[8]; uint8_t raw[4]; };
union new_init_u2 { uint8_t b[4]; uint32_t w; };
typedef struct { short lo, hi; } new_init_pair;
typedef int new_init_int3[3];
]]

local function arr(cd, n)
  local t = {}
  for i = 0, n - 1 do t[#t + 1] = cd[i] end
  return table.concat(t, ",")
end

-- Scalars ---------------------------------------------------------------

H.eq(tonumber(ffi.new("int")), 0, "int zero-filled")
H.eq(tonumber(ffi.new("int", 42)), 42, "int 42")
H.eq(tonumber(ffi.new("int", -7)), -7, "int -7")
H.eq(tonumber(ffi.new("double", 2.5)), 2.5, "double 2.5")
H.eq(tonumber(ffi.new("double")), 0, "double zero-filled")
H.eq(tonumber(ffi.new("float", 0.5)), 0.5, "float 0.5")
H.eq(tonumber(ffi.new("uint16_t", 65535)), 65535, "uint16_t max")
H.eq(tonumber(ffi.new("const int", 9)), 9, "const int initialised")
H.eq(tonumber(ffi.new("int", 3.9)), 3, "int from 3.9 truncates")
H.eq(tonumber(ffi.new("int", true)), 1, "int from true")
H.eq(tonumber(ffi.new("int64_t", 123456)), 123456, "int64_t 123456")
H.eq(tostring(ffi.typeof(ffi.new("int", 1))), "ctype<int>", "typeof new int")
H.eq(tostring(ffi.typeof(ffi.new("uint8_t", 1))), "ctype<unsigned char>", "typeof new uint8_t")
H.ok(ffi.istype("int", ffi.new("int", 1)), "new int is an int cdata")
H.raises("too many initializers", ffi.new, "int", 1, 2)
H.raises("cannot convert 'string' to 'int'", ffi.new, "int", "x")
H.raises("cannot convert", ffi.new, "double", {})

-- Pointers as scalars
local np = ffi.new("int *")
H.eq(tonumber(ffi.cast("intptr_t", np)), 0, "new int* is NULL")
local np2 = ffi.new("int *", nil)
H.eq(tonumber(ffi.cast("intptr_t", np2)), 0, "new int* from nil is NULL")
local backing = ffi.new("int[3]", 10, 20, 30)
local pp = ffi.new("int *", backing)
H.eq(pp[0], 10, "pointer from array [0]")
H.eq(pp[2], 30, "pointer from array [2]")
pp[1] = 21
H.eq(backing[1], 21, "write through pointer-from-array")

-- Arrays: flat list, single repeated value -------------------------------

H.eq(arr(ffi.new("int[3]"), 3), "0,0,0", "int[3] zero")
H.eq(arr(ffi.new("int[3]", 1, 2, 3), 3), "1,2,3", "int[3] flat 1,2,3")
H.eq(arr(ffi.new("int[4]", 1, 2), 4), "1,2,0,0", "int[4] flat 1,2 zero rest")
H.eq(arr(ffi.new("int[4]", 7), 4), "7,7,7,7", "int[4] single repeated")
H.eq(arr(ffi.new("double[3]", 0.5), 3), "0.5,0.5,0.5", "double[3] single repeated")
H.eq(arr(ffi.new("uint8_t[3]", 256 + 5, 2), 3), "5,2,0", "uint8_t[3] elements narrowed")
H.raises("too many initializers", ffi.new, "int[2]", 1, 2, 3)
H.raises("too many initializers for 'int [2]'", ffi.new, "int[2]", 1, 2, 3)
H.raises("cannot convert", ffi.new, "int[3]", "ab")
H.eq(ffi.sizeof(ffi.new("int[5]")), 20, "sizeof int[5] cdata")

-- Arrays: table initializers (examples from the semantics doc)
H.eq(arr(ffi.new("int[3]", {}), 3), "0,0,0", "int[3] {}")
H.eq(arr(ffi.new("int[3]", {1}), 3), "1,1,1", "int[3] {1}")
H.eq(arr(ffi.new("int[3]", {1, 2}), 3), "1,2,0", "int[3] {1,2}")
H.eq(arr(ffi.new("int[3]", {1, 2, 3}), 3), "1,2,3", "int[3] {1,2,3}")
H.eq(arr(ffi.new("int[3]", {[0] = 1}), 3), "1,1,1", "int[3] {[0]=1}")
H.eq(arr(ffi.new("int[3]", {[0] = 1, 2}), 3), "1,2,0", "int[3] {[0]=1,2}")
H.eq(arr(ffi.new("int[3]", {[0] = 1, 2, 3}), 3), "1,2,3", "int[3] {[0]=1,2,3}")
H.raises("too many initializers", ffi.new, "int[3]", {[0] = 1, 2, 3, 4})
H.raises("too many initializers", ffi.new, "int[2]", {1, 2, 3})
H.eq(arr(ffi.new("int[4]", {1, 2, nil, 4}), 4), "1,2,0,0", "table init stops at first nil")
H.eq(arr(ffi.new("int[3]", {1, 2, x = 9}), 3), "1,2,0", "unrelated table keys ignored")
H.raises("cannot convert", ffi.new, "int[3]", {{1}})

-- Multi-dimensional arrays
local m = ffi.new("int[2][3]", {{1, 2, 3}, {4, 5, 6}})
H.eq(m[0][0], 1, "int[2][3] [0][0]")
H.eq(m[1][2], 6, "int[2][3] [1][2]")
H.eq(ffi.sizeof(m), 24, "sizeof int[2][3]")
local m2 = ffi.new("int[2][2]", {{9}})
H.eq(m2[0][1], 9, "inner single value repeated")
H.eq(m2[1][1], 9, "outer single element repeated")
local m3 = ffi.new("int[2][2]", {1, 2}, {3, 4})
H.eq(m3[1][0], 3, "int[2][2] flat list of tables")

-- Typedef'd array
local t3 = ffi.new("new_init_int3", 4, 5, 6)
H.eq(arr(t3, 3), "4,5,6", "typedef int[3]")

-- Structs by position -----------------------------------------------------

local f = ffi.new("struct new_init_foo")
H.eq(f.a, 0, "struct zero a")
H.eq(f.b, 0, "struct zero b")
f = ffi.new("struct new_init_foo", 1)
H.eq(f.a, 1, "struct flat 1: a")
H.eq(f.b, 0, "struct flat 1: b zero")
f = ffi.new("struct new_init_foo", 1, 2)
H.eq(f.a + f.b * 10, 21, "struct flat 1,2")
H.raises("too many initializers", ffi.new, "struct new_init_foo", 1, 2, 3)
H.raises("too many initializers for 'struct new_init_foo'", ffi.new, "struct new_init_foo", 1, 2, 3)
H.raises("cannot convert", ffi.new, "struct new_init_foo", "a")

-- Structs by table (semantics doc examples)
f = ffi.new("struct new_init_foo", {})
H.eq(f.a + f.b, 0, "struct {}")
f = ffi.new("struct new_init_foo", {1})
H.ok(f.a == 1 and f.b == 0, "struct {1}")
f = ffi.new("struct new_init_foo", {1, 2})
H.ok(f.a == 1 and f.b == 2, "struct {1,2}")
f = ffi.new("struct new_init_foo", {[0] = 1, 2})
H.ok(f.a == 1 and f.b == 2, "struct {[0]=1,2}")
f = ffi.new("struct new_init_foo", {b = 2})
H.ok(f.a == 0 and f.b == 2, "struct {b=2}")
f = ffi.new("struct new_init_foo", {a = 1, b = 2, c = 3})
H.ok(f.a == 1 and f.b == 2, "struct {a=1,b=2,c=3}: c ignored")
f = ffi.new("struct new_init_foo", {1, 2, 3})
H.ok(f.a == 1 and f.b == 2, "struct table excess ignored")
f = ffi.new("struct new_init_foo", {1, nil, 3})
H.ok(f.a == 1 and f.b == 0, "struct table stops at nil")
f = ffi.new("struct new_init_foo", {1, b = 5})
H.ok(f.a == 1 and f.b == 0, "positional wins over names")
H.raises("cannot convert 'string' to 'int'", ffi.new, "struct new_init_foo", {a = "x"})

-- Struct with mixed field types
local buf = ffi.new("int[1]", 77)
local mx = ffi.new("struct new_init_mixed", 65, 1.25, nil, buf, true)
H.eq(mx.c, 65, "mixed.c")
H.eq(mx.d, 1.25, "mixed.d")
H.eq(tonumber(ffi.cast("intptr_t", mx.s)), 0, "mixed.s NULL")
H.eq(mx.p[0], 77, "mixed.p points to buf")
H.eq(mx.flag, true, "mixed.flag true")
local mx2 = ffi.new("struct new_init_mixed", {flag = false, d = -3})
H.eq(mx2.flag, false, "mixed2.flag false")
H.eq(mx2.d, -3, "mixed2.d")
H.eq(mx2.c, 0, "mixed2.c zero")

-- Char-array fields from strings
local nm = ffi.new("struct new_init_named", "abc", "xy")
H.eq(ffi.string(nm.name), "abc", "char[8] field from string")
H.eq(ffi.string(nm.raw), "xy", "uint8_t[4] field from string")
H.eq(nm.raw[2], 0, "uint8_t[4] field terminator")
local nm2 = ffi.new("struct new_init_named", {name = "hi"})
H.eq(ffi.string(nm2.name), "hi", "char[8] field from named string")

-- Nested aggregates -------------------------------------------------------

local n1 = ffi.new("struct new_init_nested", {1, {2, 3}})
H.ok(n1.x == 1 and n1.y.a == 2 and n1.y.b == 3, "nested {1,{2,3}}")
local n2 = ffi.new("struct new_init_nested", {x = 1, y = {2, 3}})
H.ok(n2.x == 1 and n2.y.a == 2 and n2.y.b == 3, "nested {x=1,y={2,3}}")
local n3 = ffi.new("struct new_init_nested", 4, {5, 6})
H.ok(n3.x == 4 and n3.y.a == 5 and n3.y.b == 6, "nested flat 4,{5,6}")
local n4 = ffi.new("struct new_init_nested", 7, ffi.new("struct new_init_foo", 8, 9))
H.ok(n4.x == 7 and n4.y.a == 8 and n4.y.b == 9, "nested with compatible aggregate")
local n5 = ffi.new("struct new_init_nested", {y = {b = 4}})
H.ok(n5.x == 0 and n5.y.a == 0 and n5.y.b == 4, "nested by name, inner by name")
local n6 = ffi.new("struct new_init_nested", 1)
H.ok(n6.x == 1 and n6.y.a == 0 and n6.y.b == 0, "nested partial flat")
H.raises("cannot convert", ffi.new, "struct new_init_nested", 1, 2)

local sa = ffi.new("struct new_init_arr", 1, {4, 5, 6})
H.eq(sa.n, 1, "struct with array: n")
H.eq(arr(sa.a, 3), "4,5,6", "struct with array: a")
local sa2 = ffi.new("struct new_init_arr", {n = 2, a = {8}})
H.eq(arr(sa2.a, 3), "8,8,8", "array field single table element repeated")
H.raises("cannot convert", ffi.new, "struct new_init_arr", 1, 4)

local fa = ffi.new("struct new_init_foo[2]", {{1, 2}, {3, 4}})
H.eq(fa[0].a + fa[0].b + fa[1].a + fa[1].b, 10, "array of structs sum")
H.eq(fa[1].a, 3, "array of structs [1].a")
local fa2 = ffi.new("struct new_init_foo[3]", {{a = 5}})
H.ok(fa2[0].a == 5 and fa2[2].a == 5 and fa2[2].b == 0, "array of structs single repeated")
local fa3 = ffi.new("new_init_pair[2]", {lo = 1, hi = 2}, {3, 4})
H.ok(fa3[0].hi == 2 and fa3[1].lo == 3, "array of typedef struct, flat list")

-- Unions -----------------------------------------------------------------

local u = ffi.new("union new_init_bar")
H.eq(u.i, 0, "union zero i")
H.eq(u.d, 0, "union zero d")
u = ffi.new("union new_init_bar", {1})
H.eq(u.i, 1, "union {1}: i")
u = ffi.new("union new_init_bar", {[0] = 1, 2})
H.eq(u.i, 1, "union {[0]=1,2}: i, 2 ignored")
u = ffi.new("union new_init_bar", {d = 2})
H.eq(u.d, 2, "union {d=2}")
u = ffi.new("union new_init_bar", 5)
H.eq(u.i, 5, "union flat initialises first field")
H.raises("too many initializers", ffi.new, "union new_init_bar", 1, 2)
u = ffi.new("union new_init_bar", {})
H.eq(u.d, 0, "union {} zero")
local u2 = ffi.new("union new_init_u2", {b = {1, 2, 3, 4}})
H.eq(u2.b[3], 4, "union array member by name")
H.raises("cannot convert", ffi.new, "union new_init_u2", 0x11)
local u3 = ffi.new("union new_init_u2", {{0x11, 0x22}})
H.eq(u3.b[1], 0x22, "union table: first (array) field")

-- VLA ----------------------------------------------------------------------

local v = ffi.new("int[?]", 5)
H.eq(ffi.sizeof(v), 20, "sizeof int[?] 5")
H.eq(arr(v, 5), "0,0,0,0,0", "VLA zero-filled")
H.eq(tostring(ffi.typeof(v)), "ctype<int [?]>", "typeof VLA")
v = ffi.new("int[?]", 3, 7)
H.eq(arr(v, 3), "7,7,7", "VLA single value repeated")
v = ffi.new("int[?]", 4, 1, 2)
H.eq(arr(v, 4), "1,2,0,0", "VLA flat list zero-fills")
v = ffi.new("int[?]", 3, {5, 6})
H.eq(v[0] * 10 + v[1], 56, "VLA from table, given elements")
v = ffi.new("int[?]", 3, {[0] = 8, 9, 10})
H.eq(arr(v, 3), "8,9,10", "VLA zero-based table")
v = ffi.new("double[?]", 2.9)
H.eq(ffi.sizeof(v), 16, "VLA nelem 2.9 truncated to 2")
v = ffi.new("int[?]", 0)
H.eq(ffi.sizeof(v), 0, "VLA of 0 elements")
H.raises("too many initializers", ffi.new, "int[?]", 3, 1, 2, 3, 4)
H.raises("size of C type is unknown or too large", ffi.new, "int[?]", -1)
H.raises("(value expected)", ffi.new, "int[?]")
H.eq(ffi.sizeof("int[?]", 5), 20, "ffi.sizeof('int[?]', 5)")
H.eq(ffi.sizeof("double[?]", 3), 24, "ffi.sizeof('double[?]', 3)")
local cv = ffi.new("char[?]", 6, "hello")
H.eq(ffi.string(cv), "hello", "char VLA from string")
H.eq(cv[5], 0, "char VLA string terminator")
H.eq(ffi.sizeof(cv), 6, "sizeof char VLA")

-- VLS ----------------------------------------------------------------------

local s = ffi.new("struct new_init_vls", 4)
H.eq(ffi.sizeof(s), 20, "sizeof VLS with 4")
H.eq(s.n, 0, "VLS n zero")
H.eq(arr(s.data, 4), "0,0,0,0", "VLS data zero")
s.data[3] = 33
H.eq(s.data[3], 33, "VLS data writable")
s = ffi.new("struct new_init_vls", 3, 3)
H.eq(s.n, 3, "VLS flat n")
H.eq(arr(s.data, 3), "0,0,0", "VLS flat: data zero-filled")
s = ffi.new("struct new_init_vls", 2, {n = 2, data = {5, 6}})
H.eq(s.n, 2, "VLS table n")
H.eq(s.data[0] + s.data[1], 11, "VLS table data")
H.eq(ffi.sizeof("struct new_init_vls", 5), 24, "ffi.sizeof VLS 5")
H.eq(tostring(ffi.typeof(s)), "ctype<struct new_init_vls>", "typeof VLS")
H.raises("(value expected)", ffi.new, "struct new_init_vls")

-- Copy constructor -------------------------------------------------------

local src = ffi.new("struct new_init_foo", 11, 12)
local cp = ffi.new("struct new_init_foo", src)
H.ok(cp.a == 11 and cp.b == 12, "struct copy constructor")
cp.a = 99
H.eq(src.a, 11, "copy is independent")
local asrc = ffi.new("int[3]", 1, 2, 3)
local acp = ffi.new("int[3]", asrc)
H.eq(arr(acp, 3), "1,2,3", "array copy constructor")
acp[0] = 100
H.eq(asrc[0], 1, "array copy independent")
local ucp = ffi.new("union new_init_bar", ffi.new("union new_init_bar", {d = 1.5}))
H.eq(ucp.d, 1.5, "union copy constructor")
local ncp = ffi.new("struct new_init_nested", n1)
H.ok(ncp.x == 1 and ncp.y.b == 3, "nested copy constructor")
H.eq(tonumber(ffi.new("int", ffi.new("int", 31))), 31, "scalar from same-typed cdata")
H.eq(tonumber(ffi.new("double", ffi.new("int", 31))), 31, "scalar from other cdata number")
H.raises("cannot convert", ffi.new, "int[3]", ffi.new("int[2]"))
H.raises("cannot convert", ffi.new, "struct new_init_foo", ffi.new("union new_init_bar"))

-- Byte arrays from strings ------------------------------------------------

local b = ffi.new("char[6]", "hello")
H.eq(ffi.string(b), "hello", "char[6] from string")
H.eq(b[5], 0, "char[6] terminator")
b = ffi.new("uint8_t[4]", "abc")
H.eq(b[0], 97, "uint8_t[4] [0]")
H.eq(b[3], 0, "uint8_t[4] terminator")
b = ffi.new("int8_t[3]", "xyz!")
H.eq(ffi.string(b, 3), "xyz", "fixed array copy stops early")
b = ffi.new("char[2]", "abc")
H.eq(b[1], 98, "char[2] from longer string")
b = ffi.new("char[8]", "a\0b")
H.eq(ffi.string(b, 3), "a\0b", "string with embedded zero copied")
H.raises("cannot convert", ffi.new, "double[4]", "abc")

-- Complex ------------------------------------------------------------------

local c = ffi.new("complex", 1, 2)
H.eq(c.re, 1, "complex re")
H.eq(c.im, 2, "complex im")
H.eq(tostring(c), "1+2i", "tostring complex")
c = ffi.new("complex", 3)
H.ok(c.re == 3 and c.im == 0, "complex from one number")
c = ffi.new("complex double", {1.5, -2})
H.ok(c.re == 1.5 and c.im == -2, "complex from table")
H.eq(tostring(c), "1.5-2i", "tostring complex negative imag")
c = ffi.new("complex float", 0.25, 4)
H.ok(c.re == 0.25 and c.im == 4, "complex float")
H.eq(ffi.sizeof(c), 8, "sizeof complex float")
c = ffi.new("complex", ffi.new("complex", 5, 6))
H.ok(c.re == 5 and c.im == 6, "complex copy")
H.eq(c[0] + c[1], 11, "complex indexing [0] [1]")
H.eq(tonumber(ffi.new("complex", 1.5, -2)), 1.5, "tonumber(complex) is real part")
H.raises("too many initializers", ffi.new, "complex", 1, 2, 3)
c = ffi.new("complex")
H.ok(c.re == 0 and c.im == 0, "complex zero")

-- ctype constructors -------------------------------------------------------

local Foo = ffi.typeof("struct new_init_foo")
local x = Foo(3, 4)
H.ok(x.a == 3 and x.b == 4, "T(3,4)")
x = Foo({b = 8})
H.ok(x.a == 0 and x.b == 8, "T{b=8}")
x = Foo()
H.ok(x.a == 0 and x.b == 0, "T()")
H.eq(tostring(ffi.typeof(x)), "ctype<struct new_init_foo>", "typeof T()")
H.ok(ffi.istype(Foo, x), "istype(T, T())")
x = ffi.new(Foo, 5, 6)
H.ok(x.a == 5 and x.b == 6, "ffi.new(ctype, ...)")
x = Foo(x)
H.ok(x.a == 5 and x.b == 6, "T(copy)")
H.raises("too many initializers", Foo, 1, 2, 3)
local IntVLA = ffi.typeof("int[?]")
local iv = IntVLA(4, {1, 2, 3, 4})
H.eq(arr(iv, 4), "1,2,3,4", "VLA ctype constructor")
H.eq(ffi.sizeof(iv), 16, "sizeof VLA from ctype constructor")
local Int = ffi.typeof("int")
H.eq(tonumber(Int(12)), 12, "int ctype constructor")
H.eq(tonumber(Int()), 0, "int ctype constructor zero")
local Arr3 = ffi.typeof("double[3]")
H.eq(arr(Arr3(1.5), 3), "1.5,1.5,1.5", "array ctype constructor repeated")
local Pair = ffi.typeof("new_init_pair")
local pr = Pair{hi = -1}
H.ok(pr.lo == 0 and pr.hi == -1, "typedef struct ctype constructor")
local Vls = ffi.typeof("struct new_init_vls")
local vs = Vls(3, {n = 3})
H.eq(vs.n, 3, "VLS ctype constructor n")
H.eq(ffi.sizeof(vs), 16, "VLS ctype constructor size")
local Cx = ffi.typeof("complex")
local cx = Cx(2, -1)
H.ok(cx.re == 2 and cx.im == -1, "complex ctype constructor")

-- typeof with a template argument
local Tpl = ffi.typeof("$[2]", ffi.typeof("struct new_init_foo"))
local tp = Tpl({1, 2}, {3, 4})
H.eq(tp[1].b, 4, "parameterized type constructor")

-- Aggregates convert whole only between identical types of a fixed size (LuaJIT's rules):
-- never a copy of the wrong size.
do
  ffi.cdef "struct new_init_vla2 { int n; int a[?]; };"
  local v = ffi.new("struct new_init_vla2", 1)
  H.raises("cannot convert 'int [1000]' to 'int [?]'", function() v.a = ffi.new("int[1000]") end)
  H.raises("cannot convert 'int [2]' to 'int [100]'", ffi.new, "struct { int a[100]; }",
    { ffi.new("int[2]") })
  H.eq(ffi.new("int[3]", ffi.new("int[3]", { 1, 2, 3 }))[2], 3, "same array type copies")
  ffi.cdef "struct new_init_vls2 { double d; char c; char a[?]; };"
  local T = ffi.typeof("struct new_init_vls2")
  -- A variable-length struct is its whole fixed size (padding included) then the elements.
  H.eq(ffi.sizeof(T, 0), 16, "VLS with no elements")
  H.eq(ffi.sizeof(T, 3), 19, "VLS with three elements")
  H.eq(ffi.sizeof(T(5)), 21, "VLS object")
  H.eq(ffi.offsetof(T, "a"), 9, "the elements' offset")
  H.raises("cannot convert 'struct", ffi.new, T, 0, T(0))
  local s = "abc"
  local b = ffi.new("char[?]", #s + 1, s)
  H.eq(ffi.string(b), "abc", "a string into a VLA with room for its NUL")
end

-- A complex number initializes as an array of its two parts: each converts as a double
-- would, one table element fills both, a third is too many.
H.eq(tostring(ffi.new("complex", { 1 })), "1+1i", "one element fills both parts")
H.eq(tostring(ffi.new("complex", ffi.new("int64_t", 3), 4)), "3+4i", "parts from cdata")
H.eq(tostring(ffi.new("complex", { ffi.new("int64_t", 3), 4 })), "3+4i", "table parts from cdata")
H.raises("cannot convert 'string' to 'double'", ffi.new, "complex", "2", 1)
H.raises("too many initializers for 'complex'", ffi.new, "complex", { 1, 2, 3 })
H.raises("too many initializers for 'complex'", ffi.new, "complex", 1, 2, 3)
H.eq(tostring(ffi.new("complex[2]", { { 1, 2 }, { 3 } })[1]), "3+3i", "nested complex table")

H.done()
