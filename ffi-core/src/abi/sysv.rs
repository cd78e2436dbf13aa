//! x86-64 System V classification (psABI §3.2.3).
//!
//! ```text
//!   struct { double x; int a, b; }   16 bytes, two eightbytes
//!   ┌────────────── eightbyte 0 ─────────────┬─────────── eightbyte 1 ───────────┐
//!   │ double x                     SSE        │ int a  int b          INTEGER     │
//!   └─────────────────────────────────────────┴───────────────────────────────────┘
//!        → next free xmm register                → next free integer register
//! ```
//!
//! Each scalar inside an aggregate (through nested structs, unions and arrays) classes
//! the eightbytes it covers; two classes merge as the psABI says (equal stays, NO_CLASS
//! yields, MEMORY wins, INTEGER wins over SSE). An aggregate larger than two eightbytes,
//! or with a member not at its natural alignment (packed), is MEMORY: copied onto the
//! stack. `long double` would be X87 (not supported, as in LuaJIT).

use super::{passable, round_up, ArgPlan, CallPlan, Loc, Pass, Piece, RetPlan};
use crate::ctype::{ArrayLen, CTypeId, FloatKind, FuncDef, Kind};
use crate::error::Error;
use crate::table::CTypeTable;
use crate::target::CallAbi;
use alloc::vec;
use alloc::vec::Vec;

/// The class of one eightbyte.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Class {
    /// Only padding so far.
    NoClass,
    /// General-purpose registers.
    Integer,
    /// Vector registers (low half).
    Sse,
    /// The upper half of a 16-byte vector in the same register as the eightbyte before.
    SseUp,
    /// Passed in memory.
    Memory,
}

impl Class {
    /// The psABI merge rule.
    fn merge(self, other: Class) -> Class {
        use Class::*;
        match (self, other) {
            (a, b) if a == b => a,
            (NoClass, b) => b,
            (a, NoClass) => a,
            (Memory, _) | (_, Memory) => Memory,
            (Integer, _) | (_, Integer) => Integer,
            _ => Sse,
        }
    }
}

/// The integer argument registers in order.
pub const GPR_NAMES: [&str; 6] = ["rdi", "rsi", "rdx", "rcx", "r8", "r9"];
/// How many integer argument registers there are.
pub const GPRS: u8 = 6;
/// How many vector argument registers there are.
pub const SSES: u8 = 8;

/// The classes of the eightbytes of a value of type `ty`, or `None` for MEMORY.
/// An empty type gives an empty list.
pub fn classify(tt: &CTypeTable, ty: CTypeId) -> Option<Vec<Class>> {
    let size = match tt.get(ty).kind {
        // A reference is passed as its address.
        Kind::Ref(_) => 8,
        _ => tt.size_of(ty)?,
    };
    if size > 16 {
        return None;
    }
    let mut classes = vec![Class::NoClass; size.div_ceil(8) as usize];
    if !walk(tt, ty, 0, &mut classes) {
        return None;
    }
    // Post-merger cleanup: any MEMORY makes the whole value MEMORY; an SSEUP not after
    // SSE (or SSEUP) becomes SSE.
    if classes.contains(&Class::Memory) {
        return None;
    }
    for i in 0..classes.len() {
        if classes[i] == Class::SseUp && (i == 0 || !matches!(classes[i - 1], Class::Sse)) {
            classes[i] = Class::Sse;
        }
    }
    Some(classes)
}

/// Marks the eightbytes covered by bytes `[at, at + len)` with class `c`; false when the
/// range leaves the value.
fn mark(classes: &mut [Class], at: u64, len: u64, c: Class) -> bool {
    if len == 0 {
        return true;
    }
    let (first, last) = ((at / 8) as usize, ((at + len - 1) / 8) as usize);
    if last >= classes.len() {
        return false;
    }
    for slot in &mut classes[first..=last] {
        *slot = slot.merge(c);
    }
    true
}

/// Classes the scalars of `ty` placed at byte `at`; false for MEMORY.
fn walk(tt: &CTypeTable, ty: CTypeId, at: u64, classes: &mut [Class]) -> bool {
    let t = tt.get(ty);
    // A member not at a multiple of its type's alignment (packed structs) is MEMORY.
    let natural = natural_align(tt, ty);
    if natural > 1 && at % natural as u64 != 0 {
        return false;
    }
    match t.kind {
        Kind::Void => true,
        Kind::Bool | Kind::Int { .. } | Kind::Enum(_) | Kind::Ptr(_) | Kind::Ptr32(_) => {
            mark(classes, at, t.size.unwrap_or(8), Class::Integer)
        }
        // A reference is an address, whatever its referenced type's size.
        Kind::Ref(_) => mark(classes, at, 8, Class::Integer),
        Kind::Float(FloatKind::LongDouble) | Kind::Complex(FloatKind::LongDouble) => false,
        Kind::Float(_) | Kind::Complex(_) => mark(classes, at, t.size.unwrap_or(8), Class::Sse),
        Kind::Vector(..) => {
            let size = t.size.unwrap_or(0);
            if size == 16 && at % 16 == 0 {
                let i = (at / 8) as usize;
                mark(classes, at, 8, Class::Sse) && {
                    classes[i + 1] = classes[i + 1].merge(Class::SseUp);
                    true
                }
            } else {
                mark(classes, at, size, Class::Sse)
            }
        }
        Kind::Array(e, ArrayLen::Fixed(n)) => {
            let es = tt.size_of(e).unwrap_or(0);
            (0..n).all(|i| walk(tt, e, at + i * es, classes))
        }
        // Flexible and variable-length trailing arrays take no bytes of the value.
        Kind::Array(..) => true,
        Kind::Struct(a) => {
            let def = tt.agg(a);
            def.fields.iter().all(|f| match f.bits {
                // Bitfields class their bytes INTEGER (zero-width ones take none).
                Some(b) => {
                    b.width == 0 || {
                        let start = (at + f.offset) * 8 + b.shift as u64;
                        let (lo, hi) = (start / 8, (start + b.width as u64).div_ceil(8));
                        mark(classes, lo, hi - lo, Class::Integer)
                    }
                }
                None => walk(tt, f.ty, at + f.offset, classes),
            })
        }
        Kind::Func(_) | Kind::Opaque(_) => false,
    }
}

/// The alignment a member of type `ty` needs to be in registers: its type's own, without
/// `aligned`/`packed` attributes on the member (the psABI's "unaligned fields").
fn natural_align(tt: &CTypeTable, ty: CTypeId) -> u32 {
    match tt.get(ty).kind {
        Kind::Array(e, _) => natural_align(tt, e),
        Kind::Ref(_) => 8,
        Kind::Bool | Kind::Int { .. } | Kind::Enum(_) | Kind::Ptr(_) | Kind::Ptr32(_) => {
            tt.get(ty).size.unwrap_or(1) as u32
        }
        Kind::Float(FloatKind::Float) => 4,
        Kind::Float(_) => 8,
        Kind::Complex(FloatKind::Float) => 4,
        Kind::Complex(_) => 8,
        // Structs check their own members.
        _ => 1,
    }
}

/// Plans a SysV call (see the module docs).
pub fn plan(tt: &CTypeTable, def: &FuncDef, nfixed: usize) -> Result<CallPlan, Error> {
    let mut gpr = 0u8;
    let mut sse = 0u8;
    let mut stack = 0u32;
    // The result first: a MEMORY result takes rdi for its hidden pointer.
    let (ret, ret_size, ret_align) = match tt.get(def.ret).kind {
        Kind::Void => (RetPlan::Void, 0, 1),
        _ => {
            let (size, align) = passable(tt, def.ret, "result")?;
            match classify(tt, def.ret) {
                None => {
                    gpr = 1;
                    (RetPlan::Hidden(0), size, align)
                }
                Some(classes) => {
                    let (mut ints, mut sses) = (0u8, 0u8);
                    let pieces = pieces(&classes, size, |c| next_reg(c, &mut ints, &mut sses));
                    (RetPlan::Value(pieces), size, align)
                }
            }
        }
    };
    let mut args = Vec::with_capacity(def.params.len());
    for (i, &ty) in def.params.iter().enumerate() {
        let what = if i < nfixed { "argument" } else { "vararg" };
        let (size, align) = passable(tt, ty, what)?;
        let on_stack = |stack: &mut u32| {
            let at = round_up(*stack, align.clamp(8, 16));
            *stack = at.saturating_add(round_up(size, 8));
            at
        };
        let pass = match classify(tt, ty) {
            Some(c) if c.is_empty() => Pass::Ignore,
            Some(classes) => {
                let need_int = classes.iter().filter(|&&c| c == Class::Integer).count() as u8;
                let need_sse = classes.iter().filter(|&&c| c == Class::Sse).count() as u8;
                if gpr + need_int <= GPRS && sse + need_sse <= SSES {
                    Pass::Value(pieces(&classes, size, |c| next_reg(c, &mut gpr, &mut sse)))
                } else {
                    // Not enough registers left for the whole value: all of it goes on
                    // the stack (later, smaller arguments may still take registers).
                    let at = on_stack(&mut stack);
                    Pass::Value(stack_pieces(at, size))
                }
            }
            None => Pass::Memory(on_stack(&mut stack)),
        };
        args.push(ArgPlan { ty, size, align, pass, shadow_gpr: None });
    }
    Ok(CallPlan {
        abi: CallAbi::SysV,
        args,
        ret,
        ret_ty: def.ret,
        ret_size,
        ret_align,
        stack_bytes: round_up(stack, 16),
        gprs: gpr,
        sses: sse,
        variadic: def.variadic,
        copy_bytes: 0,
    })
}

/// The next register of class `c` (INTEGER: the next integer register, else the next
/// vector register), counting it as used.
fn next_reg(c: Class, gpr: &mut u8, sse: &mut u8) -> Loc {
    if c == Class::Integer {
        *gpr += 1;
        Loc::Gpr(*gpr - 1)
    } else {
        *sse += 1;
        Loc::Sse(*sse - 1)
    }
}

/// The register pieces of a value of `size` bytes with these eightbyte classes; `next`
/// hands out the register for each INTEGER or SSE eightbyte (an SSEUP eightbyte joins
/// the piece before it, making a 16-byte piece). NO_CLASS eightbytes (padding) are not
/// passed.
fn pieces(classes: &[Class], size: u32, mut next: impl FnMut(Class) -> Loc) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(2);
    for (i, &c) in classes.iter().enumerate() {
        let offset = i as u32 * 8;
        let len = (size - offset).min(8);
        match c {
            Class::NoClass | Class::Memory => {}
            Class::SseUp => {
                if let Some(p) = out.last_mut() {
                    p.size += len;
                }
            }
            c => out.push(Piece { offset, size: len, loc: next(c) }),
        }
    }
    out
}

/// Eightbyte pieces of a `size`-byte value stored from stack offset `at`.
pub(crate) fn stack_pieces(at: u32, size: u32) -> Vec<Piece> {
    (0..size.div_ceil(8))
        .map(|i| Piece { offset: i * 8, size: (size - i * 8).min(8), loc: Loc::Stack(at + i * 8) })
        .collect()
}
