//! The C lexer: bytes to tokens, with `#pragma pack` and `#line` handled on the way.
//!
//! Identifiers are interned as they are read; keywords are the first names interned in
//! every table, so telling a keyword from an identifier is one comparison.

use crate::error::{msg, Error};
use crate::names::{NameId, Names};
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

macro_rules! keywords {
    ($($kw:ident = $s:literal,)*) => {
        /// Keywords and the other reserved spellings the parser acts on.
        #[derive(Copy, Clone, PartialEq, Eq, Debug)]
        #[allow(non_camel_case_types, missing_docs)]
        #[repr(u8)]
        pub enum Kw { $($kw,)* }
        const KW_STRS: &[&str] = &[$($s,)*];
        const KW_LIST: &[Kw] = &[$(Kw::$kw,)*];
    };
}

keywords! {
    Typedef = "typedef", Extern = "extern", Static = "static", Auto = "auto",
    Register = "register", Inline = "inline", Inline2 = "__inline", Inline3 = "__inline__",
    ThreadLocal = "_Thread_local", Thread = "__thread", Noreturn = "_Noreturn",
    Const = "const", Const2 = "__const", Const3 = "__const__",
    Volatile = "volatile", Volatile2 = "__volatile", Volatile3 = "__volatile__",
    Restrict = "restrict", Restrict2 = "__restrict", Restrict3 = "__restrict__",
    Atomic = "_Atomic",
    Void = "void", Bool = "bool", Bool2 = "_Bool", Char = "char", Short = "short", Int = "int",
    Long = "long", Signed = "signed", Signed2 = "__signed", Signed3 = "__signed__",
    Unsigned = "unsigned", Float = "float", Double = "double",
    Complex = "complex", Complex2 = "_Complex", Complex3 = "__complex", Complex4 = "__complex__",
    Int8 = "__int8", Int16 = "__int16", Int32 = "__int32", Int64 = "__int64",
    Int128 = "__int128", Float128 = "_Float128", Float128b = "__float128", Float16 = "_Float16",
    Float32 = "_Float32", Float64 = "_Float64", Float32x = "_Float32x", Float64x = "_Float64x",
    Struct = "struct", Union = "union", Enum = "enum",
    Sizeof = "sizeof", Alignof = "_Alignof", Alignof2 = "__alignof", Alignof3 = "__alignof__",
    Alignof4 = "alignof",
    Attribute = "__attribute__", Attribute2 = "__attribute", Declspec = "__declspec",
    Asm = "__asm__", Asm2 = "__asm", Asm3 = "asm",
    Extension = "__extension__",
    Cdecl = "__cdecl", Cdecl2 = "_cdecl", Stdcall = "__stdcall", Stdcall2 = "_stdcall",
    Fastcall = "__fastcall", Fastcall2 = "_fastcall", Thiscall = "__thiscall",
    Ptr32 = "__ptr32", Ptr64 = "__ptr64",
    Typeof = "__typeof__", Typeof2 = "__typeof", Typeof3 = "typeof",
    StaticAssert = "_Static_assert", StaticAssert2 = "static_assert",
    Alignas = "_Alignas",
}

/// Attribute names the parser acts on, each in its two spellings; interned right after
/// the keywords so that an attribute is recognised by its id.
const ATTR_STRS: &[&str] = &[
    "aligned",
    "__aligned__",
    "packed",
    "__packed__",
    "mode",
    "__mode__",
    "vector_size",
    "__vector_size__",
    "cdecl",
    "__cdecl__",
    "stdcall",
    "__stdcall__",
    "fastcall",
    "__fastcall__",
    "thiscall",
    "__thiscall__",
    "ms_abi",
    "__ms_abi__",
    "sysv_abi",
    "__sysv_abi__",
];

/// Interns the keywords first, so that their ids are `0..KW_STRS.len()`, then the
/// attribute names.
pub(crate) fn intern_keywords(n: &mut Names) {
    for (i, s) in KW_STRS.iter().chain(ATTR_STRS).enumerate() {
        let id = n.intern(s);
        debug_assert_eq!(id.index() as usize, i);
    }
}

/// Which of the known attributes a name is (index into the pairs of `ATTR_STRS`).
pub(crate) fn attr_index(n: NameId) -> Option<usize> {
    let i = (n.index() as usize).checked_sub(KW_STRS.len())?;
    (i < ATTR_STRS.len()).then_some(i / 2)
}

/// The keyword a name stands for, if any.
pub(crate) fn keyword(n: NameId) -> Option<Kw> {
    KW_LIST.get(n.index() as usize).copied()
}

/// Multi-character punctuators, numbered above the byte range.
pub(crate) mod p {
    pub const ARROW: u16 = 256;
    pub const INC: u16 = 257;
    pub const DEC: u16 = 258;
    pub const SHL: u16 = 259;
    pub const SHR: u16 = 260;
    pub const LE: u16 = 261;
    pub const GE: u16 = 262;
    pub const EQ: u16 = 263;
    pub const NE: u16 = 264;
    pub const ANDAND: u16 = 265;
    pub const OROR: u16 = 266;
    pub const ELLIPSIS: u16 = 267;
    pub const COLON2: u16 = 268;
}

/// A token.
#[derive(Copy, Clone, PartialEq, Debug)]
pub(crate) enum Tok {
    Eof,
    Name(NameId),
    /// An integer (or character) literal: value, and whether its C type is 64-bit and
    /// whether it is unsigned.
    Int(u64, bool, bool),
    /// A floating literal (only valid where LuaJIT allows numbers, never in C integer
    /// constant expressions).
    Float(f64),
    /// A string literal; its unescaped bytes are in `Lexer::strbuf`.
    Str,
    /// A `$` parameter placeholder.
    Dollar,
    Punct(u16),
}

/// Pack state changed by `#pragma pack`.
#[derive(Clone, Default)]
pub(crate) struct PackState {
    pub cur: u32,
    pub stack: Vec<u32>,
}

/// Source text with its backslash-newline pairs removed (as C's translation phase 2 does
/// and LuaJIT does, anywhere, even inside names and strings), and where they were.
pub(crate) struct Source<'a> {
    pub text: Cow<'a, [u8]>,
    /// Offsets in `text` at which a line was spliced, ascending.
    pub joins: Vec<usize>,
}

/// Removes every backslash followed by a line break (`\n`, `\r`, `\r\n` or `\n\r`).
/// The text ends at its first NUL byte, as C text does for LuaJIT (`ffi.cdef("int x;\0...")`
/// declares `x` and ignores the rest).
pub(crate) fn splice(src: &[u8]) -> Source<'_> {
    let src = match src.iter().position(|&c| c == 0) {
        Some(end) => &src[..end],
        None => src,
    };
    let is_eol = |c: u8| c == b'\n' || c == b'\r';
    let spliced = src.windows(2).any(|w| w[0] == b'\\' && is_eol(w[1]));
    if !spliced {
        return Source { text: Cow::Borrowed(src), joins: Vec::new() };
    }
    let mut out = Vec::with_capacity(src.len());
    let mut joins = Vec::new();
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        match src.get(i + 1) {
            Some(&e) if c == b'\\' && is_eol(e) => {
                i += 2;
                if let Some(&e2) = src.get(i) {
                    if is_eol(e2) && e2 != e {
                        i += 1;
                    }
                }
                joins.push(out.len());
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Source { text: Cow::Owned(out), joins }
}

pub(crate) struct Lexer<'a> {
    src: &'a [u8],
    /// Where lines were spliced (see [`splice`]), and how many of them are behind.
    joins: &'a [usize],
    joined: usize,
    pos: usize,
    pub line: u32,
    /// Start of the current token (for error text).
    pub tok_start: usize,
    pub tok_end: usize,
    pub tok: Tok,
    pub strbuf: Vec<u8>,
    pub pack: PackState,
    at_line_start: bool,
}

const MAX_PACK_DEPTH: usize = 64;

impl<'a> Lexer<'a> {
    pub fn new(src: &'a [u8], joins: &'a [usize]) -> Self {
        Lexer {
            src,
            joins,
            joined: 0,
            pos: 0,
            line: 1,
            tok_start: 0,
            tok_end: 0,
            tok: Tok::Eof,
            strbuf: Vec::new(),
            pack: PackState::default(),
            at_line_start: true,
        }
    }

    #[inline]
    fn peekc(&self, off: usize) -> u8 {
        *self.src.get(self.pos + off).unwrap_or(&0)
    }

    /// Skips white space and comments; handles `#` lines.
    /// Skips white space and comments; handles `#` lines. The common case (blanks and
    /// newlines before a token) stays in one tight loop over local variables.
    #[inline(always)]
    fn skip_ws(&mut self, names: &mut Names) -> Result<(), Error> {
        let src = self.src;
        let mut pos = self.pos;
        while let Some(&c) = src.get(pos) {
            match WS_CLASS[c as usize] {
                0 => break,
                1 => pos += 1,
                2 => {
                    pos += 1;
                    self.line = self.line.saturating_add(1);
                    self.at_line_start = true;
                }
                _ => {
                    // A slash that may start a comment, or a `#`.
                    self.pos = pos;
                    if !self.skip_special(names)? {
                        return Ok(());
                    }
                    pos = self.pos;
                }
            }
        }
        self.pos = pos;
        Ok(())
    }

    /// Comments and directives; returns false at a token (a lone `/`, or `#` not at the
    /// start of a line).
    #[cold]
    #[inline(never)]
    fn skip_special(&mut self, names: &mut Names) -> Result<bool, Error> {
        let c = self.peekc(0);
        match c {
            b'/' if self.peekc(1) == b'*' => {
                self.pos += 2;
                loop {
                    if self.pos >= self.src.len() {
                        break;
                    }
                    let c = self.src[self.pos];
                    if c == b'*' && self.peekc(1) == b'/' {
                        self.pos += 2;
                        break;
                    }
                    if c == b'\n' {
                        self.line = self.line.saturating_add(1);
                    }
                    self.pos += 1;
                }
                Ok(true)
            }
            b'/' if self.peekc(1) == b'/' => {
                while self.pos < self.src.len() && self.src[self.pos] != b'\n' {
                    self.pos += 1;
                }
                Ok(true)
            }
            b'#' if self.at_line_start => {
                self.directive(names)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn rest_of_line(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.pos < self.src.len() && self.src[self.pos] != b'\n' {
            self.pos += 1;
        }
        &self.src[start..self.pos]
    }

    /// `#pragma ...`, `#line N`, `# N "file"`; anything else is an error, as in LuaJIT.
    #[cold]
    #[inline(never)]
    fn directive(&mut self, _names: &mut Names) -> Result<(), Error> {
        let dline = self.line;
        self.pos += 1;
        let line = self.rest_of_line();
        let text = trim(line);
        let (word, rest) = split_word(text);
        if word.first().is_some_and(|c| c.is_ascii_digit()) || word == b"line" {
            let num = if word == b"line" { split_word(trim(rest)).0 } else { word };
            if let Some(n) = parse_dec(num) {
                // The line after the directive has number n.
                self.line = n.saturating_sub(1);
                return Ok(());
            }
            return Err(self.err_at_line(dline, msg::UNEXPECTED, Some(bytes_str(num))));
        }
        if word == b"pragma" {
            let r = trim(rest);
            let (w, args) = split_word(r);
            if w == b"pack" {
                self.pragma_pack(trim(args), dline)?;
            }
            return Ok(());
        }
        let near = if word.is_empty() { String::from("#") } else { bytes_str(word) };
        Err(self.err_at_line(dline, msg::UNEXPECTED, Some(near)))
    }

    fn pragma_pack(&mut self, args: &[u8], dline: u32) -> Result<(), Error> {
        let inner = match (args.first(), args.last()) {
            (Some(b'('), Some(b')')) => &args[1..args.len() - 1],
            _ => return Err(self.err_at_line(dline, "'(' expected", None)),
        };
        let parts: Vec<&[u8]> = inner.split(|&c| c == b',').map(trim).collect();
        let bad = |s: &Self| s.err_at_line(dline, msg::INVALID_VALUE, None);
        match parts.as_slice() {
            [[]] => self.pack.cur = 0,
            [p] if *p == b"push" => {
                if self.pack.stack.len() >= MAX_PACK_DEPTH {
                    return Err(self.err_at_line(dline, msg::LEVELS, None));
                }
                self.pack.stack.push(self.pack.cur);
            }
            [p] if *p == b"pop" => self.pack.cur = self.pack.stack.pop().unwrap_or(0),
            [p, n] if *p == b"push" => {
                if self.pack.stack.len() >= MAX_PACK_DEPTH {
                    return Err(self.err_at_line(dline, msg::LEVELS, None));
                }
                let v = parse_num(n).ok_or_else(|| bad(self))?;
                self.pack.stack.push(self.pack.cur);
                self.pack.cur = v as u32;
            }
            [p, _] if *p == b"pop" => self.pack.cur = self.pack.stack.pop().unwrap_or(0),
            [n] => {
                let v = parse_num(n).ok_or_else(|| bad(self))?;
                self.pack.cur = v as u32;
            }
            _ => return Err(bad(self)),
        }
        if self.pack.cur > 0 && !self.pack.cur.is_power_of_two() || self.pack.cur > 256 {
            // gcc warns and ignores; keep the nearest sane value.
            self.pack.cur = self.pack.cur.next_power_of_two().min(256);
        }
        Ok(())
    }

    fn err_at_line(&self, line: u32, m: &str, near: Option<String>) -> Error {
        let mut s = String::from(m);
        if let Some(n) = near {
            s = format!("{s} near '{n}'");
        }
        Error::at_line(s, line)
    }

    /// Reads the next token into `self.tok`.
    pub fn next(&mut self, names: &mut Names) -> Result<(), Error> {
        self.skip_ws(names)?;
        self.at_line_start = false;
        self.tok_start = self.pos;
        let c = self.peekc(0);
        let tok = if self.pos >= self.src.len() {
            Tok::Eof
        } else if IDENT_START[c as usize] {
            let s = self.pos;
            let rest = &self.src[s + 1..];
            let n = rest.iter().position(|&c| !IDENT_CHAR[c as usize]).unwrap_or(rest.len());
            self.pos = s + 1 + n;
            Tok::Name(names.intern_bytes(&self.src[s..self.pos]))
        } else if c.is_ascii_digit() || (c == b'.' && self.peekc(1).is_ascii_digit()) {
            self.number()?
        } else {
            match c {
                b'\'' => self.char_lit()?,
                b'"' => self.string_lit()?,
                b'$' => {
                    self.pos += 1;
                    Tok::Dollar
                }
                _ => self.punct(),
            }
        };
        self.tok_end = self.pos;
        self.tok = tok;
        // Each spliced line break passed counts as a line (as in LuaJIT).
        while self.joins.get(self.joined).is_some_and(|&j| j < self.pos) {
            self.joined += 1;
            self.line = self.line.saturating_add(1);
        }
        Ok(())
    }

    fn punct(&mut self) -> Tok {
        let c = self.peekc(0);
        let d = self.peekc(1);
        let two = |s: &mut Self, t: u16| {
            s.pos += 2;
            Tok::Punct(t)
        };
        match (c, d) {
            (b'-', b'>') => two(self, p::ARROW),
            (b'+', b'+') => two(self, p::INC),
            (b'-', b'-') => two(self, p::DEC),
            (b'<', b'<') => two(self, p::SHL),
            (b'>', b'>') => two(self, p::SHR),
            (b'<', b'=') => two(self, p::LE),
            (b'>', b'=') => two(self, p::GE),
            (b'=', b'=') => two(self, p::EQ),
            (b'!', b'=') => two(self, p::NE),
            (b'&', b'&') => two(self, p::ANDAND),
            (b'|', b'|') => two(self, p::OROR),
            (b':', b':') => two(self, p::COLON2),
            (b'.', b'.') if self.peekc(2) == b'.' => {
                self.pos += 3;
                Tok::Punct(p::ELLIPSIS)
            }
            _ => {
                self.pos += 1;
                Tok::Punct(c as u16)
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn number(&mut self) -> Result<Tok, Error> {
        let s = self.pos;
        while let Some(&c) = self.src.get(self.pos) {
            let exponent_sign = (c == b'+' || c == b'-')
                && matches!(self.src[self.pos - 1], b'e' | b'E' | b'p' | b'P')
                && !(self.src[s..self.pos].starts_with(b"0x")
                    && matches!(self.src[self.pos - 1], b'e' | b'E'));
            if c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || exponent_sign {
                self.pos += 1;
            } else {
                break;
            }
        }
        let text = &self.src[s..self.pos];
        self.tok_end = self.pos;
        if let Some(t) = parse_int_literal(text) {
            return Ok(t);
        }
        if let Some(f) = parse_float_literal(text) {
            return Ok(Tok::Float(f));
        }
        Err(self.err_near("malformed number", bytes_str(text)))
    }

    fn escape(&mut self) -> Result<u32, Error> {
        // At the byte after the backslash.
        let c = self.peekc(0);
        self.pos += 1;
        Ok(match c {
            b'n' => 10,
            b't' => 9,
            b'r' => 13,
            b'a' => 7,
            b'b' => 8,
            b'f' => 12,
            b'v' => 11,
            b'e' => 27,
            b'x' => {
                let mut v: u32 = 0;
                let mut any = false;
                while let Some(d) = (self.peekc(0) as char).to_digit(16) {
                    v = v.wrapping_mul(16).wrapping_add(d);
                    self.pos += 1;
                    any = true;
                }
                if !any {
                    return Err(self.err_near(msg::INVALID_VALUE, String::from("\\x")));
                }
                v & 0xff
            }
            b'0'..=b'7' => {
                let mut v = (c - b'0') as u32;
                for _ in 0..2 {
                    let d = self.peekc(0);
                    if (b'0'..=b'7').contains(&d) {
                        v = v * 8 + (d - b'0') as u32;
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                v & 0xff
            }
            0 if self.pos > self.src.len() => {
                return Err(self.err_near(msg::INVALID_VALUE, String::from("<eof>")))
            }
            c => c as u32,
        })
    }

    #[cold]
    #[inline(never)]
    fn char_lit(&mut self) -> Result<Tok, Error> {
        self.pos += 1;
        let mut v: u32 = 0;
        let mut n = 0;
        loop {
            if self.pos >= self.src.len() {
                return Err(self.err_near("unfinished string", String::from("<eof>")));
            }
            let c = self.src[self.pos];
            if c == b'\'' {
                self.pos += 1;
                break;
            }
            let b = if c == b'\\' {
                self.pos += 1;
                self.escape()?
            } else {
                self.pos += 1;
                c as u32
            };
            v = (v << 8) | (b & 0xff);
            n += 1;
        }
        if n == 0 {
            return Err(self.err_near(msg::INVALID_VALUE, String::from("''")));
        }
        // A one-character constant has type int with the value of a (signed) char.
        let val = if n == 1 { (v as u8 as i8) as i64 } else { v as i32 as i64 };
        Ok(Tok::Int(val as u64, false, false))
    }

    #[cold]
    #[inline(never)]
    fn string_lit(&mut self) -> Result<Tok, Error> {
        self.pos += 1;
        self.strbuf.clear();
        loop {
            if self.pos >= self.src.len() {
                return Err(self.err_near("unfinished string", String::from("<eof>")));
            }
            let c = self.src[self.pos];
            if c == b'"' {
                self.pos += 1;
                break;
            }
            if c == b'\\' {
                self.pos += 1;
                let v = self.escape()?;
                self.strbuf.push(v as u8);
            } else {
                self.strbuf.push(c);
                self.pos += 1;
            }
        }
        Ok(Tok::Str)
    }

    /// The text LuaJIT shows for the current token in `near '...'`.
    pub fn tok_text(&self, names: &Names) -> String {
        match self.tok {
            Tok::Eof => String::from("<eof>"),
            Tok::Name(n) => String::from(names.str(n)),
            Tok::Str => bytes_str(&self.strbuf),
            Tok::Dollar => String::from("$"),
            _ => bytes_str(&self.src[self.tok_start..self.tok_end.max(self.tok_start)]),
        }
    }

    pub fn err_near(&self, m: &str, near: String) -> Error {
        self.err_at_line(self.line, m, Some(near))
    }

    pub fn err_plain(&self, m: &str) -> Error {
        self.err_at_line(self.line, m, None)
    }

    /// The lexer's position, for a look-ahead that is undone with [`restore`](Self::restore).
    pub fn save(&self) -> LexSave {
        LexSave {
            pos: self.pos,
            line: self.line,
            tok_start: self.tok_start,
            tok_end: self.tok_end,
            tok: self.tok,
            at_line_start: self.at_line_start,
            pack: self.pack.clone(),
            joined: self.joined,
        }
    }

    /// Goes back to a saved position.
    pub fn restore(&mut self, s: LexSave) {
        self.pos = s.pos;
        self.line = s.line;
        self.tok_start = s.tok_start;
        self.tok_end = s.tok_end;
        self.tok = s.tok;
        self.at_line_start = s.at_line_start;
        self.pack = s.pack;
        self.joined = s.joined;
    }
}

/// A saved lexer position.
pub(crate) struct LexSave {
    pos: usize,
    line: u32,
    tok_start: usize,
    tok_end: usize,
    tok: Tok,
    at_line_start: bool,
    pack: PackState,
    joined: usize,
}

const fn ident_table(digits: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 || (digits && c.is_ascii_digit());
        i += 1;
    }
    t
}

/// White-space classes: 0 token, 1 blank, 2 newline, 3 `/` or `#` (maybe special).
static WS_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = 1;
    t[b'\t' as usize] = 1;
    t[b'\r' as usize] = 1;
    t[0x0b] = 1;
    t[0x0c] = 1;
    t[b'\n' as usize] = 2;
    t[b'/' as usize] = 3;
    t[b'#' as usize] = 3;
    t
};

/// Bytes that start an identifier (letters, `_`, and bytes >= 0x80 as in LuaJIT).
static IDENT_START: [bool; 256] = ident_table(false);
/// Bytes that continue one.
static IDENT_CHAR: [bool; 256] = ident_table(true);

fn trim(s: &[u8]) -> &[u8] {
    let a = s.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(s.len());
    let b = s.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(a, |i| i + 1);
    &s[a..b.max(a)]
}

fn split_word(s: &[u8]) -> (&[u8], &[u8]) {
    let e = s.iter().position(|c| !(c.is_ascii_alphanumeric() || *c == b'_')).unwrap_or(s.len());
    (&s[..e], &s[e..])
}

fn parse_dec(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u32 = 0;
    for &c in s {
        v = v.checked_mul(10)?.checked_add((c - b'0') as u32)?;
    }
    Some(v)
}

fn parse_num(s: &[u8]) -> Option<u64> {
    match parse_int_literal(s)? {
        Tok::Int(v, ..) => Some(v),
        _ => None,
    }
}

pub(crate) fn bytes_str(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Parses a C integer literal with its suffix. Returns `Tok::Int(value, is64, unsigned)`
/// with the type C gives it (int, unsigned, long/long long, unsigned long long).
fn parse_int_literal(t: &[u8]) -> Option<Tok> {
    if t.is_empty() {
        return None;
    }
    let (radix, digits_start) = if t.len() > 1 && t[0] == b'0' && (t[1] == b'x' || t[1] == b'X') {
        (16, 2)
    } else if t.len() > 1 && t[0] == b'0' && (t[1] == b'b' || t[1] == b'B') {
        (2, 2)
    } else if t[0] == b'0' {
        (8, 0)
    } else {
        (10, 0)
    };
    let mut i = digits_start;
    let mut v: u64 = 0;
    let mut any = false;
    while i < t.len() {
        let Some(d) = (t[i] as char).to_digit(radix) else { break };
        v = v.checked_mul(radix as u64)?.checked_add(d as u64)?;
        i += 1;
        any = true;
    }
    if !any {
        return None;
    }
    let suf = &t[i..];
    let (mut uns, mut longs) = (false, 0);
    for &c in suf {
        match c {
            b'u' | b'U' if !uns => uns = true,
            b'l' | b'L' if longs < 2 => longs += 1,
            _ => return None,
        }
    }
    // C's rules for which type a literal gets (LP64: long is 64-bit).
    let fits32s = v <= i32::MAX as u64;
    let fits32u = v <= u32::MAX as u64;
    let fits64s = v <= i64::MAX as u64;
    let (is64, unsigned) = if longs > 0 {
        (true, uns || (!fits64s && radix != 10))
    } else if uns {
        (!fits32u, true)
    } else if fits32s {
        (false, false)
    } else if fits32u && radix != 10 {
        (false, true)
    } else {
        (true, !fits64s)
    };
    Some(Tok::Int(v, is64, unsigned))
}

fn parse_float_literal(t: &[u8]) -> Option<f64> {
    let s = core::str::from_utf8(t).ok()?;
    let s = s.trim_end_matches(['f', 'F', 'l', 'L']);
    s.parse::<f64>().ok()
}
