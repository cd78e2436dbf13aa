//! Initializers: tables for arrays, structs, complex numbers and vectors, and the member
//! stores that `ffi.new` and struct assignment share (LuaJIT's "Initializers" and "Table
//! initializers" in `doc/ext_ffi_semantics.html`).
//!
//! The Lua stack grows by one value per level of table nesting, so every level reserves
//! room first, and nesting deeper than [`MAX_DEPTH`] is refused rather than risking the
//! Rust stack.

use super::convert::{self, Mode};
use super::frame::{Frame, Raise};
use super::upvalues;
use crate::ctype::{AggId, ArrayLen, CTypeId, Field, Kind};
use crate::cvalue::{self, TypeClass};
use crate::error::{msg, Error};
use crate::luaapi::{Lua, LuaType, Vm};
use crate::names::NameId;
use crate::table::ids;
use alloc::format;
use alloc::vec::Vec;
use core::ffi::c_int;

/// The deepest nesting of table initializers accepted. Each level costs about 700 bytes
/// of the C stack, so 250 levels stay under 200 KB, within the smallest thread stacks
/// hosts commonly use; LuaJIT's own parser stops nesting declarators well before this.
pub(crate) const MAX_DEPTH: u32 = 250;

/// A complex number initializes as an array of its two parts, as in LuaJIT.
pub(crate) fn complex_as_array(class: TypeClass) -> TypeClass {
    match class {
        TypeClass::Complex(4) => TypeClass::Array(ids::FLOAT),
        TypeClass::Complex(_) => TypeClass::Array(ids::DOUBLE),
        c => c,
    }
}

/// `too many initializers for 'T'`.
pub(crate) fn too_many<V: Vm>(frame: &mut Frame<V>, ty: CTypeId) -> Raise {
    Error::new(format!("too many initializers for '{}'", frame.types().repr(ty))).into()
}

/// Table initializer for an array, struct/union, complex or vector at `dst` (zeroed by
/// the caller). `nelem` bounds a VLA (`u32::MAX`: fixed size); `depth` counts nesting.
///
/// # Safety
/// `dst` is writable for the type (and for `nelem` elements of a trailing VLA).
pub(crate) unsafe fn init_from_table<V: Vm>(
    frame: &mut Frame<V>,
    idx: c_int,
    ty: CTypeId,
    dst: *mut u8,
    nelem: u32,
    depth: u32,
) -> Result<(), Raise> {
    if depth > MAX_DEPTH {
        return Err(Error::new("stack overflow (table initializer nested too deeply)").into());
    }
    frame.stack.reserve(4)?;
    let idx = frame.stack.absolute(idx);
    let base: i64 = if frame.stack.raw_geti(idx, 0) != LuaType::Nil { 0 } else { 1 };
    frame.stack.pop(1);
    let tt = frame.context.types();
    match complex_as_array(TypeClass::of(tt, ty)) {
        TypeClass::Array(e) | TypeClass::Vector(e) => {
            let es = tt.size_of(e).ok_or_else(|| Error::new(msg::TOO_LARGE))? as usize;
            let count = match tt.get(ty).kind {
                Kind::Array(_, ArrayLen::Fixed(n)) => n as usize,
                Kind::Vector(_, n) => n as usize,
                Kind::Complex(_) => 2,
                _ if nelem != u32::MAX => nelem as usize,
                // A flexible (`[]`) or unsized trailing array has no storage of its own:
                // no elements may be written (LuaJIT writes past the object).
                _ => 0,
            };
            let fixed =
                !matches!(tt.get(ty).kind, Kind::Array(_, ArrayLen::Vla | ArrayLen::Unsized));
            let mut i = 0usize;
            loop {
                if frame.stack.raw_geti(idx, base + i as i64) == LuaType::Nil {
                    frame.stack.pop(1);
                    break;
                }
                if i >= count {
                    frame.stack.pop(1);
                    return Err(too_many(frame, ty));
                }
                // SAFETY: element `i` < `count` lies within the object at `dst`.
                let r = unsafe {
                    convert::to_c_nested(
                        frame,
                        -1,
                        e,
                        dst.wrapping_add(i * es),
                        Mode::Implicit,
                        u32::MAX,
                        depth,
                    )
                };
                frame.stack.pop(1);
                r?;
                i += 1;
            }
            if i == 1 && fixed && es > 0 {
                for k in 1..count {
                    // SAFETY: elements 0 and `k` < `count` lie within the object.
                    unsafe { core::ptr::copy_nonoverlapping(dst, dst.wrapping_add(k * es), es) };
                }
            }
            Ok(())
        }
        TypeClass::Struct(a) => {
            let positional = frame.stack.raw_geti(idx, base) != LuaType::Nil;
            frame.stack.pop(1);
            let mut src = if positional {
                Source::Positional { table: idx, next: base }
            } else {
                Source::Named { table: idx }
            };
            // SAFETY: `dst` is the struct's storage (the caller's contract).
            unsafe { fill_members(frame, a, dst, &mut src, nelem, depth)? };
            Ok(())
        }
        _ => Err(convert::cannot_convert(frame, idx, ty)),
    }
}

/// Where the values of a member-by-member initializer come from.
pub(crate) enum Source {
    /// The stack slots `next..=last` (`ffi.new(ct, a, b, ...)`).
    Args { next: c_int, last: c_int },
    /// The table at absolute index `table`, from integer key `next` on.
    Positional { table: c_int, next: i64 },
    /// The table at absolute index `table`, by member name.
    Named { table: c_int },
}

/// Fills the members of struct or union `a` at `base` from `src` in declaration order,
/// as LuaJIT does: each named member takes the next value (by name: its own, if the table
/// has it), an anonymous struct or union member is filled in its place from the same
/// source; a union takes only its first member (by name: the first one present), except
/// that from a table an anonymous member does not end it. Returns `false` once a list ran
/// out.
///
/// # Safety
/// `base` is writable for the struct and `nelem` elements of its trailing array (as for
/// [`store_member`]).
pub(crate) unsafe fn fill_members<V: Vm>(
    frame: &mut Frame<V>,
    a: AggId,
    base: *mut u8,
    src: &mut Source,
    nelem: u32,
    depth: u32,
) -> Result<bool, Raise> {
    if depth > MAX_DEPTH {
        return Err(Error::new("stack overflow (table initializer nested too deeply)").into());
    }
    let (nfields, is_union) = (frame.types().agg(a).fields.len(), frame.types().agg(a).is_union);
    let agg_size = frame.types().agg(a).size;
    for i in 0..nfields {
        let f = frame.types().agg(a).fields[i];
        match f.name {
            Some(name) => {
                let idx = match src {
                    Source::Args { next, last } => {
                        if *next > *last {
                            return Ok(false);
                        }
                        *next += 1;
                        *next - 1
                    }
                    Source::Positional { table, next } => {
                        if frame.stack.raw_geti(*table, *next) == LuaType::Nil {
                            frame.stack.pop(1);
                            return Ok(false);
                        }
                        *next += 1;
                        -1
                    }
                    Source::Named { table } => {
                        let table = *table;
                        push_name(frame, name)?;
                        if frame.stack.raw_get(table) == LuaType::Nil {
                            frame.stack.pop(1);
                            continue;
                        }
                        -1
                    }
                };
                // A `[0]` member has the rest of the object as its storage (a union's other
                // members); a variable-length one has `nelem` elements.
                let room = match frame.types().get(f.ty).kind {
                    Kind::Array(e, ArrayLen::Fixed(0)) => {
                        let es = frame.types().size_of(e).unwrap_or(1).max(1);
                        (agg_size.saturating_sub(f.offset) / es).min(u32::MAX as u64 - 1) as u32
                    }
                    _ => nelem,
                };
                // SAFETY: `base` is the struct's storage (the caller's contract), with
                // `room` elements for a `[0]` member inside it.
                let r = unsafe { store_member(frame, idx, &f, base, room, depth) };
                if idx == -1 {
                    frame.stack.pop(1);
                }
                r?;
            }
            None if f.bits.is_none() => {
                let Kind::Struct(inner) = frame.types().get(f.ty).kind else { continue };
                let at = base.wrapping_add(f.offset as usize);
                // SAFETY: the anonymous member lies inside the struct at `base` and has no
                // variable part of its own.
                if !unsafe { fill_members(frame, inner, at, src, u32::MAX, depth + 1)? } {
                    return Ok(false);
                }
                // A union filled from a table goes on to its next members after an
                // anonymous one (LuaJIT: `{7, 8}` and `{a = 7, b = 8}` both end with 8).
                if !matches!(src, Source::Args { .. }) {
                    continue;
                }
            }
            // Unnamed bitfields take no initializer.
            None => continue,
        }
        if is_union {
            break;
        }
    }
    Ok(true)
}

/// Pushes the Lua string for member name `name`, interning it in the `STRINGS` table on
/// first use (in protected mode: creating a string may raise).
fn push_name<V: Vm>(frame: &mut Frame<V>, name: NameId) -> Result<(), Raise> {
    let key = upvalues::FIELD_NAME_BASE + name.0 as i64;
    let strings = frame.stack.upvalue(upvalues::STRINGS);
    if frame.stack.raw_geti(strings, key) != LuaType::Nil {
        return Ok(());
    }
    frame.stack.pop(1);
    // A copy: the name's storage may move if a finaliser run by the allocation below
    // declares types.
    let text: Vec<u8> = frame.types().names().str(name).as_bytes().to_vec();
    let mut intern = |lua: Lua| {
        // SAFETY: inside the protected trampoline, which has the strings table at 1; this
        // closure borrows `text` and owns nothing.
        unsafe { lua.push_bytes(&text) };
        // SAFETY: in the trampoline, whose stack has room; the new string is on top.
        unsafe { lua.pushvalue(-1) };
        // SAFETY: the strings table is at 1 and the copy of the string on top.
        unsafe { lua.rawseti(1, key) };
        1
    };
    // SAFETY: the operation cannot panic and owns nothing.
    unsafe { frame.protected(&[strings], &mut intern) }
}

/// Stores the Lua value at `idx` into member `f` of an object being initialized whose
/// variable part has `nelem` elements (`u32::MAX`: none; for a `[0]` member, the elements
/// of the object after it). A table or string for the trailing array of a variable-length
/// struct fills at most `nelem` elements (a flexible `[]` member without storage, none);
/// every other member goes through [`store_field`].
///
/// # Safety
/// `base` is the object's payload, writable for its type and `nelem` trailing elements.
pub(crate) unsafe fn store_member<V: Vm>(
    frame: &mut Frame<V>,
    idx: c_int,
    f: &Field,
    base: *mut u8,
    nelem: u32,
    depth: u32,
) -> Result<(), Raise> {
    let zero_length = matches!(frame.types().get(f.ty).kind, Kind::Array(_, ArrayLen::Fixed(0)));
    if zero_length || convert::is_variable(frame.types(), f.ty) {
        let p = base.wrapping_add(f.offset as usize);
        // SAFETY: the trailing array starts at the field's offset and has `nelem`
        // elements of storage (the caller's contract).
        return unsafe { convert::to_c_nested(frame, idx, f.ty, p, Mode::Implicit, nelem, depth) };
    }
    // SAFETY: the caller's contract.
    unsafe { store_field(frame, idx, f, base, depth) }
}

/// Stores the Lua value at `idx` into field `f` of the aggregate at `base`.
///
/// # Safety
/// `base` is the aggregate's address, writable for its type.
pub(crate) unsafe fn store_field<V: Vm>(
    frame: &mut Frame<V>,
    idx: c_int,
    f: &Field,
    base: *mut u8,
    depth: u32,
) -> Result<(), Raise> {
    // The field lies inside the aggregate at `base`.
    let p = base.wrapping_add(f.offset as usize);
    match f.bits {
        Some(b) => {
            let mut tmp = [0u8; 8];
            // SAFETY: `tmp` holds any bitfield's declared type (at most 8 bytes).
            unsafe {
                convert::to_c_nested(
                    frame,
                    idx,
                    f.ty,
                    tmp.as_mut_ptr(),
                    Mode::Implicit,
                    u32::MAX,
                    depth,
                )?
            };
            // SAFETY: the bitfield's bytes lie inside the aggregate.
            unsafe { cvalue::store_bits(p, b, u64::from_le_bytes(tmp)) };
            Ok(())
        }
        // SAFETY: the field's storage lies inside the aggregate (a field of fixed size:
        // no variable part).
        None => unsafe {
            convert::to_c_nested(frame, idx, f.ty, p, Mode::Implicit, u32::MAX, depth)
        },
    }
}
