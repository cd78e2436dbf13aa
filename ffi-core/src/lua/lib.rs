//! The `ffi.*` functions and `open`, which builds the module table, the shared cdata
//! metatable and the per-state context.

use super::api::{t, Lua, State, Vm};
use super::arith::*;
use super::cdata::{self, uv};
use super::conv::{self, cat, Cat, Mode};
use super::meta::*;
use super::state::{entry, new_ctx, Cx};
use crate::ctype::*;
use crate::error::{msg, Error};
use crate::table::{ids, Param};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::c_int;

/// `bad argument #n to 'fname' (msg)`.
fn bad_arg(n: c_int, fname: &str, m: &str) -> Error {
    Error::new(format!("bad argument #{n} to '{fname}' ({m})"))
}

/// `bad argument #n to 'fname' (<what> expected, got <type>)`.
///
/// # Safety
/// A live state.
unsafe fn expected(lua: Lua, n: c_int, fname: &str, what: &str) -> Error {
    // SAFETY: forwarded contract.
    let got = conv::type_name(unsafe { lua.type_(n) });
    bad_arg(n, fname, &format!("{what} expected, got {got}"))
}

/// `bad argument #n to 'fname' (value expected)` when argument `n` is absent.
///
/// # Safety
/// A live state.
unsafe fn need_value(lua: Lua, n: c_int, fname: &str) -> Result<(), Error> {
    // SAFETY: forwarded contract.
    if unsafe { lua.type_(n) } == t::NONE {
        return Err(bad_arg(n, fname, "value expected"));
    }
    Ok(())
}

/// The C type named by the argument at `idx`: a type string, a ctype or a cdata.
///
/// # Safety
/// A live state inside an ffi closure.
pub unsafe fn check_ct(cx: &Cx, idx: c_int, fname: &str) -> Result<CTypeId, Error> {
    let lua = cx.lua;
    // SAFETY: forwarded contract.
    unsafe {
        match lua.type_(idx) {
            t::STRING => {
                let s = lua.tobytes(idx).unwrap_or(&[]);
                let addr = s.as_ptr() as usize;
                let slot = (addr >> 4) & 15;
                let hit = &cx.ctx().type_strs[slot];
                if hit.0 == addr && &*hit.1 == s {
                    return Ok(hit.2);
                }
                if let Some(&ty) = cx.ctx().type_cache.get(s) {
                    cx.ctx().type_strs[slot] = (addr, Box::from(s), ty);
                    return Ok(ty);
                }
                let text = core::str::from_utf8(s).map_err(|_| Error::new("invalid C type"))?;
                let ty = cx.types().parse_type(text, &[])?;
                // Strings that define types (`struct { int a; }`) make a new type each time.
                if cx.ctx().type_cache.len() < 4096 && !s.contains(&b'{') {
                    cx.ctx().type_cache.insert(Box::from(s), ty);
                }
                Ok(ty)
            }
            t::USERDATA => match cdata::get(lua, idx) {
                Some(c) if c.is_ctype() => Ok(c.ctype_target()),
                Some(c) => Ok(c.ty()),
                None => Err(bad_arg(idx, fname, "C type expected, got userdata")),
            },
            tag => {
                Err(bad_arg(idx, fname, &format!("C type expected, got {}", conv::type_name(tag))))
            }
        }
    }
}

/// `$` parameters from the arguments `from..=top`.
///
/// # Safety
/// A live state inside an ffi closure.
unsafe fn params(cx: &Cx, from: c_int, fname: &str) -> Result<Vec<Param>, Error> {
    let lua = cx.lua;
    let mut v = Vec::new();
    // SAFETY: forwarded contract.
    unsafe {
        for i in from..=lua.gettop() {
            v.push(match lua.type_(i) {
                t::NUMBER => Param::Int(lua.tointeger(i).unwrap_or_else(|| lua.tonumber(i) as i64)),
                t::STRING => {
                    Param::Name(String::from_utf8_lossy(lua.tobytes(i).unwrap_or(&[])).into_owned())
                }
                t::USERDATA if cdata::get(lua, i).is_some() => {
                    let c = cdata::get(lua, i).ok_or_else(|| Error::new("?"))?;
                    Param::Type(if c.is_ctype() { c.ctype_target() } else { c.ty() })
                }
                tag => {
                    return Err(bad_arg(
                        i,
                        fname,
                        &format!("type parameter expected, got {}", conv::type_name(tag)),
                    ))
                }
            });
        }
    }
    Ok(v)
}

unsafe extern "C-unwind" fn ffi_cdef<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            if lua.type_(1) == t::NUMBER {
                // Like luaL_checkstring, numbers are taken as their text.
                (lua.api.tolstring)(lua.l, 1, core::ptr::null_mut());
            }
            let Some(s) = lua.tobytes(1) else {
                return Err(expected(lua, 1, "cdef", "string"));
            };
            let text = String::from_utf8_lossy(s).into_owned();
            let ps = params(cx, 2, "cdef")?;
            cx.types().cdef_with(&text, &ps)?;
            Ok(0)
        })
    }
}

unsafe extern "C-unwind" fn ffi_typeof<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let ty = if lua.type_(1) == t::STRING && lua.gettop() > 1 {
                let text = String::from_utf8_lossy(lua.tobytes(1).unwrap_or(&[])).into_owned();
                let ps = params(cx, 2, "typeof")?;
                cx.types().parse_type(&text, &ps)?
            } else {
                check_ct(cx, 1, "typeof")?
            };
            cdata::push_ctype(lua, ty);
            Ok(1)
        })
    }
}

/// Creates a cdata of `ty` from the arguments at `first..` (`ffi.new` rules). For VLA/VLS
/// types the first of them is the element count.
///
/// # Safety
/// A live state inside an ffi closure.
pub unsafe fn new_from_args(cx: &Cx, ty: CTypeId, first: c_int) -> Result<c_int, Error> {
    let lua = cx.lua;
    // SAFETY: forwarded contract.
    unsafe {
        let top = lua.gettop();
        let tt = cx.types();
        let (size, nelem, mut init) = match vla_elem(tt, ty) {
            Some((fixed, es)) => {
                need_value(lua, first, "new")?;
                let n = int_arg(cx, first)?;
                if n < 0 {
                    return Err(Error::new(msg::TOO_LARGE));
                }
                let n = n as u64;
                let size =
                    fixed.checked_add(es.saturating_mul(n)).filter(|&s| s <= crate::MAX_SIZE);
                (size.ok_or_else(|| Error::new(msg::TOO_LARGE))?, n as u32, first + 1)
            }
            None => match tt.get(ty).kind {
                // A reference holds the address it refers to.
                Kind::Ref(_) => (8, 0, first),
                _ => (tt.size_of(ty).ok_or_else(|| Error::new(msg::TOO_LARGE))?, 0, first),
            },
        };
        let align = tt.align_of(ty) as usize;
        let p = cdata::push_new(lua, ty, size as usize, align, nelem);
        let obj = lua.gettop();
        let ninit = top - init + 1;
        if ninit > 0 {
            let tt = cx.types();
            let c = cat(tt, ty);
            let aggregate = matches!(c, Cat::Array(_) | Cat::Struct(_));
            // LuaJIT: one initializer is converted as a whole unless it is a "value" for
            // an aggregate (not a table, not a string for an array, not an identical
            // aggregate cdata); then it starts a flat list.
            let tag = lua.type_(init);
            let whole = ninit == 1
                && (!aggregate
                    || tag == t::TABLE
                    || (tag == t::STRING && !matches!(c, Cat::Struct(_)))
                    || is_same_aggregate(cx, init, ty));
            if whole {
                if tag == t::TABLE && aggregate {
                    conv::init_from_table(
                        cx,
                        init,
                        ty,
                        p,
                        if nelem > 0 { nelem } else { u32::MAX },
                    )?;
                } else if let (Cat::Complex(part), t::NUMBER) = (c, tag) {
                    conv::write_complex(part, p, lua.tonumber(init), 0.0);
                } else {
                    conv::to_c(cx, init, ty, p, Mode::Implicit)?;
                }
            } else {
                match c {
                    Cat::Array(e) | Cat::Vector(e) => {
                        let es = tt.size_of(e).ok_or_else(|| Error::new(msg::TOO_LARGE))? as usize;
                        let count = (size as usize).checked_div(es).unwrap_or(0);
                        if ninit as usize > count {
                            return Err(Error::new(format!(
                                "too many initializers for '{}'",
                                tt.repr(ty)
                            )));
                        }
                        let mut i = 0;
                        while init <= top {
                            conv::to_c(cx, init, e, p.add(i * es), Mode::Implicit)?;
                            init += 1;
                            i += 1;
                        }
                        if ninit == 1 {
                            for k in 1..count {
                                core::ptr::copy_nonoverlapping(p, p.add(k * es), es);
                            }
                        }
                    }
                    Cat::Complex(part) => {
                        if ninit > 2 {
                            return Err(Error::new(format!(
                                "too many initializers for '{}'",
                                tt.repr(ty)
                            )));
                        }
                        let (re, im) = (lua.tonumber(init), lua.tonumber(init + 1));
                        conv::write_complex(part, p, re, im);
                    }
                    Cat::Struct(a) => {
                        let agg = tt.agg(a).clone();
                        let named: Vec<&Field> =
                            agg.fields.iter().filter(|f| f.name.is_some()).collect();
                        let limit = if agg.is_union { 1 } else { named.len() };
                        if ninit as usize > limit {
                            return Err(Error::new(format!(
                                "too many initializers for '{}'",
                                tt.repr(ty)
                            )));
                        }
                        for f in named.iter().take(ninit as usize) {
                            conv::store_member(
                                cx,
                                init,
                                f,
                                p,
                                if nelem > 0 { nelem } else { u32::MAX },
                            )?;
                            init += 1;
                        }
                    }
                    _ => {
                        return Err(Error::new(format!(
                            "too many initializers for '{}'",
                            tt.repr(ty)
                        )))
                    }
                }
            }
        }
        // A metatype with __gc gives the object an implicit finaliser.
        if matches!(cx.types().get(ty).kind, Kind::Struct(_)) && push_mm(cx, ty, b"__gc\0") {
            let fins = lua.upvalue(uv::FINALIZERS);
            lua.pushvalue(obj);
            lua.insert(-2);
            lua.rawset(fins);
            super::cdata::make_finalizable(lua, obj);
        }
        lua.settop(obj);
        Ok(1)
    }
}

/// Whether the value at `idx` is a cdata of the same aggregate type as `ty` (a copy).
///
/// # Safety
/// A live state inside an ffi closure.
unsafe fn is_same_aggregate(cx: &Cx, idx: c_int, ty: CTypeId) -> bool {
    // SAFETY: forwarded contract.
    unsafe {
        match cdata::get(cx.lua, idx) {
            Some(c) if !c.is_ctype() => {
                let tt = cx.types();
                let (sty, _) = conv::data_of(tt, c);
                tt.unqualified(sty) == tt.unqualified(ty)
            }
            _ => false,
        }
    }
}

/// For a VLA `T[?]` or a VLS: (fixed part size, element size).
fn vla_elem(tt: &crate::table::CTypeTable, ty: CTypeId) -> Option<(u64, u64)> {
    match tt.get(ty).kind {
        Kind::Array(e, ArrayLen::Vla) => Some((0, tt.size_of(e)?)),
        Kind::Struct(a) if tt.agg(a).vla => {
            let d = tt.agg(a);
            let last = d.fields.last()?;
            let Kind::Array(e, _) = tt.get(last.ty).kind else { return None };
            Some((last.offset, tt.size_of(e)?))
        }
        _ => None,
    }
}

unsafe extern "C-unwind" fn ffi_new<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let ty = check_ct(cx, 1, "new")?;
            new_from_args(cx, ty, 2)
        })
    }
}

unsafe extern "C-unwind" fn ffi_cast<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let ty = check_ct(cx, 1, "cast")?;
            need_value(lua, 2, "cast")?;
            let tt = cx.types();
            let c = cat(tt, ty);
            let is_ref = matches!(tt.get(ty).kind, Kind::Ref(_));
            if !is_ref
                && !matches!(
                    c,
                    Cat::Int(..) | Cat::Bool | Cat::Float(_) | Cat::Complex(_) | Cat::Ptr(_)
                )
            {
                return Err(bad_arg(1, "cast", "invalid C type"));
            }
            let size = if is_ref { 8 } else { tt.size_of(ty).unwrap_or(8) as usize };
            let align = tt.align_of(ty) as usize;
            let p = cdata::push_new(lua, ty, size, align, 0);
            conv::to_c(cx, 2, ty, p, Mode::Cast)?;
            Ok(1)
        })
    }
}

unsafe extern "C-unwind" fn ffi_sizeof<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let ty = check_ct(cx, 1, "sizeof")?;
            let tt = cx.types();
            let cd = cdata::get(lua, 1).filter(|c| !c.is_ctype());
            let size = match (vla_elem(tt, ty), lua.type_(2), cd) {
                (Some((fixed, es)), t::NUMBER, _) => {
                    let n = lua.tonumber(2);
                    if n < 0.0 {
                        None
                    } else {
                        es.checked_mul(n as u64).and_then(|v| v.checked_add(fixed))
                    }
                }
                (Some((fixed, es)), _, Some(c)) => Some(fixed + es * c.nelem() as u64), // allocated, so it fits
                (Some(_), _, None) => return Err(bad_arg(2, "sizeof", "value expected")),
                _ => tt.size_of(ty),
            };
            match size {
                Some(s) => lua.pushinteger(s as i64),
                None => lua.pushnil(),
            }
            Ok(1)
        })
    }
}

unsafe extern "C-unwind" fn ffi_alignof<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let ty = check_ct(cx, 1, "alignof")?;
            cx.lua.pushinteger(cx.types().align_of(ty) as i64);
            Ok(1)
        })
    }
}

unsafe extern "C-unwind" fn ffi_offsetof<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let ty = check_ct(cx, 1, "offsetof")?;
            let Some(name) = lua.tobytes(2) else {
                return Err(expected(lua, 2, "offsetof", "string"));
            };
            let name = String::from_utf8_lossy(name).into_owned();
            let tt = cx.types();
            let ty = tt.unqualified(conv::deref_ty(tt, ty));
            match tt.offset_of(ty, &name) {
                Some(f) => match f.bits {
                    Some(b) => {
                        lua.pushinteger(f.offset as i64);
                        lua.pushinteger(b.shift as i64);
                        lua.pushinteger(b.width as i64);
                        Ok(3)
                    }
                    None => {
                        lua.pushinteger(f.offset as i64);
                        Ok(1)
                    }
                },
                None => Ok(0),
            }
        })
    }
}

unsafe extern "C-unwind" fn ffi_istype<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let ty = check_ct(cx, 1, "istype")?;
            need_value(lua, 2, "istype")?;
            let r = match cdata::get(lua, 2) {
                Some(c) if !c.is_ctype() => {
                    let tt = cx.types();
                    let want = tt.unqualified(ty);
                    let have = tt.unqualified(c.ty());
                    let have_deref = tt.unqualified(conv::deref_ty(tt, c.ty()));
                    let ptr_to_want = match tt.get(have).kind {
                        Kind::Ptr(to) => {
                            matches!(tt.get(want).kind, Kind::Struct(_))
                                && tt.unqualified(to) == want
                        }
                        _ => false,
                    };
                    // Pointers: the same pointee, ignoring qualifiers and signedness.
                    let ptrs = match (tt.get(want).kind, tt.get(have).kind) {
                        (Kind::Ptr(a), Kind::Ptr(b)) => conv::ptr_istype(tt, b, a),
                        _ => false,
                    };
                    want == have || want == have_deref || ptr_to_want || ptrs
                }
                _ => false,
            };
            lua.pushboolean(r as c_int);
            Ok(1)
        })
    }
}

unsafe extern "C-unwind" fn ffi_metatype<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let ty = check_ct(cx, 1, "metatype")?;
            let tt = cx.types();
            let ty = tt.unqualified(ty);
            if !matches!(tt.get(ty).kind, Kind::Struct(_) | Kind::Complex(_) | Kind::Vector(..)) {
                return Err(bad_arg(1, "metatype", "invalid C type"));
            }
            if lua.type_(2) != t::TABLE {
                return Err(expected(lua, 2, "metatype", "table"));
            }
            let mts = lua.upvalue(uv::METATYPES);
            if lua.rawgeti(mts, ty.index() as i64) != t::NIL {
                return Err(Error::new("cannot change a protected metatable"));
            }
            lua.pop(1);
            lua.pushvalue(2);
            lua.rawseti(mts, ty.index() as i64);
            cx.ctx().metatyped.insert(ty.index());
            cdata::push_ctype(lua, ty);
            Ok(1)
        })
    }
}

unsafe extern "C-unwind" fn ffi_gc<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let Some(c) = cdata::get(lua, 1).filter(|c| !c.is_ctype()) else {
                return Err(expected(lua, 1, "gc", "cdata"));
            };
            // Only pointers and aggregates take finalisers, as in LuaJIT.
            let k = cx.types().get(c.ty()).kind;
            if !matches!(
                k,
                Kind::Ptr(_) | Kind::Ref(_) | Kind::Struct(_) | Kind::Array(..) | Kind::Func(_)
            ) {
                return Err(bad_arg(1, "gc", "invalid C type"));
            }
            let tag = lua.type_(2);
            if tag != t::NIL && tag != t::FUNCTION && tag != t::TABLE && tag != t::USERDATA {
                return Err(bad_arg(
                    2,
                    "gc",
                    &format!("function expected, got {}", conv::type_name(tag)),
                ));
            }
            lua.settop(2);
            if tag != t::NIL {
                super::cdata::make_finalizable(lua, 1);
            }
            let fins = lua.upvalue(uv::FINALIZERS);
            lua.pushvalue(1);
            lua.pushvalue(2);
            lua.rawset(fins);
            lua.settop(1);
            Ok(1)
        })
    }
}

unsafe extern "C-unwind" fn ffi_errno<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let old = cx.ctx().errno;
            if lua.type_(1) > t::NIL {
                cx.ctx().errno = int_arg(cx, 1)? as c_int;
            }
            lua.pushinteger(old as i64);
            Ok(1)
        })
    }
}

/// Converts the argument at `idx` to the pointer type `ty` with the implicit conversion
/// rules (as LuaJIT does for `ffi.string`, `ffi.copy` and `ffi.fill`).
///
/// # Safety
/// A live state inside an ffi closure.
unsafe fn ptr_arg(cx: &Cx, idx: c_int, ty: CTypeId) -> Result<*mut u8, Error> {
    let mut slot = [0u8; 8];
    // SAFETY: forwarded contract; the slot holds a pointer.
    unsafe {
        conv::to_c(cx, idx, ty, slot.as_mut_ptr(), Mode::Implicit)?;
    }
    Ok(usize::from_le_bytes(slot) as *mut u8)
}

/// Converts the argument at `idx` to `int` (lengths and fill bytes).
///
/// # Safety
/// A live state inside an ffi closure.
unsafe fn int_arg(cx: &Cx, idx: c_int) -> Result<i64, Error> {
    let mut slot = [0u8; 4];
    // SAFETY: forwarded contract; the slot holds an int.
    unsafe {
        conv::to_c(cx, idx, ids::INT, slot.as_mut_ptr(), Mode::Implicit)?;
    }
    Ok(i32::from_le_bytes(slot) as i64)
}

/// `const void *` in this table.
fn pcvoid(cx: &Cx) -> CTypeId {
    cx.types().ptr_to(ids::CVOID)
}

unsafe extern "C-unwind" fn ffi_string<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure; like C's string functions it trusts the
    // pointer it is given (LuaJIT semantics), but refuses NULL.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let p = ptr_arg(cx, 1, ids::PCCHAR)?;
            if p.is_null() {
                return Err(bad_arg(1, "string", "NULL pointer"));
            }
            let len = if lua.type_(2) > t::NIL {
                let n = int_arg(cx, 2)?;
                if n < 0 {
                    return Err(bad_arg(2, "string", "length out of range"));
                }
                n as usize
            } else {
                let mut n = 0usize;
                while p.add(n).read() != 0 {
                    n += 1;
                }
                n
            };
            lua.pushbytes(core::slice::from_raw_parts(p, len));
            Ok(1)
        })
    }
}

unsafe extern "C-unwind" fn ffi_copy<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure; copies as memcpy would, trusting the
    // pointers it is given (LuaJIT semantics) but refusing NULL.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let dst = ptr_arg(cx, 1, ids::PVOID)?;
            let src = ptr_arg(cx, 2, pcvoid(cx))?;
            let from_string = lua.type_(2) == t::STRING;
            let n = if lua.type_(3) > t::NIL {
                let n = int_arg(cx, 3)?;
                if n < 0 {
                    return Err(bad_arg(3, "copy", "length out of range"));
                }
                n as usize
            } else if from_string {
                lua.rawlen(2) + 1
            } else {
                return Err(bad_arg(3, "copy", "number expected, got no value"));
            };
            if n > 0 && (dst.is_null() || src.is_null()) {
                return Err(bad_arg(1, "copy", "NULL pointer"));
            }
            if from_string && lua.type_(3) <= t::NIL {
                // The string and its terminating NUL.
                core::ptr::copy(src, dst, n - 1);
                dst.add(n - 1).write(0);
            } else {
                core::ptr::copy(src, dst, n);
            }
            Ok(0)
        })
    }
}

unsafe extern "C-unwind" fn ffi_fill<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure; fills as memset would.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let dst = ptr_arg(cx, 1, ids::PVOID)?;
            let n = int_arg(cx, 2)?;
            if n < 0 {
                return Err(bad_arg(2, "fill", "length out of range"));
            }
            let c = if lua.type_(3) > t::NIL { int_arg(cx, 3)? as u8 } else { 0 };
            if n > 0 && dst.is_null() {
                return Err(bad_arg(1, "fill", "NULL pointer"));
            }
            core::ptr::write_bytes(dst, c, n as usize);
            Ok(0)
        })
    }
}

unsafe extern "C-unwind" fn ffi_abi<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let Some(s) = lua.tobytes(1) else { return Err(bad_arg(1, "abi", "string expected")) };
            let win = cx.types().target().os == crate::target::Os::Windows;
            let r = match s {
                b"64bit" | b"le" | b"fpu" | b"hardfp" => true,
                b"win" => win,
                b"32bit" | b"be" | b"softfp" | b"eabi" | b"uwp" | b"pauth" | b"gc64"
                | b"dualnum" => false,
                _ => false,
            };
            lua.pushboolean(r as c_int);
            Ok(1)
        })
    }
}

/// `ffi.tonumber` (and the cdata-aware global `tonumber`): numbers from cdata numbers,
/// `nil` for other cdata, the original `tonumber` for everything else.
unsafe extern "C-unwind" fn ffi_tonumber<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure whose upvalue COUNT+1 is the original
    // tonumber.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            if let Some(c) = cdata::get(lua, 1) {
                if c.is_ctype() {
                    lua.pushnil();
                    return Ok(1);
                }
                let tt = cx.types();
                let (ty, p) = conv::data_of(tt, c);
                match cat(tt, ty) {
                    cc @ (Cat::Int(..) | Cat::Bool | Cat::Float(_) | Cat::Complex(_)) => {
                        match conv::read_num(cc, p) {
                            Some(conv::Num::I(v, s)) => {
                                if matches!(cc, Cat::Int(8, false)) {
                                    lua.pushnumber(v as u64 as f64)
                                } else if matches!(cc, Cat::Int(8, true)) {
                                    lua.pushnumber(v as f64)
                                } else {
                                    let _ = s;
                                    lua.pushinteger(v)
                                }
                            }
                            Some(conv::Num::F(f)) => lua.pushnumber(f),
                            None => lua.pushnil(),
                        }
                    }
                    _ => lua.pushnil(),
                }
                return Ok(1);
            }
            Ok(call_original(lua))
        })
    }
}

/// Calls the wrapped original function (upvalue COUNT+1) with all arguments; one result.
///
/// # Safety
/// A live state inside a wrapper closure; no Rust value with a destructor is live.
unsafe fn call_original(lua: Lua) -> c_int {
    // SAFETY: forwarded contract.
    unsafe {
        let n = lua.gettop();
        lua.pushvalue(lua.upvalue(uv::COUNT + 1));
        lua.insert(1);
        lua.call(n, 1);
    }
    1
}

/// `ffi.type`: "cdata" for cdata, the original `type` otherwise.
unsafe extern "C-unwind" fn ffi_type<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure whose upvalue COUNT+1 is the original type.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            if cdata::get(lua, 1).is_some() {
                lua.pushbytes(b"cdata");
                return Ok(1);
            }
            Ok(call_original(lua))
        })
    }
}

/// `ffi.C.name`: enum and `static const` constants (functions and variables come with C
/// calls).
unsafe extern "C-unwind" fn clib_index<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let Some(name) = lua.tobytes(2) else {
                return Err(bad_arg(2, "index", "string expected"));
            };
            let name = String::from_utf8_lossy(name).into_owned();
            match cx.types().lookup(&name) {
                Some(Symbol::Const { ty, value }) => {
                    let buf = value.to_le_bytes();
                    let tt = cx.types();
                    // Enum constants read as numbers; the constant's storage is its type's
                    // size (little-endian, so the low bytes come first).
                    let vty = if matches!(tt.get(ty).kind, Kind::Enum(_)) { ids::INT } else { ty };
                    let vty = if matches!(tt.get(ty).kind, Kind::Enum(e) if tt.enum_def(e).size == 8)
                    {
                        super::arith::int64_id(cx)
                    } else {
                        vty
                    };
                    conv::push_value(cx, vty, buf.as_ptr())?;
                    Ok(1)
                }
                Some(Symbol::Func { .. }) | Some(Symbol::Var { .. }) => Err(Error::new(format!(
                    "NYI: C function calls and variables (symbol '{name}')"
                ))),
                _ => Err(Error::new(format!("missing declaration for symbol '{name}'"))),
            }
        })
    }
}

/// `ffi.C.name = v`: constants are read-only; variables come with C calls.
unsafe extern "C-unwind" fn clib_newindex<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let Some(name) = lua.tobytes(2) else {
                return Err(expected(lua, 2, "newindex", "string"));
            };
            let name = String::from_utf8_lossy(name).into_owned();
            match cx.types().lookup(&name) {
                Some(Symbol::Var { .. }) => {
                    Err(Error::new(format!("NYI: C variables (symbol '{name}')")))
                }
                Some(_) => Err(Error::new("attempt to write to constant location")),
                None => Err(Error::new(format!("missing declaration for symbol '{name}'"))),
            }
        })
    }
}

/// Builds the `ffi` module and leaves it on the stack. Calling it again in the same
/// state returns the same table.
///
/// # Safety
/// `l` is a live state of `V`'s version with room for a few stack slots. May raise (out
/// of memory) like any `luaopen_*` function.
pub unsafe extern "C-unwind" fn open<V: Vm>(l: *mut State) -> c_int {
    let lua = Lua { api: V::API, l };
    // SAFETY: a live state; every push is balanced; closures get the upvalues described
    // in `cdata::uv`.
    unsafe {
        lua.checkstack(24);
        let reg = V::API.registry_index;
        if lua.getfield(reg, b"ffi-rs.module\0") == t::TABLE {
            return 1;
        }
        lua.pop(1);
        // Context (anchored in the registry; freed by its __gc at lua_close).
        let ctx = new_ctx::<V>(lua);
        lua.setfield(reg, b"ffi-rs.ctx\0");
        // Upvalues: ctx, metatable, metatypes, finalisers.
        lua.pushlightuserdata(ctx as *mut _);
        lua.createtable(0, 32);
        lua.createtable(0, 0);
        lua.createtable(0, 0);
        lua.createtable(0, 1);
        lua.pushbytes(b"k");
        lua.setfield(-2, b"__mode\0");
        lua.setmetatable(-2);
        let base = lua.gettop() - 3; // index of ctx
        let meta = base + 1;
        let push_uvs = |lua: Lua| {
            for i in 0..uv::COUNT {
                lua.pushvalue(base + i);
            }
        };
        let set = |lua: Lua, tbl: c_int, name: &[u8], f: super::api::CFunction| {
            push_uvs(lua);
            lua.pushcclosure(f, uv::COUNT);
            lua.setfield(tbl, name);
        };
        // The shared cdata metatable.
        set(lua, meta, b"__index\0", mm_index::<V>);
        set(lua, meta, b"__newindex\0", mm_newindex::<V>);
        set(lua, meta, b"__tostring\0", mm_tostring::<V>);
        set(lua, meta, b"__call\0", mm_call::<V>);
        set(lua, meta, b"__len\0", mm_len::<V>);
        set(lua, meta, b"__concat\0", mm_concat::<V>);
        set(lua, meta, b"__eq\0", mm_eq::<V>);
        set(lua, meta, b"__lt\0", mm_lt::<V>);
        set(lua, meta, b"__le\0", mm_le::<V>);
        set(lua, meta, b"__add\0", mm_add::<V>);
        set(lua, meta, b"__sub\0", mm_sub::<V>);
        set(lua, meta, b"__mul\0", mm_mul::<V>);
        set(lua, meta, b"__div\0", mm_div::<V>);
        set(lua, meta, b"__mod\0", mm_mod::<V>);
        set(lua, meta, b"__pow\0", mm_pow::<V>);
        set(lua, meta, b"__unm\0", mm_unm::<V>);
        if V::API.integers {
            set(lua, meta, b"__idiv\0", mm_idiv::<V>);
            set(lua, meta, b"__band\0", mm_band::<V>);
            set(lua, meta, b"__bor\0", mm_bor::<V>);
            set(lua, meta, b"__bxor\0", mm_bxor::<V>);
            set(lua, meta, b"__shl\0", mm_shl::<V>);
            set(lua, meta, b"__shr\0", mm_shr::<V>);
            set(lua, meta, b"__bnot\0", mm_bnot::<V>);
        }
        if V::API.version >= 504 {
            set(lua, meta, b"__close\0", mm_close::<V>);
        }
        lua.pushbytes(b"cdata");
        lua.setfield(meta, b"__name\0");
        lua.pushbytes(b"ffi");
        lua.setfield(meta, b"__metatable\0");
        // The variant for cdata with a finaliser: the same closures plus __gc. Only those
        // objects are finalizable, so plain cdata cost the collector no more than any
        // userdata; __eq/__lt still work across both (same metamethod values, as 5.1
        // requires).
        lua.createtable(0, 32);
        let gcmt = lua.gettop();
        lua.pushnil();
        while lua.next(meta) != 0 {
            lua.pushvalue(-2);
            lua.insert(-2);
            lua.rawset(gcmt);
        }
        set(lua, gcmt, b"__gc\0", mm_gc::<V>);
        lua.setfield(meta, b"__ffi_gc_mt\0");

        // The module.
        lua.createtable(0, 32);
        let m = lua.gettop();
        set(lua, m, b"cdef\0", ffi_cdef::<V>);
        set(lua, m, b"typeof\0", ffi_typeof::<V>);
        set(lua, m, b"new\0", ffi_new::<V>);
        set(lua, m, b"cast\0", ffi_cast::<V>);
        set(lua, m, b"sizeof\0", ffi_sizeof::<V>);
        set(lua, m, b"alignof\0", ffi_alignof::<V>);
        set(lua, m, b"offsetof\0", ffi_offsetof::<V>);
        set(lua, m, b"istype\0", ffi_istype::<V>);
        set(lua, m, b"metatype\0", ffi_metatype::<V>);
        set(lua, m, b"gc\0", ffi_gc::<V>);
        set(lua, m, b"errno\0", ffi_errno::<V>);
        set(lua, m, b"string\0", ffi_string::<V>);
        set(lua, m, b"copy\0", ffi_copy::<V>);
        set(lua, m, b"fill\0", ffi_fill::<V>);
        set(lua, m, b"abi\0", ffi_abi::<V>);
        let target = (*ctx).types.target();
        lua.pushbytes(target.os_name().as_bytes());
        lua.setfield(m, b"os\0");
        lua.pushbytes(target.arch.as_bytes());
        lua.setfield(m, b"arch\0");
        // ffi.tonumber / ffi.type wrap the originals (upvalue COUNT+1).
        for (name, global, f) in [
            (&b"tonumber\0"[..], &b"tonumber\0"[..], ffi_tonumber::<V> as super::api::CFunction),
            (b"type\0", b"type\0", ffi_type::<V>),
        ] {
            push_uvs(lua);
            lua.getglobal(global);
            lua.pushcclosure(f, uv::COUNT + 1);
            lua.setfield(m, name);
        }
        // ffi.C: a userdata namespace with __index.
        lua.newuserdata(8);
        lua.createtable(0, 2);
        let cmt = lua.gettop();
        set(lua, cmt, b"__index\0", clib_index::<V>);
        set(lua, cmt, b"__newindex\0", clib_newindex::<V>);
        lua.setmetatable(-2);
        lua.setfield(m, b"C\0");
        // ffi.nullptr and ffi.NULL.
        push_uvs(lua);
        lua.pushcclosure(push_null::<V>, uv::COUNT);
        lua.call(0, 1);
        lua.pushvalue(-1);
        lua.setfield(m, b"nullptr\0");
        lua.setfield(m, b"NULL\0");
        // Remember the module; drop the upvalue slots.
        lua.pushvalue(m);
        lua.setfield(reg, b"ffi-rs.module\0");
        lua.insert(base);
        lua.settop(base);
        1
    }
}

unsafe extern "C-unwind" fn push_null<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called as an ffi closure.
    unsafe {
        entry::<V>(l, |cx| {
            cdata::push_new(cx.lua, ids::PVOID, 8, 8, 0);
            Ok(1)
        })
    }
}

/// Replaces the global `tonumber` with the cdata-aware one (`ffi.tonumber`), as loading
/// LuaJIT-targeted code expects; `type` only when `with_type` is set.
///
/// # Safety
/// A live state; the ffi module table is at `module`.
pub unsafe fn patch_globals(lua: Lua, module: c_int, with_type: bool) {
    // SAFETY: forwarded contract.
    unsafe {
        lua.getfield(module, b"tonumber\0");
        lua.setglobal(b"tonumber\0");
        if with_type {
            lua.getfield(module, b"type\0");
            lua.setglobal(b"type\0");
        }
    }
}
