//! Type printing exactly as LuaJIT's `tostring(ffi.typeof(...))` spells it.
//!
//! The declarator is built outward from the innermost derivation: pointers are
//! prepended, array brackets and `()` appended, and a pointer directly under an array or
//! function is wrapped in parentheses (`int (*)[3]`, `int (*)()`). LuaJIT never prints
//! parameter lists; [`CTypeTable::repr_full`] does, for diagnostics.

use crate::ctype::{ArrayLen, CTypeId, FloatKind, Kind, Qual};
use crate::table::CTypeTable;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

impl CTypeTable {
    /// The type as LuaJIT prints it inside `ctype<...>`.
    pub fn repr(&self, id: CTypeId) -> String {
        self.repr_impl(id, false, 0)
    }

    /// Like [`repr`](Self::repr), but function types show their parameters
    /// (`int (*)(int, double)`), for diagnostics.
    pub fn repr_full(&self, id: CTypeId) -> String {
        self.repr_impl(id, true, 0)
    }

    fn repr_impl(&self, id: CTypeId, params: bool, depth: u32) -> String {
        // `left` is kept reversed-by-chunks: chunks prepended later come first.
        let mut left: Vec<String> = Vec::new();
        let mut right = String::new();
        let mut t = id;
        let mut prev_ptr = false;
        let base: String;
        let mut guard = 0u32;
        loop {
            guard += 1;
            if guard > 10_000 {
                base = String::from("?");
                break;
            }
            let ct = self.get(t);
            match ct.kind {
                Kind::Ptr(to) => {
                    let mut s = String::from("*");
                    s.push_str(qual_str(ct.qual, false).trim_end());
                    left.push(s);
                    prev_ptr = true;
                    t = to;
                }
                Kind::Ptr32(to) => {
                    // LuaJIT: `int *__ptr32`, `int *__ptr32 const`.
                    let mut s = String::from("*__ptr32");
                    let q = qual_str(ct.qual, false);
                    if !q.trim().is_empty() {
                        s.push(' ');
                        s.push_str(q.trim());
                    }
                    left.push(s);
                    prev_ptr = true;
                    t = to;
                }
                Kind::Ref(to) => {
                    left.push(String::from("&"));
                    prev_ptr = true;
                    t = to;
                }
                Kind::Array(e, len) => {
                    if prev_ptr {
                        left.push(String::from("("));
                        right.push(')');
                    }
                    match len {
                        ArrayLen::Fixed(n) => right.push_str(&format!("[{n}]")),
                        ArrayLen::Unsized => right.push_str("[]"),
                        ArrayLen::Vla => right.push_str("[?]"),
                    }
                    prev_ptr = false;
                    t = e;
                }
                Kind::Func(f) => {
                    if prev_ptr {
                        left.push(String::from("("));
                        right.push(')');
                    }
                    let fd = self.func(f);
                    if params && depth < 16 {
                        right.push('(');
                        for (i, p) in fd.params.iter().enumerate() {
                            if i > 0 {
                                right.push_str(", ");
                            }
                            right.push_str(&self.repr_impl(*p, true, depth + 1));
                        }
                        if fd.variadic {
                            right.push_str(if fd.params.is_empty() { "..." } else { ", ..." });
                        }
                        right.push(')');
                    } else {
                        right.push_str("()");
                    }
                    prev_ptr = false;
                    t = fd.ret;
                }
                _ => {
                    base = self.base_name(t);
                    break;
                }
            }
        }
        // A qualifier word (or `__ptr32`) is followed by a space when more of the
        // declarator follows (`char *const *`, `int *const [3]`, `int *__ptr32 *`), as in
        // LuaJIT.
        let mut decl = String::new();
        let n = left.len();
        for (i, s) in left.iter().rev().enumerate() {
            decl.push_str(s);
            let more = i + 1 < n || !(right.is_empty() || right.starts_with(')'));
            if more && s.ends_with(|c: char| c.is_ascii_alphanumeric()) {
                decl.push(' ');
            }
        }
        decl.push_str(&right);
        if decl.is_empty() {
            base
        } else {
            format!("{base} {decl}")
        }
    }

    /// The name of a non-derived type with its qualifiers: `const int`, `struct foo`.
    fn base_name(&self, id: CTypeId) -> String {
        let ct = self.get(id);
        let q = qual_str(ct.qual, true);
        let name: String = match ct.kind {
            Kind::Void => "void".into(),
            Kind::Bool => "bool".into(),
            Kind::Int { size, signed, .. } => match (size, signed) {
                (1, true) => "char".into(),
                (1, false) => "unsigned char".into(),
                (2, true) => "short".into(),
                (2, false) => "unsigned short".into(),
                (4, true) => "int".into(),
                (4, false) => "unsigned int".into(),
                (s, true) => format!("int{}_t", s as u32 * 8),
                (s, false) => format!("uint{}_t", s as u32 * 8),
            },
            Kind::Float(FloatKind::Float) => "float".into(),
            Kind::Float(FloatKind::Double) => "double".into(),
            Kind::Float(FloatKind::LongDouble) => "long double".into(),
            // LuaJIT drops qualifiers on complex types.
            Kind::Complex(FloatKind::Float) => return "complex float".into(),
            Kind::Complex(_) => return "complex".into(),
            Kind::Vector(e, n) => {
                let es = self.size_of(e).unwrap_or(0);
                format!("{} __attribute__((vector_size({})))", self.base_name(e), es * n as u64)
            }
            Kind::Struct(a) => {
                let d = self.agg(a);
                let kw = if d.is_union { "union" } else { "struct" };
                match d.tag {
                    Some(n) => format!("{kw} {}", self.names().str(n)),
                    None => format!("{kw} {}", self.anon_id(id)),
                }
            }
            Kind::Enum(e) => match self.enum_def(e).tag {
                Some(n) => format!("enum {}", self.names().str(n)),
                None => format!("enum {}", self.anon_id(id)),
            },
            Kind::Opaque(o) => o.name().into(),
            Kind::Ptr(_) | Kind::Ptr32(_) | Kind::Ref(_) | Kind::Array(..) | Kind::Func(_) => {
                "?".into()
            }
        };
        format!("{q}{name}")
    }

    /// The number shown for an anonymous struct/union/enum: the id of its unqualified type.
    fn anon_id(&self, id: CTypeId) -> u32 {
        let k = self.get(id).kind;
        match k {
            Kind::Struct(a) => self.agg(a).variants.first().copied().unwrap_or(id).index(),
            Kind::Enum(e) => self.enum_def(e).variants.first().copied().unwrap_or(id).index(),
            _ => id.index(),
        }
    }
}

fn qual_str(q: Qual, prefix: bool) -> &'static str {
    match (q.is_const(), q.is_volatile(), prefix) {
        (false, false, _) => "",
        (true, false, true) => "const ",
        (false, true, true) => "volatile ",
        (true, true, true) => "const volatile ",
        (true, false, false) => "const",
        (false, true, false) => "volatile",
        (true, true, false) => "const volatile",
    }
}
