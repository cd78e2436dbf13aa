/* The C side of the calls conformance scripts (tests/lua/calls*.lua): small functions
 * whose results show what they received, extern variables, function pointers, and the
 * same shapes with the Win64 convention (gcc's ms_abi). Built by the test harness with
 * `cc -shared -fPIC`. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <complex.h>
#include <stdbool.h>

int ffi_counter = 7;
const char *ffi_greeting = "hello";
double ffi_vec[3] = {1.5, 2.5, 3.5};

int add_int(int a, int b) { return a + b; }
double add_double(double a, double b) { return a + b; }
float add_float(float a, float b) { return a + b; }
int64_t add_i64(int64_t a, int64_t b) { return a + b; }
uint64_t add_u64(uint64_t a, uint64_t b) { return a + b; }
void noop(void) {}
int8_t neg_i8(int8_t x) { return (int8_t)-x; }
uint8_t inc_u8(uint8_t x) { return (uint8_t)(x + 1); }
int16_t neg_i16(int16_t x) { return (int16_t)-x; }
uint16_t inc_u16(uint16_t x) { return (uint16_t)(x + 1); }
uint32_t inc_u32(uint32_t x) { return x + 1; }
_Bool not_bool(_Bool b) { return !b; }
int is_null(const void *p) { return p == 0; }
const char *get_str(void) { return "from C"; }
int sum_bytes(const unsigned char *p, int n) { int s = 0; for (int i = 0; i < n; i++) s += p[i]; return s; }
void fill_ints(int *p, int n) { for (int i = 0; i < n; i++) p[i] = i * i; }

/* Many arguments: six integer and eight vector registers, then the stack. */
double mix12(int a, double b, long c, float d, short e, double f, unsigned char g,
             double h, long long i, float j, int k, double l) {
  return a + b + c + d + e + f + g + h + i + j + k + l;
}
double sum16d(double a1, double a2, double a3, double a4, double a5, double a6, double a7,
              double a8, double a9, double a10, double a11, double a12, double a13,
              double a14, double a15, double a16) {
  return a1 + 2*a2 + 3*a3 + 4*a4 + 5*a5 + 6*a6 + 7*a7 + 8*a8 + 9*a9 + 10*a10 + 11*a11 +
         12*a12 + 13*a13 + 14*a14 + 15*a15 + 16*a16;
}
long sum10l(long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8,
            long a9, long a10) {
  return a1 + 2*a2 + 3*a3 + 4*a4 + 5*a5 + 6*a6 + 7*a7 + 8*a8 + 9*a9 + 10*a10;
}

/* Structs and unions by value. */
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

point point_add(point a, point b) { point r = {a.x + b.x, a.y + b.y}; return r; }
dpoint dpoint_scale(dpoint p, double k) { dpoint r = {p.x * k, p.y * k}; return r; }
vec3f vec3f_cross(vec3f a, vec3f b) {
  vec3f r = {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
  return r;
}
mixed mixed_make(double d, int i) { mixed m = {d, i}; return m; }
double mixed_sum(mixed m) { return m.d + m.i; }
big3 big3_make(long a, long b, long c) { big3 r = {a, b, c}; return r; }
long big3_sum(big3 v) { return v.a + 10 * v.b + 100 * v.c; }
int small_sum(small s) { return s.c + s.s; }
int packed_sum(packed p) { return p.c + p.i; }
int intfloat_bits(intfloat u) { return u.i; }
int arr3_sum(arr3 a) { return a.v[0] + 10 * a.v[1] + 100 * a.v[2]; }
double nested_sum(nested n) { return n.p.x + n.p.y + n.w; }
/* Registers run out: the struct goes whole to the stack, the int after it in a register. */
long struct_after_five(long a, long b, long c, long d, long e, big3 v, point p, long f) {
  return a + b + c + d + e + v.a + v.b + v.c + p.x + p.y + f;
}

double complex cplx_mul(double complex a, double complex b) { return a * b; }
float complex cplxf_conj(float complex a) { return conjf(a); }

/* Varargs. */
double va_sum(int n, ...) {
  va_list ap; va_start(ap, n);
  double s = 0;
  for (int i = 0; i < n; i++) s += va_arg(ap, double);
  va_end(ap);
  return s;
}
long long va_mixed(const char *fmt, ...) {
  /* fmt letters: d double, i int, l int64, s string (length), p pointer (non-null = 1) */
  va_list ap; va_start(ap, fmt);
  long long acc = 0;
  for (const char *f = fmt; *f; f++) {
    acc *= 1000;
    switch (*f) {
      case 'd': acc += (long long)va_arg(ap, double); break;
      case 'i': acc += va_arg(ap, int); break;
      case 'l': acc += va_arg(ap, long long); break;
      case 's': acc += (long long)strlen(va_arg(ap, const char *)); break;
      case 'p': acc += va_arg(ap, void *) != 0; break;
    }
  }
  va_end(ap);
  return acc;
}

/* Function pointers. */
typedef int (*binop)(int, int);
static int mul_int(int a, int b) { return a * b; }
binop get_mul(void) { return mul_int; }
struct ops { binop add; binop mul; };
void fill_ops(struct ops *o) { o->add = add_int; o->mul = mul_int; }
int apply(binop f, int a, int b) { return f(a, b); }

/* The Win64 convention (gcc's ms_abi), the same shapes. */
#define MS __attribute__((ms_abi))
MS int ms_add_int(int a, int b) { return a + b; }
MS double ms_mix(int a, double b, float c, long long d, double e, int f) {
  return a + b + c + d + e + f;
}
MS point ms_point_add(point a, point b) { point r = {a.x + b.x, a.y + b.y}; return r; }
MS dpoint ms_dpoint_scale(dpoint p, double k) { dpoint r = {p.x * k, p.y * k}; return r; }
MS long ms_big3_sum(big3 v) { return v.a + 10 * v.b + 100 * v.c; }
MS big3 ms_big3_make(long a, long b, long c) { big3 r = {a, b, c}; return r; }
MS double ms_va_sum(int n, ...) {
  __builtin_ms_va_list ap; __builtin_ms_va_start(ap, n);
  double s = 0;
  for (int i = 0; i < n; i++) s += __builtin_va_arg(ap, double);
  __builtin_ms_va_end(ap);
  return s;
}

/* A result far larger than any register set: returned through the hidden pointer. */
typedef struct { unsigned char b[70000]; } huge;
huge huge_make(unsigned char c) { huge r; memset(r.b, c, sizeof r.b); r.b[69999] = 7; return r; }
MS huge ms_huge_make(unsigned char c) { huge r; memset(r.b, c, sizeof r.b); r.b[0] = 9; return r; }

/* An ms_abi function reached through pointers whose convention is written last. */
MS long ms_sum5(long a, long b, long c, long d, long e) { return a + 2*b + 3*c + 4*d + 5*e; }
typedef long (*ms5_t)(long, long, long, long, long) __attribute__((ms_abi));
ms5_t get_ms_sum5(void) { return ms_sum5; }
struct ms_holder { long (*f)(long, long, long, long, long) __attribute__((ms_abi)); };
void fill_ms_holder(struct ms_holder *h) { h->f = ms_sum5; }

/* A bitfield inside a nested struct: the second eightbyte is INTEGER. */
struct bf_inner { unsigned a : 8, b : 4; };
struct bf_outer { double d; struct bf_inner in; };
unsigned bf_sum(struct bf_outer s) { return (unsigned)s.d + s.in.a * 10 + s.in.b * 1000; }

/* Callbacks: C calls a Lua function of each shape and hands back what it returned. */
typedef int (*cb_ii)(int, int);
int call_ii(cb_ii f, int a, int b) { return f(a, b); }
long long loop_ii(cb_ii f, int n) { long long s = 0; for (int i = 0; i < n; i++) s += f(i, 1); return s; }
typedef double (*cb_mix)(int8_t, uint16_t, int64_t, float, double, bool, const char *, void *);
double call_mix(cb_mix f) { return f(-5, 65535, -9007199254740993LL, 1.5f, -2.25, true, "str", (void *)0); }
typedef uint8_t (*cb_u8)(uint8_t);
int call_u8(cb_u8 f, int x) { return f((uint8_t)x); }
typedef int64_t (*cb_i64)(int64_t);
int64_t call_i64(cb_i64 f, int64_t x) { return f(x); }
typedef float (*cb_f)(float);
double call_f(cb_f f, float x) { return f(x); }
typedef bool (*cb_b)(int);
int call_b(cb_b f, int x) { return f(x) ? 1 : 0; }
typedef void (*cb_v)(int);
void call_v(cb_v f, int n) { for (int i = 0; i < n; i++) f(i); }
typedef const char *(*cb_s)(void);
int call_s_len(cb_s f) { const char *s = f(); return s ? (int)strlen(s) : -1; }
typedef long (*cb_10)(long, long, long, long, long, long, long, long, long, long);
long call_10(cb_10 f) { return f(1, 2, 3, 4, 5, 6, 7, 8, 9, 10); }
typedef double (*cb_10d)(double, double, double, double, double, double, double, double, double, double);
double call_10d(cb_10d f) { return f(1, 2, 3, 4, 5, 6, 7, 8, 9, 10); }
/* Structs, unions and complex numbers by value, both ways. */
typedef point (*cb_pt)(point, point);
point call_pt(cb_pt f) { point a = {1, 2}, b = {30, 40}; return f(a, b); }
typedef dpoint (*cb_dpt)(dpoint, double);
dpoint call_dpt(cb_dpt f) { dpoint p = {1.5, -2}; return f(p, 4); }
typedef mixed (*cb_mixed)(mixed);
mixed call_mixed(cb_mixed f) { mixed m = {0.5, 7}; return f(m); }
typedef big3 (*cb_big3)(big3, long);
big3 call_big3(cb_big3 f) { big3 v = {1, 2, 3}; return f(v, 10); }
typedef long (*cb_after5)(long, long, long, long, long, big3, point, long);
long call_after5(cb_after5 f) { big3 v = {6, 7, 8}; point p = {9, 10}; return f(1, 2, 3, 4, 5, v, p, 11); }
typedef int (*cb_packed)(packed, small, intfloat, arr3);
int call_packed(cb_packed f) {
  packed p = {1, 200000}; small s = {3, 4000}; intfloat u; u.f = 1.0f; arr3 a = {{5, 6, 7}};
  return f(p, s, u, a);
}
typedef double complex (*cb_cplx)(double complex, float complex);
double complex call_cplx(cb_cplx f) { return f(1.0 + 2.0 * I, 3.0f - 4.0f * I); }
typedef huge (*cb_huge)(unsigned char);
int call_huge(cb_huge f) { huge h = f(3); return h.b[0] + h.b[69999] * 1000; }
typedef struct bf_outer (*cb_bf)(struct bf_outer);
unsigned call_bf(cb_bf f) { struct bf_outer s = {2.0, {5, 3}}; struct bf_outer r = f(s); return (unsigned)r.d + r.in.a * 10 + r.in.b * 1000; }
/* Win64 callbacks, called from ms_abi code. */
typedef MS double (*ms_cb)(int, double, float, long long, double, int);
MS double ms_call(ms_cb f) { return f(1, 2.5, 3.5f, 4, 5.5, 6); }
typedef MS big3 (*ms_cb_big)(big3, point);
MS long ms_call_big(ms_cb_big f) { big3 v = {1, 2, 3}; point p = {4, 5}; big3 r = f(v, p); return r.a + 10 * r.b + 100 * r.c; }
typedef MS dpoint (*ms_cb_dpt)(dpoint, double);
MS double ms_call_dpt(ms_cb_dpt f) { dpoint p = {1, 2}; dpoint r = f(p, 3); return r.x + 10 * r.y; }
/* A callback kept by C and called later. */
static cb_ii kept;
void keep_cb(cb_ii f) { kept = f; }
int call_kept(int a, int b) { return kept(a, b); }
void *cb_address(cb_ii f) { return (void *)f; }
