//! The `ffi.*` functions (LuaJIT's `doc/ext_ffi_api.html`), as bodies for [`super::frame::run`].

use super::cdata::{self, Boxed};
use super::context::RecentTypeString;
use super::convert::{self, Mode};
use super::frame::{Action, Frame, Next, Outcome, Raise, Step};
use super::init::{self, too_many};
use super::meta::{push_metamethod, Metamethod};
use super::upvalues;
use crate::ctype::{ArrayLen, CTypeId, FloatKind, Kind};
use crate::cvalue::{self, Num, TypeClass};
use crate::error::{msg, Error};
use crate::luaapi::{LuaType, Vm};
use crate::table::{ids, CTypeTable, Param};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::c_int;

/// `bad argument #n to 'fname' (msg)`.
pub(crate) fn bad_arg(n: c_int, fname: &str, m: &str) -> Raise {
    Error::new(format!("bad argument #{n} to '{fname}' ({m})")).into()
}

/// `bad argument #n to 'fname' (<what> expected, got <type>)`.
pub(crate) fn expected<V: Vm>(frame: &Frame<V>, n: c_int, fname: &str, what: &str) -> Raise {
    let got = frame.stack.type_of(n).name();
    bad_arg(n, fname, &format!("{what} expected, got {got}"))
}

/// `bad argument #n to 'fname' (value expected)` when argument `n` is absent.
fn need_value<V: Vm>(frame: &Frame<V>, n: c_int, fname: &str) -> Result<(), Raise> {
    if frame.stack.type_of(n) == LuaType::None {
        return Err(bad_arg(n, fname, "value expected"));
    }
    Ok(())
}

/// The C type named by the argument at `idx`: a type string, a ctype or a cdata.
pub(crate) fn check_ctype<V: Vm>(
    frame: &mut Frame<V>,
    idx: c_int,
    fname: &str,
) -> Result<CTypeId, Raise> {
    match frame.stack.type_of(idx) {
        LuaType::String => {
            let text = frame.stack.string(idx).unwrap_or(&[]);
            let addr = text.as_ptr() as usize;
            let cx = frame.context.get();
            let slot = (addr >> 4) & 15;
            let recent = &cx.recent_type_strings[slot];
            if recent.addr == addr && &*recent.text == text {
                return Ok(recent.ty);
            }
            if let Some(&ty) = cx.type_cache.get(text) {
                cx.recent_type_strings[slot] = RecentTypeString { addr, text: Box::from(text), ty };
                return Ok(ty);
            }
            let src = core::str::from_utf8(text).map_err(|_| Error::new("invalid C type"))?;
            let ty = cx.types.parse_type(src, &[])?;
            // Strings that define types (`struct { int a; }`) make a new type each time.
            if cx.type_cache.len() < 4096 && !text.contains(&b'{') {
                cx.type_cache.insert(Box::from(text), ty);
            }
            Ok(ty)
        }
        t @ (LuaType::Userdata | LuaType::Function) => match frame.cdata(idx) {
            Some(c) => Ok(c.named_type()),
            None => Err(bad_arg(idx, fname, &format!("C type expected, got {}", t.name()))),
        },
        t => Err(bad_arg(idx, fname, &format!("C type expected, got {}", t.name()))),
    }
}

/// `$` parameters from the arguments `from..=top`.
fn params<V: Vm>(frame: &mut Frame<V>, from: c_int, fname: &str) -> Result<Vec<Param>, Raise> {
    let mut v = Vec::new();
    for i in from..=frame.stack.top() {
        v.push(match frame.stack.type_of(i) {
            LuaType::Number => {
                Param::Int(frame.stack.integer(i).unwrap_or_else(|| frame.stack.number(i) as i64))
            }
            LuaType::String => Param::Name(
                String::from_utf8_lossy(frame.stack.string(i).unwrap_or(&[])).into_owned(),
            ),
            t => match frame.cdata(i) {
                Some(c) => Param::Type(c.named_type()),
                None => {
                    return Err(bad_arg(
                        i,
                        fname,
                        &format!("type parameter expected, got {}", t.name()),
                    ))
                }
            },
        });
    }
    Ok(v)
}

/// `ffi.cdef(def [, params...])`.
pub(crate) fn cdef<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    match frame.stack.type_of(1) {
        // Like luaL_checkstring, a number is taken as its text (converted in place).
        LuaType::Number => {
            Ok(Outcome::Then(Action::ToString { idx: 1 }, Next::Resume(Step::START)))
        }
        LuaType::String => {
            let text = String::from_utf8_lossy(frame.stack.string(1).unwrap_or(&[])).into_owned();
            let ps = params(frame, 2, "cdef")?;
            frame.types().cdef_with(&text, &ps)?;
            Ok(Outcome::Return(0))
        }
        _ => Err(expected(frame, 1, "cdef", "string")),
    }
}

/// `ffi.typeof(ct [, params...])`.
pub(crate) fn typeof_<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let ty = if frame.stack.type_of(1) == LuaType::String && frame.stack.top() > 1 {
        let text = String::from_utf8_lossy(frame.stack.string(1).unwrap_or(&[])).into_owned();
        let ps = params(frame, 2, "typeof")?;
        frame.types().parse_type(&text, &ps)?
    } else {
        check_ctype(frame, 1, "typeof")?
    };
    Ok(Outcome::Then(Action::Box(Boxed::ctype(ty)), Next::Return(1)))
}

/// For a VLA `T[?]` or a VLS: (fixed part size, element size).
pub(crate) fn vla_elem(tt: &CTypeTable, ty: CTypeId) -> Option<(u64, u64)> {
    match tt.get(ty).kind {
        Kind::Array(e, ArrayLen::Vla) => Some((0, tt.size_of(e)?)),
        // The struct's own size (padding included) comes before the elements, as in
        // LuaJIT's lj_ctype_vlsize.
        Kind::Struct(a) if tt.agg(a).vla => {
            let last = tt.agg(a).fields.last()?;
            let Kind::Array(e, _) = tt.get(last.ty).kind else { return None };
            Some((tt.size_of(ty)?, tt.size_of(e)?))
        }
        _ => None,
    }
}

/// `ffi.new`'s error for a type aligned beyond what a cdata block honours.
#[cold]
#[inline(never)]
fn over_aligned(tt: &CTypeTable, ty: CTypeId, align: usize) -> Raise {
    let t = tt.repr(ty);
    Error::new(format!("cannot create '{t}': alignment {align} exceeds {} bytes", cdata::MAX_ALIGN))
        .into()
}

/// Phase of [`construct`] once the new object is on top of the stack.
const FILL: u8 = 1;

/// `ffi.new` and calling a ctype: creates a cdata of the type at argument 1 (or `known`,
/// when the caller has it already) from the arguments at `first..` (a VLA/VLS takes its
/// element count first), in two phases: the object is allocated by `run`, then filled.
///
/// # Safety
/// Called from a body run by `run`, with the ctype at argument 1.
#[inline(always)]
pub(crate) unsafe fn construct<V: Vm>(
    frame: &mut Frame<V>,
    step: Step,
    first: c_int,
    known: Option<CTypeId>,
) -> Result<Outcome, Raise> {
    if step.phase == FILL {
        // SAFETY: phase FILL follows the allocation of a cdata of `step.ty` on top.
        return unsafe { fill(frame, step.ty, first) };
    }
    let ty = match known {
        Some(ty) => ty,
        None => check_ctype(frame, 1, "new")?,
    };
    let vla = vla_elem(frame.types(), ty);
    let (size, nelem) = match vla {
        Some((fixed, es)) => {
            let n = int_arg(frame, first, "new")?;
            let size = vla_size(fixed, es, n).ok_or_else(|| bad_arg(1, "new", msg::TOO_LARGE))?;
            (size, n as u32)
        }
        None => {
            let tt = frame.types();
            match tt.get(ty).kind {
                // A reference holds the address it refers to.
                Kind::Ref(_) => (8, 0),
                _ => (tt.size_of(ty).ok_or_else(|| bad_arg(1, "new", msg::TOO_LARGE))?, 0),
            }
        }
    };
    let align = frame.types().align_of(ty) as usize;
    if align > cdata::MAX_ALIGN {
        return Err(over_aligned(frame.types(), ty, align));
    }
    let action = Action::NewCdata { ty, size: size as usize, align, nelem };
    // Nothing to fill (a fresh object is zeroed) and no metatype that could have a __gc:
    // the object is the result.
    let first_init = if vla.is_some() { first + 1 } else { first };
    let base = frame.types().unqualified(ty);
    let metatyped = frame.ctx().metatyped.contains(base);
    if first_init > frame.stack.top() && !metatyped {
        return Ok(Outcome::Then(action, Next::Return(1)));
    }
    Ok(Outcome::Then(action, Next::Resume(Step { phase: FILL, ty })))
}

/// The second phase of [`construct`]: initializers, then a metatype's `__gc`.
///
/// # Safety
/// The new cdata of type `ty`, just allocated by `run`, is on top of the stack.
unsafe fn fill<V: Vm>(frame: &mut Frame<V>, ty: CTypeId, first: c_int) -> Result<Outcome, Raise> {
    let obj = frame.stack.top();
    let Some(cd) = frame.cdata(obj) else { return Err(Error::new("cdata expected").into()) };
    let p = cd.payload();
    let nelem = cd.nelem();
    let vla = vla_elem(frame.types(), ty);
    let (mut init, top) = (if vla.is_some() { first + 1 } else { first }, obj - 1);
    let bound = if vla.is_some() { nelem } else { u32::MAX };
    let size = match vla {
        Some((fixed, es)) => fixed + es * nelem as u64,
        None => frame.types().size_of(ty).unwrap_or(0),
    } as usize;
    let ninit = top - init + 1;
    // Throughout: `p` is the new object's payload, `size` bytes, anchored on the stack.
    if ninit > 0 {
        let class = TypeClass::of(frame.types(), ty);
        let aggregate = matches!(class, TypeClass::Array(_) | TypeClass::Struct(_));
        // LuaJIT: one initializer is converted as a whole unless it is a "value" for an
        // aggregate (not a table, not a string for an array, not an identical aggregate
        // cdata); then it starts a flat list.
        let t = frame.stack.type_of(init);
        let whole = ninit == 1
            && (!aggregate
                || t == LuaType::Table
                || (t == LuaType::String && !matches!(class, TypeClass::Struct(_)))
                || is_same_aggregate(frame, init, ty));
        if whole {
            if t == LuaType::Table && aggregate {
                // SAFETY: `p` is the new object's payload (`bound` elements for a trailing VLA).
                unsafe { init::init_from_table(frame, init, ty, p, bound, 1)? };
            } else {
                // A function initializer makes a callback of its own (freed with
                // `cb:free()`), as `ffi.cast` does.
                frame.fresh_callbacks = true;
                // SAFETY: `p` is the new object's payload: `ty` and `bound` elements of a
                // variable part.
                let r =
                    unsafe { convert::to_c_nested(frame, init, ty, p, Mode::Implicit, bound, 0) };
                frame.fresh_callbacks = false;
                r?;
            }
        } else {
            match init::complex_as_array(class) {
                TypeClass::Array(e) | TypeClass::Vector(e) => {
                    let es = frame.types().size_of(e).ok_or_else(|| Error::new(msg::TOO_LARGE))?
                        as usize;
                    let count = size.checked_div(es).unwrap_or(0);
                    if ninit as usize > count {
                        return Err(too_many(frame, ty));
                    }
                    let mut i = 0;
                    while init <= top {
                        // SAFETY: element `i` < `count` lies in the new object's payload `p`.
                        unsafe {
                            convert::to_c(frame, init, e, p.wrapping_add(i * es), Mode::Implicit)?
                        };
                        init += 1;
                        i += 1;
                    }
                    if ninit == 1 {
                        for k in 1..count {
                            // SAFETY: elements 0 and `k` lie in the new object's payload `p`.
                            unsafe {
                                core::ptr::copy_nonoverlapping(p, p.wrapping_add(k * es), es)
                            };
                        }
                    }
                }
                TypeClass::Struct(a) => {
                    let mut src = init::Source::Args { next: init, last: top };
                    // SAFETY: `p` is the new object's payload (`bound` elements for a
                    // trailing VLA).
                    unsafe { init::fill_members(frame, a, p, &mut src, bound, 1)? };
                    if let init::Source::Args { next, .. } = src {
                        if next <= top {
                            return Err(too_many(frame, ty));
                        }
                    }
                }
                _ => return Err(too_many(frame, ty)),
            }
        }
    }
    frame.stack.set_top(obj);
    // A metatype with __gc gives the object an implicit finaliser.
    if matches!(frame.types().get(ty).kind, Kind::Struct(_))
        && push_metamethod(frame, ty, Metamethod::Gc)
    {
        return Ok(Outcome::Then(Action::SetFinalizer { obj }, Next::Return(1)));
    }
    Ok(Outcome::Return(1))
}

/// Whether the value at `idx` is a cdata of the same aggregate type as `ty` (a copy).
fn is_same_aggregate<V: Vm>(frame: &mut Frame<V>, idx: c_int, ty: CTypeId) -> bool {
    match frame.cdata(idx) {
        Some(c) if !c.is_ctype() => {
            let tt = frame.types();
            let (sty, _) = c.data(tt);
            match tt.get(sty).kind {
                // An array: of the same length and element type, qualifiers included.
                Kind::Array(..) => convert::same_array(tt, sty, ty),
                _ => tt.unqualified(sty) == tt.unqualified(ty),
            }
        }
        _ => false,
    }
}

/// `ffi.new(ct [, nelem] [, init...])`.
///
/// # Safety
/// Called by `run`.
#[inline(always)]
pub(crate) unsafe fn new<V: Vm>(frame: &mut Frame<V>, step: Step) -> Result<Outcome, Raise> {
    // SAFETY: called by `run` (the caller's contract); the ctype is argument 1.
    unsafe { construct(frame, step, 2, None) }
}

/// `ffi.cast(ct, init)`.
pub(crate) fn cast<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let ty = check_ctype(frame, 1, "cast")?;
    need_value(frame, 2, "cast")?;
    let tt = frame.types();
    let class = TypeClass::of(tt, ty);
    let is_ref = matches!(tt.get(ty).kind, Kind::Ref(_));
    // `long double` is accepted as a target, to fail as a conversion (LuaJIT's message).
    let long_double = matches!(
        tt.get(ty).kind,
        Kind::Float(FloatKind::LongDouble) | Kind::Complex(FloatKind::LongDouble)
    );
    let scalar = matches!(
        class,
        TypeClass::Int(..)
            | TypeClass::Bool
            | TypeClass::Float(_)
            | TypeClass::Complex(_)
            | TypeClass::Ptr(_)
            | TypeClass::Ptr32(_)
    );
    if !is_ref && !scalar && !long_double {
        return Err(bad_arg(1, "cast", "invalid C type"));
    }
    let size = if is_ref { 8 } else { tt.size_of(ty).unwrap_or(8) as usize };
    let align = tt.align_of(ty) as usize;
    // Every cast target fits in 16 bytes (complex double, long double).
    let mut buf = [0u8; 16];
    // SAFETY: `buf` holds any cast target (at most 16 bytes).
    unsafe { convert::to_c(frame, 2, ty, buf.as_mut_ptr(), Mode::Cast)? };
    // SAFETY: `buf` has `size` <= 16 readable bytes.
    let b = unsafe { Boxed::copy(ty, buf.as_ptr(), size, align) };
    Ok(Outcome::Then(Action::Box(b), Next::Return(1)))
}

/// `ffi.sizeof(ct [, nelem])`.
pub(crate) fn size_of<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let ty = check_ctype(frame, 1, "sizeof")?;
    let cd = frame.cdata(1).filter(|c| !c.is_ctype());
    let tt = frame.context.types();
    let size = match (vla_elem(tt, ty), cd) {
        // A VLA/VLS cdata: allocated, so its size fits.
        (Some((fixed, es)), Some(c)) => Some(fixed + es * c.nelem() as u64),
        (Some((fixed, es)), None) => vla_size(fixed, es, int_arg(frame, 2, "sizeof")?),
        (None, _) => tt.size_of(ty),
    };
    match size {
        Some(n) => frame.stack.push_integer(n as i64),
        None => frame.stack.push_nil(),
    }
    Ok(Outcome::Return(1))
}

/// `ffi.alignof(ct)`.
pub(crate) fn align_of<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let ty = check_ctype(frame, 1, "alignof")?;
    let a = frame.types().align_of(ty);
    frame.stack.push_integer(a as i64);
    Ok(Outcome::Return(1))
}

/// `ffi.offsetof(ct, field)`: offset, and bit position and size for a bitfield.
pub(crate) fn offset_of<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let ty = check_ctype(frame, 1, "offsetof")?;
    // A number converts to a string, as for any Lua string argument, and names no member.
    if frame.stack.type_of(2) == LuaType::Number {
        return Ok(Outcome::Return(0));
    }
    let Some(name) = frame.stack.string(2) else {
        return Err(expected(frame, 2, "offsetof", "string"));
    };
    let tt = frame.context.types();
    let ty = convert::deref_ty(tt, ty);
    let ty = tt.unqualified(ty);
    let Some(f) = tt.offset_of_bytes(ty, name) else { return Ok(Outcome::Return(0)) };
    frame.stack.push_integer(f.offset as i64);
    match f.bits {
        Some(b) => {
            frame.stack.push_integer(b.shift as i64);
            frame.stack.push_integer(b.width as i64);
            Ok(Outcome::Return(3))
        }
        None => Ok(Outcome::Return(1)),
    }
}

/// `ffi.istype(ct, obj)`.
pub(crate) fn is_type<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let ty = check_ctype(frame, 1, "istype")?;
    need_value(frame, 2, "istype")?;
    let r = match frame.cdata(2) {
        Some(c) => {
            let tt = frame.types();
            // A reference type stands for the type it refers to (LuaJIT).
            let want = convert::deref_ty(tt, ty);
            let want = tt.unqualified(want);
            // A ctype object stands for its type (LuaJIT: `ffi.istype(ct, ffi.typeof(ct))`).
            let have = tt.unqualified(c.named_type());
            let deref = convert::deref_ty(tt, c.ty());
            let have_deref = tt.unqualified(deref);
            let ptr_to_want = match tt.get(have).kind {
                Kind::Ptr(to) => {
                    matches!(tt.get(want).kind, Kind::Struct(_)) && tt.unqualified(to) == want
                }
                _ => false,
            };
            // Pointers: the same pointee, ignoring qualifiers and signedness.
            let ptrs = match (tt.get(want).kind, tt.get(have_deref).kind) {
                (Kind::Ptr(a), Kind::Ptr(b)) => convert::ptr_istype(tt, b, a),
                // Arrays as pointers (LuaJIT): the same size, and elements that are the
                // same but for qualifiers.
                (Kind::Array(a, ArrayLen::Fixed(n)), Kind::Array(b, ArrayLen::Fixed(m))) => {
                    n == m && convert::ptr_istype(tt, b, a)
                }
                _ => false,
            };
            want == have || want == have_deref || ptr_to_want || ptrs
        }
        _ => false,
    };
    frame.stack.push_boolean(r);
    Ok(Outcome::Return(1))
}

/// `ffi.metatype(ct, mt)`.
pub(crate) fn metatype<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let ty = check_ctype(frame, 1, "metatype")?;
    // LuaJIT checks the table before the kind of type.
    if frame.stack.type_of(2) != LuaType::Table {
        return Err(expected(frame, 2, "metatype", "table"));
    }
    let tt = frame.types();
    let ty = tt.unqualified(ty);
    if !matches!(tt.get(ty).kind, Kind::Struct(_) | Kind::Complex(_) | Kind::Vector(..)) {
        return Err(bad_arg(1, "metatype", "invalid C type"));
    }
    let s = &frame.stack;
    let known = s.raw_geti(s.upvalue(upvalues::METATYPES), ty.index() as i64) != LuaType::Nil;
    s.pop(1);
    if known {
        return Err(Error::new("cannot change a protected metatable").into());
    }
    // Recorded first: if storing the table fails, the type simply has no metatype yet
    // (lookups find nothing in the table).
    frame.ctx().metatyped.insert(ty);
    frame.stack.set_top(2);
    Ok(Outcome::Then(Action::SetMetatype { ty }, Next::Return(1)))
}

/// `ffi.gc(cdata, finalizer)`.
pub(crate) fn gc<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let Some(c) = frame.cdata(1).filter(|c| !c.is_ctype()) else {
        return Err(expected(frame, 1, "gc", "cdata"));
    };
    // Only pointers and aggregates take finalisers, as in LuaJIT (a function symbol,
    // which is a C closure here, is refused with them: a finaliser is set through the
    // object's metatable, and a function's metatable is shared by every function).
    let k = frame.types().get(c.ty()).kind;
    let userdata = frame.stack.type_of(1) == LuaType::Userdata;
    if !userdata || !matches!(k, Kind::Ptr(_) | Kind::Ref(_) | Kind::Struct(_) | Kind::Array(..)) {
        return Err(bad_arg(1, "gc", "invalid C type"));
    }
    let t = frame.stack.type_of(2);
    if !matches!(t, LuaType::Nil | LuaType::Function | LuaType::Table | LuaType::Userdata) {
        return Err(bad_arg(2, "gc", &format!("function expected, got {}", t.name())));
    }
    frame.stack.set_top(2);
    Ok(Outcome::Then(Action::SetFinalizer { obj: 1 }, Next::Return(1)))
}

/// `ffi.errno([newerr])`.
pub(crate) fn errno<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let old = frame.ctx().errno;
    // Any argument, nil included, is the new value (LuaJIT: `nil` is a bad argument).
    if frame.stack.type_of(1) != LuaType::None {
        let v = int_arg(frame, 1, "errno")?;
        frame.ctx().errno = v;
    }
    frame.stack.push_integer(old as i64);
    Ok(Outcome::Return(1))
}

/// Converts argument `idx` of `fname` to `ty` at `dst` with the implicit conversion rules,
/// with LuaJIT's errors: `bad argument #idx to 'fname' (value expected)` for a missing
/// argument, and the conversion error wrapped the same way.
///
/// # Safety
/// `dst` is writable for `ty`.
unsafe fn arg_to_c<V: Vm>(
    frame: &mut Frame<V>,
    idx: c_int,
    fname: &str,
    ty: CTypeId,
    dst: *mut u8,
) -> Result<(), Raise> {
    need_value(frame, idx, fname)?;
    // SAFETY: `dst` is writable for `ty` (the caller's contract).
    match unsafe { convert::to_c(frame, idx, ty, dst, Mode::Implicit) } {
        Err(Raise::Message(e)) => Err(bad_arg(idx, fname, e.message())),
        r => r,
    }
}

/// Converts argument `idx` of `fname` to the pointer type `ty` (as LuaJIT does for
/// `ffi.string`, `ffi.copy` and `ffi.fill`).
fn ptr_arg<V: Vm>(
    frame: &mut Frame<V>,
    idx: c_int,
    fname: &str,
    ty: CTypeId,
) -> Result<*mut u8, Raise> {
    // The common case first: a pointer or array cdata that converts as it is (what the
    // general conversion would do for it, without its dispatch).
    if let Some(cd) = frame.cdata(idx).filter(|c| !c.is_ctype()) {
        let tt = frame.types();
        let (sty, p) = cd.data(tt);
        if let Kind::Ptr(to) = tt.get(ty).kind {
            match tt.get(sty).kind {
                Kind::Array(e, _) if convert::ptr_compatible(tt, e, to) => return Ok(p),
                Kind::Ptr(from) if convert::ptr_compatible(tt, from, to) => {
                    // SAFETY: a pointer cdata's value is an address.
                    return Ok(unsafe { p.cast::<*mut u8>().read_unaligned() });
                }
                _ => {}
            }
        }
    }
    let mut slot = [0u8; 8];
    // SAFETY: the slot holds a pointer (`ty` is a pointer type).
    unsafe { arg_to_c(frame, idx, fname, ty, slot.as_mut_ptr())? };
    Ok(usize::from_le_bytes(slot) as *mut u8)
}

/// Converts argument `idx` of `fname` to `int` (lengths, counts, fill bytes), as C and
/// LuaJIT do: a number out of `int`'s range gives `INT_MIN`.
fn int_arg<V: Vm>(frame: &mut Frame<V>, idx: c_int, fname: &str) -> Result<i32, Raise> {
    let mut slot = [0u8; 4];
    // SAFETY: the slot holds an int.
    unsafe { arg_to_c(frame, idx, fname, ids::INT, slot.as_mut_ptr())? };
    Ok(i32::from_le_bytes(slot))
}

/// The size of a VLA/VLS with `count` elements (`None`: negative or too large, as for
/// LuaJIT, whose counts are `int`s).
fn vla_size(fixed: u64, es: u64, count: i32) -> Option<u64> {
    let n = u64::try_from(count).ok()?;
    es.checked_mul(n).and_then(|v| v.checked_add(fixed)).filter(|&s| s <= crate::MAX_SIZE)
}

/// `ffi.string(ptr [, len])`.
///
/// # Safety
/// Called by `run`. Like C's string functions it trusts the pointer Lua code gives it
/// (LuaJIT semantics), but refuses NULL.
#[inline(always)]
pub(crate) unsafe fn string<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    if frame.stack.type_of(2) <= LuaType::Nil {
        // Without a length the argument is a `const char *` to a NUL-terminated string the
        // caller vouches for (see above): Lua reads it up to its NUL.
        let p = ptr_arg(frame, 1, "string", ids::PCCHAR)?;
        if p.is_null() {
            return Err(bad_arg(1, "string", "NULL pointer"));
        }
        return Ok(Outcome::Then(Action::CString(p), Next::Return(1)));
    }
    // With a length, any data: the argument converts to `const void *` (LuaJIT's API).
    let p = ptr_arg(frame, 1, "string", ids::PCVOID)?;
    if p.is_null() {
        return Err(bad_arg(1, "string", "NULL pointer"));
    }
    // LuaJIT's limit on string lengths; a negative length is a huge unsigned one.
    let n = int_arg(frame, 2, "string")? as u32;
    if n > 0x7fff_ff00 {
        return Err(Error::new("string length overflow").into());
    }
    Ok(Outcome::Then(Action::Bytes(p, n as usize), Next::Return(1)))
}

/// `ffi.copy(dst, src, len)` / `ffi.copy(dst, str)`.
///
/// # Safety
/// Called by `run`. Copies as memcpy would, trusting the pointers Lua code gives it
/// (LuaJIT semantics) but refusing NULL.
pub(crate) unsafe fn copy<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let dst = ptr_arg(frame, 1, "copy", ids::PVOID)?;
    let src = ptr_arg(frame, 2, "copy", ids::PCVOID)?;
    let from_string = frame.stack.type_of(2) == LuaType::String;
    let explicit = frame.stack.type_of(3) > LuaType::Nil;
    let n = if explicit {
        let n = int_arg(frame, 3, "copy")?;
        if n < 0 {
            return Err(bad_arg(3, "copy", "length out of range"));
        }
        n as usize
    } else if from_string {
        frame.stack.len(2) + 1
    } else {
        return Err(bad_arg(3, "copy", "value expected"));
    };
    if n > 0 && (dst.is_null() || src.is_null()) {
        return Err(bad_arg(if dst.is_null() { 1 } else { 2 }, "copy", "NULL pointer"));
    }
    if from_string && !explicit {
        // The string and its terminating NUL.
        // SAFETY: the string has `n - 1` bytes; the destination is the caller's (above).
        unsafe { core::ptr::copy(src, dst, n - 1) };
        // SAFETY: `dst` has room for `n` bytes (the caller vouches for it); this is the
        // last.
        unsafe { dst.wrapping_add(n - 1).write(0) };
    } else {
        // SAFETY: the caller vouches for both pointers (above).
        unsafe { core::ptr::copy(src, dst, n) };
    }
    Ok(Outcome::Return(0))
}

/// `ffi.fill(dst, len [, c])`.
///
/// # Safety
/// Called by `run`. Fills as memset would, trusting the pointer Lua code gives it.
pub(crate) unsafe fn fill_memory<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let dst = ptr_arg(frame, 1, "fill", ids::PVOID)?;
    let n = int_arg(frame, 2, "fill")?;
    if n < 0 {
        return Err(bad_arg(2, "fill", "length out of range"));
    }
    let c =
        if frame.stack.type_of(3) > LuaType::Nil { int_arg(frame, 3, "fill")? as u8 } else { 0 };
    if n > 0 && dst.is_null() {
        return Err(bad_arg(1, "fill", "NULL pointer"));
    }
    // SAFETY: the caller vouches for the pointer (above).
    unsafe { core::ptr::write_bytes(dst, c, n as usize) };
    Ok(Outcome::Return(0))
}

/// `ffi.abi(param)`.
pub(crate) fn abi<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    // A number converts to a string, as for any Lua string argument, and names no ABI
    // parameter.
    let param = match frame.stack.type_of(1) {
        LuaType::Number => &b""[..],
        _ => frame.stack.string(1).ok_or_else(|| expected(frame, 1, "abi", "string"))?,
    };
    let win = frame.context.types().target().os == crate::target::Os::Windows;
    let r = match param {
        b"64bit" | b"le" | b"fpu" | b"hardfp" => true,
        b"win" => win,
        _ => false,
    };
    frame.stack.push_boolean(r);
    Ok(Outcome::Return(1))
}

/// Calls the wrapped original function (upvalue `ORIGINAL`) with all arguments; one
/// result.
fn call_original<V: Vm>(frame: &mut Frame<V>) -> Result<Outcome, Raise> {
    let s = &frame.stack;
    let n = s.top();
    s.push_copy(s.upvalue(upvalues::ORIGINAL));
    s.insert(1);
    Ok(Outcome::Then(Action::Call { nargs: n, nresults: 1 }, Next::Return(1)))
}

/// `ffi.tonumber` (and the cdata-aware global `tonumber`): numbers from cdata numbers,
/// `nil` for other cdata, the original `tonumber` for everything else.
pub(crate) fn to_number<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let Some(c) = frame.cdata(1) else { return call_original(frame) };
    if c.is_ctype() {
        frame.stack.push_nil();
        return Ok(Outcome::Return(1));
    }
    let tt = frame.context.types();
    let (ty, p) = c.data(tt);
    if let Kind::Float(FloatKind::LongDouble) = tt.get(ty).kind {
        return Err(Error::new("cannot convert 'long double' to 'double'").into());
    }
    let class = TypeClass::of(tt, ty);
    let value = match class {
        // SAFETY: `p` holds a value of `ty` (the cdata's payload or what its reference
        // names).
        TypeClass::Int(..) | TypeClass::Bool | TypeClass::Float(_) | TypeClass::Complex(_) => unsafe {
            cvalue::load_num(class, p)
        },
        _ => None,
    };
    let s = &frame.stack;
    match value {
        Some(Num::Int(v, _)) => match class {
            TypeClass::Int(8, false) => s.push_number(v as u64 as f64),
            TypeClass::Int(8, true) => s.push_number(v as f64),
            _ => s.push_integer(v),
        },
        Some(Num::Float(f)) => s.push_number(f),
        None => s.push_nil(),
    }
    Ok(Outcome::Return(1))
}

/// `ffi.pairs` and `ffi.ipairs` (by default also the global `pairs` and `ipairs`), and
/// `__pairs`/`__ipairs` of every cdata: for a cdata, its metatype's `__pairs`/`__ipairs`
/// or LuaJIT's error (iterating a cdata array with the VM's `ipairs` would read past its
/// end: an index never gives `nil`); the original function (upvalue `ORIGINAL`) for
/// everything else.
fn iterate<V: Vm>(frame: &mut Frame<V>, mm: Metamethod) -> Result<Outcome, Raise> {
    let Some(c) = frame.cdata(1) else {
        let s = &frame.stack;
        if s.type_of(s.upvalue(upvalues::ORIGINAL)) != LuaType::Function {
            return Err(Error::new("bad argument #1 (cdata expected)").into());
        }
        let n = s.top();
        s.push_copy(s.upvalue(upvalues::ORIGINAL));
        s.insert(1);
        return Ok(Outcome::Then(Action::Call { nargs: n, nresults: 3 }, Next::Return(3)));
    };
    if !c.is_ctype() && push_metamethod(frame, c.ty(), mm) {
        frame.stack.push_copy(1);
        return Ok(Outcome::Then(Action::Call { nargs: 1, nresults: 3 }, Next::Return(3)));
    }
    let name = if c.is_ctype() {
        String::from("ctype")
    } else {
        let tt = frame.types();
        let base = super::meta::metatype_base(tt, c.ty());
        tt.repr(base)
    };
    let mm = mm.name();
    let mm = core::str::from_utf8(&mm[..mm.len() - 1]).unwrap_or("?");
    Err(Error::new(format!("'{name}' has no '{mm}' metamethod")).into())
}

/// `ffi.pairs` (see [`iterate`]).
pub(crate) fn pairs<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    iterate(frame, Metamethod::Pairs)
}

/// `ffi.ipairs` (see [`iterate`]).
pub(crate) fn ipairs<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    iterate(frame, Metamethod::Ipairs)
}

/// `ffi.type`: "cdata" for cdata, the original `type` otherwise.
pub(crate) fn type_name<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    if frame.cdata(1).is_some() {
        return convert::return_text(frame, b"cdata");
    }
    call_original(frame)
}

/// Pushes `ffi.nullptr` (a `void *` NULL).
pub(crate) fn null_pointer<V: Vm>(_: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    Ok(Outcome::Then(Action::Box(Boxed::address(ids::PVOID, 0)), Next::Return(1)))
}
