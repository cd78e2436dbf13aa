//! Win64 classification (Microsoft's "x64 calling convention", as gcc's `ms_abi`
//! implements it).
//!
//! ```text
//!   slot:      0      1      2      3      4          5 ...
//!   integer:  rcx    rdx    r8     r9     [rsp+32]   [rsp+40]
//!   float:    xmm0   xmm1   xmm2   xmm3   [rsp+32]   [rsp+40]
//!             └─ shadow space: [rsp+0 .. rsp+32) belongs to the callee ─┘
//! ```
//!
//! One slot per argument, whatever its type. A struct, union or complex of 1, 2, 4 or 8
//! bytes travels in its slot as an integer; any other aggregate (and a 16-byte vector) is
//! copied by the caller into 16-aligned memory of its own, and the copy's address takes
//! the slot. A result that does not fit `rax` that way (or `xmm0` for `float`/`double`
//! and vectors) is written through a hidden pointer passed in slot 0.

use super::sysv::stack_pieces;
use super::{passable, round_up, ArgPlan, CallPlan, Loc, Pass, Piece, RetPlan};
use crate::ctype::{CTypeId, FuncDef, Kind};
use crate::error::Error;
use crate::table::CTypeTable;
use crate::target::CallAbi;
use alloc::vec;
use alloc::vec::Vec;

/// How many argument slots live in registers.
pub const REG_SLOTS: u32 = 4;
/// The shadow space the caller reserves above the return address.
pub const SHADOW: u32 = 32;

/// What a value of `ty` looks like to the convention.
enum Shape {
    /// `float` / `double` (and, for results, 16-byte vectors): vector registers.
    Float,
    /// Anything that travels in an integer register.
    Int,
    /// By reference to a copy (arguments) / through a hidden pointer (results).
    Big,
}

fn shape(tt: &CTypeTable, ty: CTypeId, size: u32, result: bool) -> Shape {
    match tt.get(ty).kind {
        Kind::Float(_) => Shape::Float,
        Kind::Vector(..) if result && size == 16 => Shape::Float,
        Kind::Struct(_) | Kind::Complex(_) | Kind::Vector(..) => match size {
            1 | 2 | 4 | 8 => Shape::Int,
            _ => Shape::Big,
        },
        _ => Shape::Int,
    }
}

/// Plans a Win64 call (see the module docs).
pub fn plan(tt: &CTypeTable, def: &FuncDef, nfixed: usize) -> Result<CallPlan, Error> {
    let mut slot = 0u32;
    let (ret, ret_size, ret_align) = match tt.get(def.ret).kind {
        Kind::Void => (RetPlan::Void, 0, 1),
        _ => {
            let (size, align) = passable(tt, def.ret, "result")?;
            let whole = |loc| vec![Piece { offset: 0, size, loc }];
            match shape(tt, def.ret, size, true) {
                Shape::Float => (RetPlan::Value(whole(Loc::Sse(0))), size, align),
                Shape::Int => (RetPlan::Value(whole(Loc::Gpr(0))), size, align),
                Shape::Big => {
                    slot = 1;
                    (RetPlan::Hidden(0), size, align)
                }
            }
        }
    };
    let mut args = Vec::with_capacity(def.params.len());
    let mut gprs = slot as u8;
    let mut sses = 0u8;
    for (i, &ty) in def.params.iter().enumerate() {
        let what = if i < nfixed { "argument" } else { "vararg" };
        let (size, align) = passable(tt, ty, what)?;
        let s = slot;
        slot += 1;
        let reg = s < REG_SLOTS;
        let stack_at = SHADOW + (s.saturating_sub(REG_SLOTS)) * 8;
        let mut shadow_gpr = None;
        let pass = match shape(tt, ty, size, false) {
            Shape::Float if reg => {
                sses = sses.max(s as u8 + 1);
                if i >= nfixed {
                    // Varargs: the callee may read it from either register.
                    shadow_gpr = Some(s as u8);
                    gprs = gprs.max(s as u8 + 1);
                }
                Pass::Value(vec![Piece { offset: 0, size, loc: Loc::Sse(s as u8) }])
            }
            Shape::Int if reg => {
                gprs = gprs.max(s as u8 + 1);
                Pass::Value(vec![Piece { offset: 0, size, loc: Loc::Gpr(s as u8) }])
            }
            Shape::Float | Shape::Int => Pass::Value(stack_pieces(stack_at, size)),
            Shape::Big if reg => {
                gprs = gprs.max(s as u8 + 1);
                Pass::Reference(Loc::Gpr(s as u8))
            }
            Shape::Big => Pass::Reference(Loc::Stack(stack_at)),
        };
        args.push(ArgPlan { ty, size, align, pass, shadow_gpr });
    }
    let stack_slots = slot.saturating_sub(REG_SLOTS);
    let mut plan = CallPlan {
        abi: CallAbi::Win64,
        args,
        ret,
        ret_ty: def.ret,
        ret_size,
        ret_align,
        stack_bytes: round_up(SHADOW + stack_slots * 8, 16),
        gprs,
        sses,
        variadic: def.variadic,
        copy_bytes: 0,
    };
    plan.copy_bytes = plan
        .args
        .iter()
        .filter(|a| matches!(a.pass, Pass::Reference(_)))
        .fold(0u32, |n, a| n.saturating_add(a.size.div_ceil(16) * 16));
    Ok(plan)
}
