-- Callbacks beyond LuaJIT: structs, unions and complex numbers by value both ways, the
-- Win64 convention (gcc's ms_abi), no limit on live callbacks, implicit callbacks reused
-- per function and signature (LuaJIT makes a new permanent one per call and runs out),
-- and slots given back and reused.
local H = require "harness"
local ffi = require "ffi"

local lib = ffi.load(rawget(_G, "FFI_TESTLIB") or os.getenv("FFI_TESTLIB"))

ffi.cdef [[
typedef struct { int x, y; } point;
typedef struct { double x, y; } dpoint;
typedef struct { double d; int i; } mixed;
typedef struct { long a, b, c; } big3;
typedef struct { char c; short s; } small;
typedef struct __attribute__((packed)) { char c; int i; } packed;
typedef union { int i; float f; } intfloat;
typedef struct { int v[3]; } arr3;
typedef struct { unsigned char b[70000]; } huge;
struct bf_inner { unsigned a : 8, b : 4; };
struct bf_outer { double d; struct bf_inner in; };
typedef int (*cb_ii)(int, int);
int call_ii(cb_ii f, int a, int b);
void *cb_address(cb_ii f);
typedef point (*cb_pt)(point, point);
point call_pt(cb_pt f);
typedef dpoint (*cb_dpt)(dpoint, double);
dpoint call_dpt(cb_dpt f);
typedef mixed (*cb_mixed)(mixed);
mixed call_mixed(cb_mixed f);
typedef big3 (*cb_big3)(big3, long);
big3 call_big3(cb_big3 f);
typedef long (*cb_after5)(long, long, long, long, long, big3, point, long);
long call_after5(cb_after5 f);
typedef int (*cb_packed)(packed, small, intfloat, arr3);
int call_packed(cb_packed f);
typedef double complex (*cb_cplx)(double complex, float complex);
double complex call_cplx(cb_cplx f);
typedef huge (*cb_huge)(unsigned char);
int call_huge(cb_huge f);
typedef struct bf_outer (*cb_bf)(struct bf_outer);
unsigned call_bf(cb_bf f);
typedef double (*ms_cb)(int, double, float, long long, double, int) __attribute__((ms_abi));
double ms_call(ms_cb f) __attribute__((ms_abi));
typedef big3 (*ms_cb_big)(big3, point) __attribute__((ms_abi));
long ms_call_big(ms_cb_big f) __attribute__((ms_abi));
typedef dpoint (*ms_cb_dpt)(dpoint, double) __attribute__((ms_abi));
double ms_call_dpt(ms_cb_dpt f) __attribute__((ms_abi));
]]

-- Structs by value: arguments arrive as new cdata (copies), results convert from tables
-- or cdata by the initializer rules.
local got
local r = lib.call_pt(function(a, b)
  got = { a.x, a.y, b.x, b.y, ffi.istype("point", a) }
  return { a.x + b.x, a.y + b.y }
end)
H.eq(table.concat({ got[1], got[2], got[3], got[4] }, ","), "1,2,30,40", "point arguments (one INTEGER eightbyte)")
H.eq(got[5], true, "a struct argument is a cdata of its type")
H.eq(r.x * 100 + r.y, 3142, "point result from a table")
local d = lib.call_dpt(function(p, k) return ffi.new("dpoint", p.x * k, p.y * k) end)
H.eq(d.x, 6, "dpoint (two SSE eightbytes) argument and cdata result")
H.eq(d.y, -8, "dpoint second member")
local m = lib.call_mixed(function(v) return { v.d * 2, v.i * 3 } end)
H.eq(m.d, 1, "mixed SSE + INTEGER struct")
H.eq(m.i, 21, "mixed second eightbyte")
local b = lib.call_big3(function(v, k) return { v.a * k, v.b * k, v.c * k } end)
H.eq(tonumber(b.a + b.b * 1000 + b.c * 1000000), 30020010, "24-byte struct: MEMORY argument, hidden-pointer result")
H.eq(tonumber(lib.call_after5(function(a, b, c, d, e, v, p, f)
  return a + b + c + d + e + v.a + v.b + v.c + p.x + p.y + f
end)), 66, "a struct on the stack after the registers ran out, then a register argument")
H.eq(lib.call_packed(function(p, s, u, a)
  return p.c + p.i + s.c + s.s + (u.f == 1 and 1 or 0) + a.v[0] + 10 * a.v[1] + 100 * a.v[2]
end), 1 + 200000 + 3 + 4000 + 1 + 765, "packed struct, small struct, union, array in a struct")
local z = lib.call_cplx(function(a, b)
  got = { a.re, a.im, b.re, b.im }
  return ffi.new("double complex", a.re + b.re, a.im + b.im)
end)
H.eq(got[1] * 1000 + got[2] * 100 + got[3] * 10 + got[4], 1226, "complex arguments")
H.eq(z.re * 10 + z.im, 38, "complex result")
H.eq(lib.call_huge(function(c)
  local h = ffi.new("huge")
  ffi.fill(h.b, 70000, c)
  h.b[69999] = 5
  return h
end), 3 + 5000, "a 70,000-byte result written through the caller's buffer")
H.eq(lib.call_bf(function(s)
  return { s.d + 1, { s["in"].a + 1, s["in"].b + 1 } }
end), 3 + 60 + 4000, "struct with a bitfield struct inside, both ways")

-- Win64: callbacks of ms_abi function-pointer types, called from ms_abi C code.
H.eq(lib.ms_call(function(a, b, c, d, e, f)
  return a + b * 10 + c * 100 + tonumber(d) * 1000 + e * 10000 + f * 100000
end), 1 + 25 + 350 + 4000 + 55000 + 600000, "Win64: six mixed arguments, two on the stack")
H.eq(tonumber(lib.ms_call_big(function(v, p)
  return { v.a + p.x, v.b + p.y, v.c }
end)), 5 + 70 + 300, "Win64: a struct by reference and a struct result through the hidden pointer")
H.eq(lib.ms_call_dpt(function(p, k) return { p.x * k, p.y * k } end), 3 + 60,
  "Win64: a 16-byte struct by reference, result through the hidden pointer")

-- Implicit callbacks: one per function and signature, however often it is passed.
local f = function(a, b) return a + b end
local first = lib.cb_address(f)
for i = 1, 1000 do assert(lib.call_ii(f, i, 1) == i + 1) end
H.ok(lib.cb_address(f) == first, "the same function passed 1,001 times: one callback")
local g = function(a, b) return a - b end
H.ok(lib.cb_address(g) ~= first, "another function: another callback")
-- A freed implicit callback is not reused.
local cb = ffi.cast("cb_ii", lib.cb_address(f))
cb:free()
H.eq(lib.call_ii(f, 2, 3), 5, "passing the function again after its callback was freed")

-- No slot limit: 10,000 live callbacks at once, each called, then freed.
local live = {}
for i = 1, 10000 do
  live[i] = ffi.cast("cb_ii", function(a, b) return a + b + i end)
end
local okall = true
for i = 1, 10000, 7 do
  if lib.call_ii(live[i], 1, 2) ~= 3 + i then okall = false end
end
H.ok(okall, "10,000 live callbacks, each calling its own function")
for i = 1, 10000 do
  live[i]:free()
end
live = nil
-- Made and freed in a loop, callbacks reuse the slots given back (the pool's pages are
-- counted exactly by ffi-mlua/tests/callback_faults.rs; the pool is shared by the other
-- states of this process, so this script checks Lua memory only).
collectgarbage()
local before = collectgarbage("count")
for i = 1, 10000 do
  local c = ffi.cast("cb_ii", function(a, b) return a * b end)
  if lib.call_ii(c, i, 2) ~= 2 * i then okall = false end
  c:free()
end
collectgarbage()
H.ok(okall, "10,000 callbacks made, called and freed in a loop")
H.ok(collectgarbage("count") - before < 200, "Lua memory does not grow over the loop")

-- A freed callback called from C is a Lua error in the calling code, every time.
local dead = ffi.cast("cb_ii", function(a, b) return a end)
local addr = lib.cb_address(dead)
dead:free()
for i = 1, 3 do
  H.raises("bad callback", lib.call_ii, ffi.cast("cb_ii", addr), 1, 2)
end

-- A callback that frees itself while running, its slot then handed to a callback of
-- another signature: its result still converts by the signature C called through.
ffi.cdef [[ struct big4 { int64_t a, b, c, d; }; ]]
local selfish
selfish = ffi.cast("cb_ii", function(a, b)
  selfish:free()
  local others = {}
  for i = 1, 300 do
    others[i] = ffi.cast("struct big4 (*)(void)", function() return { 1, 2, 3, 4 } end)
  end
  for i = 1, 300 do others[i]:free() end
  return { 1, 2, 3, 4 }
end)
H.raises("cannot convert 'table' to 'int'", lib.call_ii, selfish, 1, 2)
local selfish2
selfish2 = ffi.cast("cb_ii", function(a, b)
  selfish2:free()
  return a + b
end)
H.eq(lib.call_ii(selfish2, 20, 22), 42, "a callback that frees itself still returns its result")

-- Many arguments (beyond LuaJIT's 16), with a struct among them so that the runner
-- converts them: it grows its Lua stack on the way.
do
  local params, args = {}, {}
  for i = 1, 60 do
    params[i] = (i % 3 == 0) and "double" or "int"
    args[i] = i
  end
  params[61] = "point"
  local sig = "double (*)(" .. table.concat(params, ", ") .. ")"
  local many = ffi.cast(sig, function(...)
    local n, s = select("#", ...), 0
    for i = 1, 60 do s = s + select(i, ...) end
    local p = select(61, ...)
    return s + p.x * 10000 + p.y * 100000 + n * 1000000
  end)
  args[61] = ffi.new("point", 3, 4)
  local unpack_ = rawget(_G, "unpack") or table.unpack
  H.eq(many(unpack_(args, 1, 61)), 1830 + 30000 + 400000 + 61000000,
    "61 arguments, one of them a struct, through the runner")
  many:free()
end

-- An empty struct as a result.
ffi.cdef [[ struct empty_cb {}; ]]
local e = ffi.cast("struct empty_cb (*)(int)", function() return ffi.new("struct empty_cb") end)
H.ok(ffi.istype("struct empty_cb", e(1)), "an empty struct result")

-- The runner, reachable from Lua through the registry, refuses to run for Lua code.
local reg = debug.getregistry()
local runner
for _, v in pairs(reg) do
  if type(v) == "table" and type(rawget(v, 1)) == "function" and type(rawget(v, 2)) == "function" and type(rawget(v, 3)) == "function" then
    runner = rawget(v, 1)
  end
end
H.ok(runner ~= nil, "the callback parts table is in the registry")
if runner then
  H.raises("bad callback", runner, reg, reg, reg)
end

H.done()
