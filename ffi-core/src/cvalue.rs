//! C values without Lua: how a C type is classified for conversions ([`TypeClass`]), the
//! scalar kinds that load and store directly ([`ScalarKind`]), numbers in transit
//! ([`Num`]), and reading and writing scalars, complex numbers and bitfields in memory.
//!
//! Conversions follow C on x86-64 as LuaJIT performs them: doubles go to integers by
//! truncation with `cvttsd2si`'s answer (`i64::MIN`) for NaN and out-of-range values;
//! `uint64_t` from a double at or above 2^63 subtracts 2^64 first; `uint32_t` takes the
//! low bits of the 64-bit value; other integers of at most 32 bits go through `int32_t`
//! (`i32::MIN` out of its range) and take its low bits; `bool` is "not zero". Loads and stores are unaligned
//! (members of packed structs may be misaligned). The call marshaller reuses all of it.

use crate::ctype::{AggId, BitPos, CTypeId, FloatKind, Kind};
use crate::table::CTypeTable;

/// What kind of C type a conversion's source or destination is.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum TypeClass {
    /// An integer of `size` bytes, `signed` or not (plain integers and enums).
    Int(u8, bool),
    /// `bool`.
    Bool,
    /// `float` (4) or `double` (8; `long double` is stored as a double).
    Float(u8),
    /// A complex number with `float` (4) or `double` (8) parts.
    Complex(u8),
    /// A pointer to the given type.
    Ptr(CTypeId),
    /// A 32-bit pointer (`T *__ptr32`) to the given type.
    Ptr32(CTypeId),
    /// An array of the given element type.
    Array(CTypeId),
    /// A struct or union.
    Struct(AggId),
    /// A vector of the given element type.
    Vector(CTypeId),
    /// A function.
    Func,
    /// Anything else: `void`, references (resolved by callers), opaque types.
    Other,
}

impl TypeClass {
    /// The class of `ty`.
    #[inline(always)]
    pub fn of(tt: &CTypeTable, ty: CTypeId) -> TypeClass {
        match tt.get(ty).kind {
            Kind::Int { size, signed, .. } => TypeClass::Int(size, signed),
            Kind::Enum(e) => {
                let d = tt.enum_def(e);
                TypeClass::Int(d.size, d.signed)
            }
            Kind::Bool => TypeClass::Bool,
            Kind::Float(FloatKind::Float) => TypeClass::Float(4),
            // `long double` is laid out but never converted (LuaJIT): values of it are not
            // numbers here.
            Kind::Float(FloatKind::LongDouble) | Kind::Complex(FloatKind::LongDouble) => {
                TypeClass::Other
            }
            Kind::Float(_) => TypeClass::Float(8),
            Kind::Complex(FloatKind::Float) => TypeClass::Complex(4),
            Kind::Complex(_) => TypeClass::Complex(8),
            Kind::Ptr(to) => TypeClass::Ptr(to),
            Kind::Ptr32(to) => TypeClass::Ptr32(to),
            Kind::Array(e, _) => TypeClass::Array(e),
            Kind::Struct(a) => TypeClass::Struct(a),
            Kind::Vector(e, _) => TypeClass::Vector(e),
            Kind::Func(_) => TypeClass::Func,
            _ => TypeClass::Other,
        }
    }

    /// Whether values of this class are numbers (integers, `bool`, floating point).
    pub fn is_number(self) -> bool {
        matches!(self, TypeClass::Int(..) | TypeClass::Bool | TypeClass::Float(_))
    }
}

/// A number on its way between Lua and C.
#[derive(Copy, Clone, PartialEq, Debug)]
pub enum Num {
    /// An integer as 64 bits, with whether it is signed (`Int(-1, false)` is 2^64-1).
    Int(i64, bool),
    /// A floating-point value.
    Float(f64),
}

impl Num {
    /// The value as a C `int64_t` conversion gives it.
    #[inline]
    pub fn to_i64(self) -> i64 {
        match self {
            Num::Int(v, _) => v,
            Num::Float(f) => d2i64(f),
        }
    }

    /// The value as LuaJIT converts it to a C integer of at most 32 bits other than
    /// `uint32_t`: through `int32_t` (a double out of its range, or NaN, gives
    /// `INT32_MIN`), then cut to the target's size.
    #[inline]
    pub fn to_i32(self) -> i32 {
        match self {
            Num::Int(v, _) => v as i32,
            Num::Float(f) => d2i32(f),
        }
    }

    /// The value as a C `uint64_t` conversion gives it.
    pub fn to_u64(self) -> u64 {
        match self {
            Num::Int(v, _) => v as u64,
            Num::Float(f) => d2u64(f),
        }
    }

    /// The value as a C `double` conversion gives it.
    pub fn to_f64(self) -> f64 {
        match self {
            Num::Int(v, true) => v as f64,
            Num::Int(v, false) => v as u64 as f64,
            Num::Float(f) => f,
        }
    }

    /// Whether the value is not zero (C's conversion to `bool`).
    pub fn is_nonzero(self) -> bool {
        match self {
            Num::Int(v, _) => v != 0,
            Num::Float(f) => f != 0.0,
        }
    }
}

/// The scalar types that load and store directly. The numbering is fixed (`repr(u8)`) so
/// that caches and generated code can hold a kind in a byte.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum ScalarKind {
    /// `double` (also `long double`, stored as a double).
    F64 = 1,
    /// `float`.
    F32 = 2,
    /// `int8_t` / `char`.
    I8 = 3,
    /// `uint8_t`.
    U8 = 4,
    /// `int16_t`.
    I16 = 5,
    /// `uint16_t`.
    U16 = 6,
    /// `int32_t`.
    I32 = 7,
    /// `uint32_t`.
    U32 = 8,
    /// `bool` (one byte, 0 or 1).
    Bool = 9,
    /// `int64_t`.
    I64 = 10,
    /// `uint64_t`.
    U64 = 11,
}

impl ScalarKind {
    /// The kind of a numeric class (`None` for pointers, aggregates, complex ...).
    #[inline]
    pub fn from_class(c: TypeClass) -> Option<ScalarKind> {
        Some(match c {
            TypeClass::Float(4) => ScalarKind::F32,
            TypeClass::Float(_) => ScalarKind::F64,
            TypeClass::Int(1, true) => ScalarKind::I8,
            TypeClass::Int(1, false) => ScalarKind::U8,
            TypeClass::Int(2, true) => ScalarKind::I16,
            TypeClass::Int(2, false) => ScalarKind::U16,
            TypeClass::Int(4, true) => ScalarKind::I32,
            TypeClass::Int(4, false) => ScalarKind::U32,
            TypeClass::Int(_, true) => ScalarKind::I64,
            TypeClass::Int(_, false) => ScalarKind::U64,
            TypeClass::Bool => ScalarKind::Bool,
            _ => return None,
        })
    }

    /// The kind of `ty` when a value of it reads as a plain Lua number or boolean and
    /// stores from one: not 64-bit (those are boxed), not an enum (those read as cdata and
    /// take strings). Qualifiers do not matter here.
    pub fn unboxed(tt: &CTypeTable, ty: CTypeId) -> Option<ScalarKind> {
        // Integers by log2(size) and signedness; 64-bit ones are boxed.
        const INTS: [Option<ScalarKind>; 8] = [
            Some(ScalarKind::U8),
            Some(ScalarKind::I8),
            Some(ScalarKind::U16),
            Some(ScalarKind::I16),
            Some(ScalarKind::U32),
            Some(ScalarKind::I32),
            None,
            None,
        ];
        Some(match tt.get(ty).kind {
            Kind::Int { size, signed, .. } => {
                return INTS[(size.trailing_zeros() as usize * 2 + signed as usize) & 7]
            }
            Kind::Float(FloatKind::Float) => ScalarKind::F32,
            Kind::Float(FloatKind::Double) => ScalarKind::F64,
            Kind::Bool => ScalarKind::Bool,
            _ => return None,
        })
    }

    /// Whether it is `float` or `double`.
    #[inline(always)]
    pub fn is_float(self) -> bool {
        matches!(self, ScalarKind::F64 | ScalarKind::F32)
    }

    /// Size in bytes.
    pub fn size(self) -> usize {
        match self {
            ScalarKind::I8 | ScalarKind::U8 | ScalarKind::Bool => 1,
            ScalarKind::I16 | ScalarKind::U16 => 2,
            ScalarKind::F32 | ScalarKind::I32 | ScalarKind::U32 => 4,
            ScalarKind::F64 | ScalarKind::I64 | ScalarKind::U64 => 8,
        }
    }

    /// Reads the value at `p`.
    ///
    /// # Safety
    /// `p` is readable for [`size`](Self::size) bytes (any alignment).
    #[inline(always)]
    pub unsafe fn load(self, p: *const u8) -> Num {
        match self {
            // SAFETY: 8 readable bytes at `p` (double), the caller's contract.
            ScalarKind::F64 => Num::Float(unsafe { p.cast::<f64>().read_unaligned() }),
            // SAFETY: 4 readable bytes at `p` (float), the caller's contract.
            ScalarKind::F32 => Num::Float(unsafe { p.cast::<f32>().read_unaligned() } as f64),
            // SAFETY: 1 readable byte at `p` (int8_t), the caller's contract.
            ScalarKind::I8 => Num::Int(unsafe { p.cast::<i8>().read() } as i64, true),
            // SAFETY: 1 readable byte at `p` (uint8_t), the caller's contract.
            ScalarKind::U8 => Num::Int(unsafe { p.read() } as i64, false),
            // SAFETY: 2 readable bytes at `p` (int16_t), the caller's contract.
            ScalarKind::I16 => Num::Int(unsafe { p.cast::<i16>().read_unaligned() } as i64, true),
            // SAFETY: 2 readable bytes at `p` (uint16_t), the caller's contract.
            ScalarKind::U16 => Num::Int(unsafe { p.cast::<u16>().read_unaligned() } as i64, false),
            // SAFETY: 4 readable bytes at `p` (int32_t), the caller's contract.
            ScalarKind::I32 => Num::Int(unsafe { p.cast::<i32>().read_unaligned() } as i64, true),
            // SAFETY: 4 readable bytes at `p` (uint32_t), the caller's contract.
            ScalarKind::U32 => Num::Int(unsafe { p.cast::<u32>().read_unaligned() } as i64, false),
            // The raw byte, as C reads a `bool` it did not write itself.
            // SAFETY: 1 readable byte at `p` (bool), the caller's contract.
            ScalarKind::Bool => Num::Int(unsafe { p.read() } as i64, false),
            // SAFETY: 8 readable bytes at `p` (int64_t), the caller's contract.
            ScalarKind::I64 => Num::Int(unsafe { p.cast::<i64>().read_unaligned() }, true),
            // SAFETY: 8 readable bytes at `p` (uint64_t), the caller's contract.
            ScalarKind::U64 => Num::Int(unsafe { p.cast::<i64>().read_unaligned() }, false),
        }
    }

    /// Writes `n` converted to this kind at `p`.
    ///
    /// # Safety
    /// `p` is writable for [`size`](Self::size) bytes (any alignment).
    #[inline(always)]
    pub unsafe fn store(self, p: *mut u8, n: Num) {
        match self {
            // SAFETY: 8 writable bytes at `p` (double), the caller's contract.
            ScalarKind::F64 => unsafe { p.cast::<f64>().write_unaligned(n.to_f64()) },
            // SAFETY: 4 writable bytes at `p` (float), the caller's contract.
            ScalarKind::F32 => unsafe { p.cast::<f32>().write_unaligned(n.to_f64() as f32) },
            // SAFETY: 1 writable byte at `p` (int8_t/uint8_t), the caller's contract.
            ScalarKind::I8 | ScalarKind::U8 => unsafe { p.write(n.to_i32() as u8) },
            // SAFETY: 2 writable bytes at `p` (int16_t/uint16_t), the caller's contract.
            ScalarKind::I16 | ScalarKind::U16 => unsafe {
                p.cast::<u16>().write_unaligned(n.to_i32() as u16)
            },
            // SAFETY: 4 writable bytes at `p` (int32_t), the caller's contract.
            ScalarKind::I32 => unsafe { p.cast::<i32>().write_unaligned(n.to_i32()) },
            // `uint32_t` goes through 64 bits, as in LuaJIT.
            // SAFETY: 4 writable bytes at `p` (uint32_t), the caller's contract.
            ScalarKind::U32 => unsafe { p.cast::<u32>().write_unaligned(n.to_i64() as u32) },
            // SAFETY: 1 writable byte at `p` (bool), the caller's contract.
            ScalarKind::Bool => unsafe { p.write(n.is_nonzero() as u8) },
            // SAFETY: 8 writable bytes at `p` (int64_t), the caller's contract.
            ScalarKind::I64 => unsafe { p.cast::<i64>().write_unaligned(n.to_i64()) },
            // SAFETY: 8 writable bytes at `p` (uint64_t), the caller's contract.
            ScalarKind::U64 => unsafe { p.cast::<u64>().write_unaligned(n.to_u64()) },
        }
    }
}

/// Reads a number of class `c` at `p`: integers, `bool`, floats, and the real part of a
/// complex number. `None` for other classes.
///
/// # Safety
/// `p` holds a value of the class.
#[inline]
pub unsafe fn load_num(c: TypeClass, p: *const u8) -> Option<Num> {
    match c {
        // SAFETY: the caller guarantees a complex of this part size at `p`.
        TypeClass::Complex(part) => Some(Num::Float(unsafe { load_complex(part, p) }.0)),
        // SAFETY: the caller guarantees a value of this kind at `p`.
        _ => ScalarKind::from_class(c).map(|k| unsafe { k.load(p) }),
    }
}

/// Writes `n` to a destination of class `c`: integers, `bool` and floats convert; a
/// complex number gets `n` as its real part and 0 as its imaginary part. Other classes
/// are left alone.
///
/// # Safety
/// `p` is writable for the class's size.
pub unsafe fn store_num(c: TypeClass, p: *mut u8, n: Num) {
    match c {
        // SAFETY: the caller guarantees room for a complex of this part size.
        TypeClass::Complex(part) => unsafe { store_complex(part, p, n.to_f64(), 0.0) },
        _ => {
            if let Some(k) = ScalarKind::from_class(c) {
                // SAFETY: the caller guarantees room for a value of this kind.
                unsafe { k.store(p, n) }
            }
        }
    }
}

/// Reads a complex number with `float` (4) or `double` (8) parts.
///
/// # Safety
/// `p` holds such a complex number.
pub unsafe fn load_complex(part: u8, p: *const u8) -> (f64, f64) {
    let im = p.wrapping_add(part as usize);
    if part == 4 {
        // SAFETY: the real part of the `float` complex the caller guarantees at `p`.
        let re = unsafe { p.cast::<f32>().read_unaligned() };
        // SAFETY: the imaginary part of the `float` complex the caller guarantees at `p`.
        let im = unsafe { im.cast::<f32>().read_unaligned() };
        (re as f64, im as f64)
    } else {
        // SAFETY: the real part of the `double` complex the caller guarantees at `p`.
        let re = unsafe { p.cast::<f64>().read_unaligned() };
        // SAFETY: the imaginary part of the `double` complex the caller guarantees at `p`.
        let im = unsafe { im.cast::<f64>().read_unaligned() };
        (re, im)
    }
}

/// Writes a complex number with `float` (4) or `double` (8) parts.
///
/// # Safety
/// `p` is writable for such a complex number.
pub unsafe fn store_complex(part: u8, p: *mut u8, re: f64, im: f64) {
    let q = p.wrapping_add(part as usize);
    if part == 4 {
        // SAFETY: the real part of the `float` complex the caller guarantees at `p`.
        unsafe { p.cast::<f32>().write_unaligned(re as f32) };
        // SAFETY: the imaginary part of the `float` complex the caller guarantees at `p`.
        unsafe { q.cast::<f32>().write_unaligned(im as f32) };
    } else {
        // SAFETY: the real part of the `double` complex the caller guarantees at `p`.
        unsafe { p.cast::<f64>().write_unaligned(re) };
        // SAFETY: the imaginary part of the `double` complex the caller guarantees at `p`.
        unsafe { q.cast::<f64>().write_unaligned(im) };
    }
}

/// Bytes a bitfield's bits span from its container's address (at most 16).
fn bit_bytes(b: BitPos) -> usize {
    ((b.shift + b.width).div_ceil(8) as usize).min(16)
}

/// Reads a bitfield, sign-extending a signed one.
///
/// # Safety
/// The bitfield's bytes (from `p`, as [`BitPos`] places them) are readable.
pub unsafe fn load_bits(signed: bool, p: *const u8, b: BitPos) -> i64 {
    let mut buf = [0u8; 16];
    // SAFETY: the caller guarantees the bitfield's bytes are readable.
    unsafe { core::ptr::copy_nonoverlapping(p, buf.as_mut_ptr(), bit_bytes(b)) };
    let raw = (u128::from_le_bytes(buf) >> b.shift.min(127)) as u64;
    let w = b.width.min(64);
    if w == 64 {
        return raw as i64;
    }
    let v = raw & ((1u64 << w) - 1);
    if signed && w > 0 && (v >> (w - 1)) & 1 == 1 {
        (v | !((1u64 << w) - 1)) as i64
    } else {
        v as i64
    }
}

/// Writes the low `b.width` bits of `v` into a bitfield, leaving the bits around it.
///
/// # Safety
/// The bitfield's bytes (from `p`, as [`BitPos`] places them) are readable and writable.
pub unsafe fn store_bits(p: *mut u8, b: BitPos, v: u64) {
    let n = bit_bytes(b);
    let mut buf = [0u8; 16];
    // SAFETY: the caller guarantees the bitfield's bytes are readable and writable.
    unsafe { core::ptr::copy_nonoverlapping(p, buf.as_mut_ptr(), n) };
    let cur = u128::from_le_bytes(buf);
    let shift = b.shift.min(127);
    let mask: u128 = if b.width >= 128 { !0 } else { ((1u128 << b.width) - 1) << shift };
    let out = ((cur & !mask) | (((v as u128) << shift) & mask)).to_le_bytes();
    // SAFETY: the same `n` bytes, which the caller guarantees writable.
    unsafe { core::ptr::copy_nonoverlapping(out.as_ptr(), p, n) };
}

/// A double to `int64_t` as x86-64's `cvttsd2si` does: truncation, and `i64::MIN` for NaN
/// and values out of range.
#[inline]
pub fn d2i64(n: f64) -> i64 {
    if n.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&n) {
        i64::MIN
    } else {
        n as i64
    }
}

/// A double to `int32_t` as x86-64's 32-bit `cvttsd2si` does (and so LuaJIT):
/// truncation, and `i32::MIN` for NaN and values out of range.
#[inline]
pub fn d2i32(n: f64) -> i32 {
    if n > -2_147_483_649.0 && n < 2_147_483_648.0 {
        n as i32
    } else {
        i32::MIN
    }
}

/// A double to `uint64_t` as LuaJIT does on x86-64: values at or above 2^63 are first
/// brought down by 2^64.
pub fn d2u64(n: f64) -> u64 {
    if n >= 9.223_372_036_854_776e18 {
        d2i64(n - 1.844_674_407_370_955_2e19) as u64
    } else {
        d2i64(n) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::Target;

    const ALL: [ScalarKind; 11] = [
        ScalarKind::F64,
        ScalarKind::F32,
        ScalarKind::I8,
        ScalarKind::U8,
        ScalarKind::I16,
        ScalarKind::U16,
        ScalarKind::I32,
        ScalarKind::U32,
        ScalarKind::Bool,
        ScalarKind::I64,
        ScalarKind::U64,
    ];

    /// Stores `n` as `k` at `buf[off..]`, then loads it back.
    fn round_trip(k: ScalarKind, buf: &mut [u8], off: usize, n: Num) -> Num {
        assert!(off + k.size() <= buf.len());
        let p = buf.as_mut_ptr().wrapping_add(off);
        // SAFETY: `buf` has `k.size()` bytes from `off` (checked above).
        unsafe { k.store(p, n) };
        // SAFETY: `buf` has `k.size()` bytes from `off` (asserted above), just written.
        unsafe { k.load(p) }
    }

    /// `n` stored as `k` and loaded back, in a buffer of its own.
    fn convert(k: ScalarKind, n: Num) -> Num {
        round_trip(k, &mut [0u8; 8], 0, n)
    }

    #[test]
    fn kinds_have_fixed_codes_and_sizes() {
        for (i, k) in ALL.iter().enumerate() {
            assert_eq!(*k as u8, i as u8 + 1);
        }
        let sizes: [usize; 11] = ALL.map(|k| k.size());
        assert_eq!(sizes, [8, 4, 1, 1, 2, 2, 4, 4, 1, 8, 8]);
    }

    #[test]
    fn store_then_load_round_trips_at_every_offset() {
        for k in ALL {
            for off in 0..8 {
                let mut buf = [0xAAu8; 24];
                let back = round_trip(k, &mut buf, off, Num::Int(-2, true));
                let want = match k {
                    ScalarKind::F64 | ScalarKind::F32 => Num::Float(-2.0),
                    ScalarKind::I8 | ScalarKind::I16 | ScalarKind::I32 | ScalarKind::I64 => {
                        Num::Int(-2, true)
                    }
                    ScalarKind::U8 => Num::Int(254, false),
                    ScalarKind::U16 => Num::Int(65534, false),
                    ScalarKind::U32 => Num::Int(4_294_967_294, false),
                    ScalarKind::U64 => Num::Int(-2, false),
                    ScalarKind::Bool => Num::Int(1, false),
                };
                assert_eq!(back, want, "{k:?} at offset {off}");
                // Bytes outside the value are untouched.
                assert!(buf[..off].iter().all(|&b| b == 0xAA));
                assert!(buf[off + k.size()..].iter().all(|&b| b == 0xAA));
            }
        }
    }

    #[test]
    fn conversions_follow_c_on_x86_64() {
        use ScalarKind::*;
        assert_eq!(convert(I32, Num::Float(-3.9)), Num::Int(-3, true), "truncation");
        // Out of int32_t's range (or NaN): INT32_MIN, then cut to size (LuaJIT on x64).
        assert_eq!(convert(I32, Num::Float(f64::NAN)), Num::Int(i32::MIN as i64, true));
        assert_eq!(convert(I32, Num::Float(3e9)), Num::Int(i32::MIN as i64, true));
        assert_eq!(convert(I32, Num::Float(-2_147_483_649.0)), Num::Int(i32::MIN as i64, true));
        assert_eq!(convert(I32, Num::Float(2_147_483_647.5)), Num::Int(i32::MAX as i64, true));
        assert_eq!(convert(I16, Num::Float(-1e10)), Num::Int(0, true));
        assert_eq!(convert(U8, Num::Float(2_147_483_948.0)), Num::Int(0, false));
        assert_eq!(convert(I8, Num::Float(300.5)), Num::Int(44, true));
        // uint32_t goes through 64 bits.
        assert_eq!(convert(U32, Num::Float(3e9)), Num::Int(3_000_000_000, false));
        assert_eq!(convert(U32, Num::Float(4_294_967_301.0)), Num::Int(5, false));
        assert_eq!(convert(U8, Num::Int(0x1234, true)), Num::Int(0x34, false), "low bits");
        assert_eq!(convert(Bool, Num::Float(0.25)), Num::Int(1, false));
        assert_eq!(convert(Bool, Num::Float(-0.0)), Num::Int(0, false));
        let near_2_64 = 18_446_744_073_709_547_520.0; // 2^64 - 4096
        assert_eq!(convert(U64, Num::Float(near_2_64)), Num::Int(-4096, false), "above 2^63");
        assert_eq!(
            convert(F64, Num::Int(-1, false)),
            Num::Float(18_446_744_073_709_551_616.0),
            "unsigned"
        );
        assert_eq!(convert(F32, Num::Float(0.1)), Num::Float(0.1f32 as f64));
        assert_eq!(d2i64(1e19), i64::MIN);
        assert_eq!(d2i64(-9_223_372_036_854_775_808.0), i64::MIN);
        assert_eq!(d2u64(-1.0), u64::MAX);
    }

    #[test]
    fn classes_and_unboxed_kinds_from_the_type_table() {
        let mut t = CTypeTable::new(Target::SYSV_X64);
        t.cdef("enum e { A = -1 }; struct s { int x; };").unwrap();
        let ty = |t: &mut CTypeTable, s: &str| t.parse_type(s, &[]).unwrap();
        let (e, s, u64t, cd, ci) = (
            ty(&mut t, "enum e"),
            ty(&mut t, "struct s"),
            ty(&mut t, "uint64_t"),
            ty(&mut t, "const double"),
            ty(&mut t, "complex float"),
        );
        assert_eq!(TypeClass::of(&t, e), TypeClass::Int(4, true));
        assert!(matches!(TypeClass::of(&t, s), TypeClass::Struct(_)));
        assert_eq!(TypeClass::of(&t, ci), TypeClass::Complex(4));
        assert_eq!(ScalarKind::unboxed(&t, e), None, "enums read as cdata");
        assert_eq!(ScalarKind::unboxed(&t, u64t), None, "64-bit integers are boxed");
        assert_eq!(ScalarKind::unboxed(&t, cd), Some(ScalarKind::F64));
        assert_eq!(ScalarKind::from_class(TypeClass::of(&t, u64t)), Some(ScalarKind::U64));
    }

    #[test]
    fn complex_numbers() {
        let mut b = [0u8; 16];
        // SAFETY: 16 bytes hold any complex number.
        unsafe { store_complex(4, b.as_mut_ptr(), 1.5, -2.0) };
        // SAFETY: `b` has 16 bytes, room for a complex with `double` parts.
        assert_eq!(unsafe { load_complex(4, b.as_ptr()) }, (1.5, -2.0));
        // SAFETY: `b` has 16 bytes, room for a complex with `double` parts.
        assert_eq!(unsafe { load_num(TypeClass::Complex(4), b.as_ptr()) }, Some(Num::Float(1.5)));
        // SAFETY: `b` has 16 bytes, room for a complex with `double` parts.
        unsafe { store_num(TypeClass::Complex(8), b.as_mut_ptr(), Num::Int(3, true)) };
        // SAFETY: `b` has 16 bytes, room for a complex with `double` parts.
        assert_eq!(unsafe { load_complex(8, b.as_ptr()) }, (3.0, 0.0));
    }

    /// Stores `v` in bitfield `bits` of `buf`, then reads it back (unsigned, signed).
    fn bits_round_trip(buf: &mut [u8; 16], bits: BitPos, v: u64) -> (i64, i64) {
        // SAFETY: every bitfield here lies within 16 bytes.
        unsafe { store_bits(buf.as_mut_ptr(), bits, v) };
        // SAFETY: every bitfield here lies within `buf`'s 16 bytes.
        let u = unsafe { load_bits(false, buf.as_ptr(), bits) };
        // SAFETY: every bitfield here lies within `buf`'s 16 bytes.
        let s = unsafe { load_bits(true, buf.as_ptr(), bits) };
        (u, s)
    }

    #[test]
    fn bitfields() {
        let mut w = [0xFFu8; 16];
        let bits = BitPos { shift: 13, width: 7 };
        assert_eq!(bits_round_trip(&mut w, bits, 0b1000001), (0b1000001, -63), "sign-extended");
        // Neighbouring bits keep their ones.
        assert_eq!(w[0], 0xFF);
        assert_eq!(w[1] & 0x1F, 0x1F);
        assert_eq!(w[2] >> 4, 0xF);
        // A field straddling a 64-bit boundary.
        let mut z = [0u8; 16];
        assert_eq!(bits_round_trip(&mut z, BitPos { shift: 60, width: 8 }, 0xA5).0, 0xA5);
        assert_eq!(z[7], 0x50);
        assert_eq!(z[8], 0x0A);
    }
}
