-- Callbacks (LuaJIT's "Callbacks" in ext_ffi_semantics.html): Lua functions converted to
-- C function pointers and called from C, with the shapes LuaJIT supports. Runs unchanged
-- on luajit; what only ffi-rs does (structs by value, no slot limit) is puc_callbacks.lua.
local H = require "harness"
local ffi = require "ffi"

local lib = ffi.load(rawget(_G, "FFI_TESTLIB") or os.getenv("FFI_TESTLIB"))

ffi.cdef [[
typedef int (*cb_ii)(int, int);
int call_ii(cb_ii f, int a, int b);
long long loop_ii(cb_ii f, int n);
typedef double (*cb_mix)(int8_t, uint16_t, int64_t, float, double, bool, const char *, void *);
double call_mix(cb_mix f);
typedef uint8_t (*cb_u8)(uint8_t);
int call_u8(cb_u8 f, int x);
typedef int64_t (*cb_i64)(int64_t);
int64_t call_i64(cb_i64 f, int64_t x);
typedef float (*cb_f)(float);
double call_f(cb_f f, float x);
typedef bool (*cb_b)(int);
int call_b(cb_b f, int x);
typedef void (*cb_v)(int);
void call_v(cb_v f, int n);
typedef const char *(*cb_s)(void);
int call_s_len(cb_s f);
typedef long (*cb_10)(long, long, long, long, long, long, long, long, long, long);
long call_10(cb_10 f);
typedef double (*cb_10d)(double, double, double, double, double, double, double, double, double, double);
double call_10d(cb_10d f);
void keep_cb(cb_ii f);
int call_kept(int a, int b);
typedef int (*cmp_t)(const void *, const void *);
void qsort(void *base, size_t n, size_t size, cmp_t cmp);
void *bsearch(const void *key, const void *base, size_t n, size_t size, cmp_t cmp);
]]

-- Explicit callbacks (ffi.cast) and their arguments as C→Lua conversions give them.
local add = ffi.cast("cb_ii", function(a, b) return a + b end)
H.eq(lib.call_ii(add, 40, 2), 42, "int(int, int) from C")
H.eq(add(1, 2), 3, "the callback called from Lua, through C")
H.eq(tonumber(lib.loop_ii(add, 1000)), 1000 * 999 / 2 + 1000, "1,000 calls in a C loop")
H.ok(ffi.istype("cb_ii", add), "a callback is a cdata of its function-pointer type")

local seen
local mix = ffi.cast("cb_mix", function(a, b, c, d, e, f, g, h)
  seen = { a, b, c, d, e, f, g, h }
  return 0.5
end)
H.eq(lib.call_mix(mix), 0.5, "double result")
H.eq(seen[1], -5, "int8_t argument: a number")
H.eq(seen[2], 65535, "uint16_t argument")
H.ok(type(seen[3]) ~= "number" and ffi.istype("int64_t", seen[3]), "int64_t argument: a boxed cdata")
H.eq(tostring(seen[3]), "-9007199254740993LL", "int64_t argument keeps every bit")
H.eq(seen[4], 1.5, "float argument")
H.eq(seen[5], -2.25, "double argument")
H.eq(seen[6], true, "bool argument: a boolean")
H.eq(ffi.string(seen[7]), "str", "const char * argument: a pointer cdata")
H.ok(ffi.istype("void *", seen[8]) and seen[8] == ffi.cast("void *", 0), "NULL argument: a NULL pointer cdata")

H.eq(lib.call_u8(ffi.cast("cb_u8", function(x) return x + 1 end), 254), 255, "uint8_t both ways")
H.eq(lib.call_u8(ffi.cast("cb_u8", function(x) return x + 1 end), 255), 0, "uint8_t wraps: 0 + 1 from 255 + 1")
H.eq(tonumber(lib.call_i64(ffi.cast("cb_i64", function(x) return x * 2 end), 2^40)), 2^41, "int64_t both ways")
H.eq(lib.call_f(ffi.cast("cb_f", function(x) return x / 4 end), 3), 0.75, "float both ways")
local truth = ffi.cast("cb_b", function(x) return x > 0 end)
H.eq(lib.call_b(truth, 5), 1, "bool result true")
H.eq(lib.call_b(truth, -5), 0, "bool result false")
local count = 0
lib.call_v(ffi.cast("cb_v", function(i) count = count + i end), 10)
H.eq(count, 45, "void callback, called ten times")
local keep = "kept alive by the test"
local str = ffi.cast("cb_s", function() return keep end)
H.eq(lib.call_s_len(str), #keep, "const char * result from a Lua string")
H.eq(tonumber(lib.call_10(ffi.cast("cb_10", function(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + i * select(i, ...) end
  return s
end))), 385, "ten integer arguments: six in registers, four on the stack")
H.eq(lib.call_10d(ffi.cast("cb_10d", function(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + i * select(i, ...) end
  return s
end)), 385, "ten doubles: eight in registers, two on the stack")

-- Implicit callbacks: a Lua function passed where C expects a function pointer.
H.eq(lib.call_ii(function(a, b) return a * b end, 6, 7), 42, "a Lua function as an argument")
lib.keep_cb(function(a, b) return a - b end)
H.eq(lib.call_kept(10, 4), 6, "a callback C kept and called later")

-- free and set.
local cb = ffi.cast("cb_ii", function(a, b) return a + b end)
H.eq(lib.call_ii(cb, 1, 1), 2, "before set")
cb:set(function(a, b) return a * 100 + b end)
H.eq(lib.call_ii(cb, 1, 1), 101, "set swaps the function")
cb:free()
H.raises("bad callback", function() cb:free() end)
H.raises("bad callback", function() cb:set(print) end)
H.raises("bad callback", function() return lib.call_ii(cb, 1, 2) end)
H.raises("bad callback", function() ffi.cast("cb_ii", 0):free() end)
H.raises("bad callback", function() ffi.cast("cb_ii", 12345):set(print) end)
H.raises("has no member named 'other'", function() return cb.other end)

-- Errors: raised in the Lua function, they reach the Lua code that called C; the state
-- and the callback stay usable.
local err = ffi.cast("cb_ii", function(a, b)
  if a < 0 then error("negative " .. a) end
  return a + b
end)
H.raises("negative -1", function() return lib.call_ii(err, -1, 0) end)
H.eq(lib.call_ii(err, 2, 3), 5, "the callback works after an error")
H.raises("cannot convert 'string' to 'int'", function()
  return lib.call_ii(ffi.cast("cb_ii", function() return "x" end), 1, 2)
end)
H.raises("cannot convert 'nil' to 'int'", function()
  return lib.call_ii(ffi.cast("cb_ii", function() end), 1, 2)
end)
H.raises("cannot convert 'function' to", function() return ffi.cast("int (*)(int, ...)", print) end)
-- A numeric string is no number for an integer or a double result (LuaJIT's rule).
H.raises("cannot convert 'string' to 'int'", function()
  return lib.call_ii(ffi.cast("cb_ii", function() return "10" end), 1, 2)
end)
H.raises("cannot convert 'string' to 'unsigned char'", function()
  return lib.call_u8(ffi.cast("cb_u8", function() return "0x10" end), 1)
end)
-- free and set with bad arguments, in LuaJIT's words.
local named = ffi.cast("cb_ii", function(a, b) return a end)
H.raises("bad argument #1 to 'set' (function expected, got number)", function() named:set(5) end)
H.raises("(function expected, got cdata)", function() named:set(ffi.new("int")) end)
local ok_free, msg_free = pcall(named.free)
H.eq(ok_free, false, "free without its callback fails")
H.ok(tostring(msg_free):find("(cdata expected, got no value)", 1, true) ~= nil, "free without its callback: " .. tostring(msg_free))
named:free()
local ok = pcall(lib.call_ii, err, -1, 0)
H.eq(ok, false, "pcall catches the callback's error")
H.eq(lib.call_ii(add, 20, 22), 42, "calls work after the error")

-- qsort and bsearch from libc with a Lua comparator.
local n = 10000
local a = ffi.new("int[?]", n)
for i = 0, n - 1 do a[i] = (i * 7919) % n end
local calls = 0
local cmp = ffi.cast("cmp_t", function(x, y)
  calls = calls + 1
  local p, q = ffi.cast("const int *", x)[0], ffi.cast("const int *", y)[0]
  return p < q and -1 or (p > q and 1 or 0)
end)
ffi.C.qsort(a, n, 4, cmp)
local sorted = true
for i = 0, n - 1 do if a[i] ~= i then sorted = false end end
H.ok(sorted, "qsort of 10,000 ints with a Lua comparator")
H.ok(calls >= n, "the comparator ran at least n times")
local key = ffi.new("int[1]", 4242)
local hit = ffi.C.bsearch(key, a, n, 4, cmp)
H.eq(ffi.cast("int *", hit)[0], 4242, "bsearch finds the key")
H.eq(tonumber(ffi.cast("char *", hit) - ffi.cast("char *", a)), 4242 * 4, "at its place")
key[0] = n + 5
H.eq(tonumber(ffi.cast("intptr_t", ffi.C.bsearch(key, a, n, 4, cmp))), 0, "bsearch misses: NULL")
cmp:free()

H.done()
