-- PUC-only: inputs on which LuaJIT 2.1 crashes (segfault) get a Lua error here.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef "struct puc_fl { int n; double tail[]; };"
-- A table initializer for a flexible array member has no storage to write to.
H.raises("too many initializers for 'double []'", ffi.new, "struct puc_fl", { 1, { 1, 2 } })
local s = ffi.new("struct puc_fl", { 7 })
H.eq(s.n, 7, "the fixed part is still initialized")
H.eq(ffi.sizeof(s), 8, "flexible member takes no space")
-- NULL pointers are refused, not dereferenced.
H.raises("NULL pointer", ffi.string, ffi.new("char *"))
H.raises("NULL pointer", ffi.copy, ffi.new("char *"), "abc")
H.raises("NULL pointer", ffi.fill, ffi.new("char *"), 4)
-- Sizes that overflow are nil, not a wrapped number.
H.eq(ffi.sizeof("int[?]", 1e30), nil, "sizeof of an impossible VLA")
H.raises("size of C type is unknown or too large", ffi.new, "int[?]", 2^31)
H.done()
