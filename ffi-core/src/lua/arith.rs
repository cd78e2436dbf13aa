//! Arithmetic and comparison metamethods with LuaJIT's rules: pointer arithmetic and
//! difference, "sticky" 64-bit integer arithmetic (any cdata number with a Lua number or
//! another cdata number gives an `int64_t`, or `uint64_t` when either side is one),
//! LuaJIT's results for division and modulo by zero, enum constants named by strings, and
//! the metatype fallback.

use super::cdata::Boxed;
use super::convert;
use super::frame::{Action, Frame, Next, Outcome, Raise, Step};
use super::meta::{call_metamethod, Metamethod};
use crate::ctype::{CTypeId, Kind};
use crate::cvalue::{self, Num, TypeClass};
use crate::error::Error;
use crate::luaapi::{LuaType, Vm};
use crate::table::{ids, CTypeTable};
use alloc::format;
use core::ffi::c_int;

/// An operand as arithmetic sees it.
#[derive(Copy, Clone)]
enum Operand {
    /// A pointer (or array decayed to one): element type, address.
    Ptr(CTypeId, usize),
    /// A cdata number, and whether it is a `uint64_t`.
    Cnum(Num, bool),
    /// A Lua number (an integer on 5.3+, else a float).
    Lua(Num),
    /// A string (for enum constants).
    Str,
    /// A ctype object, with the type it stands for.
    Ctype(CTypeId),
    /// A struct, union or complex number (or a reference to one), by its address: `==`
    /// compares it with pointers and other aggregates by address, as LuaJIT does.
    Aggregate(usize),
    /// Anything else.
    Other,
}

/// Whether arithmetic metamethod `op` has one operand.
fn is_unary(op: Metamethod) -> bool {
    matches!(op, Metamethod::Unm | Metamethod::Bnot)
}

/// The operand at `idx`.
#[inline(always)]
fn operand<V: Vm>(frame: &mut Frame<V>, idx: c_int) -> Operand {
    match frame.stack.type_of(idx) {
        LuaType::Number => Operand::Lua(frame.stack.num(idx)),
        LuaType::String => Operand::Str,
        LuaType::Userdata => {
            let Some(cd) = frame.cdata(idx) else { return Operand::Other };
            if cd.is_ctype() {
                return Operand::Ctype(cd.ctype_target());
            }
            let tt = frame.types();
            let (ty, p) = cd.data(tt);
            // Throughout: `p` holds a value of `ty` (the cdata's payload or what its
            // reference names).
            match TypeClass::of(tt, ty) {
                TypeClass::Ptr(to) => {
                    // SAFETY: `p` holds a value of `ty`, a pointer: an address.
                    Operand::Ptr(to, unsafe { p.cast::<usize>().read_unaligned() })
                }
                TypeClass::Array(e) => Operand::Ptr(e, p as usize),
                TypeClass::Ptr32(to) => {
                    // SAFETY: `p` holds a value of `ty`, a 32-bit pointer.
                    Operand::Ptr(to, unsafe { p.cast::<u32>().read_unaligned() } as usize)
                }
                TypeClass::Struct(_) | TypeClass::Complex(_) => Operand::Aggregate(p as usize),
                c @ (TypeClass::Int(..) | TypeClass::Bool | TypeClass::Float(_)) => {
                    // SAFETY: `p` holds a number of class `c` (a value of `ty`).
                    match unsafe { number_at(c, p) } {
                        Some((n, unsigned)) => Operand::Cnum(n, unsigned),
                        None => Operand::Other,
                    }
                }
                _ => Operand::Other,
            }
        }
        _ => Operand::Other,
    }
}

/// An enum constant named by the string at `sidx`, when the cdata at `other` is an enum.
#[cold]
fn enum_string<V: Vm>(
    frame: &mut Frame<V>,
    sidx: c_int,
    other: c_int,
) -> Result<Option<i64>, Raise> {
    let Some(c) = frame.cdata(other).filter(|c| !c.is_ctype()) else { return Ok(None) };
    let tt = frame.context.types();
    let ty = convert::deref_ty(tt, c.ty());
    let Kind::Enum(e) = tt.get(ty).kind else { return Ok(None) };
    let Some(s) = frame.stack.string(sidx) else { return Ok(None) };
    match convert::enum_value(tt, e, s) {
        Some(v) => Ok(Some(v)),
        None => Err(convert::cannot_convert(frame, sidx, ty)),
    }
}

/// Both operands (the first twice for unary operators), with a string next to an enum
/// cdata replaced by that enum's constant.
#[inline(always)]
fn operands<V: Vm>(frame: &mut Frame<V>, unary: bool) -> Result<[Operand; 2], Raise> {
    let mut a = operand(frame, 1);
    let mut b = if unary { a } else { operand(frame, 2) };
    if let Operand::Str = a {
        if let Some(v) = enum_string(frame, 1, 2)? {
            a = Operand::Lua(Num::Int(v, true));
        }
    }
    if let Operand::Str = b {
        if let Some(v) = enum_string(frame, 2, 1)? {
            b = Operand::Lua(Num::Int(v, true));
        }
    }
    Ok([a, b])
}

/// The number an operand holds, and whether it makes a 64-bit result unsigned.
#[inline]
fn number(op: Operand) -> Option<(Num, bool)> {
    match op {
        Operand::Cnum(n, unsigned) => Some((n, unsigned)),
        Operand::Lua(n) => Some((n, false)),
        _ => None,
    }
}

/// `n` converted to the 64-bit integer type of the result, as LuaJIT converts each
/// operand (a double to `uint64_t` differs from one to `int64_t` at 2^63 and above).
#[inline]
pub(crate) fn as64(n: Num, unsigned: bool) -> i64 {
    if unsigned {
        n.to_u64() as i64
    } else {
        n.to_i64()
    }
}

/// 64-bit integer arithmetic with LuaJIT's results for the undefined cases.
fn int_op(op: Metamethod, a: i64, b: i64, unsigned: bool) -> i64 {
    const MIN: i64 = i64::MIN;
    if unsigned {
        let (x, y) = (a as u64, b as u64);
        (match op {
            Metamethod::Add => x.wrapping_add(y),
            Metamethod::Sub => x.wrapping_sub(y),
            Metamethod::Mul => x.wrapping_mul(y),
            Metamethod::Div | Metamethod::Idiv => x.checked_div(y).unwrap_or(MIN as u64),
            Metamethod::Mod => x.checked_rem(y).unwrap_or(MIN as u64),
            Metamethod::Pow => upow(x, b),
            Metamethod::Unm => x.wrapping_neg(),
            Metamethod::Band => x & y,
            Metamethod::Bor => x | y,
            Metamethod::Bxor => x ^ y,
            Metamethod::Shl => x.wrapping_shl((y & 63) as u32),
            Metamethod::Shr => x.wrapping_shr((y & 63) as u32),
            Metamethod::Bnot => !x,
            // Only the arithmetic metamethods come here (see `arith_bodies!`).
            _ => 0,
        }) as i64
    } else {
        match op {
            Metamethod::Add => a.wrapping_add(b),
            Metamethod::Sub => a.wrapping_sub(b),
            Metamethod::Mul => a.wrapping_mul(b),
            Metamethod::Div | Metamethod::Idiv => {
                if b == 0 {
                    MIN
                } else if a == MIN && b == -1 {
                    a
                } else {
                    a / b
                }
            }
            Metamethod::Mod => {
                if b == 0 {
                    MIN
                } else if a == MIN && b == -1 {
                    0
                } else {
                    a % b
                }
            }
            Metamethod::Pow => ipow(a, b),
            Metamethod::Unm => a.wrapping_neg(),
            Metamethod::Band => a & b,
            Metamethod::Bor => a | b,
            Metamethod::Bxor => a ^ b,
            Metamethod::Shl => (a as u64).wrapping_shl((b & 63) as u32) as i64,
            Metamethod::Shr => ((a as u64).wrapping_shr((b & 63) as u32)) as i64,
            Metamethod::Bnot => !a,
            // Only the arithmetic metamethods come here (see `arith_bodies!`).
            _ => 0,
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

/// The value of a number-like C object (an integer, `bool`, floating-point or complex
/// number: its real part) of class `class` at `p`, and whether it is a `uint64_t`, which
/// makes 64-bit results unsigned (LuaJIT's rule for arithmetic and for `bit`).
///
/// # Safety
/// `p` holds a value of class `class`.
#[inline(always)]
pub(crate) unsafe fn number_at(class: TypeClass, p: *const u8) -> Option<(Num, bool)> {
    match class {
        TypeClass::Int(..) | TypeClass::Bool | TypeClass::Float(_) | TypeClass::Complex(_) => {
            // SAFETY: the caller's contract.
            let n = unsafe { cvalue::load_num(class, p) }?;
            Some((n, matches!(class, TypeClass::Int(8, false))))
        }
        _ => None,
    }
}

/// The type of a 64-bit integer result: `uint64_t` when an operand is one, else `int64_t`.
#[inline]
pub(crate) fn int64_type(tt: &CTypeTable, unsigned: bool) -> CTypeId {
    if unsigned {
        uint64_id(tt)
    } else {
        int64_id(tt)
    }
}

/// `int64_t` in this table.
pub(crate) fn int64_id(tt: &CTypeTable) -> CTypeId {
    if tt.target().long_size == 8 {
        ids::LONG
    } else {
        ids::LLONG
    }
}

/// `uint64_t` in this table.
pub(crate) fn uint64_id(tt: &CTypeTable) -> CTypeId {
    if tt.target().long_size == 8 {
        ids::ULONG
    } else {
        ids::ULLONG
    }
}

/// Returns a boxed value as the body's one result.
fn boxed(b: Boxed) -> Result<Outcome, Raise> {
    Ok(Outcome::Then(Action::Box(b), Next::Return(1)))
}

/// An arithmetic metamethod (operands at 1 and 2).
fn arith<V: Vm>(frame: &mut Frame<V>, op: Metamethod) -> Result<Outcome, Raise> {
    let unary = is_unary(op);
    let [a, b] = operands(frame, unary)?;
    // Pointer arithmetic and difference.
    match (op, a, b) {
        (
            Metamethod::Add | Metamethod::Sub,
            Operand::Ptr(e, p),
            Operand::Cnum(..) | Operand::Lua(_),
        )
        | (Metamethod::Add, Operand::Cnum(..) | Operand::Lua(_), Operand::Ptr(e, p)) => {
            let k = if let Operand::Ptr(..) = a { number(b) } else { number(a) }
                .map_or(0, |(n, _)| as64(n, false));
            let tt = frame.types();
            // An unknown element size (void *) leaves it to metamethods, then the
            // arithmetic error, as in LuaJIT.
            let Some(es) = tt.size_of(e) else { return fallback(frame, op) };
            let delta = k.wrapping_mul(es as i64);
            let addr = if op == Metamethod::Add {
                (p as i64).wrapping_add(delta)
            } else {
                (p as i64).wrapping_sub(delta)
            };
            return boxed(Boxed::address(tt.ptr_to(e), addr as usize));
        }
        (Metamethod::Sub, Operand::Ptr(e1, p1), Operand::Ptr(e2, p2)) => {
            let tt = frame.context.types();
            if convert::ptr_compatible(tt, e1, e2) || convert::ptr_compatible(tt, e2, e1) {
                let Some(es) = tt.size_of(e1).filter(|&s| s > 0) else {
                    return fallback(frame, op);
                };
                frame.stack.push_integer((p1 as i64).wrapping_sub(p2 as i64) / es as i64);
                return Ok(Outcome::Return(1));
            }
        }
        _ => {}
    }
    // Any cdata number makes it 64-bit integer arithmetic.
    if matches!(a, Operand::Cnum(..)) || matches!(b, Operand::Cnum(..)) {
        if let (Some((x, ux)), Some((y, uy))) = (number(a), number(b)) {
            let unsigned = ux || uy;
            let (x, y) = (as64(x, unsigned), as64(y, unsigned));
            let ty = int64_type(frame.types(), unsigned);
            return boxed(Boxed::int64(ty, int_op(op, x, y, unsigned)));
        }
    }
    fallback(frame, op)
}

/// The metatype's metamethod, else the arithmetic error.
fn fallback<V: Vm>(frame: &mut Frame<V>, op: Metamethod) -> Result<Outcome, Raise> {
    if let Some(o) = call_metamethod(frame, op, if is_unary(op) { 1 } else { 2 }, 1) {
        return Ok(o);
    }
    let an = convert::op_value_name(frame, 1);
    let bn = if is_unary(op) { an.clone() } else { convert::op_value_name(frame, 2) };
    Err(Error::new(format!("attempt to perform arithmetic on '{an}' and '{bn}'")).into())
}

macro_rules! arith_bodies {
    ($($name:ident => $op:expr,)*) => {$(
        /// An arithmetic metamethod (operands at 1 and 2).
        #[inline(always)]
        pub(crate) fn $name<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
            arith(frame, $op)
        }
    )*};
}

arith_bodies! {
    add => Metamethod::Add, sub => Metamethod::Sub, mul => Metamethod::Mul,
    div => Metamethod::Div, modulo => Metamethod::Mod, pow => Metamethod::Pow,
    unm => Metamethod::Unm, idiv => Metamethod::Idiv, band => Metamethod::Band,
    bor => Metamethod::Bor, bxor => Metamethod::Bxor, shl => Metamethod::Shl,
    shr => Metamethod::Shr, bnot => Metamethod::Bnot,
}

#[derive(Copy, Clone, PartialEq, Eq)]
enum Comparison {
    Eq,
    Lt,
    Le,
}

/// A comparison metamethod (operands at 1 and 2).
fn compare<V: Vm>(frame: &mut Frame<V>, cmp: Comparison) -> Result<Outcome, Raise> {
    let [a, b] = operands(frame, false)?;
    if let (Operand::Ctype(x), Operand::Ctype(y), Comparison::Eq) = (a, b, cmp) {
        frame.stack.push_boolean(x == y);
        return Ok(Outcome::Return(1));
    }
    let tt = frame.context.types();
    let r = match (a, b) {
        (Operand::Ptr(e1, p), Operand::Ptr(e2, q))
            if cmp == Comparison::Eq
                || convert::ptr_compatible(tt, e1, e2)
                || convert::ptr_compatible(tt, e2, e1) =>
        {
            Some(match cmp {
                Comparison::Eq => p == q,
                Comparison::Lt => p < q,
                Comparison::Le => p <= q,
            })
        }
        (Operand::Cnum(..) | Operand::Lua(_), Operand::Cnum(..) | Operand::Lua(_)) => {
            let ((x, ux), (y, uy)) = (
                number(a).unwrap_or((Num::Int(0, true), false)),
                number(b).unwrap_or((Num::Int(0, true), false)),
            );
            let unsigned = ux || uy;
            let (x, y) = (as64(x, unsigned), as64(y, unsigned));
            Some(if unsigned {
                let (x, y) = (x as u64, y as u64);
                match cmp {
                    Comparison::Eq => x == y,
                    Comparison::Lt => x < y,
                    Comparison::Le => x <= y,
                }
            } else {
                match cmp {
                    Comparison::Eq => x == y,
                    Comparison::Lt => x < y,
                    Comparison::Le => x <= y,
                }
            })
        }
        _ => None,
    };
    if let Some(r) = r {
        frame.stack.push_boolean(r);
        return Ok(Outcome::Return(1));
    }
    let mm = match cmp {
        Comparison::Eq => Metamethod::Eq,
        Comparison::Lt => Metamethod::Lt,
        Comparison::Le => Metamethod::Le,
    };
    if let Some(o) = call_metamethod(frame, mm, 2, 1) {
        return Ok(o);
    }
    if cmp == Comparison::Eq {
        // Without a metamethod, an aggregate equals what designates the same address (a
        // reference to it, a pointer to it), as in LuaJIT.
        if let (
            Operand::Ptr(_, p) | Operand::Aggregate(p),
            Operand::Ptr(_, q) | Operand::Aggregate(q),
        ) = (a, b)
        {
            frame.stack.push_boolean(p == q);
            return Ok(Outcome::Return(1));
        }
        // Equality never raises: incompatible values are unequal.
        frame.stack.push_boolean(false);
        return Ok(Outcome::Return(1));
    }
    let (an, bn) = (convert::op_value_name(frame, 1), convert::op_value_name(frame, 2));
    Err(Error::new(format!("attempt to compare '{an}' with '{bn}'")).into())
}

/// `__eq` (operands at 1 and 2).
pub(crate) fn eq<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    compare(frame, Comparison::Eq)
}

/// `__lt` (operands at 1 and 2).
pub(crate) fn lt<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    compare(frame, Comparison::Lt)
}

/// `__le` (operands at 1 and 2).
pub(crate) fn le<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    compare(frame, Comparison::Le)
}
