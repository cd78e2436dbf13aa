-- C calls into libc and libm (no test library needed): LuaJIT's "Calling C functions",
-- conversions of arguments and results, varargs, errno, namespaces and their errors.
local H = require "harness"
local ffi = require "ffi"

ffi.cdef [[
int abs(int);
size_t strlen(const char *);
int errors_declared_but_missing(int);
int parse_asm_fn(int) __asm__("abs");
int strlen_alias(const char *s) __asm__("strlen");
double cos(double);
double frexp(double, int *);
int snprintf(char *, size_t, const char *, ...);
typedef struct { int quot, rem; } div_t;
typedef struct { long long quot, rem; } lldiv_t;
div_t div(int, int);
lldiv_t lldiv(long long, long long);
long strtol(const char *, char **, int);
unsigned long long strtoull(const char *, char **, int);
int open(const char *, int);
char *strerror(int);
void *memset(void *, int, size_t);
int memcmp(const void *, const void *, size_t);
char *strchr(const char *, int);
typedef long time_t;
struct tm { int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
            long tm_gmtoff; const char *tm_zone; };
struct tm *gmtime_r(const time_t *, struct tm *);
size_t strftime(char *, size_t, const char *, const struct tm *);
int toupper(int);
int isdigit(int);
double ldexp(double, int);
float sqrtf(float);
complex double cexp(complex double);
void qsort(void *, size_t, size_t, int (*)(const void *, const void *));
size_t strlen_ref(const char &s) __asm__("strlen");
char &strchr_ref(const char *, int) __asm__("strchr");
int strcmp(const char *, const char *);
double creal(complex double);
]]
local C = ffi.C

local function try(f)
  local ok, r = pcall(f)
  if ok then return r end
  return "error: " .. tostring(r)
end
local function ts(x) return tostring(ffi.typeof(x)) end

-- Declared functions, __asm__ redirects, the function cdata itself.
H.eq(try(function() return C.abs(-7) end), 7, "declared libc function callable")
H.eq(try(function() return C.parse_asm_fn(-9) end), 9, "__asm__ symbol redirection")
H.eq(try(function() return C.strlen_alias("hello") end), 5, "__asm__ redirection to strlen")
H.eq(try(function() return ts(C.abs) end), "ctype<int ()>", "typeof function symbol")
H.ok(rawequal(C.abs, C.abs), "a namespace gives the same function cdata each time")
H.eq(ffi.typeof(ffi.cast("void *", C.abs)), ffi.typeof("void *"), "a function symbol casts to a pointer")
H.ok(ffi.cast("void *", C.abs) == ffi.cast("void *", C.abs), "its address is stable")
H.ok(ffi.cast("void *", C.abs) ~= ffi.cast("void *", C.strlen), "and its own")
H.eq(try(function() return tonumber(C.strlen("abcd")) end), 4, "size_t return value")
H.eq(ffi.typeof(C.strlen("x")), ffi.typeof("size_t"), "a size_t result is a boxed 64-bit cdata")

-- Arguments convert by the implicit rules.
H.eq(C.abs(-2.7), 2, "a number truncates to int")
H.eq(C.abs(true), 1, "a boolean converts to int")
H.eq(C.abs(ffi.new("int64_t", -5)), 5, "an int64 cdata converts to int")
H.eq(C.abs(2^40), -2147483648, "out of int range: cvttsd2si's answer")
H.eq(C.toupper(string.byte("q")), string.byte("Q"), "int in and out")
H.eq(C.ldexp(0.75, 4), 12, "double and int arguments")
H.near(C.sqrtf(2), math.sqrt(2), "float argument and result", 1e-6)
H.eq(C.cos(0), 1, "double result")
local e = ffi.new("int[1]")
H.eq(C.frexp(8, e), 0.5, "frexp result")
H.eq(e[0], 4, "frexp wrote through the int * out parameter")

-- Struct results.
local d = C.div(17, 5)
H.eq(d.quot, 3, "div_t.quot")
H.eq(d.rem, 2, "div_t.rem")
H.eq(ffi.typeof(d), ffi.typeof("div_t"), "a struct result is a new cdata of its type")
local ld = C.lldiv(-17, 5)
H.eq(tonumber(ld.quot), -3, "lldiv quot (16-byte struct in rax:rdx)")
H.eq(tonumber(ld.rem), -2, "lldiv rem")

-- Out parameters through char **.
local endp = ffi.new("char *[1]")
H.eq(tonumber(C.strtol("123xyz", endp, 10)), 123, "strtol value")
H.eq(ffi.string(endp[0]), "xyz", "strtol end pointer")
H.eq(tostring(C.strtoull("18446744073709551615", nil, 10)), "18446744073709551615ULL", "uint64 result exact")

-- Pointers: strings, arrays, nil.
local buf = ffi.new("char[16]")
C.memset(buf, 65, 3)
H.eq(ffi.string(buf), "AAA", "an array argument decays to a pointer")
H.eq(C.memcmp("abc", "abd", 3) < 0, true, "strings pass as const char *")
H.eq(C.strchr("hello", 0x6c) ~= nil, true, "a pointer result is a cdata")
H.eq(ffi.string(C.strchr("hello", 0x6c)), "llo", "a pointer result points into the string")
H.eq(tonumber(ffi.cast("intptr_t", C.strchr("hello", 0x7a))), 0, "a NULL result is a NULL pointer cdata")

-- References: a reference parameter passes the address, a reference result is a
-- reference cdata.
H.eq(tonumber(C.strlen_ref(ffi.new("char[6]", "hello"))), 5, "a reference parameter")
local hello = "hello"
local r = C.strchr_ref(hello, 108)
H.eq(ffi.typeof(r), ffi.typeof("char &"), "a reference result")
H.eq(tonumber(r), 108, "it refers to the found byte")

-- Varargs: numbers as double, strings as const char *, cdata by their type.
local n = C.snprintf(buf, 16, "%g|%s|%d", 2.5, "ab", ffi.new("int", 42))
H.eq(n, 9, "snprintf count")
H.eq(ffi.string(buf), "2.5|ab|42", "snprintf with mixed varargs")
C.snprintf(buf, 16, "%lld", ffi.new("int64_t", -1234567890123))
H.eq(ffi.string(buf), "-1234567890123", "int64 vararg")
C.snprintf(buf, 16, "%.1f", ffi.new("float", 1.5))
H.eq(ffi.string(buf), "1.5", "float vararg promoted to double")

-- errno after a failing call.
ffi.errno(0)
H.eq(C.open("/nonexistent/ffi/path", 0), -1, "open fails")
H.eq(ffi.errno(), 2, "errno saved after the call (ENOENT)")
H.eq(ffi.string(C.strerror(2)) ~= "", true, "strerror")
H.eq(ffi.errno(5), 2, "ffi.errno(new) returns the old value")
H.eq(ffi.errno(), 5, "and sets the new one")

-- gmtime_r and strftime with struct tm.
local t = ffi.new("time_t[1]", 86400 * 365)
local tm = ffi.new("struct tm")
H.ok(C.gmtime_r(t, tm) ~= nil, "gmtime_r")
H.eq(tm.tm_year, 71, "tm_year")
local out = ffi.new("char[32]")
H.eq(tonumber(C.strftime(out, 32, "%Y-%m-%d", tm)), 10, "strftime length")
H.eq(ffi.string(out), "1971-01-01", "strftime text")

-- Complex numbers by value.
local z = C.cexp(ffi.new("complex double", 0, math.pi))
H.near(z.re, -1, "cexp(i*pi) real part", 1e-12)
H.near(z.im, 0, "cexp(i*pi) imaginary part", 1e-12)
H.eq(C.creal(ffi.new("complex double", 3, 4)), 3, "complex argument")

-- Function pointers.
local fp = ffi.cast("int (*)(int)", C.abs)
H.eq(fp(-3), 3, "calling a function pointer cast from a function")
H.eq(tonumber(ffi.cast("size_t (*)(const char *)", C.strlen)("four")), 4, "calling a cast function pointer")

-- A C function passes for a function pointer with the same number of parameters
-- (LuaJIT compares nothing else).
H.ok(pcall(C.qsort, nil, 0, 8, C.strcmp), "strcmp as a qsort comparator")
H.raises("cannot convert 'int (*)()' to 'int (*)()'", C.qsort, nil, 0, 8, C.abs)

-- Errors.
H.raises("bad argument #1 to 'abs'", function() local x = C.abs("x"); return x end)
H.raises("undefined symbol: errors_declared_but_missing", function() return C.errors_declared_but_missing end)
H.raises("missing declaration for symbol 'not_declared_anywhere'", function() return C.not_declared_anywhere end)
H.raises("wrong number of arguments for function call", function() return C.abs() end)
H.raises("wrong number of arguments for function call", function() return C.abs(1, 2) end)
H.raises("wrong number of arguments for function call", function() return C.snprintf(buf) end)
H.raises("cannot convert 'string' to 'int'", function() return C.abs("x") end)
H.raises("bad argument #1", function() return C.abs("x") end)
H.raises("cannot convert 'number' to 'const char *'", function() return C.strlen(5) end)
H.raises("cannot convert 'table' to 'const char *'", function() return C.strlen({}) end)
H.raises("cannot convert 'table' to 'void *'", function() return C.snprintf(buf, 16, "%p", {}) end)
-- (a function not read before: PUC Lua cannot refuse writes to names already cached in
-- the namespace table; see docs/compat.md)
H.raises("attempt to write to constant location", function() C.isdigit = 1 end)
H.raises("string expected, got no value", ffi.load)
H.raises("cannot open shared object file", ffi.load, "errors_no_such_lib_xyz")
H.raises("libno_such_lib_abc.so", ffi.load, "no_such_lib_abc")
-- The state is usable after every error above.
H.eq(C.abs(-1), 1, "calls work after errors")

-- ffi.load's name rules, global loading.
local m = ffi.load("m")
H.eq(m.cos(0), 1, "ffi.load('m') finds libm.so")
local m6 = ffi.load("libm.so.6")
H.eq(m6.cos(0), 1, "a full soname is used as is")
H.ok(rawequal(m.cos, m.cos), "lib.f is cached per namespace")
H.ok(tonumber(ffi.load("c").strlen("abc")) == 3, "ffi.load('c') follows the libc.so linker script")

H.done()
