//! Parser and type-table behaviour through the public API: declarations, constants,
//! `$` parameters, redeclaration rules, transactions, and what goes beyond LuaJIT
//! (64-bit constant expressions, gcc attributes, Win64 facts).

use ffi_core::*;

fn table() -> CTypeTable {
    CTypeTable::new(Target::SYSV_X64)
}

fn ty(t: &mut CTypeTable, s: &str) -> CTypeId {
    t.parse_type(s, &[]).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn konst(t: &CTypeTable, name: &str) -> i64 {
    match t.lookup(name) {
        Some(Symbol::Const { value, .. }) => value,
        other => panic!("{name} is not a constant: {other:?}"),
    }
}

fn err(t: &mut CTypeTable, src: &str) -> String {
    match t.cdef(src) {
        Ok(()) => panic!("expected an error for {src:?}"),
        Err(e) => e.message().to_string(),
    }
}

#[test]
fn interning_gives_equal_types_equal_ids() {
    let mut t = table();
    assert_eq!(ty(&mut t, "int"), ids::INT);
    assert_eq!(ty(&mut t, "signed int"), ids::INT);
    assert_eq!(ty(&mut t, "int32_t"), ids::INT);
    assert_eq!(ty(&mut t, "char"), ty(&mut t, "signed char"));
    assert_eq!(ty(&mut t, "long"), ty(&mut t, "int64_t"));
    assert_ne!(ty(&mut t, "long"), ty(&mut t, "long long"));
    assert_eq!(ty(&mut t, "const char *"), ids::PCCHAR);
    let a = ty(&mut t, "int (*)(int, double)");
    let b = ty(&mut t, "int(*)(int,double)");
    assert_eq!(a, b);
    assert_ne!(a, ty(&mut t, "int (*)(int, float)"));
    assert_ne!(a, ty(&mut t, "int (*)(int, double, ...)"));
    assert_eq!(ty(&mut t, "int [3][4]"), ty(&mut t, "int[3][4]"));
    // Qualifying an array qualifies its elements.
    t.cdef("typedef int A4[4];").unwrap();
    assert_eq!(ty(&mut t, "const A4"), ty(&mut t, "const int [4]"));
}

#[test]
fn sizes_and_alignments_of_scalars() {
    let mut t = table();
    for (s, size, align) in [
        ("char", 1, 1),
        ("short", 2, 2),
        ("int", 4, 4),
        ("long", 8, 8),
        ("long long", 8, 8),
        ("float", 4, 4),
        ("double", 8, 8),
        ("long double", 16, 16),
        ("bool", 1, 1),
        ("complex float", 8, 4),
        ("complex", 16, 8),
        ("void *", 8, 8),
        ("wchar_t", 4, 4),
        ("__int128", 16, 16),
        ("unsigned __int128", 16, 16),
        ("_Float128", 16, 16),
        ("float __attribute__((vector_size(16)))", 16, 16),
        ("int __attribute__((mode(HI)))", 2, 2),
        ("int __attribute__((aligned(32)))", 4, 32),
    ] {
        let id = ty(&mut t, s);
        assert_eq!((t.size_of(id), t.align_of(id)), (Some(size), align), "{s}");
    }
    for s in ["void", "int []", "int [?]", "int (int)"] {
        let id = ty(&mut t, s);
        assert_eq!(t.size_of(id), None, "{s}");
    }
}

#[test]
fn win64_target_facts() {
    let mut t = CTypeTable::new(Target::WIN64);
    let l = ty(&mut t, "long");
    assert_eq!(t.size_of(l), Some(4));
    assert_eq!(t.repr(l), "int");
    assert_ne!(l, ids::INT, "long stays a type of its own");
    let w = ty(&mut t, "wchar_t");
    assert_eq!((t.size_of(w), t.repr(w).as_str()), (Some(2), "unsigned short"));
    let ld = ty(&mut t, "long double");
    assert_eq!((t.size_of(ld), t.align_of(ld)), (Some(8), 8));
    let s = ty(&mut t, "size_t");
    assert_eq!(t.repr(s), "uint64_t");
    t.cdef("struct s { char c; long l; };").unwrap();
    let s = ty(&mut t, "struct s");
    assert_eq!(t.size_of(s), Some(8));
}

#[test]
fn constant_expressions_follow_c() {
    let mut t = table();
    t.cdef(
        "enum {
            A = 1 + 2 * 3, B = (1 + 2) * 3, C = 7 / 2, D = -7 / 2, E = -7 % 3, F = 1 << 4,
            G = -16 >> 2, H = ~0, I = !5, J = 3 > 2 && 2 > 3, K = 0 || 2, L = 5 ? 6 : 7,
            M = 0 ? 1/0 : 9, N = 0 && 1/0, O = 1 || 1/0, P = sizeof(double), Q = _Alignof(short),
            R = __alignof__(long long), S = (unsigned char)300, T = (signed char)200,
            U = 'a', V = '\\n', W = '\\x41', X = '\\101', Y = '\\377', Z = 0x10 | 010 | 0b10,
            AA = -1u > 0, AB = -1 < 0u, AC = (int)-1 == -1, AD = 2147483647 + 1 > 0,
            AE = sizeof(int[10]), AF = sizeof \"abc\", AG = (1, 2) == 0,
        };",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let expect = [
        ("A", 7),
        ("B", 9),
        ("C", 3),
        ("D", -3),
        ("E", -1),
        ("F", 16),
        ("G", -4),
        ("H", -1),
        ("I", 0),
        ("J", 0),
        ("K", 1),
        ("L", 6),
        ("M", 9),
        ("N", 0),
        ("O", 1),
        ("P", 8),
        ("Q", 2),
        ("R", 8),
        ("S", 44),
        ("T", -56),
        ("U", 97),
        ("V", 10),
        ("W", 65),
        ("X", 65),
        ("Y", -1),
        ("Z", 26),
        ("AA", 1),
        ("AB", 0),
        ("AC", 1),
        ("AE", 40),
        ("AF", 4),
    ];
    for (n, v) in expect {
        assert_eq!(konst(&t, n), v, "{n}");
    }
    // int overflow in C wraps here (gcc warns); 2147483647 + 1 is INT_MIN, so not > 0.
    assert_eq!(konst(&t, "AD"), 0);
}

#[test]
fn sixty_four_bit_constants_beyond_luajit() {
    let mut t = table();
    t.cdef(
        "enum big { BIG = 0x100000000, NEG = -0x80000001LL, U = 0xffffffffffffffffULL };
         static const unsigned int UMAX = 0xffffffff;
         static const long long L = 1LL << 40;
         static const int WRAP = 0x1ffffffff;",
    )
    .unwrap();
    assert_eq!(konst(&t, "BIG"), 0x1_0000_0000);
    assert_eq!(konst(&t, "NEG"), -0x8000_0001);
    assert_eq!(konst(&t, "U") as u64, u64::MAX);
    assert_eq!(konst(&t, "UMAX"), 0xffff_ffff);
    assert_eq!(konst(&t, "L"), 1 << 40);
    assert_eq!(konst(&t, "WRAP"), -1, "truncated to int and sign-extended");
    let e = ty(&mut t, "enum big");
    assert_eq!(t.size_of(e), Some(8));
}

#[test]
fn constant_expression_errors() {
    let mut t = table();
    for (src, msg) in [
        ("enum { A = 1/0 };", "invalid value"),
        ("enum { A = 1%0 };", "invalid value"),
        ("enum { A = (-2147483647-1)/-1 };", "invalid value"),
        ("enum { A = 1 << 64 };", "invalid value"),
        ("enum { A = 1.5 };", "invalid value near '1.5'"),
        ("enum { A = nosuch };", "unexpected symbol near 'nosuch'"),
        ("enum { A = sizeof(void) };", "size of C type is unknown or too large"),
        ("int a[1 - 2];", "size of C type is unknown or too large"),
        ("int a[0x80000000];", "size of C type is unknown or too large"),
        ("int a[0x40000000];", "size of C type is unknown or too large"),
        ("enum { A = 'ab' + };", "unexpected symbol near '}'"),
    ] {
        assert_eq!(err(&mut t, src), msg, "{src}");
    }
}

#[test]
fn enums() {
    let mut t = table();
    t.cdef(
        "enum e1 { X1, Y1 = 5, Z1 };
         enum e2 { N2 = -1 };
         enum __attribute__((packed)) e3 { P3 = 200 };
         enum __attribute__((packed)) e4 { P4 = -200 };
         struct s { enum { IN1 = 40, IN2 } e; int x[IN2]; };
         enum e5;",
    )
    .unwrap();
    assert_eq!((konst(&t, "X1"), konst(&t, "Y1"), konst(&t, "Z1")), (0, 5, 6));
    assert_eq!(konst(&t, "IN2"), 41, "constants of enums inside structs are global");
    let s = ty(&mut t, "struct s");
    assert_eq!(t.offset_of(s, "x").unwrap().offset, 4);
    assert_eq!(t.size_of(s), Some(4 + 41 * 4));
    let e3 = ty(&mut t, "enum e3");
    let e4 = ty(&mut t, "enum e4");
    assert_eq!((t.size_of(e3), t.size_of(e4)), (Some(1), Some(2)));
    let e2 = ty(&mut t, "enum e2");
    let Kind::Enum(e) = t.get(e2).kind else { panic!() };
    assert!(t.enum_def(e).signed);
    let e1 = ty(&mut t, "enum e1");
    let Kind::Enum(e) = t.get(e1).kind else { panic!() };
    assert!(!t.enum_def(e).signed, "gcc: unsigned when no value is negative");
    let e5 = ty(&mut t, "enum e5");
    assert_eq!(t.repr(e5), "enum e5");
    assert_eq!(err(&mut t, "enum { X1 };"), "attempt to redefine 'X1'");
    assert_eq!(err(&mut t, "enum e1 { Q };"), "attempt to redefine 'e1'");
}

#[test]
fn structs_unions_and_members() {
    let mut t = table();
    t.cdef(
        "struct inner { short s; };
         struct outer {
           char c;
           union { int i; float f; };
           struct { char x, y; };
           struct inner in;
           int bits : 3, more : 9;
           unsigned : 0;
           int after;
           double tail[];
         };
         struct vls { int n; char data[?]; };
         struct empty {};
         typedef struct { int a; } anon_t;",
    )
    .unwrap();
    let o = ty(&mut t, "struct outer");
    let f = |t: &CTypeTable, n: &str| t.offset_of(o, n).unwrap_or_else(|| panic!("no {n}"));
    assert_eq!(f(&t, "i").offset, 4);
    assert_eq!(f(&t, "f").offset, 4, "transparent union members are found");
    assert_eq!((f(&t, "x").offset, f(&t, "y").offset), (8, 9));
    assert_eq!(f(&t, "in").offset, 10);
    let b = f(&t, "bits");
    assert_eq!((b.offset, b.bits), (12, Some(BitPos { shift: 0, width: 3 })));
    assert_eq!(f(&t, "more").bits, Some(BitPos { shift: 3, width: 9 }));
    assert_eq!(f(&t, "after").offset, 16);
    assert_eq!(f(&t, "tail").offset, 24);
    assert_eq!(t.size_of(o), Some(24));
    assert!(t.offset_of(o, "nosuch").is_none());
    let v = ty(&mut t, "struct vls");
    let Kind::Struct(a) = t.get(v).kind else { panic!() };
    assert!(t.agg(a).vla);
    assert_eq!(t.size_of(v), Some(4));
    let empty = ty(&mut t, "struct empty");
    assert_eq!(t.size_of(empty), Some(0));
    let anon = ty(&mut t, "anon_t");
    assert!(t.repr(anon).starts_with("struct "), "{}", t.repr(anon));
}

#[test]
fn static_const_members_are_scoped() {
    let mut t = table();
    t.cdef("struct sc { static const int N = 3; static const unsigned char M = 0x1ff; int a; };")
        .unwrap();
    let s = ty(&mut t, "struct sc");
    assert_eq!(t.scoped_const(s, "N").map(|c| c.1), Some(3));
    assert_eq!(t.scoped_const(s, "M").map(|c| c.1), Some(0xff));
    assert_eq!(t.size_of(s), Some(4));
    assert!(t.lookup("N").is_none(), "static const members are not global");
}

#[test]
fn functions_variables_and_redirects() {
    let mut t = table();
    t.cdef(
        "int f(void); int g(); int h(int, ...); void k(int a[3], void cb(int));
         extern int errno_like; const char *names[];
         int puts2(const char *) __asm__(\"puts\");
         extern int v __asm__(\"\" \"real_\" \"v\");
         int __attribute__((stdcall)) sc(int);
         int __attribute__((ms_abi)) ms(int);
         static inline int inl(int x) { return x + 1; }
         int after_inline(void);",
    )
    .unwrap();
    let sym = |t: &CTypeTable, n: &str| t.lookup(n).unwrap_or_else(|| panic!("no {n}"));
    let fdef = |t: &CTypeTable, s: Symbol| match s {
        Symbol::Func { ty, .. } => match t.get(ty).kind {
            Kind::Func(f) => t.func(f).clone(),
            _ => panic!(),
        },
        _ => panic!("not a function"),
    };
    assert!(fdef(&t, sym(&t, "f")).params.is_empty());
    assert!(fdef(&t, sym(&t, "g")).params.is_empty(), "f() means f(void)");
    assert!(fdef(&t, sym(&t, "h")).variadic);
    let kp = fdef(&t, sym(&t, "k")).params;
    assert_eq!(t.repr(kp[0]), "int *");
    assert_eq!(t.repr(kp[1]), "void (*)()");
    assert!(matches!(sym(&t, "errno_like"), Symbol::Var { .. }));
    match sym(&t, "puts2") {
        Symbol::Func { asm: Some(a), .. } => assert_eq!(t.names().str(a), "puts"),
        s => panic!("{s:?}"),
    }
    match sym(&t, "v") {
        Symbol::Var { asm: Some(a), .. } => assert_eq!(t.names().str(a), "real_v"),
        s => panic!("{s:?}"),
    }
    assert_eq!(fdef(&t, sym(&t, "sc")).conv, CallConv::Stdcall);
    assert_eq!(fdef(&t, sym(&t, "ms")).conv, CallConv::MsAbi);
    assert!(matches!(sym(&t, "inl"), Symbol::Func { .. }));
    assert!(matches!(sym(&t, "after_inline"), Symbol::Func { .. }));
    let fp = ty(&mut t, "int (__stdcall *)(int)");
    let Kind::Ptr(f) = t.get(fp).kind else { panic!() };
    let Kind::Func(f) = t.get(f).kind else { panic!() };
    assert_eq!(t.func(f).conv, CallConv::Stdcall);
}

#[test]
fn redeclarations() {
    let mut t = table();
    t.cdef("typedef int T; typedef double T; int f(int); double f(int); struct s;").unwrap();
    assert_eq!(t.lookup("T"), Some(Symbol::Typedef(ids::INT)), "the first declaration wins");
    t.cdef("struct s { int a; }; struct s; struct s *p;").unwrap();
    assert_eq!(err(&mut t, "struct s { int a; };"), "attempt to redefine 's'");
    assert_eq!(err(&mut t, "union s;"), "attempt to redefine 's'");
    assert_eq!(err(&mut t, "enum s;"), "attempt to redefine 's'");
}

#[test]
fn failed_cdef_changes_nothing() {
    let mut t = table();
    t.cdef("struct fwd; typedef struct fwd fwd_t; enum ee;").unwrap();
    let before_len = t.len();
    let fwd = ty(&mut t, "struct fwd");
    let before: Vec<(String, Symbol)> = {
        let mut v: Vec<_> = t.symbols().map(|(n, s)| (n.to_string(), s)).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    // Completes fwd, adds types, symbols, tags and a function, then fails.
    let e = err(
        &mut t,
        "struct fwd { int a; double b; }; enum ee { E1, E2 }; struct newtag { int x; } *p;
         int newfunc(struct fwd *); typedef const struct fwd cfwd[2]; int broken(",
    );
    assert!(e.contains("expected"), "{e}");
    assert_eq!(t.len(), before_len);
    assert_eq!(t.size_of(fwd), None, "fwd is incomplete again");
    assert!(t.tag("newtag").is_none());
    assert!(t.lookup("E1").is_none() && t.lookup("newfunc").is_none());
    let after: Vec<(String, Symbol)> = {
        let mut v: Vec<_> = t.symbols().map(|(n, s)| (n.to_string(), s)).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert_eq!(before, after);
    // And the same declarations work afterwards.
    t.cdef("struct fwd { int a; double b; }; enum ee { E1, E2 };").unwrap();
    assert_eq!(t.size_of(fwd), Some(16));
    assert_eq!(konst(&t, "E2"), 1);
}

#[test]
fn dollar_parameters() {
    let mut t = table();
    let int = ids::INT;
    let p = t.parse_type("$ *", &[Param::Type(int)]).unwrap();
    assert_eq!(t.repr(p), "int *");
    let a = t.parse_type("$ [$]", &[Param::Type(p), Param::Int(5)]).unwrap();
    assert_eq!(t.repr(a), "int *[5]");
    let s = t
        .parse_type(
            "struct $ { $ $; }",
            &[Param::Name("pt".into()), Param::Type(int), Param::Name("xx".into())],
        )
        .unwrap();
    assert_eq!(t.repr(s), "struct pt");
    assert!(t.offset_of(s, "xx").is_some());
    t.cdef_with("typedef $ myint_t; enum { SZ = $ };", &[Param::Type(int), Param::Int(77)])
        .unwrap();
    assert_eq!(t.lookup("myint_t"), Some(Symbol::Typedef(int)));
    assert_eq!(konst(&t, "SZ"), 77);
    for (src, params) in [("int [$]", vec![]), ("int", vec![Param::Int(1)])] {
        let e = t.parse_type(src, &params).unwrap_err();
        assert_eq!(e.message(), "wrong number of type parameters");
    }
}

#[test]
fn pragma_pack_and_line_directives() {
    let mut t = table();
    t.cdef(
        "#pragma pack(push, 1)\nstruct p1 { char a; int b; };\n#pragma pack(2)\nstruct p2 { char a; int b; };\n\
         #pragma pack(pop)\nstruct p3 { char a; int b; };\n#pragma once\n# 40 \"file.h\"\nstruct p4 { char c; };",
    )
    .unwrap();
    for (n, size) in [("struct p1", 5), ("struct p2", 6), ("struct p3", 8)] {
        let id = ty(&mut t, n);
        assert_eq!(t.size_of(id), Some(size), "{n}");
    }
    let e = err(&mut t, "# 40 \"file.h\"\nint x y;");
    assert_eq!(e, "';' expected near 'y' at line 40");
    assert_eq!(err(&mut t, "#include <stdio.h>"), "unexpected symbol near 'include'");
    // Found by the long fuzz run: an empty pack value.
    for src in ["#pragma pack(push,)\n", "#pragma pack(,)\n", "#pragma pack(push, x)\n"] {
        assert_eq!(err(&mut t, src), "invalid value", "{src:?}");
    }
}

#[test]
fn attributes_and_declspec() {
    let mut t = table();
    t.cdef(
        "typedef int a8 __attribute__((aligned(8)));
         struct __declspec(align(16)) d16 { char c; };
         struct pk { char c; int i; } __attribute__((__packed__));
         struct al { char c; int i __attribute__((aligned(16))); };
         typedef float v4sf __attribute__((mode(V4SF)));
         struct unk { int x __attribute__((deprecated(\"msg\"), unused, weird((1, (2)))));
                      int y __attribute__((section(\".x\"))); };
         __extension__ typedef unsigned long long ull_t;",
    )
    .unwrap();
    let a8 = ty(&mut t, "a8");
    assert_eq!((t.size_of(a8), t.align_of(a8)), (Some(4), 8));
    let d16 = ty(&mut t, "struct d16");
    assert_eq!((t.size_of(d16), t.align_of(d16)), (Some(16), 16));
    let pk = ty(&mut t, "struct pk");
    assert_eq!(t.size_of(pk), Some(5));
    let al = ty(&mut t, "struct al");
    assert_eq!((t.offset_of(al, "i").unwrap().offset, t.size_of(al)), (16, Some(32)));
    let v = ty(&mut t, "v4sf");
    assert_eq!(t.repr(v), "float __attribute__((vector_size(16)))");
    let unk = ty(&mut t, "struct unk");
    assert_eq!(t.size_of(unk), Some(8));
}

#[test]
fn repr_full_shows_parameters() {
    let mut t = table();
    let f = ty(&mut t, "int (*)(const char *, ...)");
    assert_eq!(t.repr(f), "int (*)()");
    assert_eq!(t.repr_full(f), "int (*)(const char *, ...)");
    let g = ty(&mut t, "void (*(*)(int))(double)");
    assert_eq!(t.repr_full(g), "void (*(*)(int))(double)");
}

#[test]
fn nesting_is_bounded() {
    let mut t = table();
    for src in [
        format!("int {}x{};", "(".repeat(5000), ")".repeat(5000)),
        format!("int x{};", "[1]".repeat(5000)),
        format!("int {}x;", "*".repeat(5000)),
        format!("enum {{ A = {}1{} }};", "(".repeat(5000), ")".repeat(5000)),
        format!("enum {{ A = {}1 }};", "- ".repeat(5000)),
        format!("{}int x;{}", "struct { ".repeat(5000), " } y;".repeat(5000)),
    ] {
        let e = err(&mut t, &src);
        assert!(e.contains("chunk has too many syntax levels"), "{e}");
    }
    // Deep but legal.
    t.cdef(&format!("int {}x;", "*".repeat(100))).unwrap();
}

/// Every recursive path of the parser is bounded, tightly enough for a 256 KiB thread
/// stack in a debug build (an embedder's small thread): the deep inputs give LuaJIT's
/// error instead of overflowing the stack.
#[test]
fn nesting_is_bounded_on_a_small_stack() {
    let n = 100_000;
    let srcs = vec![
        format!("static const int z = 1{};", " ? 1 : 1".repeat(n)),
        format!("static const int z = {}1;", "1 ? ".repeat(n)),
        format!("{}int{} x;", "__typeof__(".repeat(n), ")".repeat(n)),
        format!("int x[{}1{}];", "(".repeat(n), ")".repeat(n)),
        format!("int x[{}1];", "- ".repeat(n)),
        format!("int x[{}1];", "-".repeat(n)),
        format!("int x[{}1];", "!".repeat(n)),
        format!("int x[{}1];", "(int)".repeat(n)),
        format!("int x[{}1];", "sizeof ".repeat(n)),
        format!("int x[0 + {}1];", "__extension__ ".repeat(n)),
        format!("int x[sizeof({}1)];", "*&".repeat(n)),
        format!("int {}x{};", "(".repeat(n), ")".repeat(n)),
        format!("int {}x;", "*".repeat(n)),
        format!("int x{};", "[1]".repeat(n)),
        format!("int x{};", "(int".repeat(n)),
        format!("int x{};", "(void (*)".repeat(n)),
        format!("{}int x;", "struct { ".repeat(n)),
        format!("{}int x;", "_Atomic(".repeat(n)),
        format!("int x __attribute__((aligned({}1)));", "(".repeat(n)),
        format!("enum {{ A = {}1 }};", "+".repeat(n)),
        format!("int __attribute__((aligned({}1))) x;", "sizeof(int[".repeat(n)),
    ];
    let h = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let mut t = table();
            srcs.iter()
                .map(|s| t.cdef(s).err().map(|e| e.message().to_string()))
                .collect::<Vec<_>>()
        })
        .unwrap();
    for (i, e) in h.join().unwrap().into_iter().enumerate() {
        let e = e.unwrap_or_else(|| panic!("input {i}: no error"));
        assert!(e.contains("chunk has too many syntax levels"), "input {i}: {e}");
    }
}
