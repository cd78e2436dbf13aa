//! Integer constant expressions, evaluated with C's rules: integer promotions, the usual
//! arithmetic conversions (64-bit, unsigned wrap), `sizeof`, `_Alignof`, casts, `?:` with
//! short-circuit evaluation, and enum and `static const` constants.

use super::Parser;
use crate::ctype::{ArrayLen, CTypeId, Kind, Qual, Symbol};
use crate::error::{msg, Error};
use crate::lex::{keyword, p, Kw, Tok};
use crate::table::{ids, Param};

/// A value with its C type reduced to what arithmetic needs: 32 or 64 bits, signedness.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Val {
    /// The bits, sign- or zero-extended to 64.
    pub bits: u64,
    pub wide: bool,
    pub unsigned: bool,
}

impl Val {
    fn int(v: i64) -> Val {
        Val { bits: v as u64, wide: false, unsigned: false }
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
    /// The C type of this value.
    pub fn ctype(self) -> CTypeId {
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
        Val { bits: self.bits, wide, unsigned }.norm()
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
    /// An integer constant expression.
    pub(crate) fn const_int(&mut self) -> Result<Val, Error> {
        self.cond()
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
        let c = self.binary(0)?;
        if self.accept(b'?' as u16)? {
            let a = self.maybe_dead(!c.is_true(), |p| p.cond())?;
            self.expect(b':' as u16)?;
            let b = self.maybe_dead(c.is_true(), |p| p.cond())?;
            let (w, u) = Val::common(a, b);
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
            let skip = (op == p::ANDAND && !l.is_true()) || (op == p::OROR && l.is_true());
            let r = self.maybe_dead(skip, |p| p.binary(prec + 1))?;
            l = self.binop(op, l, r)?;
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
                        return Ok(Val { bits: 0, wide, unsigned });
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
                            return Ok(Val { bits: 0, wide, unsigned });
                        }
                        return Err(self.err(msg::INVALID_VALUE));
                    }
                    (if div { p / q } else { p % q }) as u64
                }
            }
            _ => return Err(self.err_near(msg::UNEXPECTED)),
        };
        Ok(Val { bits: v, wide, unsigned }.norm())
    }

    fn unary(&mut self) -> Result<Val, Error> {
        self.enter()?;
        let r = self.unary_inner();
        self.leave();
        r
    }

    fn unary_inner(&mut self) -> Result<Val, Error> {
        match self.tok() {
            Tok::Punct(c) if c == b'-' as u16 => {
                self.next()?;
                let v = self.unary()?.norm();
                Ok(Val { bits: v.bits.wrapping_neg(), ..v }.norm())
            }
            Tok::Punct(c) if c == b'+' as u16 => {
                self.next()?;
                Ok(self.unary()?.norm())
            }
            Tok::Punct(c) if c == b'~' as u16 => {
                self.next()?;
                let v = self.unary()?.norm();
                Ok(Val { bits: !v.bits, ..v }.norm())
            }
            Tok::Punct(c) if c == b'!' as u16 => {
                self.next()?;
                let v = self.unary()?;
                Ok(Val::int(!v.is_true() as i64))
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
            Tok::Name(n) => match keyword(n) {
                Some(Kw::Sizeof) => {
                    self.next()?;
                    let ty = self.sizeof_operand()?;
                    let s = self.t.size_of(ty).ok_or_else(|| self.err(msg::TOO_LARGE))?;
                    Ok(Val { bits: s, wide: true, unsigned: true })
                }
                Some(Kw::Alignof | Kw::Alignof2 | Kw::Alignof3 | Kw::Alignof4) => {
                    self.next()?;
                    let ty = self.sizeof_operand()?;
                    Ok(Val { bits: self.t.align_of(ty) as u64, wide: true, unsigned: true })
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
                    match self.t.symbol(n) {
                        Some(Symbol::Const { ty, value }) => {
                            self.next()?;
                            Ok(self.typed_const(ty, value))
                        }
                        _ => Err(self.err_near(msg::UNEXPECTED)),
                    }
                }
            },
            Tok::Int(v, wide, unsigned) => {
                self.next()?;
                Ok(Val { bits: v, wide, unsigned }.norm())
            }
            Tok::Dollar => match self.peek_param() {
                Some(Param::Int(_)) => {
                    let Ok(Param::Int(v)) = self.take_param() else {
                        return Err(self.err(msg::INVALID_VALUE));
                    };
                    self.next()?;
                    let wide = v < i32::MIN as i64 || v > i32::MAX as i64;
                    Ok(Val { bits: v as u64, wide, unsigned: false })
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
            if self.tok() == Tok::Str {
                return self.string_operand(true);
            }
            let v = self.const_int()?;
            self.expect(b')' as u16)?;
            return Ok(v.ctype());
        }
        if self.tok() == Tok::Str {
            return self.string_operand(false);
        }
        Ok(self.unary()?.ctype())
    }

    /// A string literal's type `const char[n]` (for `sizeof "abc"`).
    fn string_operand(&mut self, paren: bool) -> Result<CTypeId, Error> {
        let mut n = 1u64;
        while self.tok() == Tok::Str {
            n += self.lx.strbuf.len() as u64;
            self.next()?;
        }
        if paren {
            self.expect(b')' as u16)?;
        }
        let c = self.t.qualified(ids::CHAR, Qual::CONST);
        self.t.array_of(c, ArrayLen::Fixed(n))
    }

    fn typed_const(&self, ty: CTypeId, v: i64) -> Val {
        let t = self.t.get(ty);
        match t.kind {
            Kind::Int { size, signed, .. } => self.promote(Val {
                bits: v as u64,
                wide: size == 8,
                unsigned: !signed && size >= 4,
            }),
            _ => {
                // Enum constants are ints when they fit, as in C.
                if v >= i32::MIN as i64 && v <= i32::MAX as i64 {
                    Val::int(v)
                } else if v >= 0 && v <= u32::MAX as i64 {
                    Val { bits: v as u64, wide: false, unsigned: true }
                } else {
                    let unsigned = match t.kind {
                        Kind::Enum(e) => !self.t.enum_def(e).signed,
                        _ => false,
                    };
                    Val { bits: v as u64, wide: true, unsigned }
                }
            }
        }
    }

    fn promote(&self, v: Val) -> Val {
        v.norm()
    }

    fn cast(&self, ty: CTypeId, v: Val) -> Result<Val, Error> {
        let t = self.t.get(ty);
        let (size, signed) = match t.kind {
            Kind::Int { size, signed, .. } => (size, signed),
            Kind::Bool => return Ok(Val::int(v.is_true() as i64)),
            Kind::Enum(e) => {
                let d = self.t.enum_def(e);
                (d.size, d.signed)
            }
            Kind::Ptr(_) => (self.t.target().ptr_size, false),
            _ => return Err(self.err(msg::INVALID_VALUE)),
        };
        let bits = truncate(v.bits, size, signed) as u64;
        Ok(Val { bits, wide: size == 8, unsigned: !signed && size >= 4 }.norm())
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
