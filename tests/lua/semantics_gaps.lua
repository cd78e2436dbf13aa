-- LuaJIT semantics found by running other people's ffi code: aggregate copies, alignment,
-- ipairs/pairs over cdata, reference members, istype, anonymous members in initializers,
-- equality by address, strings into members without a length of their own, const and
-- volatile, complex to real, vectors, casts of userdata and strings. Every expectation
-- here is LuaJIT 2.1's (the script passes on luajit unchanged).
local H = require "harness"
local ffi = require "ffi"

local function addr(p) return tonumber(ffi.cast("uintptr_t", ffi.cast("void *", p))) end

ffi.cdef [[
struct sg_arr4 { int a[4]; };
struct sg_vls { int n; int t[?]; };
struct sg_big { char c __attribute__((aligned(8192))); };
struct sg_ref { double &d; int &i; };
struct sg_anon { int a; struct { int b, c; }; };
struct sg_anon_u { int a; union { int b; float f; }; int z; };
struct sg_anon_deep { int a; struct { int b; struct { int c, d; }; }; int e; };
struct sg_inner { int v; };
struct sg_outer { struct sg_inner inner, other; int x; int arr[2]; };
union sg_z { char z[0]; char b[4]; };
typedef struct { int v; const int w; } sg_hc_t;
struct sg_hcx { sg_hc_t p, q; int r; };
struct sg_deepconst { struct { struct { const int k; } in; } mid; };
struct sg_canon { const struct { int n; }; int m; };
struct sg_ptrs { int *p; const int *cp; volatile int *vp; void *v; int **pp; const int **cpp; };
typedef int sg_v2i __attribute__((vector_size(8)));
typedef short sg_v4s __attribute__((vector_size(8)));
typedef float sg_v4f __attribute__((vector_size(16)));
struct sg_vh { sg_v2i v; };
]]

-- Aggregate copies: only from the same type; the size comes from the type -----------------

local s = ffi.new("struct sg_arr4")
H.raises("cannot convert 'int [2]' to 'int [4]'", function() s.a = ffi.new("int[2]") end)
H.raises("cannot convert 'int [8]' to 'int [4]'", function() s.a = ffi.new("int[8]") end)
H.raises("cannot convert", function() ffi.new("struct sg_arr4", { a = ffi.new("int[2]") }) end)
s.a = ffi.new("int[4]", 1, 2, 3, 4)
H.eq(s.a[3], 4, "same-type array member copy")
H.raises("cannot convert 'int [?]' to 'int [?]'",
  function() ffi.new("int[?]", 3, ffi.new("int[?]", 3, { 1, 2, 3 })) end)
H.raises("cannot convert 'struct sg_vls' to 'struct sg_vls'",
  function() ffi.new("struct sg_vls", 3, ffi.new("struct sg_vls", 3)) end)
H.raises("cannot convert", function()
  local d = ffi.new("struct sg_arr4[1]"); d[0] = ffi.new("struct sg_inner")
end)

-- Over-aligned objects ---------------------------------------------------------------------

local misaligned = 0
for _ = 1, 10 do
  if addr(ffi.new("struct sg_big")) % 8192 ~= 0 then misaligned = misaligned + 1 end
end
H.eq(misaligned, 0, "ten aligned(8192) objects")
H.eq(addr(ffi.new("char __attribute__((aligned(4096)))[3]")) % 4096, 0, "aligned(4096) array")
H.eq(addr(ffi.new("struct { char c __attribute__((aligned(32768))); }")) % 32768, 0,
  "aligned(32768), the largest alignment")
H.eq(addr(ffi.new("struct { double d; char c __attribute__((aligned(64))); }[?]", 3)) % 64, 0,
  "aligned VLA")

-- ipairs / pairs over cdata ----------------------------------------------------------------

H.raises("'int [4]' has no '__ipairs' metamethod",
  function() for _ in ipairs(ffi.new("int[4]")) do end end)
H.raises("'int' has no '__ipairs' metamethod", function() ipairs(ffi.new("int *")) end)
H.raises("'struct sg_inner' has no '__ipairs' metamethod",
  function() ipairs(ffi.new("struct sg_inner")) end)
H.raises("'ctype' has no '__ipairs' metamethod", function() ipairs(ffi.typeof("int")) end)
H.raises("'int [2]' has no '__pairs' metamethod", function() pairs(ffi.new("int[2]")) end)
do
  local n = 0
  for _, v in ipairs({ 5, 6, 7 }) do n = n + v end
  H.eq(n, 18, "ipairs over a table still works")
  local k = 0
  for _ in pairs({ a = 1, b = 2 }) do k = k + 1 end
  H.eq(k, 2, "pairs over a table still works")
  ffi.cdef "struct sg_iter { int a, b; };"
  ffi.metatype("struct sg_iter", {
    __ipairs = function(o)
      return function(_, i) if i < 2 then return i + 1, (i == 0 and o.a or o.b) end end, o, 0
    end,
    __pairs = function(o)
      local keys = { "a", "b" }
      return function(_, i) i = (i or 0) + 1; if keys[i] then return i, o[keys[i]] end end, o, nil
    end,
  })
  local it = ffi.new("struct sg_iter", 3, 4)
  local sum = 0
  for _, v in ipairs(it) do sum = sum + v end
  H.eq(sum, 7, "a metatype's __ipairs")
  sum = 0
  for _, v in pairs(it) do sum = sum + v end
  H.eq(sum, 7, "a metatype's __pairs")
end

-- Reference members ------------------------------------------------------------------------

do
  local a = ffi.new("double[1]", 2.5)
  local i = ffi.new("int[1]", 7)
  local r = ffi.new("struct sg_ref", a, i)
  H.eq(r.d, 2.5, "double & member reads the referenced value")
  H.eq(r.i, 7, "int & member reads the referenced value")
  r.d = 4
  r.i = 9
  H.eq(a[0], 4, "a store through a double & member")
  H.eq(i[0], 9, "a store through an int & member")
  a[0] = -1.5
  H.eq(r.d, -1.5, "the member follows the referenced object")
  local r2 = ffi.new("struct sg_ref", { d = a, i = i })
  H.eq(r2.i, 9, "reference members from a table initializer")
  H.raises("cannot convert", function() ffi.new("struct sg_ref", ffi.new("int[1]"), i) end)
end

-- istype -----------------------------------------------------------------------------------

H.eq(ffi.istype("int", ffi.typeof("int")), true, "istype with a ctype object")
H.eq(ffi.istype("int", ffi.typeof("const int")), true, "istype ignores const of a ctype")
H.eq(ffi.istype(ffi.typeof("int"), ffi.typeof("int")), true, "istype of two ctypes")
H.eq(ffi.istype("double", ffi.typeof("int")), false, "istype of a different ctype")
H.eq(ffi.istype("int[2]", ffi.new("const int[2]")), true, "istype ignores array qualifiers")
H.eq(ffi.istype("const int[2]", ffi.new("int[2]")), true, "istype adds array qualifiers")
H.eq(ffi.istype("int[2]", ffi.new("volatile int[2]")), true, "istype ignores volatile")
H.eq(ffi.istype("int[3]", ffi.new("int[2]")), false, "istype: arrays of other lengths")
H.eq(ffi.istype("int[?]", ffi.new("int[2]")), false, "istype: a VLA type")
H.eq(ffi.istype("int[2]", ffi.new("int[?]", 2)), false, "istype: a VLA object")
H.eq(ffi.istype("int *", ffi.new("int[2]")), false, "istype: an array is no pointer")
H.eq(ffi.istype("uint32_t", ffi.new("int32_t")), false, "istype: signedness of scalars")
H.eq(ffi.istype("int *", ffi.new("unsigned int *")), true, "istype: signedness of pointees")

-- Anonymous members in initializers --------------------------------------------------------

H.eq(ffi.new("struct sg_anon", 1, 2, 3).c, 3, "flat list reaches an anonymous struct")
H.eq(ffi.new("struct sg_anon", { a = 1, c = 3 }).c, 3, "names reach an anonymous struct")
H.eq(ffi.new("struct sg_anon", { 1, 2, 3 }).b, 2, "positional table into an anonymous struct")
do
  local u = ffi.new("struct sg_anon_u", 1, 2, 3)
  H.eq(u.b, 2, "an anonymous union takes one initializer")
  H.eq(u.z, 3, "the member after an anonymous union")
  local f = ffi.new("struct sg_anon_u", { f = 1.5, z = 4 })
  H.eq(f.f, 1.5, "a union member by name")
  H.eq(f.z, 4, "and the next member by name")
  local d = ffi.new("struct sg_anon_deep", 1, 2, 3, 4, 5)
  H.eq(d.c + d.d * 10 + d.e * 100, 543, "two levels of anonymous structs")
  H.raises("too many initializers", function() ffi.new("struct sg_anon", 1, 2, 3, 4) end)
  H.raises("too many initializers", function() ffi.new("struct sg_anon_u", 1, 2, 3, 4) end)
end

-- Equality by address ----------------------------------------------------------------------

do
  local o = ffi.new("struct sg_outer")
  H.eq(o.inner == o.inner, true, "two references to one member are equal")
  H.eq(o.inner == o.other, false, "references to different members")
  H.eq(o == o, true, "an aggregate equals itself")
  H.eq(o == ffi.new("struct sg_outer", o), false, "a copy is another object")
  H.eq(o.inner == ffi.cast("void *", o), true, "a reference equals a pointer to its address")
  H.eq(o == ffi.cast("struct sg_outer *", o), true, "an aggregate equals a pointer to it")
  H.eq(ffi.cast("struct sg_outer *", o) == o, true, "and the other way round")
  H.eq(o.arr == o.arr, true, "an array member equals itself")
  local c = ffi.new("complex", 1, 2)
  H.eq(c == c, true, "a complex number equals itself")
  H.eq(c == ffi.new("complex", 1, 2), false, "complex numbers compare by address")
  H.raises("attempt to compare 'struct sg_inner' with 'struct sg_inner'",
    function() return o.inner < o.other end)
  H.raises("attempt to perform arithmetic on 'struct sg_inner' and 'number'",
    function() return o.inner + 1 end)
  H.raises("cannot convert 'struct sg_inner' to 'int'", function() ffi.new("int", o.inner) end)
end

-- Strings into members without a length of their own --------------------------------------

do
  local u = ffi.new("union sg_z")
  u.z = "ok"
  H.eq(u.b[0], 111, "string into char[0]: first byte")
  H.eq(u.b[1], 107, "string into char[0]: second byte")
  H.eq(u.b[2], 0, "string into char[0]: terminator")
  local v = ffi.new("struct { int n; char t[?]; }", 3)
  v.t = "ab"
  H.eq(v.t[0] * 1000 + v.t[1] * 10 + v.t[2], 97000 + 980, "string into a VLS member")
  local w = ffi.new("struct { int n; int t[?]; }", 2)
  w.t = { 5, 6 }
  H.eq(w.t[1], 6, "table into a VLS member")
  local a = ffi.new("char[4]", "abcdefgh")
  H.eq(a[3], 100, "a string is truncated to a fixed array")
end

-- const and volatile -----------------------------------------------------------------------

do
  local x = ffi.new("struct sg_hcx")
  H.raises("attempt to write to constant location", function() x.p = x.q end)
  H.raises("attempt to write to constant location",
    function() x.p = ffi.new("sg_hc_t", 1, 2) end)
  x.p.v = 5
  H.eq(x.p.v, 5, "a non-const member of such a struct stays writable")
  H.raises("attempt to write to constant location", function() x.p.w = 5 end)
  local a = ffi.new("sg_hc_t[2]")
  H.raises("attempt to write to constant location", function() a[0] = a[1] end)
  local d = ffi.new("struct sg_deepconst[2]")
  H.raises("attempt to write to constant location", function() d[0] = d[1] end)
  H.raises("attempt to write to constant location", function() d[0].mid = d[1].mid end)
  local c = ffi.new("struct sg_canon")
  H.raises("attempt to write to constant location", function() c.n = 1 end)
  c.m = 2
  H.eq(c.m, 2, "the member next to a const anonymous struct")
  H.eq(ffi.new("struct sg_canon", { n = 4 }).n, 4, "initializing it is allowed")
  local y = ffi.new("struct { const struct { int n; } s; }")
  H.raises("attempt to write to constant location", function() y.s.n = 1 end)
end

do
  local p = ffi.new("struct sg_ptrs")
  H.raises("cannot convert 'volatile int [1]' to 'int *'",
    function() p.p = ffi.new("volatile int[1]") end)
  H.raises("cannot convert 'volatile int *' to 'int *'",
    function() p.p = ffi.cast("volatile int *", 0) end)
  H.raises("cannot convert 'volatile int *' to 'const int *'",
    function() p.cp = ffi.cast("volatile int *", 0) end)
  H.raises("cannot convert 'const int *' to 'int *'", function() p.p = ffi.cast("const int *", 0) end)
  H.raises("cannot convert 'volatile void *' to 'int *'",
    function() p.p = ffi.cast("volatile void *", 0) end)
  H.raises("cannot convert 'const int *' to 'void *'",
    function() p.v = ffi.cast("const int *", 0) end)
  H.raises("cannot convert 'int *const *' to 'void *'",
    function() p.v = ffi.cast("int *const *", 0) end)
  H.raises("cannot convert 'int **' to 'const int **'",
    function() p.cpp = ffi.cast("int **", 0) end)
  H.raises("cannot convert 'int *volatile *' to 'int **'",
    function() p.pp = ffi.cast("int *volatile *", 0) end)
  H.raises("cannot convert 'void **' to 'int **'", function() p.pp = ffi.cast("void **", 0) end)
  H.raises("cannot convert 'const int (*)[2]' to 'void *'",
    function() p.v = ffi.cast("const int (*)[2]", 0) end)
  -- Allowed: the address arrives.
  local function stored(obj, field, v)
    obj[field] = v
    return addr(obj[field])
  end
  H.eq(stored(p, "vp", ffi.cast("int *", 0x1010)), 0x1010, "int * into volatile int *")
  H.eq(stored(p, "cp", ffi.cast("unsigned int *", 0x1020)), 0x1020, "unsigned int * into const int *")
  H.eq(stored(p, "v", ffi.cast("const int **", 0x1030)), 0x1030, "const int ** into void *")
  H.eq(stored(p, "pp", ffi.cast("void *", 0x1040)), 0x1040, "void * into int **")
  H.eq(stored(p, "cpp", ffi.cast("const int **", 0x1050)), 0x1050, "const int ** into itself")
  local q = ffi.new("struct { const int *const *a; int *const *b; }")
  H.eq(stored(q, "b", ffi.cast("int **", 0x1060)), 0x1060, "int ** into int *const *")
  H.eq(stored(q, "b", ffi.cast("const void *", 0x1070)), 0x1070, "const void * into int *const *")
  H.raises("cannot convert", function() q.a = ffi.cast("int **", 0) end)
  H.eq(stored(q, "a", ffi.cast("const int **", 0x1080)), 0x1080, "const int ** into const int *const *")
end

-- A struct converts to a pointer whatever its own qualifiers
do
  ffi.cdef "struct sg_cs1 { int a; }; struct sg_cs2 { int a; };"
  local x = ffi.new("struct { struct sg_cs1 *p; const struct sg_cs1 *cp; void *v; }")
  local c, v = ffi.new("const struct sg_cs1"), ffi.new("volatile struct sg_cs1")
  x.p = c
  H.eq(addr(x.p), addr(c), "a const struct into a pointer to the plain struct")
  x.cp = c
  H.eq(addr(x.cp), addr(c), "into a pointer to the const struct")
  x.p = v
  H.eq(addr(x.p), addr(v), "a volatile struct")
  x.v = c
  H.eq(addr(x.v), addr(c), "a const struct into void *")
  H.raises("cannot convert 'struct sg_cs1' to 'struct sg_cs2 *'",
    function() ffi.new("struct sg_cs2 *[1]")[0] = ffi.new("struct sg_cs1") end)
  H.raises("cannot convert 'struct sg_cs1' to 'int *'",
    function() ffi.new("int *[1]")[0] = ffi.new("struct sg_cs1") end)
end

-- The same rules for call arguments
do
  ffi.cdef [[
    double sqrt(double);
    int abs(int);
    void *memset(void *, int, size_t);
    size_t strlen(const char *);
  ]]
  H.eq(tonumber(ffi.C.sqrt(ffi.new("complex", 4, 1))), 2, "a complex argument for a double")
  H.eq(ffi.C.abs(ffi.new("complex", -4, 1)), 4, "a complex argument for an int")
  H.raises("cannot convert 'volatile char [4]' to 'void *'",
    function() ffi.C.memset(ffi.new("volatile char[4]"), 0, 4) end)
  H.raises("cannot convert 'volatile char [4]' to 'const char *'",
    function() ffi.C.strlen(ffi.new("volatile char[4]", "ab")) end)
  local cs = ffi.new("const struct { int a; }", 7)
  ffi.C.memset(cs, 0, 4)
  H.eq(cs.a, 0, "a const struct argument for void *")
  local fp = ffi.cast("double (*)(double)", ffi.C.sqrt)
  H.eq(tonumber(fp(ffi.new("complex", 9, 1))), 3, "through a function pointer")
  H.raises("cannot convert 'volatile char [4]' to 'void *'", function()
    ffi.cast("void *(*)(void *, int, size_t)", ffi.C.memset)(ffi.new("volatile char[4]"), 0, 4)
  end)
end

-- complex to real types --------------------------------------------------------------------

do
  local c = ffi.new("complex", 1.25, 3)
  local d = ffi.new("double[1]")
  d[0] = c
  H.eq(d[0], 1.25, "complex into double: the real part")
  local f = ffi.new("float[1]")
  f[0] = c
  H.eq(f[0], 1.25, "complex into float")
  local i = ffi.new("int[1]")
  i[0] = c
  H.eq(i[0], 1, "complex into int")
  local l = ffi.new("int64_t[1]")
  l[0] = c
  H.eq(tonumber(l[0]), 1, "complex into int64_t")
  H.eq(tonumber(ffi.new("double", c)), 1.25, "ffi.new(double, complex)")
  H.eq(tonumber(ffi.new("int", c)), 1, "ffi.new(int, complex)")
  d[0] = ffi.new("complex float", 2.5, 1)
  H.eq(d[0], 2.5, "complex float into double")
  H.raises("cannot convert 'complex' to 'bool'", function() ffi.new("bool[1]")[0] = c end)
  H.raises("cannot convert 'complex' to 'int *'", function() ffi.new("int *[1]")[0] = c end)
end

-- tostring of complex numbers: a NaN part prints without a sign ---------------------------

do
  local nan, inf = 0 / 0, 1 / 0
  -- A negative zero made at run time (Lua 5.1 folds the constant -0.0 into 0).
  local zero = 0.0
  local nzero = -zero
  local cases = {
    { -inf, nan, "-inf+nanI" }, { nan, nan, "nan+nanI" }, { nan, -nan, "nan+nanI" },
    { -nan, 1, "nan+1i" }, { 1, -nan, "1+nanI" }, { inf, -inf, "inf-infI" },
    { 0, nzero, "0-0i" }, { nzero, 0, "-0+0i" }, { 1.5, -2.25, "1.5-2.25i" },
  }
  for _, c in ipairs(cases) do
    H.eq(tostring(ffi.new("complex", c[1], c[2])), c[3], "tostring complex " .. c[3])
    H.eq(tostring(ffi.new("complex float", c[1], c[2])), c[3], "tostring complex float " .. c[3])
  end
end

-- Vectors ----------------------------------------------------------------------------------

do
  local v = ffi.new("sg_v2i[1]")
  v[0] = ffi.new("int", 5)
  H.eq(v[0][0] + v[0][1], 10, "an int cdata fills a vector")
  v[0] = ffi.new("double", 5.5)
  H.eq(v[0][1], 5, "a double cdata fills a vector")
  v[0] = 7
  H.eq(v[0][1], 7, "a number fills a vector")
  v[0] = ffi.new("int64_t", 6)
  H.eq(v[0][0], 6, "an int64_t fills a vector")
  v[0] = ffi.new("complex", 3, 9)
  H.eq(v[0][1], 3, "a complex number fills a vector with its real part")
  v[0] = ffi.new("sg_v4s", 1, 2, 3, 4)
  H.eq(v[0][0], 2 * 65536 + 1, "a vector of the same size converts bit for bit")
  H.raises("cannot convert 'float __attribute__((vector_size(16)))' to 'int __attribute__((vector_size(8)))'",
    function() v[0] = ffi.new("sg_v4f", 1, 2, 3, 4) end)
  H.raises("cannot convert 'bool' to 'int __attribute__((vector_size(8)))'",
    function() ffi.new("sg_v2i", true) end)
  local n = ffi.new("sg_v2i", ffi.new("int", 9))
  H.eq(n[0] + n[1], 18, "ffi.new of a vector from an int cdata")
  local s = ffi.new("struct sg_vh")
  s.v = ffi.new("int", 5)
  H.eq(s.v[1], 5, "a vector member from an int cdata")
end

-- Casts of userdata and strings ------------------------------------------------------------

do
  H.ok(tonumber(ffi.cast("uintptr_t", io.stderr)) ~= 0, "cast of a userdata to uintptr_t: its address")
  H.eq(ffi.cast("uintptr_t", io.stderr), ffi.cast("uintptr_t", ffi.cast("void *", io.stderr)),
    "the same address as through void *")
  H.eq(tonumber(ffi.cast("uint8_t", io.stderr)),
    tonumber(ffi.cast("uintptr_t", io.stderr) % 256), "cast of a userdata to uint8_t truncates")
  H.raises("cannot convert 'void *' to 'int64_t'", function() ffi.new("intptr_t", io.stderr) end)
  H.raises("cannot convert 'void *' to 'double'", function() ffi.cast("double", io.stderr) end)
  H.raises("cannot convert 'function' to 'uint64_t'", function() ffi.cast("uintptr_t", print) end)
  H.raises("cannot convert 'table' to 'uint64_t'", function() ffi.cast("uintptr_t", {}) end)
  local str = "abc"
  H.eq(ffi.cast("uintptr_t", str), ffi.cast("uintptr_t", ffi.cast("const char *", str)),
    "cast of a string to an integer: its address")
  H.eq(ffi.cast("const int *", "\1\0\0\0")[0], 1, "cast of a string to any pointer")
  H.raises("cannot convert 'string' to 'const int *'", function() ffi.new("const int *", "abc") end)
  H.eq(ffi.string(ffi.new("struct { char a, b; }", 72, 73), 2), "HI", "ffi.string of a struct")
  H.eq(ffi.string(ffi.new("short[2]", 0x4948, 0x2121), 4), "HI!!", "ffi.string of a short array")
end

-- 32-bit pointers (`__ptr32`, or a 4-byte mode on a pointer) --------------------------------

do
  local function ts(t) return tostring(ffi.typeof(t)) end
  for _, t in ipairs { "int __ptr32 *", "int *__ptr32", "int * __attribute__((mode(SI)))",
    "int __attribute__((mode(SI))) *" } do
    H.eq(ffi.sizeof(t), 4, "sizeof " .. t)
    H.eq(ts(t), "ctype<int *__ptr32>", "typeof " .. t)
  end
  H.eq(ffi.alignof("int *__ptr32"), 4, "alignof int *__ptr32")
  H.eq(ffi.sizeof("int *__ptr32 *"), 8, "a pointer to a 32-bit pointer")
  H.eq(ffi.sizeof("int **__ptr32"), 4, "a 32-bit pointer to a pointer")
  H.eq(ts("int *const __ptr32"), "ctype<int *__ptr32 const>", "const 32-bit pointer")
  H.eq(ts("void (*__ptr32)(void)"), "ctype<void (*__ptr32)()>", "32-bit function pointer")
  H.eq(ts("int (*__ptr32)[4]"), "ctype<int (*__ptr32)[4]>", "32-bit pointer to an array")
  H.eq(ffi.sizeof("int *__ptr64"), 8, "__ptr64 leaves a plain pointer")
  H.eq(ts("char __ptr32 * __ptr64"), "ctype<char *>", "the mode after the * wins")
  local layout = "struct { char c; int *__ptr32 p; char d; }"
  H.eq(ffi.sizeof(layout), 12, "a 32-bit pointer member's size")
  H.eq(ffi.offsetof(layout, "d"), 8, "and the member after it")
  local function a(p) return tonumber(ffi.cast("uintptr_t", ffi.cast("void *", p))) end
  H.eq(a(ffi.cast("int *__ptr32", 0x1234567890)), 0x34567890, "a cast keeps the low 32 bits")
  H.eq(a(ffi.new("int *__ptr32", ffi.cast("int *", 0x12345678))), 0x12345678, "ffi.new")
  H.eq(a(ffi.new("int *__ptr32")), 0, "a new one is NULL")
  local s = ffi.new("struct { int *__ptr32 p; int q; }")
  s.p = ffi.cast("int *", 0x1234567890)
  s.q = 7
  H.eq(a(s.p), 0x34567890, "a member store keeps the low 32 bits")
  H.eq(s.q, 7, "and writes only its 4 bytes")
  H.eq(ts(ffi.typeof(s.p)), "ctype<int *__ptr32>", "a member reads back as a 32-bit pointer")
  local arr = ffi.new("int *__ptr32[2]")
  arr[0] = ffi.cast("void *", 0xdeadbeef)
  H.eq(a(arr[0]) + a(arr[1]), 0xdeadbeef, "array elements")
  H.eq(ffi.sizeof(arr), 8, "an array of two")
  local p = ffi.cast("int *__ptr32", 0x1000)
  H.eq(a(p + 1), 0x1004, "pointer arithmetic")
  H.eq(ts(ffi.typeof(p + 1)), "ctype<int *>", "gives an ordinary pointer")
  H.eq(p == ffi.cast("int *", 0x1000), true, "compares with ordinary pointers")
  local q = ffi.new("int *[1]")
  q[0] = p
  H.eq(a(q[0]), 0x1000, "converts to an ordinary pointer")
  H.eq(tonumber(ffi.cast("uint32_t", p)), 0x1000, "casts to an integer")
  H.raises("cannot convert 'double *' to 'int *__ptr32'", function() s.p = ffi.new("double *") end)
  H.eq(ffi.istype("int *__ptr32", p), true, "istype of its own type")
  H.eq(ffi.istype("int *", p), false, "an ordinary pointer is another type")
  local t = ffi.new("struct { int *__ptr32 a, *__ptr32 b; }", ffi.cast("int *", 0x10), ffi.cast("int *", 0x20))
  H.eq(a(t.a) + a(t.b), 0x30, "initializers")
end

-- Reference members take an address's 8 bytes; values convert to references as to pointers

do
  local a = ffi.new("int[1]", 7)
  local s = ffi.new("struct { int &d; int e; }", a, 5)
  H.eq(ffi.sizeof(s), 16, "a struct with a reference member")
  H.eq(ffi.offsetof(ffi.typeof(s), "e"), 8, "the member after a reference")
  H.eq(s.d + s.e, 12, "both members read back")
  H.eq(ffi.offsetof("struct { char &d; char e; }", "e"), 8, "char & takes 8 bytes")
  H.eq(ffi.sizeof("struct { struct { char a[100]; } &d; char e; }"), 16,
    "a reference to a large struct takes 8 bytes")
  H.eq(ffi.sizeof("union { struct { char a[20]; } &r; }"), 8, "a union of a reference")
  local c = ffi.new("char[1]", 65)
  local p = ffi.new("struct __attribute__((packed)) { char &d; }", c)
  H.eq(ffi.sizeof(p), 8, "a packed struct of a reference")
  H.eq(p.d, 65, "reads through it")
  H.eq(ffi.offsetof("struct __attribute__((packed)) { char c; int &d; }", "d"), 1,
    "a packed reference member is not aligned")
  H.eq(ffi.sizeof("int &"), 4, "sizeof of a reference type is the referenced type's")
  H.eq(ffi.new("struct { int &d; }", ffi.cast("int *", a)).d, 7, "a pointer converts to a reference")
  H.raises("cannot convert 'int' to 'int &'", function() ffi.new("struct { int &d; }", ffi.new("int", 7)) end)
  H.raises("cannot convert 'const int [1]' to 'int &'",
    function() ffi.new("struct { int &d; }", ffi.new("const int[1]")) end)
  H.eq(ffi.new("struct { const int &d; }", ffi.new("int[1]", 3)).d, 3, "const may be added")
  local arr = ffi.new("struct { int &d; }[1]", { { a } })
  H.raises("attempt to write to constant location", function() arr[0] = { a } end)
  ffi.cdef "struct sg_rs { int v; };"
  local o = ffi.new("struct sg_rs", 4)
  local r = ffi.new("struct { struct sg_rs &r; }", o)
  r.r.v = 9
  H.eq(o.v, 9, "a struct reference member writes through")
  H.eq(ffi.new("struct { struct sg_rs &r; }", ffi.cast("struct sg_rs *", o)).r.v, 9,
    "a struct pointer converts to a struct reference")
end

-- Array copies compare element qualifiers; istype below the first level too
do
  local s = ffi.new("struct { int a[4]; int b[2][2]; }")
  H.raises("cannot convert 'const int [4]' to 'int [4]'", function() s.a = ffi.new("const int[4]") end)
  H.raises("cannot convert 'const int [2][2]' to 'int [2][2]'",
    function() s.b = ffi.new("const int[2][2]") end)
  H.raises("cannot convert 'volatile int [2]' to 'int [2]'",
    function() s.b[0] = ffi.new("volatile int[2]") end)
  H.raises("cannot convert 'const int [2]' to 'int [2]'",
    function() ffi.new("struct { int a[2]; }", { ffi.new("const int[2]") }) end)
  H.raises("cannot convert 'int [4]' to 'const int'",
    function() ffi.new("const int[4]", ffi.new("int[4]")) end)
  s.a = ffi.new("unsigned int[4]", 1, 2, 3, 4)
  H.eq(s.a[3], 4, "signedness of elements does not matter")
  ffi.cdef "enum sg_ae { SG_AE1 };"
  s.a = ffi.new("enum sg_ae[4]")
  H.eq(s.a[3], 0, "an enum array copies into an int array")
  ffi.cdef "struct sg_cq { int v; };"
  local x = ffi.new("struct sg_cq[1]")
  x[0] = ffi.new("const struct sg_cq", 3)
  H.eq(x[0].v, 3, "a const struct copies into a plain one")
  H.eq(ffi.istype("int[2][2]", ffi.new("const int[2][2]")), false, "istype: qualifiers one level down")
  H.eq(ffi.istype("int(*)[2]", ffi.new("const int(*)[2]")), false, "istype: pointee elements")
  H.eq(ffi.istype("struct sg_cq &", ffi.new("struct sg_cq")), true, "istype of a reference type")
  H.eq(ffi.istype("int[2]", ffi.new("const int[2][2]")[0]), true, "istype of a reference to an array")
  H.eq(ffi.istype("void *", ffi.new("int *")), false, "istype: no void wildcard")
end

-- Unions and [0] members in initializers
do
  H.eq(ffi.new("union { struct { int a; }; int b; }", { b = 5 }).b, 5, "a union member by name after an anonymous one")
  H.eq(ffi.new("union { struct { int a; }; struct { int b; }; }", { b = 5 }).b, 5, "in a second anonymous member")
  H.eq(ffi.new("struct { int x; union { struct { int a; }; int b; }; }", { b = 5, x = 1 }).b, 5, "nested")
  H.eq(ffi.new("union { struct { int a; }; int b; }", { a = 3, b = 5 }).a, 5, "both names: the later member wins")
  H.eq(ffi.new("union { struct { int a; }; int b; }", { 7, 8 }).a, 8, "a positional table goes on too")
  H.eq(ffi.new("union { struct { int a; }; int b; }", 7).a, 7, "one value")
  H.raises("too many initializers", function() ffi.new("union { struct { int a; }; int b; }", 7, 8) end)
  H.eq(ffi.new("union { int b; struct { int a; }; }", { a = 3, b = 5 }).a, 5, "a named member first ends it")
  local z = ffi.new("union { char z[0]; char b[4]; }", "ok")
  H.eq(z.b[1], 107, "a string initializer for a [0] member")
  H.eq(ffi.new("union { char z[0]; char b[4]; }", { "ok" }).b[0], 111, "in a table")
  H.eq(ffi.new("union { char z[0]; char b[4]; }", { z = "ok" }).b[1], 107, "by name")
  H.raises("too many initializers for 'int [0]'",
    function() ffi.new("union { int z[0]; int b[2]; }", { { 1, 2 } }) end)
end

-- Other conversions and names
do
  H.raises("cannot convert 'string' to 'bool [3]'", function() ffi.new("bool[3]", "ab") end)
  H.raises("cannot convert 'number' to 'long double'", function() ffi.new("long double", 1) end)
  H.raises("cannot convert 'number' to 'long double'", function() ffi.cast("long double", 1) end)
  H.raises("cannot convert 'long double' to 'double'", function() return ffi.new("long double[2]")[0] end)
  ffi.cdef "struct sg_q { int v; }; struct sg_r { int v; };"
  H.raises("cannot convert 'struct sg_q' to 'struct sg_r'",
    function() ffi.new("struct sg_r[1]")[0] = ffi.new("const struct sg_q") end)
  H.raises("cannot convert 'struct sg_q' to 'struct sg_r *'",
    function() ffi.new("struct sg_r *[1]")[0] = ffi.new("const struct sg_q") end)
  H.eq(tostring(ffi.typeof("int *__ptr32 *")), "ctype<int *__ptr32 *>", "a pointer to a 32-bit pointer")
  H.eq(tostring(ffi.typeof("int *__ptr32 [2]")), "ctype<int *__ptr32 [2]>", "an array of them")
  for i, text in ipairs {
    "static const int SG_K1 = 1;\nstatic const int SG_K1 = 1;",
    "static const int SG_K2 = 1;\nstatic const int SG_K2 = 2;",
    "enum { SG_K3 = 1 };\nstatic const int SG_K3 = 2;",
    "typedef int SG_K4;\nstatic const int SG_K4 = 2;",
    "int SG_K5;\nstatic const int SG_K5 = 2;",
  } do
    H.raises("';' expected near '=' at line 2", ffi.cdef, text)
  end
end

-- Reference members to types without a size; long double copies; names in messages
do
  ffi.cdef "struct sg_self { struct sg_self &me; int x; }; struct sg_fwd; struct sg_hf { struct sg_fwd &r; int y; };"
  H.eq(ffi.sizeof("struct sg_self"), 16, "a reference to the struct being defined")
  H.eq(ffi.sizeof("struct sg_hf"), 16, "a reference to an incomplete struct")
  H.eq(ffi.sizeof("struct { int (&f)(int); }"), 8, "a reference to a function")
  H.eq(ffi.sizeof("struct { int (&v)[]; }"), 8, "a reference to an unsized array")
  local me = ffi.new("struct sg_self")
  local t = ffi.new("struct sg_self", me, 5)
  H.eq(t.x, 5, "a self-referencing struct initializes")
  local x = ffi.new("long double")
  H.eq(pcall(ffi.new, "long double", x), true, "a long double copies into a long double")
  H.eq(pcall(ffi.cast, "long double", x), true, "and casts to one")
  H.eq(pcall(function() ffi.new("long double[2]", x, x)[1] = x end), true, "and into elements")
  H.eq(pcall(ffi.new, "struct { long double v; }", { x }), true, "and initializes a member")
  H.raises("cannot convert 'long double' to 'double'", function() return tonumber(x) end)
  H.raises("cannot convert 'long double' to 'double'", function() return ffi.new("double", x) end)
  H.raises("cannot convert 'double' to 'long double'", function() return ffi.new("long double", ffi.new("double", 1)) end)
  ffi.cdef "struct sg_qq { int a; };"
  H.raises("'struct sg_qq' has no member named 'zz'", function() return ffi.new("const struct sg_qq").zz end)
  H.raises("'struct sg_qq' cannot be indexed with 'number'", function() return ffi.new("const struct sg_qq")[1] end)
  H.raises("attempt to write to constant location", function() ffi.new("const struct sg_qq").zz = 1 end)
  H.raises("attempt to write to constant location",
    function() ffi.cast("const struct sg_qq *", ffi.new("struct sg_qq")).zz = 1 end)
  H.raises("'struct sg_qq' has no member named 'zz'", function() ffi.new("struct sg_qq").zz = 1 end)
  H.raises("'struct sg_qq' is not callable", function() ffi.new("struct sg_qq *")() end)
  H.raises("'int' is not callable", function() ffi.new("int *")() end)
  H.raises("'struct sg_qq' is not callable", function() ffi.new("struct { struct sg_qq q; }").q() end)
  H.raises("'const struct sg_qq' is not callable", function() ffi.new("const struct sg_qq")() end)
end

-- Argument checks in LuaJIT's order
H.raises("bad argument #2", function() ffi.metatype("int", 1) end)
H.raises("invalid C type", function() ffi.metatype("int", {}) end)

H.done()
