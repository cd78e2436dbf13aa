//! The C declaration parser behind `ffi.cdef`, `ffi.typeof` and friends.
//!
//! A hand-written recursive-descent parser over [`Lexer`](crate::lex::Lexer) tokens. It
//! builds types directly in the [`CTypeTable`]; the caller wraps each parse in a
//! transaction so that a failing `cdef` leaves the table untouched.
//!
//! Declarators are parsed into a list of derivation steps (pointer, reference, array,
//! function) which are then applied to the base type in order: for `char (*(*)[3])[4]`
//! the steps are `[4]`, `*`, `[3]`, `*`.
//!
//! Submodules: [`spec`] (declaration specifiers, struct/union/enum bodies),
//! [`declarator`], [`attr`] (`__attribute__`, `__declspec`, `__asm__`) and [`expr`]
//! (integer constant expressions).

mod attr;
mod declarator;
mod expr;
mod spec;

use crate::ctype::{AggId, CTypeId, FloatKind, Kind, OpaqueKind, Symbol};
use crate::error::{msg, Error};
use crate::lex::{keyword, p, Kw, Lexer, Tok};
use crate::names::NameId;
use crate::table::{CTypeTable, Param};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

pub(crate) use attr::Attrs;

/// Nesting limit for declarators, specifiers, expressions and struct bodies: every
/// recursive path of the parser passes `enter`. LuaJIT's own limit is 20 declarator or
/// unary levels. Measured: a 256 KiB thread stack in a debug build overflows between 200
/// and 300 levels (see `nesting_is_bounded_on_a_small_stack`), so 100 keeps a margin.
const MAX_DEPTH: u32 = 100;

/// Storage classes.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum Storage {
    None,
    Typedef,
    Extern,
    Static,
}

pub(crate) struct Parser<'a, 't> {
    pub(crate) t: &'t mut CTypeTable,
    pub(crate) lx: Lexer<'a>,
    params: &'a [Param],
    pidx: usize,
    /// `ffi.cdef` (implicit tags allowed) rather than a type string.
    cdef: bool,
    depth: u32,
    /// `static const` members of the structs being parsed, innermost last.
    scoped: Vec<(NameId, CTypeId, i64)>,
    /// Structs whose bodies are being parsed (redefinition inside itself is an error).
    defining: Vec<AggId>,
    /// Declarator steps of the declarators being parsed (see `declarator`).
    pub(crate) ops: Vec<declarator::Op>,
    /// Parameter types referred to by function steps in `ops`.
    pub(crate) pool: Vec<CTypeId>,
    /// Inside an operand that C does not evaluate (`0 && x`, the untaken side of `?:`):
    /// division by zero there is no error.
    pub(crate) dead: u32,
}

impl<'a, 't> Parser<'a, 't> {
    pub(crate) fn new(
        t: &'t mut CTypeTable,
        src: &'a crate::lex::Source<'a>,
        params: &'a [Param],
        cdef: bool,
    ) -> Self {
        Parser {
            t,
            lx: Lexer::new(&src.text, &src.joins),
            params,
            pidx: 0,
            cdef,
            depth: 0,
            scoped: Vec::new(),
            defining: Vec::new(),
            dead: 0,
            ops: Vec::new(),
            pool: Vec::new(),
        }
    }

    // ---- token helpers ----

    pub(crate) fn next(&mut self) -> Result<(), Error> {
        self.lx.next(&mut self.t.names)
    }

    pub(crate) fn tok(&self) -> Tok {
        self.lx.tok
    }

    pub(crate) fn is(&self, c: u16) -> bool {
        self.lx.tok == Tok::Punct(c)
    }

    pub(crate) fn kw(&self) -> Option<Kw> {
        match self.lx.tok {
            Tok::Name(n) => keyword(n),
            _ => None,
        }
    }

    /// Consumes punctuator `c` if it is next.
    pub(crate) fn accept(&mut self, c: u16) -> Result<bool, Error> {
        if self.is(c) {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    pub(crate) fn expect(&mut self, c: u16) -> Result<(), Error> {
        if self.is(c) {
            self.next()
        } else {
            Err(self.err_expected(&tok_name(c)))
        }
    }

    /// `'X' expected near '<tok>'`.
    pub(crate) fn err_expected(&self, what: &str) -> Error {
        self.err_near(&format!("'{what}' expected"))
    }

    pub(crate) fn err_near(&self, m: &str) -> Error {
        self.lx.err_near(m, self.lx.tok_text(&self.t.names))
    }

    pub(crate) fn err(&self, m: &str) -> Error {
        self.lx.err_plain(m)
    }

    pub(crate) fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(msg::LEVELS));
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Looks at the token after the current one without consuming anything.
    pub(crate) fn peek2(&mut self) -> Result<Tok, Error> {
        let save = self.lx.save();
        let r = self.next().map(|_| self.lx.tok);
        self.lx.restore(save);
        r
    }

    /// Takes the next `$` parameter.
    pub(crate) fn take_param(&mut self) -> Result<Param, Error> {
        let p = self.params.get(self.pidx).cloned().ok_or_else(|| Error::new(msg::WRONG_PARAMS))?;
        self.pidx += 1;
        Ok(p)
    }

    /// The next `$` parameter, without taking it.
    pub(crate) fn peek_param(&self) -> Option<&Param> {
        self.params.get(self.pidx)
    }

    /// Skips a balanced `(...)`, `[...]` or `{...}` group starting at the current token.
    /// Bracket kinds are not matched against each other: the content is discarded.
    pub(crate) fn skip_group(&mut self) -> Result<(), Error> {
        let close = match self.tok() {
            Tok::Punct(c) if c == b'{' as u16 => "}",
            Tok::Punct(c) if c == b'[' as u16 => "]",
            _ => ")",
        };
        let mut depth = 0u32;
        loop {
            match self.tok() {
                Tok::Punct(c) if c == b'(' as u16 || c == b'[' as u16 || c == b'{' as u16 => {
                    depth += 1
                }
                Tok::Punct(c) if c == b')' as u16 || c == b']' as u16 || c == b'}' as u16 => {
                    depth = depth.saturating_sub(1)
                }
                Tok::Eof => return Err(self.err_expected(close)),
                _ => {}
            }
            self.next()?;
            if depth == 0 {
                return Ok(());
            }
        }
    }

    // ---- entry points ----

    /// `ffi.cdef`: a sequence of declarations.
    pub(crate) fn cdef(mut self) -> Result<(), Error> {
        let r = self.declarations();
        r.map_err(|e| e.locate(self.lx.line))
    }

    fn declarations(&mut self) -> Result<(), Error> {
        self.next()?;
        let mut count = 0u32;
        while self.tok() != Tok::Eof {
            let needs_semi = self.declaration()?;
            count += 1;
            if needs_semi && !self.accept(b';' as u16)? {
                // A lone declaration may leave out its ';' (as in LuaJIT).
                if !(self.tok() == Tok::Eof && count == 1) {
                    return Err(self.err_expected(";"));
                }
            }
        }
        self.check_params_used()
    }

    /// A type name (`ffi.typeof("int *")`).
    pub(crate) fn type_only(mut self) -> Result<CTypeId, Error> {
        let r = self.whole_type();
        r.map_err(|e| e.locate(self.lx.line))
    }

    fn whole_type(&mut self) -> Result<CTypeId, Error> {
        self.next()?;
        let ty = self.type_name()?;
        if self.tok() != Tok::Eof {
            return Err(self.err_expected("<eof>"));
        }
        self.check_params_used()?;
        Ok(ty)
    }

    fn check_params_used(&self) -> Result<(), Error> {
        if self.pidx != self.params.len() {
            return Err(Error::new(msg::WRONG_PARAMS));
        }
        Ok(())
    }

    /// Whether the current token can start a type name (for casts and `sizeof`).
    pub(crate) fn starts_type(&self) -> bool {
        match self.tok() {
            Tok::Name(n) => match keyword(n) {
                Some(k) => spec::is_spec_keyword(k),
                None => matches!(self.t.symbol(n), Some(Symbol::Typedef(_))),
            },
            Tok::Dollar => matches!(self.peek_param(), Some(Param::Type(_))),
            _ => false,
        }
    }

    /// specifiers + abstract declarator.
    pub(crate) fn type_name(&mut self) -> Result<CTypeId, Error> {
        let spec = self.decl_spec(spec::SpecPlace::Abstract)?;
        let mut attrs = spec.attrs.clone();
        let d = self.declarator(spec.ty, &mut attrs, declarator::Names::Forbidden)?;
        self.finish_type(d.ty, &attrs)
    }

    /// One top-level declaration. Returns whether a `;` must follow.
    fn declaration(&mut self) -> Result<bool, Error> {
        if self.is(b';' as u16) {
            return Ok(true);
        }
        if matches!(self.kw(), Some(Kw::StaticAssert | Kw::StaticAssert2)) {
            self.next()?;
            self.skip_group()?;
            return Ok(true);
        }
        let spec = self.decl_spec(spec::SpecPlace::Top)?;
        // (A lone declaration may end the text without its `;`.)
        if self.is(b';' as u16) || self.tok() == Tok::Eof {
            let k = self.t.get(spec.ty).kind;
            if spec.tagged_decl || matches!(k, Kind::Struct(_) | Kind::Enum(_)) {
                return Ok(true);
            }
            return Err(self.err_expected("<identifier>"));
        }
        loop {
            let mut attrs = spec.attrs.clone();
            let d = self.declarator(spec.ty, &mut attrs, declarator::Names::Required)?;
            self.attributes(&mut attrs)?;
            let Some(name) = d.name else {
                return Err(self.err_expected("<identifier>"));
            };
            let is_func = matches!(self.t.get(d.ty).kind, Kind::Func(_));
            match spec.storage {
                Storage::Typedef => {
                    let ty = self.finish_type(d.ty, &attrs)?;
                    if self.t.symbol(name).is_none() {
                        self.t.set_symbol(name, Symbol::Typedef(ty));
                    }
                }
                _ if is_func => {
                    let ty = self.finish_type(d.ty, &attrs)?;
                    match self.t.symbol(name) {
                        None => self.t.set_symbol(name, Symbol::Func { ty, asm: attrs.asm }),
                        // A later declaration may add the asm label (glibc declares
                        // `fscanf` plainly, then again redirected to `__isoc99_fscanf`).
                        Some(Symbol::Func { ty: old, asm: None }) if attrs.asm.is_some() => {
                            self.t.set_symbol(name, Symbol::Func { ty: old, asm: attrs.asm })
                        }
                        Some(_) => {}
                    }
                    if self.is(b'{' as u16) {
                        // An inline definition: the body is skipped, as in LuaJIT.
                        self.skip_group()?;
                        return Ok(false);
                    }
                }
                Storage::Static => {
                    // A name that is already declared cannot become a constant: LuaJIT
                    // stops at the `=` (`';' expected near '='`), even for the same value.
                    if self.t.symbol(name).is_some() && self.is(b'=' as u16) {
                        return Err(self.err_expected(";"));
                    }
                    self.static_const(name, d.ty, |p, n, ty, v| {
                        if p.t.symbol(n).is_none() {
                            p.t.set_symbol(n, Symbol::Const { ty, value: v });
                        }
                    })?;
                }
                _ => {
                    let ty = self.finish_type(d.ty, &attrs)?;
                    match self.t.symbol(name) {
                        None => self.t.set_symbol(name, Symbol::Var { ty, asm: attrs.asm }),
                        Some(Symbol::Var { ty: old, asm: None }) if attrs.asm.is_some() => {
                            self.t.set_symbol(name, Symbol::Var { ty: old, asm: attrs.asm })
                        }
                        Some(_) => {}
                    }
                }
            }
            if !self.accept(b',' as u16)? {
                return Ok(true);
            }
        }
    }

    /// `static const T name = expr` (the declarator is parsed; `=` is next).
    fn static_const(
        &mut self,
        name: NameId,
        ty: CTypeId,
        mut define: impl FnMut(&mut Self, NameId, CTypeId, i64),
    ) -> Result<(), Error> {
        let t = *self.t.get(ty);
        let (size, signed) = match t.kind {
            Kind::Int { size, signed, .. } if t.qual.is_const() => (size, signed),
            Kind::Bool if t.qual.is_const() => (1, false),
            _ => return Err(self.err(msg::INVALID_TYPE)),
        };
        self.expect(b'=' as u16)?;
        let v = self.const_int()?;
        // A string literal gives its size, as in LuaJIT (`static const int N = "abc";`
        // is 4).
        if !matches!(v.sort, expr::Sort::Const | expr::Sort::Str) {
            return Err(self.err(msg::INVALID_VALUE));
        }
        let value = expr::truncate(v.bits, size, signed);
        define(self, name, ty, value);
        Ok(())
    }

    /// Applies `mode`/`vector_size`/`aligned` attributes to a declared type.
    pub(crate) fn finish_type(&mut self, ty: CTypeId, a: &Attrs) -> Result<CTypeId, Error> {
        let mut ty = ty;
        // A calling convention written after the declarator (`int f(int)
        // __attribute__((ms_abi));`) belongs to the declared function.
        ty = self.apply_conv(ty, a.conv);
        if a.mode.is_some() || a.vector_size.is_some() {
            ty = self.apply_mode(ty, a)?;
        }
        if a.align != 0 {
            let t = *self.t.get(ty);
            ty = self.t.intern_kind(t.kind, t.qual, a.align)?;
        }
        Ok(ty)
    }

    /// `ty` with calling convention `conv` when it is a function, or a pointer to one,
    /// still of the default convention (a convention attribute written after the
    /// declarator: `typedef int (*cb)(int) __attribute__((ms_abi));`, as gcc applies it).
    pub(crate) fn apply_conv(&mut self, ty: CTypeId, conv: crate::ctype::CallConv) -> CTypeId {
        use crate::ctype::CallConv;
        if conv == CallConv::Default {
            return ty;
        }
        let t = *self.t.get(ty);
        match t.kind {
            Kind::Func(fid) if self.t.func(fid).conv == CallConv::Default => {
                let def = self.t.func(fid);
                let (ret, params, variadic) = (def.ret, def.params.clone(), def.variadic);
                self.t.func_type_from(ret, &params, variadic, conv)
            }
            Kind::Ptr(to) if matches!(self.t.get(to).kind, Kind::Func(_)) => {
                let f = self.apply_conv(to, conv);
                if f == to {
                    return ty;
                }
                let p = self.t.ptr_to(f);
                self.t.qualified(p, t.qual)
            }
            _ => ty,
        }
    }

    /// Applies `mode` and `vector_size` to a number type as LuaJIT does: the mode's size
    /// makes an integer of that size (16 and 32 bytes: opaque) or, for a float, a float
    /// or double (other sizes leave a float alone); a vector size then makes a vector of
    /// it. Other types are left alone by `mode`.
    pub(crate) fn apply_mode(&mut self, ty: CTypeId, a: &Attrs) -> Result<CTypeId, Error> {
        let t = *self.t.get(ty);
        if !matches!(t.kind, Kind::Int { .. } | Kind::Float(_)) {
            return match a.vector_size {
                Some(vs) => self.make_vector(ty, vs),
                None => Ok(ty),
            };
        }
        let mut elem = ty;
        if let Some(m) = a.mode {
            let k = match (t.kind, m.size) {
                (Kind::Int { signed, .. }, 1 | 2 | 4 | 8) => {
                    Some(Kind::Int { size: m.size as u8, signed, long: false })
                }
                (Kind::Int { signed, .. }, 16) => Some(Kind::Opaque(if signed {
                    OpaqueKind::Int128
                } else {
                    OpaqueKind::UInt128
                })),
                (Kind::Int { signed, .. }, 32) => Some(Kind::Opaque(if signed {
                    OpaqueKind::Int256
                } else {
                    OpaqueKind::UInt256
                })),
                (Kind::Float(_), 4) => Some(Kind::Float(FloatKind::Float)),
                (Kind::Float(_), 8) => Some(Kind::Float(FloatKind::Double)),
                _ => None,
            };
            if let Some(k) = k {
                elem = self.t.intern_kind(k, t.qual, 0)?;
            }
            let es = self.t.size_of(elem).unwrap_or(0);
            if a.vector_size.is_none() && m.vector >= es && m.vector > 0 {
                return self.make_vector(elem, m.vector);
            }
        }
        if let Some(vs) = a.vector_size {
            return self.make_vector(elem, vs);
        }
        Ok(elem)
    }

    fn make_vector(&mut self, elem: CTypeId, bytes: u64) -> Result<CTypeId, Error> {
        let t = *self.t.get(elem);
        let es = match t.kind {
            Kind::Int { .. } | Kind::Float(_) | Kind::Bool => t.size.unwrap_or(0),
            _ => return Err(self.err(msg::INVALID_TYPE)),
        };
        if es == 0 || bytes < es || bytes % es != 0 || !bytes.is_power_of_two() || bytes > 1024 {
            return Err(self.err(msg::INVALID_VALUE));
        }
        let e = self.t.unqualified(elem);
        self.t.intern_kind(Kind::Vector(e, (bytes / es) as u32), t.qual, 0)
    }
}

/// How a punctuator is shown in messages.
pub(crate) fn tok_name(c: u16) -> String {
    match c {
        p::ARROW => "->".into(),
        p::SHL => "<<".into(),
        p::SHR => ">>".into(),
        p::LE => "<=".into(),
        p::GE => ">=".into(),
        p::EQ => "==".into(),
        p::NE => "!=".into(),
        p::ANDAND => "&&".into(),
        p::OROR => "||".into(),
        p::ELLIPSIS => "...".into(),
        p::INC => "++".into(),
        p::DEC => "--".into(),
        p::COLON2 => "::".into(),
        c if c < 32 || c == 127 => format!("char({c})"),
        c => String::from(c as u8 as char),
    }
}
