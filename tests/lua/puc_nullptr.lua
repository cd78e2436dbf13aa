-- PUC-only extensions: ffi.nullptr / ffi.NULL (PUC Lua cannot compare cdata with nil),
-- ffi.type, and the cdata-aware global tonumber. Not run on luajit.
local H = require "harness"
local ffi = require "ffi"

if H.luajit then
  print("puc_nullptr.lua: skipped on luajit")
  H.done()
  return
end

ffi.cdef [[
struct puc_nullptr_s { void *p; int *q; };
enum puc_nullptr_e { PUC_NULLPTR_A = 3 };
]]

---------------------------------------------------------------------------
-- ffi.nullptr and ffi.NULL
H.ok(ffi.nullptr ~= nil, "ffi.nullptr exists")
H.ok(ffi.NULL ~= nil, "ffi.NULL exists")
H.eq(ffi.type(ffi.nullptr), "cdata", "ffi.nullptr is cdata")
H.eq(ffi.type(ffi.NULL), "cdata", "ffi.NULL is cdata")
H.ok(ffi.istype("void *", ffi.nullptr), "ffi.nullptr is a void *")
H.ok(ffi.istype("void *", ffi.NULL), "ffi.NULL is a void *")
H.eq(tostring(ffi.typeof(ffi.nullptr)), "ctype<void *>", "typeof(ffi.nullptr)")
H.eq(tostring(ffi.nullptr), "cdata<void *>: NULL", "tostring(ffi.nullptr)")
H.eq(tostring(ffi.NULL), "cdata<void *>: NULL", "tostring(ffi.NULL)")
H.eq(ffi.sizeof(ffi.nullptr), ffi.sizeof("void *"), "sizeof(ffi.nullptr)")
H.eq(tonumber(ffi.cast("intptr_t", ffi.nullptr)), 0, "address of ffi.nullptr is 0")
H.ok(ffi.nullptr == ffi.NULL, "ffi.nullptr == ffi.NULL")
H.ok(ffi.nullptr and true, "ffi.nullptr is truthy like any cdata")

-- equality with NULL pointer cdata (both sides are cdata, so __eq applies)
H.ok(ffi.new("void *") == ffi.nullptr, "ffi.new('void *') == ffi.nullptr")
H.ok(ffi.nullptr == ffi.new("void *"), "ffi.nullptr == ffi.new('void *')")
H.ok(ffi.new("void *") == ffi.NULL, "ffi.new('void *') == ffi.NULL")
H.ok(ffi.cast("int *", 0) == ffi.nullptr, "NULL int * == ffi.nullptr")
H.ok(ffi.cast("const char *", 0) == ffi.NULL, "NULL const char * == ffi.NULL")
H.ok(ffi.new("int *", ffi.nullptr) == ffi.nullptr, "pointer initialised from ffi.nullptr")
H.ok(not (ffi.cast("void *", 1) == ffi.nullptr), "non-NULL void * ~= ffi.nullptr")
H.ok(ffi.cast("void *", 1) ~= ffi.nullptr, "~= with a non-NULL pointer")
local arr = ffi.new("int[4]")
H.ok(not (arr == ffi.nullptr), "array ~= ffi.nullptr")
H.ok(ffi.cast("int *", arr) ~= ffi.NULL, "pointer to an array ~= ffi.NULL")
H.ok(not (ffi.new("int", 0) == ffi.nullptr), "int 0 cdata is not a NULL pointer")

-- NULL pointer fields
local s = ffi.new("struct puc_nullptr_s")
H.ok(s.p == ffi.nullptr, "zeroed void * field == ffi.nullptr")
H.ok(s.q == ffi.nullptr, "zeroed int * field == ffi.nullptr")
s.q = arr
H.ok(s.q ~= ffi.nullptr, "field set to an array ~= ffi.nullptr")
s.q = ffi.nullptr
H.ok(s.q == ffi.nullptr, "field reset from ffi.nullptr")
local s2 = ffi.new("struct puc_nullptr_s", { ffi.nullptr, ffi.NULL })
H.ok(s2.p == ffi.NULL and s2.q == ffi.nullptr, "initialiser from ffi.nullptr / ffi.NULL")
-- pointer arithmetic and ordering from NULL
H.ok(ffi.cast("char *", ffi.nullptr) + 4 == ffi.cast("char *", 4), "NULL char * + 4")
H.ok(ffi.nullptr < ffi.cast("void *", 8), "ffi.nullptr < non-NULL void *")
H.ok(ffi.nullptr <= ffi.NULL, "ffi.nullptr <= ffi.NULL")
H.raises("attempt to perform arithmetic on 'void *' and 'number'", function() return ffi.nullptr + 1 end)
H.raises("NULL pointer", function() return ffi.string(ffi.nullptr) end)

---------------------------------------------------------------------------
-- ffi.type
H.eq(ffi.type(ffi.new("int")), "cdata", "ffi.type of an int cdata")
H.eq(ffi.type(ffi.new("struct puc_nullptr_s")), "cdata", "ffi.type of a struct cdata")
H.eq(ffi.type(ffi.new("int64_t", 1) + 1), "cdata", "ffi.type of an arithmetic result")
H.eq(ffi.type(ffi.typeof("int")), "cdata", "ffi.type of a ctype")
H.eq(ffi.type(nil), "nil", "ffi.type(nil)")
H.eq(ffi.type(1), "number", "ffi.type(1)")
H.eq(ffi.type("s"), "string", "ffi.type(string)")
H.eq(ffi.type({}), "table", "ffi.type(table)")
H.eq(ffi.type(print), "function", "ffi.type(function)")
H.eq(ffi.type(true), "boolean", "ffi.type(boolean)")
H.eq(ffi.type(io.stdout), "userdata", "ffi.type of a non-cdata userdata")
H.eq(ffi.type(coroutine.create(function() end)), "thread", "ffi.type(thread)")
H.raises("value expected", function() return ffi.type() end)

---------------------------------------------------------------------------
-- the global tonumber is cdata-aware
H.eq(tonumber(ffi.new("int64_t", 42)), 42, "tonumber(int64_t)")
H.eq(tonumber(ffi.new("uint32_t", 4294967295)), 4294967295, "tonumber(uint32_t max)")
H.eq(tonumber(ffi.new("int8_t", -5)), -5, "tonumber(int8_t)")
H.eq(tonumber(ffi.new("double", 2.5)), 2.5, "tonumber(double)")
H.eq(tonumber(ffi.new("float", 0.5)), 0.5, "tonumber(float)")
H.eq(tonumber(ffi.new("bool", true)), 1, "tonumber(bool)")
H.eq(tonumber(ffi.new("enum puc_nullptr_e", "PUC_NULLPTR_A")), 3, "tonumber(enum)")
H.eq(tonumber(ffi.new("complex", 1.5, 2)), 1.5, "tonumber(complex) is the real part")
H.eq(tonumber(ffi.new("uint64_t", 2 ^ 53)), 2 ^ 53, "tonumber(uint64_t 2^53)")
H.eq(tonumber(ffi.new("int64_t", 40) + 2), 42, "tonumber of an arithmetic result")
H.eq(tonumber(ffi.new("struct puc_nullptr_s")), nil, "tonumber(struct) is nil")
H.eq(tonumber(ffi.nullptr), nil, "tonumber(pointer) is nil")
H.eq(tonumber(ffi.new("int[2]")), nil, "tonumber(array) is nil")
H.eq(tonumber("10"), 10, "tonumber still converts strings")
H.eq(tonumber("ff", 16), 255, "tonumber with a base")
H.eq(tonumber("0x10"), 16, "tonumber of a hex string")
H.eq(tonumber("z"), nil, "tonumber of a non-numeric string")
H.eq(tonumber(nil), nil, "tonumber(nil)")
H.eq(tonumber(7), 7, "tonumber of a number")
H.eq(ffi.tonumber(ffi.new("int", 9)), 9, "ffi.tonumber")
H.raises("value expected", function() return tonumber() end)

H.done()
