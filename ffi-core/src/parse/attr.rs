//! `__attribute__((...))`, `__declspec(...)`, `__asm__("sym")` and calling-convention
//! keywords. Unknown attributes are skipped with their (balanced) arguments.

use super::Parser;
use crate::ctype::CallConv;
use crate::error::{msg, Error};
use crate::lex::{keyword, Kw, Tok};
use crate::names::NameId;
use alloc::vec::Vec;

/// A `mode(...)` attribute (or `__ptr32`/`__ptr64`): the size in bytes of the number it
/// makes (an integer stays an integer, a float a float), and the size in bytes of the
/// vector of them it makes (0: a scalar).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mode {
    pub size: u32,
    pub vector: u64,
}

/// Attributes gathered for one declaration.
#[derive(Clone, Default, Debug)]
pub(crate) struct Attrs {
    pub align: u32,
    pub packed: bool,
    pub mode: Option<Mode>,
    pub vector_size: Option<u64>,
    pub conv: CallConv,
    pub asm: Option<NameId>,
}

impl Attrs {
    pub fn merge(&mut self, o: &Attrs) {
        self.align = self.align.max(o.align);
        self.packed |= o.packed;
        if o.mode.is_some() {
            self.mode = o.mode;
        }
        if o.vector_size.is_some() {
            self.vector_size = o.vector_size;
        }
        if o.conv != CallConv::Default {
            self.conv = o.conv;
        }
        if o.asm.is_some() {
            self.asm = o.asm;
        }
    }
}

/// Attributes the parser acts on.
#[derive(Copy, Clone)]
enum AttrKind {
    Aligned,
    Packed,
    Mode,
    VectorSize,
    Conv(CallConv),
    Other,
}

/// The biggest alignment gcc gives `aligned` without an argument on x86-64.
const DEFAULT_ALIGN: u32 = 16;

/// An alignment value as gcc takes it: a power of two, at most 2^28.
pub(crate) fn clamp_align(a: u64) -> u32 {
    if a == 0 {
        return 1;
    }
    let a = a.min(1 << 28);
    // Round down to a power of two, as LuaJIT does for non-powers.
    1u32 << (63 - a.leading_zeros())
}

impl Parser<'_, '_> {
    /// Parses any attributes, asm labels and calling-convention keywords at the current
    /// position. Inlined check: usually there are none.
    #[inline(always)]
    pub(crate) fn attributes(&mut self, a: &mut Attrs) -> Result<(), Error> {
        let k = self.kw();
        if super::declarator::is_decl_attr(k) || matches!(k, Some(Kw::Asm | Kw::Asm2 | Kw::Asm3)) {
            self.attributes_slow(a)
        } else {
            Ok(())
        }
    }

    #[inline(never)]
    fn attributes_slow(&mut self, a: &mut Attrs) -> Result<(), Error> {
        loop {
            match self.kw() {
                Some(Kw::Attribute | Kw::Attribute2) => {
                    self.next()?;
                    self.expect(b'(' as u16)?;
                    self.expect(b'(' as u16)?;
                    self.gnu_attr_list(a)?;
                    self.expect(b')' as u16)?;
                    self.expect(b')' as u16)?;
                }
                Some(Kw::Declspec) => {
                    self.next()?;
                    self.expect(b'(' as u16)?;
                    self.declspec_list(a)?;
                    self.expect(b')' as u16)?;
                }
                Some(Kw::Asm | Kw::Asm2 | Kw::Asm3) => {
                    self.next()?;
                    self.expect(b'(' as u16)?;
                    let mut s: Vec<u8> = Vec::new();
                    while self.tok() == Tok::Str {
                        s.extend_from_slice(&self.lx.strbuf);
                        self.next()?;
                    }
                    self.expect(b')' as u16)?;
                    if !s.is_empty() {
                        a.asm = Some(self.t.names.intern_bytes(&s));
                    }
                }
                Some(Kw::Cdecl | Kw::Cdecl2) => self.conv(a, CallConv::Cdecl)?,
                Some(Kw::Stdcall | Kw::Stdcall2) => self.conv(a, CallConv::Stdcall)?,
                Some(Kw::Fastcall | Kw::Fastcall2) => self.conv(a, CallConv::Fastcall)?,
                Some(Kw::Thiscall) => self.conv(a, CallConv::Thiscall)?,
                Some(Kw::Extension) => self.next()?,
                Some(k @ (Kw::Ptr32 | Kw::Ptr64)) => {
                    // Sizes as `mode` gives them (LuaJIT: `int __ptr64` is an int64_t;
                    // after a `*`, the pointer's size).
                    let size = if k == Kw::Ptr32 { 4 } else { 8 };
                    a.mode = Some(Mode { size, vector: a.mode.map_or(0, |m| m.vector) });
                    self.next()?
                }
                _ => return Ok(()),
            }
        }
    }

    fn conv(&mut self, a: &mut Attrs, c: CallConv) -> Result<(), Error> {
        a.conv = c;
        self.next()
    }

    /// What the current identifier (or keyword) names as an attribute (`__x__` = `x`).
    fn attr_kind(&self) -> Option<AttrKind> {
        let Tok::Name(n) = self.tok() else { return None };
        Some(match crate::lex::attr_index(n) {
            Some(0) => AttrKind::Aligned,
            Some(1) => AttrKind::Packed,
            Some(2) => AttrKind::Mode,
            Some(3) => AttrKind::VectorSize,
            Some(4) => AttrKind::Conv(CallConv::Cdecl),
            Some(5) => AttrKind::Conv(CallConv::Stdcall),
            Some(6) => AttrKind::Conv(CallConv::Fastcall),
            Some(7) => AttrKind::Conv(CallConv::Thiscall),
            Some(8) => AttrKind::Conv(CallConv::MsAbi),
            Some(9) => AttrKind::Conv(CallConv::SysvAbi),
            _ => AttrKind::Other,
        })
    }

    fn gnu_attr_list(&mut self, a: &mut Attrs) -> Result<(), Error> {
        loop {
            let Some(kind) = self.attr_kind() else { return Ok(()) };
            self.next()?;
            match kind {
                AttrKind::Aligned => {
                    if self.is(b'(' as u16) {
                        self.next()?;
                        let v = self.const_value()?;
                        a.align = a.align.max(clamp_align(v.bits));
                        self.expect(b')' as u16)?;
                    } else {
                        a.align = a.align.max(DEFAULT_ALIGN);
                    }
                }
                AttrKind::Packed => a.packed = true,
                AttrKind::Mode => {
                    self.expect(b'(' as u16)?;
                    if let Tok::Name(n) = self.tok() {
                        let s = self.t.names.str(n);
                        let s =
                            s.strip_prefix("__").and_then(|s| s.strip_suffix("__")).unwrap_or(s);
                        // LuaJIT ignores a mode it does not know; a clear error is better
                        // than a type of the wrong size.
                        let m = parse_mode(s.as_bytes())
                            .ok_or_else(|| self.err_near(msg::INVALID_VALUE))?;
                        a.mode = Some(m);
                        self.next()?;
                    }
                    self.expect(b')' as u16)?;
                }
                AttrKind::VectorSize => {
                    self.expect(b'(' as u16)?;
                    let v = self.const_value()?;
                    a.vector_size = Some(v.bits);
                    self.expect(b')' as u16)?;
                }
                AttrKind::Conv(c) => a.conv = c,
                AttrKind::Other => {
                    if self.is(b'(' as u16) {
                        self.skip_group()?;
                    }
                }
            }
            if !self.accept(b',' as u16)? {
                return Ok(());
            }
        }
    }

    fn declspec_list(&mut self, a: &mut Attrs) -> Result<(), Error> {
        while let Tok::Name(n) = self.tok() {
            let is_align = self.t.names.str(n) == "align";
            self.next()?;
            if is_align {
                if self.is(b'(' as u16) {
                    self.next()?;
                    let v = self.const_value()?;
                    a.align = a.align.max(clamp_align(v.bits));
                    self.expect(b')' as u16)?;
                } else {
                    a.align = a.align.max(DEFAULT_ALIGN);
                }
            } else if self.is(b'(' as u16) {
                self.skip_group()?;
            }
        }
        let _ = keyword;
        let _ = msg::INVALID_VALUE;
        Ok(())
    }
}

/// Parses a gcc machine mode as LuaJIT knows them: an optional `V<n>` vector prefix (one
/// or two digits), then `Q H S D T O` (1 to 32 bytes) and `I` or `F`. gcc's `byte`, `word`
/// and `pointer` are known too (LuaJIT ignores them). `None` for anything else.
fn parse_mode(s: &[u8]) -> Option<Mode> {
    match s {
        b"byte" => return Some(Mode { size: 1, vector: 0 }),
        b"word" | b"pointer" => return Some(Mode { size: 8, vector: 0 }),
        _ => {}
    }
    let mut s = s;
    let mut count = 0u64;
    if s.first() == Some(&b'V') {
        let digits = s[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=2).contains(&digits) {
            return None;
        }
        count = s[1..1 + digits].iter().fold(0, |n, d| n * 10 + (d - b'0') as u64);
        s = &s[1 + digits..];
    }
    let size = match s {
        [c, b'I' | b'F'] => match c {
            b'Q' => 1,
            b'H' => 2,
            b'S' => 4,
            b'D' => 8,
            b'T' => 16,
            b'O' => 32,
            _ => return None,
        },
        _ => return None,
    };
    // `V3SI`: LuaJIT rounds the vector's size down to a power of two.
    let bytes = count * size as u64;
    let vector = if bytes == 0 { 0 } else { 1u64 << (63 - bytes.leading_zeros()) };
    Some(Mode { size, vector })
}
