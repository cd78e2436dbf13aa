//! ABI classification as pure data: a C signature in, a [`CallPlan`] out that says where
//! each argument and the result live when the function is called. No machine code and no
//! Lua here; the emitter (`crate::emit`) and the call marshaller (`crate::lua::call`) read
//! the plan.
//!
//! Two conventions are planned, each from its primary source:
//!
//! - **x86-64 System V** ([`sysv`]): psABI §3.2.3 "Parameter Passing". Every aggregate of
//!   at most two eightbytes is split into eightbytes classed INTEGER, SSE (SSEUP for the
//!   upper half of a 16-byte vector) or MEMORY by merging the classes of the scalars in
//!   it; INTEGER eightbytes go to `rdi, rsi, rdx, rcx, r8, r9`, SSE ones to `xmm0..7`, and
//!   an argument whose eightbytes do not all fit in the registers left goes on the stack
//!   whole. Results come back in `rax, rdx` / `xmm0, xmm1`, or through a hidden pointer
//!   passed in `rdi` (MEMORY class). Varargs calls set `al` to the number of vector
//!   registers used.
//! - **Win64** ([`win64`]): Microsoft's "x64 calling convention". Argument *n* owns slot
//!   *n*: `rcx, rdx, r8, r9` or `xmm0..3` for the first four, then the stack above 32
//!   bytes of shadow space. Aggregates of 1, 2, 4 or 8 bytes travel as integers; every
//!   other aggregate is copied by the caller and passed by reference. Results that are
//!   not 1/2/4/8 bytes (or a float) come back through a hidden pointer in slot 0. Varargs
//!   floating-point arguments are passed in both the vector and the integer register.
//!
//! Stack positions ([`Loc::Stack`]) are byte offsets from `rsp` at the `call`
//! instruction, so a Win64 plan's first stack argument is at 32 (after the shadow space)
//! and a SysV plan's at 0.

pub mod sysv;
pub mod win64;

use crate::ctype::{CTypeId, FloatKind, FuncDef, Kind};
use crate::error::Error;
use crate::table::CTypeTable;
use crate::target::CallAbi;
use alloc::format;
use alloc::vec::Vec;

/// Where one piece of a value goes.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Loc {
    /// The n-th integer argument register of the convention (for results: 0 = `rax`,
    /// 1 = `rdx`).
    Gpr(u8),
    /// The n-th vector register (`xmm<n>`).
    Sse(u8),
    /// The stack, at this byte offset from `rsp` at the call.
    Stack(u32),
}

/// A contiguous part of a C value and where it goes: `size` bytes from byte `offset` of
/// the value (an eightbyte, a smaller tail, or a whole 16-byte vector for SSE+SSEUP).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct Piece {
    /// Byte offset inside the C value.
    pub offset: u32,
    /// Bytes taken (1..=16).
    pub size: u32,
    /// Where they go.
    pub loc: Loc,
}

/// How one argument is passed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Pass {
    /// Not passed at all (an empty struct under SysV, as gcc does).
    Ignore,
    /// By value, in these pieces (registers, or stack words for a scalar or a register
    /// aggregate that no longer fits in registers).
    Value(Vec<Piece>),
    /// By value on the stack: `size` bytes of the object copied at this stack offset
    /// (SysV MEMORY class).
    Memory(u32),
    /// By reference: the caller copies the object into its own memory and passes the
    /// copy's address at this location (Win64 aggregates not of 1/2/4/8 bytes).
    Reference(Loc),
}

/// One argument of a planned call.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ArgPlan {
    /// The argument's C type (after varargs promotion).
    pub ty: CTypeId,
    /// Its size in bytes.
    pub size: u32,
    /// Its alignment in bytes.
    pub align: u32,
    /// How it is passed.
    pub pass: Pass,
    /// Win64 varargs: a floating-point value is also copied into this integer register.
    pub shadow_gpr: Option<u8>,
}

/// How the result comes back.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum RetPlan {
    /// `void`.
    Void,
    /// In registers: pieces whose [`Loc::Gpr`] 0/1 mean `rax`/`rdx` and [`Loc::Sse`] 0/1
    /// mean `xmm0`/`xmm1`.
    Value(Vec<Piece>),
    /// Through memory the caller provides: its address is passed in this integer
    /// register (and returned in `rax`).
    Hidden(u8),
}

/// Where everything lives for one call of one signature.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CallPlan {
    /// The convention planned for.
    pub abi: CallAbi,
    /// One entry per argument, in order.
    pub args: Vec<ArgPlan>,
    /// The result.
    pub ret: RetPlan,
    /// The result's type, size and alignment.
    pub ret_ty: CTypeId,
    /// Result size in bytes (0 for `void`).
    pub ret_size: u32,
    /// Result alignment.
    pub ret_align: u32,
    /// Bytes of outgoing stack the call needs above `rsp` (shadow space included for
    /// Win64), a multiple of 16.
    pub stack_bytes: u32,
    /// Integer argument registers used.
    pub gprs: u8,
    /// Vector argument registers used (what `al` says in a SysV varargs call).
    pub sses: u8,
    /// Whether the function is variadic.
    pub variadic: bool,
    /// Bytes of caller-owned memory the by-reference copies need (Win64), each copy at a
    /// 16-aligned offset given by [`copy_offsets`](Self::copy_offsets).
    pub copy_bytes: u32,
}

impl CallPlan {
    /// For each argument passed by reference, the offset of its copy inside the
    /// caller's copy area (others: `None`).
    pub fn copy_offsets(&self) -> impl Iterator<Item = Option<u32>> + '_ {
        let mut at = 0u32;
        self.args.iter().map(move |a| match a.pass {
            Pass::Reference(_) => {
                let o = at;
                at += a.size.div_ceil(16) * 16;
                Some(o)
            }
            _ => None,
        })
    }
}

/// Plans a call of `def` (`nfixed` of its parameters declared, the rest varargs already
/// promoted) under `abi`.
///
/// # Errors
/// `long double` and the types LuaJIT cannot call with (opaque types, `void` or
/// incomplete arguments) give LuaJIT's errors.
pub fn plan(
    tt: &CTypeTable,
    def: &FuncDef,
    nfixed: usize,
    abi: CallAbi,
) -> Result<CallPlan, Error> {
    match abi {
        CallAbi::SysV => sysv::plan(tt, def, nfixed),
        CallAbi::Win64 => win64::plan(tt, def, nfixed),
    }
}

/// The convention a function type is called with on `tt`'s target.
pub fn call_abi(tt: &CTypeTable, def: &FuncDef) -> CallAbi {
    use crate::ctype::CallConv;
    match def.conv {
        CallConv::MsAbi => CallAbi::Win64,
        CallConv::SysvAbi => CallAbi::SysV,
        _ => tt.target().call_abi,
    }
}

/// Size and alignment of a type that can be passed or returned, or the error for one
/// that cannot.
pub(crate) fn passable(tt: &CTypeTable, ty: CTypeId, what: &str) -> Result<(u32, u32), Error> {
    let t = tt.get(ty);
    match t.kind {
        Kind::Float(FloatKind::LongDouble) | Kind::Complex(FloatKind::LongDouble) => {
            return Err(Error::new(format!(
                "NYI: cannot call a function with {what} 'long double'"
            )))
        }
        Kind::Opaque(o) => {
            return Err(Error::new(format!(
                "NYI: cannot call a function with {what} '{}'",
                o.name()
            )))
        }
        Kind::Array(..) | Kind::Func(_) | Kind::Void => {
            return Err(Error::new(format!("cannot pass '{}' by value", tt.repr(ty))))
        }
        // A reference travels as the address it holds.
        Kind::Ref(_) => return Ok((8, 8)),
        _ => {}
    }
    match t.size {
        Some(s) if s <= u32::MAX as u64 / 2 => Ok((s as u32, t.align.max(1))),
        _ => Err(Error::new(format!("cannot pass incomplete '{}' by value", tt.repr(ty)))),
    }
}

/// Rounds `n` up to a multiple of `to` (a power of two).
pub(crate) fn round_up(n: u32, to: u32) -> u32 {
    n.saturating_add(to - 1) & !(to - 1)
}

#[cfg(test)]
mod tests;
