//! The shared cdata metatable: indexing, `tostring`, calls, `#`, `..`, finalisers and
//! the dispatch to `ffi.metatype` metamethods. Arithmetic and comparisons are in
//! [`super::arith`].
//!
//! Predefined operations are tried first (field access, element access, complex parts);
//! only then is the metatype's metamethod or index table consulted, as in LuaJIT.

use super::api::{t, Lua, State, Vm};
use super::cdata::{self, uv, CdataRef};
use super::conv::{self, cat, Cat, Mode};
use super::fmt;
use super::state::{entry, Cx};
use crate::ctype::*;
use crate::error::{msg, Error};
use crate::table::CTypeTable;
use alloc::format;
use alloc::string::String;
use core::ffi::c_int;

/// The type whose metatype applies to a cdata of type `ty`: references and pointers are
/// looked through (`T *` reaches `T`'s metatype), qualifiers dropped.
pub fn mt_base(tt: &mut CTypeTable, ty: CTypeId) -> CTypeId {
    let ty = conv::deref_ty(tt, ty);
    let ty = match tt.get(ty).kind {
        Kind::Ptr(to) => to,
        _ => ty,
    };
    tt.unqualified(ty)
}

/// Pushes field `key` (NUL-terminated) of the metatype of `ty`; returns whether it is
/// non-nil (nothing is left on the stack when it is nil).
///
/// # Safety
/// A live state inside an ffi closure.
pub unsafe fn push_mm(cx: &Cx, ty: CTypeId, key: &[u8]) -> bool {
    let lua = cx.lua;
    let base = mt_base(cx.types(), ty);
    if !cx.ctx().metatyped.contains(&base.index()) {
        return false;
    }
    // SAFETY: forwarded contract; pushes are balanced on every path.
    unsafe {
        if lua.rawgeti(lua.upvalue(uv::METATYPES), base.index() as i64) != t::TABLE {
            lua.pop(1);
            return false;
        }
        lua.pushbytes(&key[..key.len() - 1]);
        let tag = lua.rawget(-2);
        lua.insert(-2);
        lua.pop(1);
        if tag == t::NIL {
            lua.pop(1);
            return false;
        }
        true
    }
}

/// Calls the function (or indexes the table) left by [`push_mm`] for `__index`-style
/// lookups with the key at `key_idx`: `f(obj, key)` or `tbl[key]`. Leaves one result.
///
/// # Safety
/// A live state; the metamethod is on top; no Rust value with a destructor is live in
/// the callers (the call may raise).
unsafe fn index_via(lua: Lua, obj: c_int, key_idx: c_int) -> bool {
    // SAFETY: forwarded contract.
    unsafe {
        if lua.type_(-1) == t::FUNCTION {
            lua.pushvalue(obj);
            lua.pushvalue(key_idx);
            lua.call(2, 1);
            true
        } else {
            lua.pushvalue(key_idx);
            let tag = lua.gettable(-2);
            lua.insert(-2);
            lua.pop(1);
            // A key missing from an __index table is an error in LuaJIT.
            tag != t::NIL
        }
    }
}

/// Reads an element index from a Lua number or integer cdata.
///
/// # Safety
/// A live state inside an ffi closure.
pub unsafe fn index_key(cx: &Cx, idx: c_int) -> Option<i64> {
    let lua = cx.lua;
    // SAFETY: forwarded contract.
    unsafe {
        match lua.type_(idx) {
            t::NUMBER => Some(match lua.tointeger(idx) {
                Some(v) => v,
                None => conv::d2i64(lua.tonumber(idx)),
            }),
            t::USERDATA => {
                let c = cdata::get(lua, idx)?;
                if c.is_ctype() {
                    return None;
                }
                let (ty, p) = conv::data_of(cx.types(), c);
                match conv::read_num(cat(cx.types(), ty), p)? {
                    conv::Num::I(v, _) => Some(v),
                    conv::Num::F(f) => Some(conv::d2i64(f)),
                }
            }
            _ => None,
        }
    }
}

/// Keeps the key string at index 2 alive while it is in member-cache slot `i` (in the
/// metatype table, under negative keys that no type id uses).
///
/// # Safety
/// A live state inside an ffi closure with a string at index 2.
unsafe fn anchor_key(lua: Lua, i: usize) {
    // SAFETY: forwarded contract.
    unsafe {
        lua.pushvalue(2);
        lua.rawseti(lua.upvalue(uv::METATYPES), -(i as i64) - 1);
    }
}

/// Where an access lands.
enum Place {
    /// A value of `ty` at address `p` (const if `konst`).
    At(CTypeId, *mut u8, bool),
    /// A bitfield.
    Bits(Field, *mut u8, bool),
    /// A scoped `static const`.
    Const(CTypeId, i64),
    /// Part of a complex number (immutable).
    ComplexPart(u8, *mut u8),
}

/// Resolves `obj[key]` for the predefined operations.
///
/// # Safety
/// A live state inside an ffi closure; `cd` is the cdata at index 1, the key at 2.
unsafe fn resolve(cx: &Cx, cd: CdataRef) -> Result<Option<Place>, Error> {
    let lua = cx.lua;
    let tt = cx.types();
    let (ty, p) = conv::data_of(tt, cd);
    // SAFETY: forwarded contract; addresses are computed from the cdata's own payload or
    // the pointer it holds, as C would.
    unsafe {
        let key_str = lua.tobytes(2);
        let tyq = tt.get(ty).qual.is_const();
        match tt.get(ty).kind {
            Kind::Ptr(to) | Kind::Array(to, _) | Kind::Vector(to, _) => {
                let is_ptr = matches!(tt.get(ty).kind, Kind::Ptr(_));
                let base = if is_ptr { p.cast::<*mut u8>().read_unaligned() } else { p };
                if let Some(k) = index_key(cx, 2) {
                    let tt = cx.types();
                    let es = tt.size_of(to).ok_or_else(|| Error::new(msg::TOO_LARGE))?;
                    let addr = base.wrapping_offset((k as isize).wrapping_mul(es as isize));
                    let konst =
                        tt.get(to).qual.is_const() || matches!(tt.get(ty).kind, Kind::Vector(..));
                    return Ok(Some(Place::At(to, addr, konst)));
                }
                if let (Some(s), true) = (key_str, is_ptr) {
                    if let Kind::Struct(_) = tt.get(to).kind {
                        return field_place(cx, to, base, s, tt.get(to).qual.is_const());
                    }
                }
                Ok(None)
            }
            Kind::Struct(_) => match key_str {
                Some(s) => field_place(cx, ty, p, s, tyq),
                None => Ok(None),
            },
            Kind::Complex(f) => {
                let part = if f == FloatKind::Float { 4u8 } else { 8 };
                let which = match key_str {
                    Some(b"re") => Some(0),
                    Some(b"im") => Some(1),
                    Some(_) => None,
                    None => index_key(cx, 2).filter(|k| *k == 0 || *k == 1),
                };
                Ok(which.map(|w| Place::ComplexPart(part, p.add(w as usize * part as usize))))
            }
            _ => Ok(None),
        }
    }
}

fn field_place(
    cx: &Cx,
    sty: CTypeId,
    base: *mut u8,
    key: &[u8],
    konst: bool,
) -> Result<Option<Place>, Error> {
    let tt = cx.types();
    // SAFETY: the key string is at index 2 (field_place is called for __index and
    // __newindex with a string key).
    let slot = cx.ctx().fields.slot_for(tt, sty, key, |i| unsafe { anchor_key(cx.lua, i) });
    if let Some(f) = slot.map(|s| s.info) {
        let fconst = konst || tt.get(f.ty).qual.is_const();
        // The field lies inside the struct at `base`.
        let addr = base.wrapping_add(f.offset as usize);
        return Ok(Some(match f.bits {
            Some(b) => {
                Place::Bits(Field { name: None, ty: f.ty, offset: 0, bits: Some(b) }, addr, fconst)
            }
            None => Place::At(f.ty, addr, fconst),
        }));
    }
    let Ok(name) = core::str::from_utf8(key) else { return Ok(None) };
    if let Some((ty, v)) = tt.scoped_const(sty, name) {
        return Ok(Some(Place::Const(ty, v)));
    }
    Ok(None)
}

/// The error for a failed lookup on a cdata of type `ty` with the key at index 2.
///
/// # Safety
/// A live state inside an ffi closure.
unsafe fn no_member(cx: &Cx, ty: CTypeId) -> Error {
    let lua = cx.lua;
    let tt = cx.types();
    let ty = conv::deref_ty(tt, ty);
    let shown = match tt.get(ty).kind {
        Kind::Ptr(to) if matches!(tt.get(to).kind, Kind::Struct(_)) => to,
        _ => ty,
    };
    // SAFETY: forwarded contract.
    unsafe {
        match lua.tobytes(2) {
            Some(s) => Error::new(format!(
                "'{}' has no member named '{}'",
                tt.repr(shown),
                String::from_utf8_lossy(s)
            )),
            None => {
                let k = conv::op_value_name(cx, 2);
                Error::new(format!("'{}' cannot be indexed with '{}'", cx.types().repr(ty), k))
            }
        }
    }
}

/// `__index`.
///
/// # Safety
/// Called by Lua.
pub unsafe extern "C-unwind" fn mm_index<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as a closure with the ffi upvalues.
    unsafe { entry::<V>(l, |cx| index(cx)) }
}

/// Loads a scalar by code and pushes it.
///
/// # Safety
/// `p` holds a value of the code's type; a live state.
#[inline(always)]
unsafe fn push_scalar(lua: Lua, code: u8, p: *const u8) {
    // SAFETY: forwarded contract; unaligned loads for packed members.
    unsafe {
        match code {
            1 => lua.pushnumber(p.cast::<f64>().read_unaligned()),
            2 => lua.pushnumber(p.cast::<f32>().read_unaligned() as f64),
            3 => lua.pushinteger(p.cast::<i8>().read() as i64),
            4 => lua.pushinteger(p.read() as i64),
            5 => lua.pushinteger(p.cast::<i16>().read_unaligned() as i64),
            6 => lua.pushinteger(p.cast::<u16>().read_unaligned() as i64),
            7 => lua.pushinteger(p.cast::<i32>().read_unaligned() as i64),
            8 => lua.pushinteger(p.cast::<u32>().read_unaligned() as i64),
            _ => lua.pushboolean((p.read() != 0) as c_int),
        }
    }
}

/// Stores the Lua number at index 3 by scalar code; false when the value is not a
/// number (the general path then converts or reports it).
///
/// # Safety
/// `p` is writable for the code's type; a live state.
#[inline(always)]
unsafe fn store_scalar(lua: Lua, code: u8, p: *mut u8) -> bool {
    // SAFETY: forwarded contract.
    unsafe {
        if lua.type_(3) != t::NUMBER || code == 9 {
            return false;
        }
        let n = if lua.isinteger(3) != 0 {
            conv::Num::I(lua.tointeger(3).unwrap_or(0), true)
        } else {
            conv::Num::F(lua.tonumber(3))
        };
        let c = match code {
            1 => Cat::Float(8),
            2 => Cat::Float(4),
            3 => Cat::Int(1, true),
            4 => Cat::Int(1, false),
            5 => Cat::Int(2, true),
            6 => Cat::Int(2, false),
            7 => Cat::Int(4, true),
            _ => Cat::Int(4, false),
        };
        conv::write_num(c, p, n);
        true
    }
}

/// The address a fast access goes to: a scalar member of a struct (or of the struct a
/// pointer points to) named by a string key, or a scalar element of an array/pointer
/// indexed by a number. `None` sends the access down the general path.
///
/// # Safety
/// A live state inside an ffi closure; object at 1, key at 2.
#[inline(always)]
unsafe fn fast_place(cx: &Cx) -> Option<(u8, *mut u8)> {
    let lua = cx.lua;
    // SAFETY: forwarded contract; addresses are computed as C would.
    unsafe {
        let cd = cdata::get(lua, 1)?;
        if cd.is_ctype() {
            return None;
        }
        let tt = cx.types();
        let (ty, p) = conv::data_of(tt, cd);
        let rec = tt.get(ty);
        match lua.type_(2) {
            t::STRING => {
                let (sty, base) = match rec.kind {
                    Kind::Struct(_) if !rec.qual.is_const() => (ty, p),
                    Kind::Ptr(to)
                        if matches!(tt.get(to).kind, Kind::Struct(_))
                            && !tt.get(to).qual.is_const() =>
                    {
                        (to, p.cast::<*mut u8>().read_unaligned())
                    }
                    _ => return None,
                };
                // The type is known: read the string directly.
                let mut len = 0usize;
                let kp = (lua.api.tolstring)(lua.l, 2, &mut len);
                let key = core::slice::from_raw_parts(kp as *const u8, len);
                let slot = cx.ctx().fields.slot_for(tt, sty, key, |i| anchor_key(lua, i))?;
                (slot.scalar != 0)
                    .then(|| (slot.scalar, base.wrapping_add(slot.info.offset as usize)))
            }
            t::NUMBER => {
                let (elem, base) = match rec.kind {
                    Kind::Array(e, _) => (e, p),
                    Kind::Ptr(e) => (e, p.cast::<*mut u8>().read_unaligned()),
                    _ => return None,
                };
                let code = super::state::scalar_code(tt, elem);
                if code == 0 {
                    return None;
                }
                let k = lua.tointeger(2)?;
                let es = tt.get(elem).size? as isize;
                Some((code, base.wrapping_offset((k as isize).wrapping_mul(es))))
            }
            _ => None,
        }
    }
}

unsafe fn index(cx: &Cx) -> Result<c_int, Error> {
    let lua = cx.lua;
    // SAFETY: called from an ffi closure with the object at 1 and the key at 2.
    if let Some((code, p)) = unsafe { fast_place(cx) } {
        // SAFETY: fast_place computed the address of a scalar of this code.
        unsafe { push_scalar(lua, code, p) };
        return Ok(1);
    }
    // SAFETY: called from an ffi closure with the object at 1 and the key at 2.
    unsafe {
        let Some(cd) = cdata::get(lua, 1) else {
            return Err(Error::new("bad argument #1 (cdata expected)"));
        };
        if cd.is_ctype() {
            let target = cd.ctype_target();
            if let Some(s) = lua.tobytes(2) {
                if let Ok(name) = core::str::from_utf8(s) {
                    if let Some((ty, v)) = cx.types().scoped_const(target, name) {
                        let buf = v.to_le_bytes();
                        conv::push_value(cx, ty, buf.as_ptr())?;
                        return Ok(1);
                    }
                }
            }
            if push_mm(cx, target, b"__index\0") && index_via(lua, 1, 2) {
                return Ok(1);
            }
            return Err(no_member(cx, target));
        }
        match resolve(cx, cd)? {
            Some(Place::At(ty, p, _)) => {
                conv::push_value(cx, ty, p)?;
                return Ok(1);
            }
            Some(Place::Bits(f, p, _)) => {
                let tt = cx.types();
                let signed = matches!(cat(tt, f.ty), Cat::Int(_, true));
                let v = conv::read_bits(signed, p, f.bits.unwrap_or(BitPos { shift: 0, width: 0 }));
                if matches!(tt.get(f.ty).kind, Kind::Bool) {
                    lua.pushboolean((v != 0) as c_int);
                } else {
                    lua.pushinteger(v);
                }
                return Ok(1);
            }
            Some(Place::Const(ty, v)) => {
                let buf = v.to_le_bytes();
                conv::push_value(cx, ty, buf.as_ptr())?;
                return Ok(1);
            }
            Some(Place::ComplexPart(part, p)) => {
                let v = if part == 4 {
                    p.cast::<f32>().read_unaligned() as f64
                } else {
                    p.cast::<f64>().read_unaligned()
                };
                lua.pushnumber(v);
                return Ok(1);
            }
            None => {}
        }
        let ty = cd.ty();
        if push_mm(cx, ty, b"__index\0") && index_via(lua, 1, 2) {
            return Ok(1);
        }
        Err(no_member(cx, ty))
    }
}

/// `__newindex`.
///
/// # Safety
/// Called by Lua.
pub unsafe extern "C-unwind" fn mm_newindex<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as a closure with the ffi upvalues.
    unsafe { entry::<V>(l, |cx| newindex(cx)) }
}

unsafe fn newindex(cx: &Cx) -> Result<c_int, Error> {
    let lua = cx.lua;
    // SAFETY: called from an ffi closure with object, key, value at 1, 2, 3; fast_place
    // only returns non-const scalar locations.
    if let Some((code, p)) = unsafe { fast_place(cx) } {
        // SAFETY: as above.
        if unsafe { store_scalar(lua, code, p) } {
            return Ok(0);
        }
    }
    const WRCONST: &str = "attempt to write to constant location";
    // SAFETY: called from an ffi closure with object, key, value at 1, 2, 3.
    unsafe {
        let Some(cd) = cdata::get(lua, 1) else {
            return Err(Error::new("bad argument #1 (cdata expected)"));
        };
        if !cd.is_ctype() {
            match resolve(cx, cd)? {
                Some(Place::At(ty, p, konst)) => {
                    if konst {
                        return Err(Error::new(WRCONST));
                    }
                    conv::to_c(cx, 3, ty, p, Mode::Implicit)?;
                    return Ok(0);
                }
                Some(Place::Bits(f, p, konst)) => {
                    if konst {
                        return Err(Error::new(WRCONST));
                    }
                    conv::store_field(cx, 3, &f, p)?;
                    return Ok(0);
                }
                Some(Place::Const(..)) | Some(Place::ComplexPart(..)) => {
                    return Err(Error::new(WRCONST))
                }
                None => {}
            }
        }
        let ty = if cd.is_ctype() { cd.ctype_target() } else { cd.ty() };
        if push_mm(cx, ty, b"__newindex\0") {
            if lua.type_(-1) == t::FUNCTION {
                lua.pushvalue(1);
                lua.pushvalue(2);
                lua.pushvalue(3);
                lua.call(3, 0);
            } else {
                lua.pushvalue(2);
                lua.pushvalue(3);
                lua.settable(-3);
                lua.pop(1);
            }
            return Ok(0);
        }
        Err(no_member(cx, ty))
    }
}

/// The default `tostring` of a cdata.
///
/// # Safety
/// A live state inside an ffi closure.
pub unsafe fn default_tostring(cx: &Cx, cd: CdataRef) -> String {
    let tt = cx.types();
    if cd.is_ctype() {
        return format!("ctype<{}>", tt.repr(cd.ctype_target()));
    }
    let ty = cd.ty();
    let (dty, p) = conv::data_of(tt, cd);
    // SAFETY: `p` holds a value of `dty`.
    unsafe {
        match (tt.get(ty).kind, cat(tt, dty)) {
            (Kind::Int { size: 8, signed, .. }, _) => {
                let v = p.cast::<i64>().read_unaligned();
                if signed {
                    format!("{v}LL")
                } else {
                    format!("{}ULL", v as u64)
                }
            }
            (Kind::Complex(_), Cat::Complex(part)) => {
                let (re, im) = conv::read_complex(part, p);
                fmt::complex(re, im)
            }
            (Kind::Enum(_), Cat::Int(..)) => match conv::read_num(cat(tt, dty), p) {
                Some(conv::Num::I(v, _)) => format!("cdata<{}>: {}", tt.repr(ty), v),
                _ => format!("cdata<{}>: ?", tt.repr(ty)),
            },
            (Kind::Ptr(_) | Kind::Func(_), _) => {
                format!("cdata<{}>: {}", tt.repr(ty), fmt::addr(p.cast::<usize>().read_unaligned()))
            }
            _ => format!("cdata<{}>: {}", tt.repr(ty), fmt::addr(p as usize)),
        }
    }
}

/// `__tostring`.
///
/// # Safety
/// Called by Lua.
pub unsafe extern "C-unwind" fn mm_tostring<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as a closure with the ffi upvalues.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let Some(cd) = cdata::get(lua, 1) else { return Err(Error::new("cdata expected")) };
            let ty = if cd.is_ctype() { None } else { Some(cd.ty()) };
            if let Some(ty) = ty {
                if push_mm(cx, ty, b"__tostring\0") {
                    lua.pushvalue(1);
                    lua.call(1, 1);
                    return Ok(1);
                }
            }
            let s = default_tostring(cx, cd);
            lua.pushbytes(s.as_bytes());
            Ok(1)
        })
    }
}

/// Calls the metamethod `name` of the cdata at index 1 (or of the second operand) with
/// all arguments; returns `None` when neither has it.
///
/// # Safety
/// A live state inside an ffi closure; no Rust value with a destructor live in callers.
pub unsafe fn call_mm(cx: &Cx, name: &[u8], nres: c_int) -> Option<c_int> {
    let lua = cx.lua;
    // SAFETY: forwarded contract.
    unsafe {
        let n = lua.gettop();
        for i in 1..=n.min(2) {
            if let Some(cd) = cdata::get(lua, i) {
                let ty = if cd.is_ctype() { cd.ctype_target() } else { cd.ty() };
                if push_mm(cx, ty, name) {
                    lua.insert(1);
                    lua.call(n, nres);
                    return Some(if nres < 0 { lua.gettop() } else { nres });
                }
            }
        }
        None
    }
}

/// `__call`: ctype objects construct (or call `__new`), other cdata call their
/// metatype's `__call`.
///
/// # Safety
/// Called by Lua.
pub unsafe extern "C-unwind" fn mm_call<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as a closure with the ffi upvalues.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            let Some(cd) = cdata::get(lua, 1) else { return Err(Error::new("cdata expected")) };
            if cd.is_ctype() {
                let target = cd.ctype_target();
                if push_mm(cx, target, b"__new\0") {
                    let n = lua.gettop() - 1;
                    lua.insert(1);
                    lua.call(n, -1);
                    return Ok(lua.gettop());
                }
                return super::lib::new_from_args(cx, target, 2);
            }
            if let Some(n) = call_mm(cx, b"__call\0", -1) {
                return Ok(n);
            }
            Err(Error::new(format!("'{}' is not callable", cx.types().repr(cd.ty()))))
        })
    }
}

/// `__len`.
///
/// # Safety
/// Called by Lua.
pub unsafe extern "C-unwind" fn mm_len<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as a closure with the ffi upvalues.
    unsafe {
        entry::<V>(l, |cx| {
            let lua = cx.lua;
            lua.settop(1);
            if let Some(n) = call_mm(cx, b"__len\0", 1) {
                return Ok(n);
            }
            let name = conv::op_value_name(cx, 1);
            Err(Error::new(format!("attempt to get length of '{name}'")))
        })
    }
}

/// `__concat`.
///
/// # Safety
/// Called by Lua.
pub unsafe extern "C-unwind" fn mm_concat<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as a closure with the ffi upvalues.
    unsafe {
        entry::<V>(l, |cx| {
            if let Some(n) = call_mm(cx, b"__concat\0", 1) {
                return Ok(n);
            }
            let (a, b) = (conv::op_value_name(cx, 1), conv::op_value_name(cx, 2));
            Err(Error::new(format!("attempt to concatenate '{a}' and '{b}'")))
        })
    }
}

/// `__close` (5.4+): the metatype's `__close`, if any.
///
/// # Safety
/// Called by Lua.
pub unsafe extern "C-unwind" fn mm_close<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as a closure with the ffi upvalues.
    unsafe { entry::<V>(l, |cx| Ok(call_mm(cx, b"__close\0", 0).unwrap_or(0))) }
}

/// `__gc`: runs the cdata's finaliser (from `ffi.gc` or a metatype `__gc`) exactly once.
///
/// # Safety
/// Called by Lua with the cdata at index 1.
pub unsafe extern "C-unwind" fn mm_gc<V: Vm>(l: *mut State) -> c_int {
    let lua = Lua { api: V::API, l };
    // SAFETY: called by Lua as a closure with the ffi upvalues. This path does not touch
    // the context (it may already be freed at lua_close); it uses the finaliser table
    // upvalue only. The entry is removed before the call so it runs once.
    unsafe {
        let fins = lua.upvalue(uv::FINALIZERS);
        lua.pushvalue(1);
        if lua.rawget(fins) == t::NIL {
            lua.pop(1);
            return 0;
        }
        lua.pushvalue(1);
        lua.pushnil();
        lua.rawset(fins);
        lua.pushvalue(1);
        // Errors in finalisers are reported by the VM's own rules for __gc errors.
        lua.call(1, 0);
    }
    0
}
