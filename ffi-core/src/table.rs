//! The per-state type table: interned types, struct/enum/function definitions, the
//! ordinary and tag namespaces, and the undo journal that makes `cdef` all-or-nothing.
//!
//! ```
//! use ffi_core::{CTypeTable, Target, Symbol};
//! let mut t = CTypeTable::new(Target::SYSV_X64);
//! t.cdef("typedef struct point { double x, y; } point_t; enum { RED = 1, GREEN };").unwrap();
//! let p = t.parse_type("point_t", &[]).unwrap();
//! assert_eq!(t.size_of(p), Some(16));
//! assert_eq!(t.offset_of(p, "y").unwrap().offset, 8);
//! assert!(matches!(t.lookup("GREEN"), Some(Symbol::Const { value: 2, .. })));
//! // A failing cdef changes nothing.
//! assert!(t.cdef("struct q { int a; }; struct point { int z; };").is_err());
//! assert!(t.tag("q").is_none());
//! ```

use crate::ctype::{
    AggDef, AggId, ArrayLen, BitPos, CType, CTypeId, CallConv, EnumDef, EnumId, FloatKind, FuncDef,
    FuncId, Kind, OpaqueKind, Qual, Symbol,
};
use crate::error::{msg, Error};
use crate::names::{NameId, NameMap, Names};
use crate::target::Target;
use alloc::vec::Vec;
use hashbrown::HashTable;

/// Ids of the predefined types, the same in every table.
pub mod ids {
    use crate::ctype::CTypeId;
    /// `void`
    pub const VOID: CTypeId = CTypeId(0);
    /// `const void`
    pub const CVOID: CTypeId = CTypeId(1);
    /// `bool`
    pub const BOOL: CTypeId = CTypeId(2);
    /// `char` (= `signed char` = `int8_t`)
    pub const CHAR: CTypeId = CTypeId(3);
    /// `unsigned char`
    pub const UCHAR: CTypeId = CTypeId(4);
    /// `short`
    pub const SHORT: CTypeId = CTypeId(5);
    /// `unsigned short`
    pub const USHORT: CTypeId = CTypeId(6);
    /// `int`
    pub const INT: CTypeId = CTypeId(7);
    /// `unsigned int`
    pub const UINT: CTypeId = CTypeId(8);
    /// `long`
    pub const LONG: CTypeId = CTypeId(9);
    /// `unsigned long`
    pub const ULONG: CTypeId = CTypeId(10);
    /// `long long`
    pub const LLONG: CTypeId = CTypeId(11);
    /// `unsigned long long`
    pub const ULLONG: CTypeId = CTypeId(12);
    /// `float`
    pub const FLOAT: CTypeId = CTypeId(13);
    /// `double`
    pub const DOUBLE: CTypeId = CTypeId(14);
    /// `long double`
    pub const LDOUBLE: CTypeId = CTypeId(15);
    /// `complex float`
    pub const CFLOAT: CTypeId = CTypeId(16);
    /// `complex double`
    pub const CDOUBLE: CTypeId = CTypeId(17);
    /// `void *`
    pub const PVOID: CTypeId = CTypeId(18);
    /// `const char`
    pub const CCHAR: CTypeId = CTypeId(19);
    /// `const char *`
    pub const PCCHAR: CTypeId = CTypeId(20);
    /// `const void *`
    pub const PCVOID: CTypeId = CTypeId(21);
}

/// A cheap, well-mixed 64-bit hash step (multiply and fold).
#[inline(always)]
fn mix(h: u64, v: u64) -> u64 {
    let m = (h ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    m ^ (m >> 29)
}

/// The interning hash of a type key: its parts packed into words and mixed (much cheaper
/// than the derived `Hash` through a general-purpose hasher).
#[inline]
fn type_hash(kind: Kind, qual: Qual, align_attr: u32) -> u64 {
    let (tag, a, b): (u64, u64, u64) = match kind {
        Kind::Void => (0, 0, 0),
        Kind::Bool => (1, 0, 0),
        Kind::Int { size, signed, long } => {
            (2, size as u64 | (signed as u64) << 8 | (long as u64) << 9, 0)
        }
        Kind::Float(f) => (3, f as u64, 0),
        Kind::Complex(f) => (4, f as u64, 0),
        Kind::Ptr(t) => (5, t.0 as u64, 0),
        Kind::Ref(t) => (6, t.0 as u64, 0),
        Kind::Array(e, len) => (
            7,
            e.0 as u64,
            match len {
                ArrayLen::Fixed(n) => n,
                ArrayLen::Unsized => u64::MAX,
                ArrayLen::Vla => u64::MAX - 1,
            },
        ),
        Kind::Vector(e, n) => (8, e.0 as u64, n as u64),
        Kind::Struct(a) => (9, a.0 as u64, 0),
        Kind::Enum(e) => (10, e.0 as u64, 0),
        Kind::Func(f) => (11, f.0 as u64, 0),
        Kind::Opaque(o) => (12, o as u64, 0),
        Kind::Ptr32(t) => (13, t.0 as u64, 0),
    };
    mix(mix(mix(tag | (qual.0 as u64) << 8 | (align_attr as u64) << 16, a), b), 0x1234_5678)
}

/// The interning hash of a function signature.
#[inline]
fn func_hash(ret: CTypeId, params: &[CTypeId], variadic: bool, conv: CallConv) -> u64 {
    let mut h =
        mix(ret.0 as u64 | (variadic as u64) << 32 | (conv as u64) << 40, params.len() as u64);
    for p in params {
        h = mix(h, p.0 as u64);
    }
    h
}

/// Types larger than this are rejected, as in LuaJIT.
pub const MAX_SIZE: u64 = 0x7fff_ffff;

/// A `$` parameter for [`CTypeTable::parse_type`] and [`CTypeTable::cdef_with`].
#[derive(Clone, Debug)]
pub enum Param {
    /// Stands for a type.
    Type(CTypeId),
    /// Stands for a number (array size, constant).
    Int(i64),
    /// Stands for an identifier (struct tag, member or declarator name).
    Name(alloc::string::String),
}

/// What a member lookup found.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct FieldInfo {
    /// The member's type.
    pub ty: CTypeId,
    /// Byte offset from the start of the outermost struct (for a bitfield, of its
    /// container).
    pub offset: u64,
    /// Set for bitfields.
    pub bits: Option<BitPos>,
}

#[derive(Clone)]
enum Undo {
    Sym(NameId, Option<Symbol>),
    Tag(NameId, Option<CTypeId>),
    // Boxed: the journal gets an entry per declaration, most of them small.
    Agg(AggId, alloc::boxed::Box<AggDef>),
    Enum(EnumId, alloc::boxed::Box<EnumDef>),
    TypeSize(CTypeId, Option<u64>, u32),
}

#[derive(Clone, Copy)]
struct Mark {
    types: usize,
    aggs: usize,
    enums: usize,
    funcs: usize,
    undo: usize,
}

/// All C types, definitions and declarations of one Lua state.
#[derive(Clone)]
pub struct CTypeTable {
    target: Target,
    pub(crate) names: Names,
    types: Vec<CType>,
    /// (hash, type index).
    intern: HashTable<(u64, u32)>,
    /// Recently interned types by hash (direct-mapped, verified against the key): the
    /// same pointer and qualified types are asked for again and again.
    recent: alloc::boxed::Box<[(u64, u32); 256]>,
    aggs: Vec<AggDef>,
    enums: Vec<EnumDef>,
    funcs: Vec<FuncDef>,
    /// (hash, function index).
    func_intern: HashTable<(u64, u32)>,
    symbols: NameMap<Symbol>,
    tags: NameMap<CTypeId>,
    undo: Vec<Undo>,
    in_tx: bool,
}

impl CTypeTable {
    /// A table with the predefined types and typedefs of `target`.
    pub fn new(target: Target) -> CTypeTable {
        let mut t = CTypeTable {
            target,
            names: Names::new(),
            // Room for a typical header's worth of declarations without regrowing.
            types: Vec::with_capacity(512),
            intern: HashTable::with_capacity(512),
            recent: alloc::boxed::Box::new([(0, u32::MAX); 256]),
            aggs: Vec::with_capacity(64),
            enums: Vec::with_capacity(32),
            funcs: Vec::with_capacity(256),
            func_intern: HashTable::with_capacity(256),
            symbols: NameMap::with_capacity(1024),
            tags: NameMap::with_capacity(1024),
            undo: Vec::new(),
            in_tx: false,
        };
        crate::lex::intern_keywords(&mut t.names);
        let ls = target.long_size;
        let int = |size, signed, long| Kind::Int { size, signed, long };
        let pre = [
            (Kind::Void, Qual::NONE),
            (Kind::Void, Qual::CONST),
            (Kind::Bool, Qual::NONE),
            (int(1, true, false), Qual::NONE),
            (int(1, false, false), Qual::NONE),
            (int(2, true, false), Qual::NONE),
            (int(2, false, false), Qual::NONE),
            (int(4, true, false), Qual::NONE),
            (int(4, false, false), Qual::NONE),
            (int(ls, true, true), Qual::NONE),
            (int(ls, false, true), Qual::NONE),
            (int(8, true, false), Qual::NONE),
            (int(8, false, false), Qual::NONE),
            (Kind::Float(FloatKind::Float), Qual::NONE),
            (Kind::Float(FloatKind::Double), Qual::NONE),
            (Kind::Float(FloatKind::LongDouble), Qual::NONE),
            (Kind::Complex(FloatKind::Float), Qual::NONE),
            (Kind::Complex(FloatKind::Double), Qual::NONE),
            (Kind::Ptr(ids::VOID), Qual::NONE),
        ];
        for (i, (k, q)) in pre.into_iter().enumerate() {
            let id = t.intern_kind(k, q, 0).unwrap_or(ids::VOID);
            debug_assert_eq!(id.0 as usize, i);
        }
        let cchar = t.qualified(ids::CHAR, Qual::CONST);
        debug_assert_eq!(cchar, ids::CCHAR);
        let pcchar = t.ptr_to(cchar);
        debug_assert_eq!(pcchar, ids::PCCHAR);
        let pcvoid = t.ptr_to(ids::CVOID);
        debug_assert_eq!(pcvoid, ids::PCVOID);
        // int64_t is `long` on LP64 and `long long` on LLP64, as in the system headers.
        let (i64t, u64t) =
            if ls == 8 { (ids::LONG, ids::ULONG) } else { (ids::LLONG, ids::ULLONG) };
        let (size_t, ssize_t) = (u64t, i64t);
        let wchar = match (target.wchar_size, target.wchar_signed) {
            (2, false) => ids::USHORT,
            (2, true) => ids::SHORT,
            (4, false) => ids::UINT,
            _ => ids::INT,
        };
        let typedefs: [(&str, CTypeId); 19] = [
            ("int8_t", ids::CHAR),
            ("uint8_t", ids::UCHAR),
            ("int16_t", ids::SHORT),
            ("uint16_t", ids::USHORT),
            ("int32_t", ids::INT),
            ("uint32_t", ids::UINT),
            ("int64_t", i64t),
            ("uint64_t", u64t),
            ("intptr_t", i64t),
            ("uintptr_t", u64t),
            ("ptrdiff_t", i64t),
            ("size_t", size_t),
            ("ssize_t", ssize_t),
            ("wchar_t", wchar),
            ("va_list", ids::PVOID),
            ("__builtin_va_list", ids::PVOID),
            ("__gnuc_va_list", ids::PVOID),
            ("__int128_t", CTypeId(u32::MAX)),
            ("__uint128_t", CTypeId(u32::MAX)),
        ];
        for (name, ty) in typedefs {
            let ty = if ty.0 != u32::MAX {
                ty
            } else if name == "__int128_t" {
                t.intern_kind(Kind::Opaque(OpaqueKind::Int128), Qual::NONE, 0).unwrap_or(ids::VOID)
            } else {
                t.intern_kind(Kind::Opaque(OpaqueKind::UInt128), Qual::NONE, 0).unwrap_or(ids::VOID)
            };
            let n = t.names.intern(name);
            t.symbols.insert(n, Symbol::Typedef(ty));
        }
        t
    }

    /// The target this table lays types out for.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The name interner.
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// Interns a name.
    pub fn intern_name(&mut self, s: &str) -> NameId {
        self.names.intern(s)
    }

    /// The record of a type.
    pub fn get(&self, id: CTypeId) -> &CType {
        &self.types[id.0 as usize]
    }

    /// How many types the table holds.
    pub fn len(&self) -> usize {
        self.types.len()
    }

    /// Whether the table is empty (never: the predefined types are always there).
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    /// A struct/union definition.
    pub fn agg(&self, id: AggId) -> &AggDef {
        &self.aggs[id.0 as usize]
    }

    /// An enum definition.
    pub fn enum_def(&self, id: EnumId) -> &EnumDef {
        &self.enums[id.0 as usize]
    }

    /// A function signature.
    pub fn func(&self, id: FuncId) -> &FuncDef {
        &self.funcs[id.0 as usize]
    }

    /// Size in bytes, `None` when unknown.
    pub fn size_of(&self, id: CTypeId) -> Option<u64> {
        self.get(id).size
    }

    /// Alignment in bytes.
    pub fn align_of(&self, id: CTypeId) -> u32 {
        self.get(id).align
    }

    /// What a name in the ordinary namespace stands for.
    pub fn lookup(&self, name: &str) -> Option<Symbol> {
        self.names.get(name).and_then(|n| self.symbols.get(&n).copied())
    }

    pub(crate) fn symbol(&self, n: NameId) -> Option<Symbol> {
        self.symbols.get(&n).copied()
    }

    /// The struct, union or enum type with this tag.
    pub fn tag(&self, name: &str) -> Option<CTypeId> {
        self.names.get(name).and_then(|n| self.tags.get(&n).copied())
    }

    pub(crate) fn tag_id(&self, n: NameId) -> Option<CTypeId> {
        self.tags.get(&n).copied()
    }

    /// Every symbol of the ordinary namespace (unordered).
    pub fn symbols(&self) -> impl Iterator<Item = (&str, Symbol)> + '_ {
        self.symbols.iter().map(|(n, s)| (self.names.str(n), *s))
    }

    /// Every struct, union and enum tag (unordered).
    pub fn tags(&self) -> impl Iterator<Item = (&str, CTypeId)> + '_ {
        self.tags.iter().map(|(n, t)| (self.names.str(n), *t))
    }

    /// The unqualified, naturally aligned form of a type.
    pub fn unqualified(&mut self, id: CTypeId) -> CTypeId {
        let t = *self.get(id);
        if t.qual == Qual::NONE && t.align_attr == 0 {
            return id;
        }
        self.intern_kind(t.kind, Qual::NONE, 0).unwrap_or(id)
    }

    /// `id` with extra qualifiers.
    pub fn qualified(&mut self, id: CTypeId, q: Qual) -> CTypeId {
        let t = *self.get(id);
        if t.qual.with(q) == t.qual {
            return id;
        }
        // Qualifying an array qualifies its elements (C11 6.7.3p9), as LuaJIT does.
        if let Kind::Array(e, n) = t.kind {
            let e = self.qualified(e, q);
            return self.intern_kind(Kind::Array(e, n), t.qual, t.align_attr).unwrap_or(id);
        }
        self.intern_kind(t.kind, t.qual.with(q), t.align_attr).unwrap_or(id)
    }

    /// `T &`.
    pub fn ref_to(&mut self, id: CTypeId) -> CTypeId {
        self.intern_kind(Kind::Ref(id), Qual::NONE, 0).unwrap_or(ids::PVOID)
    }

    /// `T *`.
    pub fn ptr_to(&mut self, id: CTypeId) -> CTypeId {
        self.intern_kind(Kind::Ptr(id), Qual::NONE, 0).unwrap_or(ids::PVOID)
    }

    /// `T[n]` (checked against the size limit).
    pub fn array_of(&mut self, id: CTypeId, len: ArrayLen) -> Result<CTypeId, Error> {
        self.intern_kind(Kind::Array(id, len), Qual::NONE, 0)
    }

    /// Interns a type from its parts, computing size and alignment.
    pub fn intern_kind(
        &mut self,
        kind: Kind,
        qual: Qual,
        align_attr: u32,
    ) -> Result<CTypeId, Error> {
        let key = (kind, qual, align_attr);
        let h = type_hash(kind, qual, align_attr);
        let slot = (h >> 56) as usize;
        let (rh, rid) = self.recent[slot];
        if rh == h && (rid as usize) < self.types.len() && self.types[rid as usize].key() == key {
            return Ok(CTypeId(rid));
        }
        let types = &self.types;
        if let Some(&(_, i)) =
            self.intern.find(h, |&(hh, i)| hh == h && types[i as usize].key() == key)
        {
            self.recent[slot] = (h, i);
            return Ok(CTypeId(i));
        }
        let (size, nat_align) = self.natural_layout(kind)?;
        let align = if align_attr != 0 { align_attr } else { nat_align };
        let id = CTypeId(self.types.len() as u32);
        self.types.push(CType { kind, qual, align_attr, size, align });
        self.intern.insert_unique(h, (h, id.0), |&(hh, _)| hh);
        match kind {
            Kind::Struct(a) => self.aggs[a.0 as usize].variants.push(id),
            Kind::Enum(e) => self.enums[e.0 as usize].variants.push(id),
            _ => {}
        }
        Ok(id)
    }

    fn natural_layout(&self, kind: Kind) -> Result<(Option<u64>, u32), Error> {
        let t = &self.target;
        Ok(match kind {
            Kind::Void => (None, 1),
            Kind::Bool => (Some(1), 1),
            Kind::Int { size, .. } => (Some(size as u64), size as u32),
            Kind::Float(f) => {
                let (s, a) = self.float_layout(f);
                (Some(s), a)
            }
            Kind::Complex(f) => {
                let (s, a) = self.float_layout(f);
                (Some(2 * s), a)
            }
            Kind::Ptr(_) => (Some(t.ptr_size as u64), t.ptr_size as u32),
            Kind::Ptr32(_) => (Some(4), 4),
            Kind::Ref(to) => (self.size_of(to), t.ptr_size as u32),
            Kind::Array(e, len) => {
                let et = self.get(e);
                let a = et.align;
                match len {
                    ArrayLen::Fixed(n) => {
                        let es = et.size.ok_or_else(|| Error::new(msg::TOO_LARGE))?;
                        let s = es.checked_mul(n).filter(|&s| s <= MAX_SIZE);
                        (Some(s.ok_or_else(|| Error::new(msg::TOO_LARGE))?), a)
                    }
                    _ => {
                        if et.size.is_none() {
                            return Err(Error::new(msg::TOO_LARGE));
                        }
                        (None, a)
                    }
                }
            }
            Kind::Vector(e, n) => {
                let es = self.get(e).size.unwrap_or(0);
                let s = es * n as u64;
                (Some(s), s.clamp(1, 64) as u32)
            }
            Kind::Struct(a) => {
                let d = &self.aggs[a.0 as usize];
                (if d.complete { Some(d.size) } else { None }, d.align)
            }
            Kind::Enum(e) => {
                let d = &self.enums[e.0 as usize];
                (Some(d.size as u64), d.align as u32)
            }
            Kind::Func(_) => (None, 1),
            Kind::Opaque(o) => {
                let (s, a) = o.layout();
                (Some(s), a)
            }
        })
    }

    fn float_layout(&self, f: FloatKind) -> (u64, u32) {
        match f {
            FloatKind::Float => (4, 4),
            FloatKind::Double => (8, 8),
            FloatKind::LongDouble => {
                (self.target.long_double.0 as u64, self.target.long_double.1 as u32)
            }
        }
    }

    /// Interns a function signature from its parts (allocates only for a new one).
    pub fn func_type_from(
        &mut self,
        ret: CTypeId,
        params: &[CTypeId],
        variadic: bool,
        conv: CallConv,
    ) -> CTypeId {
        // Hashes exactly as `FuncDef` derives it: its fields in order.
        let h = func_hash(ret, params, variadic, conv);
        let funcs = &self.funcs;
        let found = self.func_intern.find(h, |&(hh, i)| {
            let f = &funcs[i as usize];
            hh == h
                && f.ret == ret
                && f.params == params
                && f.variadic == variadic
                && f.conv == conv
        });
        match found {
            Some(&(_, i)) => {
                self.intern_kind(Kind::Func(FuncId(i)), Qual::NONE, 0).unwrap_or(ids::VOID)
            }
            None => {
                self.func_type_hashed(FuncDef { ret, params: params.to_vec(), variadic, conv }, h)
            }
        }
    }

    /// Interns a function signature and returns its function type.
    pub fn func_type(&mut self, def: FuncDef) -> CTypeId {
        let h = func_hash(def.ret, &def.params, def.variadic, def.conv);
        self.func_type_hashed(def, h)
    }

    fn func_type_hashed(&mut self, def: FuncDef, h: u64) -> CTypeId {
        let funcs = &self.funcs;
        let fid = if let Some(&(_, i)) =
            self.func_intern.find(h, |&(hh, i)| hh == h && funcs[i as usize] == def)
        {
            FuncId(i)
        } else {
            let fid = FuncId(self.funcs.len() as u32);
            self.funcs.push(def);
            self.func_intern.insert_unique(h, (h, fid.0), |&(hh, _)| hh);
            fid
        };
        self.intern_kind(Kind::Func(fid), Qual::NONE, 0).unwrap_or(ids::VOID)
    }

    /// A new, incomplete struct or union type.
    pub(crate) fn new_agg(&mut self, tag: Option<NameId>, is_union: bool) -> CTypeId {
        let a = AggId(self.aggs.len() as u32);
        self.aggs.push(AggDef {
            tag,
            is_union,
            complete: false,
            fields: Vec::new(),
            consts: Vec::new(),
            size: 0,
            align: 1,
            vla: false,
            has_const: false,
            variants: Vec::new(),
        });
        self.intern_kind(Kind::Struct(a), Qual::NONE, 0).unwrap_or(ids::VOID)
    }

    /// A new, incomplete enum type (size of `int` until completed).
    pub(crate) fn new_enum(&mut self, tag: Option<NameId>) -> CTypeId {
        let e = EnumId(self.enums.len() as u32);
        self.enums.push(EnumDef {
            tag,
            complete: false,
            consts: Vec::new(),
            size: 4,
            align: 4,
            signed: false,
            variants: Vec::new(),
        });
        self.intern_kind(Kind::Enum(e), Qual::NONE, 0).unwrap_or(ids::VOID)
    }

    /// Replaces a struct's definition (completing it), keeping the cached sizes of its
    /// variants in step.
    pub(crate) fn set_agg(&mut self, a: AggId, mut def: AggDef) {
        let old = &mut self.aggs[a.0 as usize];
        def.variants = core::mem::take(&mut old.variants);
        let old = core::mem::replace(old, def);
        if self.in_tx {
            let mut o = old;
            o.variants = Vec::new();
            self.undo.push(Undo::Agg(a, alloc::boxed::Box::new(o)));
        }
        self.refresh_variants(self.aggs[a.0 as usize].variants.clone());
    }

    pub(crate) fn set_enum(&mut self, e: EnumId, mut def: EnumDef) {
        let old = &mut self.enums[e.0 as usize];
        def.variants = core::mem::take(&mut old.variants);
        let old = core::mem::replace(old, def);
        if self.in_tx {
            let mut o = old;
            o.variants = Vec::new();
            self.undo.push(Undo::Enum(e, alloc::boxed::Box::new(o)));
        }
        self.refresh_variants(self.enums[e.0 as usize].variants.clone());
    }

    fn refresh_variants(&mut self, vs: Vec<CTypeId>) {
        for v in vs {
            let t = *self.get(v);
            if let Ok((size, a)) = self.natural_layout(t.kind) {
                if self.in_tx {
                    self.undo.push(Undo::TypeSize(v, t.size, t.align));
                }
                let rec = &mut self.types[v.0 as usize];
                rec.size = size;
                rec.align = if t.align_attr != 0 { t.align_attr } else { a };
            }
        }
    }

    pub(crate) fn set_symbol(&mut self, n: NameId, s: Symbol) {
        let old = self.symbols.insert(n, s);
        if self.in_tx {
            self.undo.push(Undo::Sym(n, old));
        }
    }

    pub(crate) fn set_tag(&mut self, n: NameId, ty: CTypeId) {
        let old = self.tags.insert(n, ty);
        if self.in_tx {
            self.undo.push(Undo::Tag(n, old));
        }
    }

    fn mark(&mut self) -> Mark {
        self.in_tx = true;
        Mark {
            types: self.types.len(),
            aggs: self.aggs.len(),
            enums: self.enums.len(),
            funcs: self.funcs.len(),
            undo: self.undo.len(),
        }
    }

    fn commit(&mut self) {
        self.in_tx = false;
        self.undo.clear();
    }

    fn rollback(&mut self, m: Mark) {
        while self.undo.len() > m.undo {
            match self.undo.pop() {
                Some(Undo::Sym(n, old)) => match old {
                    Some(s) => {
                        self.symbols.insert(n, s);
                    }
                    None => {
                        self.symbols.remove(&n);
                    }
                },
                Some(Undo::Tag(n, old)) => match old {
                    Some(s) => {
                        self.tags.insert(n, s);
                    }
                    None => {
                        self.tags.remove(&n);
                    }
                },
                Some(Undo::Agg(a, mut def)) => {
                    let slot = &mut self.aggs[a.0 as usize];
                    def.variants = core::mem::take(&mut slot.variants);
                    *slot = *def;
                }
                Some(Undo::Enum(e, mut def)) => {
                    let slot = &mut self.enums[e.0 as usize];
                    def.variants = core::mem::take(&mut slot.variants);
                    *slot = *def;
                }
                Some(Undo::TypeSize(v, s, a)) => {
                    let rec = &mut self.types[v.0 as usize];
                    rec.size = s;
                    rec.align = a;
                }
                None => break,
            }
        }
        for i in (m.types..self.types.len()).rev() {
            let key = self.types[i].key();
            let h = type_hash(key.0, key.1, key.2);
            if let Ok(e) = self.intern.find_entry(h, |&(_, j)| j as usize == i) {
                e.remove();
            }
            if let Kind::Struct(a) = key.0 {
                if (a.0 as usize) < m.aggs {
                    self.aggs[a.0 as usize].variants.retain(|v| (v.0 as usize) < m.types);
                }
            }
            if let Kind::Enum(e) = key.0 {
                if (e.0 as usize) < m.enums {
                    self.enums[e.0 as usize].variants.retain(|v| (v.0 as usize) < m.types);
                }
            }
        }
        self.types.truncate(m.types);
        // Cached ids may be gone (and reused later): forget them all.
        self.recent.fill((0, u32::MAX));
        for i in (m.funcs..self.funcs.len()).rev() {
            let f = &self.funcs[i];
            let h = func_hash(f.ret, &f.params, f.variadic, f.conv);
            if let Ok(e) = self.func_intern.find_entry(h, |&(_, j)| j as usize == i) {
                e.remove();
            }
        }
        self.funcs.truncate(m.funcs);
        self.aggs.truncate(m.aggs);
        self.enums.truncate(m.enums);
        self.in_tx = false;
    }

    /// Runs `f` as one transaction: if it fails, the table is restored exactly.
    pub(crate) fn transaction<R>(
        &mut self,
        f: impl FnOnce(&mut CTypeTable) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let m = self.mark();
        match f(self) {
            Ok(r) => {
                self.commit();
                Ok(r)
            }
            Err(e) => {
                self.rollback(m);
                Err(e)
            }
        }
    }

    /// Parses C declarations (`ffi.cdef`). All or nothing: on error nothing is declared.
    pub fn cdef(&mut self, src: &str) -> Result<(), Error> {
        self.cdef_with(src, &[])
    }

    /// [`cdef`](Self::cdef) with `$` parameters.
    pub fn cdef_with(&mut self, src: &str, params: &[Param]) -> Result<(), Error> {
        let src = crate::lex::splice(src.as_bytes());
        self.transaction(|t| crate::parse::Parser::new(t, &src, params, true).cdef())
    }

    /// Parses an abstract type (`ffi.typeof("int *[3]")`). Tags must already be declared
    /// unless the string defines them.
    pub fn parse_type(&mut self, src: &str, params: &[Param]) -> Result<CTypeId, Error> {
        let src = crate::lex::splice(src.as_bytes());
        self.transaction(|t| crate::parse::Parser::new(t, &src, params, false).type_only())
    }

    /// Looks a member up by name, through anonymous (transparent) members; offsets are
    /// from the start of `ty` (a struct or union, possibly qualified).
    pub fn offset_of(&self, ty: CTypeId, name: &str) -> Option<FieldInfo> {
        let n = self.names.get(name)?;
        self.field_by_id(ty, n)
    }

    /// [`offset_of`](Self::offset_of) with the name as bytes.
    pub fn offset_of_bytes(&self, ty: CTypeId, name: &[u8]) -> Option<FieldInfo> {
        let n = self.names.get_bytes(name)?;
        self.field_by_id(ty, n)
    }

    /// [`offset_of`](Self::offset_of) by interned name.
    pub fn field_by_id(&self, ty: CTypeId, n: NameId) -> Option<FieldInfo> {
        self.field_and_constness(ty, n).map(|(f, _)| f)
    }

    /// [`field_by_id`](Self::field_by_id), and whether the member was reached through a
    /// `const` anonymous member (so it is not writable, as in LuaJIT).
    pub fn field_and_constness(&self, ty: CTypeId, n: NameId) -> Option<(FieldInfo, bool)> {
        let Kind::Struct(a) = self.get(ty).kind else { return None };
        self.find_field(a, n, 0, false, 0)
    }

    fn find_field(
        &self,
        a: AggId,
        n: NameId,
        base: u64,
        via_const: bool,
        depth: u32,
    ) -> Option<(FieldInfo, bool)> {
        if depth > 64 {
            return None;
        }
        let d = &self.aggs[a.0 as usize];
        for f in &d.fields {
            if f.name == Some(n) {
                let offset = base + f.offset;
                return Some((FieldInfo { ty: f.ty, offset, bits: f.bits }, via_const));
            }
        }
        for f in &d.fields {
            if f.name.is_none() && f.bits.is_none() {
                let t = self.get(f.ty);
                if let Kind::Struct(inner) = t.kind {
                    let konst = via_const || t.qual.is_const();
                    if let Some(r) = self.find_field(inner, n, base + f.offset, konst, depth + 1) {
                        return Some(r);
                    }
                }
            }
        }
        None
    }

    /// Whether a value of `ty` has a `const` or reference member at any depth (LuaJIT: a
    /// struct takes its members' qualifiers, so a whole-object store into it is refused).
    /// Computed once per struct definition ([`AggDef::has_const`]).
    pub fn has_const_member(&self, mut ty: CTypeId) -> bool {
        loop {
            match self.get(ty).kind {
                Kind::Struct(a) => return self.aggs[a.0 as usize].has_const,
                Kind::Array(e, _) if self.get(e).qual.is_const() => return true,
                Kind::Array(e, _) => ty = e,
                _ => return false,
            }
        }
    }

    /// A `static const` member of a struct (`ffi.typeof("struct s").N`).
    pub fn scoped_const(&self, ty: CTypeId, name: &str) -> Option<(CTypeId, i64)> {
        let n = self.names.get(name)?;
        let Kind::Struct(a) = self.get(ty).kind else { return None };
        self.aggs[a.0 as usize].consts.iter().find(|c| c.name == n).map(|c| (c.ty, c.value))
    }
}
