//! C→Lua: the machine code of callbacks and the process-wide pool of callback slots.
//!
//! A callback is a *slot*: 16 bytes of code in a slot page, and a [`Slot`] record in
//! Rust memory that the code points at. Every slot's code is the same two instructions
//! with its own record's address; the record says which *entry* runs (one per
//! convention, emitted once per process) and which Rust *helper* the entry calls:
//!
//! ```text
//!   slot page (RX, 4 KiB: 256 slots)      slot records (heap, never freed)
//!   ┌─────────────────────────────────┐   ┌───────────────────────────────────┐
//!   │ slot i: mov r10, &record[i]     │──▶│ entry   (offset 0): SysV or Win64 │
//!   │         jmp [r10]               │   │ helper  (offset 8): Rust, per VM  │
//!   ├─────────────────────────────────┤   │ owner   the context (0: none)     │
//!   │ slot i+1 ...                    │   │ spec    the signature's plan      │
//!   └─────────────────────────────────┘   │ function  its registry reference  │
//!                                         │ live    false after cb:free()     │
//!                                         └───────────────────────────────────┘
//!
//!   entry frame (SysV entry; the Win64 entry also saves rsi, rdi, xmm6-15)
//!   ┌──────────────────────────────┐
//!   │ stack arguments   rbp+16..   │ ◀── regs.stack (Win64: shadow space first)
//!   │ return address    rbp+8      │
//!   │ saved rbp    ◀── rbp         │
//!   ├──────────────────────────────┤
//!   │ CallRegs image    rsp..      │  gpr ← rdi..r9 / rcx..r9, sse ← xmm0..7 / 0..3
//!   └──────────────────────────────┘  helper(record, &image); rax, rdx, xmm0, xmm1 ← ret
//! ```
//!
//! The helper reads the arguments from the image (and the stack through `regs.stack`)
//! by the signature's [`CallPlan`](crate::abi::CallPlan), runs the Lua function, and
//! writes the result registers back into the image. The entry owns no Rust values, so a
//! Lua error raised in the helper crosses it (and the C frames above it) with `longjmp`.
//!
//! Slot pages and records are never unmapped or freed. A slot freed by `cb:free()` stays
//! its state's and is reused by that state only ([`retake`], after a quarantine of a
//! page's worth of other freed slots); at the state's closing every slot it holds goes back
//! to the pool and is handed out again later (oldest free first). So the pool holds little
//! more than the most slots ever live at once, a stale pointer of a live state can only
//! reach a callback of that same state (as in LuaJIT, whose slots are per state), and a C
//! library that calls a callback after its state is gone finds a record saying so instead
//! of unmapped memory.
//!
//! The common entries (one per convention) are emitted once per process into pages of
//! their own. A state may also emit a *direct entry* per signature ([`direct_entry`])
//! into its own code arena; its slots are switched back to the common entry before that
//! code goes (on `cb:free()` and when the state's context is dropped).

use super::buffer::CodeBuffer;
use super::memory::ExecMemory;
use super::x64::CallRegs;
use crate::target::CallAbi;
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::mem::offset_of;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use dynasm::dynasm;

/// The record of one callback slot (see the module docs). Fields are atomics so that
/// the pool can be shared by every state of the process; each slot is used by one state
/// at a time, from the thread running it.
#[repr(C)]
#[derive(Debug)]
pub struct Slot {
    /// The entry the slot's code jumps to (read by the code: offset 0).
    pub entry: AtomicUsize,
    /// The helper the entry calls (read by the entry: offset 8):
    /// `extern "C-unwind" fn(slot: *const Slot, regs: *mut CallRegs)`.
    pub helper: AtomicUsize,
    /// The owning state's context; 0 when the slot is in the pool.
    pub owner: AtomicUsize,
    /// The signature: the owner's record of the callback's function type.
    pub spec: AtomicUsize,
    /// The owner's handle of the function the callback runs (a registry reference).
    pub function: AtomicUsize,
    /// Cleared by `cb:free()` (the slot stays the owner's until reused).
    pub live: AtomicBool,
}

/// The helper an entry calls (see [`Slot::helper`]).
pub type Helper = unsafe extern "C-unwind" fn(slot: *const Slot, regs: *mut CallRegs);

/// Bytes of code per slot.
pub const SLOT_BYTES: usize = 16;
/// Bytes per slot page.
const PAGE_BYTES: usize = 4096;
/// Slots per page.
const PER_PAGE: usize = PAGE_BYTES / SLOT_BYTES;

/// One page of slots.
struct Page {
    code: usize,
    records: &'static [Slot],
}

/// The pool (see the module docs).
struct Pool {
    pages: Vec<Page>,
    /// Free slots (global index), oldest first.
    free: VecDeque<u32>,
    /// The SysV and Win64 entries, once emitted.
    entries: [usize; 2],
}

/// A spin lock around the pool (`no_std`: no OS lock). Held only for short, non-blocking
/// work; the pool is touched when a callback is made or freed, never when one runs.
struct Locked {
    busy: AtomicBool,
    pool: UnsafeCell<Pool>,
}

// SAFETY: `pool` is reached only through `with`, which holds `busy`.
unsafe impl Sync for Locked {}

static POOL: Locked = Locked {
    busy: AtomicBool::new(false),
    pool: UnsafeCell::new(Pool { pages: Vec::new(), free: VecDeque::new(), entries: [0; 2] }),
};

impl Locked {
    fn with<R>(&self, f: impl FnOnce(&mut Pool) -> R) -> R {
        while self
            .busy
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            core::hint::spin_loop();
        }
        // SAFETY: `busy` is held: no other reference to the pool exists.
        let r = f(unsafe { &mut *self.pool.get() });
        self.busy.store(false, Ordering::Release);
        r
    }
}

/// A slot handed out by [`take`].
#[derive(Copy, Clone, Debug)]
pub struct Taken {
    /// Its global index (for [`give_back`]).
    pub index: u32,
    /// The address C calls.
    pub code: usize,
    /// Its record.
    pub slot: &'static Slot,
}

/// Takes a free slot (mapping a new page when none is free) for `owner` (recorded under
/// the pool's lock, so that the state that freed it last no longer claims it), set to run
/// `abi`'s common entry and not live yet. `None` when the host cannot map or protect
/// memory.
pub fn take(mem: &dyn ExecMemory, abi: CallAbi, owner: usize) -> Option<Taken> {
    take_slot(mem, abi, owner, None)
}

/// [`take`] for slot `index`, which `owner` freed and kept back from the pool (a state
/// reuses the slots it freed itself while it lives, so that a stale pointer of a live
/// state never reaches another state's callback).
pub fn retake(mem: &dyn ExecMemory, abi: CallAbi, owner: usize, index: u32) -> Option<Taken> {
    take_slot(mem, abi, owner, Some(index))
}

fn take_slot(mem: &dyn ExecMemory, abi: CallAbi, owner: usize, own: Option<u32>) -> Option<Taken> {
    POOL.with(|pool| {
        let e = (abi == CallAbi::Win64) as usize;
        if pool.entries[e] == 0 {
            let code = entry(abi).link().ok()?;
            pool.entries[e] = place(mem, &code)?;
        }
        let index = match own {
            Some(index) if (index as usize) < pool.pages.len() * PER_PAGE => index,
            Some(_) => return None,
            None => {
                if pool.free.is_empty() {
                    add_page(pool, mem)?;
                }
                pool.free.pop_front()?
            }
        };
        let page = &pool.pages[index as usize / PER_PAGE];
        let i = index as usize % PER_PAGE;
        let slot = &page.records[i];
        slot.live.store(false, Ordering::Relaxed);
        slot.entry.store(pool.entries[e], Ordering::Relaxed);
        slot.owner.store(owner, Ordering::Release);
        Some(Taken { index, code: page.code + i * SLOT_BYTES, slot })
    })
}

/// Returns slot `index` to the pool, not live (its owner is cleared by the caller).
pub fn give_back(index: u32) {
    POOL.with(|pool| pool.free.push_back(index));
}

/// Slot pages mapped so far in this process, and slots free among them (for tests and
/// statistics: pages are never unmapped, so this is the pool's whole memory).
pub fn pool_size() -> (usize, usize) {
    POOL.with(|pool| (pool.pages.len(), pool.free.len()))
}

/// The record of slot `index`.
pub fn slot(index: u32) -> Option<&'static Slot> {
    POOL.with(|pool| {
        let page = pool.pages.get(index as usize / PER_PAGE)?;
        Some(&page.records[index as usize % PER_PAGE])
    })
}

/// The slot whose code is at `code`, if `code` is one.
pub fn find(code: usize) -> Option<(u32, &'static Slot)> {
    POOL.with(|pool| {
        pool.pages.iter().enumerate().find_map(|(n, p)| {
            let off = code.wrapping_sub(p.code);
            (off < PAGE_BYTES && off % SLOT_BYTES == 0).then(|| {
                let i = off / SLOT_BYTES;
                ((n * PER_PAGE + i) as u32, &p.records[i])
            })
        })
    })
}

/// Maps a page of slots: each slot's code loads its record's address and jumps through
/// the record's `entry`.
fn add_page(pool: &mut Pool, mem: &dyn ExecMemory) -> Option<()> {
    let records: Vec<Slot> = (0..PER_PAGE)
        .map(|_| Slot {
            entry: AtomicUsize::new(0),
            helper: AtomicUsize::new(0),
            owner: AtomicUsize::new(0),
            spec: AtomicUsize::new(0),
            function: AtomicUsize::new(0),
            live: AtomicBool::new(false),
        })
        .collect();
    let records: &'static [Slot] = Box::leak(records.into_boxed_slice());
    let mut code = Vec::with_capacity(PAGE_BYTES);
    for r in records {
        code.extend_from_slice(&slot_code(r as *const Slot as u64));
    }
    let at = place(mem, &code)?;
    let first = (pool.pages.len() * PER_PAGE) as u32;
    pool.pages.push(Page { code: at, records });
    pool.free.extend(first..first + PER_PAGE as u32);
    Some(())
}

/// The 16 bytes of one slot: `mov r10, imm64; jmp [r10]; int3 x3`.
pub fn slot_code(record: u64) -> [u8; SLOT_BYTES] {
    let mut c = [0xcc; SLOT_BYTES];
    c[0] = 0x49;
    c[1] = 0xba;
    c[2..10].copy_from_slice(&record.to_le_bytes());
    c[10..13].copy_from_slice(&[0x41, 0xff, 0x22]);
    c
}

/// Copies `code` to a new executable mapping of its own (never unmapped).
fn place(mem: &dyn ExecMemory, code: &[u8]) -> Option<usize> {
    let mut r = mem.map(code.len().max(PAGE_BYTES))?;
    // SAFETY: a fresh writable mapping of at least `code.len()` bytes.
    unsafe { core::ptr::copy_nonoverlapping(code.as_ptr(), r.ptr, code.len()) };
    if !mem.protect(&mut r, true) {
        mem.unmap(r);
        return None;
    }
    Some(r.ptr as usize)
}

const GPR: i32 = offset_of!(CallRegs, gpr) as i32;
const SSE: i32 = offset_of!(CallRegs, sse) as i32;
const RET_GPR: i32 = offset_of!(CallRegs, ret_gpr) as i32;
const RET_SSE: i32 = offset_of!(CallRegs, ret_sse) as i32;
const STACK: i32 = offset_of!(CallRegs, stack) as i32;
/// The image, rounded to 16 bytes.
const IMAGE: i32 = (core::mem::size_of::<CallRegs>() as i32 + 15) / 16 * 16;
/// Win64's non-volatile vector registers, saved above the image.
const XMM_SAVE: i32 = 10 * 16;

/// Emits the callback entry of `abi` (see the module docs). It is entered from a slot
/// with `r10` holding the slot's record.
// dynasm's expansion of a register given by number converts it to `u8` again.
#[allow(clippy::useless_conversion)]
pub fn entry(abi: CallAbi) -> CodeBuffer {
    let mut ops = CodeBuffer::new();
    dynasm!(ops
        ; .arch x64
        ; push rbp
        ; mov rbp, rsp
    );
    match abi {
        CallAbi::SysV => {
            dynasm!(ops
                ; .arch x64
                ; sub rsp, IMAGE
                ; mov [rsp + GPR], rdi
                ; mov [rsp + GPR + 8], rsi
                ; mov [rsp + GPR + 16], rdx
                ; mov [rsp + GPR + 24], rcx
                ; mov [rsp + GPR + 32], r8
                ; mov [rsp + GPR + 40], r9
            );
            for i in 0..8 {
                dynasm!(ops ; .arch x64 ; movdqu [rsp + SSE + 16 * i], Rx(i as u8));
            }
        }
        CallAbi::Win64 => {
            // rsi and rdi are non-volatile in Win64 and not in SysV (the helper's
            // convention); so are xmm6-15.
            dynasm!(ops
                ; .arch x64
                ; push rsi
                ; push rdi
                ; sub rsp, IMAGE + XMM_SAVE
            );
            for i in 0..10 {
                dynasm!(ops ; .arch x64 ; movdqu [rsp + IMAGE + 16 * i], Rx((i + 6) as u8));
            }
            dynasm!(ops
                ; .arch x64
                ; mov [rsp + GPR], rcx
                ; mov [rsp + GPR + 8], rdx
                ; mov [rsp + GPR + 16], r8
                ; mov [rsp + GPR + 24], r9
            );
            for i in 0..4 {
                dynasm!(ops ; .arch x64 ; movdqu [rsp + SSE + 16 * i], Rx(i as u8));
            }
        }
    }
    dynasm!(ops
        ; .arch x64
        ; lea rax, [rbp + 16]
        ; mov [rsp + STACK], rax
        ; mov rdi, r10
        ; mov rsi, rsp
        ; call QWORD [r10 + 8]
        ; mov rax, [rsp + RET_GPR]
        ; mov rdx, [rsp + RET_GPR + 8]
        ; movdqu xmm0, [rsp + RET_SSE]
        ; movdqu xmm1, [rsp + RET_SSE + 16]
    );
    if abi == CallAbi::Win64 {
        for i in 0..10 {
            dynasm!(ops ; .arch x64 ; movdqu Rx((i + 6) as u8), [rsp + IMAGE + 16 * i]);
        }
        dynasm!(ops
            ; .arch x64
            ; lea rsp, [rbp - 16]
            ; pop rdi
            ; pop rsi
        );
    } else {
        dynasm!(ops ; .arch x64 ; mov rsp, rbp);
    }
    dynasm!(ops
        ; .arch x64
        ; pop rbp
        ; ret
    );
    ops
}

/// Offsets the entry relies on (checked at compile time).
const _: () = assert!(offset_of!(Slot, entry) == 0 && offset_of!(Slot, helper) == 8);
const _: () = assert!(IMAGE % 16 == 0 && XMM_SAVE % 16 == 0);

/// Where a direct callback entry finds one argument (at most 8 bytes).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ArgFrom {
    /// An integer argument register (SysV order: rdi, rsi, rdx, rcx, r8, r9).
    Gpr(u8),
    /// A vector argument register.
    Sse(u8),
    /// The caller's stack, at this offset from the first stack argument.
    Stack(u32),
}

/// How a direct callback entry pushes one argument into Lua.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum ArgPush {
    /// An integer of 1, 2 or 4 bytes: `lua_pushinteger`.
    Int {
        /// Bytes.
        size: u8,
        /// Signedness.
        signed: bool,
    },
    /// `float` (widened) or `double`: `lua_pushnumber`.
    Float {
        /// 4 or 8.
        size: u8,
    },
    /// `bool`: `lua_pushboolean`.
    Bool,
    /// A 64-bit integer or pointer boxed as a cdata of this type id (`push_boxed`).
    Boxed(u32),
}

/// How a direct callback entry converts the Lua function's result.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum RetConv {
    /// No result.
    Void,
    /// A Lua integer in range (anything else: `slow_result`).
    Int {
        /// Bytes.
        size: u8,
        /// Signedness.
        signed: bool,
    },
    /// A Lua number (anything else: `slow_result`).
    Float {
        /// 4 or 8.
        size: u8,
    },
}

/// A signature the direct entry handles (SysV).
#[derive(Clone, Debug)]
pub struct DirectSpec {
    /// The arguments in order.
    pub args: Vec<(ArgFrom, ArgPush)>,
    /// The result.
    pub ret: RetConv,
}

/// What a direct entry calls and reads: the Lua API of its state's version, ffi's
/// helpers, and the layout of the records it checks.
#[derive(Copy, Clone, Debug)]
pub struct DirectApi {
    /// `lua_checkstack`.
    pub checkstack: usize,
    /// `lua_rawgeti` (normalised: `(L, idx, i64)`).
    pub rawgeti: usize,
    /// `lua_pushinteger`.
    pub pushinteger: usize,
    /// `lua_pushnumber`.
    pub pushnumber: usize,
    /// `lua_pushboolean`.
    pub pushboolean: usize,
    /// `lua_touserdata`.
    pub touserdata: usize,
    /// `lua_call` (normalised: `(L, nargs, nresults)`), or with `callk` the version's own
    /// `lua_callk(L, nargs, nresults, 0, NULL)`.
    pub call: usize,
    /// Whether `call` is `lua_callk`.
    pub callk: bool,
    /// Offsets of `L->top`, `L->ci` and `CallInfo.top`, when confirmed on the running VM:
    /// the entry then calls `lua_checkstack` only when the running C function's limit is
    /// too close.
    pub limit: Option<(i32, i32, i32)>,
    /// `lua_tointegerx` (5.3 meaning).
    pub tointegerx: usize,
    /// `lua_type`.
    pub type_tag: usize,
    /// `lua_tonumberx`.
    pub tonumberx: usize,
    /// `lua_settop`.
    pub settop: usize,
    /// `push_boxed(L, type id, value)`.
    pub push_boxed: usize,
    /// `slow_result(record, L, out: *mut [u64; 2])`: converts the value on top by the
    /// general rules into `out` (the integer and the vector register), or raises.
    pub slow_result: usize,
    /// The pseudo-index of the registry.
    pub registry: i32,
    /// The pseudo-index of upvalue 1 (`CONTEXT`) of the running C function.
    pub context_upvalue: i32,
    /// Offset of the caller record (`l`, then the thread pointer) in the context.
    pub caller: i32,
    /// Offset of the context cell's address in the context.
    pub cell: i32,
    /// The signature's record, passed to `slow_result`.
    pub record: usize,
    /// The type tag byte of a Lua integer when the running VM's stack layout is
    /// confirmed (5.3 and later): the entry then reads an integer result straight from
    /// the stack slot below `L->top` (offset `limit.0`).
    pub int_tag: Option<u8>,
}

const OWNER: i32 = offset_of!(Slot, owner) as i32;
const FUNCTION: i32 = offset_of!(Slot, function) as i32;
/// Frame of a direct entry below its three saved registers (a multiple of 16, so that
/// `rsp` is 16-aligned at calls): argument registers spilled, `isnum`, the result words.
const D_FRAME: i32 = 144;
const D_GPR: i32 = 0;
const D_SSE: i32 = 48;
const D_ISNUM: i32 = 112;
const D_RESULT: i32 = 120;
/// Incoming stack arguments, from `rsp` after the prologue: the frame, three saved
/// registers and the return address.
const D_STACK: i32 = D_FRAME + 24 + 8;
/// The SysV integer argument registers in order.
const GPRS: [u8; 6] = [7, 6, 2, 1, 8, 9];

/// Emits the direct entry of a SysV callback signature (`None` when the signature has an
/// argument the direct entry does not handle):
///
/// ```text
///   direct entry frame                    r12 = slot record, r13 = context, rbx = L
///   ┌────────────────────────┐             owner, a C call running on this thread,
///   │ return address         │               and (for boxed arguments) the running C
///   │ saved rbx r12 r13      │               function's context checked, else ─▶
///   ├────────────────────────┤ rsp+144       generic entry (a freed slot never gets
///   │ result words rsp+120   │               here: `cb:free()` switches its entry)
///   │ isnum        rsp+112   │             lua_checkstack unless L->ci->top leaves
///   │ sse spills   rsp+48    │               room, the function (rawgeti), each
///   │ gpr spills   rsp+0     │               argument pushed, lua_callk; the result
///   └────────────────────────┘ rsp           converted inline (a Lua integer read in
///                                            place) or by slow_result (may raise);
///                                            pop it, restore the caller record, return
/// ```
///
/// The generic entry is reached with the argument registers reloaded and `r10` = the
/// slot, before anything was pushed.
// dynasm's expansion of a register given by number converts it to `u8` again.
#[allow(clippy::useless_conversion)]
pub fn direct_entry(spec: &DirectSpec, api: &DirectApi, generic: usize) -> Option<CodeBuffer> {
    if !cfg!(all(target_arch = "x86_64", target_os = "linux")) || spec.args.len() > 100 {
        return None;
    }
    let mut ops = CodeBuffer::new();
    let n = spec.args.len() as i32;
    let boxes = spec.args.iter().any(|a| matches!(a.1, ArgPush::Boxed(_)));
    macro_rules! call {
        ($label:ident) => {
            dynasm!(ops ; .arch x64 ; call QWORD [>$label])
        };
    }
    dynasm!(ops
        ; .arch x64
        ; push rbx
        ; push r12
        ; push r13
        ; sub rsp, D_FRAME
        ; mov r12, r10
    );
    // The argument registers the signature uses (the others carry nothing it reads).
    let used = |sse: bool| {
        spec.args
            .iter()
            .filter_map(|a| match a.0 {
                ArgFrom::Gpr(i) if !sse => Some(i as i32 + 1),
                ArgFrom::Sse(i) if sse => Some(i as i32 + 1),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    };
    let (ngpr, nsse) = (used(false), used(true));
    for i in 0..ngpr {
        dynasm!(ops ; .arch x64 ; mov [rsp + D_GPR + 8 * i], Rq(GPRS[i as usize]));
    }
    for i in 0..nsse {
        dynasm!(ops ; .arch x64 ; movq [rsp + D_SSE + 8 * i], Rx(i as u8));
    }
    // The checks: a slot of a context with a C call running (else the common entry
    // decides), recorded on this thread. A freed slot runs the common entry instead
    // (`cb:free()` switches it), which raises "bad callback".
    dynasm!(ops
        ; .arch x64
        ; mov r13, [r12 + OWNER]
        ; test r13, r13
        ; jz >generic
        ; mov rbx, [r13 + api.caller]
        ; test rbx, rbx
        ; jz >generic
    );
    // mov rax, fs:[0] (the thread pointer)
    ops.extend([0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0]);
    dynasm!(ops
        ; .arch x64
        ; cmp rax, [r13 + api.caller + 8]
        ; jne >generic
    );
    if let Some((top, ci, ci_top)) = api.limit {
        // Room up to the running C function's limit: no lua_checkstack.
        dynasm!(ops
            ; .arch x64
            ; mov rax, [rbx + ci]
            ; mov rax, [rax + ci_top]
            ; sub rax, [rbx + top]
            ; cmp rax, 16 * (n + 6)
            ; jge >room
        );
    }
    dynasm!(ops ; .arch x64 ; mov rdi, rbx ; mov esi, n + 6);
    call!(t_checkstack);
    dynasm!(ops ; .arch x64 ; test eax, eax ; jz >generic ; room:);
    if boxes {
        // Boxing uses the running C function's upvalues: it must be an ffi closure of
        // this state.
        dynasm!(ops ; .arch x64 ; mov rdi, rbx ; mov esi, api.context_upvalue);
        call!(t_touserdata);
        dynasm!(ops ; .arch x64 ; cmp rax, [r13 + api.cell] ; jne >generic);
    }
    dynasm!(ops
        ; .arch x64
        ; mov rdi, rbx
        ; mov esi, api.registry
        ; mov rdx, [r12 + FUNCTION]
    );
    call!(t_rawgeti);
    for &(from, push) in &spec.args {
        // The argument's place in this frame or the caller's.
        let at = match from {
            ArgFrom::Gpr(i) => D_GPR + 8 * i as i32,
            ArgFrom::Sse(i) => D_SSE + 8 * i as i32,
            ArgFrom::Stack(off) => D_STACK + off as i32,
        };
        dynasm!(ops ; .arch x64 ; mov rdi, rbx);
        match push {
            ArgPush::Int { size, signed } => {
                super::x64::int_to_rsi(&mut ops, size, signed, at);
                call!(t_pushinteger);
            }
            ArgPush::Float { size: 4 } => {
                dynasm!(ops ; .arch x64 ; cvtss2sd xmm0, DWORD [rsp + at]);
                call!(t_pushnumber);
            }
            ArgPush::Float { .. } => {
                dynasm!(ops ; .arch x64 ; movq xmm0, [rsp + at]);
                call!(t_pushnumber);
            }
            ArgPush::Bool => {
                dynasm!(ops
                    ; .arch x64
                    ; xor esi, esi
                    ; cmp BYTE [rsp + at], 0
                    ; setne sil
                );
                call!(t_pushboolean);
            }
            ArgPush::Boxed(ty) => {
                dynasm!(ops ; .arch x64 ; mov rdx, [rsp + at] ; mov esi, ty as i32);
                call!(t_push_boxed);
            }
        }
    }
    let nres = if spec.ret == RetConv::Void { 0 } else { 1 };
    dynasm!(ops ; .arch x64 ; mov rdi, rbx ; mov esi, n ; mov edx, nres);
    if api.callk {
        dynasm!(ops ; .arch x64 ; xor ecx, ecx ; xor r8d, r8d);
    }
    call!(t_call);
    // The result must be a Lua number (lua_tointegerx and lua_tonumberx would convert a
    // numeric string, which LuaJIT refuses): anything else goes to slow_result. Leaves
    // the state and the index of the result in rdi and esi for the conversion.
    let number_result = |ops: &mut CodeBuffer| {
        dynasm!(ops
            ; .arch x64
            ; mov rdi, rbx
            ; mov esi, -1
            ; call QWORD [>t_type]
            ; cmp eax, 3
            ; jne >slow
            ; mov rdi, rbx
            ; mov esi, -1
        );
    };
    match spec.ret {
        RetConv::Void => {}
        RetConv::Int { size, signed } => {
            match (api.limit, api.int_tag) {
                (Some((top, _, _)), Some(tag)) => {
                    // The result's slot is below L->top: a Lua integer is read in place;
                    // anything else (a float, a string...) goes to slow_result.
                    dynasm!(ops
                        ; .arch x64
                        ; mov rcx, [rbx + top]
                        ; cmp BYTE [rcx - 8], tag as i8
                        ; jne >slow
                        ; mov rax, [rcx - 16]
                    );
                }
                _ => {
                    number_result(&mut ops);
                    dynasm!(ops ; .arch x64 ; lea rdx, [rsp + D_ISNUM]);
                    call!(t_tointegerx);
                    dynasm!(ops ; .arch x64 ; cmp DWORD [rsp + D_ISNUM], 0 ; je >slow);
                }
            }
            super::x64::range_check(&mut ops, size, signed, false);
            dynasm!(ops ; .arch x64 ; mov [rsp + D_RESULT], rax ; done:);
        }
        RetConv::Float { size } => {
            number_result(&mut ops);
            dynasm!(ops ; .arch x64 ; xor edx, edx);
            call!(t_tonumberx);
            if size == 4 {
                dynasm!(ops ; .arch x64 ; cvtsd2ss xmm0, xmm0 ; movd [rsp + D_RESULT + 8], xmm0);
            } else {
                dynasm!(ops ; .arch x64 ; movq [rsp + D_RESULT + 8], xmm0);
            }
            dynasm!(ops ; .arch x64 ; done:);
        }
    }
    if spec.ret != RetConv::Void {
        dynasm!(ops ; .arch x64 ; mov rdi, rbx ; mov esi, -2);
        call!(t_settop);
    }
    // The Lua function may have called C from another coroutine: this call goes on (on
    // this thread, checked above).
    dynasm!(ops ; .arch x64 ; mov [r13 + api.caller], rbx);
    match spec.ret {
        RetConv::Void => {}
        RetConv::Int { .. } => dynasm!(ops ; .arch x64 ; mov rax, [rsp + D_RESULT]),
        RetConv::Float { .. } => dynasm!(ops ; .arch x64 ; movq xmm0, [rsp + D_RESULT + 8]),
    }
    // The frame and the saved registers go (before `ret`, and before the jump to the
    // common entry).
    let epilogue = |ops: &mut CodeBuffer| {
        dynasm!(ops
            ; .arch x64
            ; add rsp, D_FRAME
            ; pop r13
            ; pop r12
            ; pop rbx
        )
    };
    epilogue(&mut ops);
    dynasm!(ops ; .arch x64 ; ret);
    if spec.ret != RetConv::Void {
        // Out of line: a result the inline conversion does not take.
        dynasm!(ops
            ; .arch x64
            ; slow:
            ; mov rdi, QWORD api.record as i64
            ; mov rsi, rbx
            ; lea rdx, [rsp + D_RESULT]
        );
        call!(t_slow_result);
        dynasm!(ops ; .arch x64 ; jmp <done);
    }
    dynasm!(ops ; .arch x64 ; generic:);
    for i in 0..ngpr {
        dynasm!(ops ; .arch x64 ; mov Rq(GPRS[i as usize]), [rsp + D_GPR + 8 * i]);
    }
    for i in 0..nsse {
        dynasm!(ops ; .arch x64 ; movq Rx(i as u8), [rsp + D_SSE + 8 * i]);
    }
    dynasm!(ops ; .arch x64 ; mov r10, r12);
    epilogue(&mut ops);
    dynasm!(ops
        ; .arch x64
        ; jmp QWORD [>t_generic]
        ; .align 8
        ; t_checkstack: ; .u64 api.checkstack as u64
        ; t_rawgeti: ; .u64 api.rawgeti as u64
        ; t_pushinteger: ; .u64 api.pushinteger as u64
        ; t_pushnumber: ; .u64 api.pushnumber as u64
        ; t_pushboolean: ; .u64 api.pushboolean as u64
        ; t_touserdata: ; .u64 api.touserdata as u64
        ; t_push_boxed: ; .u64 api.push_boxed as u64
        ; t_call: ; .u64 api.call as u64
        ; t_tointegerx: ; .u64 api.tointegerx as u64
        ; t_type: ; .u64 api.type_tag as u64
        ; t_tonumberx: ; .u64 api.tonumberx as u64
        ; t_settop: ; .u64 api.settop as u64
        ; t_slow_result: ; .u64 api.slow_result as u64
        ; t_generic: ; .u64 generic as u64
    );
    Some(ops)
}

/// The common entry of `abi` (emitted on first use), for a direct entry to fall back to.
pub fn common_entry(mem: &dyn ExecMemory, abi: CallAbi) -> Option<usize> {
    POOL.with(|pool| {
        let e = (abi == CallAbi::Win64) as usize;
        if pool.entries[e] == 0 {
            let code = entry(abi).link().ok()?;
            pool.entries[e] = place(mem, &code)?;
        }
        Some(pool.entries[e])
    })
}

#[cfg(all(test, feature = "std", target_arch = "x86_64", target_os = "linux"))]
mod tests;
