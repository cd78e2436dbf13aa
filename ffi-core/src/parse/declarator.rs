//! Declarators: pointers, references, arrays, functions and the names they declare.

use super::attr::Attrs;
use super::spec::SpecPlace;
use super::Parser;
use crate::ctype::{ArrayLen, CTypeId, CallConv, Kind, Qual, Symbol};
use crate::error::{msg, Error};
use crate::lex::{keyword, p, Kw, Tok};
use crate::names::NameId;
use crate::table::Param;

/// Whether a declarator may, must or must not declare a name.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(crate) enum Names {
    Required,
    Optional,
    Forbidden,
}

/// One derivation step. Function parameters live in the parser's parameter pool.
#[derive(Copy, Clone)]
pub(crate) enum Op {
    Ptr(Qual),
    /// A 32-bit pointer (`*__ptr32`, or a 4-byte mode before or right after the `*`).
    Ptr32(Qual),
    Ref,
    Array(ArrayLen),
    Func {
        start: u32,
        len: u32,
        variadic: bool,
    },
}

pub(crate) struct Decl {
    pub ty: CTypeId,
    pub name: Option<NameId>,
}

/// Limit on derivation steps in one declarator.
const MAX_OPS: usize = 256;

impl Parser<'_, '_> {
    pub(crate) fn declarator(
        &mut self,
        base: CTypeId,
        attrs: &mut Attrs,
        names: Names,
    ) -> Result<Decl, Error> {
        // Steps and parameters go on shared stacks (no allocation per declarator); nested
        // declarators (in parameter lists) work above this one's marks.
        let ops_mark = self.ops.len();
        let pool_mark = self.pool.len();
        let mut name = None;
        let r = self.decl_ops(&mut name, attrs, names).and_then(|()| {
            if names == Names::Forbidden && name.is_some() {
                return Err(self.err_expected("<eof>"));
            }
            // Attributes after the declarator belong to the declaration
            // (`short [5] __attribute__((aligned(8)))`, `int v __attribute__((mode(QI)))`).
            self.attributes(attrs)?;
            // `mode` and `vector_size` make the base number type, wherever they were
            // written (`int __attribute__((vector_size(8))) [1]` is an array of vectors).
            let mut base = base;
            if attrs.mode.is_some() || attrs.vector_size.is_some() {
                base = self.apply_mode(base, attrs)?;
                attrs.mode = None;
                attrs.vector_size = None;
            }
            self.apply_ops(base, ops_mark, attrs)
        });
        self.ops.truncate(ops_mark);
        self.pool.truncate(pool_mark);
        Ok(Decl { ty: r?, name })
    }

    /// Pushes the steps of one declarator, in application order: pointers, then suffixes
    /// from the last to the first, then the nested declarator's steps.
    fn decl_ops(
        &mut self,
        name: &mut Option<NameId>,
        attrs: &mut Attrs,
        names: Names,
    ) -> Result<(), Error> {
        self.enter()?;
        let start = self.ops.len();
        loop {
            match self.tok() {
                Tok::Punct(c) if c == b'*' as u16 => {
                    self.next()?;
                    // A pointer takes the size a `mode` or `__ptr32`/`__ptr64` before or
                    // right after it gave (as in LuaJIT): 4 bytes make a 32-bit pointer,
                    // and the number underneath does not get it.
                    let before = attrs.mode.take();
                    let q = self.ptr_quals(attrs)?;
                    let mode = attrs.mode.take().or(before);
                    let short = mode.is_some_and(|m| m.size == 4 && m.vector == 0);
                    self.ops.push(if short { Op::Ptr32(q) } else { Op::Ptr(q) });
                }
                Tok::Punct(c) if c == b'&' as u16 || c == b'^' as u16 || c == p::ANDAND => {
                    // `T &&` is taken as a plain reference, as LuaJIT does.
                    self.next()?;
                    attrs.mode = None;
                    self.ptr_quals(attrs)?;
                    self.ops.push(Op::Ref);
                }
                Tok::Name(n) if is_decl_attr(keyword(n)) => {
                    self.attributes(attrs)?;
                }
                _ => break,
            }
            if self.ops.len() - start > MAX_OPS {
                return Err(self.err(msg::LEVELS));
            }
        }
        let inner_start = self.ops.len();
        let mut nested = false;
        // A parameter list found after attributes that follow `(` (`int (__cdecl)(int)`
        // is not one, `(__attribute__((unused)) int x)` is).
        let mut first_params = None;
        match self.tok() {
            Tok::Punct(c) if c == b'(' as u16 && self.paren_is_declarator()? => {
                self.next()?;
                // Attributes may open the parenthesised declarator (`int (__stdcall *f)()`,
                // `(__attribute__((cdecl)) *fn)`): they belong to the declaration.
                self.attributes(attrs)?;
                if self.params_start() {
                    first_params = Some(self.params_open()?);
                } else {
                    self.decl_ops(name, attrs, names)?;
                    self.expect(b')' as u16)?;
                    nested = true;
                }
            }
            Tok::Name(n) if keyword(n).is_none() && names != Names::Forbidden => {
                *name = Some(n);
                self.next()?;
            }
            Tok::Name(n) if keyword(n).is_none() => {
                // A name in a type string: LuaJIT says the type should have ended.
                return Err(self.err_expected("<eof>"));
            }
            Tok::Dollar if names != Names::Forbidden => {
                if let Some(Param::Name(s)) = self.peek_param() {
                    let s = s.clone();
                    self.take_param()?;
                    *name = Some(self.t.intern_name(&s));
                    self.next()?;
                }
            }
            _ => {}
        }
        if names == Names::Required && name.is_none() && !nested {
            return Err(self.err_expected("<identifier>"));
        }
        let sfx_start = self.ops.len();
        if let Some(op) = first_params {
            self.ops.push(op);
        }
        loop {
            if self.is(b'[' as u16) {
                let len = self.array_len(attrs)?;
                self.ops.push(Op::Array(len));
            } else if self.is(b'(' as u16) {
                let op = self.params()?;
                self.ops.push(op);
            } else {
                break;
            }
            if self.ops.len() - start > MAX_OPS {
                return Err(self.err(msg::LEVELS));
            }
        }
        // [ptrs][inner][sfx] -> [ptrs][rev sfx][inner]
        self.ops[sfx_start..].reverse();
        let inner_len = sfx_start - inner_start;
        self.ops[inner_start..].rotate_left(inner_len);
        self.leave();
        Ok(())
    }

    /// Qualifiers and attributes after `*`.
    fn ptr_quals(&mut self, attrs: &mut Attrs) -> Result<Qual, Error> {
        let mut q = Qual::NONE;
        loop {
            match self.kw() {
                Some(Kw::Const | Kw::Const2 | Kw::Const3) => q = q.with(Qual::CONST),
                Some(Kw::Volatile | Kw::Volatile2 | Kw::Volatile3) => q = q.with(Qual::VOLATILE),
                Some(k @ (Kw::Ptr32 | Kw::Ptr64)) => {
                    let size = if k == Kw::Ptr32 { 4 } else { 8 };
                    attrs.mode = Some(super::attr::Mode { size, vector: 0 });
                }
                Some(Kw::Restrict | Kw::Restrict2 | Kw::Restrict3 | Kw::Atomic | Kw::Extension) => {
                }
                k if is_decl_attr(k) => {
                    self.attributes(attrs)?;
                    continue;
                }
                _ => return Ok(q),
            }
            self.next()?;
        }
    }

    /// At `(`: does a nested declarator follow (rather than a parameter list)?
    /// A parameter list starts with a type, `)` or `...`; anything else is a nested
    /// declarator (as LuaJIT decides). Attributes right after `(` are looked past later.
    fn paren_is_declarator(&mut self) -> Result<bool, Error> {
        let next = self.peek2()?;
        if let Tok::Name(n) = next {
            if is_decl_attr(keyword(n)) {
                return Ok(true);
            }
        }
        Ok(self.starts_declarator(next))
    }

    /// Whether the current token starts a parameter list's contents (or ends it).
    fn params_start(&self) -> bool {
        !self.starts_declarator(self.tok())
    }

    /// Whether `tok`, after `(`, starts a nested declarator rather than parameters.
    fn starts_declarator(&self, tok: Tok) -> bool {
        match tok {
            Tok::Punct(c) => !(c == b')' as u16 || c == p::ELLIPSIS),
            Tok::Name(n) => match keyword(n) {
                Some(k) => {
                    !super::spec::is_spec_keyword(k)
                        && !matches!(
                            k,
                            Kw::Typedef
                                | Kw::Extern
                                | Kw::Static
                                | Kw::Register
                                | Kw::Auto
                                | Kw::Inline
                                | Kw::Inline2
                                | Kw::Inline3
                        )
                }
                None => !matches!(self.t.symbol(n), Some(Symbol::Typedef(_))),
            },
            Tok::Dollar => !matches!(self.peek_param(), Some(Param::Type(_))),
            _ => true,
        }
    }

    fn array_len(&mut self, attrs: &mut Attrs) -> Result<ArrayLen, Error> {
        self.next()?; // '['
                      // Qualifiers and `static` inside brackets are allowed in parameters.
        loop {
            match self.kw() {
                Some(
                    Kw::Const
                    | Kw::Const2
                    | Kw::Const3
                    | Kw::Volatile
                    | Kw::Volatile2
                    | Kw::Volatile3
                    | Kw::Restrict
                    | Kw::Restrict2
                    | Kw::Restrict3
                    | Kw::Static,
                ) => self.next()?,
                k if is_decl_attr(k) => self.attributes(attrs)?,
                _ => break,
            }
        }
        let len = if self.is(b']' as u16) {
            ArrayLen::Unsized
        } else if self.is(b'?' as u16) {
            self.next()?;
            ArrayLen::Vla
        } else if self.tok() == Tok::Dollar && matches!(self.peek_param(), Some(Param::Int(_))) {
            let Ok(Param::Int(n)) = self.take_param() else {
                return Err(self.err(msg::INVALID_VALUE));
            };
            self.next()?;
            if !(0..=crate::table::MAX_SIZE as i64).contains(&n) {
                return Err(Error::new(msg::TOO_LARGE));
            }
            ArrayLen::Fixed(n as u64)
        } else {
            let v = self.const_value()?;
            let n = v.as_i128();
            if !(0..=crate::table::MAX_SIZE as i128).contains(&n) {
                return Err(Error::new(msg::TOO_LARGE));
            }
            ArrayLen::Fixed(n as u64)
        };
        self.expect(b']' as u16)?;
        Ok(len)
    }

    /// `( params )`: parameter types after decay go to the pool; returns the step.
    fn params(&mut self) -> Result<Op, Error> {
        self.next()?; // '('
        self.params_open()
    }

    /// A parameter list after its `(`.
    fn params_open(&mut self) -> Result<Op, Error> {
        self.enter()?;
        // Parameters go straight onto the pool: the declarators parsed in between only
        // use (and truncate back to) the pool above them.
        let start = self.pool.len();
        let mut variadic = false;
        if !self.is(b')' as u16) {
            loop {
                if self.is(p::ELLIPSIS) {
                    self.next()?;
                    variadic = true;
                    break;
                }
                let spec = self.decl_spec(SpecPlace::Param)?;
                let mut pa = spec.attrs.clone();
                let d = self.declarator(spec.ty, &mut pa, Names::Optional)?;
                self.attributes(&mut pa)?;
                let ty = self.finish_type(d.ty, &Attrs { align: 0, ..pa })?;
                let t = *self.t.get(ty);
                match t.kind {
                    // An unnamed `void` ends the list: `(void)`, and `(int, void)` as LuaJIT
                    // takes it; anything after it is an error.
                    Kind::Void if d.name.is_none() => break,
                    Kind::Void => return Err(self.err(msg::INVALID_TYPE)),
                    Kind::Array(e, _) => {
                        // Arrays decay to pointers to their (qualified) elements.
                        let p = self.t.intern_kind(Kind::Ptr(e), t.qual, 0)?;
                        self.pool.push(p);
                    }
                    Kind::Func(_) => {
                        let p = self.t.ptr_to(ty);
                        self.pool.push(p);
                    }
                    _ => self.pool.push(ty),
                }
                if !self.accept(b',' as u16)? {
                    break;
                }
            }
        }
        self.expect(b')' as u16)?;
        self.leave();
        let len = (self.pool.len() - start) as u32;
        Ok(Op::Func { start: start as u32, len, variadic })
    }

    fn apply_ops(
        &mut self,
        base: CTypeId,
        from: usize,
        attrs: &mut Attrs,
    ) -> Result<CTypeId, Error> {
        let mut ty = base;
        let last_func =
            self.ops[from..].iter().rposition(|o| matches!(o, Op::Func { .. })).map(|i| i + from);
        for i in from..self.ops.len() {
            let op = self.ops[i];
            let k = self.t.get(ty).kind;
            ty = match op {
                Op::Ptr(q) => {
                    if matches!(k, Kind::Ref(_)) {
                        return Err(self.err(msg::INVALID_TYPE));
                    }
                    self.t.intern_kind(Kind::Ptr(ty), q, 0)?
                }
                Op::Ptr32(q) => {
                    if matches!(k, Kind::Ref(_)) {
                        return Err(self.err(msg::INVALID_TYPE));
                    }
                    self.t.intern_kind(Kind::Ptr32(ty), q, 0)?
                }
                Op::Ref => match k {
                    Kind::Ref(_) => ty,
                    _ => self.t.intern_kind(Kind::Ref(ty), Qual::NONE, 0)?,
                },
                Op::Array(len) => {
                    let t = self.t.get(ty);
                    match t.kind {
                        Kind::Ref(_) => return Err(self.err(msg::INVALID_TYPE)),
                        Kind::Struct(a) if self.t.agg(a).vla => {
                            return Err(self.err(msg::TOO_LARGE))
                        }
                        _ => {}
                    }
                    if t.size.is_none() {
                        return Err(self.err(msg::TOO_LARGE));
                    }
                    self.t.intern_kind(Kind::Array(ty, len), Qual::NONE, 0)?
                }
                Op::Func { start, len, variadic } => {
                    if matches!(k, Kind::Func(_) | Kind::Array(..)) {
                        return Err(self.err(msg::INVALID_TYPE));
                    }
                    // The calling convention belongs to the outermost function (the one a
                    // pointer points to, or the declared function).
                    let conv = if Some(i) == last_func { attrs.conv } else { CallConv::Default };
                    let (s, e) = (start as usize, (start + len) as usize);
                    self.t.func_type_from(ty, &self.pool[s..e], variadic, conv)
                }
            };
        }
        Ok(ty)
    }
}

/// Keywords that may appear among declarator parts.
pub(crate) fn is_decl_attr(k: Option<Kw>) -> bool {
    matches!(
        k,
        Some(
            Kw::Attribute
                | Kw::Attribute2
                | Kw::Declspec
                | Kw::Cdecl
                | Kw::Cdecl2
                | Kw::Stdcall
                | Kw::Stdcall2
                | Kw::Fastcall
                | Kw::Fastcall2
                | Kw::Thiscall
                | Kw::Ptr32
                | Kw::Ptr64
                | Kw::Extension
        )
    )
}
