-- A first end-to-end check: cdef, new, field access, typeof printing.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
struct smoke_point { double x, y; };
typedef struct { int a; char name[8]; } smoke_rec;
]]

local p = ffi.new("struct smoke_point", 3, 4)
H.eq(p.x, 3, "p.x")
H.eq(p.y, 4, "p.y")
p.x = p.x + 1
H.eq(p.x, 4, "p.x after +1")
H.eq(ffi.sizeof(p), 16, "sizeof point")
H.eq(tostring(ffi.typeof(p)), "ctype<struct smoke_point>", "typeof point")
local r = ffi.new("smoke_rec", 7, "hi")
H.eq(r.a, 7, "rec.a")
H.eq(ffi.string(r.name), "hi", "rec.name")
H.eq(ffi.sizeof("smoke_rec"), 12, "sizeof rec")
H.done()
