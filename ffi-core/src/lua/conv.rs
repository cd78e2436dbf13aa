//! Conversions between Lua values and C data, with LuaJIT's rules
//! (`doc/ext_ffi_semantics.html`, "Conversions from Lua objects to C types", "C types to
//! Lua objects" and "Initializers").

use super::api::t;
use super::cdata::{self, CdataRef};
use super::state::Cx;
use crate::ctype::*;
use crate::error::Error;
use crate::table::CTypeTable;
use alloc::format;
use alloc::string::String;
use core::ffi::c_int;

/// How a conversion is requested.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Assignment, initializer, argument: the "compat" rules.
    Implicit,
    /// `ffi.cast`: the "cast" rules.
    Cast,
}

/// What kind of C type a conversion target or source is.
#[derive(Copy, Clone, PartialEq, Debug)]
pub enum Cat {
    /// An integer (`size`, `signed`); also bool, enums and bitfield bases.
    Int(u8, bool),
    /// `bool`.
    Bool,
    /// `float` (4) or `double` (8) (`long double` counts as double-sized storage).
    Float(u8),
    /// A complex number with `float` (4) or `double` (8) parts.
    Complex(u8),
    /// A pointer to the given type.
    Ptr(CTypeId),
    /// An array of the given element type.
    Array(CTypeId),
    /// A struct or union.
    Struct(AggId),
    /// A vector.
    Vector(CTypeId),
    /// A function.
    Func,
    /// Anything else (void, references handled by the caller, opaque).
    Other,
}

/// The category of a type (references must have been resolved).
pub fn cat(tt: &CTypeTable, ty: CTypeId) -> Cat {
    let c = tt.get(ty);
    match c.kind {
        Kind::Int { size, signed, .. } => Cat::Int(size, signed),
        Kind::Enum(e) => {
            let d = tt.enum_def(e);
            Cat::Int(d.size, d.signed)
        }
        Kind::Bool => Cat::Bool,
        Kind::Float(FloatKind::Float) => Cat::Float(4),
        Kind::Float(_) => Cat::Float(8),
        Kind::Complex(FloatKind::Float) => Cat::Complex(4),
        Kind::Complex(_) => Cat::Complex(8),
        Kind::Ptr(to) => Cat::Ptr(to),
        Kind::Array(e, _) => Cat::Array(e),
        Kind::Struct(a) => Cat::Struct(a),
        Kind::Vector(e, _) => Cat::Vector(e),
        Kind::Func(_) => Cat::Func,
        _ => Cat::Other,
    }
}

/// The type with references removed.
pub fn deref_ty(tt: &CTypeTable, ty: CTypeId) -> CTypeId {
    match tt.get(ty).kind {
        Kind::Ref(to) => to,
        _ => ty,
    }
}

/// A cdata's value location: its payload, or for a reference the referenced address.
pub fn data_of(tt: &CTypeTable, c: CdataRef) -> (CTypeId, *mut u8) {
    let ty = c.ty();
    match tt.get(ty).kind {
        // SAFETY: a reference cdata's payload holds the referenced address.
        Kind::Ref(to) => (to, unsafe { (c.ptr as *const *mut u8).read() }),
        _ => (ty, c.ptr),
    }
}

/// The C type name LuaJIT shows for a Lua value in "cannot convert" messages.
///
/// # Safety
/// A live state inside an ffi closure; `idx` valid.
pub unsafe fn value_name(cx: &Cx, idx: c_int) -> String {
    let lua = cx.lua;
    // SAFETY: forwarded contract.
    unsafe {
        if let Some(c) = cdata::get(lua, idx) {
            return cx.types().repr(if c.is_ctype() { c.ctype_target() } else { c.ty() });
        }
        let tag = lua.type_(idx);
        // LuaJIT names a Lua boolean by the C type it converts through.
        String::from(if tag == t::BOOLEAN { "bool" } else { type_name(tag) })
    }
}

/// The name of a value in operator errors (`attempt to concatenate 'boolean' and ...`):
/// like [`value_name`] but with Lua's own type names.
///
/// # Safety
/// As for [`value_name`].
pub unsafe fn op_value_name(cx: &Cx, idx: c_int) -> String {
    // SAFETY: forwarded contract.
    unsafe {
        if cdata::get(cx.lua, idx).is_some() {
            return value_name(cx, idx);
        }
        String::from(type_name(cx.lua.type_(idx)))
    }
}

/// Lua's name for a type tag.
pub fn type_name(tag: c_int) -> &'static str {
    match tag {
        t::NIL => "nil",
        t::BOOLEAN => "boolean",
        t::LIGHTUSERDATA => "userdata",
        t::NUMBER => "number",
        t::STRING => "string",
        t::TABLE => "table",
        t::FUNCTION => "function",
        t::USERDATA => "userdata",
        t::THREAD => "thread",
        _ => "no value",
    }
}

/// `cannot convert 'from' to 'to'`.
///
/// # Safety
/// As for [`value_name`].
pub unsafe fn cannot_convert(cx: &Cx, idx: c_int, to: CTypeId) -> Error {
    // SAFETY: forwarded contract.
    let from = unsafe { value_name(cx, idx) };
    Error::new(format!("cannot convert '{}' to '{}'", from, cx.types().repr(to)))
}

/// x86-64 `cvttsd2si`: out of range and NaN give `i64::MIN`.
pub fn d2i64(n: f64) -> i64 {
    if n.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&n) {
        i64::MIN
    } else {
        n as i64
    }
}

/// Double to uint64 as LuaJIT does on x64.
pub fn d2u64(n: f64) -> u64 {
    if n >= 9.223_372_036_854_776e18 {
        d2i64(n - 1.844_674_407_370_955_2e19) as u64
    } else {
        d2i64(n) as u64
    }
}

/// A number-like value read from a cdata or a Lua number.
#[derive(Copy, Clone, Debug)]
pub enum Num {
    /// An integer with its signedness (64-bit view).
    I(i64, bool),
    /// A floating-point value.
    F(f64),
}

/// Reads a scalar (int, bool, enum, float) at `p`.
///
/// # Safety
/// `p` points to a readable value of the category.
pub unsafe fn read_num(c: Cat, p: *const u8) -> Option<Num> {
    // SAFETY: the caller guarantees `p` holds a value of this category; unaligned reads
    // are used because packed members may be misaligned.
    unsafe {
        Some(match c {
            Cat::Int(1, true) => Num::I(p.cast::<i8>().read_unaligned() as i64, true),
            Cat::Int(1, false) | Cat::Bool => Num::I(p.read() as i64, false),
            Cat::Int(2, true) => Num::I(p.cast::<i16>().read_unaligned() as i64, true),
            Cat::Int(2, false) => Num::I(p.cast::<u16>().read_unaligned() as i64, false),
            Cat::Int(4, true) => Num::I(p.cast::<i32>().read_unaligned() as i64, true),
            Cat::Int(4, false) => Num::I(p.cast::<u32>().read_unaligned() as i64, false),
            Cat::Int(8, s) => Num::I(p.cast::<i64>().read_unaligned(), s),
            Cat::Float(4) => Num::F(p.cast::<f32>().read_unaligned() as f64),
            Cat::Float(_) => Num::F(p.cast::<f64>().read_unaligned()),
            Cat::Complex(4) => Num::F(p.cast::<f32>().read_unaligned() as f64),
            Cat::Complex(_) => Num::F(p.cast::<f64>().read_unaligned()),
            _ => return None,
        })
    }
}

/// Writes a number to a scalar destination with C conversion rules.
///
/// # Safety
/// `p` points to writable storage of the category's size.
pub unsafe fn write_num(c: Cat, p: *mut u8, n: Num) {
    let as_i64 = |n: Num| match n {
        Num::I(v, _) => v,
        Num::F(f) => d2i64(f),
    };
    // SAFETY: the caller guarantees writable storage; unaligned writes for packed members.
    unsafe {
        match c {
            Cat::Bool => p.write(match n {
                Num::I(v, _) => (v != 0) as u8,
                Num::F(f) => (f != 0.0) as u8,
            }),
            Cat::Int(8, false) => p.cast::<u64>().write_unaligned(match n {
                Num::I(v, _) => v as u64,
                Num::F(f) => d2u64(f),
            }),
            Cat::Int(size, _) => {
                let v = as_i64(n);
                match size {
                    1 => p.write(v as u8),
                    2 => p.cast::<u16>().write_unaligned(v as u16),
                    4 => p.cast::<u32>().write_unaligned(v as u32),
                    _ => p.cast::<i64>().write_unaligned(v),
                }
            }
            Cat::Float(4) | Cat::Float(_) | Cat::Complex(_) => {
                let f = match n {
                    Num::I(v, true) => v as f64,
                    Num::I(v, false) => v as u64 as f64,
                    Num::F(f) => f,
                };
                match c {
                    Cat::Float(4) => p.cast::<f32>().write_unaligned(f as f32),
                    Cat::Complex(4) => {
                        p.cast::<f32>().write_unaligned(f as f32);
                        p.add(4).cast::<f32>().write_unaligned(0.0);
                    }
                    Cat::Complex(_) => {
                        p.cast::<f64>().write_unaligned(f);
                        p.add(8).cast::<f64>().write_unaligned(0.0);
                    }
                    _ => p.cast::<f64>().write_unaligned(f),
                }
            }
            _ => {}
        }
    }
}

/// `ffi.istype` for pointers: the pointees are the same type ignoring qualifiers and the
/// signedness of integers (no `void *` wildcard).
pub fn ptr_istype(tt: &CTypeTable, from: CTypeId, to: CTypeId) -> bool {
    same_unqualified(tt, from, to)
}

/// Whether a pointer to `from` may be implicitly converted to a pointer to `to`.
pub fn ptr_compatible(tt: &CTypeTable, from: CTypeId, to: CTypeId) -> bool {
    let (f, tq) = (tt.get(from), tt.get(to));
    if matches!(f.kind, Kind::Void) || matches!(tq.kind, Kind::Void) {
        // void * converts to and from anything; const may not be dropped.
        return !f.qual.is_const() || tq.qual.is_const();
    }
    if f.qual.is_const() && !tq.qual.is_const() {
        return false;
    }
    same_unqualified(tt, from, to)
}

fn same_unqualified(tt: &CTypeTable, a: CTypeId, b: CTypeId) -> bool {
    let (x, y) = (tt.get(a), tt.get(b));
    match (x.kind, y.kind) {
        // Integers of the same size are compatible whatever their signedness (LuaJIT).
        (Kind::Int { size: s1, .. }, Kind::Int { size: s2, .. }) => s1 == s2,
        (Kind::Ptr(p), Kind::Ptr(q)) => {
            let (pp, qq) = (tt.get(p), tt.get(q));
            let void = matches!(pp.kind, Kind::Void) || matches!(qq.kind, Kind::Void);
            void || (pp.qual == qq.qual && same_unqualified(tt, p, q))
        }
        (Kind::Array(e1, _), Kind::Array(e2, _)) => same_unqualified(tt, e1, e2),
        (k1, k2) => k1 == k2,
    }
}

/// Converts the Lua value at `idx` to C type `ty` at `dst`.
///
/// # Safety
/// A live state inside an ffi closure; `dst` writable for the type's size.
pub unsafe fn to_c(
    cx: &Cx,
    idx: c_int,
    ty: CTypeId,
    dst: *mut u8,
    mode: Mode,
) -> Result<(), Error> {
    let lua = cx.lua;
    let tt = cx.types();
    if let Kind::Ref(to) = tt.get(ty).kind {
        // SAFETY: forwarded contract; a reference slot holds an address.
        return unsafe { ref_to_c(cx, idx, ty, to, dst, mode) };
    }
    let c = cat(tt, ty);
    // SAFETY: forwarded contract; every read of Lua values uses valid indices.
    unsafe {
        let tag = lua.type_(idx);
        match tag {
            t::NUMBER => {
                let n = if lua.isinteger(idx) != 0 {
                    Num::I(lua.tointeger(idx).unwrap_or(0), true)
                } else {
                    Num::F(lua.tonumber(idx))
                };
                match c {
                    Cat::Int(..) | Cat::Bool | Cat::Float(_) | Cat::Complex(_) => {
                        write_num(c, dst, n)
                    }
                    Cat::Ptr(_) if mode == Mode::Cast => {
                        let v = match n {
                            Num::I(v, _) => v as u64,
                            Num::F(f) => d2u64(f),
                        };
                        dst.cast::<u64>().write_unaligned(v)
                    }
                    Cat::Vector(e)
                        if matches!(cat(tt, e), Cat::Int(..) | Cat::Float(_) | Cat::Bool) =>
                    {
                        // A single number fills a vector (valarrays take scalars).
                        let es = tt.size_of(e).unwrap_or(0) as usize;
                        let total = tt.size_of(ty).unwrap_or(0) as usize;
                        let ec = cat(tt, e);
                        let mut o = 0;
                        while es > 0 && o + es <= total {
                            write_num(ec, dst.add(o), n);
                            o += es;
                        }
                    }
                    _ => return Err(cannot_convert(cx, idx, ty)),
                }
                Ok(())
            }
            t::BOOLEAN => {
                let b = lua.toboolean(idx) != 0;
                match c {
                    Cat::Int(..) | Cat::Bool | Cat::Float(_) => {
                        write_num(c, dst, Num::I(b as i64, false))
                    }
                    _ => return Err(cannot_convert(cx, idx, ty)),
                }
                Ok(())
            }
            t::NIL => match c {
                Cat::Ptr(_) => {
                    dst.cast::<usize>().write_unaligned(0);
                    Ok(())
                }
                Cat::Int(..) | Cat::Bool if mode == Mode::Cast => {
                    write_num(c, dst, Num::I(0, true));
                    Ok(())
                }
                _ => Err(cannot_convert(cx, idx, ty)),
            },
            t::STRING => {
                let s = lua.tobytes(idx).unwrap_or(&[]);
                match c {
                    Cat::Ptr(to) => {
                        let pt = tt.get(to);
                        let charlike = matches!(pt.kind, Kind::Int { size: 1, .. } | Kind::Void);
                        if !(charlike && (pt.qual.is_const() || mode == Mode::Cast)) {
                            return Err(cannot_convert(cx, idx, ty));
                        }
                        dst.cast::<*const u8>().write_unaligned(s.as_ptr());
                        Ok(())
                    }
                    Cat::Array(e) if matches!(cat(tt, e), Cat::Int(1, _) | Cat::Bool) => {
                        let cap = match tt.get(ty).kind {
                            Kind::Array(_, ArrayLen::Fixed(n)) => n as usize,
                            _ => s.len() + 1,
                        };
                        let n = s.len().min(cap);
                        core::ptr::copy_nonoverlapping(s.as_ptr(), dst, n);
                        if n < cap {
                            dst.add(n).write(0);
                        }
                        Ok(())
                    }
                    Cat::Int(..) => {
                        let Kind::Enum(e) = tt.get(ty).kind else {
                            return Err(cannot_convert(cx, idx, ty));
                        };
                        let Some(v) = enum_value(tt, e, s) else {
                            return Err(cannot_convert(cx, idx, ty));
                        };
                        write_num(c, dst, Num::I(v, true));
                        Ok(())
                    }
                    _ => Err(cannot_convert(cx, idx, ty)),
                }
            }
            t::TABLE => match c {
                Cat::Array(_) | Cat::Struct(_) | Cat::Complex(_) | Cat::Vector(_)
                    if mode == Mode::Implicit =>
                {
                    // Members the table does not name are zero, as in a fresh object.
                    if let Some(n) = tt.size_of(ty) {
                        core::ptr::write_bytes(dst, 0, n as usize);
                    }
                    init_from_table(cx, idx, ty, dst, u32::MAX)
                }
                _ => Err(cannot_convert(cx, idx, ty)),
            },
            t::LIGHTUSERDATA | t::USERDATA => {
                if let Some(cd) = cdata::get(lua, idx) {
                    return cdata_to_c(cx, idx, cd, ty, dst, mode);
                }
                match c {
                    Cat::Ptr(_) => {
                        dst.cast::<*mut core::ffi::c_void>().write_unaligned(lua.touserdata(idx));
                        Ok(())
                    }
                    _ => Err(cannot_convert(cx, idx, ty)),
                }
            }
            _ => Err(cannot_convert(cx, idx, ty)),
        }
    }
}

/// Initializes a reference `ty` (to `to`) from the value at `idx`: the address of a
/// cdata object of the referenced type (or of the first element of an array of it).
///
/// # Safety
/// As for [`to_c`]; `dst` has room for a pointer.
unsafe fn ref_to_c(
    cx: &Cx,
    idx: c_int,
    ty: CTypeId,
    to: CTypeId,
    dst: *mut u8,
    mode: Mode,
) -> Result<(), Error> {
    let tt = cx.types();
    // SAFETY: forwarded contract.
    unsafe {
        let Some(c) = cdata::get(cx.lua, idx).filter(|c| !c.is_ctype()) else {
            return Err(cannot_convert(cx, idx, ty));
        };
        let (sty, src) = data_of(tt, c);
        let ok = match tt.get(sty).kind {
            Kind::Array(e, _) => same_unqualified(tt, e, to),
            Kind::Ptr(_) if mode == Mode::Cast => {
                dst.cast::<usize>().write_unaligned(src.cast::<usize>().read_unaligned());
                return Ok(());
            }
            _ => same_unqualified(tt, sty, to) || mode == Mode::Cast,
        };
        if !ok {
            return Err(cannot_convert(cx, idx, ty));
        }
        dst.cast::<*mut u8>().write_unaligned(src);
        Ok(())
    }
}

/// The value of enum constant `s` of enum `e`.
pub fn enum_value(tt: &CTypeTable, e: EnumId, s: &[u8]) -> Option<i64> {
    let d = tt.enum_def(e);
    d.consts.iter().find(|(n, _)| tt.names().str(*n).as_bytes() == s).map(|&(_, v)| v)
}

/// Converts a cdata to C type `ty`.
///
/// # Safety
/// As for [`to_c`]; `cd` is the cdata at `idx`.
unsafe fn cdata_to_c(
    cx: &Cx,
    idx: c_int,
    cd: CdataRef,
    ty: CTypeId,
    dst: *mut u8,
    mode: Mode,
) -> Result<(), Error> {
    let tt = cx.types();
    if cd.is_ctype() {
        // SAFETY: forwarded contract.
        return Err(unsafe { cannot_convert(cx, idx, ty) });
    }
    let (sty, src) = data_of(tt, cd);
    let (sc, dc) = (cat(tt, sty), cat(tt, ty));
    // SAFETY: `src` holds a value of `sty` (payload or referenced memory); `dst` is
    // writable for `ty`.
    unsafe {
        match (sc, dc) {
            (
                Cat::Int(..) | Cat::Bool | Cat::Float(_),
                Cat::Int(..) | Cat::Bool | Cat::Float(_) | Cat::Complex(_),
            ) => {
                let n = read_num(sc, src).unwrap_or(Num::I(0, true));
                write_num(dc, dst, n);
                Ok(())
            }
            (Cat::Complex(a), Cat::Complex(b)) => {
                let (re, im) = read_complex(a, src);
                write_complex(b, dst, re, im);
                Ok(())
            }
            (Cat::Complex(a), Cat::Int(..) | Cat::Float(_) | Cat::Bool) if mode == Mode::Cast => {
                write_num(dc, dst, Num::F(read_complex(a, src).0));
                Ok(())
            }
            (Cat::Ptr(from), Cat::Ptr(to)) => {
                if mode == Mode::Implicit && !ptr_compatible(tt, from, to) {
                    return Err(cannot_convert(cx, idx, ty));
                }
                core::ptr::copy_nonoverlapping(src, dst, 8);
                Ok(())
            }
            (Cat::Array(e), Cat::Ptr(to)) => {
                if mode == Mode::Implicit && !ptr_compatible(tt, e, to) {
                    return Err(cannot_convert(cx, idx, ty));
                }
                dst.cast::<*mut u8>().write_unaligned(src);
                Ok(())
            }
            (Cat::Struct(_), Cat::Ptr(to)) => {
                if mode == Mode::Implicit && !ptr_compatible(tt, sty, to) {
                    return Err(cannot_convert(cx, idx, ty));
                }
                dst.cast::<*mut u8>().write_unaligned(src);
                Ok(())
            }
            (Cat::Func, Cat::Ptr(to)) => {
                if mode == Mode::Implicit && !ptr_compatible(tt, sty, to) {
                    return Err(cannot_convert(cx, idx, ty));
                }
                // A function cdata holds its address.
                core::ptr::copy_nonoverlapping(src, dst, 8);
                Ok(())
            }
            (Cat::Ptr(_) | Cat::Func, Cat::Int(..)) if mode == Mode::Cast => {
                let v = src.cast::<u64>().read_unaligned();
                write_num(dc, dst, Num::I(v as i64, false));
                Ok(())
            }
            (Cat::Array(_), Cat::Int(..)) if mode == Mode::Cast => {
                write_num(dc, dst, Num::I(src as i64, false));
                Ok(())
            }
            (Cat::Int(..), Cat::Ptr(_)) if mode == Mode::Cast => {
                let n = read_num(sc, src).unwrap_or(Num::I(0, true));
                let v = match n {
                    Num::I(v, _) => v as u64,
                    Num::F(f) => d2u64(f),
                };
                dst.cast::<u64>().write_unaligned(v);
                Ok(())
            }
            (
                Cat::Array(_) | Cat::Struct(_) | Cat::Vector(_),
                Cat::Array(_) | Cat::Struct(_) | Cat::Vector(_),
            ) => {
                let same = tt.unqualified(sty) == tt.unqualified(ty)
                    || (matches!((sc, dc), (Cat::Array(_), Cat::Array(_)))
                        && same_unqualified(tt, sty, ty));
                if !same {
                    return Err(cannot_convert(cx, idx, ty));
                }
                let n = tt.size_of(ty).or(tt.size_of(sty)).unwrap_or(0) as usize;
                core::ptr::copy(src, dst, n);
                Ok(())
            }
            _ => Err(cannot_convert(cx, idx, ty)),
        }
    }
}

/// Reads a complex value.
///
/// # Safety
/// `p` holds a complex of the given part size.
pub unsafe fn read_complex(part: u8, p: *const u8) -> (f64, f64) {
    // SAFETY: forwarded contract.
    unsafe {
        if part == 4 {
            (
                p.cast::<f32>().read_unaligned() as f64,
                p.add(4).cast::<f32>().read_unaligned() as f64,
            )
        } else {
            (p.cast::<f64>().read_unaligned(), p.add(8).cast::<f64>().read_unaligned())
        }
    }
}

/// Writes a complex value.
///
/// # Safety
/// `p` is writable for the complex type.
pub unsafe fn write_complex(part: u8, p: *mut u8, re: f64, im: f64) {
    // SAFETY: forwarded contract.
    unsafe {
        if part == 4 {
            p.cast::<f32>().write_unaligned(re as f32);
            p.add(4).cast::<f32>().write_unaligned(im as f32);
        } else {
            p.cast::<f64>().write_unaligned(re);
            p.add(8).cast::<f64>().write_unaligned(im);
        }
    }
}

/// Table initializer for an array, struct/union, complex or vector at `dst` (zeroed by
/// the caller). `nelem` bounds a VLA (`u32::MAX`: fixed size).
///
/// # Safety
/// As for [`to_c`]; `idx` is a table.
pub unsafe fn init_from_table(
    cx: &Cx,
    idx: c_int,
    ty: CTypeId,
    dst: *mut u8,
    nelem: u32,
) -> Result<(), Error> {
    let lua = cx.lua;
    // SAFETY: forwarded contract; `idx` is a valid index.
    let idx = unsafe { lua.absindex(idx) };
    let tt = cx.types();
    // SAFETY: forwarded contract; each rawgeti is balanced by a pop.
    unsafe {
        let base: i64 = if lua.rawgeti(idx, 0) != t::NIL { 0 } else { 1 };
        lua.pop(1);
        match cat(tt, ty) {
            Cat::Array(e) | Cat::Vector(e) => {
                let es =
                    tt.size_of(e).ok_or_else(|| Error::new(crate::error::msg::TOO_LARGE))? as usize;
                let count = match tt.get(ty).kind {
                    Kind::Array(_, ArrayLen::Fixed(n)) => n as usize,
                    Kind::Vector(_, n) => n as usize,
                    _ if nelem != u32::MAX => nelem as usize,
                    // A flexible (`[]`) or unsized trailing array has no storage of its
                    // own: no elements may be written (LuaJIT writes past the object).
                    _ => 0,
                };
                let fixed =
                    !matches!(tt.get(ty).kind, Kind::Array(_, ArrayLen::Vla | ArrayLen::Unsized));
                let mut i = 0usize;
                loop {
                    if lua.rawgeti(idx, base + i as i64) == t::NIL {
                        lua.pop(1);
                        break;
                    }
                    if i >= count {
                        lua.pop(1);
                        return Err(Error::new(format!(
                            "too many initializers for '{}'",
                            cx.types().repr(ty)
                        )));
                    }
                    let r = to_c(cx, -1, e, dst.add(i * es), Mode::Implicit);
                    lua.pop(1);
                    r?;
                    i += 1;
                }
                if i == 1 && fixed && es > 0 {
                    for k in 1..count {
                        core::ptr::copy_nonoverlapping(dst, dst.add(k * es), es);
                    }
                }
                Ok(())
            }
            Cat::Complex(part) => {
                lua.rawgeti(idx, base);
                lua.rawgeti(idx, base + 1);
                let re = lua.tonumber(-2);
                let im = lua.tonumber(-1);
                lua.pop(2);
                write_complex(part, dst, re, im);
                Ok(())
            }
            Cat::Struct(a) => {
                let agg = tt.agg(a).clone();
                let positional = lua.rawgeti(idx, base) != t::NIL;
                lua.pop(1);
                let mut k = base;
                for f in agg.fields.iter() {
                    let Some(name) = f.name else { continue };
                    if positional {
                        if lua.rawgeti(idx, k) == t::NIL {
                            lua.pop(1);
                            break;
                        }
                        k += 1;
                    } else {
                        let nm = cx.types().names().str(name);
                        lua.pushbytes(nm.as_bytes());
                        if lua.rawget(idx) == t::NIL {
                            lua.pop(1);
                            continue;
                        }
                    }
                    let r = store_member(cx, -1, f, dst, nelem);
                    lua.pop(1);
                    r?;
                    if agg.is_union {
                        break;
                    }
                }
                Ok(())
            }
            _ => Err(cannot_convert(cx, idx, ty)),
        }
    }
}

/// Stores the Lua value at `idx` into member `f` of an object being initialized whose
/// variable part has `nelem` elements (`u32::MAX`: none). A table for the trailing `[?]`
/// array of a variable-length struct fills up to `nelem` elements; every other member
/// goes through [`store_field`].
///
/// # Safety
/// As for [`to_c`]; `base` is the object's payload.
pub unsafe fn store_member(
    cx: &Cx,
    idx: c_int,
    f: &Field,
    base: *mut u8,
    nelem: u32,
) -> Result<(), Error> {
    let trailing =
        matches!(cx.types().get(f.ty).kind, Kind::Array(_, ArrayLen::Vla | ArrayLen::Unsized));
    // SAFETY: forwarded contract; the trailing array's storage is `nelem` elements.
    unsafe {
        if trailing && cx.lua.type_(idx) == t::TABLE {
            return init_from_table(cx, idx, f.ty, base.add(f.offset as usize), nelem);
        }
        store_field(cx, idx, f, base)
    }
}

/// Stores the Lua value at `idx` into field `f` of the aggregate at `base`.
///
/// # Safety
/// As for [`to_c`].
pub unsafe fn store_field(cx: &Cx, idx: c_int, f: &Field, base: *mut u8) -> Result<(), Error> {
    // SAFETY: the field lies inside the aggregate at `base`.
    unsafe {
        let p = base.add(f.offset as usize);
        match f.bits {
            Some(b) => {
                let tt = cx.types();
                let mut tmp = [0u8; 8];
                to_c(cx, idx, f.ty, tmp.as_mut_ptr(), Mode::Implicit)?;
                let v = u64::from_le_bytes(tmp);
                write_bits(tt, f.ty, p, b, v);
                Ok(())
            }
            None => to_c(cx, idx, f.ty, p, Mode::Implicit),
        }
    }
}

/// Writes `v` into a bitfield.
///
/// # Safety
/// `p` is the container's address inside a live aggregate.
pub unsafe fn write_bits(tt: &CTypeTable, ty: CTypeId, p: *mut u8, b: BitPos, v: u64) {
    let _ = (tt, ty);
    let nbytes = ((b.shift + b.width).div_ceil(8)) as usize;
    // SAFETY: the bitfield's bits lie within `nbytes` bytes from `p`.
    unsafe {
        let mut buf = [0u8; 16];
        core::ptr::copy_nonoverlapping(p, buf.as_mut_ptr(), nbytes.min(16));
        let cur = u128::from_le_bytes(buf);
        let mask: u128 = if b.width >= 128 { !0 } else { ((1u128 << b.width) - 1) << b.shift };
        let new = (cur & !mask) | (((v as u128) << b.shift) & mask);
        let out = new.to_le_bytes();
        core::ptr::copy_nonoverlapping(out.as_ptr(), p, nbytes.min(16));
    }
}

/// Reads a bitfield, sign-extending signed ones.
///
/// # Safety
/// As for [`write_bits`].
pub unsafe fn read_bits(signed: bool, p: *const u8, b: BitPos) -> i64 {
    let nbytes = ((b.shift + b.width).div_ceil(8)) as usize;
    let mut buf = [0u8; 16];
    // SAFETY: as for write_bits.
    unsafe { core::ptr::copy_nonoverlapping(p, buf.as_mut_ptr(), nbytes.min(16)) };
    let raw = (u128::from_le_bytes(buf) >> b.shift) as u64;
    let w = b.width.min(64);
    if w == 64 {
        return raw as i64;
    }
    let v = raw & ((1u64 << w) - 1);
    if signed && w > 0 && v >> (w - 1) & 1 == 1 {
        (v | !((1u64 << w) - 1)) as i64
    } else {
        v as i64
    }
}

/// Pushes the Lua value of the C value of type `ty` at `src` (LuaJIT's "C types to Lua
/// objects"): numbers for scalars up to 32 bits and floats, booleans, boxed cdata for
/// 64-bit integers, pointers and complex numbers, references for aggregates.
///
/// # Safety
/// A live state inside an ffi closure; `src` readable for the type. May raise (memory).
pub unsafe fn push_value(cx: &Cx, ty: CTypeId, src: *const u8) -> Result<(), Error> {
    let lua = cx.lua;
    let tt = cx.types();
    let ty = deref_ty(tt, ty);
    let c = cat(tt, ty);
    // SAFETY: forwarded contract.
    unsafe {
        match c {
            Cat::Bool => lua.pushboolean((src.read() != 0) as c_int),
            // 64-bit integers and enums are boxed (LuaJIT reads enum values as cdata).
            Cat::Int(size, _) if size == 8 || matches!(tt.get(ty).kind, Kind::Enum(_)) => {
                let u = tt.unqualified(ty);
                let p = cdata::push_new(lua, u, size as usize, size as usize, 0);
                core::ptr::copy_nonoverlapping(src, p, size as usize);
            }
            Cat::Int(..) => match read_num(c, src) {
                Some(Num::I(v, _)) => lua.pushinteger(v),
                _ => lua.pushnil(),
            },
            Cat::Float(_) => match read_num(c, src) {
                Some(Num::F(f)) => lua.pushnumber(f),
                _ => lua.pushnil(),
            },
            Cat::Ptr(_) | Cat::Complex(_) => {
                let u = tt.unqualified(ty);
                let size = tt.size_of(u).unwrap_or(8) as usize;
                let p = cdata::push_new(lua, u, size, tt.align_of(u) as usize, 0);
                core::ptr::copy_nonoverlapping(src, p, size);
            }
            Cat::Array(_) | Cat::Struct(_) | Cat::Vector(_) | Cat::Func => {
                let r = cx.types().ref_to(ty);
                let p = cdata::push_new(lua, r, 8, 8, 0);
                p.cast::<*const u8>().write(src);
            }
            Cat::Other => {
                return Err(Error::new(format!(
                    "cannot convert '{}' to 'lua object'",
                    tt.repr(ty)
                )));
            }
        }
    }
    Ok(())
}
