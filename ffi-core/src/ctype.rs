//! The C type model: one compact record per type, referred to by a [`CTypeId`].
//!
//! Structural types (scalars, pointers, arrays, functions, qualified and over-aligned
//! variants) are interned: two structurally equal types always have the same id, so type
//! identity is `==` on ids. Nominal types (struct, union, enum) are unique per definition;
//! their members live in an [`AggDef`] or [`EnumDef`] that every qualified variant of the
//! type shares.
//!
//! ```
//! use ffi_core::{CTypeTable, Target};
//! let mut t = CTypeTable::new(Target::SYSV_X64);
//! let a = t.parse_type("const char *", &[]).unwrap();
//! let b = t.parse_type("char const*", &[]).unwrap();
//! assert_eq!(a, b);
//! assert_eq!(t.repr(a), "const char *");
//! assert_eq!(t.size_of(a), Some(8));
//! ```

use crate::names::NameId;
use alloc::vec::Vec;

/// The id of an interned C type. Ids are only meaningful in the table that made them.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct CTypeId(pub(crate) u32);

impl CTypeId {
    /// The raw index.
    pub fn index(self) -> u32 {
        self.0
    }
    /// An id from a raw index (for tables that store ids, e.g. in cdata headers).
    pub fn from_index(i: u32) -> CTypeId {
        CTypeId(i)
    }
}

/// The id of a struct or union definition.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct AggId(pub(crate) u32);

/// The id of an enum definition.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct EnumId(pub(crate) u32);

/// The id of an interned function signature.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct FuncId(pub(crate) u32);

/// Type qualifiers (`restrict` is accepted and dropped, as LuaJIT does).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Qual(pub u8);

impl Qual {
    /// No qualifier.
    pub const NONE: Qual = Qual(0);
    /// `const`.
    pub const CONST: Qual = Qual(1);
    /// `volatile`.
    pub const VOLATILE: Qual = Qual(2);
    /// Whether `const` is set.
    pub fn is_const(self) -> bool {
        self.0 & 1 != 0
    }
    /// Whether `volatile` is set.
    pub fn is_volatile(self) -> bool {
        self.0 & 2 != 0
    }
    /// Union of two qualifier sets.
    pub fn with(self, o: Qual) -> Qual {
        Qual(self.0 | o.0)
    }
}

/// Floating-point formats.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum FloatKind {
    /// `float`.
    Float,
    /// `double`.
    Double,
    /// `long double` (size and alignment only, like LuaJIT).
    LongDouble,
}

/// The length of an array type.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum ArrayLen {
    /// `T[n]`, including `T[0]`.
    Fixed(u64),
    /// `T[]`: unknown size (flexible array member, extern array).
    Unsized,
    /// `T[?]`: a variable-length array whose length is given at `ffi.new`.
    Vla,
}

/// Calling conventions. Only meaningful on x86 and for the Win64/SysV attribute pair.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub enum CallConv {
    /// The platform default.
    #[default]
    Default,
    /// `__cdecl`.
    Cdecl,
    /// `__stdcall`.
    Stdcall,
    /// `__fastcall`.
    Fastcall,
    /// `__thiscall`.
    Thiscall,
    /// `__attribute__((ms_abi))`: the Win64 convention on a SysV host.
    MsAbi,
    /// `__attribute__((sysv_abi))`: the SysV convention on a Win64 host.
    SysvAbi,
}

/// Types gcc knows but LuaJIT's FFI cannot represent. They have gcc's size and alignment
/// (so that structs containing them lay out exactly), but any conversion is an error.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum OpaqueKind {
    /// `__int128`.
    Int128,
    /// `unsigned __int128`.
    UInt128,
    /// `_Float128` / `__float128`.
    Float128,
    /// `_Float16`.
    Float16,
    /// A 32-byte integer (`mode(OI)`).
    Int256,
    /// A 32-byte unsigned integer.
    UInt256,
}

impl OpaqueKind {
    /// The C spelling.
    pub fn name(self) -> &'static str {
        match self {
            OpaqueKind::Int128 => "__int128",
            OpaqueKind::UInt128 => "unsigned __int128",
            OpaqueKind::Float128 => "_Float128",
            OpaqueKind::Float16 => "_Float16",
            OpaqueKind::Int256 => "int256_t",
            OpaqueKind::UInt256 => "uint256_t",
        }
    }
    /// (size, alignment) on x86-64.
    pub fn layout(self) -> (u64, u32) {
        match self {
            OpaqueKind::Float16 => (2, 2),
            OpaqueKind::Int256 | OpaqueKind::UInt256 => (32, 16),
            _ => (16, 16),
        }
    }
}

/// What a type is.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum Kind {
    /// `void`.
    Void,
    /// `bool` / `_Bool`.
    Bool,
    /// An integer type. `long` is kept apart from the same-sized `int`/`long long` (as in
    /// LuaJIT) but prints the same.
    Int {
        /// Size in bytes: 1, 2, 4 or 8.
        size: u8,
        /// Signedness.
        signed: bool,
        /// Spelled `long` (only affects identity, never layout).
        long: bool,
    },
    /// A floating-point type.
    Float(FloatKind),
    /// `complex float` / `complex double`.
    Complex(FloatKind),
    /// `T *`.
    Ptr(CTypeId),
    /// `T *__ptr32`: a 32-bit pointer (LuaJIT lays it out in 4 bytes; a mode of 4 bytes
    /// given before or right after the `*` makes one). Its value is an address below
    /// 4 GiB: stores keep the low 32 bits, loads zero-extend.
    Ptr32(CTypeId),
    /// `T &` (C++ reference).
    Ref(CTypeId),
    /// `T[n]`, `T[]`, `T[?]`.
    Array(CTypeId, ArrayLen),
    /// A gcc vector of `count` elements.
    Vector(CTypeId, u32),
    /// A struct or union (see [`AggDef::is_union`]).
    Struct(AggId),
    /// An enum.
    Enum(EnumId),
    /// A function type.
    Func(FuncId),
    /// A type that can be laid out but not used.
    Opaque(OpaqueKind),
}

/// One interned type record.
#[derive(Copy, Clone, Debug)]
pub struct CType {
    /// What it is.
    pub kind: Kind,
    /// Its own qualifiers (`const int`; for `int *const` the pointer's).
    pub qual: Qual,
    /// An explicit `aligned(n)` from a typedef or declaration (0: natural).
    pub align_attr: u32,
    /// Cached size in bytes, `None` when unknown (void, function, `[]`, `[?]`, incomplete).
    /// For struct and enum kinds this is kept in step with the definition.
    pub size: Option<u64>,
    /// Cached alignment in bytes.
    pub align: u32,
}

impl CType {
    pub(crate) fn key(&self) -> (Kind, Qual, u32) {
        (self.kind, self.qual, self.align_attr)
    }
    /// Whether this is an integer, bool or enum type.
    pub fn is_integral(&self) -> bool {
        matches!(self.kind, Kind::Int { .. } | Kind::Bool | Kind::Enum(_))
    }
    /// Whether this is a pointer.
    pub fn is_ptr(&self) -> bool {
        matches!(self.kind, Kind::Ptr(_))
    }
}

/// Where a bitfield lives inside its container.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct BitPos {
    /// Bit offset of the first bit from the container's byte offset (little-endian bit
    /// numbering).
    pub shift: u32,
    /// Width in bits (0 only for unnamed zero-width fields).
    pub width: u32,
}

/// A struct or union member.
#[derive(Copy, Clone, Debug)]
pub struct Field {
    /// Its name; `None` for an anonymous (transparent) struct/union member or an unnamed
    /// bitfield.
    pub name: Option<NameId>,
    /// Its declared type.
    pub ty: CTypeId,
    /// Byte offset (for a bitfield: of its container, a unit of the declared type's size).
    pub offset: u64,
    /// Set for bitfields.
    pub bits: Option<BitPos>,
}

/// A `static const` member of a struct (C++ style, as LuaJIT allows).
#[derive(Clone, Debug)]
pub struct ScopedConst {
    /// Its name.
    pub name: NameId,
    /// Its type.
    pub ty: CTypeId,
    /// Its value.
    pub value: i64,
}

/// A struct or union definition.
#[derive(Clone, Debug)]
pub struct AggDef {
    /// The tag, if any.
    pub tag: Option<NameId>,
    /// Union rather than struct.
    pub is_union: bool,
    /// Whether a body has been given.
    pub complete: bool,
    /// Members in declaration order.
    pub fields: Vec<Field>,
    /// `static const` members.
    pub consts: Vec<ScopedConst>,
    /// Size in bytes (without a trailing `[?]`'s elements).
    pub size: u64,
    /// Alignment in bytes.
    pub align: u32,
    /// The last member is a variable-length array `[?]`: a variable-length struct.
    pub vla: bool,
    /// A member at any depth is `const` or a reference: the whole object cannot be
    /// assigned (LuaJIT gives a struct its members' qualifiers; references are fixed).
    pub has_const: bool,
    /// Ids of every interned variant (qualified, over-aligned) of this struct, so that
    /// completing it updates their cached size.
    pub(crate) variants: Vec<CTypeId>,
}

/// An enum definition.
#[derive(Clone, Debug)]
pub struct EnumDef {
    /// The tag, if any.
    pub tag: Option<NameId>,
    /// Whether a body has been given.
    pub complete: bool,
    /// Constants in declaration order.
    pub consts: Vec<(NameId, i64)>,
    /// Size of the underlying integer type.
    pub size: u8,
    /// Alignment of the underlying integer type.
    pub align: u8,
    /// Whether the underlying integer type is signed.
    pub signed: bool,
    pub(crate) variants: Vec<CTypeId>,
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncDef {
    /// Return type.
    pub ret: CTypeId,
    /// Parameter types, after array-to-pointer and function-to-pointer decay.
    pub params: Vec<CTypeId>,
    /// Ends in `...`.
    pub variadic: bool,
    /// Calling convention.
    pub conv: CallConv,
}

/// What a name in the ordinary (non-tag) namespace stands for.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Symbol {
    /// A typedef name.
    Typedef(CTypeId),
    /// A function; `asm` is the linker symbol from an `__asm__("sym")` redirect.
    Func {
        /// Its function type.
        ty: CTypeId,
        /// The redirected symbol name.
        asm: Option<NameId>,
    },
    /// An extern variable.
    Var {
        /// Its type.
        ty: CTypeId,
        /// The redirected symbol name.
        asm: Option<NameId>,
    },
    /// An enum constant or `static const` integer.
    Const {
        /// Its type (the enum, or the declared integer type).
        ty: CTypeId,
        /// Its value (sign- or zero-extended from its type).
        value: i64,
    },
}
