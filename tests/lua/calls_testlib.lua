-- Calls into the project's C test library (tests/c/ffitest.c): every argument and
-- result shape the x86-64 SysV convention has, extern variables, function pointers.
local H = require "harness"
local ffi = require "ffi"

local lib = ffi.load(rawget(_G, "FFI_TESTLIB") or os.getenv("FFI_TESTLIB"))

ffi.cdef [[
extern int ffi_counter;
extern const char *ffi_greeting;
extern double ffi_vec[3];
int add_int(int, int);
double add_double(double, double);
float add_float(float, float);
int64_t add_i64(int64_t, int64_t);
uint64_t add_u64(uint64_t, uint64_t);
void noop(void);
int8_t neg_i8(int8_t);
uint8_t inc_u8(uint8_t);
int16_t neg_i16(int16_t);
uint16_t inc_u16(uint16_t);
uint32_t inc_u32(uint32_t);
bool not_bool(bool);
int is_null(const void *);
const char *get_str(void);
int sum_bytes(const unsigned char *, int);
void fill_ints(int *, int);
double mix12(int, double, long, float, short, double, unsigned char, double, long long, float, int, double);
double sum16d(double, double, double, double, double, double, double, double,
              double, double, double, double, double, double, double, double);
long sum10l(long, long, long, long, long, long, long, long, long, long);
typedef struct { int x, y; } point;
typedef struct { double x, y; } dpoint;
typedef struct { float x, y, z; } vec3f;
typedef struct { double d; int i; } mixed;
typedef struct { long a, b, c; } big3;
typedef struct { char c; short s; } small;
typedef struct __attribute__((packed)) { char c; int i; } packed;
typedef union { int i; float f; } intfloat;
typedef struct { int v[3]; } arr3;
typedef struct { point p; double w; } nested;
point point_add(point, point);
dpoint dpoint_scale(dpoint, double);
vec3f vec3f_cross(vec3f, vec3f);
mixed mixed_make(double, int);
double mixed_sum(mixed);
big3 big3_make(long, long, long);
long big3_sum(big3);
int small_sum(small);
int packed_sum(packed);
int intfloat_bits(intfloat);
int arr3_sum(arr3);
double nested_sum(nested);
long struct_after_five(long, long, long, long, long, big3, point, long);
typedef struct { unsigned char b[70000]; } huge;
huge huge_make(unsigned char);
struct bf_inner { unsigned a : 8, b : 4; };
struct bf_outer { double d; struct bf_inner in; };
unsigned bf_sum(struct bf_outer s);
complex double cplx_mul(complex double, complex double);
complex float cplxf_conj(complex float);
double va_sum(int, ...);
long long va_mixed(const char *, ...);
typedef int (*binop)(int, int);
binop get_mul(void);
struct ops { binop add; binop mul; };
void fill_ops(struct ops *);
int apply(binop, int, int);
int never_read(int, int) __asm__("add_int");
]]

-- Scalars of every width, with C narrowing and extension.
H.eq(lib.add_int(2, 3), 5, "int")
H.eq(lib.add_int(2147483647, 1), -2147483648, "int overflow wraps in C")
H.eq(lib.add_double(0.25, 0.5), 0.75, "double")
H.eq(lib.add_float(0.25, 0.5), 0.75, "float")
H.eq(lib.add_i64(ffi.new("int64_t", 2^53), 1), ffi.new("int64_t", 2^53) + 1, "int64 exact beyond 2^53")
H.eq(tostring(lib.add_u64(ffi.cast("uint64_t", 2^63), 5)), "9223372036854775813ULL", "uint64 exact")
H.eq(lib.noop(), nil, "void returns nothing")
H.eq(select("#", lib.noop()), 0, "void returns no value at all")
H.eq(lib.neg_i8(5), -5, "int8 result sign-extended")
H.eq(lib.neg_i8(-128), -128, "int8 -(-128) wraps")
H.eq(lib.inc_u8(255), 0, "uint8 wraps")
H.eq(lib.inc_u8(-1), 0, "uint8 argument takes the low byte")
H.eq(lib.neg_i16(300), -300, "int16")
H.eq(lib.inc_u16(65535), 0, "uint16 wraps")
H.eq(lib.inc_u32(4294967295), 0, "uint32 wraps")
H.eq(lib.inc_u32(7), 8, "uint32")
H.eq(lib.not_bool(true), false, "bool in and out")
H.eq(lib.not_bool(false), true, "bool false")
H.eq(lib.not_bool(0), true, "the number 0 converts to false")
H.eq(lib.not_bool(2), false, "a non-zero number converts to true")
H.eq(lib.is_null(nil), 1, "nil passes as NULL")
H.eq(lib.is_null(ffi.new("int[1]")), 0, "an array passes as its address")
H.eq(ffi.string(lib.get_str()), "from C", "ffi.string of a const char * result")
H.eq(lib.sum_bytes("\1\2\3", 3), 6, "a Lua string as const unsigned char *")
local ints = ffi.new("int[5]")
lib.fill_ints(ints, 5)
H.eq(ints[4], 16, "an int * out parameter")

-- Register exhaustion: the rest goes on the stack.
H.eq(lib.mix12(1, 2.5, 3, 4.5, 5, 6.5, 7, 8.5, 9, 10.5, 11, 12.5), 81, "12 mixed arguments")
H.eq(lib.sum16d(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16), 1496, "16 doubles (8 on the stack)")
H.eq(tonumber(lib.sum10l(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)), 385, "10 longs (4 on the stack)")

-- Structs and unions by value.
local p = lib.point_add(ffi.new("point", 1, 2), ffi.new("point", 10, 20))
H.eq(p.x, 11, "point x (8 bytes in one register)")
H.eq(p.y, 22, "point y")
H.eq(lib.point_add({1, 2}, {3, 4}).y, 6, "struct arguments from table initializers")
local dp = lib.dpoint_scale(ffi.new("dpoint", 1.5, -2), 2)
H.eq(dp.x, 3, "dpoint x (two SSE eightbytes)")
H.eq(dp.y, -4, "dpoint y")
local c = lib.vec3f_cross(ffi.new("vec3f", 1, 0, 0), ffi.new("vec3f", 0, 1, 0))
H.eq(c.z, 1, "vec3f (floats packed in xmm0:xmm1)")
H.eq(c.x, 0, "vec3f x")
local m = lib.mixed_make(2.5, 7)
H.eq(m.d, 2.5, "mixed double in xmm0")
H.eq(m.i, 7, "mixed int in rax")
H.eq(lib.mixed_sum(m), 9.5, "mixed struct argument")
local b = lib.big3_make(1, 2, 3)
H.eq(tonumber(b.c), 3, "24-byte struct returned through a hidden pointer")
H.eq(tonumber(lib.big3_sum(b)), 321, "24-byte struct argument in memory")
H.eq(lib.small_sum(ffi.new("small", 3, 4)), 7, "small struct")
H.eq(lib.intfloat_bits(ffi.new("intfloat", {f = 1.0})), 0x3f800000, "union by value")
H.eq(lib.arr3_sum(ffi.new("arr3", {{1, 2, 3}})), 321, "struct with an array inside")
H.eq(lib.nested_sum(ffi.new("nested", {{1, 2}, 0.5})), 3.5, "nested struct")
H.eq(tonumber(lib.struct_after_five(1, 2, 3, 4, 5, ffi.new("big3", 6, 7, 8), ffi.new("point", 9, 10), 11)), 66,
  "a struct after the registers are used, and arguments after it")
H.eq(lib.bf_sum(ffi.new("struct bf_outer", { 2, { 5, 3 } })), 3052, "bitfields in a nested struct (INTEGER eightbyte)")
local hg = lib.huge_make(42)
H.eq(hg.b[0] + hg.b[69998] * 1000 + hg.b[69999] * 1000000, 7042042, "a 70,000-byte struct result")
H.raises("cannot convert 'struct", function() return lib.point_add(ffi.new("dpoint"), ffi.new("point")) end)

-- Complex numbers.
local z = lib.cplx_mul(ffi.new("complex double", 1, 2), ffi.new("complex double", 3, 4))
H.eq(z.re, -5, "complex double product re")
H.eq(z.im, 10, "complex double product im")
local zf = lib.cplxf_conj(ffi.new("complex float", 1.5, 2))
H.eq(zf.im, -2, "complex float (one SSE eightbyte)")

-- Varargs.
H.eq(lib.va_sum(3, 1.5, 2, 3.5), 7, "double varargs")
H.eq(lib.va_sum(0), 0, "no varargs")
H.eq(tonumber(lib.va_mixed("dilsp", 4, ffi.new("int", 5), ffi.new("int64_t", 6), "seven", ffi.new("int[1]"))),
  4005006005001, "mixed varargs: double, int, int64, string, pointer")
local many = {}
for i = 1, 20 do many[i] = i end
local unpack = rawget(_G, "unpack") or table.unpack
H.eq(lib.va_sum(20, unpack(many)), 210, "20 varargs (12 on the stack)")

-- Function pointers.
local mul = lib.get_mul()
H.eq(mul(6, 7), 42, "calling a returned function pointer")
local ops = ffi.new("struct ops")
lib.fill_ops(ops)
H.eq(ops.add(2, 3), 5, "calling a function pointer read from a struct field")
H.eq(ops.mul(2, 3), 6, "the other field")
H.eq(lib.apply(mul, 3, 4), 12, "a function pointer as an argument")
H.eq(lib.apply(lib.add_int, 3, 4), 7, "a function cdata as a function pointer argument")

-- Extern variables.
H.eq(lib.ffi_counter, 7, "read an extern int")
lib.ffi_counter = 42
H.eq(lib.ffi_counter, 42, "write an extern int")
H.eq(ffi.string(lib.ffi_greeting), "hello", "read an extern const char *")
H.eq(lib.ffi_vec[1], 2.5, "an extern array reads as a reference")
lib.ffi_vec[2] = 9
H.eq(lib.ffi_vec[2], 9, "write through an extern array")
H.raises("cannot convert 'string' to 'int'", function() lib.ffi_counter = "x" end)
H.raises("attempt to write to constant location", function() lib.never_read = 1 end)

H.done()
