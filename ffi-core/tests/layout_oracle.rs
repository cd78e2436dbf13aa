//! Layout against the C compiler: every struct and union of a corpus (a hand-written
//! header plus generated cases) is laid out by ffi-core and by `cc`, and `sizeof`,
//! `_Alignof`, `offsetof` and bitfield bit positions must agree exactly.
//!
//! SysV x86-64 is checked against plain gcc, Win64 layout against gcc's
//! `-mms-bitfields` (the corpus avoids `long`, whose size differs between the two).

mod common;

use common::{describe, C_BITS_HELPER, C_PRELUDE};
use ffi_core::{CTypeId, CTypeTable, Kind, Symbol, Target};
use std::fmt::Write;

const HAND_CORPUS: &str = include_str!("corpus/layout.h");

/// A tiny deterministic PRNG (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SCALARS: &[&str] = &[
    "char",
    "short",
    "int",
    "long long",
    "float",
    "double",
    "void *",
    "_Bool",
    "double _Complex",
    "float _Complex",
];

const BITFIELD_TYPES: &[(&str, u32)] = &[
    ("char", 8),
    ("unsigned char", 8),
    ("short", 16),
    ("unsigned short", 16),
    ("int", 32),
    ("unsigned int", 32),
    ("long long", 64),
    ("unsigned long long", 64),
    ("_Bool", 1),
];

/// Generated declarations: scalar pairs and triples under several packings, and seeded
/// random bitfield sequences.
fn generated_corpus() -> String {
    let mut s = String::new();
    let mut n = 0;
    let wraps: &[(&str, &str, &str)] = &[
        ("", "", ""),
        ("", "__attribute__((packed))", ""),
        ("#pragma pack(2)\n", "", "#pragma pack()\n"),
        ("", "__attribute__((aligned(16)))", ""),
    ];
    for (i, a) in SCALARS.iter().enumerate() {
        for (j, b) in SCALARS.iter().enumerate() {
            let (pre, attr, post) = wraps[(i + j) % wraps.len()];
            let _ =
                writeln!(s, "{pre}struct g{n}_pair {{ {a} x; {b} y; char z; }} {attr};\n{post}");
            n += 1;
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let packs = ["", "#pragma pack(1)\n", "#pragma pack(2)\n", "#pragma pack(4)\n"];
    for k in 0..220 {
        let members = 2 + rng.below(7);
        let union = rng.below(8) == 0;
        let packed_attr = rng.below(6) == 0;
        let pack = if rng.below(4) == 0 { packs[rng.below(4) as usize] } else { "" };
        let mut body = String::new();
        for m in 0..members {
            let (ty, bits) = BITFIELD_TYPES[rng.below(BITFIELD_TYPES.len() as u64) as usize];
            match rng.below(10) {
                0 => {
                    let _ = write!(body, " {ty} :0;");
                }
                1 => {
                    let w = 1 + rng.below(bits as u64);
                    let _ = write!(body, " {ty} :{w};");
                }
                2 => {
                    let _ = write!(body, " {ty} m{m};");
                }
                3 => {
                    let w = 1 + rng.below(bits as u64);
                    let _ = write!(body, " {ty} m{m} : {w} __attribute__((aligned(4)));");
                }
                _ => {
                    let w = 1 + rng.below(bits as u64);
                    let _ = write!(body, " {ty} m{m} : {w};");
                }
            }
        }
        let kw = if union { "union" } else { "struct" };
        let attr = if packed_attr { "__attribute__((packed))" } else { "" };
        let post = if pack.is_empty() { "" } else { "#pragma pack()\n" };
        let _ = writeln!(s, "{pack}{kw} g{n}_bits{k} {{{body} int last; }} {attr};\n{post}");
        n += 1;
    }
    s
}

/// Every struct/union reachable by a name (tag or typedef), sorted.
fn named_aggregates(t: &CTypeTable) -> Vec<(String, CTypeId)> {
    let mut v = Vec::new();
    for (name, ty) in t.tags() {
        if let Kind::Struct(a) = t.get(ty).kind {
            let kw = if t.agg(a).is_union { "union" } else { "struct" };
            v.push((format!("{kw} {name}"), ty));
        }
    }
    for (name, sym) in t.symbols() {
        if let Symbol::Typedef(ty) = sym {
            if let Kind::Struct(a) = t.get(ty).kind {
                if t.agg(a).tag.is_none() {
                    v.push((name.to_string(), ty));
                }
            }
        }
    }
    v.sort();
    v
}

fn check(target: Target, flags: &[&str], label: &str) {
    let Some(cc) = common::cc() else { return };
    let corpus = format!("{HAND_CORPUS}\n{}", generated_corpus());
    let mut t = CTypeTable::new(target);
    if let Err(e) = t.cdef(&corpus) {
        panic!("ffi-core rejected the layout corpus: {e}");
    }
    let aggs = named_aggregates(&t);
    let mut ours = Vec::new();
    let mut main = String::new();
    for (cexpr, ty) in &aggs {
        describe(&t, cexpr, *ty, &mut ours, &mut main);
    }
    let src =
        format!("{C_PRELUDE}{C_BITS_HELPER}\n{corpus}\nint main(void) {{\n{main}  return 0;\n}}\n");
    let dir = common::scratch(label);
    let out = common::compile_and_run(&cc, &dir, label, &src, flags);
    let theirs: Vec<&str> = out.lines().collect();
    assert_eq!(theirs.len(), ours.len(), "line count differs");
    let mut bad = Vec::new();
    for (o, g) in ours.iter().zip(&theirs) {
        if o != g {
            bad.push(format!("  ffi-core: {o}\n  cc:       {g}"));
        }
    }
    println!(
        "layout vs gcc ({label}): {} aggregates, {} checked values, {} mismatches",
        aggs.len(),
        ours.len(),
        bad.len()
    );
    assert!(aggs.len() >= 300, "corpus too small: {} aggregates", aggs.len());
    assert!(bad.is_empty(), "{} layout mismatches ({label}):\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn sysv_layout_matches_gcc() {
    check(Target::SYSV_X64, &["-std=gnu11"], "sysv");
}

#[test]
fn win64_layout_matches_gcc_ms_bitfields() {
    check(Target::WIN64, &["-std=gnu11", "-mms-bitfields"], "win64");
}
