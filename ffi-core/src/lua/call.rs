//! Lua→C calls: calling a function cdata (`ffi.C.f(...)`, `lib.f(...)`, a function
//! pointer) by LuaJIT's rules (`doc/ext_ffi_semantics.html`, "Calling C functions").
//!
//! The call is planned once per signature ([`crate::abi`]), then each call runs in three
//! steps of the `__call` body, with the registers in the entry point's [`CallScratch`]:
//!
//! ```text
//!   __call entry frame (Rust)                       CallScratch (plain bytes, 4 KiB)
//!   ┌────────────────────────────┐                  ┌────────────────────────────────┐
//!   │ run_with(body, &scratch)   │  step 0: convert │ CallRegs: argument registers,  │
//!   │   body step 0 ─────────────┼─────────────────▶│   result registers, target...  │
//!   │   Action::CCall            │                  │ outgoing stack image           │
//!   │     errno ← saved          │  stub(regs) ────▶│ by-reference copies (Win64)    │
//!   │     call stub ──▶ C fn     │                  │ result buffer (hidden pointer) │
//!   │     saved ← errno          │                  │ argument conversion temp       │
//!   │   body step 1: result ◀────┼──────────────────┤                                │
//!   └────────────────────────────┘                  └────────────────────────────────┘
//! ```
//!
//! Strings passed as `const char *` stay on the Lua stack (arguments) for the whole call.
//! The stub and the frames around the call own nothing, so a Lua error raised inside the
//! callee (by a callback) may cross them.

use super::convert::{self, Mode, ToLua};
use super::frame::{Action, Frame, Next, Outcome, Raise, Step};
use crate::abi::{self, CallPlan, Loc, Pass, RetPlan};
use crate::ctype::{CTypeId, FuncDef, Kind};
use crate::emit::memory::CodeArena;
use crate::emit::x64::{self, CallRegs, CallStub};
use crate::error::Error;
use crate::luaapi::{CFunction, Host, Lua, LuaType, Vm};
use crate::table::ids;
use crate::target::CallAbi;
use alloc::format;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::ffi::c_int;
use core::mem::MaybeUninit;
use core::ptr::NonNull;
use hashbrown::{HashMap, HashSet};

/// Bytes of scratch memory a call may use.
pub(crate) const SCRATCH_BYTES: usize = 4096;

/// The memory one call is prepared in (see the module docs): plain, 16-aligned bytes in
/// the `__call` entry point's frame.
#[repr(C, align(16))]
pub(crate) struct CallScratch {
    bytes: [MaybeUninit<u8>; SCRATCH_BYTES],
}

impl CallScratch {
    /// Uninitialised scratch memory (only what a call writes is read).
    #[inline(always)]
    pub fn new() -> CallScratch {
        CallScratch { bytes: [MaybeUninit::uninit(); SCRATCH_BYTES] }
    }
}

/// The upvalue of a call closure that holds its function cdata (after the ffi upvalues).
pub(crate) const FUNCTION_UPVALUE: c_int = super::upvalues::COUNT + 1;

/// The per-state call machinery: plans per signature, the call stubs, the call closures'
/// functions and the code they live in.
#[derive(Default)]
pub(crate) struct Calls {
    /// Plans by (function type, number of declared parameters).
    plans: HashMap<(CTypeId, u32), Rc<CallPlan>>,
    /// Fast thunks by (function type, address).
    thunks: HashMap<(CTypeId, usize), CFunction>,
    /// Every C function a call closure may have (thunks and the general entry), to tell
    /// call closures from other C functions.
    entries: HashSet<usize>,
    /// The VM's stack layout as probed (outer `None`: not probed yet).
    layout: Option<Option<x64::StackLayout>>,
    /// The SysV and Win64 call stubs, once emitted.
    stubs: [Option<CallStub>; 2],
    /// The code pages.
    arena: Option<CodeArena<Host>>,
}

impl Calls {
    /// Whether `f` is the function of a call closure.
    pub fn is_call_closure(&self, f: CFunction) -> bool {
        self.entries.contains(&(f as usize))
    }
}

/// The phase of the `__call` body that reads the result (its `ty` is the plan's key).
pub(crate) const PHASE_RESULT: u8 = 100;
/// The phase that copies an aggregate result into the new cdata on top.
const PHASE_COPY: u8 = 101;
/// The same two phases for a call closure (arguments from 1, the function cdata in an
/// upvalue).
const PHASE_RESULT_CLOSURE: u8 = 110;
const PHASE_COPY_CLOSURE: u8 = 111;
/// The phase after the result cdata of a hidden-pointer result was made (it is on top).
const PHASE_HIDDEN: u8 = 102;
const PHASE_HIDDEN_CLOSURE: u8 = 112;

/// Where each part of a planned call lives in the scratch memory.
struct Layout {
    stack: usize,
    copies: usize,
    ret: usize,
    temp: usize,
    end: usize,
}

impl Layout {
    fn of(plan: &CallPlan) -> Layout {
        let r16 = |n: usize| n.div_ceil(16) * 16;
        let stack = core::mem::size_of::<CallRegs>().div_ceil(16) * 16;
        let copies = stack + plan.stack_bytes as usize;
        let ret = copies + plan.copy_bytes as usize;
        // A hidden-pointer result is written straight into its cdata.
        let ret_bytes = if matches!(plan.ret, RetPlan::Hidden(_)) { 0 } else { plan.ret_size };
        let temp = ret + r16(ret_bytes as usize);
        let widest = plan.args.iter().map(|a| a.size as usize).max().unwrap_or(0);
        Layout { stack, copies, ret, temp, end: temp + r16(widest.max(16)) }
    }
}

/// The function type and address of a callable cdata type at `p`, if it is one.
pub(crate) fn callable(
    tt: &crate::table::CTypeTable,
    ty: CTypeId,
    p: *const u8,
) -> Option<(CTypeId, usize)> {
    let fty = match tt.get(ty).kind {
        Kind::Func(_) => ty,
        Kind::Ptr(to) if matches!(tt.get(to).kind, Kind::Func(_)) => to,
        _ => return None,
    };
    // SAFETY: function and function-pointer cdata hold an address in their payload.
    Some((fty, unsafe { p.cast::<usize>().read_unaligned() }))
}

/// The function type and address of the function (or function-pointer) cdata at `idx`,
/// if that is what it holds (a ctype object is not).
pub(crate) fn function_at<V: Vm>(frame: &mut Frame<V>, idx: c_int) -> Option<(CTypeId, usize)> {
    let cd = frame.cdata(idx).filter(|c| !c.is_ctype())?;
    let tt = frame.types();
    let (ty, p) = cd.data(tt);
    callable(tt, ty, p)
}

/// The type a vararg value is passed as (LuaJIT's promotions: numbers as `double`,
/// strings as `const char *`, booleans as `bool`, `float` cdata as `double`, arrays and
/// references as pointers to their element, structs and functions as pointers to them,
/// other cdata as their own type, anything else as `void *`).
fn vararg_type<V: Vm>(frame: &mut Frame<V>, idx: c_int) -> CTypeId {
    if let Some(cd) = frame.cdata(idx) {
        let tt = frame.types();
        let ty = cd.ty();
        return match tt.get(ty).kind {
            Kind::Array(e, _) | Kind::Ref(e) => tt.ptr_to(e),
            Kind::Struct(_) | Kind::Func(_) => tt.ptr_to(ty),
            Kind::Float(crate::ctype::FloatKind::Float) => ids::DOUBLE,
            _ => ty,
        };
    }
    match frame.stack.type_of(idx) {
        LuaType::Number => ids::DOUBLE,
        LuaType::String => ids::PCCHAR,
        LuaType::Boolean => ids::BOOL,
        _ => ids::PVOID,
    }
}

/// Step 0 of calling the function cdata at 1 (type `fty`, address `addr`) with the
/// arguments above it.
///
/// # Safety
/// Called by `run_with` from the `__call` entry point (the frame has scratch memory).
pub(crate) unsafe fn start<V: Vm>(
    frame: &mut Frame<V>,
    fty: CTypeId,
    addr: usize,
    base: c_int,
) -> Result<Outcome, Raise> {
    if addr == 0 {
        return Err(Error::new("attempt to call a NULL function pointer").into());
    }
    if cfg!(not(target_arch = "x86_64")) {
        return Err(Error::new("NYI: C calls on this architecture (x86-64 only)").into());
    }
    let tt = frame.types();
    let Kind::Func(fid) = tt.get(fty).kind else {
        return Err(Error::new("cdata is not a function").into());
    };
    let def = tt.func(fid);
    let (nfixed, variadic, ret, conv) = (def.params.len(), def.variadic, def.ret, def.conv);
    let nargs = (frame.stack.top() - (base - 1)).max(0) as usize;
    if nargs < nfixed || (!variadic && nargs > nfixed) {
        return Err(Error::new("wrong number of arguments for function call").into());
    }
    let key = if nargs > nfixed {
        let mut params: Vec<CTypeId> = frame.types().func(fid).params.clone();
        for idx in (nfixed + base as usize)..(nargs + base as usize) {
            let t = vararg_type(frame, idx as c_int);
            params.push(t);
        }
        frame.types().func_type(FuncDef { ret, params, variadic: true, conv })
    } else {
        fty
    };
    let plan = plan_for(frame, key, nfixed)?;
    if let RetPlan::Hidden(_) = plan.ret {
        // The callee writes the result through a pointer: make the result cdata first
        // and pass its payload (the object stays on the stack above the arguments).
        let phase = if base == 1 { PHASE_HIDDEN_CLOSURE } else { PHASE_HIDDEN };
        return Ok(new_result(frame, &plan, Step { phase, ty: key }));
    }
    // SAFETY: the caller's contract.
    unsafe { marshal(frame, &plan, key, addr, base, None) }
}

/// Asks `run` for a new cdata of the plan's result type, then to resume at `next`.
fn new_result<V: Vm>(frame: &mut Frame<V>, plan: &CallPlan, next: Step) -> Outcome {
    let ty = frame.types().unqualified(plan.ret_ty);
    let (size, align) = (plan.ret_size as usize, plan.ret_align as usize);
    Outcome::Then(Action::NewCdata { ty, size, align, nelem: 0 }, Next::Resume(next))
}

/// Converts the arguments into the scratch as `plan` says and asks `run` for the call;
/// `result` is the payload of the result cdata for a hidden-pointer result.
///
/// # Safety
/// As for [`start`].
unsafe fn marshal<V: Vm>(
    frame: &mut Frame<V>,
    plan: &CallPlan,
    key: CTypeId,
    addr: usize,
    base: c_int,
    result: Option<*mut u8>,
) -> Result<Outcome, Raise> {
    let stub = stub_for::<V>(frame, plan.abi)?;
    let layout = Layout::of(plan);
    if layout.end > SCRATCH_BYTES {
        return Err(Error::new("NYI: C call with more than 4 KiB of arguments").into());
    }
    let Some(scratch) = frame.scratch else {
        return Err(Error::new("internal error in ffi (call without scratch)").into());
    };
    let mem = scratch.as_ptr() as *mut u8;
    // SAFETY: the scratch is SCRATCH_BYTES >= `layout.end` bytes of this entry point's
    // frame; zeroing it makes every byte a call reads initialised.
    unsafe { core::ptr::write_bytes(mem, 0, layout.end) };
    let (regs, mut area) = scratch_parts(scratch, &layout);
    let (stack, rest) = core::mem::take(&mut area).split_at_mut(layout.copies - layout.stack);
    let (copies, rest) = rest.split_at_mut(layout.ret - layout.copies);
    let (ret_buf, temp) = rest.split_at_mut(layout.temp - layout.ret);
    for (i, (a, copy)) in plan.args.iter().zip(plan.copy_offsets()).enumerate() {
        let idx = i as c_int + base;
        temp.fill(0);
        // SAFETY: the temp area holds the widest argument (at least 16 bytes).
        match unsafe { convert::to_c(frame, idx, a.ty, temp.as_mut_ptr(), Mode::Implicit) } {
            Ok(()) => {}
            Err(Raise::Message(e)) => {
                // LuaJIT names the function as the calling code did ('?' for none).
                let name = frame.stack.running_name().unwrap_or_else(|| "?".into());
                let m = format!("bad argument #{} to '{name}' ({})", i + 1, e.message());
                return Err(Error::new(m).into());
            }
            Err(e) => return Err(e),
        }
        let wide = widen(frame, a.ty, temp);
        let value = &temp[..a.size as usize];
        match &a.pass {
            Pass::Ignore => {}
            // An integer fills its whole 8-byte register or stack slot, extended.
            Pass::Value(pieces) if wide && pieces.len() == 1 => {
                put(regs, stack, pieces[0].loc, &temp[..8])
            }
            Pass::Value(pieces) => {
                for p in pieces {
                    let bytes = &value[p.offset as usize..(p.offset + p.size) as usize];
                    put(regs, stack, p.loc, bytes);
                }
            }
            Pass::Memory(off) => {
                stack[*off as usize..*off as usize + value.len()].copy_from_slice(value);
            }
            Pass::Reference(loc) => {
                let at = copy.unwrap_or(0) as usize;
                copies[at..at + value.len()].copy_from_slice(value);
                let address = copies[at..].as_ptr() as u64;
                put(regs, stack, *loc, &address.to_le_bytes());
            }
        }
        if let Some(g) = a.shadow_gpr {
            let mut w = [0u8; 8];
            w.copy_from_slice(&temp[..8]);
            regs.gpr[g as usize] = u64::from_le_bytes(w);
        }
    }
    if let RetPlan::Hidden(g) = plan.ret {
        regs.gpr[g as usize] = result.unwrap_or(ret_buf.as_mut_ptr()) as u64;
    }
    regs.target = addr as u64;
    regs.nsse = plan.sses as u64;
    regs.stack_bytes = plan.stack_bytes as u64;
    regs.stack = stack.as_ptr() as u64;
    let regs = regs as *mut CallRegs;
    let errno = &mut frame.ctx().errno as *mut c_int;
    let caller = &mut frame.ctx().caller as *mut super::callback::Caller;
    Ok(Outcome::Then(
        Action::CCall { stub, regs, errno, caller },
        Next::Resume(Step {
            phase: if base == 1 { PHASE_RESULT_CLOSURE } else { PHASE_RESULT },
            ty: key,
        }),
    ))
}

/// Integers narrower than a register are passed sign- or zero-extended to 64 bits (the
/// psABI leaves the upper bits unspecified, but compilers rely on the extension to 32),
/// and `bool` as 0 or 1.
pub(crate) fn widen<V: Vm>(frame: &mut Frame<V>, ty: CTypeId, temp: &mut [u8]) -> bool {
    use crate::cvalue::{ScalarKind, TypeClass};
    let tt = frame.types();
    if matches!(tt.get(ty).kind, Kind::Ref(_)) {
        // A reference travels as the address it holds.
        return false;
    }
    let class = TypeClass::of(tt, ty);
    if let (TypeClass::Int(..) | TypeClass::Bool, Some(kind)) =
        (class, ScalarKind::from_class(class))
    {
        if temp.len() >= 8 {
            // SAFETY: `temp` holds a value of `ty` (at most 8 bytes) in its first bytes.
            let v = unsafe { kind.load(temp.as_ptr()) }.to_i64();
            temp[..8].copy_from_slice(&v.to_le_bytes());
            return true;
        }
    }
    false
}

/// The register image at the start of the scratch and the bytes after it (up to
/// `layout.end`), as two disjoint safe views.
fn scratch_parts<'a>(
    scratch: NonNull<CallScratch>,
    layout: &Layout,
) -> (&'a mut CallRegs, &'a mut [u8]) {
    let mem = scratch.as_ptr() as *mut u8;
    // SAFETY: the scratch is 16-aligned (CallRegs needs 8) and starts with room for a
    // CallRegs (`layout.stack` >= its size), all initialised by step 0's zeroing and
    // writes; the caller holds no other view of it while these live.
    let regs = unsafe { &mut *(mem as *mut CallRegs) };
    let rest = mem.wrapping_add(layout.stack);
    // SAFETY: bytes `layout.stack .. layout.end` of the scratch (inside its SCRATCH_BYTES,
    // initialised as above) do not overlap the register image.
    let area = unsafe { core::slice::from_raw_parts_mut(rest, layout.end - layout.stack) };
    (regs, area)
}

/// Writes `bytes` (at most 16) to location `loc`: the low bytes of a register slot, or
/// the stack image at an offset.
fn put(regs: &mut CallRegs, stack: &mut [u8], loc: Loc, bytes: &[u8]) {
    match loc {
        Loc::Gpr(i) => {
            let mut w = regs.gpr[i as usize].to_le_bytes();
            w[..bytes.len().min(8)].copy_from_slice(&bytes[..bytes.len().min(8)]);
            regs.gpr[i as usize] = u64::from_le_bytes(w);
        }
        Loc::Sse(i) => {
            let r = &mut regs.sse[i as usize];
            let mut w = [0u8; 16];
            w[..8].copy_from_slice(&r[0].to_le_bytes());
            w[8..].copy_from_slice(&r[1].to_le_bytes());
            w[..bytes.len().min(16)].copy_from_slice(&bytes[..bytes.len().min(16)]);
            r[0] = u64::from_le_bytes(w[..8].try_into().unwrap_or_default());
            r[1] = u64::from_le_bytes(w[8..].try_into().unwrap_or_default());
        }
        Loc::Stack(off) => {
            let off = off as usize;
            stack[off..off + bytes.len()].copy_from_slice(bytes);
        }
    }
}

/// The bytes of result register `loc` (rax/rdx or xmm0/xmm1 after the call).
fn result_bytes(regs: &CallRegs, loc: Loc) -> [u8; 16] {
    let mut w = [0u8; 16];
    match loc {
        Loc::Gpr(i) => w[..8].copy_from_slice(&regs.ret_gpr[i as usize & 1].to_le_bytes()),
        Loc::Sse(i) => {
            let r = regs.ret_sse[i as usize & 1];
            w[..8].copy_from_slice(&r[0].to_le_bytes());
            w[8..].copy_from_slice(&r[1].to_le_bytes());
        }
        Loc::Stack(_) => {}
    }
    w
}

/// The cached plan of `key` (planned now if new).
pub(crate) fn plan_for<V: Vm>(
    frame: &mut Frame<V>,
    key: CTypeId,
    nfixed: usize,
) -> Result<Rc<CallPlan>, Raise> {
    let ctx = frame.ctx();
    if let Some(p) = ctx.calls.plans.get(&(key, nfixed as u32)) {
        return Ok(p.clone());
    }
    let tt = &ctx.types;
    let Kind::Func(fid) = tt.get(key).kind else {
        return Err(Error::new("cdata is not a function").into());
    };
    let def = tt.func(fid);
    let conv = abi::call_abi(tt, def);
    // x86-32 conventions (`__stdcall`, `__fastcall`, ...) mean nothing on x86-64: the
    // default applies, as for gcc.
    let plan = Rc::new(abi::plan(tt, def, nfixed, conv)?);
    ctx.calls.plans.insert((key, nfixed as u32), plan.clone());
    Ok(plan)
}

/// The call stub of `abi`, emitted on first use.
fn stub_for<V: Vm>(frame: &mut Frame<V>, abi: CallAbi) -> Result<CallStub, Raise> {
    let i = (abi == CallAbi::Win64) as usize;
    let calls = &mut frame.ctx().calls;
    if let Some(s) = calls.stubs[i] {
        return Ok(s);
    }
    let code = x64::call_stub(abi)
        .link()
        .map_err(|e| Error::new(format!("internal error in ffi (emitter: {})", e.0)))?;
    let p = place_code::<V>(calls, &code)?;
    // SAFETY: `p` is the stub just placed in executable memory, with `CallStub`'s
    // signature.
    let stub: CallStub = unsafe { core::mem::transmute::<*const u8, CallStub>(p) };
    calls.stubs[i] = Some(stub);
    Ok(stub)
}

/// The steps after the call: the result, from the registers or the result buffer.
///
/// # Safety
/// Called by `run_with` from the `__call` entry point after step 0's call.
pub(crate) unsafe fn resume<V: Vm>(frame: &mut Frame<V>, step: Step) -> Result<Outcome, Raise> {
    let Some(scratch) = frame.scratch else {
        return Err(Error::new("internal error in ffi (call without scratch)").into());
    };
    // Step 0 planned the call: the function cdata tells its declared parameters.
    let closure = step.phase >= PHASE_RESULT_CLOSURE;
    // (PHASE_HIDDEN_CLOSURE and PHASE_COPY_CLOSURE are above PHASE_RESULT_CLOSURE too.)
    let at_fn = if closure { frame.stack.upvalue(FUNCTION_UPVALUE) } else { 1 };
    let Some((fty, addr)) = function_at(frame, at_fn) else {
        return Err(Error::new("internal error in ffi (function cdata)").into());
    };
    let nfixed = match frame.types().get(fty).kind {
        Kind::Func(fid) => frame.types().func(fid).params.len(),
        _ => 0,
    };
    let plan = plan_for(frame, step.ty, nfixed)?;
    if step.phase == PHASE_HIDDEN || step.phase == PHASE_HIDDEN_CLOSURE {
        let Some(result) = frame.cdata(-1).map(|c| c.payload()) else {
            return Err(Error::new("internal error in ffi (result cdata)").into());
        };
        let base = if closure { 1 } else { 2 };
        // SAFETY: the caller's contract; the result cdata stays on the stack.
        return unsafe { marshal(frame, &plan, step.ty, addr, base, Some(result)) };
    }
    let layout = Layout::of(&plan);
    let (regs, area) = scratch_parts(scratch, &layout);
    let ret = &mut area[layout.ret - layout.stack..layout.temp - layout.stack];
    if step.phase == PHASE_COPY || step.phase == PHASE_COPY_CLOSURE {
        // The new cdata is on top: copy the result into it.
        let Some(cd) = frame.cdata(-1) else {
            return Err(Error::new("internal error in ffi (result cdata)").into());
        };
        let n = (plan.ret_size as usize).min(ret.len());
        // SAFETY: the new cdata has the result type's size (`n` bytes); the buffer is
        // Rust memory apart from it.
        unsafe { core::ptr::copy_nonoverlapping(ret.as_ptr(), cd.payload(), n) };
        return Ok(Outcome::Return(1));
    }
    match &plan.ret {
        RetPlan::Void => return Ok(Outcome::Return(0)),
        // The result cdata made before the call is on top.
        RetPlan::Hidden(_) => return Ok(Outcome::Return(1)),
        RetPlan::Value(pieces) => {
            for p in pieces {
                let w = result_bytes(regs, p.loc);
                let (o, n) = (p.offset as usize, p.size as usize);
                ret[o..o + n].copy_from_slice(&w[..n]);
            }
        }
    }
    let ret = ret.as_ptr();
    let tt = frame.types();
    let rty = plan.ret_ty;
    if let Kind::Ref(_) = tt.get(rty).kind {
        // A reference result is the address returned, boxed as a reference cdata (as
        // LuaJIT returns `cdata<char &>`).
        // SAFETY: the result buffer holds the returned pointer (8 bytes).
        let addr = unsafe { ret.cast::<usize>().read_unaligned() };
        let u = tt.unqualified(rty);
        return Ok(Outcome::Then(
            Action::Box(super::cdata::Boxed::address(u, addr)),
            Next::Return(1),
        ));
    }
    match tt.get(rty).kind {
        Kind::Struct(_) | Kind::Vector(..) => {
            let phase = if closure { PHASE_COPY_CLOSURE } else { PHASE_COPY };
            Ok(new_result(frame, &plan, Step { phase, ty: step.ty }))
        }
        // SAFETY: the buffer holds the result of type `rty`.
        _ => match unsafe { convert::to_lua(frame, rty, ret)? } {
            ToLua::Pushed => Ok(Outcome::Return(1)),
            ToLua::Box(b) => Ok(Outcome::Then(Action::Box(b), Next::Return(1))),
        },
    }
}

/// The `__call` entry point: [`super::meta::call`] with scratch memory in this frame.
///
/// # Safety
/// Called by Lua as a closure made by `open`.
pub(crate) unsafe extern "C-unwind" fn mm_call<V: Vm>(l: *mut crate::luaapi::lua_State) -> c_int {
    let mut scratch = CallScratch::new();
    let scratch = Some(NonNull::from(&mut scratch));
    // SAFETY: Lua calls this closure with a live state of V's version and the upvalues
    // `run_with` reads; the scratch lives in this frame until the body is done.
    unsafe { super::frame::run_with::<V>(l, super::meta::call, scratch) }
}

/// Copies `code` into the state's executable memory.
pub(crate) fn place_code<V: Vm>(calls: &mut Calls, code: &[u8]) -> Result<*const u8, Raise> {
    let arena = calls.arena.get_or_insert_with(|| CodeArena::new(V::api().host));
    Ok(arena.place(code).ok_or_else(|| Error::new("cannot allocate executable memory"))?)
}

/// The general entry of call closures: the call closure's function when its signature
/// has no fast thunk, and every fast thunk's slow path.
///
/// # Safety
/// Called by Lua as a call closure (ffi upvalues, then the function cdata).
pub(crate) unsafe extern "C-unwind" fn call_closure<V: Vm>(
    l: *mut crate::luaapi::lua_State,
) -> c_int {
    let mut scratch = CallScratch::new();
    let scratch = Some(NonNull::from(&mut scratch));
    // SAFETY: Lua calls this closure with a live state of V's version and the upvalues
    // `run_with` reads; the scratch lives in this frame until the body is done.
    unsafe { super::frame::run_with::<V>(l, closure_body, scratch) }
}

/// The body of [`call_closure`].
///
/// # Safety
/// Called by `run_with` from [`call_closure`].
unsafe fn closure_body<V: Vm>(frame: &mut Frame<V>, step: Step) -> Result<Outcome, Raise> {
    if step.phase >= PHASE_RESULT {
        // SAFETY: the caller's contract.
        return unsafe { resume(frame, step) };
    }
    let up = frame.stack.upvalue(FUNCTION_UPVALUE);
    let Some((fty, addr)) = function_at(frame, up) else {
        return Err(Error::new("internal error in ffi (call closure)").into());
    };
    // SAFETY: the caller's contract: a call closure's entry has scratch memory.
    unsafe { start(frame, fty, addr, 1) }
}

/// The C function for a call closure of the function `fty` at `addr`: a fast thunk when
/// every argument and the result have an inline conversion, else the general entry.
pub(crate) fn closure_function<V: Vm>(
    frame: &mut Frame<V>,
    fty: CTypeId,
    addr: usize,
) -> Result<CFunction, Raise> {
    let general = call_closure::<V> as CFunction;
    frame.ctx().calls.entries.insert(general as usize);
    if let Some(&f) = frame.ctx().calls.thunks.get(&(fty, addr)) {
        return Ok(f);
    }
    let Some(spec) = thunk_spec(frame, fty, addr) else { return Ok(general) };
    let errno_slot = &mut frame.ctx().errno as *mut c_int as usize;
    let ops = &V::api().ops;
    let api = x64::ThunkApi {
        gettop: ops.gettop as usize,
        type_tag: ops.type_tag as usize,
        tointegerx: ops.tointegerx as usize,
        tonumberx: ops.tonumberx as usize,
        toboolean: ops.toboolean as usize,
        tolstring: ops.tolstring as usize,
        pushinteger: ops.pushinteger as usize,
        pushnumber: ops.pushnumber as usize,
        pushboolean: ops.pushboolean as usize,
        push_boxed: push_boxed_word::<V> as *const () as usize,
        push_agg: push_agg_bytes::<V> as *const () as usize,
        cdata_arg: cdata_arg_word::<V> as *const () as usize,
        errno_location: V::api().host.errno_location as usize,
        // SAFETY: the host's errno_location answers the calling thread's errno.
        errno_tls: x64::errno_tls_offset(unsafe { (V::api().host.errno_location)() }),
        errno_slot,
        caller: &mut frame.ctx().caller as *mut super::callback::Caller as usize,
        slow: general as usize,
        stack: stack_layout(frame)?,
    };
    let Some(code) = x64::fast_thunk(&spec, &api) else { return Ok(general) };
    let code =
        code.link().map_err(|e| Error::new(format!("internal error in ffi (emitter: {})", e.0)))?;
    let calls = &mut frame.ctx().calls;
    let p = place_code::<V>(calls, &code)?;
    // SAFETY: `p` is the thunk just placed in executable memory: a `lua_CFunction`.
    let f: CFunction = unsafe { core::mem::transmute::<*const u8, CFunction>(p) };
    calls.entries.insert(f as usize);
    calls.thunks.insert((fty, addr), f);
    Ok(f)
}

/// Whether fast thunks may read arguments straight from the Lua stack (see
/// [`set_stack_probe`]).
static STACK_PROBE: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(true);

/// Turns off (or on again) the fast thunks' direct reads of the Lua stack for states
/// that make their first call thunk afterwards: their thunks then read every argument
/// through the Lua API (`lua_type`, `lua_tointegerx`, ...). For tests of that path, and
/// for hosts whose Lua is built with a modified `lua_State`.
pub fn set_stack_probe(enabled: bool) {
    STACK_PROBE.store(enabled, core::sync::atomic::Ordering::Relaxed);
}

/// The Lua VM's stack layout (probed once per state; `None` when the probe fails: the
/// thunks then read arguments through the API only).
pub(crate) fn stack_layout<V: Vm>(frame: &mut Frame<V>) -> Result<Option<x64::StackLayout>, Raise> {
    if let Some(l) = frame.ctx().calls.layout {
        return Ok(l);
    }
    let l = probe_layout(frame)?;
    frame.ctx().calls.layout = Some(l);
    Ok(l)
}

/// The argument layout of `lua_State` in each version's `lstate.h`/`lobject.h` (64-bit):
/// `L->top` at 16 after `CommonHeader` and the status bytes; 5.1 keeps `L->base` at 24,
/// later versions `L->ci` at 32 with `CallInfo.func` first; a `TValue` is the 8-byte
/// value then the tag (5.3: integers 19, floats 3; 5.4 and 5.5: integers 3, floats 19).
fn layout_of_version(version: c_int) -> Option<x64::StackLayout> {
    use x64::{ArgBase, StackLayout};
    let (base, int_tag, float_tag) = match version {
        501 => (ArgBase::Base(24), None, 3),
        502 => (ArgBase::CiFunc(32, 0), None, 3),
        503 => (ArgBase::CiFunc(32, 0), Some(19), 3),
        504 | 505 => (ArgBase::CiFunc(32, 0), Some(3), 19),
        _ => return None,
    };
    (cfg!(target_pointer_width = "64")).then_some(StackLayout { top: 16, base, int_tag, float_tag })
}

/// Where the running C function's stack limit is: (`L->ci`, `CallInfo.top`) offsets of
/// each version's `lstate.h` (64-bit), checked against the running VM (the limit is at
/// or above `L->top`, a whole number of slots away), given a layout the probe confirmed.
/// Lua keeps the stack allocated up to `ci->top` for a C function: that many slots may be
/// pushed without `lua_checkstack`.
pub(crate) fn ci_top_layout<V: Vm>(frame: &mut Frame<V>) -> Result<Option<(i32, i32)>, Raise> {
    let Some(layout) = stack_layout(frame)? else { return Ok(None) };
    let offsets = match V::api().version {
        501 => (40, 16),
        502..=505 => (32, 8),
        _ => return Ok(None),
    };
    let l = frame.stack.lua_state() as *const u8;
    let word = |p: *const u8, off: i32| -> usize {
        // SAFETY: `p` is the lua_State or its CallInfo (confirmed pointers: the probe
        // checked the layout's offsets), whose fields at these offsets are pointers.
        unsafe { p.wrapping_offset(off as isize).cast::<usize>().read_unaligned() }
    };
    let ci = word(l, offsets.0);
    if ci == 0 || ci % 8 != 0 {
        return Ok(None);
    }
    let (limit, top) = (word(ci as *const u8, offsets.1), word(l, layout.top));
    let ok = limit >= top && (limit - top) % 16 == 0 && limit - top <= 16 * 1_000_000;
    Ok(ok.then_some(offsets))
}

/// Checks the version's layout against the running VM: with an integer and a float
/// pushed, the stack seen through the layout must hold exactly this frame's values, with
/// the tags `lua_type` reports and the numbers pushed.
fn probe_layout<V: Vm>(frame: &mut Frame<V>) -> Result<Option<x64::StackLayout>, Raise> {
    const INT: i64 = 0x1234_5678_9ABC;
    if !STACK_PROBE.load(core::sync::atomic::Ordering::Relaxed) {
        return Ok(None);
    }
    let Some(layout) = layout_of_version(V::api().version) else { return Ok(None) };
    frame.stack.reserve(2)?;
    frame.stack.push_integer(INT);
    frame.stack.push_number(0.625);
    let n = frame.stack.top();
    let l = frame.stack.lua_state() as *const u8;
    let word = |p: *const u8, off: i32| -> usize {
        // SAFETY: `p` is the lua_State or a CallInfo the layout names, whose fields at
        // these offsets are pointers (checked by the tags and values below).
        unsafe { p.wrapping_offset(off as isize).cast::<usize>().read_unaligned() }
    };
    let first = match layout.base {
        x64::ArgBase::Base(off) => word(l, off),
        x64::ArgBase::CiFunc(ci, func) => {
            let ci = word(l, ci);
            if ci == 0 || ci % 8 != 0 {
                0
            } else {
                word(ci as *const u8, func).wrapping_add(16)
            }
        }
    };
    let top = word(l, layout.top);
    let mut ok = first != 0 && first % 8 == 0 && top >= first && top - first == 16 * n as usize;
    let slot = |i: c_int| (first + 16 * (i as usize - 1)) as *const u8;
    // The tag byte and the 8-byte value of slot `i`.
    let read = |i: c_int| -> (u8, u64) {
        let p = slot(i);
        // SAFETY: slots 1..n lie between the frame's first argument and L->top (checked
        // before any read): live stack memory of 16 bytes each.
        let tag = unsafe { p.wrapping_add(8).read() };
        // SAFETY: as above.
        let value = unsafe { p.cast::<u64>().read_unaligned() };
        (tag, value)
    };
    for i in 1..=n {
        if !ok {
            break;
        }
        ok = (read(i).0 & 0x0f) as c_int == frame.stack.type_of(i) as c_int;
    }
    if ok {
        let (ti, vi) = read(n - 1);
        let (tf, vf) = read(n);
        ok = match layout.int_tag {
            Some(it) => ti == it && vi as i64 == INT,
            None => ti == layout.float_tag && f64::from_bits(vi) == INT as f64,
        } && tf == layout.float_tag
            && f64::from_bits(vf) == 0.625;
    }
    frame.stack.pop(2);
    Ok(ok.then_some(layout))
}

/// The fast thunk's description of `fty`, if it has one: the platform's SysV convention,
/// not variadic, and only arguments and a result with inline conversions.
fn thunk_spec<V: Vm>(frame: &mut Frame<V>, fty: CTypeId, addr: usize) -> Option<x64::ThunkSpec> {
    use crate::cvalue::TypeClass;
    let tt = frame.types();
    let Kind::Func(fid) = tt.get(fty).kind else { return None };
    let def = tt.func(fid).clone();
    // The thunk is a SysV function itself (it takes `L` in rdi): SysV hosts only.
    let host_sysv = tt.target().call_abi == CallAbi::SysV;
    if def.variadic
        || !host_sysv
        || abi::call_abi(tt, &def) != CallAbi::SysV
        || cfg!(not(target_arch = "x86_64"))
    {
        return None;
    }
    let mut args = Vec::with_capacity(def.params.len());
    for &p in &def.params {
        let k = match tt.get(p).kind {
            Kind::Int { size, signed, .. } => x64::ArgKind::Int { size, signed },
            Kind::Bool => x64::ArgKind::Bool,
            Kind::Float(crate::ctype::FloatKind::Float) => x64::ArgKind::F32,
            Kind::Float(crate::ctype::FloatKind::Double) => x64::ArgKind::F64,
            Kind::Ptr(to) => {
                let t = tt.get(to);
                let byte = matches!(t.kind, Kind::Int { size: 1, .. } | Kind::Void);
                x64::ArgKind::Ptr { ty: p.index(), string: byte && t.qual.is_const() }
            }
            _ => return None,
        };
        args.push(k);
    }
    let ret = match TypeClass::of(tt, def.ret) {
        _ if matches!(tt.get(def.ret).kind, Kind::Void) => x64::RetKind::Void,
        _ if matches!(tt.get(def.ret).kind, Kind::Enum(_)) => return None,
        TypeClass::Int(8, _) | TypeClass::Ptr(_) => {
            x64::RetKind::Boxed(tt.unqualified(def.ret).index())
        }
        TypeClass::Int(size, signed) => x64::RetKind::Int { size, signed },
        TypeClass::Bool => x64::RetKind::Bool,
        TypeClass::Float(4) => x64::RetKind::F32,
        TypeClass::Float(8)
            if !matches!(
                tt.get(def.ret).kind,
                Kind::Float(crate::ctype::FloatKind::LongDouble)
            ) =>
        {
            x64::RetKind::F64
        }
        TypeClass::Struct(_) | TypeClass::Complex(_) | TypeClass::Vector(_) => {
            let ty = tt.unqualified(def.ret).index();
            let plan = abi::sysv::plan(tt, &def, def.params.len()).ok()?;
            let RetPlan::Value(pieces) = &plan.ret else { return None };
            if pieces.len() > 2 || plan.ret_size > 16 || convert::is_variable(tt, def.ret) {
                return None;
            }
            let mut out = [None; 2];
            for (slot, p) in out.iter_mut().zip(pieces) {
                *slot = Some(x64::AggPiece {
                    offset: p.offset as u8,
                    size: p.size as u8,
                    sse: matches!(p.loc, Loc::Sse(_)),
                });
            }
            x64::RetKind::Agg { ty, pieces: out }
        }
        _ => return None,
    };
    Some(x64::ThunkSpec { target: addr, args, ret })
}

/// The context of the ffi closure running in `lua`, for the helpers generated code
/// calls: `None` when its `CONTEXT` upvalue no longer holds the cell (replaced with
/// `debug.setupvalue`) or the context was freed.
///
/// # Safety
/// A live state running an ffi closure; no other reference to the context is live while
/// the result is.
unsafe fn helper_context<'a>(lua: Lua) -> Option<&'a mut super::context::Context> {
    // SAFETY: upvalue CONTEXT of every ffi closure is the context cell (or, replaced,
    // something that is not a full userdata: null).
    let cell = unsafe { lua.touserdata(lua.upvalue(super::upvalues::CONTEXT)) }
        as *const super::context::ContextCell;
    if cell.is_null() {
        return None;
    }
    // SAFETY: the cell lives until the end of lua_close.
    let ctx = unsafe { (*cell).ctx };
    // SAFETY: the context lives while the cell points to it; the caller's contract
    // excludes other references.
    unsafe { ctx.as_mut() }
}

/// Fast-thunk helper: pushes a new cdata of type `ty` holding the 8 bytes `v` (a 64-bit
/// integer or pointer result).
///
/// # Safety
/// Called by a fast thunk running as a call closure (ffi upvalues), with free slots.
/// Raises on allocation failure; owns nothing.
pub(crate) unsafe extern "C-unwind" fn push_boxed_word<V: Vm>(
    l: *mut crate::luaapi::lua_State,
    ty: u32,
    v: u64,
) {
    // SAFETY: the caller's contract: a live state of V's version in a call closure.
    let lua = unsafe { Lua::new::<V>(l) };
    let b = super::cdata::Boxed::int64(CTypeId::from_index(ty), v as i64);
    // SAFETY: the caller's contract (room, upvalues); nothing is owned here.
    unsafe { super::cdata::push_boxed(lua, &b) };
}

/// Fast-thunk helper: pushes a new cdata of the aggregate type `ty` (at most 16 bytes)
/// holding a copy of the bytes at `src` (a result the thunk assembled from registers).
///
/// # Safety
/// Called by a fast thunk running as a call closure (ffi upvalues), with free slots;
/// `src` holds the type's size in bytes. Raises on allocation failure; owns nothing.
unsafe extern "C-unwind" fn push_agg_bytes<V: Vm>(
    l: *mut crate::luaapi::lua_State,
    ty: u32,
    src: *const u8,
) {
    // SAFETY: the caller's contract: a live state of V's version in a call closure.
    let lua = unsafe { Lua::new::<V>(l) };
    // SAFETY: the caller's contract: a call closure running, nothing else using the
    // context.
    let Some(ctx) = (unsafe { helper_context(lua) }) else {
        // SAFETY: a free slot (the caller's contract): the thunk returns one value.
        unsafe { lua.pushnil() };
        return;
    };
    let id = CTypeId::from_index(ty);
    let (size, align) = (ctx.types.size_of(id).unwrap_or(0) as usize, ctx.types.align_of(id));
    // SAFETY: `src` holds `size` <= 16 bytes (the caller's contract).
    let b = unsafe { super::cdata::Boxed::copy(id, src, size.min(16), align as usize) };
    // SAFETY: the caller's contract (room, upvalues); nothing is owned here.
    unsafe { super::cdata::push_boxed(lua, &b) };
}

/// Fast-thunk helper: the cdata argument at `idx` converted for `what` (a pointer type id,
/// or an [`x64::int_code`]) when it converts as it is: for a pointer, a pointer to a
/// compatible type or an array of one; for an integer, an integer cdata (truncated or
/// extended as C converts it). Stores the 8-byte slot value at `out` and answers 1, or
/// 0 for the slow path. Never raises.
///
/// # Safety
/// Called by a fast thunk running as a call closure (ffi upvalues); `out` is writable.
unsafe extern "C-unwind" fn cdata_arg_word<V: Vm>(
    l: *mut crate::luaapi::lua_State,
    idx: c_int,
    what: u32,
    out: *mut u64,
) -> c_int {
    use crate::cvalue::{ScalarKind, TypeClass};
    // SAFETY: the caller's contract: a live state of V's version in a call closure.
    let lua = unsafe { Lua::new::<V>(l) };
    // SAFETY: the caller's contract: a call closure running, nothing else using the
    // context. Without one (a replaced upvalue), the slow path reports the fault.
    let Some(ctx) = (unsafe { helper_context(lua) }) else { return 0 };
    let tt = &mut ctx.types;
    // SAFETY: `idx` is an argument index of the thunk's frame.
    let Some(cd) = (unsafe { super::cdata::Cdata::get_raw(lua.stack(), idx, tt.len()) }) else {
        return 0;
    };
    if cd.is_ctype() {
        return 0;
    }
    let (sty, p) = cd.data(tt);
    let v = if what & 0x8000_0000 != 0 {
        let (size, signed) = ((what & 15) as u8, what & 16 != 0);
        let class = TypeClass::of(tt, sty);
        if !matches!(class, TypeClass::Int(..)) {
            return 0;
        }
        let (Some(from), Some(to)) =
            (ScalarKind::from_class(class), ScalarKind::from_class(TypeClass::Int(size, signed)))
        else {
            return 0;
        };
        // SAFETY: `p` holds a value of `sty`, an integer of this kind.
        let n = unsafe { from.load(p) }.to_i64();
        // C's conversion to the parameter's width: its low bytes, read back as the
        // parameter's type (extended to the thunk's 64-bit slot).
        let low = n.to_le_bytes();
        // SAFETY: `low` holds 8 bytes, as many as any integer kind reads.
        unsafe { to.load(low.as_ptr()) }.to_i64() as u64
    } else {
        let Kind::Ptr(to) = tt.get(CTypeId::from_index(what)).kind else { return 0 };
        match tt.get(sty).kind {
            Kind::Array(e, _) if convert::ptr_compatible(tt, e, to) => p as u64,
            // SAFETY: a pointer cdata's payload holds an address.
            Kind::Ptr(from) if convert::ptr_compatible(tt, from, to) => unsafe {
                p.cast::<u64>().read_unaligned()
            },
            _ => return 0,
        }
    };
    // SAFETY: the caller's contract: `out` is writable.
    unsafe { out.write(v) };
    1
}
