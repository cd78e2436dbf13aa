//! The `bit` module: LuaJIT 2.1's BitOp (`bit.tobit`, `tohex`, `bnot`, `band`, `bor`,
//! `bxor`, `lshift`, `rshift`, `arshift`, `rol`, `ror`, `bswap`) with its 64-bit cdata
//! extension (LuaJIT 2.1 `lib_bit.c`, `lj_carith_check64`).
//!
//! Numbers (and strings Lua reads as numbers) are taken modulo 2^32 as BitOp's `tobit`
//! does (LuaJIT adds 2^52 + 2^51 and keeps the low word of the double; an integer of Lua
//! 5.3+ keeps its low 32 bits) and results are signed 32-bit numbers. A number-like cdata
//! argument (any integer, `bool`, enum, floating-point or complex cdata, or a reference to
//! one) makes the operation 64-bit: the result is an `int64_t` cdata, or `uint64_t` when
//! an argument is one. Then:
//!
//! - `band`/`bor`/`bxor` convert every argument to the result type as C does (a number
//!   is truncated, not taken modulo 2^32);
//! - shifts and rotates look at the first argument only: a cdata there makes them 64-bit
//!   (count modulo 64), a cdata count alone does not;
//! - `tohex` of a cdata gives 16 digits by default; `tohex(x, n)` masks to `n` digits
//!   when `n` is below the width and zero-pads otherwise (negative `n`: upper case);
//! - `tobit` of a cdata is its low 32 bits as a number.
//!
//! Errors use LuaJIT's wording: `bad argument #2 to 'band' (number expected, got nil)`,
//! `bad argument #1 to 'bnot' (cannot convert 'struct s' to 'int64_t')`.

use super::arith::{as64, int64_type, number_at};
use super::cdata::Boxed;
use super::convert;
use super::frame::{Action, Frame, Next, Outcome, Raise, Step};
use super::library::{bad_arg, expected};
use crate::cvalue::{Num, TypeClass};
use crate::luaapi::{LuaType, Vm};
use alloc::format;
use core::ffi::c_int;

/// An argument as BitOp sees it.
#[derive(Copy, Clone)]
enum Arg {
    /// A Lua number (or a string read as one).
    Lua(Num),
    /// A number-like cdata's value, and whether it is a `uint64_t`.
    C(Num, bool),
}

impl Arg {
    /// The low 32 bits, signed: `tobit` of a number, the low word of a cdata's 64-bit
    /// value (LuaJIT's `(int32_t)lj_carith_check64(...)`, as for shift counts and widths).
    fn low32(self) -> i32 {
        match self {
            Arg::Lua(n) => tobit(n),
            Arg::C(n, u) => as64(n, u) as i32,
        }
    }
}

/// BitOp's `tobit` of a Lua number: LuaJIT's `lj_num2bit` for a float (the low word of
/// `n + 2^52 + 2^51`), the low 32 bits of an integer.
fn tobit(n: Num) -> i32 {
    match n {
        Num::Int(v, _) => v as i32,
        Num::Float(f) => (f + 6_755_399_441_055_744.0).to_bits() as u32 as i32,
    }
}

/// The argument at `i` of `fname`. `unsigned` says whether an earlier argument made the
/// operation `uint64_t` (the type a non-number cdata fails to convert to).
fn arg<V: Vm>(frame: &mut Frame<V>, i: c_int, fname: &str, unsigned: bool) -> Result<Arg, Raise> {
    let s = &frame.stack;
    match s.type_of(i) {
        LuaType::Number => Ok(Arg::Lua(s.num(i))),
        LuaType::String => match s.to_number(i) {
            Some(f) => Ok(Arg::Lua(Num::Float(f))),
            None => Err(expected(frame, i, fname, "number")),
        },
        LuaType::Userdata => {
            let Some(c) = frame.cdata(i) else { return Err(expected(frame, i, fname, "number")) };
            if !c.is_ctype() {
                let tt = frame.types();
                let (ty, p) = c.data(tt);
                // SAFETY: `p` holds a value of `ty` (the cdata's payload or what its
                // reference names).
                if let Some((n, u)) = unsafe { number_at(TypeClass::of(tt, ty), p) } {
                    return Ok(Arg::C(n, u));
                }
            }
            Err(cannot_convert(frame, i, fname, unsigned))
        }
        // A namespace function (a call closure here, a function cdata in LuaJIT).
        LuaType::Function if frame.cdata(i).is_some() => {
            Err(cannot_convert(frame, i, fname, unsigned))
        }
        _ => Err(expected(frame, i, fname, "number")),
    }
}

/// `bad argument #i to 'fname' (cannot convert 'T' to 'int64_t')` (or `'uint64_t'` once an
/// earlier argument made the operation unsigned), LuaJIT's error for a cdata that is no
/// number.
fn cannot_convert<V: Vm>(frame: &mut Frame<V>, i: c_int, fname: &str, unsigned: bool) -> Raise {
    let to = int64_type(frame.types(), unsigned);
    match convert::cannot_convert(frame, i, to) {
        Raise::Message(e) => bad_arg(i, fname, e.message()),
        other => other,
    }
}

/// A 64-bit result as a cdata of `int64_t` or `uint64_t`.
fn result64<V: Vm>(frame: &mut Frame<V>, unsigned: bool, v: u64) -> Result<Outcome, Raise> {
    let ty = int64_type(frame.types(), unsigned);
    Ok(Outcome::Then(Action::Box(Boxed::int64(ty, v as i64)), Next::Return(1)))
}

/// A 32-bit result as a Lua number.
fn result32<V: Vm>(frame: &mut Frame<V>, v: i32) -> Result<Outcome, Raise> {
    frame.stack.push_integer(v as i64);
    Ok(Outcome::Return(1))
}

/// `bit.tobit(x)`.
pub(crate) fn to_bit<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let v = arg(frame, 1, "tobit", false)?.low32();
    result32(frame, v)
}

/// `bit.bnot(x)`.
pub(crate) fn bnot<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    match arg(frame, 1, "bnot", false)? {
        Arg::Lua(n) => result32(frame, !tobit(n)),
        Arg::C(n, u) => result64(frame, u, !(as64(n, u) as u64)),
    }
}

/// `bit.bswap(x)`.
pub(crate) fn bswap<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    match arg(frame, 1, "bswap", false)? {
        Arg::Lua(n) => result32(frame, tobit(n).swap_bytes()),
        Arg::C(n, u) => result64(frame, u, (as64(n, u) as u64).swap_bytes()),
    }
}

/// The n-ary operations.
#[derive(Copy, Clone)]
enum Nary {
    And,
    Or,
    Xor,
}

fn nary<V: Vm>(frame: &mut Frame<V>, op: Nary, fname: &str) -> Result<Outcome, Raise> {
    let fold: fn(u64, u64) -> u64 = match op {
        Nary::And => |a, b| a & b,
        Nary::Or => |a, b| a | b,
        Nary::Xor => |a, b| a ^ b,
    };
    let start = if let Nary::And = op { !0 } else { 0 };
    // One pass, arguments checked left to right. Whether the result is 64-bit, and then
    // `uint64_t` or `int64_t`, is known only at the end, while each argument converts to
    // that type as C converts it (a float differs at 2^63 and below 0): fold all three
    // readings and keep the right one.
    let (mut wide, mut unsigned) = (false, false);
    let (mut acc32, mut acc_i, mut acc_u) = (start, start, start);
    for i in 1..=frame.stack.top().max(1) {
        let a = arg(frame, i, fname, unsigned)?;
        let v = match a {
            Arg::Lua(v) => {
                acc32 = fold(acc32, tobit(v) as u32 as u64);
                v
            }
            Arg::C(v, u) => {
                wide = true;
                unsigned |= u;
                v
            }
        };
        acc_i = fold(acc_i, as64(v, false) as u64);
        acc_u = fold(acc_u, as64(v, true) as u64);
    }
    match (wide, unsigned) {
        (false, _) => result32(frame, acc32 as u32 as i32),
        (true, false) => result64(frame, false, acc_i),
        (true, true) => result64(frame, true, acc_u),
    }
}

/// `bit.band(x1 [, x2 ...])`.
pub(crate) fn band<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    nary(frame, Nary::And, "band")
}

/// `bit.bor(x1 [, x2 ...])`.
pub(crate) fn bor<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    nary(frame, Nary::Or, "bor")
}

/// `bit.bxor(x1 [, x2 ...])`.
pub(crate) fn bxor<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    nary(frame, Nary::Xor, "bxor")
}

/// The shifts and rotates.
#[derive(Copy, Clone)]
enum Shift {
    Left,
    Right,
    Arith,
    RotLeft,
    RotRight,
}

fn shift<V: Vm>(frame: &mut Frame<V>, op: Shift, fname: &str) -> Result<Outcome, Raise> {
    let x = arg(frame, 1, fname, false)?;
    let sh = arg(frame, 2, fname, false)?.low32();
    match x {
        Arg::C(n, u) => {
            let (x, s) = (as64(n, u) as u64, (sh & 63) as u32);
            let v = match op {
                Shift::Left => x << s,
                Shift::Right => x >> s,
                Shift::Arith => ((x as i64) >> s) as u64,
                Shift::RotLeft => x.rotate_left(s),
                Shift::RotRight => x.rotate_right(s),
            };
            result64(frame, u, v)
        }
        Arg::Lua(n) => {
            let (x, s) = (tobit(n) as u32, (sh & 31) as u32);
            let v = match op {
                Shift::Left => x << s,
                Shift::Right => x >> s,
                Shift::Arith => ((x as i32) >> s) as u32,
                Shift::RotLeft => x.rotate_left(s),
                Shift::RotRight => x.rotate_right(s),
            };
            result32(frame, v as i32)
        }
    }
}

/// `bit.lshift(x, n)`.
pub(crate) fn lshift<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    shift(frame, Shift::Left, "lshift")
}

/// `bit.rshift(x, n)`.
pub(crate) fn rshift<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    shift(frame, Shift::Right, "rshift")
}

/// `bit.arshift(x, n)`.
pub(crate) fn arshift<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    shift(frame, Shift::Arith, "arshift")
}

/// `bit.rol(x, n)`.
pub(crate) fn rol<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    shift(frame, Shift::RotLeft, "rol")
}

/// `bit.ror(x, n)`.
pub(crate) fn ror<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    shift(frame, Shift::RotRight, "ror")
}

/// `bit.tohex(x [, n])`.
pub(crate) fn tohex<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let (mut b, wide) = match arg(frame, 1, "tohex", false)? {
        Arg::Lua(n) => (tobit(n) as u32 as u64, false),
        Arg::C(n, u) => (as64(n, u) as u64, true),
    };
    // Only a missing count gets the default; an explicit nil is an error.
    let mut n = if frame.stack.top() < 2 {
        if wide {
            16
        } else {
            8
        }
    } else {
        arg(frame, 2, "tohex", false)?.low32()
    };
    let upper = n < 0;
    if upper {
        n = n.wrapping_neg();
    }
    // LuaJIT keeps the precision in 8 bits as n + 1 (0: none), so it wraps.
    let field = (n as u32).wrapping_add(1) & 255;
    // LuaJIT masks for `n < 16` with a shift of `4 * n` bits as x86-64 does it (modulo
    // 64): only `n` = INT_MIN, still negative here, wraps (to a shift of 0: nothing left).
    if n < 16 {
        b &= (1u64 << ((n as u32).wrapping_mul(4) & 63)).wrapping_sub(1);
    }
    let text = match field {
        0 if upper => format!("{b:X}"),
        0 => format!("{b:x}"),
        1 if b == 0 => alloc::string::String::new(),
        f if upper => format!("{b:0w$X}", w = (f - 1) as usize),
        f => format!("{b:0w$x}", w = (f - 1) as usize),
    };
    convert::return_text(frame, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tobit_of_floats_is_luajits() {
        assert_eq!(tobit(Num::Float(4294967296.0)), 0);
        assert_eq!(tobit(Num::Float(4294967297.0)), 1);
        assert_eq!(tobit(Num::Float(4294967295.0)), -1);
        assert_eq!(tobit(Num::Float(2147483648.0)), i32::MIN);
        assert_eq!(tobit(Num::Float(-2147483649.0)), i32::MAX);
        // Non-integers round to even, as the FPU's default rounding does.
        assert_eq!(tobit(Num::Float(2.5)), 2);
        assert_eq!(tobit(Num::Float(3.5)), 4);
        assert_eq!(tobit(Num::Int(0x1_0000_0005, true)), 5);
    }
}
