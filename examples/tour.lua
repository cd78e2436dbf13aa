-- A tour of the ffi module on stock Lua: run with
--   cargo run --release --bin lua-ffi -- examples/tour.lua
local ffi = require "ffi"

ffi.cdef [[
typedef struct { double x, y; } vec2;
struct particle {
  vec2 pos, vel;
  uint8_t flags : 3, alive : 1;
  char name[16];
};
enum color { RED, GREEN = 5, BLUE };
]]

print("running on " .. _VERSION .. ", ffi.os = " .. ffi.os .. ", ffi.arch = " .. ffi.arch)

-- Types, sizes, layout (exactly what gcc would give).
print(ffi.typeof("struct particle"), "sizeof", ffi.sizeof("struct particle"),
      "alignof", ffi.alignof("struct particle"))
print("offsetof(vel)", ffi.offsetof("struct particle", "vel"),
      "bitfield alive at", ffi.offsetof("struct particle", "alive"))

-- Metatypes: methods and operators on C structs.
local vec2 = ffi.metatype("vec2", {
  __add = function(a, b) return ffi.new("vec2", a.x + b.x, a.y + b.y) end,
  __tostring = function(v) return string.format("(%g, %g)", v.x, v.y) end,
  __index = { len = function(v) return math.sqrt(v.x * v.x + v.y * v.y) end },
})
local v = vec2(3, 4) + vec2(0, 0)
print("vec2", tostring(v), "len", v:len())

-- Arrays of structs, nested initializers, field access through pointers.
local ps = ffi.new("struct particle[3]", {
  { { 0, 0 }, { 1, 1 }, 1, 1, "first" },
  { pos = { 10, 20 }, name = "second" },
})
local p = ps + 1
p.vel.x = 2.5
print("particle", ffi.string(p.name), "pos", tostring(p.pos), "vel.x", p.vel.x, "alive", ps[0].alive)

-- 64-bit integers are boxed and sticky, as in LuaJIT.
local big = ffi.new("uint64_t", 2) ^ 63
print("2^63 =", big, "as int64:", ffi.cast("int64_t", big), "+1:", big + 1)

-- Enums from strings, constants through ffi.C.
print("BLUE =", ffi.C.BLUE, "color from string:", ffi.new("enum color", "GREEN"))

-- Finalizers run exactly once.
local freed = 0
do local buf = ffi.gc(ffi.new("char[1024]"), function() freed = freed + 1 end) end
collectgarbage(); collectgarbage()
print("finalizers run:", freed)

-- Errors use LuaJIT's wording. These two are deliberate, caught with pcall and printed.
print("caught: a cdef missing a ';' ->", select(2, pcall(ffi.cdef, "struct broken { int a }")))
print("caught: an unknown member ->", select(2, pcall(function() return p.nope end)))

-- Calling C: libc through ffi.C, zlib through ffi.load (the runtime library every
-- Debian system has), structs by value, out parameters, varargs, errno.
ffi.cdef [[
int snprintf(char *, size_t, const char *, ...);
typedef struct { long long quot, rem; } lldiv_t;
lldiv_t lldiv(long long, long long);
int open(const char *, int);
unsigned long compressBound(unsigned long);
int compress2(uint8_t *dst, unsigned long *dstlen, const uint8_t *src, unsigned long srclen, int level);
int uncompress(uint8_t *dst, unsigned long *dstlen, const uint8_t *src, unsigned long srclen);
unsigned long crc32(unsigned long crc, const uint8_t *buf, unsigned int len);
const char *zlibVersion(void);
]]
local buf = ffi.new("char[64]")
ffi.C.snprintf(buf, 64, "%s has %d members, pi ~ %.3f", "particle", ffi.new("int", 5), math.pi)
print("snprintf:", ffi.string(buf))
local d = ffi.C.lldiv(1000000007, 10)
print("lldiv:", d.quot, d.rem)
print("open of a missing file:", ffi.C.open("/no/such/file", 0), "errno", ffi.errno())
local z = ffi.load("libz.so.1")
local text = string.rep("LuaJIT's ffi on stock Lua. ", 20)
local cap = z.compressBound(#text)
local packed, plen = ffi.new("uint8_t[?]", cap), ffi.new("unsigned long[1]", cap)
assert(z.compress2(packed, plen, text, #text, 9) == 0)
local back, blen = ffi.new("uint8_t[?]", #text), ffi.new("unsigned long[1]", #text)
assert(z.uncompress(back, blen, packed, plen[0]) == 0)
print(("zlib %s: %d bytes -> %d -> %d, round trip %s, crc32 %08x"):format(ffi.string(z.zlibVersion()),
  #text, tonumber(plen[0]), tonumber(blen[0]), tostring(ffi.string(back, blen[0]) == text),
  tonumber(z.crc32(0, text, #text))))

-- Callbacks: Lua functions called from C. qsort with a Lua comparator (a function passed
-- where C expects a function pointer), an explicit callback freed when done, and a
-- struct returned by value from a Lua callback (beyond LuaJIT).
ffi.cdef [[
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
]]
local words = { "pear", "fig", "apple", "kiwi", "banana" }
local arr = ffi.new("const char *[?]", #words, words)
ffi.C.qsort(arr, #words, ffi.sizeof("const char *"), function(a, b)
  local x = ffi.string(ffi.cast("const char **", a)[0])
  local y = ffi.string(ffi.cast("const char **", b)[0])
  return x < y and -1 or (x > y and 1 or 0)
end)
local sorted = {}
for i = 0, #words - 1 do sorted[#sorted + 1] = ffi.string(arr[i]) end
print("qsort with a Lua comparator:", table.concat(sorted, " "))
local twice = ffi.cast("int (*)(int)", function(x) return 2 * x end)
print("a callback called through its pointer:", twice(21))
twice:free()
-- A deliberate error: calling a freed callback, caught.
print("caught: a call after cb:free() ->", (select(2, pcall(twice, 1))))
local midpoint = ffi.cast("struct { double x, y; } (*)(double, double)", function(a, b)
  return { (a + b) / 2, (b - a) / 2 }
end)
local m = midpoint(2, 8)
print("a struct returned by a Lua callback:", m.x, m.y)
