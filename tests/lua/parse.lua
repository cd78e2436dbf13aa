-- C declaration parsing: ffi.cdef of many declaration kinds, then the layout and
-- identity queries (ffi.typeof/sizeof/alignof/offsetof/istype) and the canonical
-- spelling of types as printed by tostring(ffi.typeof(...)).
-- Assumes an x86-64 / arm64 Linux ABI (LP64, 8-byte pointers, signed char).
local H = require "harness"
local ffi = require "ffi"

local function ts(t, ...) return tostring(ffi.typeof(t, ...)) end
-- Runs f and returns its result, or the error text (so that one failing call
-- is recorded as a failed assertion instead of aborting the script).
local function try(f, ...)
  local ok, v = pcall(f, ...)
  if ok then return v end
  return "error: " .. tostring(v)
end

------------------------------------------------------------------------------
-- Typedefs and basic scalar sizes
------------------------------------------------------------------------------
ffi.cdef [[
typedef int parse_i32;
typedef unsigned long long parse_u64;
typedef parse_i32 parse_i32b;
typedef const char *parse_cstr;
typedef int parse_arr4[4];
typedef struct parse_pt { int x, y; } parse_pt, *parse_ppt;
typedef double parse_d2[2], parse_dd;
]]

H.eq(ffi.sizeof("parse_i32"), 4, "sizeof typedef int")
H.eq(ffi.sizeof("parse_u64"), 8, "sizeof typedef unsigned long long")
H.eq(ffi.sizeof("parse_i32b"), 4, "sizeof typedef of typedef")
H.eq(ffi.sizeof("parse_cstr"), 8, "sizeof typedef pointer")
H.eq(ffi.sizeof("parse_arr4"), 16, "sizeof typedef array")
H.eq(ffi.sizeof("parse_pt"), 8, "sizeof typedef struct")
H.eq(ffi.sizeof("parse_ppt"), 8, "sizeof typedef pointer to struct")
H.eq(ffi.sizeof("parse_d2"), 16, "sizeof second declarator array")
H.eq(ffi.sizeof("parse_dd"), 8, "sizeof third declarator")
H.eq(ts("parse_i32"), "ctype<int>", "typedef resolves to int")
H.eq(ts("parse_i32b"), "ctype<int>", "typedef chain resolves to int")
H.eq(ts("parse_cstr"), "ctype<const char *>", "typedef const char *")
H.eq(ts("parse_arr4"), "ctype<int [4]>", "typedef int[4]")
H.eq(ts("parse_pt"), "ctype<struct parse_pt>", "typedef struct keeps tag")
H.eq(ts("parse_ppt"), "ctype<struct parse_pt *>", "typedef pointer to struct")
H.eq(ts("parse_d2"), "ctype<double [2]>", "typedef double[2]")
H.ok(ffi.typeof("parse_pt") == ffi.typeof("struct parse_pt"), "typedef and tag give the same ctype")
H.ok(ffi.typeof("parse_i32") == ffi.typeof("int"), "typedef int == int")

H.eq(ffi.sizeof("char"), 1, "sizeof char")
H.eq(ffi.sizeof("short"), 2, "sizeof short")
H.eq(ffi.sizeof("int"), 4, "sizeof int")
H.eq(ffi.sizeof("long"), 8, "sizeof long (LP64)")
H.eq(ffi.sizeof("long long"), 8, "sizeof long long")
H.eq(ffi.sizeof("float"), 4, "sizeof float")
H.eq(ffi.sizeof("double"), 8, "sizeof double")
H.eq(ffi.sizeof("bool"), 1, "sizeof bool")
H.eq(ffi.sizeof("_Bool"), 1, "sizeof _Bool")
H.eq(ffi.sizeof("void *"), 8, "sizeof void *")
H.eq(ffi.sizeof("int (*)(void)"), 8, "sizeof function pointer")
H.eq(ffi.sizeof("complex"), 16, "sizeof complex")
H.eq(ffi.sizeof("complex float"), 8, "sizeof complex float")
H.eq(ffi.sizeof("int8_t"), 1, "sizeof int8_t")
H.eq(ffi.sizeof("uint16_t"), 2, "sizeof uint16_t")
H.eq(ffi.sizeof("int32_t"), 4, "sizeof int32_t")
H.eq(ffi.sizeof("uint64_t"), 8, "sizeof uint64_t")
H.eq(ffi.sizeof("size_t"), 8, "sizeof size_t")
H.eq(ffi.sizeof("intptr_t"), 8, "sizeof intptr_t")
H.eq(ffi.sizeof("uintptr_t"), 8, "sizeof uintptr_t")
H.eq(ffi.sizeof("ptrdiff_t"), 8, "sizeof ptrdiff_t")
H.eq(ffi.sizeof("wchar_t"), 4, "sizeof wchar_t")
H.eq(ffi.sizeof("char[7]"), 7, "sizeof char[7]")
H.eq(ffi.sizeof("int[2][3]"), 24, "sizeof int[2][3]")
H.eq(ffi.sizeof("int[0]"), 0, "sizeof zero-length array")
H.eq(ffi.sizeof("struct {}"), 0, "sizeof empty struct")
H.eq(ffi.sizeof("unsigned short int"), 2, "sizeof unsigned short int")
H.eq(ffi.sizeof("long int"), 8, "sizeof long int")
H.eq(ffi.sizeof("signed"), 4, "sizeof signed")
H.eq(ffi.sizeof("unsigned"), 4, "sizeof unsigned")
H.eq(ffi.sizeof("__int8"), 1, "sizeof MSVC __int8")
H.eq(ffi.sizeof("__int64"), 8, "sizeof MSVC __int64")
H.eq(ffi.sizeof("void"), nil, "sizeof void is nil")
H.eq(ffi.sizeof("int (void)"), nil, "sizeof function type is nil")

H.eq(ffi.alignof("char"), 1, "alignof char")
H.eq(ffi.alignof("short"), 2, "alignof short")
H.eq(ffi.alignof("int"), 4, "alignof int")
H.eq(ffi.alignof("double"), 8, "alignof double")
H.eq(ffi.alignof("int64_t"), 8, "alignof int64_t")
H.eq(ffi.alignof("void *"), 8, "alignof pointer")
H.eq(ffi.alignof("complex"), 8, "alignof complex")
H.eq(ffi.alignof("int[5]"), 4, "alignof array = element alignment")

------------------------------------------------------------------------------
-- Structs and unions: layout, nesting, anonymous members
------------------------------------------------------------------------------
ffi.cdef [[
struct parse_mixed { char c; int i; short s; double d; char tail; };
union parse_un { char c; int i; double d; char buf[12]; };
struct parse_outer {
  int tag;
  struct parse_inner { short a; short b; } inr;
  union { int ui; float uf; };
  struct { char s1; char s2; };
  struct parse_inner arr[2];
  int last;
};
struct parse_self { struct parse_self *next; int v; };
struct parse_fwd;
typedef struct parse_fwd parse_fwd_t;
struct parse_flex { int n; double d[?]; };
struct parse_zero { int n; char d[]; };
struct parse_with_const { int a; static const int LIMIT = 16; int b; };
]]

H.eq(ffi.sizeof("struct parse_mixed"), 32, "sizeof mixed struct with padding")
H.eq(ffi.alignof("struct parse_mixed"), 8, "alignof mixed struct")
H.eq(ffi.offsetof("struct parse_mixed", "c"), 0, "offsetof c")
H.eq(ffi.offsetof("struct parse_mixed", "i"), 4, "offsetof i")
H.eq(ffi.offsetof("struct parse_mixed", "s"), 8, "offsetof s")
H.eq(ffi.offsetof("struct parse_mixed", "d"), 16, "offsetof d")
H.eq(ffi.offsetof("struct parse_mixed", "tail"), 24, "offsetof tail")
H.eq(ffi.offsetof("struct parse_mixed", "nope"), nil, "offsetof unknown member is nil")
H.eq(select("#", ffi.offsetof("struct parse_mixed", "i")), 1, "offsetof plain field returns one value")

H.eq(ffi.sizeof("union parse_un"), 16, "sizeof union (rounded to double)")
H.eq(ffi.alignof("union parse_un"), 8, "alignof union")
H.eq(ffi.offsetof("union parse_un", "d"), 0, "union members at offset 0")
H.eq(ffi.offsetof("union parse_un", "buf"), 0, "union array member at offset 0")

H.eq(ffi.sizeof("struct parse_inner"), 4, "nested struct tag declared globally")
H.eq(ffi.offsetof("struct parse_outer", "inr"), 4, "offsetof nested struct")
H.eq(ffi.offsetof("struct parse_outer", "ui"), 8, "offsetof anonymous union member")
H.eq(ffi.offsetof("struct parse_outer", "uf"), 8, "offsetof anonymous union member 2")
H.eq(ffi.offsetof("struct parse_outer", "s1"), 12, "offsetof anonymous struct member")
H.eq(ffi.offsetof("struct parse_outer", "s2"), 13, "offsetof anonymous struct member 2")
H.eq(ffi.offsetof("struct parse_outer", "arr"), 14, "offsetof array of structs")
H.eq(ffi.offsetof("struct parse_outer", "last"), 24, "offsetof last")
H.eq(ffi.sizeof("struct parse_outer"), 28, "sizeof outer")
do
  local o = ffi.new("struct parse_outer")
  o.ui = 0x3f800000
  H.eq(o.uf, 1, "anonymous union members alias")
  o.s2 = 7
  o.arr[1].b = 9
  H.eq(o.s2, 7, "anonymous struct member read back")
  H.eq(o.arr[1].b, 9, "nested array of struct member")
  H.eq(ts(o.inr), "ctype<struct parse_inner &>", "nested struct field is a reference")
end
H.eq(ffi.sizeof("struct parse_self"), 16, "self-referencing struct")
H.eq(ts("struct parse_self *"), "ctype<struct parse_self *>", "pointer to self-referencing struct")
H.eq(ffi.sizeof("parse_fwd_t"), nil, "sizeof incomplete struct is nil")
H.eq(ts("parse_fwd_t *"), "ctype<struct parse_fwd *>", "pointer to incomplete struct")
H.eq(ffi.sizeof("struct parse_flex", 3), 32, "sizeof VLS with 3 elements")
H.eq(ffi.sizeof("struct parse_flex", 0), 8, "sizeof VLS with 0 elements")
H.eq(ffi.sizeof(ffi.new("struct parse_flex", 5)), 48, "sizeof VLS instance")
H.eq(ffi.sizeof("struct parse_zero"), 4, "flexible array member adds no size")
H.eq(ffi.offsetof("struct parse_zero", "d"), 4, "offsetof flexible array member")
H.eq(ffi.sizeof("int[?]", 5), 20, "sizeof VLA with count")
H.eq(ffi.sizeof(ffi.new("int[?]", 6)), 24, "sizeof VLA instance")
H.eq(ffi.sizeof("struct parse_with_const"), 8, "scoped static const takes no space")
H.eq(ffi.offsetof("struct parse_with_const", "b"), 4, "offset after scoped static const")
H.eq(ffi.new("struct parse_with_const").LIMIT, 16, "scoped static const via instance")

------------------------------------------------------------------------------
-- Bitfields
------------------------------------------------------------------------------
ffi.cdef [[
struct parse_bf { unsigned a:3; unsigned b:5; int c:12; unsigned d:1; };
struct parse_bf2 { char x; unsigned int f:4; unsigned int :0; unsigned int g:2; };
]]
H.eq(ffi.sizeof("struct parse_bf"), 4, "bitfields pack into one int")
do
  local o, bp, bs = ffi.offsetof("struct parse_bf", "a")
  H.eq(o, 0, "bitfield a offset") H.eq(bp, 0, "bitfield a bitpos") H.eq(bs, 3, "bitfield a bitsize")
  o, bp, bs = ffi.offsetof("struct parse_bf", "b")
  H.eq(o, 0, "bitfield b offset") H.eq(bp, 3, "bitfield b bitpos") H.eq(bs, 5, "bitfield b bitsize")
  o, bp, bs = ffi.offsetof("struct parse_bf", "c")
  H.eq(o, 0, "bitfield c offset") H.eq(bp, 8, "bitfield c bitpos") H.eq(bs, 12, "bitfield c bitsize")
  o, bp, bs = ffi.offsetof("struct parse_bf", "d")
  H.eq(bp, 20, "bitfield d bitpos") H.eq(bs, 1, "bitfield d bitsize")
  H.eq(select("#", ffi.offsetof("struct parse_bf", "d")), 3, "offsetof bitfield returns 3 values")
  local v = ffi.new("struct parse_bf")
  v.a = 9           -- truncated to 3 bits
  v.c = -5
  v.b = 31
  H.eq(v.a, 1, "unsigned bitfield truncation")
  H.eq(v.c, -5, "signed bitfield sign extension")
  H.eq(v.b, 31, "bitfield max value")
  H.eq(v.d, 0, "untouched bitfield is zero")
end
H.eq(ffi.sizeof("struct parse_bf2"), 8, "zero-width bitfield forces new unit")
do
  local o, bp = ffi.offsetof("struct parse_bf2", "g")
  H.eq(o, 4, "bitfield after :0 starts at next unit")
  H.eq(bp, 0, "bitfield after :0 bitpos 0")
  local o2, bp2, bs2 = ffi.offsetof("struct parse_bf2", "f")
  H.eq(o2 * 8 + bp2, 8, "bitfield after char starts at bit 8")
  H.eq(bs2, 4, "bitfield f bitsize")
end

------------------------------------------------------------------------------
-- Packing and alignment
------------------------------------------------------------------------------
ffi.cdef [[
#pragma pack(push, 1)
struct parse_packed1 { char c; int i; short s; };
#pragma pack(2)
struct parse_packed2 { char c; int i; double d; };
#pragma pack(pop)
struct parse_unpacked { char c; int i; };
#pragma pack(4)
struct parse_packed4 { char c; double d; };
#pragma pack()
struct parse_unpacked2 { char c; double d; };
struct parse_attr_packed { char c; double d; } __attribute__((packed));
struct parse_al { char c; int i __attribute__((aligned(16))); };
struct parse_al2 { char c; } __attribute__((aligned(8)));
struct __attribute__((__packed__)) parse_attr_packed2 { char c; int i; };
typedef int parse_aint __attribute__((aligned(8)));
struct parse_al3 { char c; parse_aint x; };
]]
H.eq(ffi.sizeof("struct parse_packed1"), 7, "pragma pack(1) size")
H.eq(ffi.offsetof("struct parse_packed1", "i"), 1, "pragma pack(1) offset")
H.eq(ffi.alignof("struct parse_packed1"), 1, "pragma pack(1) align")
H.eq(ffi.sizeof("struct parse_packed2"), 14, "pragma pack(2) size")
H.eq(ffi.offsetof("struct parse_packed2", "i"), 2, "pragma pack(2) offset i")
H.eq(ffi.offsetof("struct parse_packed2", "d"), 6, "pragma pack(2) offset d")
H.eq(ffi.alignof("struct parse_packed2"), 2, "pragma pack(2) align")
H.eq(ffi.sizeof("struct parse_unpacked"), 8, "pack(pop) restores default")
H.eq(ffi.sizeof("struct parse_packed4"), 12, "pragma pack(4) size")
H.eq(ffi.offsetof("struct parse_packed4", "d"), 4, "pragma pack(4) offset")
H.eq(ffi.sizeof("struct parse_unpacked2"), 16, "pack() restores default")
H.eq(ffi.sizeof("struct parse_attr_packed"), 9, "__attribute__((packed)) size")
H.eq(ffi.alignof("struct parse_attr_packed"), 1, "__attribute__((packed)) align")
H.eq(ffi.offsetof("struct parse_attr_packed", "d"), 1, "__attribute__((packed)) offset")
H.eq(ffi.sizeof("struct parse_attr_packed2"), 5, "__attribute__((__packed__)) before tag")
H.eq(ffi.offsetof("struct parse_al", "i"), 16, "aligned(16) member offset")
H.eq(ffi.sizeof("struct parse_al"), 32, "aligned(16) member struct size")
H.eq(ffi.alignof("struct parse_al"), 16, "aligned(16) member struct align")
H.eq(ffi.sizeof("struct parse_al2"), 8, "aligned(8) struct size")
H.eq(ffi.alignof("struct parse_al2"), 8, "aligned(8) struct align")
H.eq(ffi.alignof("parse_aint"), 8, "aligned typedef")
H.eq(ffi.offsetof("struct parse_al3", "x"), 8, "member of aligned typedef")

------------------------------------------------------------------------------
-- Enums and constant expressions
------------------------------------------------------------------------------
ffi.cdef [[
enum parse_E { PARSE_A, PARSE_B = 5, PARSE_C, PARSE_D = PARSE_B * 2 + 1,
  PARSE_SH = 1 << 4, PARSE_NEG = -3, PARSE_NOT = ~0, PARSE_DIV = (3 + 4) / 2,
  PARSE_MOD = 17 % 5, PARSE_CH = 'A', PARSE_HEX = 0x10 | 0x3, PARSE_OCT = 010,
  PARSE_TERN = PARSE_B > 3 ? 100 : 200, PARSE_LOG = (1 && 0) || 1,
  PARSE_XOR = 6 ^ 3, PARSE_AND = 12 & 10, PARSE_SHR = 256 >> 2,
  PARSE_SIZE = sizeof(int) + sizeof(double), PARSE_CMP = (2 == 2) + (3 != 3),
  PARSE_ALIGN = __alignof__(double) };
enum parse_F { PARSE_F0 = PARSE_C + 1, PARSE_F1 };
enum parse_fwd_e;
static const int parse_K = 42;
static const int parse_K2 = parse_K * 2 + PARSE_B;
static const unsigned char parse_KC = 300;
typedef enum { PARSE_ANON0 = 10, PARSE_ANON1 } parse_anon_e;
struct parse_enum_in_struct { enum { PARSE_IN_A = 77, PARSE_IN_B } kind; int v; };
]]
H.eq(ffi.C.PARSE_A, 0, "enum first value")
H.eq(ffi.C.PARSE_B, 5, "enum explicit value")
H.eq(ffi.C.PARSE_C, 6, "enum implicit increment")
H.eq(ffi.C.PARSE_D, 11, "enum refers to earlier constant")
H.eq(ffi.C.PARSE_SH, 16, "enum shift")
H.eq(ffi.C.PARSE_NEG, -3, "enum negative")
H.eq(ffi.C.PARSE_NOT, -1, "enum bitwise not")
H.eq(ffi.C.PARSE_DIV, 3, "enum integer division")
H.eq(ffi.C.PARSE_MOD, 2, "enum modulo")
H.eq(ffi.C.PARSE_CH, 65, "enum char literal")
H.eq(ffi.C.PARSE_HEX, 19, "enum hex and or")
H.eq(ffi.C.PARSE_OCT, 8, "enum octal literal")
H.eq(ffi.C.PARSE_TERN, 100, "enum ternary")
H.eq(ffi.C.PARSE_LOG, 1, "enum logical ops")
H.eq(ffi.C.PARSE_XOR, 5, "enum xor")
H.eq(ffi.C.PARSE_AND, 8, "enum and")
H.eq(ffi.C.PARSE_SHR, 64, "enum shift right")
H.eq(ffi.C.PARSE_SIZE, 12, "enum sizeof expression")
H.eq(ffi.C.PARSE_CMP, 1, "enum comparisons")
H.eq(ffi.C.PARSE_ALIGN, 8, "enum __alignof__")
H.eq(ffi.C.PARSE_F0, 7, "enum refers to another enum")
H.eq(ffi.C.PARSE_F1, 8, "enum continues after expression")
H.eq(type(ffi.C.PARSE_B), "number", "enum constant is a number")
H.eq(ffi.C.parse_K, 42, "static const int")
H.eq(ffi.C.parse_K2, 89, "static const from expression")
H.eq(ffi.C.parse_KC, 44, "static const unsigned char truncates")
H.eq(ffi.C.PARSE_ANON0, 10, "anonymous typedef enum")
H.eq(ffi.C.PARSE_ANON1, 11, "anonymous typedef enum next")
H.eq(ffi.C.PARSE_IN_B, 78, "enum inside struct is global")
H.eq(ffi.sizeof("enum parse_E"), 4, "sizeof enum")
H.eq(ffi.sizeof("parse_anon_e"), 4, "sizeof anonymous enum typedef")
H.eq(ffi.sizeof("struct parse_enum_in_struct"), 8, "struct with enum member")
H.eq(ts("enum parse_E"), "ctype<enum parse_E>", "enum spelling")
H.eq(ts("enum parse_fwd_e *"), "ctype<enum parse_fwd_e *>", "incomplete enum pointer")
do
  local e = ffi.new("enum parse_E", "PARSE_C")
  H.eq(tonumber(e), 6, "enum initialized from string name")
  local s = ffi.new("struct parse_enum_in_struct")
  s.kind = "PARSE_IN_B"
  H.eq(tonumber(s.kind), 78, "enum field set by name")
end

------------------------------------------------------------------------------
-- Function declarations and other declarators
------------------------------------------------------------------------------
ffi.cdef [[
int parse_fn(int a, const char *b, ...);
void parse_void_fn(void);
double parse_noparams();
typedef int (*parse_cb)(int, double);
typedef void (*parse_cb2)(void *ud, const char *(*getter)(int));
int parse_cdecl_fn(int) __attribute__((cdecl));
int parse_asm_fn(int) __asm__("abs");
extern int parse_extern_var;
static inline int parse_inline_fn(int x) { return x + 1; }
int strlen_alias(const char *s) __asm__("strlen");
size_t strlen(const char *);
int abs(int);
__extension__ typedef long long parse_ext_ll;
typedef int __attribute__((mode(__DI__))) parse_mode_di;
typedef const volatile int parse_cv;
typedef int parse_fnt(int);
]]
H.eq(ts("parse_cb"), "ctype<int (*)()>", "function pointer typedef spelling")
H.eq(ffi.sizeof("parse_cb"), 8, "sizeof function pointer typedef")
H.eq(ffi.sizeof("parse_cb2"), 8, "sizeof nested function pointer typedef")
H.eq(ffi.sizeof("parse_ext_ll"), 8, "__extension__ typedef")
H.eq(ffi.sizeof("parse_mode_di"), 8, "mode(__DI__) typedef")
H.eq(ts("parse_cv"), "ctype<const volatile int>", "const volatile typedef")
H.eq(ts("parse_fnt *"), "ctype<int (*)()>", "pointer to function typedef")
-- Re-declaring the same function is accepted.
ffi.cdef [[ int abs(int); ]]
H.ok(true, "redeclaring a function is accepted")
-- Comments are skipped.
ffi.cdef [[
/* block comment */ typedef int parse_commented; // line comment
]]
H.eq(ffi.sizeof("parse_commented"), 4, "comments are skipped")
-- Last declaration without trailing semicolon at end of input.
ffi.cdef "typedef short parse_nosemi"
H.eq(ffi.sizeof("parse_nosemi"), 2, "final declaration may omit ';'")
-- Multiple cdef calls and empty cdef.
ffi.cdef ""
ffi.cdef "  "
H.ok(true, "empty cdef is accepted")

------------------------------------------------------------------------------
-- $ parameters in cdef and typeof
------------------------------------------------------------------------------
do
  local int_t = ffi.typeof("int")
  H.eq(ts("$ *", int_t), "ctype<int *>", "$ * with ctype")
  H.eq(ts("$[$]", ffi.typeof("double"), 4), "ctype<double [4]>", "$[$] with ctype and number")
  H.eq(ts("$", ffi.new("int[3]")), "ctype<int [3]>", "$ with cdata takes its type")
  H.eq(ts("$ *", ffi.new("short")), "ctype<short *>", "$ * with scalar cdata")
  local S = ffi.typeof("struct { $ x; int $; }", ffi.typeof("char"), "yy")
  H.eq(ffi.offsetof(S, "yy"), 4, "$ as field name")
  H.eq(ffi.sizeof(S), 8, "sizeof struct built with $")
  ffi.cdef("typedef $ parse_dt; struct parse_ds { $ f[$]; };",
    ffi.typeof("short"), int_t, 3)
  H.eq(ts("parse_dt"), "ctype<short>", "cdef typedef with $")
  H.eq(ffi.sizeof("struct parse_ds"), 12, "cdef array size with $")
  local P = ffi.typeof("$ *", ffi.typeof("struct parse_pt"))
  H.eq(tostring(ffi.typeof("$[2]", P)), "ctype<struct parse_pt *[2]>", "$ nested pointer type")
  local FP = ffi.typeof("int (*)($, $)", int_t, ffi.typeof("double"))
  H.eq(ffi.sizeof(FP), 8, "$ in function parameters")
end

------------------------------------------------------------------------------
-- ffi.typeof identity and ffi.istype
------------------------------------------------------------------------------
do
  local T = ffi.typeof("struct { int a; }")
  local U = ffi.typeof("struct { int a; }")
  H.ok(T ~= U, "two anonymous structs are distinct types")
  H.ok(ffi.typeof("int *") == ffi.typeof("int*"), "whitespace does not matter")
  H.ok(ffi.typeof("struct parse_mixed") == ffi.typeof("struct parse_mixed"), "same tag same ctype")
  H.ok(ffi.typeof(ffi.new("struct parse_mixed")) == ffi.typeof("struct parse_mixed"), "typeof(cdata)")
  H.ok(ffi.typeof(T) == T, "typeof(ctype) is identity")
  H.eq(ffi.istype(T, ffi.new(T)), true, "istype anonymous struct")
  H.eq(ffi.istype(U, ffi.new(T)), false, "istype other anonymous struct")
  H.eq(ffi.istype("int", 1), false, "istype number is false")
  H.eq(ffi.istype("int", "x"), false, "istype string is false")
  H.eq(ffi.istype("int", ffi.new("int")), true, "istype int")
  H.eq(ffi.istype("const int", ffi.new("int")), true, "istype ignores qualifiers")
  H.eq(ffi.istype("int", ffi.new("unsigned int")), false, "istype signedness matters")
  H.eq(ffi.istype("int *", ffi.new("const int *")), true, "istype pointer ignores qualifiers")
  H.eq(ffi.istype("void *", ffi.new("int *")), false, "istype no void* special case")
  H.eq(ffi.istype("int[3]", ffi.new("int[3]")), true, "istype array")
  H.eq(ffi.istype("int[3]", ffi.new("int[4]")), false, "istype array of other size")
  H.eq(ffi.istype("uint8_t", ffi.new("unsigned char")), true, "istype uint8_t alias")
  H.eq(ffi.istype("parse_pt", ffi.new("struct parse_pt")), true, "istype typedef name")
  H.eq(ffi.istype("struct parse_pt", ffi.new("struct parse_mixed")), false, "istype other struct")
  H.eq(ffi.istype("struct parse_pt *", ffi.new("struct parse_pt *")), true, "istype struct pointer")
end

------------------------------------------------------------------------------
-- Canonical type spellings
------------------------------------------------------------------------------
H.eq(ts("int"), "ctype<int>", "int")
H.eq(ts("unsigned int"), "ctype<unsigned int>", "unsigned int")
H.eq(ts("unsigned"), "ctype<unsigned int>", "unsigned")
H.eq(ts("short"), "ctype<short>", "short")
H.eq(ts("unsigned short int"), "ctype<unsigned short>", "unsigned short int")
H.eq(ts("unsigned char"), "ctype<unsigned char>", "unsigned char")
H.eq(ts("char"), "ctype<char>", "char")
H.eq(ts("uint8_t"), "ctype<unsigned char>", "uint8_t")
H.eq(ts("int64_t"), "ctype<int64_t>", "int64_t")
H.eq(ts("long long"), "ctype<int64_t>", "long long")
H.eq(ts("uint64_t"), "ctype<uint64_t>", "uint64_t")
H.eq(ts("unsigned long long"), "ctype<uint64_t>", "unsigned long long")
H.eq(ts("size_t"), "ctype<uint64_t>", "size_t")
H.eq(ts("float"), "ctype<float>", "float")
H.eq(ts("double"), "ctype<double>", "double")
H.eq(ts("bool"), "ctype<bool>", "bool")
H.eq(ts("_Bool"), "ctype<bool>", "_Bool")
H.eq(ts("void"), "ctype<void>", "void")
H.eq(ts("complex"), "ctype<complex>", "complex")
H.eq(ts("double complex"), "ctype<complex>", "double complex")
H.eq(ts("complex float"), "ctype<complex float>", "complex float")
H.eq(ts("const char"), "ctype<const char>", "const char")
H.eq(ts("volatile int"), "ctype<volatile int>", "volatile int")
H.eq(ts("const int *"), "ctype<const int *>", "pointer to const")
H.eq(ts("int const *"), "ctype<const int *>", "const after type")
H.eq(ts("int *const"), "ctype<int *const>", "const pointer")
H.eq(ts("const char * const *"), "ctype<const char *const *>", "const pointer to const")
H.eq(ts("int **"), "ctype<int **>", "pointer to pointer")
H.eq(ts("int[3][4]"), "ctype<int [3][4]>", "2-d array")
H.eq(ts("char (*)[4]"), "ctype<char (*)[4]>", "pointer to array")
H.eq(ts("int *[3]"), "ctype<int *[3]>", "array of pointers")
H.eq(ts("int[?]"), "ctype<int [?]>", "VLA")
H.eq(tostring(ffi.typeof(ffi.new("int[?]", 3))), "ctype<int [?]>", "typeof VLA instance")
H.eq(ts("int &"), "ctype<int &>", "reference")
H.eq(ts("int (*)(void)"), "ctype<int (*)()>", "function pointer")
H.eq(ts("void (*)(int, char *)"), "ctype<void (*)()>", "function pointer with params")
H.eq(ts("int (*[2])(int)"), "ctype<int (*[2])()>", "array of function pointers")
H.eq(ts("struct parse_mixed"), "ctype<struct parse_mixed>", "struct tag")
H.eq(ts("union parse_un"), "ctype<union parse_un>", "union tag")
H.eq(ts("struct parse_mixed *"), "ctype<struct parse_mixed *>", "struct pointer")
H.eq(ts("struct parse_mixed [2]"), "ctype<struct parse_mixed [2]>", "struct array")
H.ok(ts("struct { int a; }"):match("^ctype<struct %d+>$") ~= nil, "anonymous struct spelled with id")
H.ok(ts("union { int a; }"):match("^ctype<union %d+>$") ~= nil, "anonymous union spelled with id")
H.eq(ts("__const__ int"), "ctype<const int>", "GCC __const__")
H.eq(ts("int __restrict__ *"), "ctype<int *>", "__restrict__ ignored")

H.done()
