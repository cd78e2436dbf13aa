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

/// A call stub: `stub(regs)` performs the call `regs` describes. Its entry follows SysV
/// on every host (the emitted code reads `regs` from `rdi`), whatever the callee's
/// convention.
pub type CallStub = unsafe extern "sysv64" fn(regs: *mut CallRegs);

const GPR: i32 = offset_of!(CallRegs, gpr) as i32;
const SSE: i32 = offset_of!(CallRegs, sse) as i32;
const RET_GPR: i32 = offset_of!(CallRegs, ret_gpr) as i32;
const RET_SSE: i32 = offset_of!(CallRegs, ret_sse) as i32;
const TARGET: i32 = offset_of!(CallRegs, target) as i32;
const NSSE: i32 = offset_of!(CallRegs, nsse) as i32;
const STACK_BYTES: i32 = offset_of!(CallRegs, stack_bytes) as i32;
const STACK: i32 = offset_of!(CallRegs, stack) as i32;

/// Emits the call stub of `abi` (see the module docs).
// dynasm's expansion of a register given by number converts it to `u8` again.
#[allow(clippy::useless_conversion)]
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

/// How the fast thunk converts one Lua argument (anything else goes to the slow path).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ArgKind {
    /// An integer of `size` bytes: a Lua number with an integral value in range.
    Int {
        /// 1, 2, 4 or 8.
        size: u8,
        /// Signedness.
        signed: bool,
    },
    /// `float`: any Lua number, rounded.
    F32,
    /// `double`: any Lua number.
    F64,
    /// `bool`: a Lua boolean.
    Bool,
    /// A pointer: `nil` is NULL, a Lua string passes its bytes when `string` is set, a
    /// cdata goes through the `ptr_arg` helper (which accepts what converts as it is).
    Ptr {
        /// The parameter's type id.
        ty: u32,
        /// Whether a Lua string converts (`const char *` and friends).
        string: bool,
    },
}

/// How the fast thunk returns the result.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum RetKind {
    /// Nothing.
    Void,
    /// An integer of at most 4 bytes, as a Lua integer.
    Int {
        /// 1, 2 or 4.
        size: u8,
        /// Signedness.
        signed: bool,
    },
    /// `bool`, as a Lua boolean.
    Bool,
    /// `float`, as a Lua number.
    F32,
    /// `double`, as a Lua number.
    F64,
    /// A 64-bit integer or a pointer, boxed in a new cdata of this type id by the
    /// `push_boxed` helper.
    Boxed(u32),
    /// A struct, union, complex number or vector of at most 16 bytes returned in
    /// registers (SysV), assembled from its pieces and copied into a new cdata of this
    /// type id by the `push_agg` helper.
    Agg {
        /// The type id.
        ty: u32,
        /// Its pieces in offset order: at most two, each from the next integer or vector
        /// result register of its class.
        pieces: [Option<AggPiece>; 2],
    },
}

/// One register piece of an aggregate result.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct AggPiece {
    /// Byte offset in the aggregate (0 or 8).
    pub offset: u8,
    /// Bytes (1..=16; 16 only for a vector in one register).
    pub size: u8,
    /// From a vector register (else from `rax`/`rdx`).
    pub sse: bool,
}

/// The addresses a fast thunk calls: the Lua API of its state's version, ffi's helpers,
/// and the slow path it falls back to.
#[derive(Copy, Clone, Debug)]
pub struct ThunkApi {
    /// `lua_gettop`.
    pub gettop: usize,
    /// `lua_type`.
    pub type_tag: usize,
    /// `lua_tointegerx` (5.3 meaning on every version).
    pub tointegerx: usize,
    /// `lua_tonumberx`.
    pub tonumberx: usize,
    /// `lua_toboolean`.
    pub toboolean: usize,
    /// `lua_tolstring`.
    pub tolstring: usize,
    /// `lua_pushinteger`.
    pub pushinteger: usize,
    /// `lua_pushnumber`.
    pub pushnumber: usize,
    /// `lua_pushboolean`.
    pub pushboolean: usize,
    /// `push_boxed(L, type id, value)`: pushes a boxed 64-bit value.
    pub push_boxed: usize,
    /// `push_agg(L, type id, *bytes)`: pushes a new cdata of an aggregate type (at most
    /// 16 bytes) holding a copy of `bytes`.
    pub push_agg: usize,
    /// `cdata_arg(L, idx, what, *out) -> int`: the cdata argument at `idx` converted for
    /// `what` (a pointer type id, or [`int_code`] of an integer parameter) when it converts
    /// without an error (1), or 0 for the slow path.
    pub cdata_arg: usize,
    /// The host's `errno_location`.
    pub errno_location: usize,
    /// `errno`'s offset from the thread pointer (`fs:0`) when it lives in the static TLS
    /// block (glibc and musl on x86-64: the same offset in every thread), so that the
    /// thunk reaches it without a call; `None` to call `errno_location`.
    pub errno_tls: Option<i32>,
    /// Where the state keeps `ffi.errno()`.
    pub errno_slot: usize,
    /// Where the state records the `lua_State` and thread pointer of the C call running
    /// (two words), for callbacks.
    pub caller: usize,
    /// The slow path: a `lua_CFunction` that performs the same call generally.
    pub slow: usize,
    /// Where the Lua VM keeps the arguments, when a probe of the running VM confirmed it:
    /// the thunk then reads the count, type tags and numbers straight from the Lua stack
    /// and calls the API only for other values.
    pub stack: Option<StackLayout>,
}

/// How to find the arguments of the running C function in a `lua_State` and read a
/// number from its stack slot (`TValue`s of 16 bytes: the value, then the type tag).
/// Found and checked at run time by probing the VM (see `lua/call.rs`).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct StackLayout {
    /// Offset of `L->top` (the first free slot).
    pub top: i32,
    /// How the first argument's slot is found.
    pub base: ArgBase,
    /// The type tag byte of an integer number (5.3+), if the VM has integers.
    pub int_tag: Option<u8>,
    /// The type tag byte of a float number.
    pub float_tag: u8,
}

/// Where the first argument's slot is.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ArgBase {
    /// `L->base` at this offset (Lua 5.1).
    Base(i32),
    /// `L->ci->func + 1` with these offsets (`ci` in `lua_State`, `func` in `CallInfo`).
    CiFunc(i32, i32),
}

/// One fast thunk: a `lua_CFunction` for one C function whose arguments and result all
/// have an inline conversion (see [`ArgKind`], [`RetKind`]), called by Lua with the
/// arguments at 1..n.
#[derive(Clone, Debug)]
pub struct ThunkSpec {
    /// The C function.
    pub target: usize,
    /// The arguments, in order.
    pub args: alloc::vec::Vec<ArgKind>,
    /// The result.
    pub ret: RetKind,
}

/// The `what` code of an integer parameter for the `cdata_arg` helper: above every type
/// id (`0x8000_0000 | signed << 4 | size`).
pub const fn int_code(size: u8, signed: bool) -> i32 {
    (0x8000_0000u32 | (signed as u32) << 4 | size as u32) as i32
}

/// Frame of a fast thunk below the two saved registers (a multiple of 16 minus 8, so that
/// `rsp` is 16-aligned at every call).
const THUNK_FRAME: i32 = 136;
/// Argument slots: six integer registers, then eight vector registers (8 bytes each).
const SLOT_GPR: i32 = 0;
const SLOT_SSE: i32 = 48;
/// `isnum` out-parameter and the saved result.
const SLOT_ISNUM: i32 = 112;
const SLOT_RESULT: i32 = 120;

/// Lua type tags (the same in 5.1 .. 5.5).
const T_NIL: i32 = 0;
const T_BOOLEAN: i32 = 1;
const T_NUMBER: i32 = 3;
const T_STRING: i32 = 4;

/// The integer argument registers of SysV, in order.
const SYSV_GPRS: [u8; 6] = [7, 6, 2, 1, 8, 9];

/// Emits a fast thunk (SysV only; `None` when the signature needs more registers than
/// the thunk handles: such calls take the general path).
///
/// ```text
///   fast thunk frame                     per argument i (Lua index i+1):
///   ┌──────────────────────┐              lua_type(L, i+1) == expected tag, else slow
///   │ return address       │              convert with lua_tointegerx / lua_tonumberx /
///   │ saved rbx (L)        │                lua_toboolean / lua_tolstring / ptr_arg
///   │ saved r12            │              range check (integers), store in its slot
///   ├──────────────────────┤ rsp+136      then: errno ← saved; load registers; call C;
///   │ result     rsp+120   │              saved ← errno; push the result; return 1
///   │ isnum      rsp+112   │
///   │ sse slots  rsp+48..  │              slow: restore rsp, jump to the general path
///   │ gpr slots  rsp+0..   │              with L untouched (nothing was pushed)
///   └──────────────────────┘ rsp (16-aligned)
/// ```
// dynasm's expansion of a register given by number converts it to `u8` again.
#[allow(clippy::useless_conversion)]
pub fn fast_thunk(spec: &ThunkSpec, api: &ThunkApi) -> Option<CodeBuffer> {
    let mut ops = CodeBuffer::new();
    let mut slots = alloc::vec::Vec::new();
    let (mut ngpr, mut nsse) = (0i32, 0i32);
    for a in &spec.args {
        let sse = matches!(a, ArgKind::F32 | ArgKind::F64);
        if sse {
            if nsse == 8 {
                return None;
            }
            slots.push(SLOT_SSE + 8 * nsse);
            nsse += 1;
        } else {
            if ngpr == 6 {
                return None;
            }
            slots.push(SLOT_GPR + 8 * ngpr);
            ngpr += 1;
        }
    }
    let n = spec.args.len() as i32;
    // Every callee is reached through an address table after the code (`call [rip+d]`:
    // code pages may be far from the callees, and this is shorter than `mov rax, imm64;
    // call rax`).
    macro_rules! call {
        ($label:ident) => {
            dynasm!(ops ; .arch x64 ; call QWORD [>$label])
        };
    }
    dynasm!(ops
        ; .arch x64
        ; push rbx
        ; push r12
        ; sub rsp, THUNK_FRAME
        ; mov rbx, rdi
    );
    match api.stack {
        Some(layout) => {
            // r12: the first argument's slot; the count from L->top.
            match layout.base {
                ArgBase::Base(off) => dynasm!(ops ; .arch x64 ; mov r12, [rbx + off]),
                ArgBase::CiFunc(ci, func) => dynasm!(ops
                    ; .arch x64
                    ; mov rax, [rbx + ci]
                    ; mov r12, [rax + func]
                    ; add r12, 16
                ),
            }
            // The count: L->top must be the slot after the last argument.
            dynasm!(ops
                ; .arch x64
                ; lea rax, [r12 + 16 * n]
                ; cmp [rbx + layout.top], rax
                ; jne >slow
            );
        }
        None => {
            call!(t_gettop);
            dynasm!(ops ; .arch x64 ; cmp eax, n ; jne >slow);
        }
    }
    for (i, (a, &slot)) in spec.args.iter().zip(&slots).enumerate() {
        let idx = i as i32 + 1;
        if let Some(layout) = api.stack {
            inline_number(&mut ops, layout, *a, i as i32, slot);
        }
        dynasm!(ops ; .arch x64 ; api: ; mov rdi, rbx ; mov esi, idx);
        call!(t_type);
        match *a {
            ArgKind::Int { size, signed } => {
                dynasm!(ops
                    ; .arch x64
                    ; cmp eax, T_NUMBER
                    ; je >number
                    // Not a number: an integer cdata converts through the helper.
                    ; mov rdi, rbx
                    ; mov esi, idx
                    ; mov edx, int_code(size, signed)
                    ; lea rcx, [rsp + slot]
                );
                call!(t_cdata_arg);
                dynasm!(ops
                    ; .arch x64
                    ; test eax, eax
                    ; je >slow
                    ; jmp >next
                    ; number:
                    ; mov rdi, rbx
                    ; mov esi, idx
                    ; lea rdx, [rsp + SLOT_ISNUM]
                );
                call!(t_tointegerx);
                dynasm!(ops ; .arch x64 ; cmp DWORD [rsp + SLOT_ISNUM], 0 ; je >slow);
                range_check(&mut ops, size, signed, false);
                dynasm!(ops ; .arch x64 ; mov [rsp + slot], rax ; next:);
            }
            ArgKind::F32 | ArgKind::F64 => {
                dynasm!(ops
                    ; .arch x64
                    ; cmp eax, T_NUMBER
                    ; jne >slow
                    ; mov rdi, rbx
                    ; mov esi, idx
                    ; xor edx, edx
                );
                call!(t_tonumberx);
                if *a == ArgKind::F32 {
                    dynasm!(ops ; .arch x64 ; cvtsd2ss xmm0, xmm0 ; movd [rsp + slot], xmm0);
                } else {
                    dynasm!(ops ; .arch x64 ; movq [rsp + slot], xmm0);
                }
                dynasm!(ops ; .arch x64 ; next:);
            }
            ArgKind::Bool => {
                dynasm!(ops
                    ; .arch x64
                    ; cmp eax, T_BOOLEAN
                    ; jne >slow
                    ; mov rdi, rbx
                    ; mov esi, idx
                );
                call!(t_toboolean);
                dynasm!(ops ; .arch x64 ; test eax, eax ; setne al ; movzx eax, al ; mov [rsp + slot], rax);
                dynasm!(ops ; .arch x64 ; next:);
            }
            ArgKind::Ptr { ty, string } => {
                dynasm!(ops
                    ; .arch x64
                    ; cmp eax, T_NIL
                    ; jne >not_nil
                    ; mov QWORD [rsp + slot], 0
                    ; jmp >next
                    ; not_nil:
                );
                if string {
                    dynasm!(ops
                        ; .arch x64
                        ; cmp eax, T_STRING
                        ; jne >not_string
                        ; mov rdi, rbx
                        ; mov esi, idx
                        ; xor edx, edx
                    );
                    call!(t_tolstring);
                    dynasm!(ops ; .arch x64 ; mov [rsp + slot], rax ; jmp >next ; not_string:);
                }
                dynasm!(ops
                    ; .arch x64
                    ; mov rdi, rbx
                    ; mov esi, idx
                    ; mov edx, ty as i32
                    ; lea rcx, [rsp + slot]
                );
                call!(t_cdata_arg);
                dynasm!(ops ; .arch x64 ; test eax, eax ; je >slow ; next:);
            }
        }
    }
    // errno as ffi.errno() last left it (its address stays in r12, callee-saved, for
    // the save after the call), then the registers, then the call.
    errno_address(&mut ops, api);
    dynasm!(ops
        ; .arch x64
        ; mov rcx, QWORD api.errno_slot as i64
        ; mov ecx, [rcx]
        ; mov [r12], ecx
        // The caller record: this state, on this thread.
        ; mov rax, QWORD api.caller as i64
        ; mov [rax], rbx
    );
    if cfg!(target_os = "linux") {
        // mov rcx, fs:[0] (the thread pointer, as `thread_pointer` reads it)
        ops.extend([0x64, 0x48, 0x8b, 0x0c, 0x25, 0, 0, 0, 0]);
    } else {
        dynasm!(ops ; .arch x64 ; xor ecx, ecx);
    }
    dynasm!(ops ; .arch x64 ; mov [rax + 8], rcx);
    for i in 0..ngpr {
        let r = SYSV_GPRS[i as usize];
        dynasm!(ops ; .arch x64 ; mov Rq(r), [rsp + SLOT_GPR + 8 * i]);
    }
    for i in 0..nsse {
        dynasm!(ops ; .arch x64 ; movq Rx(i as u8), [rsp + SLOT_SSE + 8 * i]);
    }
    call!(t_target);
    match spec.ret {
        RetKind::Void => {}
        RetKind::F32 | RetKind::F64 => dynasm!(ops ; .arch x64 ; movq [rsp + SLOT_RESULT], xmm0),
        RetKind::Agg { pieces, .. } => {
            // The aggregate's bytes, assembled from its result registers in the argument
            // slots (no longer needed).
            let (mut gpr, mut sse) = (0, 0);
            for p in pieces.iter().flatten() {
                let at = SLOT_GPR + p.offset as i32;
                if p.sse {
                    match (sse, p.size > 8) {
                        (0, true) => dynasm!(ops ; .arch x64 ; movdqu [rsp + at], xmm0),
                        (0, false) => dynasm!(ops ; .arch x64 ; movq [rsp + at], xmm0),
                        _ => dynasm!(ops ; .arch x64 ; movq [rsp + at], xmm1),
                    }
                    sse += 1;
                } else {
                    if gpr == 0 {
                        dynasm!(ops ; .arch x64 ; mov [rsp + at], rax);
                    } else {
                        dynasm!(ops ; .arch x64 ; mov [rsp + at], rdx);
                    }
                    gpr += 1;
                }
            }
        }
        _ => dynasm!(ops ; .arch x64 ; mov [rsp + SLOT_RESULT], rax),
    }
    dynasm!(ops
        ; .arch x64
        ; mov ecx, [r12]
        ; mov rax, QWORD api.errno_slot as i64
        ; mov [rax], ecx
        // The call is over: no C call through ffi runs in this state any more.
        ; mov rax, QWORD api.caller as i64
        ; mov QWORD [rax], 0
    );
    if spec.ret != RetKind::Void {
        dynasm!(ops ; .arch x64 ; mov rdi, rbx);
    }
    match spec.ret {
        RetKind::Void => dynasm!(ops ; .arch x64 ; xor eax, eax),
        RetKind::Int { size, signed } => {
            int_to_rsi(&mut ops, size, signed, SLOT_RESULT);
            call!(t_pushinteger);
        }
        RetKind::Bool => {
            // Any non-zero byte is true, as C reads a `bool` it did not write itself.
            dynasm!(ops
                ; .arch x64
                ; xor esi, esi
                ; cmp BYTE [rsp + SLOT_RESULT], 0
                ; setne sil
            );
            call!(t_pushboolean);
        }
        RetKind::F32 => {
            dynasm!(ops ; .arch x64 ; cvtss2sd xmm0, DWORD [rsp + SLOT_RESULT]);
            call!(t_pushnumber);
        }
        RetKind::F64 => {
            dynasm!(ops ; .arch x64 ; movq xmm0, [rsp + SLOT_RESULT]);
            call!(t_pushnumber);
        }
        RetKind::Boxed(ty) => {
            dynasm!(ops ; .arch x64 ; mov esi, ty as i32 ; mov rdx, [rsp + SLOT_RESULT]);
            call!(t_push_boxed);
        }
        RetKind::Agg { ty, .. } => {
            dynasm!(ops ; .arch x64 ; mov esi, ty as i32 ; lea rdx, [rsp + SLOT_GPR]);
            call!(t_push_agg);
        }
    }
    if spec.ret != RetKind::Void {
        dynasm!(ops ; .arch x64 ; mov eax, 1);
    }
    dynasm!(ops
        ; .arch x64
        ; add rsp, THUNK_FRAME
        ; pop r12
        ; pop rbx
        ; ret
        ; slow:
        ; mov rdi, rbx
        ; add rsp, THUNK_FRAME
        ; pop r12
        ; pop rbx
        ; jmp QWORD [>t_slow]
        ; .align 8
        ; t_gettop: ; .u64 api.gettop as u64
        ; t_type: ; .u64 api.type_tag as u64
        ; t_tointegerx: ; .u64 api.tointegerx as u64
        ; t_tonumberx: ; .u64 api.tonumberx as u64
        ; t_toboolean: ; .u64 api.toboolean as u64
        ; t_tolstring: ; .u64 api.tolstring as u64
        ; t_cdata_arg: ; .u64 api.cdata_arg as u64
        ; t_target: ; .u64 spec.target as u64
        ; t_pushinteger: ; .u64 api.pushinteger as u64
        ; t_pushboolean: ; .u64 api.pushboolean as u64
        ; t_pushnumber: ; .u64 api.pushnumber as u64
        ; t_push_boxed: ; .u64 api.push_boxed as u64
        ; t_push_agg: ; .u64 api.push_agg as u64
        ; t_slow: ; .u64 api.slow as u64
    );
    Some(ops)
}

/// Emits the load of an integer of `size` bytes (1, 2 or 4) at `[rsp + disp]` into `rsi`,
/// sign- or zero-extended to 64 bits (`lua_pushinteger`'s argument).
pub(super) fn int_to_rsi(ops: &mut CodeBuffer, size: u8, signed: bool, disp: i32) {
    match (size, signed) {
        (1, true) => dynasm!(ops ; .arch x64 ; movsx rsi, BYTE [rsp + disp]),
        (1, false) => dynasm!(ops ; .arch x64 ; movzx esi, BYTE [rsp + disp]),
        (2, true) => dynasm!(ops ; .arch x64 ; movsx rsi, WORD [rsp + disp]),
        (2, false) => dynasm!(ops ; .arch x64 ; movzx esi, WORD [rsp + disp]),
        (_, true) => dynasm!(ops ; .arch x64 ; movsxd rsi, DWORD [rsp + disp]),
        (_, false) => dynasm!(ops ; .arch x64 ; mov esi, DWORD [rsp + disp]),
    }
}

/// Emits the inline read of argument `i` (a number) straight from the Lua stack at r12:
/// on a type tag it handles, the value goes to `slot` and control to the argument's
/// `next:`; on any other tag control falls to the argument's `api:` path.
fn inline_number(ops: &mut CodeBuffer, layout: StackLayout, a: ArgKind, i: i32, slot: i32) {
    let (val, tag) = (16 * i, 16 * i + 8);
    let float = layout.float_tag as i32;
    match a {
        ArgKind::Int { size, signed } => {
            dynasm!(ops ; .arch x64 ; movzx eax, BYTE [r12 + tag]);
            match layout.int_tag {
                Some(int) => dynasm!(ops
                    ; .arch x64
                    ; cmp eax, int as i32
                    ; jne >api
                    ; mov rax, [r12 + val]
                ),
                // Numbers are doubles: an integral one in range converts exactly.
                None => dynasm!(ops
                    ; .arch x64
                    ; cmp eax, float
                    ; jne >api
                    ; movsd xmm0, [r12 + val]
                    ; cvttsd2si rax, xmm0
                    ; cvtsi2sd xmm1, rax
                    ; ucomisd xmm0, xmm1
                    ; jne >api
                    ; jp >api
                ),
            }
            range_check(ops, size, signed, true);
            dynasm!(ops ; .arch x64 ; mov [rsp + slot], rax ; jmp >next);
        }
        ArgKind::F32 | ArgKind::F64 => {
            dynasm!(ops
                ; .arch x64
                ; movzx eax, BYTE [r12 + tag]
                ; cmp eax, float
                ; jne >int
                ; movsd xmm0, [r12 + val]
                ; jmp >have
                ; int:
            );
            match layout.int_tag {
                Some(int) => dynasm!(ops
                    ; .arch x64
                    ; cmp eax, int as i32
                    ; jne >api
                    ; cvtsi2sd xmm0, QWORD [r12 + val]
                ),
                None => dynasm!(ops ; .arch x64 ; jmp >api),
            }
            dynasm!(ops ; .arch x64 ; have:);
            if a == ArgKind::F32 {
                dynasm!(ops ; .arch x64 ; cvtsd2ss xmm0, xmm0 ; movd [rsp + slot], xmm0 ; jmp >next);
            } else {
                dynasm!(ops ; .arch x64 ; movq [rsp + slot], xmm0 ; jmp >next);
            }
        }
        // Booleans and pointers take the API path.
        ArgKind::Bool | ArgKind::Ptr { .. } => {}
    }
}

/// Checks that the 64-bit integer in `rax` fits a `size`-byte integer of this signedness
/// (jumping to `api:` when `to_api`, else to `slow:`).
pub(super) fn range_check(ops: &mut CodeBuffer, size: u8, signed: bool, to_api: bool) {
    macro_rules! check {
        ($($op:tt)*) => {
            if to_api {
                dynasm!(ops ; .arch x64 ; $($op)* ; cmp rcx, rax ; jne >api)
            } else {
                dynasm!(ops ; .arch x64 ; $($op)* ; cmp rcx, rax ; jne >slow)
            }
        };
    }
    match (size, signed) {
        (1, true) => check!(movsx rcx, al),
        (1, false) => check!(movzx ecx, al),
        (2, true) => check!(movsx rcx, ax),
        (2, false) => check!(movzx ecx, ax),
        (4, true) => check!(movsxd rcx, eax),
        (4, false) => check!(mov ecx, eax),
        // 64-bit: every Lua integer is in range (unsigned ones wrap, as C does).
        _ => {}
    }
}

/// Emits code leaving the address of the calling thread's `errno` in `r12` (clobbers the
/// caller-saved registers when it calls).
fn errno_address(ops: &mut CodeBuffer, api: &ThunkApi) {
    match api.errno_tls {
        Some(off) => {
            // mov rax, fs:[0] (the thread pointer); lea r12, [rax + off]
            ops.extend([0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0]);
            dynasm!(ops ; .arch x64 ; lea r12, [rax + off]);
        }
        None => dynasm!(ops
            ; .arch x64
            ; mov rax, QWORD api.errno_location as i64
            ; call rax
            ; mov r12, rax
        ),
    }
}

/// The calling thread's thread pointer (`fs:0`), which C calls record for callbacks
/// (see `lua/callback.rs`); 0 where it is not read this way.
#[inline(always)]
pub fn thread_pointer() -> usize {
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    {
        let tp: usize;
        // SAFETY: reads the thread pointer (fs:0 holds its own address on x86-64 Linux);
        // no memory is written.
        unsafe {
            core::arch::asm!("mov {}, fs:[0]", out(reg) tp, options(nostack, readonly, preserves_flags))
        };
        tp
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    {
        0
    }
}

/// `errno`'s offset from the thread pointer, if `errno_location` answers an address in
/// this thread's static TLS block (see [`ThunkApi::errno_tls`]).
pub fn errno_tls_offset(errno: *mut core::ffi::c_int) -> Option<i32> {
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    {
        let tp: usize;
        // SAFETY: reads the thread pointer (fs:0 holds its own address on x86-64 Linux);
        // no memory is written.
        unsafe {
            core::arch::asm!("mov {}, fs:[0]", out(reg) tp, options(nostack, readonly, preserves_flags))
        };
        let off = (errno as isize).wrapping_sub(tp as isize);
        // The static TLS block lies just below the thread pointer.
        (-(1 << 20)..0).contains(&off).then_some(off as i32)
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    {
        let _ = errno;
        None
    }
}

#[cfg(test)]
mod tests;
