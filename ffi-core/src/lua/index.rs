//! `__index` and `__newindex`: one resolver for `obj[key]`.
//!
//! [`resolve`] fetches the cdata and the key once and returns where the access lands. Its
//! first arm is the hot one: a scalar member of a struct (or of the struct a pointer
//! points to) named by a string key, found in the member cache by the key string's
//! address, or a scalar element of an array or pointer indexed by an integer. Both end in
//! [`Place::Scalar`], which loads or stores with one [`ScalarKind`] operation and pushes
//! or reads a plain Lua number. Everything else (boxed values, bitfields, scoped
//! constants, complex parts, nested aggregates) takes the general arms, and a miss falls
//! back to the metatype's `__index`/`__newindex`, as in LuaJIT.

use super::cdata::Cdata;
use super::context::{MemberCache, MemberSlot};
use super::convert::{self, Mode};
use super::frame::{Action, ContextRef, Frame, FrameStack, Next, Outcome, Raise, Step};
use super::meta::{push_metamethod, Metamethod};
use super::upvalues;
use crate::ctype::{ArrayLen, BitPos, CTypeId, FloatKind, Kind};
use crate::cvalue::{self, Num, ScalarKind, TypeClass};
use crate::error::{msg, Error};
use crate::luaapi::{LuaType, Vm};
use crate::table::CTypeTable;
use alloc::format;
use alloc::string::String;
use core::ffi::c_int;

/// Where `obj[key]` lands.
enum Place {
    /// A scalar that reads and writes as a plain Lua number or boolean.
    Scalar { kind: ScalarKind, ty: CTypeId, at: *mut u8, konst: bool },
    /// A value of this type at this address (const if `konst`).
    Value { ty: CTypeId, at: *mut u8, konst: bool },
    /// A bitfield of the given declared type.
    Bits { ty: CTypeId, bits: BitPos, at: *mut u8, konst: bool },
    /// A scoped `static const`.
    Const { ty: CTypeId, value: i64 },
    /// Part of a complex number (read-only).
    ComplexPart { float: bool, at: *mut u8 },
    /// The key string must be anchored for member-cache slot `slot` before the lookup can
    /// be cached; then resolve again.
    Anchor { slot: usize },
    /// No predefined meaning: the metatype decides.
    Missing,
}

/// An element index from a Lua number (integral or not) or an integer cdata.
pub(crate) fn index_key<V: Vm>(frame: &mut Frame<V>, idx: c_int) -> Option<i64> {
    match frame.stack.type_of(idx) {
        LuaType::Number => {
            Some(frame.stack.integer(idx).unwrap_or_else(|| cvalue::d2i64(frame.stack.number(idx))))
        }
        LuaType::Userdata => {
            let c = frame.cdata(idx).filter(|c| !c.is_ctype())?;
            let tt = frame.types();
            let (ty, p) = c.data(tt);
            // SAFETY: `p` holds a value of `ty` (the cdata's payload or what its reference
            // names).
            unsafe { cvalue::load_num(TypeClass::of(tt, ty), p) }.map(Num::to_i64)
        }
        _ => None,
    }
}

/// Resolves `cd[key]` (the key at index 2) for the predefined operations. Addresses are
/// computed as C would (wrapping); nothing is read here but a pointer cdata's value.
#[inline(always)]
fn resolve<V: Vm>(frame: &mut Frame<V>, cd: Cdata) -> Result<Place, Raise> {
    let (key_type, key_str) = frame.stack.key(2);
    let tt = frame.context.types();
    let (ty, p) = cd.data(tt);
    let (kind, konst) = (tt.get(ty).kind, tt.get(ty).qual.is_const());
    match kind {
        Kind::Struct(_) if key_type == LuaType::String => {
            member(&mut frame.context, &frame.stack, ty, p, konst, key_str.unwrap_or(&[]))
        }
        Kind::Ptr(to) | Kind::Ptr32(to) | Kind::Array(to, _) | Kind::Vector(to, _) => {
            let is_ptr = matches!(kind, Kind::Ptr(_) | Kind::Ptr32(_));
            let base = match kind {
                // SAFETY: a pointer cdata's value is an address.
                Kind::Ptr(_) => unsafe { p.cast::<*mut u8>().read_unaligned() },
                // SAFETY: a 32-bit pointer cdata's value is an address's low 32 bits.
                Kind::Ptr32(_) => (unsafe { p.cast::<u32>().read_unaligned() }) as usize as *mut u8,
                _ => p,
            };
            if key_type == LuaType::String {
                let (target_kind, target_konst) = (tt.get(to).kind, tt.get(to).qual.is_const());
                if is_ptr && matches!(target_kind, Kind::Struct(_)) {
                    let key = key_str.unwrap_or(&[]);
                    return member(&mut frame.context, &frame.stack, to, base, target_konst, key);
                }
                return Ok(Place::Missing);
            }
            // Integer keys on arrays and pointers of plain scalars: the hot path.
            if key_type == LuaType::Number && !matches!(kind, Kind::Vector(..)) {
                if let (Some(kind), Some(k)) = (ScalarKind::unboxed(tt, to), frame.stack.integer(2))
                {
                    let es = kind.size() as isize;
                    let at = base.wrapping_offset((k as isize).wrapping_mul(es));
                    return Ok(Place::Scalar {
                        kind,
                        ty: to,
                        at,
                        konst: tt.get(to).qual.is_const(),
                    });
                }
            }
            let Some(k) = index_key(frame, 2) else { return Ok(Place::Missing) };
            let tt = frame.types();
            let es = tt.size_of(to).ok_or_else(|| Error::new(msg::TOO_LARGE))?;
            let at = base.wrapping_offset((k as isize).wrapping_mul(es as isize));
            let konst = tt.get(to).qual.is_const() || matches!(kind, Kind::Vector(..));
            Ok(Place::Value { ty: to, at, konst })
        }
        Kind::Complex(f) => {
            let float = f == FloatKind::Float;
            let which = match key_type {
                LuaType::String => match key_str {
                    Some(b"re") => Some(0),
                    Some(b"im") => Some(1),
                    _ => None,
                },
                _ => index_key(frame, 2).filter(|k| *k == 0 || *k == 1),
            };
            let part = if float { 4 } else { 8 };
            Ok(match which {
                Some(w) => Place::ComplexPart { float, at: p.wrapping_add(w as usize * part) },
                None => Place::Missing,
            })
        }
        _ => Ok(Place::Missing),
    }
}

/// Member `key` (the string at index 2) of struct `sty` at `base`: from the member cache,
/// or looked up and cached (once the key string is anchored), or a scoped constant.
#[inline(always)]
fn member<V: Vm>(
    context: &mut ContextRef,
    stack: &FrameStack<V>,
    sty: CTypeId,
    base: *mut u8,
    konst: bool,
    key: &[u8],
) -> Result<Place, Raise> {
    let addr = key.as_ptr() as usize;
    let slot = match context.get().members.hit(sty, addr) {
        Some(slot) => slot,
        None => match lookup_member(context, stack, sty, key, addr) {
            Ok(slot) => slot,
            Err(place) => return Ok(place),
        },
    };
    let at = base.wrapping_add(slot.info.offset as usize);
    let konst = konst || slot.konst;
    Ok(match (slot.scalar, slot.info.bits) {
        (Some(kind), _) => Place::Scalar { kind, ty: slot.info.ty, at, konst },
        (None, Some(bits)) => Place::Bits { ty: slot.info.ty, bits, at, konst },
        (None, None) => Place::Value { ty: slot.info.ty, at, konst },
    })
}

/// For a reference member (`ty` is `T &`, `at` its storage): the object it refers to,
/// which reads and writes reach (LuaJIT). `None` for every other type.
///
/// # Safety
/// `at` holds a value of `ty` (for a reference: an address).
unsafe fn referenced(tt: &CTypeTable, ty: CTypeId, at: *mut u8) -> Option<(CTypeId, *mut u8)> {
    let Kind::Ref(to) = tt.get(ty).kind else { return None };
    // SAFETY: a reference's storage holds an address (the caller's contract).
    Some((to, unsafe { at.cast::<*mut u8>().read_unaligned() }))
}

/// A member-cache miss: finds the member and caches it, or says what else the key means.
#[inline(never)]
fn lookup_member<V: Vm>(
    context: &mut ContextRef,
    stack: &FrameStack<V>,
    sty: CTypeId,
    key: &[u8],
    addr: usize,
) -> Result<MemberSlot, Place> {
    let tt = context.types();
    let found = tt.names().get_bytes(key).and_then(|n| tt.field_and_constness(sty, n));
    let Some((info, via_const)) = found else {
        let scoped = core::str::from_utf8(key).ok().and_then(|name| tt.scoped_const(sty, name));
        return Err(match scoped {
            Some((ty, value)) => Place::Const { ty, value },
            None => Place::Missing,
        });
    };
    let scalar = if info.bits.is_some() { None } else { ScalarKind::unboxed(tt, info.ty) };
    let konst = tt.get(info.ty).qual.is_const() || via_const;
    let i = MemberCache::slot_index(sty, addr);
    stack.raw_geti(stack.upvalue(upvalues::ANCHORS), i as i64 + 1);
    let anchored = stack.raw_equal(-1, 2);
    stack.pop(1);
    if !anchored {
        return Err(Place::Anchor { slot: i });
    }
    let slot = MemberSlot { struct_ty: sty.index(), key: addr, info, scalar, konst };
    context.get().members.fill(i, slot);
    Ok(slot)
}

/// The error for a failed lookup on a cdata of type `ty` with the key at index 2.
fn no_member<V: Vm>(frame: &mut Frame<V>, ty: CTypeId) -> Raise {
    let tt = frame.context.types();
    let ty = convert::deref_ty(tt, ty);
    let shown = match tt.get(ty).kind {
        Kind::Ptr(to) if matches!(tt.get(to).kind, Kind::Struct(_)) => to,
        _ => ty,
    };
    // LuaJIT names a struct without its qualifiers.
    let shown = match tt.get(shown).kind {
        Kind::Struct(_) => tt.unqualified(shown),
        _ => shown,
    };
    let ty = match tt.get(ty).kind {
        Kind::Struct(_) => tt.unqualified(ty),
        _ => ty,
    };
    match frame.stack.string(2) {
        Some(key) => {
            let key = String::from_utf8_lossy(key).into_owned();
            Error::new(format!("'{}' has no member named '{}'", frame.types().repr(shown), key))
                .into()
        }
        None => {
            let k = convert::op_value_name(frame, 2);
            Error::new(format!("'{}' cannot be indexed with '{}'", frame.types().repr(ty), k))
                .into()
        }
    }
}

/// Phase of [`index`] after a metatype's `__index` table was read.
const CHECK_TABLE_RESULT: u8 = 1;

/// `__index`.
///
/// # Safety
/// Called by `run` with the object at 1 and the key at 2. Reading through a pointer
/// cdata trusts its address, as C (and LuaJIT) do.
#[inline(always)]
pub(crate) unsafe fn index<V: Vm>(frame: &mut Frame<V>, step: Step) -> Result<Outcome, Raise> {
    let Some(cd) = frame.cdata(1) else {
        return Err(Error::new("bad argument #1 (cdata expected)").into());
    };
    if step.phase == CHECK_TABLE_RESULT {
        // A key missing from an __index table is an error in LuaJIT.
        if frame.stack.type_of(-1) == LuaType::Nil {
            return Err(no_member(frame, cd.named_type()));
        }
        return Ok(Outcome::Return(1));
    }
    if cd.is_ctype() {
        let target = cd.ctype_target();
        let scoped = match frame.stack.string(2) {
            Some(key) => core::str::from_utf8(key)
                .ok()
                .and_then(|n| frame.context.types().scoped_const(target, n)),
            None => None,
        };
        if let Some((ty, v)) = scoped {
            let buf = v.to_le_bytes();
            // SAFETY: `buf` holds the constant in 8 bytes, enough for any integer type.
            return unsafe { convert::return_value(frame, ty, buf.as_ptr()) };
        }
        return index_metatype(frame, target);
    }
    // Throughout: the addresses come from `resolve`: the cdata's own payload, or
    // addresses Lua code handed over (pointers), which C semantics trust.
    match resolve(frame, cd)? {
        Place::Scalar { kind, at, .. } => {
            // SAFETY: `at` holds a value of `kind` (from `resolve`: a payload or a C address).
            unsafe { convert::push_scalar(&frame.stack, kind, at) };
            Ok(Outcome::Return(1))
        }
        // SAFETY: `at` holds a value of `ty` (from `resolve`: a payload or a C address).
        // SAFETY: `at` holds a value of `ty` (from `resolve`: a payload or a C address).
        Place::Value { ty, at, .. } => unsafe { load_value(frame, ty, at) },
        Place::Bits { ty, bits, at, .. } => {
            let tt = frame.context.types();
            let signed = matches!(TypeClass::of(tt, ty), TypeClass::Int(_, true));
            // SAFETY: `at` comes from `resolve`; the bitfield's bytes lie in its container.
            let v = unsafe { cvalue::load_bits(signed, at, bits) };
            if matches!(tt.get(ty).kind, Kind::Bool) {
                frame.stack.push_boolean(v != 0);
            } else {
                frame.stack.push_integer(v);
            }
            Ok(Outcome::Return(1))
        }
        Place::Const { ty, value } => {
            let buf = value.to_le_bytes();
            // SAFETY: `buf` holds the constant in 8 bytes, enough for any integer type.
            unsafe { convert::return_value(frame, ty, buf.as_ptr()) }
        }
        Place::ComplexPart { float, at } => {
            let v = if float {
                // SAFETY: `at` is a `float` part of a complex number `resolve` found.
                unsafe { at.cast::<f32>().read_unaligned() as f64 }
            } else {
                // SAFETY: `at` is a `double` part of a complex number `resolve` found.
                unsafe { at.cast::<f64>().read_unaligned() }
            };
            frame.stack.push_number(v);
            Ok(Outcome::Return(1))
        }
        Place::Anchor { slot } => {
            Ok(Outcome::Then(Action::AnchorKey { slot, key: 2 }, Next::Resume(step)))
        }
        Place::Missing => {
            if super::callback::push_method(frame, cd.ty()) {
                return Ok(Outcome::Return(1));
            }
            index_metatype(frame, cd.ty())
        }
    }
}

/// `obj[key]` for a [`Place::Value`] of type `ty` at `at` (a reference member reads what
/// it refers to). Kept out of `index` so that the scalar path stays short.
///
/// # Safety
/// `at` holds a value of `ty` (from `resolve`).
#[inline(never)]
unsafe fn load_value<V: Vm>(
    frame: &mut Frame<V>,
    ty: CTypeId,
    at: *mut u8,
) -> Result<Outcome, Raise> {
    // SAFETY: the caller's contract.
    let (ty, at) = unsafe { referenced(frame.types(), ty, at) }.unwrap_or((ty, at));
    // SAFETY: `at` holds a value of `ty` (the caller's, or what the reference names).
    unsafe { convert::return_value(frame, ty, at) }
}

/// `obj[key] = v` for a [`Place::Value`] of type `ty` at `at` inside (or through) `cd`:
/// references write through, whole structs with const members and const places refuse,
/// and a member array without a length of its own takes what its object holds. Kept out
/// of `newindex` so that the scalar path stays short.
///
/// # Safety
/// `at` holds a value of `ty` (from `resolve`).
#[inline(never)]
unsafe fn store_value<V: Vm>(
    frame: &mut Frame<V>,
    cd: Cdata,
    ty: CTypeId,
    at: *mut u8,
    konst: bool,
) -> Result<Outcome, Raise> {
    const WRITE_CONST: &str = "attempt to write to constant location";
    // A reference member: the store goes to what it refers to, const by its own type.
    // SAFETY: the caller's contract.
    let (ty, at, konst) = match unsafe { referenced(frame.types(), ty, at) } {
        Some((to, target)) => (to, target, frame.types().get(to).qual.is_const()),
        None => (ty, at, konst),
    };
    if konst || frame.types().has_const_member(ty) {
        return Err(Error::new(WRITE_CONST).into());
    }
    let room = room_after(frame, cd, ty, at);
    // SAFETY: `at` holds a value of `ty` (the caller's contract, or what the reference
    // names), and a member array without a length of its own has `room` elements of its
    // object after it (0 outside `cd`'s object).
    unsafe { convert::to_c_nested(frame, 3, ty, at, Mode::Implicit, room, 0)? };
    Ok(Outcome::Return(0))
}

/// For a member array of no length of its own (`[0]`, `[]`, a VLS's `[?]`) at `at`
/// inside the object `cd` holds or points to: how many bytes of that object follow it,
/// so that a string or table stored there is copied as far as the object reaches (LuaJIT
/// copies a string whole), in elements. `u32::MAX` (no variable part) for every other
/// type.
#[cold]
fn room_after<V: Vm>(frame: &mut Frame<V>, cd: Cdata, ty: CTypeId, at: *mut u8) -> u32 {
    let tt = frame.types();
    let elem = match tt.get(ty).kind {
        Kind::Array(e, len) if len == ArrayLen::Fixed(0) || !matches!(len, ArrayLen::Fixed(_)) => e,
        _ => return u32::MAX,
    };
    let es = tt.size_of(elem).unwrap_or(0).max(1) as usize;
    let (oty, p) = cd.data(tt);
    let (start, size) = match tt.get(oty).kind {
        // SAFETY: a pointer cdata's value is an address.
        Kind::Ptr(to) => (unsafe { p.cast::<*mut u8>().read_unaligned() }, tt.size_of(to)),
        _ if oty == cd.ty() && cd.nelem() > 0 => {
            let vls = super::library::vla_elem(tt, oty);
            (p, vls.map(|(fixed, es)| fixed + es * cd.nelem() as u64))
        }
        _ => (p, tt.size_of(oty)),
    };
    let (start, end) = (start as usize, start as usize + size.unwrap_or(0) as usize);
    let at = at as usize;
    if at < start || at > end {
        return 0;
    }
    ((end - at) / es).min(u32::MAX as usize - 1) as u32
}

/// The metatype's `__index` for a key with no predefined meaning (object at 1, key at
/// 2): `f(obj, key)` or `tbl[key]`.
fn index_metatype<V: Vm>(frame: &mut Frame<V>, ty: CTypeId) -> Result<Outcome, Raise> {
    if !push_metamethod(frame, ty, Metamethod::Index) {
        return Err(no_member(frame, ty));
    }
    if frame.stack.type_of(-1) == LuaType::Function {
        frame.stack.push_copy(1);
        frame.stack.push_copy(2);
        return Ok(Outcome::Then(Action::Call { nargs: 2, nresults: 1 }, Next::Return(1)));
    }
    frame.stack.push_copy(2);
    Ok(Outcome::Then(Action::GetTable, Next::Resume(Step::phase(CHECK_TABLE_RESULT))))
}

/// `__newindex`.
///
/// # Safety
/// Called by `run` with the object at 1, the key at 2 and the value at 3. Writing through
/// a pointer cdata trusts its address, as C (and LuaJIT) do.
#[inline(always)]
pub(crate) unsafe fn newindex<V: Vm>(frame: &mut Frame<V>, step: Step) -> Result<Outcome, Raise> {
    const WRITE_CONST: &str = "attempt to write to constant location";
    let Some(cd) = frame.cdata(1) else {
        return Err(Error::new("bad argument #1 (cdata expected)").into());
    };
    if !cd.is_ctype() {
        // Throughout: the addresses come from `resolve` (see `index`).
        match resolve(frame, cd)? {
            Place::Scalar { kind, ty, at, konst } => {
                if konst {
                    return Err(Error::new(WRITE_CONST).into());
                }
                if frame.stack.type_of(3) == LuaType::Number && kind != ScalarKind::Bool {
                    // SAFETY: `at` (from `resolve`) holds a value of `kind`.
                    unsafe { kind.store(at, frame.stack.num_for(3, kind)) };
                } else {
                    // SAFETY: `at` (from `resolve`) holds a value of `ty`.
                    unsafe { convert::to_c(frame, 3, ty, at, Mode::Implicit)? };
                }
                return Ok(Outcome::Return(0));
            }
            Place::Value { ty, at, konst } => {
                // SAFETY: `at` (from `resolve`) holds a value of `ty`.
                return unsafe { store_value(frame, cd, ty, at, konst) };
            }
            Place::Bits { ty, bits, at, konst } => {
                if konst {
                    return Err(Error::new(WRITE_CONST).into());
                }
                let mut tmp = [0u8; 8];
                // SAFETY: `tmp` holds any bitfield's declared type (at most 8 bytes).
                unsafe { convert::to_c(frame, 3, ty, tmp.as_mut_ptr(), Mode::Implicit)? };
                // SAFETY: `at` comes from `resolve`; the bitfield's bytes lie in its container.
                unsafe { cvalue::store_bits(at, bits, u64::from_le_bytes(tmp)) };
                return Ok(Outcome::Return(0));
            }
            Place::Const { .. } | Place::ComplexPart { .. } => {
                return Err(Error::new(WRITE_CONST).into())
            }
            Place::Anchor { slot } => {
                return Ok(Outcome::Then(Action::AnchorKey { slot, key: 2 }, Next::Resume(step)));
            }
            Place::Missing => {}
        }
    }
    let ty = cd.named_type();
    if push_metamethod(frame, ty, Metamethod::Newindex) {
        if frame.stack.type_of(-1) == LuaType::Function {
            frame.stack.push_copy(1);
            frame.stack.push_copy(2);
            frame.stack.push_copy(3);
            return Ok(Outcome::Then(Action::Call { nargs: 3, nresults: 0 }, Next::Return(0)));
        }
        frame.stack.push_copy(2);
        frame.stack.push_copy(3);
        return Ok(Outcome::Then(Action::SetTable, Next::Return(0)));
    }
    // A const struct refuses any write before its members are looked at (LuaJIT).
    if !cd.is_ctype() {
        let tt = frame.types();
        let (dty, _) = cd.data(tt);
        let target = match tt.get(dty).kind {
            Kind::Ptr(to) => to,
            _ => dty,
        };
        if matches!(tt.get(target).kind, Kind::Struct(_)) && tt.get(target).qual.is_const() {
            return Err(Error::new(WRITE_CONST).into());
        }
    }
    Err(no_member(frame, ty))
}
