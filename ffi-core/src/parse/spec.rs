//! Declaration specifiers: storage classes, qualifiers, base types, and the bodies of
//! struct, union and enum definitions.

use super::attr::Attrs;
use super::declarator::Names;
use super::expr::Val;
use super::{Parser, Storage};
use crate::ctype::{
    AggDef, AggId, ArrayLen, CTypeId, EnumDef, FloatKind, Kind, OpaqueKind, Qual, ScopedConst,
    Symbol,
};
use crate::error::{msg, Error};
use crate::layout::{self, PendingField};
use crate::lex::{keyword, Kw, Tok};
use crate::names::NameId;
use crate::table::{ids, Param};
use alloc::format;
use alloc::vec::Vec;

/// Where specifiers are being parsed (decides which storage classes are allowed).
#[derive(Copy, Clone, PartialEq, Eq)]
pub(crate) enum SpecPlace {
    Top,
    Field,
    Param,
    Abstract,
}

pub(crate) struct Spec {
    pub ty: CTypeId,
    pub storage: Storage,
    pub attrs: Attrs,
    /// `struct foo;`, `enum e;` and other declarations that only name a tag.
    pub tagged_decl: bool,
}

/// Accumulated type keywords.
#[derive(Default)]
struct Acc {
    void: bool,
    bool_: bool,
    char_: bool,
    short: bool,
    int: bool,
    long: u8,
    signed: bool,
    unsigned: bool,
    float: bool,
    double: bool,
    complex: bool,
    intn: u8,
    opaque: Option<OpaqueKind>,
    named: Option<CTypeId>,
    /// A keyword that fixes the size (void, bool, char, int, float, double, a name) was
    /// seen: a second one ends the specifiers, as in LuaJIT.
    sized: bool,
}

impl Acc {
    fn any(&self) -> bool {
        self.sized || self.short || self.long > 0 || self.signed || self.unsigned || self.complex
    }
}

/// Whether a keyword can begin a type name.
pub(crate) fn is_spec_keyword(k: Kw) -> bool {
    use Kw::*;
    matches!(
        k,
        Const
            | Const2
            | Const3
            | Volatile
            | Volatile2
            | Volatile3
            | Restrict
            | Restrict2
            | Restrict3
            | Atomic
            | Void
            | Bool
            | Bool2
            | Char
            | Short
            | Int
            | Long
            | Signed
            | Signed2
            | Signed3
            | Unsigned
            | Float
            | Double
            | Complex
            | Complex2
            | Complex3
            | Complex4
            | Int8
            | Int16
            | Int32
            | Int64
            | Int128
            | Float128
            | Float128b
            | Float16
            | Float32
            | Float64
            | Float32x
            | Float64x
            | Struct
            | Union
            | Enum
            | Extension
            | Typeof
            | Typeof2
            | Typeof3
            | Attribute
            | Attribute2
            | Declspec
    )
}

impl Parser<'_, '_> {
    pub(crate) fn decl_spec(&mut self, place: SpecPlace) -> Result<Spec, Error> {
        // Specifiers nest through `__typeof__(`, `_Atomic(`, `_Alignas(` and struct bodies.
        self.enter()?;
        let r = self.decl_spec_inner(place);
        self.leave();
        r
    }

    fn decl_spec_inner(&mut self, place: SpecPlace) -> Result<Spec, Error> {
        let mut acc = Acc::default();
        let mut qual = Qual::NONE;
        let mut storage = Storage::None;
        let mut attrs = Attrs::default();
        let mut tagged_decl = false;
        loop {
            match self.tok() {
                Tok::Name(n) => {
                    let Some(k) = keyword(n) else {
                        if acc.any() {
                            break;
                        }
                        match self.t.symbol(n) {
                            Some(Symbol::Typedef(ty)) => {
                                acc.named = Some(ty);
                                acc.sized = true;
                                self.next()?;
                                continue;
                            }
                            _ => break,
                        }
                    };
                    if !self.spec_keyword(
                        k,
                        place,
                        &mut acc,
                        &mut qual,
                        &mut storage,
                        &mut attrs,
                        &mut tagged_decl,
                    )? {
                        break;
                    }
                }
                Tok::Dollar if !acc.any() && self.peek_param().is_none() => {
                    return Err(Error::new(msg::WRONG_PARAMS));
                }
                Tok::Dollar if !acc.any() => match self.peek_param() {
                    Some(Param::Type(ty)) => {
                        let ty = *ty;
                        self.take_param()?;
                        acc.named = Some(ty);
                        acc.sized = true;
                        self.next()?;
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        let base = self.resolve(&acc)?;
        let ty = if qual != Qual::NONE { self.t.qualified(base, qual) } else { base };
        Ok(Spec { ty, storage, attrs, tagged_decl })
    }

    /// Handles one keyword; returns false when it ends the specifiers.
    #[allow(clippy::too_many_arguments)]
    fn spec_keyword(
        &mut self,
        k: Kw,
        place: SpecPlace,
        acc: &mut Acc,
        qual: &mut Qual,
        storage: &mut Storage,
        attrs: &mut Attrs,
        tagged_decl: &mut bool,
    ) -> Result<bool, Error> {
        use Kw::*;
        let sized = |acc: &mut Acc| -> bool {
            if acc.sized {
                return false;
            }
            acc.sized = true;
            true
        };
        match k {
            Typedef | Extern | Static | Auto | Register => {
                let s = match k {
                    Typedef => Storage::Typedef,
                    Extern => Storage::Extern,
                    Static => Storage::Static,
                    _ => Storage::None,
                };
                let ok = match place {
                    SpecPlace::Top => !matches!(k, Auto | Register),
                    SpecPlace::Field => k == Static,
                    SpecPlace::Param => k == Register,
                    SpecPlace::Abstract => false,
                };
                if !ok {
                    return Err(self.err_near("bad storage class"));
                }
                *storage = s;
            }
            Inline | Inline2 | Inline3 | ThreadLocal | Thread | Noreturn | Extension | Restrict
            | Restrict2 | Restrict3 => {}
            Const | Const2 | Const3 => *qual = qual.with(Qual::CONST),
            Volatile | Volatile2 | Volatile3 => *qual = qual.with(Qual::VOLATILE),
            Atomic => {
                // `_Atomic(T)` as a specifier, or `_Atomic` as a qualifier (ignored).
                if self.peek2()? == Tok::Punct(b'(' as u16) {
                    if acc.any() {
                        return Ok(false);
                    }
                    self.next()?;
                    self.next()?;
                    let ty = self.type_name()?;
                    if !self.is(b')' as u16) {
                        return Err(self.err_expected(")"));
                    }
                    acc.named = Some(ty);
                    acc.sized = true;
                }
            }
            Void => {
                if !sized(acc) {
                    return Ok(false);
                }
                acc.void = true;
            }
            Bool | Bool2 => {
                if !sized(acc) {
                    return Ok(false);
                }
                acc.bool_ = true;
            }
            Char => {
                if !sized(acc) {
                    return Ok(false);
                }
                acc.char_ = true;
            }
            Int => {
                if !sized(acc) {
                    return Ok(false);
                }
                acc.int = true;
            }
            Float | Float32 => {
                if !sized(acc) {
                    return Ok(false);
                }
                acc.float = true;
            }
            Double | Float64 | Float32x => {
                if !sized(acc) {
                    return Ok(false);
                }
                acc.double = true;
            }
            Float64x => {
                if !sized(acc) {
                    return Ok(false);
                }
                acc.double = true;
                acc.long = 1;
            }
            Int8 | Int16 | Int32 | Int64 => {
                if !sized(acc) {
                    return Ok(false);
                }
                acc.intn = match k {
                    Int8 => 1,
                    Int16 => 2,
                    Int32 => 4,
                    _ => 8,
                };
            }
            Int128 | Float128 | Float128b | Float16 => {
                if !sized(acc) {
                    return Ok(false);
                }
                acc.opaque = Some(match k {
                    Int128 => OpaqueKind::Int128,
                    Float16 => OpaqueKind::Float16,
                    _ => OpaqueKind::Float128,
                });
            }
            Short => acc.short = true,
            Long => acc.long = (acc.long + 1).min(2),
            Signed | Signed2 | Signed3 => acc.signed = true,
            Unsigned => acc.unsigned = true,
            Complex | Complex2 | Complex3 | Complex4 => acc.complex = true,
            Struct | Union | Enum => {
                if acc.any() {
                    return Ok(false);
                }
                let (ty, decl_only) = if k == Enum {
                    self.enum_spec(attrs)?
                } else {
                    self.struct_spec(k == Union, attrs)?
                };
                *tagged_decl = decl_only;
                acc.named = Some(ty);
                acc.sized = true;
                return Ok(true);
            }
            Typeof | Typeof2 | Typeof3 => {
                if acc.any() {
                    return Ok(false);
                }
                self.next()?;
                self.expect(b'(' as u16)?;
                let ty = if self.starts_type() {
                    self.type_name()?
                } else {
                    let v = self.const_int()?;
                    self.val_type(v)?
                };
                if !self.is(b')' as u16) {
                    return Err(self.err_expected(")"));
                }
                acc.named = Some(ty);
                acc.sized = true;
            }
            Alignas => {
                self.next()?;
                self.expect(b'(' as u16)?;
                let a = if self.starts_type() {
                    let ty = self.type_name()?;
                    self.t.align_of(ty) as u64
                } else {
                    self.const_value()?.bits
                };
                if !self.is(b')' as u16) {
                    return Err(self.err_expected(")"));
                }
                attrs.align = attrs.align.max(super::attr::clamp_align(a));
            }
            Attribute | Attribute2 | Declspec | Asm | Asm2 | Asm3 | Cdecl | Cdecl2 | Stdcall
            | Stdcall2 | Fastcall | Fastcall2 | Thiscall | Ptr32 | Ptr64 => {
                self.attributes(attrs)?;
                return Ok(true);
            }
            _ => return Ok(false),
        }
        self.next()?;
        Ok(true)
    }

    fn resolve(&mut self, a: &Acc) -> Result<CTypeId, Error> {
        if let Some(ty) = a.named {
            return Ok(ty);
        }
        let ls = self.t.target().long_size;
        let kind = if let Some(o) = a.opaque {
            if o == OpaqueKind::Int128 && a.unsigned {
                Kind::Opaque(OpaqueKind::UInt128)
            } else {
                Kind::Opaque(o)
            }
        } else if a.void {
            Kind::Void
        } else if a.bool_ {
            Kind::Bool
        } else if a.float || a.double || a.complex {
            let f = if a.double && a.long > 0 {
                FloatKind::LongDouble
            } else if a.double {
                FloatKind::Double
            } else if a.float || a.char_ || a.int || a.short || a.intn != 0 {
                // LuaJIT makes `complex int` a complex float.
                FloatKind::Float
            } else {
                FloatKind::Double
            };
            if a.complex {
                if f == FloatKind::LongDouble {
                    return Err(self.err(msg::INVALID_TYPE));
                }
                Kind::Complex(f)
            } else {
                Kind::Float(f)
            }
        } else if a.char_ {
            Kind::Int { size: 1, signed: !a.unsigned, long: false }
        } else if a.intn != 0 {
            Kind::Int { size: a.intn, signed: !a.unsigned, long: false }
        } else if a.short {
            Kind::Int { size: 2, signed: !a.unsigned, long: false }
        } else if a.long == 1 {
            Kind::Int { size: ls, signed: !a.unsigned, long: true }
        } else if a.long == 2 {
            Kind::Int { size: 8, signed: !a.unsigned, long: false }
        } else if a.int || a.signed || a.unsigned {
            Kind::Int { size: 4, signed: !a.unsigned, long: false }
        } else {
            return Err(self.err_near(msg::DECLSPEC));
        };
        self.t.intern_kind(kind, Qual::NONE, 0)
    }

    /// An optional tag name (identifier or `$` name parameter).
    fn tag_name(&mut self) -> Result<Option<NameId>, Error> {
        match self.tok() {
            Tok::Name(n) if keyword(n).is_none() => {
                self.next()?;
                Ok(Some(n))
            }
            Tok::Dollar => {
                if let Some(Param::Name(s)) = self.peek_param() {
                    let s = s.clone();
                    self.take_param()?;
                    let n = self.t.intern_name(&s);
                    self.next()?;
                    Ok(Some(n))
                } else {
                    Err(self.err_expected("<identifier>"))
                }
            }
            _ => Ok(None),
        }
    }

    fn redefine(&self, n: NameId) -> Error {
        Error::new(format!("attempt to redefine '{}'", self.t.names.str(n)))
    }

    /// `struct|union [attrs] [tag] [attrs] [{ body } [attrs]]`. Returns the type and whether
    /// this was only a tag reference or forward declaration.
    fn struct_spec(
        &mut self,
        is_union: bool,
        decl_attrs: &mut Attrs,
    ) -> Result<(CTypeId, bool), Error> {
        self.next()?;
        let mut sattrs = Attrs::default();
        self.attributes(&mut sattrs)?;
        let tag = self.tag_name()?;
        self.attributes(&mut sattrs)?;
        let same_kind = |p: &Self, ty: CTypeId| match p.t.get(ty).kind {
            Kind::Struct(a) => p.t.agg(a).is_union == is_union,
            _ => false,
        };
        if !self.is(b'{' as u16) {
            let Some(n) = tag else {
                return Err(self.err_expected("<identifier>"));
            };
            decl_attrs.merge(&sattrs);
            return match self.t.tag_id(n) {
                Some(ty) if same_kind(self, ty) => Ok((ty, true)),
                Some(_) => Err(self.redefine(n)),
                None if self.cdef => {
                    let ty = self.t.new_agg(Some(n), is_union);
                    self.t.set_tag(n, ty);
                    Ok((ty, true))
                }
                None => {
                    Err(Error::new(format!("undeclared or implicit tag '{}'", self.t.names.str(n))))
                }
            };
        }
        let ty = match tag {
            Some(n) => match self.t.tag_id(n) {
                Some(ty) if same_kind(self, ty) => {
                    let Kind::Struct(a) = self.t.get(ty).kind else { return Err(unreachable_ty()) };
                    if self.t.agg(a).complete || self.defining.contains(&a) {
                        return Err(self.redefine(n));
                    }
                    ty
                }
                Some(_) => return Err(self.redefine(n)),
                None => {
                    let ty = self.t.new_agg(Some(n), is_union);
                    self.t.set_tag(n, ty);
                    ty
                }
            },
            None => self.t.new_agg(None, is_union),
        };
        let Kind::Struct(a) = self.t.get(ty).kind else { return Err(unreachable_ty()) };
        self.defining.push(a);
        let r = self.struct_body(a, tag, is_union, &mut sattrs);
        self.defining.pop();
        r?;
        Ok((ty, false))
    }

    fn struct_body(
        &mut self,
        a: AggId,
        tag: Option<NameId>,
        is_union: bool,
        sattrs: &mut Attrs,
    ) -> Result<(), Error> {
        self.next()?; // '{'
        self.enter()?;
        let mut fields: Vec<PendingField> = Vec::new();
        let mut consts: Vec<ScopedConst> = Vec::new();
        let scoped_mark = self.scoped.len();
        loop {
            if self.is(b'}' as u16) {
                break;
            }
            if self.accept(b';' as u16)? {
                continue;
            }
            if matches!(self.kw(), Some(Kw::StaticAssert | Kw::StaticAssert2)) {
                self.next()?;
                self.skip_group()?;
                self.expect(b';' as u16)?;
                continue;
            }
            let spec = self.decl_spec(SpecPlace::Field)?;
            if spec.storage == Storage::Static {
                loop {
                    let mut at = spec.attrs.clone();
                    let d = self.declarator(spec.ty, &mut at, Names::Required)?;
                    let name = d.name.ok_or_else(|| self.err_expected("<identifier>"))?;
                    self.static_const(name, d.ty, |p, n, ty, value| {
                        consts.push(ScopedConst { name: n, ty, value });
                        p.scoped.push((n, ty, value));
                    })?;
                    if !self.accept(b',' as u16)? {
                        break;
                    }
                }
                self.expect(b';' as u16)?;
                continue;
            }
            if self.is(b';' as u16) {
                // A member without declarator: an anonymous struct/union is transparent.
                if let Kind::Struct(inner) = self.t.get(spec.ty).kind {
                    if self.t.agg(inner).tag.is_none() || !spec.tagged_decl {
                        if self.t.agg(inner).vla {
                            return Err(self.err(msg::TOO_LARGE));
                        }
                        fields.push(PendingField {
                            name: None,
                            ty: spec.ty,
                            width: None,
                            align: spec.attrs.align,
                            packed: spec.attrs.packed,
                        });
                    }
                } else if !matches!(self.t.get(spec.ty).kind, Kind::Enum(_)) {
                    return Err(self.err_expected("<identifier>"));
                }
                self.next()?;
                continue;
            }
            let mut flex;
            loop {
                let mut fa = spec.attrs.clone();
                let (name, ty) = if self.is(b':' as u16) {
                    (None, spec.ty)
                } else {
                    let d = self.declarator(spec.ty, &mut fa, Names::Optional)?;
                    (d.name, d.ty)
                };
                self.attributes(&mut fa)?;
                let width = if self.accept(b':' as u16)? {
                    Some(self.bitfield_width(ty, name.is_some())?)
                } else {
                    None
                };
                self.attributes(&mut fa)?;
                if name.is_none() && width.is_none() {
                    return Err(self.err_expected("<identifier>"));
                }
                let mut fty = self.apply_conv(ty, fa.conv);
                if fa.mode.is_some() || fa.vector_size.is_some() {
                    fty = self.apply_mode(fty, &fa)?;
                }
                let t = self.t.get(fty);
                let unsized_array =
                    matches!(t.kind, Kind::Array(_, ArrayLen::Unsized | ArrayLen::Vla));
                // A reference member holds an address whatever it refers to (a function,
                // `void`, an incomplete struct, the struct being defined), as in LuaJIT.
                let reference = matches!(t.kind, Kind::Ref(_));
                if t.size.is_none() && !reference && (is_union || !unsized_array) {
                    return Err(self.err(msg::TOO_LARGE));
                }
                if let Kind::Struct(inner) = t.kind {
                    if self.t.agg(inner).vla {
                        return Err(self.err(msg::TOO_LARGE));
                    }
                }
                flex = unsized_array;
                fields.push(PendingField {
                    name,
                    ty: fty,
                    width,
                    align: fa.align,
                    packed: fa.packed,
                });
                if flex || !self.accept(b',' as u16)? {
                    break;
                }
            }
            self.expect(b';' as u16)?;
            if flex && !self.is(b'}' as u16) {
                // LuaJIT reports this at the next member's declarator.
                if self.starts_type() {
                    self.decl_spec(SpecPlace::Field)?;
                }
                return Err(self.err_expected("}"));
            }
        }
        self.next()?; // '}'
        self.attributes(sattrs)?;
        self.scoped.truncate(scoped_mark);
        let pack = self.lx.pack.cur;
        let lay = layout::layout(self.t, is_union, &fields, sattrs.packed, sattrs.align, pack)?;
        let has_const = lay.fields.iter().any(|f| {
            let t = self.t.get(f.ty);
            t.qual.is_const() || matches!(t.kind, Kind::Ref(_)) || self.t.has_const_member(f.ty)
        });
        let def = AggDef {
            tag,
            is_union,
            complete: true,
            fields: lay.fields,
            consts,
            size: lay.size,
            align: lay.align,
            vla: lay.vla,
            has_const,
            variants: Vec::new(),
        };
        self.t.set_agg(a, def);
        self.leave();
        Ok(())
    }

    fn bitfield_width(&mut self, ty: CTypeId, named: bool) -> Result<u32, Error> {
        let colon_err =
            |p: &Self| Error::at_line(format!("{} near ':'", msg::INVALID_VALUE), p.lx.line);
        let v = self.const_value()?;
        let w = v.as_i128();
        if !(0..0x8000_0000).contains(&w) {
            return Err(self.err(msg::TOO_LARGE));
        }
        let t = self.t.get(ty);
        let bits = match t.kind {
            Kind::Int { size, .. } => size as i128 * 8,
            Kind::Bool => 1,
            Kind::Enum(_) => t.size.unwrap_or(4) as i128 * 8,
            _ => return Err(colon_err(self)),
        };
        if w > bits || (w == 0 && named) {
            return Err(colon_err(self));
        }
        Ok(w as u32)
    }

    /// `enum [attrs] [tag] [attrs] [{ A [= expr], ... } [attrs]]`.
    fn enum_spec(&mut self, decl_attrs: &mut Attrs) -> Result<(CTypeId, bool), Error> {
        self.next()?;
        let mut eattrs = Attrs::default();
        self.attributes(&mut eattrs)?;
        let tag = self.tag_name()?;
        self.attributes(&mut eattrs)?;
        let is_enum = |p: &Self, ty: CTypeId| matches!(p.t.get(ty).kind, Kind::Enum(_));
        if !self.is(b'{' as u16) {
            let Some(n) = tag else {
                return Err(self.err_expected("<identifier>"));
            };
            decl_attrs.merge(&eattrs);
            return match self.t.tag_id(n) {
                Some(ty) if is_enum(self, ty) => Ok((ty, true)),
                Some(_) => Err(self.redefine(n)),
                None if self.cdef => {
                    let ty = self.t.new_enum(Some(n));
                    self.t.set_tag(n, ty);
                    Ok((ty, true))
                }
                None => {
                    Err(Error::new(format!("undeclared or implicit tag '{}'", self.t.names.str(n))))
                }
            };
        }
        let ty = match tag {
            Some(n) => match self.t.tag_id(n) {
                Some(ty) if is_enum(self, ty) => {
                    let Kind::Enum(e) = self.t.get(ty).kind else { return Err(unreachable_ty()) };
                    if self.t.enum_def(e).complete {
                        return Err(self.redefine(n));
                    }
                    ty
                }
                Some(_) => return Err(self.redefine(n)),
                None => {
                    let ty = self.t.new_enum(Some(n));
                    self.t.set_tag(n, ty);
                    ty
                }
            },
            None => self.t.new_enum(None),
        };
        let Kind::Enum(e) = self.t.get(ty).kind else { return Err(unreachable_ty()) };
        self.next()?; // '{'
        let mut consts: Vec<(NameId, i64)> = Vec::new();
        // The next constant's value with its C type (int, unsigned int, or a 64-bit type
        // for values only 64 bits hold).
        let mut next = Val::int(0);
        let (mut min, mut max) = (0i128, 0i128);
        loop {
            if self.is(b'}' as u16) && !consts.is_empty() {
                break;
            }
            let n = match self.tok() {
                Tok::Name(n) if keyword(n).is_none() => {
                    self.next()?;
                    n
                }
                // `$` with a string parameter names the constant.
                Tok::Dollar if matches!(self.peek_param(), Some(Param::Name(_))) => {
                    let Ok(Param::Name(s)) = self.take_param() else {
                        return Err(self.err_expected("<identifier>"));
                    };
                    let n = self.t.intern_name(&s);
                    self.next()?;
                    n
                }
                _ => return Err(self.err_expected("<identifier>")),
            };
            let mut ignored = Attrs::default();
            self.attributes(&mut ignored)?;
            if self.accept(b'=' as u16)? {
                next = self.const_value()?;
            }
            if self.t.symbol(n).is_some() {
                return Err(self.redefine(n));
            }
            let v = next.as_i128();
            if consts.is_empty() {
                (min, max) = (v, v);
            } else {
                min = min.min(v);
                max = max.max(v);
            }
            consts.push((n, v as i64));
            self.t.set_symbol(n, Symbol::Const { ty, value: v as i64 });
            next = next.succ();
            if !self.accept(b',' as u16)? {
                break;
            }
        }
        self.expect(b'}' as u16)?;
        self.attributes(&mut eattrs)?;
        let signed = min < 0;
        let fits = |size: u32| -> bool {
            let bits = size * 8;
            if signed {
                min >= -(1i128 << (bits - 1)) && max < (1i128 << (bits - 1))
            } else {
                max < (1i128 << bits)
            }
        };
        // gcc's size: 64 bits when the constants do not all fit int or all unsigned int
        // (LuaJIT keeps every enum at 32 bits; its constants read the same either way).
        let size: u8 = if eattrs.packed {
            [1u8, 2, 4, 8].into_iter().find(|&s| fits(s as u32)).unwrap_or(8)
        } else if fits(4) {
            4
        } else {
            8
        };
        // gcc: an enum whose values all fit `int` is unsigned unless one is negative.
        let align = if eattrs.align != 0 { eattrs.align.max(size as u32) as u8 } else { size };
        let def =
            EnumDef { tag, complete: true, consts, size, align, signed, variants: Vec::new() };
        self.t.set_enum(e, def);
        let _ = ids::INT;
        Ok((ty, false))
    }
}

/// A type that was just checked to be a struct or enum is not one: an internal error,
/// reported instead of panicking.
fn unreachable_ty() -> Error {
    Error::new(msg::INVALID_TYPE)
}
