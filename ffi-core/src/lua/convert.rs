//! Conversions between Lua values and C data, with LuaJIT's rules
//! (`doc/ext_ffi_semantics.html`, "Conversions from Lua objects to C types" and "C types
//! to Lua objects"). Table initializers are in [`super::init`]; the memory side (loads,
//! stores, number conversions) is the Lua-free [`crate::cvalue`].

use super::cdata::{Boxed, Cdata};
use super::frame::{Action, Frame, FrameStack, Next, Outcome, Raise};
use crate::ctype::{ArrayLen, CTypeId, EnumId, FloatKind, Kind};
use crate::cvalue::{self, Num, ScalarKind, TypeClass};
use crate::error::Error;
use crate::luaapi::{LuaType, Vm};
use crate::table::CTypeTable;
use alloc::format;
use alloc::string::String;
use core::ffi::c_int;

/// How a conversion is requested.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Assignment, initializer, argument: the "compat" rules.
    Implicit,
    /// `ffi.cast`: the "cast" rules.
    Cast,
}

/// The type with a reference removed.
pub(crate) fn deref_ty(tt: &CTypeTable, ty: CTypeId) -> CTypeId {
    match tt.get(ty).kind {
        Kind::Ref(to) => to,
        _ => ty,
    }
}

/// The C type name LuaJIT shows for a Lua value in "cannot convert" messages.
pub(crate) fn value_name<V: Vm>(frame: &mut Frame<V>, idx: c_int) -> String {
    if let Some(c) = frame.cdata(idx) {
        let tt = frame.types();
        // A reference converts (and is named) as the object it refers to; a struct is
        // named without its qualifiers, as LuaJIT does.
        let ty = if c.is_ctype() { c.named_type() } else { deref_ty(tt, c.ty()) };
        let ty = if matches!(tt.get(ty).kind, Kind::Struct(_)) && !c.is_ctype() {
            tt.unqualified(ty)
        } else {
            ty
        };
        // A function converts as a pointer to it, and LuaJIT names it so.
        if !c.is_ctype() && matches!(tt.get(ty).kind, Kind::Func(_)) {
            let p = tt.ptr_to(ty);
            return tt.repr(p);
        }
        return tt.repr(ty);
    }
    let t = frame.stack.type_of(idx);
    // LuaJIT names a Lua boolean, and a userdata, by the C type it converts through.
    String::from(match t {
        LuaType::Boolean => "bool",
        LuaType::Userdata | LuaType::LightUserdata => "void *",
        _ => t.name(),
    })
}

/// The name of a value in operator errors (`attempt to concatenate 'boolean' and ...`):
/// like [`value_name`] but with Lua's own type names.
pub(crate) fn op_value_name<V: Vm>(frame: &mut Frame<V>, idx: c_int) -> String {
    if frame.cdata(idx).is_some() {
        return value_name(frame, idx);
    }
    String::from(frame.stack.type_of(idx).name())
}

/// `cannot convert 'from' to 'to'`.
pub(crate) fn cannot_convert<V: Vm>(frame: &mut Frame<V>, idx: c_int, to: CTypeId) -> Raise {
    let from = value_name(frame, idx);
    Error::new(format!("cannot convert '{}' to '{}'", from, frame.types().repr(to))).into()
}

/// `ffi.istype` for pointers and arrays (`from`/`to` are the pointees or elements): the
/// same type, qualifiers ignored at the first level only, integers of one size whatever
/// their signedness, no `void *` wildcard (LuaJIT).
pub(crate) fn ptr_istype(tt: &CTypeTable, from: CTypeId, to: CTypeId) -> bool {
    pointees_compatible(tt, from, to, Level::IgnoreQual, 0)
}

/// Whether a value of array type `from` may be copied into array type `to`: the same
/// length and the same element type, qualifiers included (LuaJIT: `const int [4]` does
/// not convert to `int [4]`).
pub(crate) fn same_array(tt: &CTypeTable, from: CTypeId, to: CTypeId) -> bool {
    match (tt.get(from).kind, tt.get(to).kind) {
        (Kind::Array(e1, n1), Kind::Array(e2, n2)) => {
            n1 == n2 && pointees_compatible(tt, e1, e2, Level::Exact, 0)
        }
        _ => false,
    }
}

/// How qualifiers are compared at one level of [`pointees_compatible`].
#[derive(Copy, Clone, PartialEq, Eq)]
enum Level {
    /// An implicit conversion's first level: qualifiers may be added, not dropped, and
    /// `void` matches anything.
    Implicit,
    /// `ffi.istype`'s first level: qualifiers ignored.
    IgnoreQual,
    /// Every deeper level: the same qualifiers.
    Exact,
}

/// Whether a pointer to `from` may be implicitly converted to a pointer to `to`, by
/// LuaJIT's rules (its semantics doc, "Conversions between C types"; checked against
/// `luajit` on every pair of a set of pointer types): the pointee may gain qualifiers but
/// not lose them, `void *` converts to and from any pointer at the first level, and below
/// it the types must be the same, qualifiers included (integers of one size match
/// whatever their signedness).
#[inline]
pub(crate) fn ptr_compatible(tt: &CTypeTable, from: CTypeId, to: CTypeId) -> bool {
    let (f, t) = (tt.get(from), tt.get(to));
    match (f.kind, t.kind) {
        // The common cases first: integers (`char *` to `const char *`) and structs.
        (Kind::Int { size: a, .. }, Kind::Int { size: b, .. }) => {
            a == b && f.qual.0 & !t.qual.0 == 0
        }
        (Kind::Struct(a), Kind::Struct(b)) => a == b && f.qual.0 & !t.qual.0 == 0,
        _ => pointees_compatible(tt, from, to, Level::Implicit, 0),
    }
}

/// The qualifiers of `ty` as a pointee: its own and, for an array, its elements'.
fn pointee_qual(tt: &CTypeTable, mut ty: CTypeId) -> u8 {
    let mut q = 0;
    for _ in 0..64 {
        let t = tt.get(ty);
        q |= t.qual.0;
        match t.kind {
            Kind::Array(e, _) => ty = e,
            _ => break,
        }
    }
    q
}

/// An enum as the integer type it is stored as (pointers to both are compatible).
fn as_int(tt: &CTypeTable, ty: CTypeId) -> Kind {
    match tt.get(ty).kind {
        Kind::Enum(_) => {
            let size = tt.size_of(ty).unwrap_or(4) as u8;
            Kind::Int { size, signed: true, long: false }
        }
        k => k,
    }
}

/// [`ptr_compatible`] and [`ptr_istype`] for pointees `from` and `to`, compared at
/// `level` (deeper levels: [`Level::Exact`]).
fn pointees_compatible(
    tt: &CTypeTable,
    from: CTypeId,
    to: CTypeId,
    level: Level,
    depth: u32,
) -> bool {
    if from == to {
        return true;
    }
    if depth > 64 {
        return false;
    }
    let (fq, tq) = (pointee_qual(tt, from), pointee_qual(tt, to));
    let void = matches!(tt.get(from).kind, Kind::Void) || matches!(tt.get(to).kind, Kind::Void);
    match level {
        Level::Exact if fq != tq => return false,
        Level::Implicit if fq & !tq != 0 => return false,
        Level::Implicit if void => return true,
        _ => {}
    }
    let deeper = |p, q| pointees_compatible(tt, p, q, Level::Exact, depth + 1);
    match (as_int(tt, from), as_int(tt, to)) {
        (Kind::Int { size: a, .. }, Kind::Int { size: b, .. }) => a == b,
        (Kind::Ptr(p), Kind::Ptr(q)) | (Kind::Ptr32(p), Kind::Ptr32(q)) => deeper(p, q),
        (Kind::Array(p, n), Kind::Array(q, m)) => n == m && deeper(p, q),
        (Kind::Vector(p, n), Kind::Vector(q, m)) => n == m && deeper(p, q),
        // Functions: LuaJIT compares only their number of fixed parameters (structural
        // equality is NYI there), so `strcmp` passes for any two-parameter comparator.
        (Kind::Func(f1), Kind::Func(f2)) => tt.func(f1).params.len() == tt.func(f2).params.len(),
        (Kind::Ref(_), _) | (_, Kind::Ref(_)) => false,
        (k1, k2) => k1 == k2,
    }
}

/// Whether `ty` has a variable part: a VLA, a flexible or unsized array, or a struct with
/// a trailing VLA (its size alone does not say how large an object is).
pub(crate) fn is_variable(tt: &CTypeTable, ty: CTypeId) -> bool {
    match tt.get(ty).kind {
        Kind::Array(_, len) => !matches!(len, ArrayLen::Fixed(_)),
        Kind::Struct(a) => tt.agg(a).vla,
        _ => false,
    }
}

/// The value of enum constant `s` of enum `e`.
pub(crate) fn enum_value(tt: &CTypeTable, e: EnumId, s: &[u8]) -> Option<i64> {
    let d = tt.enum_def(e);
    d.consts.iter().find(|(n, _)| tt.names().str(*n).as_bytes() == s).map(|&(_, v)| v)
}

/// Converts the Lua value at `idx` to C type `ty` at `dst`.
///
/// # Safety
/// `dst` is writable for the size of `ty` (for a reference: of a pointer).
pub(crate) unsafe fn to_c<V: Vm>(
    frame: &mut Frame<V>,
    idx: c_int,
    ty: CTypeId,
    dst: *mut u8,
    mode: Mode,
) -> Result<(), Raise> {
    // SAFETY: the caller's contract (no variable part: `u32::MAX`).
    unsafe { to_c_nested(frame, idx, ty, dst, mode, u32::MAX, 0) }
}

/// [`to_c`] inside `depth` nested table initializers, into storage that has `nelem`
/// elements for the variable part of `ty` (a VLA, a flexible trailing array, a VLS;
/// `u32::MAX` when the storage has none, and nothing is written there).
///
/// # Safety
/// `dst` is writable for the size of `ty` (for a reference: of a pointer) and `nelem`
/// elements of its variable part.
pub(crate) unsafe fn to_c_nested<V: Vm>(
    frame: &mut Frame<V>,
    idx: c_int,
    ty: CTypeId,
    dst: *mut u8,
    mode: Mode,
    nelem: u32,
    depth: u32,
) -> Result<(), Raise> {
    let tt = frame.context.types();
    match tt.get(ty).kind {
        // SAFETY: the caller's contract; a reference slot holds an address.
        Kind::Ref(to) => return unsafe { address_to_c(frame, idx, (ty, to), dst, mode, 8) },
        // SAFETY: the caller's contract: `dst` is writable for 4 bytes.
        Kind::Ptr32(to) => return unsafe { address_to_c(frame, idx, (ty, to), dst, mode, 4) },
        _ => {}
    }
    let class = TypeClass::of(tt, ty);
    match frame.stack.type_of(idx) {
        LuaType::Number => {
            let n = frame.stack.num(idx);
            match class {
                TypeClass::Int(..)
                | TypeClass::Bool
                | TypeClass::Float(_)
                | TypeClass::Complex(_) => {
                    // SAFETY: `dst` is writable for `ty`, whose class this is.
                    unsafe { cvalue::store_num(class, dst, n) }
                }
                // SAFETY: `dst` is writable for a pointer.
                TypeClass::Ptr(_) if mode == Mode::Cast => unsafe {
                    dst.cast::<u64>().write_unaligned(n.to_u64())
                },
                TypeClass::Vector(e) => {
                    // A single number fills a vector (valarrays take scalars).
                    // SAFETY: `dst` is writable for the vector `ty` of elements `e`.
                    if !unsafe { fill_vector(tt, ty, e, dst, n) } {
                        return Err(cannot_convert(frame, idx, ty));
                    }
                }
                _ => return Err(cannot_convert(frame, idx, ty)),
            }
            Ok(())
        }
        LuaType::Boolean => {
            let b = frame.stack.boolean(idx);
            match class {
                TypeClass::Int(..) | TypeClass::Bool | TypeClass::Float(_) => {
                    // SAFETY: `dst` is writable for `ty`, whose class this is.
                    unsafe { cvalue::store_num(class, dst, Num::Int(b as i64, false)) }
                }
                _ => return Err(cannot_convert(frame, idx, ty)),
            }
            Ok(())
        }
        LuaType::Nil => match class {
            TypeClass::Ptr(_) => {
                // SAFETY: `dst` is writable for a pointer.
                unsafe { dst.cast::<usize>().write_unaligned(0) };
                Ok(())
            }
            TypeClass::Int(..) | TypeClass::Bool if mode == Mode::Cast => {
                // SAFETY: `dst` is writable for `ty`, whose class this is.
                unsafe { cvalue::store_num(class, dst, Num::Int(0, true)) };
                Ok(())
            }
            _ => Err(cannot_convert(frame, idx, ty)),
        },
        LuaType::String => {
            let bytes = frame.stack.string(idx).unwrap_or(&[]);
            match class {
                TypeClass::Ptr(to) => {
                    let pt = tt.get(to);
                    let charlike = matches!(pt.kind, Kind::Int { size: 1, .. } | Kind::Void);
                    // Implicitly to `const char *` and the like; a cast to any pointer.
                    if !(charlike && pt.qual.is_const() || mode == Mode::Cast) {
                        return Err(cannot_convert(frame, idx, ty));
                    }
                    // SAFETY: `dst` is writable for a pointer.
                    unsafe { dst.cast::<*const u8>().write_unaligned(bytes.as_ptr()) };
                    Ok(())
                }
                TypeClass::Array(e) if matches!(TypeClass::of(tt, e), TypeClass::Int(1, _)) => {
                    // Bytes of storage: the fixed length, or the variable part's.
                    let cap = match tt.get(ty).kind {
                        // A `[0]` member with storage after it (a union's other members):
                        // as much of it as the caller found.
                        Kind::Array(_, ArrayLen::Fixed(0)) if nelem != u32::MAX => nelem as usize,
                        Kind::Array(_, ArrayLen::Fixed(n)) => n as usize,
                        _ if nelem != u32::MAX => nelem as usize,
                        _ => 0,
                    };
                    let n = bytes.len().min(cap);
                    // SAFETY: `dst` is writable for `cap` bytes (the array's fixed length,
                    // or its `nelem` elements of one byte), and `n` <= both.
                    unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, n) };
                    if n < cap {
                        // SAFETY: `n` < `cap`: within the array.
                        unsafe { dst.wrapping_add(n).write(0) };
                    }
                    Ok(())
                }
                TypeClass::Int(..) => {
                    let value = match tt.get(ty).kind {
                        Kind::Enum(e) => enum_value(tt, e, bytes),
                        // A cast of a string to an integer gives its address (LuaJIT).
                        _ if mode == Mode::Cast => Some(bytes.as_ptr() as i64),
                        _ => None,
                    };
                    let Some(v) = value else { return Err(cannot_convert(frame, idx, ty)) };
                    // SAFETY: `dst` is writable for `ty`, whose class this is.
                    unsafe { cvalue::store_num(class, dst, Num::Int(v, true)) };
                    Ok(())
                }
                _ => Err(cannot_convert(frame, idx, ty)),
            }
        }
        LuaType::Table => match class {
            TypeClass::Array(_)
            | TypeClass::Struct(_)
            | TypeClass::Complex(_)
            | TypeClass::Vector(_)
                if mode == Mode::Implicit =>
            {
                // Members the table does not name are zero, as in a fresh object.
                if let Some(n) = tt.size_of(ty) {
                    // SAFETY: `dst` is writable for `ty`'s size.
                    unsafe { core::ptr::write_bytes(dst, 0, n as usize) };
                }
                // SAFETY: `dst` is writable for `ty` and `nelem` elements of its variable
                // part (the caller's contract).
                unsafe { super::init::init_from_table(frame, idx, ty, dst, nelem, depth + 1) }
            }
            _ => Err(cannot_convert(frame, idx, ty)),
        },
        LuaType::LightUserdata | LuaType::Userdata | LuaType::Function => {
            // A C function from a namespace converts as its function cdata.
            if let Some(cd) = frame.cdata(idx) {
                // SAFETY: the caller's contract; `cd` is the cdata at `idx`.
                return unsafe { cdata_to_c(frame, idx, cd, ty, dst, mode) };
            }
            let fty = super::callback::pointed_function(frame.types(), ty);
            match class {
                // A Lua function to a function pointer: a callback (implicit conversions
                // reuse one per function and signature; ffi.cast and ffi.new make one).
                TypeClass::Ptr(_)
                    if fty.is_some() && frame.stack.type_of(idx) == LuaType::Function =>
                {
                    let reuse = mode == Mode::Implicit && !frame.fresh_callbacks;
                    let fty = fty.unwrap_or(ty);
                    // SAFETY: `idx` holds a Lua function; a body's frame.
                    let code = unsafe { super::callback::make(frame, idx, ty, fty, reuse)? };
                    // SAFETY: `dst` is writable for a pointer.
                    unsafe { dst.cast::<usize>().write_unaligned(code) };
                    Ok(())
                }
                TypeClass::Ptr(_) if frame.stack.type_of(idx) != LuaType::Function => {
                    let p = frame.stack.userdata(idx);
                    // SAFETY: `dst` is writable for a pointer.
                    unsafe { dst.cast::<*mut core::ffi::c_void>().write_unaligned(p) };
                    Ok(())
                }
                // A cast of a (light) userdata to an integer gives its address (LuaJIT).
                TypeClass::Int(..)
                    if mode == Mode::Cast && frame.stack.type_of(idx) != LuaType::Function =>
                {
                    let p = frame.stack.userdata(idx) as i64;
                    // SAFETY: `dst` is writable for `ty`, whose class this is.
                    unsafe { cvalue::store_num(class, dst, Num::Int(p, true)) };
                    Ok(())
                }
                _ => Err(cannot_convert(frame, idx, ty)),
            }
        }
        _ => Err(cannot_convert(frame, idx, ty)),
    }
}

/// Stores number `n` into every element of vector `ty` (elements `e`) at `dst`; false
/// when the elements are not numbers.
///
/// # Safety
/// `dst` is writable for `ty`.
unsafe fn fill_vector(tt: &CTypeTable, ty: CTypeId, e: CTypeId, dst: *mut u8, n: Num) -> bool {
    let ec = TypeClass::of(tt, e);
    if !ec.is_number() {
        return false;
    }
    let es = tt.size_of(e).unwrap_or(0) as usize;
    let total = tt.size_of(ty).unwrap_or(0) as usize;
    let mut o = 0;
    while es > 0 && o + es <= total {
        // SAFETY: element `o / es` lies within the vector at `dst` (the caller's contract).
        unsafe { cvalue::store_num(ec, dst.wrapping_add(o), n) };
        o += es;
    }
    true
}

/// Converts the value at `idx` to `ty`, a reference or a 32-bit pointer to `to`, as
/// LuaJIT does: by the rules for a pointer to `to` with `ty`'s qualifiers (the address of
/// an array's elements or of a struct, a pointer's value; qualifiers may be added, not
/// dropped), storing the address's low `width` bytes (8, or 4 for `T *__ptr32`). Errors
/// name `ty`.
///
/// # Safety
/// `dst` is writable for `width` (at most 8) bytes.
#[cold]
unsafe fn address_to_c<V: Vm>(
    frame: &mut Frame<V>,
    idx: c_int,
    (ty, to): (CTypeId, CTypeId),
    dst: *mut u8,
    mode: Mode,
    width: usize,
) -> Result<(), Raise> {
    let tt = frame.types();
    let qual = tt.get(ty).qual;
    let p = tt.ptr_to(to);
    let p = tt.qualified(p, qual);
    let mut tmp = [0u8; 8];
    // SAFETY: `tmp` holds a pointer.
    let r = unsafe { to_c_nested(frame, idx, p, tmp.as_mut_ptr(), mode, u32::MAX, 0) };
    r.map_err(|_| cannot_convert(frame, idx, ty))?;
    // SAFETY: `dst` is writable for `width` <= 8 bytes (the caller's contract).
    unsafe { core::ptr::copy_nonoverlapping(tmp.as_ptr(), dst, width.min(8)) };
    Ok(())
}

/// Converts a cdata to C type `ty`.
///
/// # Safety
/// As for [`to_c`]; `cd` is the cdata at `idx`.
unsafe fn cdata_to_c<V: Vm>(
    frame: &mut Frame<V>,
    idx: c_int,
    cd: Cdata,
    ty: CTypeId,
    dst: *mut u8,
    mode: Mode,
) -> Result<(), Raise> {
    if cd.is_ctype() {
        return Err(cannot_convert(frame, idx, ty));
    }
    let tt = frame.types();
    let (mut sty, mut src) = cd.data(tt);
    // A 32-bit pointer converts as the 64-bit pointer it zero-extends to.
    let mut wide = [0u8; 8];
    if let Kind::Ptr32(to) = tt.get(sty).kind {
        // SAFETY: `src` holds a 32-bit pointer; `wide` has room for its 4 bytes.
        unsafe { core::ptr::copy_nonoverlapping(src, wide.as_mut_ptr(), 4) };
        let q = tt.get(sty).qual;
        let p = tt.ptr_to(to);
        sty = tt.qualified(p, q);
        src = wide.as_mut_ptr();
    }
    let (sc, dc) = (TypeClass::of(tt, sty), TypeClass::of(tt, ty));
    let implicit = mode == Mode::Implicit;
    // Throughout: `src` holds a value of `sty` (the cdata's payload or the memory its
    // reference names) and `dst` is writable for `ty` (the caller's contract).
    let ok = match (sc, dc) {
        (
            TypeClass::Int(..) | TypeClass::Bool | TypeClass::Float(_),
            TypeClass::Int(..) | TypeClass::Bool | TypeClass::Float(_) | TypeClass::Complex(_),
        ) => {
            // SAFETY: `src` holds a number of class `sc` (a value of `sty`).
            let n = unsafe { cvalue::load_num(sc, src) }.unwrap_or(Num::Int(0, true));
            // SAFETY: `dst` is writable for `ty`, whose class is `dc`.
            unsafe { cvalue::store_num(dc, dst, n) };
            true
        }
        (TypeClass::Complex(a), TypeClass::Complex(b)) => {
            // SAFETY: `src` holds a complex with parts of `a` bytes (a value of `sty`).
            let (re, im) = unsafe { cvalue::load_complex(a, src) };
            // SAFETY: `dst` is writable for `ty`, a complex with parts of `b` bytes.
            unsafe { cvalue::store_complex(b, dst, re, im) };
            true
        }
        // A complex number converts to a real type as its real part (LuaJIT; `bool` only by
        // a cast).
        (TypeClass::Complex(a), TypeClass::Int(..) | TypeClass::Float(_))
        | (TypeClass::Complex(a), TypeClass::Bool)
            if !implicit || !matches!(dc, TypeClass::Bool) =>
        {
            // SAFETY: `src` holds a complex with parts of `a` bytes (a value of `sty`).
            let (re, _) = unsafe { cvalue::load_complex(a, src) };
            // SAFETY: `dst` is writable for `ty`, whose class is `dc`.
            unsafe { cvalue::store_num(dc, dst, Num::Float(re)) };
            true
        }
        (TypeClass::Ptr(from), TypeClass::Ptr(to)) => {
            let ok = !implicit || ptr_compatible(tt, from, to);
            if ok {
                // SAFETY: `src` holds a pointer (8 bytes) and `dst` is writable for one.
                unsafe { core::ptr::copy_nonoverlapping(src, dst, 8) };
            }
            ok
        }
        (TypeClass::Array(e), TypeClass::Ptr(to)) => {
            let ok = !implicit || ptr_compatible(tt, e, to);
            if ok {
                // SAFETY: `dst` is writable for `ty`, a pointer (8 bytes).
                unsafe { dst.cast::<*mut u8>().write_unaligned(src) };
            }
            ok
        }
        (TypeClass::Struct(_), TypeClass::Ptr(to)) => {
            // The struct's own qualifiers do not count (LuaJIT): a `const` struct passes
            // as `void *` or as a pointer to its unqualified type.
            let ok = !implicit
                || matches!(tt.get(to).kind, Kind::Void)
                || tt.get(to).kind == tt.get(sty).kind;
            if ok {
                // SAFETY: `dst` is writable for `ty`, a pointer (8 bytes).
                unsafe { dst.cast::<*mut u8>().write_unaligned(src) };
            }
            ok
        }
        (TypeClass::Func, TypeClass::Ptr(to)) => {
            let ok = !implicit || ptr_compatible(tt, sty, to);
            if ok {
                // SAFETY: a function cdata holds its address (8 bytes at `src`); `dst` is
                // writable for a pointer.
                unsafe { core::ptr::copy_nonoverlapping(src, dst, 8) };
            }
            ok
        }
        (TypeClass::Ptr(_) | TypeClass::Func, TypeClass::Int(..)) if !implicit => {
            // SAFETY: `src` holds an address (a pointer, or a function cdata's address).
            let v = unsafe { src.cast::<u64>().read_unaligned() };
            // SAFETY: `dst` is writable for `ty`, an integer of class `dc`.
            unsafe { cvalue::store_num(dc, dst, Num::Int(v as i64, false)) };
            true
        }
        (TypeClass::Array(_), TypeClass::Int(..)) if !implicit => {
            // SAFETY: `dst` is writable for `ty`, an integer of class `dc`.
            unsafe { cvalue::store_num(dc, dst, Num::Int(src as i64, false)) };
            true
        }
        (TypeClass::Int(..), TypeClass::Ptr(_)) if !implicit => {
            // SAFETY: `src` holds an integer of class `sc` (a value of `sty`).
            let n = unsafe { cvalue::load_num(sc, src) }.unwrap_or(Num::Int(0, true));
            // SAFETY: `dst` is writable for `ty`, a pointer (8 bytes).
            unsafe { dst.cast::<u64>().write_unaligned(n.to_u64()) };
            true
        }
        // A number fills every element of a vector (LuaJIT: a complex number by its real
        // part).
        (
            TypeClass::Int(..) | TypeClass::Float(_) | TypeClass::Complex(_),
            TypeClass::Vector(e),
        ) => {
            let n = match sc {
                TypeClass::Complex(a) => {
                    // SAFETY: `src` holds a complex with parts of `a` bytes.
                    Num::Float(unsafe { cvalue::load_complex(a, src) }.0)
                }
                // SAFETY: `src` holds a number of class `sc` (a value of `sty`).
                _ => unsafe { cvalue::load_num(sc, src) }.unwrap_or(Num::Int(0, true)),
            };
            // SAFETY: `dst` is writable for the vector `ty` of elements `e`.
            unsafe { fill_vector(tt, ty, e, dst, n) }
        }
        // Vectors of one size convert to each other bit for bit (LuaJIT).
        (TypeClass::Vector(_), TypeClass::Vector(_)) => {
            let size = tt.size_of(ty).filter(|&n| Some(n) == tt.size_of(sty));
            if let Some(n) = size {
                // SAFETY: `src` holds and `dst` has room for `n` bytes (both vectors have
                // this size); `copy` allows them to overlap.
                unsafe { core::ptr::copy(src, dst, n as usize) };
            }
            size.is_some()
        }
        (
            TypeClass::Array(_) | TypeClass::Struct(_) | TypeClass::Vector(_),
            TypeClass::Array(_) | TypeClass::Struct(_) | TypeClass::Vector(_),
        ) => {
            // The same type (arrays: the same element type and length), of a known size:
            // a variable-length array or struct converts to nothing, as in LuaJIT.
            let same = match (sc, dc) {
                (TypeClass::Array(_), TypeClass::Array(_)) => same_array(tt, sty, ty),
                _ => tt.unqualified(sty) == tt.unqualified(ty),
            };
            let size = tt.size_of(ty).filter(|_| same && !is_variable(tt, ty));
            if let Some(n) = size {
                // SAFETY: `src` holds and `dst` has room for an object of this size (both
                // are of the same fixed-size type); `copy` allows them to overlap.
                unsafe { core::ptr::copy(src, dst, n as usize) };
            }
            size.is_some()
        }
        // A `long double` is copied into a `long double` (the one conversion LuaJIT has
        // for it; both are of class `Other`).
        (TypeClass::Other, TypeClass::Other)
            if matches!(
                (tt.get(sty).kind, tt.get(ty).kind),
                (Kind::Float(FloatKind::LongDouble), Kind::Float(FloatKind::LongDouble))
            ) =>
        {
            let n = tt.size_of(ty).unwrap_or(0) as usize;
            // SAFETY: `src` holds and `dst` has room for a `long double` (`n` bytes).
            unsafe { core::ptr::copy(src, dst, n) };
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(cannot_convert(frame, idx, ty))
    }
}

/// Pushes a plain scalar.
///
/// # Safety
/// `at` holds a value of `kind`.
#[inline(always)]
pub(crate) unsafe fn push_scalar<V: Vm>(stack: &FrameStack<V>, kind: ScalarKind, at: *const u8) {
    // SAFETY: the caller's contract.
    match (kind, unsafe { kind.load(at) }) {
        (ScalarKind::Bool, n) => stack.push_boolean(n.is_nonzero()),
        (_, Num::Float(f)) => stack.push_number(f),
        (_, Num::Int(v, _)) => stack.push_integer(v),
    }
}

/// How a C value becomes a Lua value.
pub(crate) enum ToLua {
    /// Already pushed (a number, integer or boolean).
    Pushed,
    /// Needs a new cdata (a 64-bit integer, enum, pointer, complex number, or a reference
    /// to an aggregate).
    Box(Boxed),
}

/// The Lua value of the C value of type `ty` at `src` (LuaJIT's "C types to Lua
/// objects"): numbers for scalars up to 32 bits and floats, booleans, boxed cdata for
/// 64-bit integers, enums, pointers and complex numbers, references for aggregates.
/// Numbers and booleans are pushed at once.
///
/// # Safety
/// `src` is readable for the type (an aggregate's address is only taken, not read).
pub(crate) unsafe fn to_lua<V: Vm>(
    frame: &mut Frame<V>,
    ty: CTypeId,
    src: *const u8,
) -> Result<ToLua, Raise> {
    let tt = frame.context.types();
    let ty = deref_ty(tt, ty);
    if let Some(kind) = ScalarKind::unboxed(tt, ty) {
        // SAFETY: `src` holds a value of `ty`, whose kind this is (the caller's contract).
        unsafe { push_scalar(&frame.stack, kind, src) };
        return Ok(ToLua::Pushed);
    }
    let class = TypeClass::of(tt, ty);
    Ok(match class {
        // The other scalars are boxed: 64-bit integers, enums (LuaJIT reads enum values as
        // cdata), pointers and complex numbers (plain numbers and booleans were pushed).
        TypeClass::Int(..)
        | TypeClass::Bool
        | TypeClass::Float(_)
        | TypeClass::Ptr(_)
        | TypeClass::Ptr32(_)
        | TypeClass::Complex(_) => {
            let u = tt.unqualified(ty);
            let size = tt.size_of(u).unwrap_or(8) as usize;
            // SAFETY: `src` holds a value of the type's size (the caller's contract).
            ToLua::Box(unsafe { Boxed::copy(u, src, size, tt.align_of(u) as usize) })
        }
        TypeClass::Array(_) | TypeClass::Struct(_) | TypeClass::Vector(_) | TypeClass::Func => {
            ToLua::Box(Boxed::address(tt.ref_to(ty), src as usize))
        }
        TypeClass::Other => {
            // LuaJIT names the number type a `long double` would have to become.
            let to = match tt.get(ty).kind {
                Kind::Float(_) => "double",
                Kind::Complex(_) => "complex",
                _ => "lua object",
            };
            return Err(Error::new(format!("cannot convert '{}' to '{to}'", tt.repr(ty))).into());
        }
    })
}

/// Returns the Lua value of the C value at `src` as the body's one result.
///
/// # Safety
/// As for [`to_lua`].
pub(crate) unsafe fn return_value<V: Vm>(
    frame: &mut Frame<V>,
    ty: CTypeId,
    src: *const u8,
) -> Result<Outcome, Raise> {
    // SAFETY: the caller's contract.
    Ok(match unsafe { to_lua(frame, ty, src)? } {
        ToLua::Pushed => Outcome::Return(1),
        ToLua::Box(b) => Outcome::Then(Action::Box(b), Next::Return(1)),
    })
}

/// Returns `text` as the body's one result: inline when short, else pushed in protected
/// mode.
pub(crate) fn return_text<V: Vm>(frame: &mut Frame<V>, text: &[u8]) -> Result<Outcome, Raise> {
    if let Some(o) = frame.text_result(text) {
        return Ok(o);
    }
    let mut push = |lua: crate::luaapi::Lua| {
        // SAFETY: inside the protected trampoline; this closure borrows `text` and owns
        // nothing.
        unsafe { lua.push_bytes(text) };
        1
    };
    // SAFETY: the operation cannot panic and owns nothing.
    unsafe { frame.protected(&[], &mut push)? };
    Ok(Outcome::Return(1))
}
