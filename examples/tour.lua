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

-- Errors use LuaJIT's wording.
print(select(2, pcall(ffi.cdef, "struct broken { int a }")))
print(select(2, pcall(function() return p.nope end)))
