/*
 * Hand-written C layout corpus for ffi-core.
 *
 * Every struct/union tag and every typedef of an untagged struct/union below is
 * laid out by ffi-core and by gcc (x86-64 Linux, plain and with -mms-bitfields);
 * sizeof, _Alignof, offsetof and bitfield positions must agree.
 *
 * Rules for this file: declarations only, no preprocessor directives except
 * #pragma pack forms (each pragma region ends with "#pragma pack()"), no plain
 * long, no long double, no types not declared here. Case names are c<NNN>_...
 * Bitfields are never const (the oracle assigns to every named bitfield).
 */

/* ------------------------------------------------------------------------- */
/* Helper typedefs                                                            */
/* ------------------------------------------------------------------------- */

typedef unsigned char u8_t;
typedef signed char s8_t;
typedef unsigned short u16_t;
typedef short s16_t;
typedef unsigned int u32_t;
typedef int s32_t;
typedef unsigned long long u64_t;
typedef long long s64_t;

/* machine-mode integer typedefs */
typedef int qi_t __attribute__((mode(QI)));
typedef unsigned int uqi_t __attribute__((mode(QI)));
typedef int hi_t __attribute__((mode(HI)));
typedef unsigned int uhi_t __attribute__((__mode__(__HI__)));
typedef int si_t __attribute__((mode(SI)));
typedef unsigned int usi_t __attribute__((mode(SI)));
typedef int di_t __attribute__((mode(DI)));
typedef unsigned int udi_t __attribute__((__mode__(DI)));

/* gcc vector types */
typedef float v4sf __attribute__((vector_size(16)));
typedef int v2si __attribute__((vector_size(8)));
typedef double v4df __attribute__((vector_size(32)));
typedef short v8hi __attribute__((vector_size(16)));
typedef char v8qi __attribute__((vector_size(8)));
typedef long long v2di __attribute__((__vector_size__(16)));
typedef float v2sf __attribute__((vector_size(8)));

/* over- and under-aligned scalar typedefs */
typedef int a8_t __attribute__((aligned(8)));
typedef char a4c_t __attribute__((aligned(4)));
typedef short a16s_t __attribute__((__aligned__(16)));
typedef long long a32ll_t __attribute__((aligned(32)));
typedef double a16d_t __attribute__((aligned(16)));
typedef int a2i_t __attribute__((aligned(2)));
typedef double a4d_t __attribute__((aligned(4)));
typedef long long a1ll_t __attribute__((aligned(1)));

/* array and function typedefs */
typedef int c_int3_t[3];
typedef c_int3_t c_int3x2_t[2];
typedef char c_name16_t[16];
typedef int (*c_cb_t)(void *, int);
typedef void c_fn_t(int);
typedef double (*c_math_fp_t)(double, double);

/* enums */
enum c_e_small { CES_A, CES_B, CES_C, CES_D = 10 };
enum c_e_neg { CEN_M = -5, CEN_Z = 0, CEN_P = 7 };
enum c_e_negmin { CENM_MIN = -2147483648, CENM_MAX = 2147483647 };
enum c_e_big { CEB_A = 0x80000000, CEB_B = 0xffffffff };
enum c_e_huge { CEH_A = 0, CEH_B = 0x100000000 };
enum c_e_negbig { CENB_A = -1, CENB_B = 0x80000000 };
enum __attribute__((packed)) c_e_p1 { CEP1_A, CEP1_B = 200 };
enum __attribute__((packed)) c_e_p1s { CEP1S_A = -1, CEP1S_B = 100 };
enum __attribute__((packed)) c_e_p2 { CEP2_A = 0, CEP2_B = 300 };
enum __attribute__((packed)) c_e_p2s { CEP2S_A = -200, CEP2S_B = 200 };
enum __attribute__((packed)) c_e_p4 { CEP4_A = 0, CEP4_B = 70000 };
enum __attribute__((packed)) c_e_p8 { CEP8_A = 0, CEP8_B = 0x100000000 };
enum c_e_pafter { CEPA_A, CEPA_B } __attribute__((packed));
enum __attribute__((__packed__)) c_e_pdunder { CEPD_A = -3, CEPD_B = 3 };
typedef enum { CET_X, CET_Y, CET_Z } c_e_t;
typedef enum __attribute__((packed)) { CETP_X = 1, CETP_Y = 2 } c_e_packed_t;

/* ------------------------------------------------------------------------- */
/* Scalars                                                                    */
/* ------------------------------------------------------------------------- */

struct c001_char { char a; };
struct c002_schar { signed char a; };
struct c003_uchar { unsigned char a; };
struct c004_short { short a; };
struct c005_ushort { unsigned short a; };
struct c006_int { int a; };
struct c007_uint { unsigned int a; };
struct c008_ll { long long a; };
struct c009_ull { unsigned long long a; };
struct c010_bool { _Bool a; };
struct c011_float { float a; };
struct c012_double { double a; };
struct c013_ptr { void *a; };
struct c014_fptr { int (*a)(int, int); };
struct c015_fcomplex { float _Complex a; };
struct c016_dcomplex { double _Complex a; };
struct c017_char_int { char a; int b; };
struct c018_char_short { char a; short b; };
struct c019_char_ll { char a; long long b; };
struct c020_char_double { char a; double b; };
struct c021_int_char { int a; char b; };
struct c022_ll_char { long long a; char b; };
struct c023_short_char_short { short a; char b; short c; };
struct c024_bool_int_bool { _Bool a; int b; _Bool c; };
struct c025_char_float_char { char a; float b; char c; };
struct c026_char_fcomplex { char a; float _Complex b; char c; };
struct c027_char_dcomplex { char a; double _Complex b; };
struct c028_char_ptr { char a; char *b; char c; };

struct c029_all_scalars {
    char a;
    signed char b;
    unsigned char c;
    short d;
    unsigned short e;
    int f;
    unsigned int g;
    long long h;
    unsigned long long i;
    _Bool j;
    float k;
    double l;
    void *m;
    void (*n)(void);
    float _Complex o;
    double _Complex p;
    char q;
};

struct c030_int_spellings {
    signed s;
    unsigned u;
    short int si;
    unsigned short int usi;
    signed short ss;
    short signed int ssi;
    long long int lli;
    signed long long sll;
    long long unsigned int llu;
    unsigned long long int ulli;
    unsigned char uc;
    char c2;
};

struct c031_pointers {
    char *a;
    const char *b;
    int **c;
    struct c001_char *d;
    struct c031_pointers *self;
    void *const e;
    char f;
    double *g[2];
    char (*h)[4];
};

struct c032_fptrs {
    c_cb_t cb;
    c_fn_t *fn;
    void (*arr[3])(int);
    int (*(*fret)(int))(char);
    int (*printf_like)(const char *, ...);
    c_math_fp_t m;
    char tag;
};

struct c033_typedef_ints {
    u8_t a;
    s16_t b;
    u8_t c;
    u64_t d;
    s8_t e;
    u32_t f;
    s64_t g;
    u16_t h;
    s32_t i;
};

struct c034_float_double_mix { float a; double b; float c; float d; double e; float f; };

/* ------------------------------------------------------------------------- */
/* Complex                                                                    */
/* ------------------------------------------------------------------------- */

struct c035_complex_mix { char a; float _Complex b; short c; double _Complex d; char e; };
struct c036_complex_arr { float _Complex a[3]; char b; };
union c037_complex_u { double _Complex a; char b[17]; };
struct c038_complex_spell { _Complex float a; char x; _Complex double b; float _Complex c; };
struct c039_complex_after_int { int a; float _Complex b; int c; double _Complex d[2]; };

/* ------------------------------------------------------------------------- */
/* Arrays                                                                     */
/* ------------------------------------------------------------------------- */

struct c040_char_arr { char a[3]; };
struct c041_short_arr_char { short a[3]; char b; };
struct c042_int_arr2d { int a[2][3]; char b; };
struct c043_char_arr3d { char a[2][3][5]; };
struct c044_ll_arr_mix { char a; long long b[2]; char c[7]; };
struct c045_double_arr2d { char a; double b[3][2]; };
struct c046_ptr_arr { char a; void *b[4]; };
struct c047_arr_of_structs { struct c017_char_int a[3]; char b; };
struct c048_arr2d_structs { struct c023_short_char_short a[2][2]; char b; };
struct c049_bool_arr { _Bool a[5]; int b; };
struct c050_one_elem { float a[1]; char b[1]; };
struct c051_typedef_arr { char a; c_int3_t b; c_int3x2_t c; c_name16_t name; char d; };
struct c052_char_arr_big { char a[100]; double b; };
struct c053_enum_arr { char a; enum c_e_small b[3]; enum c_e_p1 c[5]; };
struct c054_complex_arr2d { char a; double _Complex b[2][2]; };
struct c055_arr_4d { short a[2][2][2][3]; char b; };
struct c056_arr_of_unions { char a; union c056_u { char c; int i; } u[3]; };
struct c057_fptr_arr2d { char a; int (*f[2][2])(void); };

/* ------------------------------------------------------------------------- */
/* Nested structs and unions                                                  */
/* ------------------------------------------------------------------------- */

struct c060_outer { char a; struct c060_inner { char x; int y; } in; char b; };
struct c061_outer { struct c061_mid { struct c061_inner { long long z; char q; } i; char m; } mid; char o; };
struct c062_nested_union { char a; union c062_u { int i; double d; char c[3]; } u; short s; };

struct c063_deep {
    struct {
        struct {
            struct {
                struct {
                    char a;
                    double b;
                } l4;
                char c;
            } l3;
            short d;
        } l2;
        char e;
    } l1;
    char f;
};

struct c064_nested_arr { struct { char a; short b; } pairs[3]; char tail; };
struct c065_uses_inner { struct c060_inner a; struct c061_inner b; union c062_u c; };
struct c066_nested_mixed { int a; union { struct { char x; char y; } xy; long long all; } u; char b; };

struct c067_deep_tagged {
    char a;
    struct c067_l1 {
        short b;
        union c067_l2 {
            char c;
            struct c067_l3 {
                double d;
                struct c067_l4 {
                    char e;
                    union c067_l5 {
                        int f;
                        char g[5];
                    } l5;
                } l4;
            } l3;
        } l2;
    } l1;
    char h;
};

struct c068_self_ref { struct c068_self_ref *next; struct c068_self_ref *prev; int v; };

/* ------------------------------------------------------------------------- */
/* Anonymous (transparent) members                                            */
/* ------------------------------------------------------------------------- */

struct c070_anon_struct { char a; struct { int b; char c; }; short d; };
struct c071_anon_union { char a; union { int b; double c; }; char d; };
struct c072_anon_deep { int a; union { struct { char b; char c; }; struct { short d; long long e; }; }; char f; };
union c073_u_anon_struct { struct { char a; int b; }; struct { short c; short d; short e; }; long long f; };
struct c074_anon_bitfields { char a; struct { unsigned int b:3; unsigned int c:5; }; char d; };
struct c075_anon_union_bits { union { unsigned int raw; struct { unsigned int lo:16; unsigned int hi:16; }; }; char tail; };
struct c076_anon_nested_named { struct { int x; struct { char y; double z; } named; }; char w; };
struct c077_anon_packed { char a; struct __attribute__((packed)) { char b; int c; }; char d; };
struct c078_anon_aligned { char a; struct { char b; } __attribute__((aligned(8))); char c; };

struct c079_anon_many_levels {
    char a;
    union {
        struct {
            union {
                struct {
                    short b;
                    char c;
                };
                int d;
            };
            char e;
        };
        double f;
    };
    char g;
};

/* ------------------------------------------------------------------------- */
/* Unions of different sizes                                                  */
/* ------------------------------------------------------------------------- */

union c080_u_char_short { char a; short b; };
union c081_u_arr3_short { char a[3]; short b; };
union c082_u_arr5_int { char a[5]; int b; };
union c083_u_double_arr9 { double a; char b[9]; };
union c084_u_ll_arr13 { long long a; char b[13]; };
union c085_u_struct_members { struct c017_char_int a; struct c019_char_ll b; char c[20]; };
union c086_u_float_int { float f; int i; unsigned char bytes[4]; };
union c087_u_ptr_fptr { void *p; void (*f)(void); char c; };
union c088_u_complex { float _Complex fc; double _Complex dc; short s[9]; };
union c089_u_single { char a; };
union c090_u_nested_union { union c080_u_char_short a; union c082_u_arr5_int b; };
union c091_u_bool_ll { _Bool b; unsigned long long u; };
union c092_u_short_arr3 { short a[3]; char b; };
union c093_u_float_arr3 { float a[3]; short b[7]; };
union c094_u_vec { v4sf v; float f[4]; char c; };
union c095_u_enums { enum c_e_p1 a; enum c_e_p2 b; char c[3]; };
typedef union { char a[7]; short b; } c096_u_t;
typedef union { long long a; int b[3]; } c097_u_t;

/* ------------------------------------------------------------------------- */
/* Flexible array members, zero-length arrays, empty aggregates               */
/* ------------------------------------------------------------------------- */

struct c100_fam_int { int n; int x[]; };
struct c101_fam_char_after_ll { long long a; char b; char x[]; };
struct c102_fam_double_after_char { char a; double x[]; };
struct c103_fam_struct { short n; struct c017_char_int items[]; };
struct c104_zla_end { int n; int x[0]; };
struct c105_zla_mid { char a; long long z[0]; char b; };
struct c106_zla_only { int x[0]; };
struct c107_zla_char_end { double d; char c; char x[0]; };
struct c108_fam_after_bitfield { unsigned int a:3; unsigned int b:7; char x[]; };
union c109_u_zla { int x[0]; char c; };
struct c110_fam_ptr { int n; void *x[]; };
struct c111_zla_struct_elem { char a; struct c019_char_ll z[0]; };
struct c112_fam_2d { char a; short x[][3]; };
struct c113_zla_after_bf { char a:3; int z[0]; char b; };
struct c114_fam_complex { char a; double _Complex x[]; };

struct c115_empty {};
struct c116_empty_member { char a; struct c115_empty e; int b; };
struct c117_empty_arr { struct c115_empty e[4]; char c; };
typedef struct {} c118_empty_t;
union c119_empty_union {};
struct c120_empty_aligned { } __attribute__((aligned(8)));
struct c121_has_empty_aligned { char a; struct c120_empty_aligned e; char b; };
struct c122_empty_first { struct c115_empty e; long long a; };
struct __attribute__((packed)) c123_empty_packed {};

/* ------------------------------------------------------------------------- */
/* Enums as members                                                           */
/* ------------------------------------------------------------------------- */

struct c125_enum_members { char a; enum c_e_small b; char c; enum c_e_neg d; };
struct c126_enum_big { char a; enum c_e_big b; enum c_e_negmin c; };
struct c127_enum_huge { char a; enum c_e_huge b; char c; enum c_e_negbig d; };
struct c128_enum_packed { char a; enum c_e_p1 b; enum c_e_p2 c; enum c_e_p1s d; enum c_e_p4 e; enum c_e_p2s f; };
struct c129_enum_packed8 { char a; enum c_e_p8 b; enum c_e_pafter c; enum c_e_pdunder d; };
struct c130_enum_typedef { c_e_t a; char b; c_e_packed_t c; char d; };
struct c131_enum_inline { char a; enum c131_color { C131_R, C131_G = 5 } color; char b; enum __attribute__((packed)) c131_tiny { C131_T0, C131_T1 } tiny; };
union c132_enum_union { enum c_e_huge a; enum c_e_p2 b; char c[3]; };

/* ------------------------------------------------------------------------- */
/* Bitfields: basics                                                          */
/* ------------------------------------------------------------------------- */

struct c140_bf_basic { unsigned int a:1; unsigned int b:2; unsigned int c:3; };
struct c141_bf_signed { int a:5; signed int b:7; int c:20; };
struct c142_bf_fill_int { unsigned int a:16; unsigned int b:16; };
struct c143_bf_cross_int { unsigned int a:30; unsigned int b:4; };
struct c144_bf_full_int { int a:32; int b:1; };
struct c145_bf_char { unsigned char a:3; unsigned char b:3; unsigned char c:3; };
struct c146_bf_schar { signed char a:4; signed char b:5; char c; };
struct c147_bf_short { short a:9; short b:9; short c:9; };
struct c148_bf_ushort_cross { unsigned short a:12; unsigned short b:6; };
struct c149_bf_ll { long long a:40; long long b:30; };
struct c150_bf_ull { unsigned long long a:63; unsigned long long b:1; unsigned long long c:2; };
struct c151_bf_int_ll { int a:20; long long b:40; };
struct c152_bf_char_ll { char a; long long b:60; };
struct c153_bf_char_ll_fit { char a; long long b:56; };
struct c154_bf_bool { _Bool a:1; _Bool b:1; _Bool c:1; int d; };
struct c155_bf_bool_mix { _Bool a:1; unsigned int b:31; _Bool c:1; };
struct c156_bf_mixed_seq { char a:3; int b:7; short c:9; long long d:33; char e:5; };
struct c157_bf_mixed_seq2 { unsigned char a:7; unsigned short b:10; unsigned int c:17; unsigned long long d:40; };
struct c158_bf_then_normal { unsigned int a:3; char b; unsigned int c:5; short d; };
struct c159_bf_normal_then { char a; unsigned int b:9; char c; };
struct c160_bf_unnamed { int a:3; int :5; int b:4; int :2; char c; };
struct c161_bf_zero_start { int :0; char a; };
struct c162_bf_zero_mid { char a; int :0; char b; };
struct c163_bf_zero_after_bf { unsigned int a:3; unsigned int :0; unsigned int b:3; };
struct c164_bf_zero_char { unsigned char a:3; unsigned char :0; unsigned char b:3; };
struct c165_bf_zero_ll { char a; long long :0; char b; };
struct c166_bf_zero_short_after_char { char a:2; short :0; char b:2; };
struct c167_bf_zero_end { int a:3; int :0; };
struct c168_bf_zero_between_normal { double d; int :0; char c; };
struct c169_bf_zero_multi { char a; int :0; int :0; long long :0; char b; short :0; char c; };
struct c170_bf_unnamed_nonzero_types { char a; short :3; long long :7; char b; };
struct c171_bf_unnamed_filler_end { long long a:3; long long :61; char b; };
struct c172_bf_long_sequence { unsigned a:1, b:1, c:1, d:1, e:1, f:1, g:1, h:1, i:1, j:1, k:1, l:1, m:1, n:1, o:1, p:1, q:1; };
struct c173_bf_char_then_int_fit { char a:4; int b:28; };
struct c174_bf_char_then_int_cross { char a:4; int b:29; };
struct c175_bf_short_straddle { char a; short b:9; };
struct c176_bf_short_fit { char a; short b:8; };
struct c177_bf_ll_after_int { int a; long long b:33; };
struct c178_bf_ll_after_int_fit { int a; long long b:32; int c; };
struct c179_bf_int_then_char { int a:31; char b:2; };
struct c180_bf_bool_straddle { unsigned char a:7; _Bool b:1; _Bool c:1; };
struct c181_bf_ll_full { unsigned long long a:64; char b; };
struct c182_bf_many_small { unsigned char a:2, b:2, c:2, d:2, e:2, f:2, g:2, h:2; };
struct c183_bf_width1_all { signed char a:1; unsigned char b:1; char c:1; short d:1; int e:1; long long f:1; _Bool g:1; };
struct c184_bf_short_int_short { short a:5; int b:20; short c:10; };
struct c185_bf_int_short_char { int a:12; short b:12; char c:7; };
struct c186_bf_ll_char_tail { long long a:7; char b:7; char c:7; char d:7; };
struct c187_bf_after_double { double a; unsigned int b:1; };
struct c188_bf_after_arr { char a[3]; unsigned int b:9; unsigned int c:15; };
struct c189_bf_after_short_arr { short a[3]; long long b:17; };

/* ------------------------------------------------------------------------- */
/* Bitfields in unions                                                        */
/* ------------------------------------------------------------------------- */

union c190_u_bf { unsigned int a:3; unsigned int b:17; char c; };
union c191_u_bf_ll { unsigned long long a:40; char b[3]; };
union c192_u_bf_char { unsigned char a:3; unsigned char b:7; };
union c193_u_bf_zero { int a:5; int :0; char b; };
union c194_u_struct_bf { struct c140_bf_basic s; struct c156_bf_mixed_seq t; unsigned int raw; };
union c195_u_named_bf { unsigned short raw; struct { unsigned short lo:4; unsigned short mid:8; unsigned short hi:4; } f; };
union c196_u_reg { u32_t word; struct { u32_t en:1; u32_t mode:3; u32_t :4; u32_t div:8; u32_t :0; } bits; u8_t b[4]; };
union c197_u_bf_bool { _Bool a:1; short b:9; };
union c198_u_bf_unnamed_wide { char a; long long :40; };
union c199_u_bf_mixed { char a:3; short b:11; int c:25; long long d:50; };

/* ------------------------------------------------------------------------- */
/* __attribute__((packed))                                                    */
/* ------------------------------------------------------------------------- */

struct __attribute__((packed)) c200_packed_before { char a; int b; short c; };
struct c201_packed_after { char a; int b; long long c; } __attribute__((packed));
struct c202_packed_field { char a; int b __attribute__((packed)); char c; };
struct c203_packed_field_ll { char a; long long b __attribute__((packed)); int c; };
struct __attribute__((__packed__)) c204_packed_dunder { char a; double b; };
struct __attribute__((packed)) c205_packed_nested { char a; struct c017_char_int b; char c; };
struct c206_packed_member_struct { char a; struct c200_packed_before b; int c; };
struct c207_packed_arr { char a; int b[3]; } __attribute__((packed));
struct __attribute__((packed)) c208_packed_bf { char a; int b:31; int c:2; };
struct __attribute__((packed)) c209_packed_bf2 { unsigned char a:3; unsigned int b:30; unsigned short c:7; };
struct __attribute__((packed)) c210_packed_bf_ll { char a:5; long long b:61; char c; };
struct c211_packed_bf_field { char a:3; int b:20 __attribute__((packed)); char c; };
struct __attribute__((packed)) c212_packed_union_member { char a; union c086_u_float_int u; };
union __attribute__((packed)) c213_packed_union { char a; int b; long long c[2]; };
union c214_packed_union_after { short a; char b[3]; } __attribute__((packed));
struct __attribute__((packed)) c215_packed_complex { char a; double _Complex b; float _Complex c; };
struct __attribute__((packed)) c216_packed_ptr_fp { char a; void *b; void (*c)(void); };
struct __attribute__((packed)) c217_packed_enum { char a; enum c_e_small b; enum c_e_huge c; };
struct __attribute__((packed)) c218_packed_bool_bf { _Bool a:1; unsigned int b:9; _Bool c:1; unsigned long long d:50; };
struct __attribute__((packed)) c219_packed_zero_bf { char a; int :0; char b; long long :0; char c; };
struct __attribute__((packed)) c220_packed_vec { char a; v4sf b; v2si c; };
struct __attribute__((packed)) c221_packed_short_straddle { char a:7; short b:10; short c:15; };
struct __attribute__((packed)) c222_packed_ll_straddle { int a:30; long long b:50; int c:20; };
struct c223_packed_some_fields { char a; int b __attribute__((packed)); short c __attribute__((packed)); long long d; };
struct c224_packed_bf_fields { char a; unsigned int b:12 __attribute__((packed)); unsigned long long c:40 __attribute__((packed)); };
typedef struct __attribute__((packed)) { char a; short b; int c; long long d; } c225_packed_t;
typedef struct { char a; long long b; } __attribute__((packed)) c226_packed_after_t;
struct c227_contains_packed_typedefs { char a; c225_packed_t b; char c; c226_packed_after_t d; };
struct __attribute__((packed)) c228_packed_arr_structs { char a; struct c019_char_ll b[2]; };
struct __attribute__((packed)) c229_packed_anon { char a; union { int b; short c; }; struct { char d; long long e; }; };

/* ------------------------------------------------------------------------- */
/* __attribute__((aligned(N)))                                                */
/* ------------------------------------------------------------------------- */

struct __attribute__((aligned(8))) c230_aligned_before { char a; };
struct c231_aligned_after { char a; short b; } __attribute__((aligned(16)));
struct c232_aligned_field { char a; int b __attribute__((aligned(8))); char c; };
struct c233_aligned_field_char { char a; char b __attribute__((aligned(16))); };
struct c234_aligned_dunder { char a; int b __attribute__((__aligned__(8))); } __attribute__((__aligned__(32)));
struct c235_aligned_64 { int a; } __attribute__((aligned(64)));
struct c236_aligned_member_of { char a; struct c235_aligned_64 b; char c; };
struct c237_aligned_typedef_member { char a; a8_t b; char c; a4c_t d; char e; a16s_t f; char g; };
struct c238_aligned_typedef_ll { char a; a32ll_t b; a16d_t c; };
struct c239_reduced_typedef { char a; a2i_t b; char c; a4d_t d; char e; a1ll_t f; };
struct c240_aligned_less { int a __attribute__((aligned(1))); char b; };
struct __attribute__((aligned(2))) c241_aligned_lower_struct { int a; };
struct c242_aligned_arr { char a; char b[3] __attribute__((aligned(8))); char c; };
struct __attribute__((aligned(8))) c243_aligned_bf { unsigned int a:3; };
struct c244_aligned_packed { char a; int b; } __attribute__((packed, aligned(4)));
struct __attribute__((packed, aligned(2))) c245_packed_aligned_before { char a; long long b; char c; };
struct __attribute__((packed)) c246_packed_aligned_field { char a; int b __attribute__((aligned(8))); char c; };
struct __attribute__((packed)) c247_packed_aligned_member_type { char a; struct c230_aligned_before b; char c; };
typedef struct c248_td_aligned { char a; } __attribute__((aligned(4))) c248_td_aligned_t;
typedef struct { char a; short b; } c249_plain_t __attribute__((aligned(8)));
struct c250_aligned_typedef_struct_use { char a; c249_plain_t b; char c; };
struct c251_aligned_vec { char a; v4df b; };
struct c252_aligned_128 { char a __attribute__((aligned(128))); };
struct c253_aligned_fields_multi { char a __attribute__((aligned(2))); char b __attribute__((aligned(4))); char c __attribute__((aligned(8))); };
struct c254_aligned_inner_type { char a; struct { char x; } __attribute__((aligned(16))) b; char c; };
union c255_aligned_union { char a; int b; } __attribute__((aligned(16)));
union __attribute__((aligned(8))) c256_aligned_union_before { char a[3]; };
union c257_union_aligned_field { char a __attribute__((aligned(32))); double b; };
struct c258_aligned_packed_field { char a; int b __attribute__((packed, aligned(2))); char c; };
struct c259_aligned_ll_field_in_packed_after { char a; long long b __attribute__((aligned(16))); } __attribute__((packed));
struct c260_aligned_bf_member_struct { char a; struct c243_aligned_bf b; char c; };
struct __attribute__((aligned(4), packed)) c261_aligned_then_packed { short a; char b; int c; };
typedef struct { int a; char b; } __attribute__((aligned(32))) c262_aligned_anon_t;
struct c263_aligned_anon_member { char a; c262_aligned_anon_t b; };
struct c264_aligned_complex { char a; float _Complex b __attribute__((aligned(16))); char c; };
struct c265_aligned_field_after_bf { unsigned int a:5; char b __attribute__((aligned(4))); unsigned int c:5; };

/* ------------------------------------------------------------------------- */
/* #pragma pack                                                               */
/* ------------------------------------------------------------------------- */

#pragma pack(1)
struct c270_pp1 { char a; int b; short c; };
struct c271_pp1_ll { char a; long long b; double c; char d; };
struct c272_pp1_bf { char a; unsigned int b:13; unsigned int c:19; char d; };
struct c273_pp1_bf_straddle { unsigned char a:5; unsigned short b:14; unsigned int c:30; };
struct c274_pp1_nested { char a; struct c274_inner { char x; int y; } in; char b; };
union c275_pp1_union { char a[3]; int b; };
struct c276_pp1_aligned_field { char a; int b __attribute__((aligned(8))); char c; };
struct c277_pp1_member_normal { char a; struct c017_char_int b; char c; };
struct c278_pp1_zero_bf { char a; int :0; char b; long long c:3; long long :0; char d; };
typedef struct { char a; double b; } c279_pp1_t;
#pragma pack()

#pragma pack(2)
struct c280_pp2 { char a; int b; char c; };
struct c281_pp2_ll { char a; long long b; };
struct c282_pp2_bf { char a; int b:20; int c:15; };
struct c283_pp2_short { char a; short b; char c; };
struct c284_pp2_char_only { char a; char b[3]; };
struct c285_pp2_complex { char a; double _Complex b; char c; };
struct c286_pp2_bf_ll { char a:3; long long b:45; short c:9; };
union c287_pp2_union { char a[5]; long long b; };
#pragma pack()

#pragma pack(4)
struct c288_pp4 { char a; long long b; char c; };
struct c289_pp4_double { char a; double b; short c; };
struct c290_pp4_bf { char a; long long b:40; long long c:30; };
struct c291_pp4_complex { char a; double _Complex b; };
struct c292_pp4_vec { char a; v4sf b; };
struct c293_pp4_aligned_struct_member { char a; struct c230_aligned_before b; };
struct c294_pp4_zero_ll { char a; long long :0; char b; };
#pragma pack()

#pragma pack(push, 1)
struct c295_push1 { short a; int b; };
#pragma pack(push, 4)
struct c296_push4_inner { char a; long long b; };
#pragma pack(pop)
struct c297_after_inner_pop { char a; long long b; };
#pragma pack(pop)
struct c298_after_outer_pop { char a; long long b; };
#pragma pack()

#pragma pack(8)
struct c299_pp8 { char a; long long b; v4sf c; };
#pragma pack()

#pragma pack(16)
struct c300_pp16 { char a; long long b; v4sf c; double _Complex d; };
#pragma pack()

#pragma pack(push)
#pragma pack(2)
struct c301_push_then_set { char a; int b; unsigned int c:17; unsigned int d:17; };
#pragma pack(pop)
struct c302_after_plain_pop { char a; int b; };
#pragma pack()

#pragma pack(push, 2)
struct c303_pp2_packed_attr { char a; int b; } __attribute__((packed));
struct __attribute__((aligned(8))) c304_pp2_aligned_attr { char a; int b; };
struct c305_pp2_bool_bf { _Bool a:1; _Bool b:1; int c:3; char d; };
#pragma pack(pop)
#pragma pack()

#pragma pack(1)
struct c306_pp1_ms_mix { char a:3; int b:7; short c:9; long long d:33; char e:5; };
union c307_pp1_union_bf { unsigned int a:20; unsigned char b; };
struct c308_pp1_enum { char a; enum c_e_small b; enum c_e_huge c; };
struct c309_pp1_fptr { char a; void (*f)(void); char b; };
#pragma pack()

/* ------------------------------------------------------------------------- */
/* mode() typedefs                                                            */
/* ------------------------------------------------------------------------- */

struct c310_mode { qi_t a; hi_t b; si_t c; di_t d; };
struct c311_mode_unsigned { uqi_t a; udi_t b; uhi_t c; usi_t d; };
struct c312_mode_bf { qi_t a:3; hi_t b:10; si_t c:20; di_t d:40; };
union c313_mode_u { qi_t a[3]; hi_t b; };
struct c314_mode_mix { char a; di_t b; qi_t c; hi_t d; };

/* ------------------------------------------------------------------------- */
/* Vector types                                                               */
/* ------------------------------------------------------------------------- */

struct c315_vec4sf { char a; v4sf b; };
struct c316_vec2si { char a; v2si b; char c; };
struct c317_vec4df { char a; v4df b; };
struct c318_vec_mix { v2si a; v4sf b; v8hi c; v8qi d; v2di e; v2sf f; char g; };
union c319_vec_union { v4sf v; float f[4]; int i[4]; };
struct c320_vec_arr { v2si a[3]; char b; };
union c321_vec_df_union { v4df a; char b; };

/* ------------------------------------------------------------------------- */
/* Qualifiers and GNU keywords                                                */
/* ------------------------------------------------------------------------- */

struct c322_cv { const char a; volatile int b; const volatile double c; char *const d; const char *volatile e; };
struct c323_restrict { char *__restrict a; int *__restrict b; char c; void *__restrict__ d; };
__extension__ struct c324_ext { char a; __extension__ long long b; };
__extension__ typedef struct { int a; char b; } c325_ext_t;
struct c326_ext_anon { char a; __extension__ union { int b; float c; }; };
struct c327_cv_struct_member { const struct c017_char_int a; volatile union c080_u_char_short b; };
struct c328_restrict_kw { void *restrict a; char b; };
struct c329_volatile_bf { volatile unsigned int a:3; volatile unsigned int b:5; char c; };

/* ------------------------------------------------------------------------- */
/* Members of typedef'd struct types                                          */
/* ------------------------------------------------------------------------- */

typedef struct { char a; int b; } c330_pair_t;
typedef struct c331_node { struct c331_node *next; int v; } c331_node_t;
typedef union { int i; float f; } c332_num_t;
typedef struct c333_tagged { double d; char c; } c333_alias_t;
typedef c333_alias_t c334_alias2_t;
typedef struct c333_tagged c335_alias3_t;
struct c336_uses_typedefs { c330_pair_t a; c331_node_t b; c332_num_t c[2]; c334_alias2_t d; c335_alias3_t e; char f; };
typedef struct c337_fwd c337_fwd_t;
struct c337_fwd { c337_fwd_t *self; char a; };
struct c338_arr_typedef { c330_pair_t a[3]; c332_num_t b[2][2]; char c; };
typedef struct __attribute__((packed)) { char a; int b; } c339_packed_t;
typedef struct { char a; c339_packed_t b; int c; } c340_has_packed_t;
typedef struct { c340_has_packed_t a; c330_pair_t b; } c341_nested_typedefs_t;
typedef struct { unsigned int x:4; unsigned int y:4; } c342_bf_t;
struct c343_uses_bf_typedef { char a; c342_bf_t b; c342_bf_t c[2]; char d; };
typedef union { c342_bf_t bf; unsigned char raw; } c344_bf_union_t;
struct c345_uses_bf_union { c344_bf_union_t a; short b; };

/* ------------------------------------------------------------------------- */
/* Many small members                                                         */
/* ------------------------------------------------------------------------- */

struct c350_many_chars {
    char a0, a1, a2, a3, a4, a5, a6, a7, a8, a9;
    char b0, b1, b2, b3, b4, b5, b6, b7, b8, b9;
    char c0, c1, c2, c3, c4, c5, c6, c7, c8, c9;
    char d0;
};

struct c351_many_mixed {
    char a;
    short b;
    char c;
    int d;
    char e;
    short f;
    char g;
    long long h;
    char i;
    float j;
    char k;
    double l;
    short m;
    char n;
    char o;
    int p;
    _Bool q;
    _Bool r;
    short s;
    char t;
};

struct c352_many_bools { _Bool b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12; int tail; };
struct c353_many_shorts { short a, b, c, d, e, f, g; char h; };

struct c354_many_bitfields {
    unsigned int f0:1;
    unsigned int f1:2;
    unsigned int f2:3;
    unsigned int f3:4;
    unsigned int f4:5;
    unsigned int f5:6;
    unsigned int f6:7;
    unsigned int f7:8;
    unsigned int f8:9;
    unsigned int f9:10;
    unsigned int f10:11;
    unsigned int f11:12;
    unsigned int f12:13;
    unsigned int f13:14;
    unsigned int f14:15;
    unsigned int f15:16;
};

struct c355_many_mixed_bitfields {
    unsigned char a:1;
    unsigned short b:3;
    unsigned int c:5;
    unsigned long long d:7;
    unsigned char e:2;
    unsigned short f:11;
    unsigned int g:13;
    unsigned long long h:17;
    _Bool i:1;
    signed char j:6;
    short k:14;
    int l:29;
    long long m:47;
};

/* ------------------------------------------------------------------------- */
/* Combinations and deep nesting                                              */
/* ------------------------------------------------------------------------- */

struct c360_combo {
    char tag;
    union {
        struct { unsigned int kind:4; unsigned int flags:12; unsigned int len:16; } hdr;
        unsigned int raw;
    };
    struct c360_payload {
        double values[2];
        union c360_pu { long long l; char s[12]; } u;
    } payload;
    void (*cb)(struct c360_combo *);
    char tail[3];
};

struct c361_combo_packed_nested {
    char a;
    struct __attribute__((packed)) c361_inner {
        char x;
        int y:20;
        long long z;
    } in;
    short b;
};

union c362_union_of_structs_bf {
    struct { unsigned char a:1, b:1, c:6; } s1;
    struct { unsigned short x:9, y:7; } s2;
    struct { unsigned long long p:33, q:31; } s3;
    struct c140_bf_basic s4;
};

struct c363_struct_in_union_in_struct { int a; union { struct { char b; short c; } s; double d; } u; char e[5]; };

struct c364_deep_anon_bf {
    char a;
    union {
        struct {
            unsigned int b:7;
            union {
                unsigned int c:9;
                struct {
                    unsigned char d:3;
                    unsigned char e:5;
                };
            };
        };
        long long f;
    };
};

struct c365_aligned_nested_chain { char a; struct { char b; struct { char c; } __attribute__((aligned(4))) x; } y; char d; };
struct c366_vec_in_packed_nested { char a; struct { char b; v2si c; } __attribute__((packed)) s; };
struct c367_arr_of_aligned_structs { char a; struct c230_aligned_before b[3]; };
struct c368_union_arr_bf { union c190_u_bf a[2]; char b; };
struct c369_arr_typedef_union { char a; c096_u_t b[3]; c097_u_t c; };

/* ------------------------------------------------------------------------- */
/* Bitfield matrix: container type transitions                                */
/* ------------------------------------------------------------------------- */

struct c400_bfm_c_c { char a:5; char b:5; };
struct c401_bfm_c_s { char a:5; short b:5; };
struct c402_bfm_c_i { char a:5; int b:5; };
struct c403_bfm_c_ll { char a:5; long long b:5; };
struct c404_bfm_s_c { short a:5; char b:5; };
struct c405_bfm_s_s { short a:11; short b:11; };
struct c406_bfm_s_i { short a:11; int b:11; };
struct c407_bfm_s_ll { short a:11; long long b:11; };
struct c408_bfm_i_c { int a:5; char b:5; };
struct c409_bfm_i_s { int a:13; short b:5; };
struct c410_bfm_i_i { int a:20; int b:20; };
struct c411_bfm_i_ll { int a:20; long long b:20; };
struct c412_bfm_ll_c { long long a:20; char b:5; };
struct c413_bfm_ll_s { long long a:20; short b:13; };
struct c414_bfm_ll_i { long long a:20; int b:13; };
struct c415_bfm_ll_ll { long long a:40; long long b:40; };
struct c416_bfm_b_c { _Bool a:1; char b:7; };
struct c417_bfm_b_i { _Bool a:1; int b:31; _Bool c:1; };
struct c418_bfm_c_b { char a:7; _Bool b:1; };
struct c419_bfm_uc_sc { unsigned char a:4; signed char b:4; unsigned char c:4; };
struct c420_bfm_us_s { unsigned short a:8; short b:8; unsigned short c:1; };
struct c421_bfm_ui_i { unsigned int a:16; int b:16; unsigned int c:1; };
struct c422_bfm_ull_ll { unsigned long long a:33; long long b:31; unsigned long long c:1; };
struct c423_bfm_c_i_c_i { char a:3; int b:3; char c:3; int d:3; };
struct c424_bfm_i_c_normal { int a:3; char b:3; char c; };
struct c425_bfm_ll_normal_char { long long a:3; char b; };
struct c426_bfm_s_normal_s { short a:3; short b; short c:3; };
struct c427_bfm_c_zero_i { char a:3; int :0; int b:3; };
struct c428_bfm_i_zero_c { int a:3; char :0; char b:3; };
struct c429_bfm_ll_zero_s { long long a:3; short :0; short b:3; };
struct c430_bfm_s_zero_ll { short a:3; long long :0; long long b:3; };
struct c431_bfm_zero_first_ll { long long :0; char a; long long b:3; };
struct c432_bfm_c_unnamed_i { char a:3; int :4; char b:3; };
struct c433_bfm_i_unnamed_c_wide { int a:3; char :8; int b:3; };
struct c434_bfm_ll_unnamed_s { long long a:60; short :8; char b; };
struct c435_bfm_three_types { char a:6; short b:6; char c:6; short d:6; };
struct c436_bfm_full_units { char a:8; short b:16; int c:32; long long d:64; };
struct c437_bfm_alt_full_units { long long a:64; int b:32; short c:16; char d:8; };
struct c438_bfm_after_normal_ll { long long a; char b:1; long long c:63; };
struct c439_bfm_after_normal_int { int a; short b:15; char c:2; int d:15; };
struct c440_bfm_char_run_cross { char a:3; char b:3; char c:3; char d:3; char e:3; char f:3; };
struct c441_bfm_short_run { short a:7; short b:7; short c:7; short d:7; short e:7; };
struct c442_bfm_ll_run { unsigned long long a:21; unsigned long long b:21; unsigned long long c:21; unsigned long long d:21; };
struct c443_bfm_bool_run { _Bool a:1; _Bool b:1; _Bool c:1; _Bool d:1; _Bool e:1; _Bool f:1; _Bool g:1; _Bool h:1; _Bool i:1; };
struct c444_bfm_int_after_bool { _Bool a; int b:8; };
struct c445_bfm_short_after_ll_arr { long long a[1]; short b:3; };
struct c446_bfm_double_then_bf { char a; double b; int c:7; char d:7; };
struct c447_bfm_ptr_then_bf { void *a; unsigned int b:1; void *c; };
struct c448_bfm_zero_only_between_normal { char a; long long :0; short b; int :0; char c; };
struct c449_bfm_many_zero { int :0; char a:1; char :0; short b:1; short :0; int c:1; int :0; long long d:1; long long :0; char e; };

/* ------------------------------------------------------------------------- */
/* Packed / pragma-packed bitfield variants                                   */
/* ------------------------------------------------------------------------- */

struct __attribute__((packed)) c450_pk_c_i { char a:5; int b:5; };
struct __attribute__((packed)) c451_pk_s_ll { short a:11; long long b:55; };
struct __attribute__((packed)) c452_pk_i_s_i { int a:31; short b:3; int c:31; };
struct __attribute__((packed)) c453_pk_bool_ll { _Bool a:1; long long b:63; _Bool c:1; };
struct __attribute__((packed)) c454_pk_normal_bf { char a; short b:3; int c; long long d:9; };
struct __attribute__((packed)) c455_pk_ull_run { unsigned long long a:21; unsigned long long b:21; unsigned long long c:21; unsigned long long d:21; };
struct __attribute__((packed)) c456_pk_zero_mid { unsigned int a:3; unsigned int :0; unsigned int b:3; };
struct __attribute__((packed)) c457_pk_ushort_run { unsigned short a:7; unsigned short b:7; unsigned short c:7; unsigned short d:7; };
union __attribute__((packed)) c458_pk_union_bf { unsigned int a:9; unsigned long long b:33; };
struct c459_pk_member_of_bf { char a; struct c450_pk_c_i b; char c; struct c452_pk_i_s_i d; };

#pragma pack(push, 2)
struct c460_pp2_c_i { char a:5; int b:5; };
struct c461_pp2_s_ll { short a:11; long long b:55; };
struct c462_pp2_i_c_i { int a:31; char b:3; int c:31; };
struct c463_pp2_zero { char a; int :0; char b:3; long long :0; char c; };
struct c464_pp2_straddle { char a; int b:30; int c:30; };
#pragma pack(pop)
#pragma pack()

#pragma pack(push, 4)
struct c465_pp4_c_i { char a:5; int b:5; };
struct c466_pp4_s_ll { short a:11; long long b:55; };
struct c467_pp4_ll_run { unsigned long long a:21; unsigned long long b:21; unsigned long long c:21; unsigned long long d:21; };
struct c468_pp4_mixed { char a; long long b:40; char c; int d:9; };
#pragma pack(pop)
#pragma pack()

#pragma pack(1)
struct c469_pp1_c_i { char a:5; int b:5; };
struct c470_pp1_s_ll { short a:11; long long b:55; };
struct c471_pp1_bool_int { _Bool a:1; int b:31; _Bool c:1; };
struct c472_pp1_char_run { char a:3; char b:3; char c:3; char d:3; char e:3; };
struct c473_pp1_zero { char a; int :0; char b; };
struct c474_pp1_anon_union_bf { char a; union { unsigned int b:10; unsigned short c; }; char d; };
#pragma pack()

/* ------------------------------------------------------------------------- */
/* Misc odd cases                                                             */
/* ------------------------------------------------------------------------- */

struct c480_trailing_pad_ll { long long a; char b; };
struct c481_only_short_then_char { short a; char b; };
struct c482_int_ll_int { int a; long long b; int c; };
struct c483_char_vec_char { char a; v8qi b; char c; };
struct c484_dbl_char_arr { double a; char b[9]; };
struct c485_struct_union_struct { struct c017_char_int a; union c081_u_arr3_short b; struct c023_short_char_short c; };
struct c486_ptr_to_fam { struct c100_fam_int *p; char a; };
struct c487_aligned_typedef_arr_elem { char a; a16d_t b; a8_t c; char d; };
struct c488_mode_vec_enum { qi_t a; v2si b; enum c_e_p1 c; hi_t d; };
struct c489_bool_after_fcomplex { float _Complex a; _Bool b; };
union c490_union_with_anon_struct_bf { struct { unsigned int a:1; unsigned int b:30; }; unsigned long long c; };
struct c491_two_unions { union c080_u_char_short a; union c083_u_double_arr9 b; union c089_u_single c; };
struct c492_nested_empty { struct c115_empty a; struct c115_empty b; char c; struct c115_empty d; };
struct c493_bf_in_nested_typedef { c342_bf_t a; char b; c344_bf_union_t c; };
typedef struct { short a; char b; } c494_short_char_t;
typedef c494_short_char_t c494_arr_t[3];
struct c495_typedef_struct_arr { char a; c494_arr_t b; char c; };
struct c496_vec_bf { v4sf a; unsigned int b:3; };
struct c497_aligned_64_field_in_union_member { char a; union { char b; int c __attribute__((aligned(64))); } u; };
struct __attribute__((packed)) c498_packed_outer_aligned_inner { char a; struct c231_aligned_after b; };
struct c499_final { char a; struct c498_packed_outer_aligned_inner b; struct c360_combo c; double _Complex d; };
