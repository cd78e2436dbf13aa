-- Misuse of the ffi module: every error must carry LuaJIT's wording. Messages are
-- matched as plain substrings, without the "file:line:" prefix and, for bad
-- arguments, only on the stable part inside the parentheses.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
struct errors_s { int a; const int c; int arr[2]; struct errors_s *next; };
union errors_u { int i; float f; };
typedef struct errors_inc errors_inc_t;
enum errors_E { ERRORS_A, ERRORS_B };
static const int ERRORS_K = 3;
int abs(int);
size_t strlen(const char *);
int errors_declared_but_missing(int);
]]

local unpack = unpack or table.unpack
local function cdef(s) return function() ffi.cdef(s) end end
local function typeof(s, ...)
  local args = { n = select("#", ...), ... }
  return function() return ffi.typeof(s, unpack(args, 1, args.n)) end
end
local S = ffi.typeof("struct errors_s")

------------------------------------------------------------------------------
-- Malformed declarations in ffi.cdef
------------------------------------------------------------------------------
H.raises("';' expected near 'y'", cdef "int errors_x y;")
H.raises("';' expected near 'int'", cdef "struct errors_c1 { int a int b; };")
H.raises("';' expected near '='", cdef "int errors_init = 3;")
H.raises("';' expected near '@'", cdef "int errors_x2 @;")
H.raises("';' expected near ':'", cdef "int errors_bf : 3;")
H.raises("declaration specifier expected near 'foo'", cdef "foo bar;")
H.raises("declaration specifier expected near '@'", cdef "@")
H.raises("declaration specifier expected near '}'", cdef "}")
H.raises("declaration specifier expected near '<eof>'", cdef "struct { int a; ")
H.raises("declaration specifier expected near 'errors_nope_t'", cdef "errors_nope_t x;")
H.raises("']' expected near '<eof>'", cdef "int errors_arr[3")
H.raises("')' expected near ';'", cdef "int errors_f(int;")
H.raises("')' expected near ';'", cdef "int (*errors_g)(int;")
H.raises("'}' expected near '<eof>'", cdef "enum errors_e3 { ERRORS_K3 = 1 ")
H.raises("'<identifier>' expected near ';'", cdef "typedef int;")
H.raises("'<identifier>' expected near ';'", cdef "int;")
H.raises("'<identifier>' expected near '}'", cdef "struct errors_z { int a; } }")
H.raises("'<identifier>' expected near ')'", cdef "int (*)(int);")
H.raises("'<identifier>' expected near 'char'", cdef "int char errors_q4;")
H.raises("'=' expected near ';'", cdef "static const int errors_sc;")
H.raises("malformed number near '3x'", cdef "int 3x;")
H.raises("unexpected symbol near 'errors_nope'", cdef "enum errors_e4 { ERRORS_Q = errors_nope };")
H.raises("unexpected symbol near 'include'", cdef "#include <stdio.h>")
H.raises("unfinished string near '<eof>'", cdef "'abc")
H.raises("unfinished string near '<eof>'", cdef '"abc')
H.raises("invalid value near ':'", cdef "struct errors_bf1 { int a : 40; };")
H.raises("invalid value near ':'", cdef "struct errors_bf2 { float f : 3; };")
H.raises("invalid value", cdef "enum errors_e5 { ERRORS_DIV0 = 1 / 0 };")
H.raises("invalid value", cdef "enum errors_e6 { ERRORS_MOD0 = 5 % 0 };")
H.raises("declaration specifier expected near '5'", function() ffi.cdef(5) end)

-- Redefinitions.
H.raises("attempt to redefine 'errors_s'", cdef "struct errors_s { int b; };")
H.raises("attempt to redefine 'errors_u'", cdef "union errors_u { int x; };")
H.raises("attempt to redefine 'errors_u'", cdef "struct errors_u;")
H.raises("attempt to redefine 'errors_r1'", cdef "struct errors_r1 { int x; }; struct errors_r1 { int x; };")
H.raises("attempt to redefine 'errors_r2'", cdef "struct errors_r2 { int x; }; union errors_r2 { int x; };")
H.raises("attempt to redefine 'ERRORS_A'", cdef "enum errors_E2 { ERRORS_A };")
H.raises("attempt to redefine 'ERRORS_D'", cdef "enum errors_E3 { ERRORS_D = 1, ERRORS_D = 2 };")
-- A forward declaration followed by one definition is fine, a second one is not.
ffi.cdef "struct errors_fw; struct errors_fw { int a; };"
H.eq(ffi.sizeof("struct errors_fw"), 4, "forward declaration then definition")
H.raises("attempt to redefine 'errors_fw'", cdef "struct errors_fw { int a; };")

-- Sizes.
H.raises("size of C type is unknown or too large", cdef "int errors_neg[-1];")
H.raises("size of C type is unknown or too large", cdef "struct errors_e { struct errors_nope n; };")
H.raises("size of C type is unknown or too large", cdef "struct errors_v { void v; };")
H.raises("size of C type is unknown or too large", cdef "typedef struct errors_rec { struct errors_rec r; } errors_rec;")
H.raises("size of C type is unknown or too large", cdef "struct errors_big { char a[0x7fffffff]; char b[0x7fffffff]; };")

------------------------------------------------------------------------------
-- Malformed types in ffi.typeof and friends
------------------------------------------------------------------------------
H.raises("undeclared or implicit tag 'errors_undecl'", typeof "struct errors_undecl")
H.raises("undeclared or implicit tag 'errors_undecl'", function() return ffi.new("struct errors_undecl") end)
H.raises("undeclared or implicit tag 'errors_undecl'", function() return ffi.sizeof("union errors_undecl") end)
H.raises("undeclared or implicit tag 'errors_undecl'", function() return ffi.alignof("struct errors_undecl") end)
H.raises("declaration specifier expected near 'errors_undecl_t'", typeof "errors_undecl_t")
H.raises("declaration specifier expected near '<eof>'", typeof "")
H.raises("declaration specifier expected near '<eof>'", typeof "const")
H.raises("declaration specifier expected near 'bogus'", function() return ffi.istype("bogus type", 1) end)
H.raises("'<eof>' expected near 'int'", typeof "int int")
H.raises("'<eof>' expected near 'x'", typeof "int x")
H.raises("'<eof>' expected near ']'", typeof "int[3]]")
H.raises("')' expected near '<eof>'", typeof "int(")
H.raises("unexpected symbol near '<eof>'", typeof "int[")
H.raises("'<identifier>' expected near '<eof>'", typeof "struct")
H.raises("'<identifier>' expected near '5'", typeof "struct 5")
H.raises("size of C type is unknown or too large", typeof "int[0x80000000]")
H.raises("size of C type is unknown or too large", typeof "int[1][]")
H.raises("size of C type is unknown or too large", typeof "void[2]")
H.raises("size of C type is unknown or too large", typeof "char[2147483648]")
H.raises("size of C type is unknown or too large", typeof "double[0x20000000][2]")

-- Type parameters.
H.raises("wrong number of type parameters", typeof "int[$]")
H.raises("wrong number of type parameters", typeof("int[$]", 1, 2))
H.raises("wrong number of type parameters", typeof "$ *")
H.raises("wrong number of type parameters", typeof("$", ffi.typeof("int"), ffi.typeof("int")))
H.raises("wrong number of type parameters", cdef "typedef $ errors_pt;")
H.raises("wrong number of type parameters", function() ffi.cdef("typedef $ errors_pt2;", ffi.typeof("int"), 1) end)
H.raises("type parameter expected, got nil", typeof("$", nil))
H.raises("type parameter expected, got table", typeof("$", {}))
H.raises("size of C type is unknown or too large", typeof("int[$]", -1))
H.raises("declaration specifier expected near '$'", typeof("$", 5))
H.raises("'<identifier>' expected near '$'", typeof("struct { int $; }", 5))

------------------------------------------------------------------------------
-- Conversions
------------------------------------------------------------------------------
H.raises("cannot convert 'string' to 'int'", ffi.new, "int", "x")
H.raises("cannot convert 'table' to 'int'", ffi.new, "int", {})
H.raises("cannot convert 'nil' to 'int'", ffi.new, "int", nil)
H.raises("cannot convert 'string' to 'double'", ffi.new, "double", "1.5")
H.raises("cannot convert 'string' to 'bool'", ffi.new, "bool", "x")
H.raises("cannot convert 'string' to 'int64_t'", ffi.new, "int64_t", "123")
H.raises("cannot convert 'number' to 'int *'", ffi.new, "int *", 5)
H.raises("cannot convert 'string' to 'int *'", ffi.new, "int *", "x")
H.raises("cannot convert 'string' to 'char *'", ffi.new, "char *", "x")
H.raises("cannot convert 'number' to 'const char *'", ffi.new, "const char *", 1)
H.raises("cannot convert 'number' to 'void *'", ffi.new, "void *", 1)
H.raises("cannot convert 'int *' to 'struct errors_s *'", ffi.new, "struct errors_s *", ffi.new("int *"))
H.raises("cannot convert 'const int *' to 'int *'", ffi.new, "int *", ffi.new("const int *"))
H.raises("cannot convert 'char *' to 'int *'", ffi.new, "int *", ffi.new("char *"))
H.raises("cannot convert 'int' to 'int *'", ffi.new, "int *", ffi.new("int"))
H.raises("cannot convert 'struct errors_s' to 'int64_t'", ffi.new, "int64_t", ffi.new(S))
H.raises("cannot convert 'string' to 'int [2]'", ffi.new, "int[2]", "x")
H.raises("cannot convert 'number' to 'int [2]'", ffi.new, "struct errors_s", 1, 2, 3)
H.raises("cannot convert 'string' to 'int'", ffi.new, "struct errors_s", "x")
H.raises("cannot convert 'string' to 'int'", ffi.new, "struct errors_s", { a = "x" })
H.raises("cannot convert 'string' to 'enum errors_E'", ffi.new, "enum errors_E", "ERRORS_Z")
H.raises("cannot convert 'table' to 'int'", ffi.cast, "int", {})
H.raises("cannot convert 'int *' to 'double'", ffi.cast, "double", ffi.new("int *"))
H.raises("cannot convert 'nil' to 'float'", ffi.cast, "float", nil)
do
  local s = ffi.new(S)
  H.raises("cannot convert 'string' to 'int'", function() s.a = "str" end)
  H.raises("cannot convert 'table' to 'int'", function() s.a = {} end)
  H.raises("cannot convert 'nil' to 'int'", function() s.a = nil end)
  H.raises("cannot convert 'number' to 'int [2]'", function() s.arr = 5 end)
  H.raises("cannot convert 'string' to 'int'", function() s.arr[0] = "x" end)
  H.raises("cannot convert 'number' to 'struct errors_s *'", function() s.next = 1 end)
  H.raises("cannot convert 'struct errors_s' to 'int'", function() s.arr[1] = ffi.new(S) end)
  H.raises("cannot convert 'string' to 'int'", function() ffi.new("int[2]")[0] = "1" end)
end

------------------------------------------------------------------------------
-- Initializers
------------------------------------------------------------------------------
H.raises("too many initializers for 'struct errors_s'", ffi.new, "struct errors_s", 1, 2, { 1, 2 }, nil, 5)
H.raises("too many initializers for 'int [2]'", ffi.new, "int[2]", 1, 2, 3)
H.raises("too many initializers for 'int [2]'", ffi.new, "int[2]", { 1, 2, 3 })
H.raises("too many initializers for 'int [2][2]'", ffi.new, "int[2][2]", 1, 2, 3, 4, 5)
H.raises("too many initializers for 'union errors_u'", ffi.new, "union errors_u", 1, 2)
H.raises("too many initializers for 'int [2]'", function() local s = ffi.new(S); s.arr = { 1, 2, 3 } end)

------------------------------------------------------------------------------
-- Members and indexing
------------------------------------------------------------------------------
do
  local s = ffi.new(S)
  local p = ffi.new("struct errors_s *", s)
  H.raises("'struct errors_s' has no member named 'zz'", function() return s.zz end)
  H.raises("'struct errors_s' has no member named 'zz'", function() s.zz = 1 end)
  H.raises("'struct errors_s' has no member named 'zz'", function() return p.zz end)
  H.ok(pcall(ffi.new, "struct errors_s", { zz = 1 }), "unknown keys in a table initializer are ignored")
  H.raises("'union errors_u' has no member named 'd'", function() return ffi.new("union errors_u").d end)
  H.raises("'int' has no member named 'x'", function() return ffi.new("int").x end)
  H.raises("'int64_t' has no member named 'foo'", function() return ffi.new("int64_t", 1).foo end)
  H.raises("'int [3]' has no member named 'x'", function() return ffi.new("int[3]").x end)
  H.raises("'int [3]' has no member named 'x'", function() ffi.new("int[3]").x = 1 end)
  H.raises("'int [2]' has no member named '0'", function() return ffi.new("int[2]")["0"] end)
  H.raises("'int *' has no member named 'x'", function() return ffi.new("int *").x end)
  H.raises("'int [2]' cannot be indexed with 'table'", function() return ffi.new("int[2]")[{}] end)
  H.raises("'int' cannot be indexed with 'number'", function() ffi.new("int")[0] = 1 end)
  H.raises("size of C type is unknown or too large", function() return ffi.new("void *")[0] end)
end

------------------------------------------------------------------------------
-- Constness
------------------------------------------------------------------------------
do
  local s = ffi.new(S)
  H.raises("attempt to write to constant location", function() s.c = 1 end)
  H.raises("attempt to write to constant location", function() ffi.new("const int[2]")[0] = 1 end)
  H.raises("attempt to write to constant location", function() ffi.new("const struct errors_s").a = 1 end)
  H.raises("attempt to write to constant location", function()
    local cp = ffi.new("const int *", ffi.new("int[1]")); cp[0] = 1 end)
  H.raises("attempt to write to constant location", function() ffi.new("int *const[1]")[0] = nil end)
  H.raises("attempt to write to constant location", function() ffi.C.ERRORS_A = 1 end)
  H.raises("attempt to write to constant location", function() ffi.C.ERRORS_K = 1 end)
end

------------------------------------------------------------------------------
-- Incomplete and oversized types
------------------------------------------------------------------------------
H.raises("size of C type is unknown or too large", ffi.new, "errors_inc_t")
H.raises("size of C type is unknown or too large", ffi.new, "struct errors_inc", 1)
H.raises("size of C type is unknown or too large", ffi.new, "void")
H.raises("size of C type is unknown or too large", ffi.new, "int(int)")
H.raises("size of C type is unknown or too large", ffi.new, "int[?]", -1)
H.raises("size of C type is unknown or too large", ffi.new, "char[?]", 2 ^ 31)
H.raises("size of C type is unknown or too large", ffi.sizeof, "errors_inc_t[2]")
H.eq(ffi.sizeof("errors_inc_t"), nil, "sizeof incomplete type is nil, not an error")

------------------------------------------------------------------------------
-- Symbols in ffi.C
------------------------------------------------------------------------------
H.raises("missing declaration for symbol 'errors_nonexistent'", function() return ffi.C.errors_nonexistent end)
H.raises("missing declaration for symbol 'errors_missing_fn'", function() return ffi.C.errors_missing_fn() end)
H.raises("missing declaration for symbol 'errors_undeclared_var'", function() ffi.C.errors_undeclared_var = 1 end)
H.raises("attempt to write to constant location", function() ffi.C.abs = 5 end)

------------------------------------------------------------------------------
-- Arithmetic, comparison, concatenation, length, call
------------------------------------------------------------------------------
do
  local s = ffi.new(S)
  local a = ffi.new("int[2]")
  local ip, cp = ffi.cast("int *", a), ffi.cast("char *", a)
  H.raises("attempt to perform arithmetic on 'int' and 'table'", function() return ffi.new("int", 1) + {} end)
  H.raises("attempt to perform arithmetic on 'struct errors_s' and 'number'", function() return s + 1 end)
  H.raises("attempt to perform arithmetic on 'number' and 'struct errors_s'", function() return 1 * s end)
  H.raises("attempt to perform arithmetic on 'struct errors_s'", function() return -s end)
  H.raises("attempt to perform arithmetic on 'int64_t' and 'string'", function() return ffi.new("int64_t", 1) + "x" end)
  H.raises("attempt to perform arithmetic on 'int64_t' and 'nil'", function() return ffi.new("int64_t", 1) + nil end)
  H.raises("attempt to perform arithmetic on 'uint64_t' and 'table'", function() return ffi.new("uint64_t", 1) * {} end)
  H.raises("attempt to perform arithmetic on 'complex' and 'number'", function() return ffi.new("complex", 1, 2) + 1 end)
  H.raises("attempt to perform arithmetic on 'int *' and 'char *'", function() return ip - cp end)
  H.raises("attempt to perform arithmetic on 'int *' and 'int *'", function() return ip + ip end)
  H.raises("attempt to perform arithmetic on 'int *' and 'number'", function() return ip * 2 end)
  H.raises("attempt to perform arithmetic on 'void *' and 'number'", function() return ffi.cast("void *", a) + 1 end)
  H.raises("attempt to compare 'struct errors_s' with 'struct errors_s'", function() return s < ffi.new(S) end)
  H.raises("attempt to compare 'complex' with 'complex'", function()
    return ffi.new("complex", 1, 2) < ffi.new("complex", 1, 2) end)
  H.raises("attempt to compare 'int *' with 'char *'", function() return ip < cp end)
  -- PUC Lua 5.1 never calls __lt/__le for operands of different Lua types (it raises
  -- its own "attempt to compare number with userdata"), so these run elsewhere only.
  if H.luajit or _VERSION ~= "Lua 5.1" then
    H.raises("attempt to compare 'number' with 'struct errors_s'", function() return 1 < s end)
    H.raises("attempt to compare 'int64_t' with 'string'", function() return ffi.new("int64_t", 1) < "x" end)
    H.raises("attempt to compare 'int64_t' with 'table'", function() return ffi.new("int64_t", 1) <= {} end)
    H.raises("attempt to compare 'int *' with 'number'", function() return ip <= 1 end)
    H.raises("attempt to compare 'int [2]' with 'number'", function() return a < 1 end)
  end
  H.raises("attempt to compare 'int64_t' with 'int *'", function() return ffi.new("int64_t", 1) < ip end)
  H.raises("attempt to concatenate 'int64_t' and 'string'", function() return ffi.new("int64_t", 5) .. "x" end)
  H.raises("attempt to concatenate 'string' and 'int [2]'", function() return "x" .. a end)
  H.raises("attempt to concatenate 'struct errors_s' and 'string'", function() return s .. "x" end)
  H.raises("attempt to concatenate 'boolean' and 'int64_t'", function() return true .. ffi.new("int64_t", 1) end)
  H.raises("attempt to concatenate 'int64_t' and 'int64_t'", function()
    return ffi.new("int64_t", 1) .. ffi.new("int64_t", 1) end)
  H.raises("attempt to concatenate 'int *' and 'string'", function() return ip .. "x" end)
  H.raises("attempt to get length of 'int [2]'", function() return #a end)
  H.raises("'struct errors_s' is not callable", function() return s() end)
  H.raises("'int' is not callable", function() return ffi.new("int")() end)
end

------------------------------------------------------------------------------
-- Bad arguments to ffi.* functions
------------------------------------------------------------------------------
H.raises("C type expected, got number", ffi.typeof, 42)
H.raises("C type expected, got nil", ffi.typeof, nil)
H.raises("C type expected, got table", ffi.typeof, {})
H.raises("C type expected, got no value", ffi.typeof)
H.raises("C type expected, got no value", ffi.sizeof)
H.raises("C type expected, got nil", ffi.sizeof, nil)
H.raises("C type expected, got table", ffi.sizeof, {})
H.raises("C type expected, got number", ffi.alignof, 5)
H.raises("C type expected, got no value", ffi.istype)
H.raises("C type expected, got no value", ffi.new)
H.raises("C type expected, got number", ffi.new, 5)
H.raises("C type expected, got no value", ffi.cast)
H.raises("string expected, got no value", ffi.offsetof, "struct errors_s")
H.raises("string expected, got no value", ffi.cdef)
H.raises("table expected, got no value", ffi.metatype, "struct errors_s")
H.raises("table expected, got number", ffi.metatype, "struct errors_s", 5)
H.raises("cdata expected, got no value", ffi.gc)
H.raises("cdata expected, got number", ffi.gc, 1, print)
H.raises("value expected", ffi.istype, "int")
H.raises("value expected", ffi.cast, "int")
H.raises("value expected", ffi.new, "int[?]")
H.raises("value expected", ffi.sizeof, "struct { int n; double d[?]; }")
H.raises("cannot convert 'string' to 'int'", ffi.new, "int[?]", "x")
H.raises("invalid C type", ffi.cast, "int[2]", 1)
H.raises("invalid C type", ffi.cast, "struct errors_s", 1)
H.raises("invalid C type", ffi.metatype, "int", {})
H.raises("cannot convert 'int' to 'const char *'", ffi.string, ffi.new("int"))
H.raises("cannot convert 'table' to 'const char *'", ffi.string, {})
H.raises("cannot convert 'number' to 'const void *'", ffi.copy, ffi.new("char[3]"), 1)
H.raises("cannot convert 'string' to 'int'", ffi.fill, ffi.new("char[3]"), "x")
H.raises("cannot convert 'string' to 'int'", ffi.errno, "x")
H.raises("size of C type is unknown or too large", ffi.new, "struct errors_inc")

-- Arguments of ffi.* that fail to convert name the argument, as in LuaJIT (the function
-- name differs under pcall: LuaJIT shows '?').
local function bad_arg(n, part, f, ...)
  local ok, err = pcall(f, ...)
  err = tostring(err)
  H.ok(not ok and err:find("bad argument #" .. n .. " to '", 1, true) ~= nil
    and err:find(part, 1, true) ~= nil,
    "bad argument #" .. n .. " (" .. part .. "): got " .. (ok and "no error" or err))
end
bad_arg(2, "(value expected)", ffi.copy, ffi.new("char[4]"))
bad_arg(1, "(value expected)", ffi.string)
bad_arg(3, "(cannot convert 'string' to 'int')", ffi.fill, ffi.new("char[4]"), 2, "x")
bad_arg(1, "(cannot convert 'string' to 'int')", ffi.errno, "x")
bad_arg(2, "(cannot convert 'nil' to 'int')", ffi.new, "int[?]", nil)
bad_arg(2, "(cannot convert 'string' to 'int')", ffi.sizeof, "int[?]", "3")
bad_arg(2, "(value expected)", ffi.sizeof, "int[?]")
-- Element counts are C ints: out of range (or NaN) is INT_MIN, so "too large".
bad_arg(1, "(size of C type is unknown or too large)", ffi.new, "char[?]", 2^32 + 16)
bad_arg(1, "(size of C type is unknown or too large)", ffi.new, "char[?]", 0/0)
bad_arg(1, "(size of C type is unknown or too large)", ffi.new, "char[?]", -1)
bad_arg(1, "(size of C type is unknown or too large)", ffi.new, "int[?]", 2^31 - 1)
bad_arg(1, "(size of C type is unknown or too large)", ffi.typeof("int[?]"), 2^31)
bad_arg(1, "(size of C type is unknown or too large)", ffi.new, "void")
H.eq(ffi.sizeof("char[?]", 1e30), nil, "sizeof, count beyond int")
H.eq(ffi.sizeof("char[?]", 0/0), nil, "sizeof, NaN count")
H.eq(ffi.sizeof("char[?]", -1), nil, "sizeof, negative count")
H.eq(ffi.sizeof("int[?]", 2^31), nil, "sizeof, count 2^31")
H.eq(ffi.sizeof("struct { int a; char b[?]; }", 2^40), nil, "sizeof of a VLS, huge count")
H.eq(ffi.sizeof("char[?]", ffi.new("int64_t", 3)), 3, "sizeof, count from an int64 cdata")
H.eq(ffi.sizeof("char[?]", 3.7), 3, "sizeof, count truncated")
H.eq(ffi.sizeof(ffi.new("int[?]", 5)), 20, "sizeof of a VLA cdata")
H.eq(ffi.sizeof(ffi.new("char[?]", 7.9)), 7, "a VLA count is truncated")
-- String lengths beyond LuaJIT's limit (negative ones included).
H.raises("string length overflow", ffi.string, ffi.new("char[3]", "ab"), 2^32 + 1)
H.raises("string length overflow", ffi.string, ffi.new("char[3]", "ab"), -1)
H.eq(ffi.string(ffi.new("char[3]", "ab"), 1), "a", "a length within range")

-- A metatable can only be set once.
ffi.cdef "struct errors_mt { int v; };"
ffi.metatype("struct errors_mt", {})
H.raises("cannot change a protected metatable", ffi.metatype, "struct errors_mt", {})

-- Errors leave the state usable.
H.eq(ffi.sizeof(S), 24, "state still usable after errors")
H.eq(ffi.C.ERRORS_B, 1, "enum constant still readable")

H.done()
