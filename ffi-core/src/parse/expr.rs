//! Constant expressions, evaluated with C's rules: integer promotions, the usual
//! arithmetic conversions (64-bit, unsigned wrap), `sizeof`, `_Alignof`, casts, `?:` with
//! short-circuit evaluation, and enum and `static const` constants.
//!
//! As in LuaJIT, an expression may also name things that are not constants (extern
//! variables, functions, members of structs through `.` and `->`, `*p`, `&x`, `a[i]`,
//! string literals): these have a type but no value, which is what `sizeof`, `__typeof__`
//! and member access need (`sizeof(obj.member)`, `obj.CONST` for a `static const`
//! member). Where a value is needed, a non-constant is an error (LuaJIT computes one from
//! its internal ids instead).

use super::Parser;
use crate::ctype::{ArrayLen, CTypeId, Kind, Qual, Symbol};
use crate::error::{msg, Error};
use crate::lex::{keyword, p, Kw, Tok};
use crate::table::{ids, Param};
use alloc::format;

/// What an expression is beyond its arithmetic shape.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Sort {
    /// An integer constant: `bits` is its value.
    Const,
    /// An integer computed from non-constants: only its type (`wide`, `unsigned`) is known.
    Runtime,
    /// A string literal: `bits` is its size with the terminating zero.
    Str,
    /// An object or function of this type (an extern variable, a member, `*p`).
    Obj(CTypeId),
}

/// A value with its C type reduced to what arithmetic needs: 32 or 64 bits, signedness.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Val {
    /// The bits, sign- or zero-extended to 64.
    pub bits: u64,
    pub wide: bool,
    pub unsigned: bool,
    pub sort: Sort,
}

impl Val {
    pub(crate) fn int(v: i64) -> Val {
        Val { bits: v as u64, wide: false, unsigned: false, sort: Sort::Const }
    }
    fn cnst(bits: u64, wide: bool, unsigned: bool) -> Val {
        Val { bits, wide, unsigned, sort: Sort::Const }
    }
    fn is_const(self) -> bool {
        self.sort == Sort::Const
    }
    /// The value of the enum constant after one of value `self`: 32-bit values count on
    /// in 32 bits, an int past INT_MAX becoming unsigned (0x7fffffff, 0x80000000u) and an
    /// unsigned int wrapping to 0, as in LuaJIT.
    pub(crate) fn succ(self) -> Val {
        if self.wide {
            return Val { bits: self.bits.wrapping_add(1), ..self };
        }
        if !self.unsigned && self.bits as i32 == i32::MAX {
            return Val::cnst(0x8000_0000, false, true);
        }
        Val { bits: self.bits.wrapping_add(1), ..self }.norm()
    }
    /// The value as a mathematical integer.
    pub fn as_i128(self) -> i128 {
        if self.unsigned {
            self.bits as i128
        } else {
            self.bits as i64 as i128
        }
    }
    fn is_true(self) -> bool {
        self.bits != 0
    }
    /// Normalises `bits` to the value's width.
    fn norm(mut self) -> Val {
        if !self.wide {
            self.bits = if self.unsigned {
                self.bits as u32 as u64
            } else {
                self.bits as i32 as i64 as u64
            };
        }
        self
    }
    /// The C type of an integer value.
    fn int_type(self) -> CTypeId {
        match (self.wide, self.unsigned) {
            (false, false) => ids::INT,
            (false, true) => ids::UINT,
            (true, false) => ids::LONG,
            (true, true) => ids::ULONG,
        }
    }
    /// Usual arithmetic conversions for two operands.
    fn common(a: Val, b: Val) -> (bool, bool) {
        let wide = a.wide || b.wide;
        let unsigned = if a.wide == b.wide {
            a.unsigned || b.unsigned
        } else if a.wide {
            a.unsigned
        } else {
            b.unsigned
        };
        (wide, unsigned)
    }
    fn conv(self, wide: bool, unsigned: bool) -> Val {
        Val { bits: self.bits, wide, unsigned, sort: self.sort }.norm()
    }
}

/// Truncates a value to an integer type of `size` bytes and extends it back.
pub(crate) fn truncate(bits: u64, size: u8, signed: bool) -> i64 {
    let sh = 64 - 8 * size.min(8) as u32;
    if sh == 0 {
        return bits as i64;
    }
    if signed {
        ((bits << sh) as i64) >> sh
    } else {
        ((bits << sh) >> sh) as i64
    }
}

impl Parser<'_, '_> {
    /// An expression (constant or not; see [`Sort`]).
    pub(crate) fn const_int(&mut self) -> Result<Val, Error> {
        self.cond()
    }

    /// An integer constant expression: anything else is an error.
    pub(crate) fn const_value(&mut self) -> Result<Val, Error> {
        let v = self.cond()?;
        if !v.is_const() {
            return Err(self.err(msg::INVALID_VALUE));
        }
        Ok(v)
    }

    /// The C type of an expression.
    pub(crate) fn val_type(&mut self, v: Val) -> Result<CTypeId, Error> {
        match v.sort {
            Sort::Obj(ty) => Ok(ty),
            Sort::Str => {
                let c = self.t.qualified(ids::CHAR, Qual::CONST);
                self.t.array_of(c, ArrayLen::Fixed(v.bits))
            }
            Sort::Const | Sort::Runtime => Ok(v.int_type()),
        }
    }

    /// An operand of arithmetic: an integer object becomes a value of its promoted type;
    /// anything else that is not an integer is an error.
    fn arith(&self, v: Val) -> Result<Val, Error> {
        let Sort::Obj(ty) = v.sort else {
            if v.sort == Sort::Str {
                return Err(self.err(msg::INVALID_VALUE));
            }
            return Ok(v);
        };
        let t = self.t.get(ty);
        let (size, signed) = match t.kind {
            Kind::Int { size, signed, .. } => (size, signed),
            Kind::Bool => (1, true),
            Kind::Enum(e) => {
                let d = self.t.enum_def(e);
                (d.size, d.signed)
            }
            _ => return Err(self.err(msg::INVALID_VALUE)),
        };
        Ok(Val { bits: 0, wide: size == 8, unsigned: !signed && size >= 4, sort: Sort::Runtime })
    }

    /// Parses an operand that is not evaluated when `dead` is set.
    fn maybe_dead<T>(
        &mut self,
        dead: bool,
        f: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.dead += dead as u32;
        let r = f(self);
        self.dead -= dead as u32;
        r
    }

    fn cond(&mut self) -> Result<Val, Error> {
        // Every level of `?:` nests (`a ? b : c ? d : e`): it counts against the depth.
        self.enter()?;
        let r = self.cond_inner();
        self.leave();
        r
    }

    fn cond_inner(&mut self) -> Result<Val, Error> {
        let c = self.binary(0)?;
        if self.accept(b'?' as u16)? {
            let c = self.arith(c)?;
            let known = c.is_const();
            let a = self.maybe_dead(known && !c.is_true(), |p| p.cond())?;
            let a = self.arith(a)?;
            self.expect(b':' as u16)?;
            let b = self.maybe_dead(known && c.is_true(), |p| p.cond())?;
            let b = self.arith(b)?;
            let (w, u) = Val::common(a, b);
            if !known {
                return Ok(Val { bits: 0, wide: w, unsigned: u, sort: Sort::Runtime });
            }
            return Ok(if c.is_true() { a } else { b }.conv(w, u));
        }
        Ok(c)
    }

    fn binary(&mut self, min_prec: u8) -> Result<Val, Error> {
        let mut l = self.unary()?;
        loop {
            let Tok::Punct(op) = self.tok() else { return Ok(l) };
            let Some(prec) = prec(op) else { return Ok(l) };
            if prec < min_prec {
                return Ok(l);
            }
            self.next()?;
            l = self.arith(l)?;
            let skip = l.is_const()
                && ((op == p::ANDAND && !l.is_true()) || (op == p::OROR && l.is_true()));
            // (The right operand recurses at most once per precedence level.)
            let r = self.maybe_dead(skip, |p| p.binary(prec + 1))?;
            let r = self.arith(r)?;
            l = if l.is_const() && r.is_const() {
                self.binop(op, l, r)?
            } else {
                let (wide, unsigned) = match op {
                    p::ANDAND | p::OROR | p::EQ | p::NE | p::LE | p::GE => (false, false),
                    x if x == b'<' as u16 || x == b'>' as u16 => (false, false),
                    p::SHL | p::SHR => (l.wide, l.unsigned),
                    _ => Val::common(l, r),
                };
                Val { bits: 0, wide, unsigned, sort: Sort::Runtime }
            };
        }
    }

    fn binop(&self, op: u16, l: Val, r: Val) -> Result<Val, Error> {
        let b = |x: bool| Val::int(x as i64);
        if op == p::ANDAND {
            return Ok(b(l.is_true() && r.is_true()));
        }
        if op == p::OROR {
            return Ok(b(l.is_true() || r.is_true()));
        }
        if op == p::SHL || op == p::SHR {
            // The result has the promoted type of the left operand.
            let n = r.as_i128();
            if !(0..64).contains(&n) {
                if self.dead > 0 {
                    return Ok(l);
                }
                return Err(self.err(msg::INVALID_VALUE));
            }
            let n = n as u32;
            let bits = if op == p::SHL {
                l.bits.wrapping_shl(n)
            } else if l.unsigned {
                let v = if l.wide { l.bits } else { l.bits as u32 as u64 };
                v >> n
            } else {
                ((l.bits as i64) >> n) as u64
            };
            return Ok(Val { bits, ..l }.norm());
        }
        let (wide, unsigned) = Val::common(l, r);
        let (a, c) = (l.conv(wide, unsigned), r.conv(wide, unsigned));
        let cmp = |a: Val, c: Val| -> core::cmp::Ordering {
            if unsigned {
                let m = if wide { u64::MAX } else { u32::MAX as u64 };
                (a.bits & m).cmp(&(c.bits & m))
            } else {
                (a.bits as i64).cmp(&(c.bits as i64))
            }
        };
        use core::cmp::Ordering::*;
        let v = match op {
            p::EQ => return Ok(b(cmp(a, c) == Equal)),
            p::NE => return Ok(b(cmp(a, c) != Equal)),
            p::LE => return Ok(b(cmp(a, c) != Greater)),
            p::GE => return Ok(b(cmp(a, c) != Less)),
            x if x == b'<' as u16 => return Ok(b(cmp(a, c) == Less)),
            x if x == b'>' as u16 => return Ok(b(cmp(a, c) == Greater)),
            x if x == b'+' as u16 => a.bits.wrapping_add(c.bits),
            x if x == b'-' as u16 => a.bits.wrapping_sub(c.bits),
            x if x == b'*' as u16 => a.bits.wrapping_mul(c.bits),
            x if x == b'&' as u16 => a.bits & c.bits,
            x if x == b'|' as u16 => a.bits | c.bits,
            x if x == b'^' as u16 => a.bits ^ c.bits,
            x if x == b'/' as u16 || x == b'%' as u16 => {
                let m = if wide { u64::MAX } else { u32::MAX as u64 };
                if c.bits & m == 0 {
                    if self.dead > 0 {
                        return Ok(Val::cnst(0, wide, unsigned));
                    }
                    return Err(self.err(msg::INVALID_VALUE));
                }
                let div = x == b'/' as u16;
                if unsigned {
                    let (p, q) = (a.bits & m, c.bits & m);
                    if div {
                        p / q
                    } else {
                        p % q
                    }
                } else {
                    let (p, q) = (a.bits as i64, c.bits as i64);
                    let min = if wide { i64::MIN } else { i32::MIN as i64 };
                    if p == min && q == -1 {
                        if self.dead > 0 {
                            return Ok(Val::cnst(0, wide, unsigned));
                        }
                        return Err(self.err(msg::INVALID_VALUE));
                    }
                    (if div { p / q } else { p % q }) as u64
                }
            }
            _ => return Err(self.err_near(msg::UNEXPECTED)),
        };
        Ok(Val::cnst(v, wide, unsigned).norm())
    }

    fn unary(&mut self) -> Result<Val, Error> {
        self.enter()?;
        let r = self.unary_inner().and_then(|v| self.postfix(v));
        self.leave();
        r
    }

    /// `.member`, `->member` and `[index]` after an operand.
    fn postfix(&mut self, mut v: Val) -> Result<Val, Error> {
        loop {
            if self.accept(b'[' as u16)? {
                let mut i = self.const_int()?;
                while self.accept(b',' as u16)? {
                    i = self.const_int()?;
                }
                let vt = self.val_type(v)?;
                let elem = match self.pointee(vt) {
                    Some(e) => e,
                    None => {
                        let it = self.val_type(i)?;
                        self.pointee(it).ok_or_else(|| self.cannot_index(it))?
                    }
                };
                self.expect(b']' as u16)?;
                v = Val { bits: 0, wide: false, unsigned: false, sort: Sort::Obj(elem) };
            } else if self.is(b'.' as u16) || self.is(p::ARROW) {
                let arrow = self.is(p::ARROW);
                let mut ty = self.val_type(v)?;
                if arrow {
                    ty = self.pointee(ty).ok_or_else(|| self.cannot_index(ty))?;
                }
                self.next()?;
                let Tok::Name(n) = self.tok() else {
                    return Err(self.err_expected("<identifier>"));
                };
                v = self.member(ty, n)?;
                self.next()?;
            } else {
                return Ok(v);
            }
        }
    }

    /// What a pointer or array type points to.
    fn pointee(&self, ty: CTypeId) -> Option<CTypeId> {
        match self.t.get(ty).kind {
            Kind::Ptr(e) | Kind::Array(e, _) => Some(e),
            Kind::Ref(r) => self.pointee(r),
            _ => None,
        }
    }

    /// `'T' cannot be indexed`.
    fn cannot_index(&self, ty: CTypeId) -> Error {
        self.err(&format!("'{}' cannot be indexed", self.t.repr(ty)))
    }

    /// `s.name` for an object of type `ty`: a `static const` member is a constant, a
    /// field an object of the field's type.
    fn member(&self, ty: CTypeId, n: crate::names::NameId) -> Result<Val, Error> {
        let mut st = ty;
        if let Kind::Ref(r) = self.t.get(st).kind {
            st = r;
        }
        if let Kind::Struct(a) = self.t.get(st).kind {
            let d = self.t.agg(a);
            if d.complete {
                if let Some(c) = d.consts.iter().find(|c| c.name == n) {
                    return Ok(self.typed_const(c.ty, c.value));
                }
                if let Some(f) = self.t.field_by_id(st, n) {
                    if f.bits.is_none() {
                        return Ok(Val {
                            bits: 0,
                            wide: false,
                            unsigned: false,
                            sort: Sort::Obj(f.ty),
                        });
                    }
                }
            }
        }
        Err(self.err(&format!(
            "'{}' has no member named '{}'",
            self.t.repr(st),
            self.t.names.str(n)
        )))
    }

    fn unary_inner(&mut self) -> Result<Val, Error> {
        match self.tok() {
            Tok::Punct(c) if c == b'-' as u16 => {
                self.next()?;
                let v = self.unary()?;
                let v = self.arith(v)?.norm();
                Ok(Val { bits: v.bits.wrapping_neg(), ..v }.norm())
            }
            // LuaJIT has no `++` and `--` operators: `--1` is `-(-1)`, `++1` is `+(+1)`.
            Tok::Punct(c) if c == b'+' as u16 || c == p::INC || c == p::DEC => {
                self.next()?;
                let v = self.unary()?;
                Ok(self.arith(v)?.norm())
            }
            Tok::Punct(c) if c == b'~' as u16 => {
                self.next()?;
                let v = self.unary()?;
                let v = self.arith(v)?.norm();
                Ok(Val { bits: !v.bits, ..v }.norm())
            }
            Tok::Punct(c) if c == b'!' as u16 => {
                self.next()?;
                let v = self.unary()?;
                let v = self.arith(v)?;
                if !v.is_const() {
                    return Ok(Val { bits: 0, wide: false, unsigned: false, sort: Sort::Runtime });
                }
                Ok(Val::int(!v.is_true() as i64))
            }
            Tok::Punct(c) if c == b'*' as u16 => {
                self.next()?;
                let v = self.unary()?;
                let ty = self.val_type(v)?;
                let e = self.pointee(ty).ok_or_else(|| self.cannot_index(ty))?;
                Ok(Val { bits: 0, wide: false, unsigned: false, sort: Sort::Obj(e) })
            }
            Tok::Punct(c) if c == b'&' as u16 => {
                self.next()?;
                let v = self.unary()?;
                let ty = self.val_type(v)?;
                let p = self.t.ptr_to(ty);
                Ok(Val { bits: 0, wide: false, unsigned: false, sort: Sort::Obj(p) })
            }
            Tok::Punct(c) if c == b'(' as u16 => {
                self.next()?;
                if self.starts_type() {
                    let ty = self.type_name()?;
                    self.expect(b')' as u16)?;
                    let v = self.unary()?;
                    return self.cast(ty, v);
                }
                let mut v = self.const_int()?;
                // A comma expression's value is its last operand.
                while self.accept(b',' as u16)? {
                    v = self.const_int()?;
                }
                self.expect(b')' as u16)?;
                Ok(v)
            }
            Tok::Str => {
                let mut n = 1u64;
                while self.tok() == Tok::Str {
                    n += self.lx.strbuf.len() as u64;
                    self.next()?;
                }
                Ok(Val { bits: n, wide: true, unsigned: true, sort: Sort::Str })
            }
            Tok::Name(n) => match keyword(n) {
                Some(Kw::Sizeof) => {
                    self.next()?;
                    let ty = self.sizeof_operand()?;
                    let s = self.t.size_of(ty).ok_or_else(|| self.err(msg::TOO_LARGE))?;
                    Ok(Val::cnst(s, true, true))
                }
                Some(Kw::Alignof | Kw::Alignof2 | Kw::Alignof3 | Kw::Alignof4) => {
                    self.next()?;
                    let ty = self.sizeof_operand()?;
                    Ok(Val::cnst(self.t.align_of(ty) as u64, true, true))
                }
                Some(Kw::Extension) => {
                    self.next()?;
                    self.unary()
                }
                Some(_) => Err(self.err_near(msg::UNEXPECTED)),
                None => {
                    if let Some(&(_, ty, v)) = self.scoped.iter().rev().find(|s| s.0 == n) {
                        self.next()?;
                        return Ok(self.typed_const(ty, v));
                    }
                    let v = match self.t.symbol(n) {
                        Some(Symbol::Const { ty, value }) => self.typed_const(ty, value),
                        // Objects and functions have a type, not a constant value.
                        Some(Symbol::Var { ty, .. } | Symbol::Func { ty, .. }) => {
                            Val { bits: 0, wide: false, unsigned: false, sort: Sort::Obj(ty) }
                        }
                        _ => return Err(self.err_near(msg::UNEXPECTED)),
                    };
                    self.next()?;
                    Ok(v)
                }
            },
            Tok::Int(v, wide, unsigned) => {
                self.next()?;
                Ok(Val::cnst(v, wide, unsigned).norm())
            }
            Tok::Dollar => match self.peek_param() {
                Some(Param::Int(_)) => {
                    let Ok(Param::Int(v)) = self.take_param() else {
                        return Err(self.err(msg::INVALID_VALUE));
                    };
                    self.next()?;
                    let wide = v < i32::MIN as i64 || v > i32::MAX as i64;
                    Ok(Val::cnst(v as u64, wide, false))
                }
                None => Err(Error::new(msg::WRONG_PARAMS)),
                _ => Err(self.err_near(msg::UNEXPECTED)),
            },
            Tok::Float(_) => Err(self.err_near(msg::INVALID_VALUE)),
            _ => Err(self.err_near(msg::UNEXPECTED)),
        }
    }

    /// `sizeof (type)`, `sizeof expr`: the operand's type.
    fn sizeof_operand(&mut self) -> Result<CTypeId, Error> {
        if self.is(b'(' as u16) {
            self.next()?;
            if self.starts_type() {
                let ty = self.type_name()?;
                self.expect(b')' as u16)?;
                return Ok(ty);
            }
            let mut v = self.const_int()?;
            while self.accept(b',' as u16)? {
                v = self.const_int()?;
            }
            self.expect(b')' as u16)?;
            let v = self.postfix(v)?;
            return self.val_type(v);
        }
        let v = self.unary()?;
        self.val_type(v)
    }

    fn typed_const(&self, ty: CTypeId, v: i64) -> Val {
        let t = self.t.get(ty);
        match t.kind {
            Kind::Int { size, signed, .. } => {
                Val::cnst(v as u64, size == 8, !signed && size >= 4).norm()
            }
            _ => {
                // Enum constants are ints when they fit, as in C.
                if v >= i32::MIN as i64 && v <= i32::MAX as i64 {
                    Val::int(v)
                } else if v >= 0 && v <= u32::MAX as i64 {
                    Val::cnst(v as u64, false, true)
                } else {
                    let unsigned = match t.kind {
                        Kind::Enum(e) => !self.t.enum_def(e).signed,
                        _ => false,
                    };
                    Val::cnst(v as u64, true, unsigned)
                }
            }
        }
    }

    fn cast(&self, ty: CTypeId, v: Val) -> Result<Val, Error> {
        let t = self.t.get(ty);
        let (size, signed) = match t.kind {
            Kind::Int { size, signed, .. } => (size, signed),
            Kind::Bool => (1, false),
            Kind::Enum(e) => {
                let d = self.t.enum_def(e);
                (d.size, d.signed)
            }
            Kind::Ptr(_) => (self.t.target().ptr_size, false),
            _ => return Err(self.err(msg::INVALID_VALUE)),
        };
        let v = match v.sort {
            // An object's address (or an array's, or a function's) cast to an integer.
            Sort::Obj(o) if !self.t.get(o).is_integral() => {
                Val { bits: 0, wide: true, unsigned: true, sort: Sort::Runtime }
            }
            _ => self.arith(v)?,
        };
        let (wide, unsigned) = (size == 8, !signed && size >= 4);
        if !v.is_const() {
            return Ok(Val { bits: 0, wide, unsigned, sort: Sort::Runtime });
        }
        if t.kind == Kind::Bool {
            return Ok(Val::int(v.is_true() as i64));
        }
        let bits = truncate(v.bits, size, signed) as u64;
        Ok(Val::cnst(bits, wide, unsigned).norm())
    }
}

fn prec(op: u16) -> Option<u8> {
    Some(match op {
        p::OROR => 1,
        p::ANDAND => 2,
        x if x == b'|' as u16 => 3,
        x if x == b'^' as u16 => 4,
        x if x == b'&' as u16 => 5,
        p::EQ | p::NE => 6,
        p::LE | p::GE => 7,
        x if x == b'<' as u16 || x == b'>' as u16 => 7,
        p::SHL | p::SHR => 8,
        x if x == b'+' as u16 || x == b'-' as u16 => 9,
        x if x == b'*' as u16 || x == b'/' as u16 || x == b'%' as u16 => 10,
        _ => return None,
    })
}
