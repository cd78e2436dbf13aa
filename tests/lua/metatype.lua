-- ffi.metatype: __index/__newindex (tables and functions), __call, __tostring, __len,
-- __concat, __eq/__lt/__le, __unm, arithmetic metamethods, __new, static methods on
-- the ctype, metatypes through pointers, field precedence, permanence and __gc.
-- Lua 5.1 syntax; every expectation holds on LuaJIT 2.1.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
struct metatype_vec { double x, y; };
struct metatype_idxfn { int a; };
struct metatype_ntab { int a; };
struct metatype_nfn { int a; };
struct metatype_call { int base; };
struct metatype_str { int v; };
struct metatype_len { int n; };
struct metatype_cmp { int v; };
struct metatype_new { int a, b; };
struct metatype_static { int id; };
struct metatype_sfn { int id; };
struct metatype_prec { int x; int len; };
struct metatype_perm { int a; };
struct metatype_gc { int id; };
struct metatype_plain { int a; };
typedef struct metatype_named { int v; } metatype_named_t;
]]

---------------------------------------------------------------------------
-- __index table: methods, also reached through pointers
local vec_methods = {}
function vec_methods.len2(v) return v.x * v.x + v.y * v.y end
function vec_methods.scale(v, k) return v.x * k, v.y * k end
vec_methods.kind = "vector"
local vec_mt = { __index = vec_methods }
local Vec = ffi.metatype("struct metatype_vec", vec_mt)

local v = Vec(3, 4)
H.eq(v.x, 3, "constructor from the metatype ctype sets x")
H.eq(v.y, 4, "constructor sets y")
H.eq(v:len2(), 25, "method through __index table")
H.eq(v.len2(v), 25, "method fetched and called explicitly")
local sx, sy = v:scale(2)
H.eq(sx, 6, "method with two results (1)")
H.eq(sy, 8, "method with two results (2)")
H.eq(v.kind, "vector", "non-function value from __index table")
H.eq(tostring(ffi.typeof(v)), "ctype<struct metatype_vec>", "metatype returns the struct ctype")
H.ok(ffi.istype(Vec, v), "istype with the metatype ctype")
H.ok(ffi.istype("struct metatype_vec", v), "istype with the name")
local v2 = ffi.new("struct metatype_vec", 1, 2)
H.eq(v2:len2(), 5, "ffi.new by name also gets the metatype")
-- the __index table is live: methods added later are found
function vec_methods.sum(w) return w.x + w.y end
H.eq(v:sum(), 7, "method added to the __index table afterwards")
H.raises("has no member named 'nosuch'", function() return v.nosuch end)
H.raises("has no member named 'nosuch'", function() v.nosuch = 1 end)

-- through pointers and arrays
local vp = ffi.cast("struct metatype_vec *", v)
H.eq(vp:len2(), 25, "method through a pointer")
H.eq(vp.kind, "vector", "__index value through a pointer")
vp.x = 6
H.eq(v.x, 6, "field written through the pointer")
H.eq(ffi.cast("struct metatype_vec *", v).len2(v), 52, "ffi.cast(...).method")
local arr = ffi.new("struct metatype_vec[2]", { { 1, 1 }, { 2, 2 } })
H.eq(arr[1]:len2(), 8, "method on an array element")
H.eq((arr + 1):len2(), 8, "method on a pointer sum")
local vref = ffi.new("struct metatype_vec *[1]", vp)
H.eq(vref[0]:len2(), 52, "method on a pointer loaded from an array")

---------------------------------------------------------------------------
-- __index function: called with the cdata and the key, only for unknown keys
local idx_calls = {}
local IdxFn = ffi.metatype("struct metatype_idxfn", {
  __index = function(o, k)
    idx_calls[#idx_calls + 1] = k
    if k == "double_a" then return o.a * 2 end
    if k == "self" then return o end
    return nil
  end,
})
local f = IdxFn(21)
H.eq(f.a, 21, "real field does not call __index")
H.eq(#idx_calls, 0, "__index function not called for a field")
H.eq(f.double_a, 42, "__index function computes a value")
H.eq(idx_calls[1], "double_a", "__index function receives the key")
H.ok(f.self == f, "__index function receives the cdata itself")
H.eq(f.unknown, nil, "__index function may return nil")
H.eq(#idx_calls, 3, "__index function called once per unknown access")
H.eq(ffi.cast("struct metatype_idxfn *", f).double_a, 42, "__index function through a pointer")
H.raises("has no member named 'zz'", function() f.zz = 1 end)

---------------------------------------------------------------------------
-- __newindex table and function
local store = {}
local NTab = ffi.metatype("struct metatype_ntab", { __newindex = store })
local nt = NTab(1)
nt.extra = 99
H.eq(store.extra, 99, "__newindex table receives unknown keys")
nt.a = 5
H.eq(nt.a, 5, "field assignment does not use __newindex")
H.eq(store.a, nil, "field assignment not stored in the table")
H.raises("has no member named 'extra'", function() return nt.extra end)

local writes = {}
local NFn = ffi.metatype("struct metatype_nfn", {
  __newindex = function(o, k, val)
    writes[#writes + 1] = k
    o.a = val
  end,
  __index = function(o, k) return "get:" .. k end,
})
local nf = NFn(0)
nf.b = 17
H.eq(writes[1], "b", "__newindex function receives the key")
H.eq(nf.a, 17, "__newindex function received the cdata and value")
nf.a = 3
H.eq(#writes, 1, "__newindex not called for a field")
H.eq(nf.a, 3, "direct field write")
H.eq(nf.zz, "get:zz", "__index function alongside __newindex")
ffi.cast("struct metatype_nfn *", nf).q = 8
H.eq(writes[2], "q", "__newindex through a pointer")
H.eq(nf.a, 8, "__newindex through a pointer received the value")

---------------------------------------------------------------------------
-- __call
local Call = ffi.metatype("struct metatype_call", {
  __call = function(o, a, b) return o.base + a + (b or 0), "second" end,
})
local c = Call(100)
local r1, r2 = c(1, 2)
H.eq(r1, 103, "__call receives the cdata and arguments")
H.eq(r2, "second", "__call returns several results")
H.eq(c(5), 105, "__call with fewer arguments")
H.eq(ffi.cast("struct metatype_call *", c)(7), 107, "__call through a pointer")
H.raises("'struct metatype_plain' is not callable", function()
  local plain = ffi.new("struct metatype_plain")
  return plain()
end)

---------------------------------------------------------------------------
-- __tostring
local Str = ffi.metatype("struct metatype_str", {
  __tostring = function(o) return "Str(" .. o.v .. ")" end,
})
local st = Str(5)
H.eq(tostring(st), "Str(5)", "__tostring")
H.eq(tostring(ffi.cast("struct metatype_str *", st)), "Str(5)", "__tostring through a pointer")
H.ok(string.find(tostring(ffi.new("struct metatype_plain")), "^cdata<struct metatype_plain>: ") ~= nil,
  "plain struct prints as cdata<...>")

---------------------------------------------------------------------------
-- __len and __concat
local Len = ffi.metatype("struct metatype_len", {
  __len = function(o) return o.n * 10 end,
  __concat = function(a, b)
    local function part(x)
      if type(x) == "string" then return x end
      return "L" .. x.n
    end
    return part(a) .. "+" .. part(b)
  end,
})
local ln = Len(4)
H.eq(#ln, 40, "__len")
H.eq(#ffi.cast("struct metatype_len *", ln), 40, "__len through a pointer")
H.eq(ln .. "x", "L4+x", "__concat cdata .. string")
H.eq("x" .. ln, "x+L4", "__concat string .. cdata")
H.eq(ln .. Len(7), "L4+L7", "__concat cdata .. cdata")

---------------------------------------------------------------------------
-- comparisons and arithmetic metamethods
local cmp_mt = {}
local Cmp = ffi.metatype("struct metatype_cmp", cmp_mt)
cmp_mt.__eq = function(a, b) return a.v % 10 == b.v % 10 end
cmp_mt.__lt = function(a, b) return a.v < b.v end
cmp_mt.__le = function(a, b) return a.v <= b.v end
cmp_mt.__unm = function(a) return Cmp(-a.v) end
local function val(x) if type(x) == "number" then return x end return x.v end
cmp_mt.__add = function(a, b) return Cmp(val(a) + val(b)) end
cmp_mt.__sub = function(a, b) return Cmp(val(a) - val(b)) end
cmp_mt.__mul = function(a, b) return Cmp(val(a) * val(b)) end
cmp_mt.__div = function(a, b) return "div " .. val(a) .. " " .. val(b) end
cmp_mt.__mod = function(a, b) return "mod " .. val(a) .. " " .. val(b) end
cmp_mt.__pow = function(a, b) return "pow " .. val(a) .. " " .. val(b) end
local c3, c13, c5 = Cmp(3), Cmp(13), Cmp(5)
H.ok(c3 == c13, "__eq called for two cdata")
H.ok(not (c3 == c5), "__eq false")
H.ok(c3 ~= c5, "~= uses __eq")
H.ok(c3 < c5, "__lt")
H.ok(not (c5 < c3), "__lt false")
H.ok(c5 > c3, "> uses __lt with swapped operands")
H.ok(c3 <= c3, "__le")
H.ok(c5 >= c3, ">= uses __le")
H.ok(not (c13 <= c5), "__le false")
H.eq((-c5).v, -5, "__unm")
H.eq((c3 + c5).v, 8, "__add cdata + cdata")
H.eq((c3 + 1).v, 4, "__add cdata + number")
H.eq((1 + c3).v, 4, "__add number + cdata")
H.eq((c5 - c3).v, 2, "__sub")
H.eq((10 - c3).v, 7, "__sub number - cdata")
H.eq((c3 * 4).v, 12, "__mul")
H.eq(c13 / 2, "div 13 2", "__div")
H.eq(c13 % 5, "mod 13 5", "__mod")
H.eq(2 ^ c3, "pow 2 3", "__pow number ^ cdata")
H.eq(c3 ^ c5, "pow 3 5", "__pow cdata ^ cdata")
local cp = ffi.cast("struct metatype_cmp *", c3)
H.ok(ffi.istype("struct metatype_cmp *", cp + 1), "pointer + 1 is pointer arithmetic, not __add")
H.eq((cp + 1) - cp, 1, "pointer difference, not __sub")

---------------------------------------------------------------------------
-- __new: constructor override (only when the ctype is called)
local new_calls = 0
local New
New = ffi.metatype("struct metatype_new", {
  __new = function(ct, a)
    new_calls = new_calls + 1
    H.ok(ct == New, "__new receives the ctype")
    return ffi.new(ct, a, a * 2)
  end,
})
local n1 = New(6)
H.eq(new_calls, 1, "__new called by ctype()")
H.eq(n1.a, 6, "__new result field a")
H.eq(n1.b, 12, "__new result field b")
H.ok(ffi.istype(New, n1), "__new result has the type")
local n2 = ffi.new(New, 1, 2)
H.eq(new_calls, 1, "ffi.new does not call __new")
H.eq(n2.b, 2, "ffi.new initialises normally")
local n3 = ffi.new("struct metatype_new", 4)
H.eq(new_calls, 1, "ffi.new by name does not call __new")
H.eq(n3.b, 0, "ffi.new by name: missing initialisers are zero")

---------------------------------------------------------------------------
-- static methods: indexing the ctype uses __index
local next_id = 0
local static = {}
local Static = ffi.metatype("struct metatype_static", { __index = static })
function static.create()
  next_id = next_id + 1
  return Static(next_id)
end
function static.describe(o) return "obj#" .. o.id end
static.VERSION = 3
local s1 = Static.create()
local s2 = Static.create()
H.eq(s1.id, 1, "static constructor T.create()")
H.eq(s2.id, 2, "second T.create()")
H.eq(s2:describe(), "obj#2", "method on an instance made by the static constructor")
H.eq(Static.VERSION, 3, "constant on the ctype through __index")
H.eq(Static.describe(s1), "obj#1", "method called through the ctype")
H.eq(ffi.typeof("struct metatype_static").VERSION, 3, "ffi.typeof(...) also indexes __index")
local sfn_arg
local Sfn = ffi.metatype("struct metatype_sfn", {
  __index = function(o, k) sfn_arg = o; return "static " .. k end,
})
H.eq(Sfn.make, "static make", "__index function on the ctype")
H.ok(sfn_arg == Sfn, "__index function receives the ctype")
H.eq(Sfn(1).other, "static other", "__index function on an instance")

---------------------------------------------------------------------------
-- predefined fields take precedence over __index / __newindex
local prec_writes = 0
local Prec = ffi.metatype("struct metatype_prec", {
  __index = { x = "shadowed", len = "shadowed", extra = "from index" },
  __newindex = function() prec_writes = prec_writes + 1 end,
})
local pr = Prec(1, 2)
H.eq(pr.x, 1, "field x wins over __index.x")
H.eq(pr.len, 2, "field len wins over __index.len")
H.eq(pr.extra, "from index", "non-field from __index")
pr.x = 10
H.eq(pr.x, 10, "field write goes to the struct")
H.eq(prec_writes, 0, "field write does not call __newindex")
H.eq(ffi.cast("struct metatype_prec *", pr).x, 10, "field wins through a pointer")

---------------------------------------------------------------------------
-- a metatype is permanent
local Perm = ffi.metatype("struct metatype_perm", { __index = { tag = "first" } })
H.raises("cannot change a protected metatable", function()
  ffi.metatype("struct metatype_perm", { __index = { tag = "second" } })
end)
H.raises("cannot change a protected metatable", function()
  ffi.metatype(Perm, {})
end)
H.eq(Perm(0).tag, "first", "the first metatable stays")
H.raises("invalid C type", function() ffi.metatype("int", {}) end)
H.raises("invalid C type", function() ffi.metatype("struct metatype_plain *", {}) end)
H.raises("table expected", function() ffi.metatype("struct metatype_plain", 5) end)
local Named = ffi.metatype("metatype_named_t", { __index = { hello = function() return "hi" end } })
H.eq(ffi.new("struct metatype_named"):hello(), "hi", "metatype through a typedef name")
H.eq(tostring(Named), "ctype<struct metatype_named>", "metatype returns the ctype")

---------------------------------------------------------------------------
-- __gc from the metatype: an implicit finaliser for created objects
local finalised = {}
local Gc = ffi.metatype("struct metatype_gc", {
  __gc = function(o) finalised[#finalised + 1] = o.id end,
})
do
  local g1 = Gc(11)
  local g2 = ffi.new("struct metatype_gc", 12)
  local gp = ffi.cast("struct metatype_gc *", g1) -- pointers get no finaliser
  H.eq(gp.id, 11, "pointer to a metatype with __gc")
  g1, g2, gp = nil, nil, nil
end
collectgarbage("collect")
collectgarbage("collect")
table.sort(finalised)
H.eq(#finalised, 2, "__gc ran for both objects")
H.eq(finalised[1], 11, "__gc received the first object")
H.eq(finalised[2], 12, "__gc received the second object")
collectgarbage("collect")
H.eq(#finalised, 2, "__gc runs only once")

-- A call or `#` looks at its own object only, never at the argument.
do
  local T = ffi.metatype("struct { int a; }", { __call = function() return "called" end })
  local u = ffi.new("int[1]")
  H.raises("'int [1]' is not callable", u, T())
  H.eq(T()(u), "called", "the metatype's own __call")
end

H.done()
