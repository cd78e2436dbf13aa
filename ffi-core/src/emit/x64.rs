//! x86-64 emission, one file for both conventions.
//!
//! ## The call stub
//!
//! The generic Lua→C path marshals a call into a [`CallRegs`] block (Rust code, from the
//! [`CallPlan`](crate::abi::CallPlan)) and runs the convention's *call stub*, a SysV
//! function `stub(regs: *mut CallRegs)` emitted once per state:
//!
//! ```text
//!          stub frame (SysV entry)                    regs: *mut CallRegs (in rbx)
//!   high ┌──────────────────────────┐                 ┌──────────────────────────────┐
//!        │ return address           │                 │ gpr[0..6]    → rdi..r9 (SysV) │
//!        │ saved rbp   ◀── rbp      │                 │              → rcx,rdx,r8,r9  │
//!        │ saved rbx                │                 │ sse[0..8]    → xmm0..7        │
//!        │ saved r12                │                 │ ret_gpr      ← rax, rdx       │
//!        ├──────────────────────────┤ 16-aligned      │ ret_sse      ← xmm0, xmm1     │
//!        │ outgoing arguments       │ ◀ copied from   │ target       called           │
//!        │ (Win64: first 32 bytes   │   regs.stack,   │ nsse         → al (varargs)   │
//!        │  are the shadow space)   │   stack_bytes   │ stack_bytes  (multiple of 16) │
//!   low  └──────────────────────────┘ ◀── rsp at call │ stack        → outgoing area  │
//!                                                     └──────────────────────────────┘
//! ```
//!
//! The stub loads every argument register (unused ones carry whatever the block holds),
//! copies the outgoing stack words with `rep movsq`, calls `target` indirectly (code pages
//! may be more than 2 GiB from the callee, so no `call rel32`), stores both result
//! registers of each class, and returns. It owns no Rust values, so a Lua error raised by
//! a callback inside the callee may unwind (`longjmp`) through it.

use super::buffer::CodeBuffer;
use crate::target::CallAbi;
use core::mem::offset_of;
use dynasm::dynasm;

/// The register image of one call (see the module docs).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CallRegs {
    /// Integer argument registers in convention order (Win64 uses the first four).
    pub gpr: [u64; 6],
    /// Vector argument registers `xmm0..7` (Win64 uses the first four).
    pub sse: [[u64; 2]; 8],
    /// `rax`, `rdx` after the call.
    pub ret_gpr: [u64; 2],
    /// `xmm0`, `xmm1` after the call.
    pub ret_sse: [[u64; 2]; 2],
    /// The function called.
    pub target: u64,
    /// `al` for SysV varargs calls: vector registers used.
    pub nsse: u64,
    /// Bytes of outgoing stack to copy (a multiple of 16).
    pub stack_bytes: u64,
    /// The outgoing stack image (`stack_bytes` bytes, 8-aligned).
    pub stack: u64,
}

/// A call stub: `stub(regs)` performs the call `regs` describes.
pub type CallStub = unsafe extern "C" fn(regs: *mut CallRegs);

const GPR: i32 = offset_of!(CallRegs, gpr) as i32;
const SSE: i32 = offset_of!(CallRegs, sse) as i32;
const RET_GPR: i32 = offset_of!(CallRegs, ret_gpr) as i32;
const RET_SSE: i32 = offset_of!(CallRegs, ret_sse) as i32;
const TARGET: i32 = offset_of!(CallRegs, target) as i32;
const NSSE: i32 = offset_of!(CallRegs, nsse) as i32;
const STACK_BYTES: i32 = offset_of!(CallRegs, stack_bytes) as i32;
const STACK: i32 = offset_of!(CallRegs, stack) as i32;

/// Emits the call stub of `abi` (see the module docs).
pub fn call_stub(abi: CallAbi) -> CodeBuffer {
    let mut ops = CodeBuffer::new();
    dynasm!(ops
        ; .arch x64
        ; push rbp
        ; mov rbp, rsp
        ; push rbx
        ; push r12
        ; mov rbx, rdi
        ; mov rcx, [rbx + STACK_BYTES]
        ; sub rsp, rcx
        ; mov rsi, [rbx + STACK]
        ; mov rdi, rsp
        ; shr rcx, 3
        ; rep movsq
    );
    let nsse = if abi == CallAbi::SysV { 8 } else { 4 };
    for i in 0..nsse {
        dynasm!(ops ; .arch x64 ; movdqu Rx(i as u8), [rbx + SSE + 16 * i]);
    }
    match abi {
        CallAbi::SysV => dynasm!(ops
            ; .arch x64
            ; mov rdi, [rbx + GPR]
            ; mov rsi, [rbx + GPR + 8]
            ; mov rdx, [rbx + GPR + 16]
            ; mov rcx, [rbx + GPR + 24]
            ; mov r8, [rbx + GPR + 32]
            ; mov r9, [rbx + GPR + 40]
        ),
        CallAbi::Win64 => dynasm!(ops
            ; .arch x64
            ; mov rcx, [rbx + GPR]
            ; mov rdx, [rbx + GPR + 8]
            ; mov r8, [rbx + GPR + 16]
            ; mov r9, [rbx + GPR + 24]
        ),
    }
    dynasm!(ops
        ; .arch x64
        ; mov rax, [rbx + NSSE]
        ; call QWORD [rbx + TARGET]
        ; mov [rbx + RET_GPR], rax
        ; mov [rbx + RET_GPR + 8], rdx
        ; movdqu [rbx + RET_SSE], xmm0
        ; movdqu [rbx + RET_SSE + 16], xmm1
        ; lea rsp, [rbp - 16]
        ; pop r12
        ; pop rbx
        ; pop rbp
        ; ret
    );
    ops
}

#[cfg(test)]
mod tests;
