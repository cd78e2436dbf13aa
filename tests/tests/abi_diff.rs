//! The ABI differential test: a seeded generator writes C functions with random
//! signatures (every scalar type, structs and unions of random member mixes, nested,
//! float-only, mixed, packed, over-aligned, arrays inside; 1..32 arguments; varargs),
//! compiles them with `cc`, and calls each through `ffi` with random values, in both
//! conventions (each function also exists with gcc's `__attribute__((ms_abi))`).
//!
//! Each C function prints every scalar leaf of every argument it received into a buffer
//! and returns a value built from constants; the Lua side compares the buffer with the
//! text the generator expects and every leaf of the result with its constant.
//!
//! The callback direction runs for every signature without varargs: a C driver per
//! convention builds random arguments, calls a Lua function through a function pointer of
//! that convention, and prints every leaf of what it returned; the Lua function checks
//! every leaf it received and returns random values (`callback s<N>` / `m<N>` in a
//! mismatch).
//!
//! `FFI_ABI_SIGS` sets the number of signatures (default 2,000; the documented long run
//! is 100,000), `FFI_ABI_SEED` the seed (default 1). A failure names the seed and the
//! function, so it can be reproduced; `FFI_ABI_KEEP=1` keeps the generated C file.

use std::fmt::Write as _;

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A scalar leaf type.
#[derive(Copy, Clone, PartialEq)]
enum Leaf {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    Long,
    F32,
    F64,
    Bool,
    Ptr,
}

const LEAVES: [Leaf; 13] = [
    Leaf::I8,
    Leaf::U8,
    Leaf::I16,
    Leaf::U16,
    Leaf::I32,
    Leaf::U32,
    Leaf::I64,
    Leaf::U64,
    Leaf::Long,
    Leaf::F32,
    Leaf::F64,
    Leaf::Bool,
    Leaf::Ptr,
];

impl Leaf {
    fn c(self) -> &'static str {
        match self {
            Leaf::I8 => "signed char",
            Leaf::U8 => "unsigned char",
            Leaf::I16 => "short",
            Leaf::U16 => "unsigned short",
            Leaf::I32 => "int",
            Leaf::U32 => "unsigned int",
            Leaf::I64 => "long long",
            Leaf::U64 => "unsigned long long",
            Leaf::Long => "long",
            Leaf::F32 => "float",
            Leaf::F64 => "double",
            Leaf::Bool => "_Bool",
            Leaf::Ptr => "void *",
        }
    }
    /// A random value, as (C/Lua source text, the text C's printf gives for it).
    fn value(self, r: &mut Rng) -> (String, String) {
        match self {
            Leaf::F32 | Leaf::F64 => {
                let k = r.below(800) as i64 - 400;
                let v = k as f64 / 4.0;
                (format!("{v:?}"), format!("{v}"))
            }
            Leaf::Bool => {
                let b = r.chance(50);
                (if b { "true" } else { "false" }.into(), if b { "1" } else { "0" }.into())
            }
            Leaf::Ptr => {
                let a = 0x1000 + 8 * r.below(100_000);
                (format!("{a}"), format!("{a:#x}"))
            }
            Leaf::U8 | Leaf::U16 | Leaf::U32 | Leaf::U64 => {
                let v = r.below(200);
                (v.to_string(), v.to_string())
            }
            _ => {
                let v = r.below(200) as i64 - 100;
                (v.to_string(), v.to_string())
            }
        }
    }
    /// The C expression for a leaf given its source text.
    fn c_value(self, src: &str) -> String {
        match self {
            Leaf::Ptr => format!("(void *){src}"),
            Leaf::Bool => if src == "true" { "1" } else { "0" }.into(),
            _ => src.to_string(),
        }
    }
    /// The printf conversion and cast that print it.
    fn printf(self) -> (&'static str, &'static str) {
        match self {
            Leaf::F32 | Leaf::F64 => ("%g", "(double)"),
            Leaf::Bool => ("%d", "(int)"),
            Leaf::Ptr => ("%p", "(void *)"),
            Leaf::U8 | Leaf::U16 | Leaf::U32 | Leaf::U64 => ("%llu", "(unsigned long long)"),
            _ => ("%lld", "(long long)"),
        }
    }
    /// A Lua expression for a leaf read back from a cdata, as a comparable Lua value.
    fn lua_read(self, e: &str) -> String {
        match self {
            Leaf::Bool => e.to_string(),
            Leaf::Ptr => format!("tonumber(ffi.cast('intptr_t', {e}))"),
            _ => format!("tonumber({e})"),
        }
    }
    /// The Lua value to pass for a leaf given its source text.
    fn lua_arg(self, v: &str) -> String {
        match self {
            Leaf::Ptr => format!("ffi.cast('void *', {v})"),
            _ => v.to_string(),
        }
    }
}

/// A type in a signature.
#[derive(Clone)]
enum Ty {
    Leaf(Leaf),
    /// Index into the aggregate list.
    Agg(usize),
}

/// A member of an aggregate.
#[derive(Clone)]
enum Member {
    Leaf(Leaf),
    Array(Leaf, u32),
    Agg(usize),
}

struct Agg {
    name: String,
    union: bool,
    members: Vec<Member>,
}

struct Gen {
    rng: Rng,
    aggs: Vec<Agg>,
    c: String,
    lua: String,
    cdef: String,
}

impl Gen {
    fn leaf(&mut self) -> Leaf {
        // Bias towards floats so that float-only aggregates are common.
        if self.rng.chance(30) {
            if self.rng.chance(50) {
                Leaf::F32
            } else {
                Leaf::F64
            }
        } else {
            LEAVES[self.rng.below(LEAVES.len() as u64) as usize]
        }
    }

    fn new_agg(&mut self, depth: u32) -> usize {
        let n = 1 + self.rng.below(4) as usize;
        let union = depth > 0 && self.rng.chance(15);
        let mut members = Vec::new();
        let float_only = self.rng.chance(25);
        for _ in 0..n {
            let m = match self.rng.below(10) {
                0 | 1 if depth < 2 => Member::Agg(self.new_agg(depth + 1)),
                2 => {
                    let l = if float_only { Leaf::F32 } else { self.leaf() };
                    Member::Array(l, 1 + self.rng.below(3) as u32)
                }
                _ => Member::Leaf(if float_only {
                    if self.rng.chance(50) {
                        Leaf::F32
                    } else {
                        Leaf::F64
                    }
                } else {
                    self.leaf()
                }),
            };
            members.push(m);
        }
        let packed = !union && self.rng.chance(8);
        let aligned = !packed && self.rng.chance(5);
        let id = self.aggs.len();
        let name = format!("a{id}");
        let kw = if union { "union" } else { "struct" };
        let mut body = String::new();
        for (i, m) in members.iter().enumerate() {
            match m {
                Member::Leaf(l) => writeln!(body, "  {} m{i};", l.c()).unwrap(),
                Member::Array(l, k) => writeln!(body, "  {} m{i}[{k}];", l.c()).unwrap(),
                Member::Agg(a) => writeln!(body, "  {} m{i};", self.aggs[*a].c_name()).unwrap(),
            }
        }
        let attr = if packed {
            " __attribute__((packed))"
        } else if aligned {
            " __attribute__((aligned(16)))"
        } else {
            ""
        };
        let decl = format!("{kw}{attr} {name} {{\n{body}}};\n");
        self.c.push_str(&decl);
        self.cdef.push_str(&decl);
        self.aggs.push(Agg { name, union, members });
        id
    }

    fn ty(&mut self) -> Ty {
        if self.rng.chance(35) {
            if !self.aggs.is_empty() && self.rng.chance(40) {
                Ty::Agg(self.rng.below(self.aggs.len() as u64) as usize)
            } else {
                Ty::Agg(self.new_agg(0))
            }
        } else {
            Ty::Leaf(self.leaf())
        }
    }

    fn c_ty(&self, t: &Ty) -> String {
        match t {
            Ty::Leaf(l) => l.c().to_string(),
            Ty::Agg(a) => self.aggs[*a].c_name(),
        }
    }

    /// Leaves of a value of `t` reached from expression `e`: (expression, leaf). For a
    /// union only its first member counts.
    fn leaves(&self, t: &Ty, e: &str, out: &mut Vec<(String, Leaf)>) {
        match t {
            Ty::Leaf(l) => out.push((e.to_string(), *l)),
            Ty::Agg(a) => self.agg_leaves(*a, e, out),
        }
    }

    fn agg_leaves(&self, a: usize, e: &str, out: &mut Vec<(String, Leaf)>) {
        let agg = &self.aggs[a];
        let n = if agg.union { 1 } else { agg.members.len() };
        for (i, m) in agg.members.iter().take(n).enumerate() {
            match m {
                Member::Leaf(l) => out.push((format!("{e}.m{i}"), *l)),
                Member::Array(l, k) => {
                    for j in 0..*k {
                        out.push((format!("{e}.m{i}[{j}]"), *l));
                    }
                }
                Member::Agg(b) => self.agg_leaves(*b, &format!("{e}.m{i}"), out),
            }
        }
    }

    /// A Lua initializer for a value of `t` with random leaves; appends the printf texts.
    fn init(&mut self, t: &Ty, texts: &mut Vec<String>) -> String {
        match t {
            Ty::Leaf(l) => {
                let (src, txt) = l.value(&mut self.rng);
                texts.push(txt);
                l.lua_arg(&src)
            }
            Ty::Agg(a) => {
                let tbl = self.agg_init(*a, texts);
                format!("ffi.new('{}', {tbl})", self.aggs[*a].c_name())
            }
        }
    }

    fn agg_init(&mut self, a: usize, texts: &mut Vec<String>) -> String {
        let members = self.aggs[a].members.clone();
        let n = if self.aggs[a].union { 1 } else { members.len() };
        let mut parts = Vec::new();
        for m in members.iter().take(n) {
            match m {
                Member::Leaf(l) => {
                    let (src, txt) = l.value(&mut self.rng);
                    texts.push(txt);
                    parts.push(l.lua_arg(&src));
                }
                Member::Array(l, k) => {
                    let mut el = Vec::new();
                    for _ in 0..*k {
                        let (src, txt) = l.value(&mut self.rng);
                        texts.push(txt);
                        el.push(l.lua_arg(&src));
                    }
                    parts.push(format!("{{{}}}", el.join(", ")));
                }
                Member::Agg(b) => parts.push(self.agg_init(*b, texts)),
            }
        }
        format!("{{{}}}", parts.join(", "))
    }

    /// One function (both conventions) and its Lua check.
    fn function(&mut self, idx: usize) {
        let variadic = self.rng.chance(10);
        let nargs = if self.rng.chance(15) { 7 + self.rng.below(26) } else { 1 + self.rng.below(8) }
            as usize;
        let ret = if self.rng.chance(15) { None } else { Some(self.ty()) };
        let params: Vec<Ty> =
            if variadic { Vec::new() } else { (0..nargs).map(|_| self.ty()).collect() };
        let ret_c = ret.as_ref().map(|t| self.c_ty(t)).unwrap_or_else(|| "void".into());
        // The result's constants.
        let mut ret_leaves = Vec::new();
        if let Some(t) = &ret {
            self.leaves(t, "r", &mut ret_leaves);
        }
        let ret_vals: Vec<(String, String)> =
            ret_leaves.iter().map(|(_, l)| l.value(&mut self.rng)).collect();
        for ms in [false, true] {
            let name = format!("{}{idx}", if ms { "m" } else { "f" });
            let attr = if ms { "__attribute__((ms_abi)) " } else { "" };
            let plist = if variadic {
                "int n, ...".to_string()
            } else {
                params
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!("{} p{i}", self.c_ty(t)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let proto = format!("{attr}{ret_c} {name}({plist})");
            writeln!(self.cdef, "{proto};").unwrap();
            let mut body = String::from("  rec_reset();\n");
            if variadic {
                let (start, arg, end) = if ms {
                    (
                        "__builtin_ms_va_list ap; __builtin_ms_va_start(ap, n);",
                        "__builtin_va_arg",
                        "__builtin_ms_va_end(ap);",
                    )
                } else {
                    ("va_list ap; va_start(ap, n);", "va_arg", "va_end(ap);")
                };
                writeln!(body, "  {start}").unwrap();
                body.push_str("  for (int i = 0; i < n; i++) {\n    int k = kinds[i];\n");
                writeln!(body, "    if (k == 0) REC(\"%g\", {arg}(ap, double));").unwrap();
                writeln!(body, "    else if (k == 1) REC(\"%d\", {arg}(ap, int));").unwrap();
                writeln!(body, "    else if (k == 2) REC(\"%lld\", {arg}(ap, long long));")
                    .unwrap();
                writeln!(body, "    else if (k == 3) REC(\"%p\", {arg}(ap, void *));").unwrap();
                writeln!(body, "    else REC(\"%s\", {arg}(ap, const char *));").unwrap();
                writeln!(body, "  }}\n  {end}").unwrap();
            } else {
                for (i, t) in params.iter().enumerate() {
                    let mut ls = Vec::new();
                    self.leaves(t, &format!("p{i}"), &mut ls);
                    for (e, l) in ls {
                        let (f, cast) = l.printf();
                        writeln!(body, "  REC(\"{f}\", {cast}{e});").unwrap();
                    }
                }
            }
            if let Some(t) = &ret {
                writeln!(body, "  {} r; memset(&r, 0, sizeof r);", self.c_ty(t)).unwrap();
                for ((e, l), (src, _)) in ret_leaves.iter().zip(&ret_vals) {
                    let v = match l {
                        Leaf::Ptr => format!("(void *){src}"),
                        Leaf::Bool => {
                            if src == "true" {
                                "1".into()
                            } else {
                                "0".into()
                            }
                        }
                        _ => src.clone(),
                    };
                    writeln!(body, "  {e} = {v};").unwrap();
                }
                body.push_str("  return r;\n");
            }
            writeln!(self.c, "{proto} {{\n{body}}}").unwrap();
        }
        // The Lua side: the same random arguments for both conventions.
        let mut texts = Vec::new();
        let mut args = Vec::new();
        let mut kinds = Vec::new();
        if variadic {
            args.push(nargs.to_string());
            for _ in 0..nargs {
                let k = self.rng.below(5);
                kinds.push(k);
                let (a, t) = match k {
                    0 => {
                        let v = (self.rng.below(800) as f64 - 400.0) / 4.0;
                        (format!("{v:?}"), format!("{v}"))
                    }
                    1 => {
                        let v = self.rng.below(2000) as i64 - 1000;
                        (format!("ffi.new('int', {v})"), v.to_string())
                    }
                    2 => {
                        let v = self.rng.below(2000) as i64 - 1000;
                        (format!("ffi.new('int64_t', {v})"), v.to_string())
                    }
                    3 => {
                        let a = 0x1000 + 8 * self.rng.below(100_000);
                        (format!("ffi.cast('void *', {a})"), format!("{a:#x}"))
                    }
                    _ => {
                        let s: String = (0..self.rng.below(6))
                            .map(|_| (b'a' + self.rng.below(26) as u8) as char)
                            .collect();
                        (format!("'{s}'"), s)
                    }
                };
                args.push(a);
                texts.push(t);
            }
        } else {
            for t in params.clone() {
                let a = self.init(&t, &mut texts);
                args.push(a);
            }
        }
        if !variadic {
            self.callback(idx, &params, ret.as_ref());
        }
        let expect: String = texts.iter().map(|t| format!("{t};")).collect();
        let checks: Vec<String> = ret_leaves
            .iter()
            .zip(&ret_vals)
            .map(|((e, l), (src, _))| format!("{{{}, {src}}}", l.lua_read(e)))
            .collect();
        writeln!(
            self.lua,
            "do\n  local kinds = {{{}}}\n  for _, f in ipairs({{'f{idx}', 'm{idx}'}}) do\n    set_kinds(kinds)\n    local r = lib[f]({})\n    check(f, '{}', {{{}}})\n  end\nend",
            kinds.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", "),
            args.join(", "),
            expect,
            checks.join(", ")
        )
        .unwrap();
    }
}

impl Gen {
    /// The callback direction of signature `idx`: a C driver per convention builds random
    /// arguments, calls a Lua callback through a function pointer of that convention, and
    /// prints every leaf of what it returned; the Lua function checks every leaf it
    /// received and returns random values.
    fn callback(&mut self, idx: usize, params: &[Ty], ret: Option<&Ty>) {
        let ret_c = ret.map(|t| self.c_ty(t)).unwrap_or_else(|| "void".into());
        let plist: Vec<String> = params.iter().map(|t| self.c_ty(t)).collect();
        // The arguments C passes: constants for every leaf.
        let mut arg_leaves = Vec::new();
        for (i, t) in params.iter().enumerate() {
            let mut ls = Vec::new();
            self.leaves(t, &format!("p{i}"), &mut ls);
            for (e, l) in ls {
                let (src, _) = l.value(&mut self.rng);
                arg_leaves.push((e, l, src));
            }
        }
        // The result the Lua function returns, and the text C prints for it.
        let mut texts = Vec::new();
        let ret_init = ret.cloned().map(|t| self.init(&t, &mut texts));
        let expect: String = texts.iter().map(|t| format!("{t};")).collect();
        let mut ret_leaves = Vec::new();
        if let Some(t) = ret {
            self.leaves(t, "r", &mut ret_leaves);
        }
        for ms in [false, true] {
            let tag = if ms { "m" } else { "s" };
            let attr = if ms { " __attribute__((ms_abi))" } else { "" };
            let tname = format!("cb{tag}{idx}");
            let decl = format!("typedef {ret_c} (*{tname})({}){attr};\n", plist.join(", "));
            self.c.push_str(&decl);
            self.cdef.push_str(&decl);
            writeln!(self.cdef, "void d{tag}{idx}({tname} f);").unwrap();
            let mut body = String::new();
            for (i, t) in params.iter().enumerate() {
                writeln!(body, "  {} p{i}; memset(&p{i}, 0, sizeof p{i});", self.c_ty(t)).unwrap();
            }
            for (e, l, src) in &arg_leaves {
                writeln!(body, "  {e} = {};", l.c_value(src)).unwrap();
            }
            let call_args: Vec<String> = (0..params.len()).map(|i| format!("p{i}")).collect();
            if ret.is_some() {
                writeln!(body, "  {ret_c} r = f({});\n  rec_reset();", call_args.join(", "))
                    .unwrap();
                for (e, l) in &ret_leaves {
                    let (f, cast) = l.printf();
                    writeln!(body, "  REC(\"{f}\", {cast}{e});").unwrap();
                }
            } else {
                writeln!(body, "  rec_reset();\n  f({});", call_args.join(", ")).unwrap();
            }
            writeln!(self.c, "void d{tag}{idx}({tname} f) {{\n{body}}}").unwrap();
        }
        let names: Vec<String> = (0..params.len()).map(|i| format!("p{i}")).collect();
        let leaf_checks: Vec<String> =
            arg_leaves.iter().map(|(e, l, src)| format!("{{{}, {src}}}", l.lua_read(e))).collect();
        writeln!(
            self.lua,
            "for _, tag in ipairs({{'s', 'm'}}) do\n  local got\n  local cb = ffi.cast('cb' .. tag .. '{idx}', function({})\n    got = {{{}}}\n    return {}\n  end)\n  lib['d' .. tag .. '{idx}'](cb)\n  cb:free()\n  check_cb('callback ' .. tag .. '{idx}', got, '{expect}')\nend",
            names.join(", "),
            leaf_checks.join(", "),
            ret_init.unwrap_or_default()
        )
        .unwrap();
    }
}

impl Agg {
    fn c_name(&self) -> String {
        format!("{} {}", if self.union { "union" } else { "struct" }, self.name)
    }
}

const C_PRELUDE: &str = r#"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
static char buf[1 << 16];
static int used;
static int kinds[64];
const char *rec_text(void) { return buf; }
void rec_set_kind(int i, int k) { kinds[i] = k; }
static void rec_reset(void) { used = 0; buf[0] = 0; }
#define REC(fmt, v) (used += snprintf(buf + used, sizeof buf - used, fmt ";", v))
"#;

const LUA_PRELUDE: &str = r#"
local ffi = require "ffi"
local lib = ffi.load(LIB)
ffi.cdef(CDEF)
ffi.cdef [[ const char *rec_text(void); void rec_set_kind(int, int); ]]
local bad, ran, cb_ran = {}, 0, 0
local function set_kinds(k) for i, v in ipairs(k) do lib.rec_set_kind(i - 1, v) end end
local function check(f, want, leaves)
  ran = ran + 1
  local got = ffi.string(lib.rec_text())
  if got ~= want then bad[#bad + 1] = f .. ": C received " .. got .. ", expected " .. want end
  for i, l in ipairs(leaves) do
    if l[1] ~= l[2] then
      bad[#bad + 1] = f .. ": result leaf " .. i .. " is " .. tostring(l[1]) .. ", expected " .. tostring(l[2])
    end
  end
end
local function check_cb(f, got, want)
  cb_ran = cb_ran + 1
  if not got then bad[#bad + 1] = f .. ": the Lua function did not run" return end
  for i, l in ipairs(got) do
    if l[1] ~= l[2] then
      bad[#bad + 1] = f .. ": argument leaf " .. i .. " is " .. tostring(l[1]) .. ", expected " .. tostring(l[2])
    end
  end
  local printed = ffi.string(lib.rec_text())
  if printed ~= want then bad[#bad + 1] = f .. ": C received " .. printed .. ", expected " .. want end
end
"#;

/// One batch: generate, compile, run; returns (functions called, callbacks called,
/// mismatches).
fn batch(seed: u64, first: usize, count: usize) -> (u64, u64, Vec<String>) {
    let mut g = Gen {
        rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ first as u64 | 1),
        aggs: Vec::new(),
        c: String::from(C_PRELUDE),
        lua: String::new(),
        cdef: String::new(),
    };
    for i in first..first + count {
        g.function(i);
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/abi_diff");
    std::fs::create_dir_all(&dir).unwrap();
    let tag = format!("{}-{seed}-{first}", std::process::id());
    let c_path = dir.join(format!("gen-{tag}.c"));
    let so_path = dir.join(format!("libgen-{tag}.so"));
    std::fs::write(&c_path, &g.c).unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let st = std::process::Command::new(&cc)
        .args(["-shared", "-fPIC", "-O1", "-w", "-o"])
        .arg(&so_path)
        .arg(&c_path)
        .status()
        .expect("cc");
    assert!(st.success(), "cc failed on {}", c_path.display());
    // SAFETY: all standard libraries, as the stock interpreter opens them.
    let lua = unsafe { mlua::Lua::unsafe_new() };
    ffi_mlua::preload(&lua).unwrap();
    lua.globals().set("LIB", so_path.display().to_string()).unwrap();
    lua.globals().set("CDEF", g.cdef.as_str()).unwrap();
    let src = format!("{LUA_PRELUDE}\n{}\nreturn ran, cb_ran, bad", g.lua);
    let (ran, cb_ran, bad): (u64, u64, Vec<String>) = lua
        .load(&src)
        .set_name(format!("abi_diff seed {seed} from {first}"))
        .eval()
        .unwrap_or_else(|e| panic!("seed {seed}, functions {first}..{}: {e}", first + count));
    if std::env::var("FFI_ABI_KEEP").is_err() {
        let _ = std::fs::remove_file(&c_path);
    }
    let _ = std::fs::remove_file(&so_path);
    (ran, cb_ran, bad)
}

#[test]
fn abi_differential() {
    let n: usize = std::env::var("FFI_ABI_SIGS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let seed: u64 = std::env::var("FFI_ABI_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let per = 1000;
    let (mut ran, mut cb_ran) = (0, 0);
    let mut bad = Vec::new();
    let mut first = 0;
    while first < n {
        let count = per.min(n - first);
        let (r, c, b) = batch(seed, first, count);
        ran += r;
        cb_ran += c;
        bad.extend(b);
        first += count;
    }
    let vm = ffi_conformance::vm_name();
    println!(
        "abi_diff ({vm}): seed {seed}: {n} signatures, {ran} calls and {cb_ran} callbacks \
         (SysV and ms_abi), {} mismatches",
        bad.len()
    );
    for b in bad.iter().take(20) {
        println!("    MISMATCH {b}");
    }
    assert_eq!(ran, 2 * n as u64, "every generated function was called");
    assert!(cb_ran >= n as u64, "callbacks of most signatures (all but the variadic) ran");
    assert!(bad.is_empty(), "{} ABI mismatches (seed {seed}); first: {}", bad.len(), bad[0]);
}
