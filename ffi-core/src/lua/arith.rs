//! Arithmetic and comparison metamethods with LuaJIT's rules: pointer arithmetic and
//! difference, "sticky" 64-bit integer arithmetic (any cdata number with a Lua number or
//! another cdata number gives an `int64_t`, or `uint64_t` when either side is one),
//! LuaJIT's results for division and modulo by zero, enum constants named by strings, and
//! the metatype fallback.

use super::api::{t, State, Vm};
use super::cdata::{self, CdataRef};
use super::conv::{self, cat, Cat, Num};
use super::meta;
use super::state::{entry, Cx};
use crate::ctype::*;
use crate::error::Error;
use crate::table::ids;
use alloc::format;
use core::ffi::c_int;

/// An operand as arithmetic sees it.
#[derive(Copy, Clone)]
enum Op {
    /// A pointer (or array decayed to one): element type, address.
    Ptr(CTypeId, usize),
    /// A 64-bit integer view and whether it is unsigned (from a cdata number).
    I64(i64, bool),
    /// A Lua number (an integer on 5.3+, else a float).
    Lua(Num),
    /// A string (for enum constants).
    Str,
    /// Anything else.
    Other,
}

/// Which operator.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Ar {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`
    Pow,
    /// unary `-`
    Unm,
    /// `//`
    IDiv,
    /// `&`
    Band,
    /// `|`
    Bor,
    /// `~`
    Bxor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// unary `~`
    Bnot,
}

impl Ar {
    fn mm(self) -> &'static [u8] {
        match self {
            Ar::Add => b"__add\0",
            Ar::Sub => b"__sub\0",
            Ar::Mul => b"__mul\0",
            Ar::Div => b"__div\0",
            Ar::Mod => b"__mod\0",
            Ar::Pow => b"__pow\0",
            Ar::Unm => b"__unm\0",
            Ar::IDiv => b"__idiv\0",
            Ar::Band => b"__band\0",
            Ar::Bor => b"__bor\0",
            Ar::Bxor => b"__bxor\0",
            Ar::Shl => b"__shl\0",
            Ar::Shr => b"__shr\0",
            Ar::Bnot => b"__bnot\0",
        }
    }
}

/// The operand at `idx`.
///
/// # Safety
/// A live state inside an ffi closure.
unsafe fn operand(cx: &Cx, idx: c_int) -> (Op, Option<CdataRef>) {
    let lua = cx.lua;
    // SAFETY: forwarded contract; values are read from the cdata's own storage.
    unsafe {
        match lua.type_(idx) {
            t::NUMBER => {
                let n = match (lua.isinteger(idx) != 0).then(|| lua.tointeger(idx)).flatten() {
                    Some(i) => Num::I(i, true),
                    None => Num::F(lua.tonumber(idx)),
                };
                (Op::Lua(n), None)
            }
            t::STRING => (Op::Str, None),
            t::USERDATA => {
                let Some(cd) = cdata::get(lua, idx) else { return (Op::Other, None) };
                if cd.is_ctype() {
                    return (Op::Other, Some(cd));
                }
                let tt = cx.types();
                let (ty, p) = conv::data_of(tt, cd);
                let op = match cat(tt, ty) {
                    Cat::Ptr(to) => Op::Ptr(to, p.cast::<usize>().read_unaligned()),
                    Cat::Array(e) => Op::Ptr(e, p as usize),
                    c @ (Cat::Int(..) | Cat::Bool | Cat::Float(_)) => match conv::read_num(c, p) {
                        Some(Num::I(v, _)) => Op::I64(v, matches!(c, Cat::Int(8, false))),
                        Some(Num::F(f)) => Op::I64(conv::d2i64(f), false),
                        None => Op::Other,
                    },
                    _ => Op::Other,
                };
                (op, Some(cd))
            }
            _ => (Op::Other, None),
        }
    }
}

/// An enum constant named by the string at `sidx`, when the other operand is an enum.
///
/// # Safety
/// A live state inside an ffi closure.
unsafe fn enum_string(cx: &Cx, sidx: c_int, other: Option<CdataRef>) -> Result<Option<i64>, Error> {
    let tt = cx.types();
    let Some(c) = other else { return Ok(None) };
    if c.is_ctype() {
        return Ok(None);
    }
    let ty = conv::deref_ty(tt, c.ty());
    let Kind::Enum(e) = tt.get(ty).kind else { return Ok(None) };
    // SAFETY: forwarded contract.
    let Some(s) = (unsafe { cx.lua.tobytes(sidx) }) else { return Ok(None) };
    match conv::enum_value(tt, e, s) {
        Some(v) => Ok(Some(v)),
        // SAFETY: forwarded contract.
        None => Err(unsafe { conv::cannot_convert(cx, sidx, ty) }),
    }
}

/// Both operands (the first twice for unary operators), with a string next to an enum
/// cdata replaced by that enum's constant.
///
/// # Safety
/// A live state inside an ffi closure.
#[allow(clippy::type_complexity)]
unsafe fn operands(
    cx: &Cx,
    unary: bool,
) -> Result<(Op, Option<CdataRef>, Op, Option<CdataRef>), Error> {
    // SAFETY: forwarded contract.
    unsafe {
        let (mut a, ca) = operand(cx, 1);
        let (mut b, cb) = if unary { (a, ca) } else { operand(cx, 2) };
        if let Op::Str = a {
            if let Some(v) = enum_string(cx, 1, cb)? {
                a = Op::Lua(Num::I(v, true));
            }
        }
        if let Op::Str = b {
            if let Some(v) = enum_string(cx, 2, ca)? {
                b = Op::Lua(Num::I(v, true));
            }
        }
        Ok((a, ca, b, cb))
    }
}

fn to64(op: Op) -> Option<(i64, bool)> {
    match op {
        Op::I64(v, u) => Some((v, u)),
        Op::Lua(Num::I(v, _)) => Some((v, false)),
        Op::Lua(Num::F(f)) => Some((conv::d2i64(f), false)),
        _ => None,
    }
}

/// 64-bit integer arithmetic with LuaJIT's results for the undefined cases.
fn int_op(op: Ar, a: i64, b: i64, unsigned: bool) -> i64 {
    const MIN: i64 = i64::MIN;
    if unsigned {
        let (x, y) = (a as u64, b as u64);
        (match op {
            Ar::Add => x.wrapping_add(y),
            Ar::Sub => x.wrapping_sub(y),
            Ar::Mul => x.wrapping_mul(y),
            Ar::Div | Ar::IDiv => x.checked_div(y).unwrap_or(MIN as u64),
            Ar::Mod => x.checked_rem(y).unwrap_or(MIN as u64),
            Ar::Pow => upow(x, b),
            Ar::Unm => x.wrapping_neg(),
            Ar::Band => x & y,
            Ar::Bor => x | y,
            Ar::Bxor => x ^ y,
            Ar::Shl => x.wrapping_shl((y & 63) as u32),
            Ar::Shr => x.wrapping_shr((y & 63) as u32),
            Ar::Bnot => !x,
        }) as i64
    } else {
        match op {
            Ar::Add => a.wrapping_add(b),
            Ar::Sub => a.wrapping_sub(b),
            Ar::Mul => a.wrapping_mul(b),
            Ar::Div | Ar::IDiv => {
                if b == 0 {
                    MIN
                } else if a == MIN && b == -1 {
                    a
                } else {
                    a / b
                }
            }
            Ar::Mod => {
                if b == 0 {
                    MIN
                } else if a == MIN && b == -1 {
                    0
                } else {
                    a % b
                }
            }
            Ar::Pow => ipow(a, b),
            Ar::Unm => a.wrapping_neg(),
            Ar::Band => a & b,
            Ar::Bor => a | b,
            Ar::Bxor => a ^ b,
            Ar::Shl => (a as u64).wrapping_shl((b & 63) as u32) as i64,
            Ar::Shr => ((a as u64).wrapping_shr((b & 63) as u32)) as i64,
            Ar::Bnot => !a,
        }
    }
}

fn ipow(mut x: i64, mut k: i64) -> i64 {
    if k <= 0 {
        return match k {
            0 => 1,
            _ if x == 1 => 1,
            _ if x == -1 => {
                if k & 1 != 0 {
                    -1
                } else {
                    1
                }
            }
            _ if x == 0 => i64::MAX,
            _ => 0,
        };
    }
    let mut y: i64 = 1;
    while k > 0 {
        if k & 1 != 0 {
            y = y.wrapping_mul(x);
        }
        x = x.wrapping_mul(x);
        k >>= 1;
    }
    y
}

fn upow(mut x: u64, k: i64) -> u64 {
    if k <= 0 {
        return if k == 0 || x == 1 { 1 } else { 0 };
    }
    let mut k = k as u64;
    let mut y: u64 = 1;
    while k > 0 {
        if k & 1 != 0 {
            y = y.wrapping_mul(x);
        }
        x = x.wrapping_mul(x);
        k >>= 1;
    }
    y
}

/// Boxes a 64-bit integer result.
///
/// # Safety
/// A live state inside an ffi closure.
unsafe fn push_i64(cx: &Cx, v: i64, unsigned: bool) {
    let ty = if unsigned { uint64_id(cx) } else { int64_id(cx) };
    // SAFETY: forwarded contract; the new payload has 8 bytes.
    unsafe {
        let p = cdata::push_new(cx.lua, ty, 8, 8, 0);
        p.cast::<i64>().write(v);
    }
}

/// `int64_t` in this table.
pub fn int64_id(cx: &Cx) -> CTypeId {
    if cx.types().target().long_size == 8 {
        ids::LONG
    } else {
        ids::LLONG
    }
}

/// `uint64_t` in this table.
pub fn uint64_id(cx: &Cx) -> CTypeId {
    if cx.types().target().long_size == 8 {
        ids::ULONG
    } else {
        ids::ULLONG
    }
}

unsafe fn arith(cx: &Cx, op: Ar) -> Result<c_int, Error> {
    let lua = cx.lua;
    // SAFETY: called from an ffi closure with the operands at 1 and 2.
    unsafe {
        let unary = matches!(op, Ar::Unm | Ar::Bnot);
        let (a, ca, b, cb) = operands(cx, unary)?;
        // Pointer arithmetic and difference.
        match (op, a, b) {
            (Ar::Add | Ar::Sub, Op::Ptr(e, p), Op::I64(..) | Op::Lua(_))
            | (Ar::Add, Op::I64(..) | Op::Lua(_), Op::Ptr(e, p)) => {
                let k =
                    if let Op::Ptr(..) = a { to64(b) } else { to64(a) }.map(|x| x.0).unwrap_or(0);
                let tt = cx.types();
                // An unknown element size (void *) leaves it to metamethods, then the
                // arithmetic error, as in LuaJIT.
                let Some(es) = tt.size_of(e) else { return arith_fallback(cx, op, unary) };
                let es = es as i64;
                let delta = k.wrapping_mul(es);
                let addr = if op == Ar::Add {
                    (p as i64).wrapping_add(delta)
                } else {
                    (p as i64).wrapping_sub(delta)
                };
                let pty = tt.ptr_to(e);
                let np = cdata::push_new(lua, pty, 8, 8, 0);
                np.cast::<i64>().write(addr);
                return Ok(1);
            }
            (Ar::Sub, Op::Ptr(e1, p1), Op::Ptr(e2, p2)) => {
                let tt = cx.types();
                if conv::ptr_compatible(tt, e1, e2) || conv::ptr_compatible(tt, e2, e1) {
                    let Some(es) = tt.size_of(e1).filter(|&s| s > 0) else {
                        return arith_fallback(cx, op, unary);
                    };
                    let es = es as i64;
                    let d = (p1 as i64).wrapping_sub(p2 as i64) / es;
                    lua.pushinteger(d);
                    return Ok(1);
                }
            }
            _ => {}
        }
        let either_cdata_num = matches!(a, Op::I64(..)) || matches!(b, Op::I64(..));
        if either_cdata_num {
            if let (Some((x, ux)), Some((y, uy))) = (to64(a), to64(b)) {
                let unsigned = ux || uy;
                push_i64(cx, int_op(op, x, y, unsigned), unsigned);
                return Ok(1);
            }
        }
        let _ = (ca, cb);
        arith_fallback(cx, op, unary)
    }
}

/// The metatype's metamethod, else the arithmetic error.
///
/// # Safety
/// A live state inside an ffi closure; no Rust value with a destructor live in callers.
unsafe fn arith_fallback(cx: &Cx, op: Ar, unary: bool) -> Result<c_int, Error> {
    // SAFETY: forwarded contract.
    unsafe {
        if let Some(n) = meta::call_mm(cx, op.mm(), 1) {
            return Ok(n);
        }
        let an = conv::op_value_name(cx, 1);
        let bn = if unary { an.clone() } else { conv::op_value_name(cx, 2) };
        Err(Error::new(format!("attempt to perform arithmetic on '{an}' and '{bn}'")))
    }
}

macro_rules! arith_fns {
    ($($name:ident => $op:expr,)*) => {$(
        /// An arithmetic metamethod.
        ///
        /// # Safety
        /// Called by Lua.
        pub unsafe extern "C-unwind" fn $name<V: Vm>(l: *mut State) -> c_int {
            // SAFETY: called by Lua as a closure with the ffi upvalues.
            unsafe { entry::<V>(l, |cx| arith(cx, $op)) }
        }
    )*};
}

arith_fns! {
    mm_add => Ar::Add, mm_sub => Ar::Sub, mm_mul => Ar::Mul, mm_div => Ar::Div,
    mm_mod => Ar::Mod, mm_pow => Ar::Pow, mm_unm => Ar::Unm, mm_idiv => Ar::IDiv,
    mm_band => Ar::Band, mm_bor => Ar::Bor, mm_bxor => Ar::Bxor, mm_shl => Ar::Shl,
    mm_shr => Ar::Shr, mm_bnot => Ar::Bnot,
}

#[derive(Copy, Clone, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
}

unsafe fn compare(cx: &Cx, cmp: Cmp) -> Result<c_int, Error> {
    let lua = cx.lua;
    // SAFETY: called from an ffi closure with the operands at 1 and 2.
    unsafe {
        let (a, ca, b, cb) = operands(cx, false)?;
        if let (Some(x), Some(y)) = (ca, cb) {
            if x.is_ctype() && y.is_ctype() && cmp == Cmp::Eq {
                lua.pushboolean((x.ctype_target() == y.ctype_target()) as c_int);
                return Ok(1);
            }
        }
        let ptr_ok = |e1, e2| {
            let tt = cx.types();
            cmp == Cmp::Eq || conv::ptr_compatible(tt, e1, e2) || conv::ptr_compatible(tt, e2, e1)
        };
        let r = match (a, b) {
            (Op::Ptr(e1, p), Op::Ptr(e2, q)) if ptr_ok(e1, e2) => Some(match cmp {
                Cmp::Eq => p == q,
                Cmp::Lt => p < q,
                Cmp::Le => p <= q,
            }),
            (Op::I64(..) | Op::Lua(_), Op::I64(..) | Op::Lua(_)) => {
                let ((x, ux), (y, uy)) =
                    (to64(a).unwrap_or((0, false)), to64(b).unwrap_or((0, false)));
                Some(if ux || uy {
                    let (x, y) = (x as u64, y as u64);
                    match cmp {
                        Cmp::Eq => x == y,
                        Cmp::Lt => x < y,
                        Cmp::Le => x <= y,
                    }
                } else {
                    match cmp {
                        Cmp::Eq => x == y,
                        Cmp::Lt => x < y,
                        Cmp::Le => x <= y,
                    }
                })
            }
            _ => None,
        };
        if let Some(r) = r {
            lua.pushboolean(r as c_int);
            return Ok(1);
        }
        let name: &[u8] = match cmp {
            Cmp::Eq => b"__eq\0",
            Cmp::Lt => b"__lt\0",
            Cmp::Le => b"__le\0",
        };
        if let Some(n) = meta::call_mm(cx, name, 1) {
            return Ok(n);
        }
        if cmp == Cmp::Eq {
            // Equality never raises: incompatible values are unequal.
            lua.pushboolean(0);
            return Ok(1);
        }
        let (an, bn) = (conv::op_value_name(cx, 1), conv::op_value_name(cx, 2));
        Err(Error::new(format!("attempt to compare '{an}' with '{bn}'")))
    }
}

/// `__eq`.
///
/// # Safety
/// Called by Lua.
pub unsafe extern "C-unwind" fn mm_eq<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as a closure with the ffi upvalues.
    unsafe { entry::<V>(l, |cx| compare(cx, Cmp::Eq)) }
}

/// `__lt`.
///
/// # Safety
/// Called by Lua.
pub unsafe extern "C-unwind" fn mm_lt<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as a closure with the ffi upvalues.
    unsafe { entry::<V>(l, |cx| compare(cx, Cmp::Lt)) }
}

/// `__le`.
///
/// # Safety
/// Called by Lua.
pub unsafe extern "C-unwind" fn mm_le<V: Vm>(l: *mut State) -> c_int {
    // SAFETY: called by Lua as a closure with the ffi upvalues.
    unsafe { entry::<V>(l, |cx| compare(cx, Cmp::Le)) }
}
