-- Calls beyond LuaJIT: the Win64 convention on Linux (gcc's ms_abi), packed structs by
-- value as gcc passes them (LuaJIT passes them in registers and the callee reads
-- garbage), and a NULL function pointer call as a Lua error (LuaJIT crashes).
local H = require "harness"
local ffi = require "ffi"

local path = rawget(_G, "FFI_TESTLIB") or os.getenv("FFI_TESTLIB")

-- A function kept after its namespace was collected keeps its library loaded (LuaJIT
-- unloads the library and the call crashes). Run alone (scripts/valgrind.sh runs this
-- script in a fresh process), nothing else holds the library here.
ffi.cdef "int add_int(int, int);"
local kept = ffi.load(path).add_int
collectgarbage(); collectgarbage()
H.eq(kept(2, 3), 5, "a function outlives its collected namespace")

local lib = ffi.load(path)

ffi.cdef [[
typedef struct { int x, y; } point;
typedef struct { double x, y; } dpoint;
typedef struct { long a, b, c; } big3;
typedef struct __attribute__((packed)) { char c; int i; } packed;
int packed_sum(packed);
int ms_add_int(int, int) __attribute__((ms_abi));
__attribute__((ms_abi)) double ms_mix(int, double, float, long long, double, int);
point ms_point_add(point, point) __attribute__((ms_abi));
dpoint ms_dpoint_scale(dpoint, double) __attribute__((ms_abi));
long ms_big3_sum(big3) __attribute__((ms_abi));
big3 ms_big3_make(long, long, long) __attribute__((ms_abi));
double ms_va_sum(int, ...) __attribute__((ms_abi));
typedef struct { unsigned char b[70000]; } huge;
huge ms_huge_make(unsigned char) __attribute__((ms_abi));
typedef long (*ms5_t)(long, long, long, long, long) __attribute__((ms_abi));
ms5_t get_ms_sum5(void);
struct ms_holder { long (*f)(long, long, long, long, long) __attribute__((ms_abi)); };
void fill_ms_holder(struct ms_holder *);
]]

H.eq(lib.packed_sum(ffi.new("packed", 3, 40)), 43, "packed struct (misaligned member: passed in memory)")

H.eq(lib.ms_add_int(2, 3), 5, "ms_abi int")
H.eq(lib.ms_mix(1, 2.5, 3.5, 4, 5.5, 6), 22.5, "ms_abi mixed (slots 4 and 5 on the stack)")
local p = lib.ms_point_add(ffi.new("point", 1, 2), ffi.new("point", 10, 20))
H.eq(p.x + p.y, 33, "ms_abi 8-byte struct in a register both ways")
local d = lib.ms_dpoint_scale(ffi.new("dpoint", 1, 2), 3)
H.eq(d.y, 6, "ms_abi 16-byte struct by reference, result through a hidden pointer")
H.eq(tonumber(lib.ms_big3_sum(ffi.new("big3", 1, 2, 3))), 321, "ms_abi 24-byte struct by reference")
H.eq(tonumber(lib.ms_big3_make(4, 5, 6).b), 5, "ms_abi struct result through a hidden pointer")
-- The convention written after a function-pointer declarator applies (as gcc does it).
H.eq(tonumber(lib.get_ms_sum5()(1, 2, 3, 4, 5)), 55, "ms_abi function pointer typedef")
local holder = ffi.new("struct ms_holder")
lib.fill_ms_holder(holder)
H.eq(tonumber(holder.f(5, 4, 3, 2, 1)), 35, "ms_abi function pointer struct field")
local hg = lib.ms_huge_make(5)
H.eq(hg.b[0] * 1000 + hg.b[69999], 9005, "ms_abi 70,000-byte struct result")
H.eq(lib.ms_va_sum(3, 1.5, 2, 3.5), 7, "ms_abi varargs (doubles in both registers)")
H.eq(lib.ms_va_sum(6, 1, 2, 3, 4, 5, 6), 21, "ms_abi varargs on the stack")

-- Namespace functions are C closures (LuaJIT: cdata); ffi treats them as their function
-- cdata everywhere.
ffi.cdef "int abs(int);"
H.eq(type(ffi.C.abs), "function", "a namespace function is a Lua C function")
H.eq(tostring(ffi.typeof(ffi.C.abs)), "ctype<int ()>", "ffi.typeof of it is the function's ctype")
H.ok(ffi.istype("int (*)(int)", ffi.cast("int (*)(int)", ffi.C.abs)), "it casts to a function pointer")

-- A namespace's library owner is a userdata entry; putting something else there makes
-- lookups fail cleanly (never a bogus library handle).
local z = ffi.load(path)
for k in pairs(z) do
  if type(k) == "userdata" then z[k] = ffi.new("char[32]") end
end
H.raises("namespace expected", function() return z.ms_add_int end)

local null = ffi.cast("int (*)(int)", 0)
H.raises("attempt to call a NULL function pointer", function() return null(1) end)
H.eq(lib.ms_add_int(1, 1), 2, "calls work after the error")

H.done()
