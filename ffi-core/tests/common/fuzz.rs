//! A seeded, reproducible fuzzer for the parser: windows of a header corpus with
//! mutations, plus random token soup. Used by the CI smoke test and by the long run
//! (`cargo run --release -p ffi-core --example fuzz -- 10000000`).
//!
//! Every input goes through `cdef` on a shared table (failures must roll back exactly:
//! the type count is checked) and through `parse_type` with random `$` parameters. A
//! panic, an input slower than the time limit, or a stack overflow (inputs run on a
//! thread with a small stack) fails the run.

use ffi_core::{CTypeTable, Param, Target};
use std::time::{Duration, Instant};

pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const VOCAB: &[&str] = &[
    "int",
    "char",
    "void",
    "long",
    "short",
    "unsigned",
    "signed",
    "float",
    "double",
    "bool",
    "struct",
    "union",
    "enum",
    "typedef",
    "extern",
    "static",
    "const",
    "volatile",
    "__restrict",
    "__attribute__",
    "((",
    "))",
    "packed",
    "aligned",
    "(8)",
    "mode",
    "(DI)",
    "vector_size",
    "(16)",
    "__declspec",
    "__asm__",
    "(\"x\")",
    "__extension__",
    "sizeof",
    "__alignof__",
    "_Complex",
    "complex",
    "__int64",
    "__int128",
    "_Float128",
    "__typeof__",
    "_Static_assert",
    "__cdecl",
    "__stdcall",
    "inline",
    "foo",
    "bar",
    "T",
    "x",
    "y",
    "size_t",
    "int64_t",
    "va_list",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ";",
    ",",
    "*",
    "&",
    ":",
    "?",
    "=",
    "+",
    "-",
    "/",
    "%",
    "<<",
    ">>",
    "<",
    ">",
    "==",
    "!=",
    "&&",
    "||",
    "!",
    "~",
    "^",
    "|",
    "...",
    "$",
    "0",
    "1",
    "3",
    "0x7fffffff",
    "0xffffffffffffffff",
    "18446744073709551616",
    "-1",
    "1.5",
    "'a'",
    "'\\n'",
    "'",
    "\"str\"",
    "\"",
    "\n#pragma pack(push, 1)\n",
    "\n#pragma pack(pop)\n",
    "\n#pragma pack(2)\n",
    "\n# 12 \"f.h\"\n",
    "\n#define X\n",
    "/*",
    "*/",
    "//",
    "\n",
    "[?]",
    "[]",
    "[0]",
    "->",
    ".",
    "@",
    "\\",
    "\0",
    "\u{e9}",
];

fn token_soup(r: &mut Rng) -> String {
    let n = 1 + r.below(120);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(VOCAB[r.below(VOCAB.len())]);
        s.push(if r.below(4) == 0 { '\n' } else { ' ' });
    }
    s
}

fn mutate(corpus: &[u8], r: &mut Rng) -> Vec<u8> {
    // A window starting at a declaration boundary.
    let len = 16 + r.below(3000);
    let mut start = r.below(corpus.len().saturating_sub(1).max(1));
    while start > 1 && !(corpus[start - 2] == b';' && corpus[start - 1] == b'\n') {
        start -= 1;
    }
    let mut end = (start + len).min(corpus.len());
    // Usually end at a declaration boundary too, so that many inputs are valid C.
    if r.below(4) != 0 {
        while end < corpus.len() && !(corpus[end - 1] == b';' && corpus[end] == b'\n') {
            end += 1;
        }
    }
    let mut v = corpus[start..end].to_vec();
    let mutations = if r.below(3) == 0 { 0 } else { 1 + r.below(5) };
    for _ in 0..mutations {
        if v.is_empty() {
            break;
        }
        let i = r.below(v.len());
        match r.below(7) {
            0 => v[i] = r.next() as u8,
            1 => {
                let j = (i + r.below(40)).min(v.len());
                v.drain(i..j);
            }
            2 => {
                let tok = VOCAB[r.below(VOCAB.len())].as_bytes();
                v.splice(i..i, tok.iter().copied());
            }
            3 => {
                let j = (i + r.below(60)).min(v.len());
                let dup = v[i..j].to_vec();
                v.splice(i..i, dup);
            }
            4 => {
                let k = r.below(corpus.len());
                let j = (k + r.below(80)).min(corpus.len());
                v.splice(i..i, corpus[k..j].iter().copied());
            }
            5 => {
                let c = [b'(', b')', b'{', b'}', b'[', b']', b'*', b';'][r.below(8)];
                for _ in 0..r.below(300) {
                    v.insert(i, c);
                }
            }
            _ => v.truncate(i),
        }
    }
    v
}

/// Top-level statements (split at `;` outside braces and parentheses).
fn statements(src: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in src.bytes().enumerate() {
        match c {
            b'{' | b'(' => depth += 1,
            b'}' | b')' => depth -= 1,
            b';' if depth == 0 => {
                out.push(&src[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out
}

pub struct Report {
    pub inputs: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub slowest: Duration,
    pub bytes: u64,
}

/// Runs `n` inputs from `seed`. Panics (with the seed and input index) on any failure.
pub fn run(corpus: &str, n: u64, seed: u64, limit: Duration) -> Report {
    // The corpus's typedefs, so that windows using them can parse (the whole corpus would
    // turn every struct definition in a window into a redefinition error).
    let base = {
        let mut t = CTypeTable::new(Target::SYSV_X64);
        for stmt in statements(corpus) {
            let s = stmt.trim_start();
            if s.starts_with("typedef") || s.starts_with("__extension__ typedef") {
                let _ = t.cdef(&format!("{s};"));
            }
        }
        t
    };
    let mut t = base.clone();
    let mut r = Rng(seed | 1);
    let mut rep = Report { inputs: 0, accepted: 0, rejected: 0, slowest: Duration::ZERO, bytes: 0 };
    let int = ffi_core::ids::INT;
    for i in 0..n {
        if i % 2000 == 0 {
            t = base.clone();
        }
        let soup = r.below(3) == 0;
        let input =
            if soup { token_soup(&mut r).into_bytes() } else { mutate(corpus.as_bytes(), &mut r) };
        let text = String::from_utf8_lossy(&input).into_owned();
        rep.bytes += text.len() as u64;
        let nparams = if soup { r.below(3) } else { 0 };
        let params: Vec<Param> = (0..nparams)
            .map(|_| match r.below(3) {
                0 => Param::Type(int),
                1 => Param::Int(r.next() as i64 % 100),
                _ => Param::Name("pname".into()),
            })
            .collect();
        let before = t.len();
        let t0 = Instant::now();
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let res = t.cdef_with(&text, &params);
            if let (Err(e), Ok(_)) = (&res, std::env::var("FUZZ_DEBUG")) {
                if i < 40 {
                    eprintln!("--- {i}: {e}\n{}", &text[..text.len().min(300)]);
                }
            }
            let ok = res.is_ok();
            if !ok {
                assert_eq!(t.len(), before, "a failed cdef left types behind");
            }
            let ty = t.parse_type(&text, &params);
            if let Ok(id) = ty {
                let _ = t.repr(id);
                let _ = t.repr_full(id);
                let _ = t.size_of(id);
            }
            ok
        }));
        let dt = t0.elapsed();
        match res {
            Ok(true) => rep.accepted += 1,
            Ok(false) => rep.rejected += 1,
            Err(_) => panic!("panic on input {i} (seed {seed:#x}):\n{text:?}"),
        }
        if dt > rep.slowest {
            rep.slowest = dt;
        }
        assert!(dt < limit, "input {i} (seed {seed:#x}) took {dt:?}:\n{text:?}");
        rep.inputs += 1;
    }
    rep
}

/// The header corpus: preprocessed system headers when the C compiler has them, else
/// the layout corpus.
pub fn corpus() -> String {
    let mut s = String::new();
    if let Some(cc) = super::cc() {
        if let Some(h) = super::preprocess(
            &cc,
            &["stdio.h", "stdlib.h", "signal.h", "pthread.h", "sys/socket.h"],
        ) {
            s.push_str(&h);
        }
    }
    s.push_str(include_str!("../corpus/layout.h"));
    s
}
