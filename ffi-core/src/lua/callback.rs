//! C→Lua: Lua functions as C function pointers (LuaJIT's `doc/ext_ffi_semantics.html`,
//! "Callbacks"), without LuaJIT's fixed slot area and with structs, unions and complex
//! numbers by value.
//!
//! A Lua function becomes a callback when it is converted to a function-pointer type
//! ([`make`]): the callback is a slot of the process-wide pool ([`crate::emit::callback`])
//! owned by this state, and the Lua function is kept in the registry under an integer
//! reference (`luaL_ref`) that the slot record holds. A call from C runs:
//!
//! ```text
//!   C caller ──▶ slot code ──▶ direct entry (scalar SysV signatures: pushes, lua_callk,
//!                 │            converts inline) ─ anything unusual ─┐
//!                 └──────────▶ common entry (per convention) ◀──────┘
//!                                 ──▶ enter::<V>(slot, regs)
//!                                      │ checks: owner state, thread, cb:free() not called
//!                                      │ scalar signatures: enter_fast (as the direct entry)
//!                                      ▼
//!                       lua_call(runner, slot, regs, spec)   (the runner is an ffi closure:
//!                         step 0..n: push f and the          the ordinary conversion rules
//!                           arguments read from regs         and the error boundary)
//!                         Action::Call f
//!                         last step: convert the result into regs
//! ```
//!
//! The entries pass the signature record (`spec`) they started with, so a callback that
//! frees itself while running, its slot then handed to another callback, still finishes
//! by the signature its C caller called through.
//!
//! Neither entry nor `enter` owns anything, and they call Lua with `lua_call`, so an
//! error raised by the Lua function (or by converting its result) goes on with `longjmp`
//! to the Lua code that called C, abandoning the C frames in between, as in LuaJIT.
//!
//! The state a callback runs on is the one that made the innermost C call still running:
//! every C call records its `lua_State` and thread in [`Context::caller`] (the fast thunk
//! too) and clears the state when C returns; with none running, the main thread. A
//! callback entered on another thread, or when its state has been closed, cannot run Lua
//! safely: it prints why and aborts.

use super::context::Context;
use super::convert::{self, ToLua};
use super::frame::{Action, Frame, Next, Outcome, Raise, Step};
use crate::abi::{CallPlan, Loc, Pass, RetPlan};
use crate::ctype::{CTypeId, Kind};
use crate::emit::callback::{self as pool, ArgFrom, ArgPush, DirectApi, DirectSpec, RetConv, Slot};
use crate::emit::x64::CallRegs;
use crate::error::Error;
use crate::luaapi::{lua_State, Lua, LuaType, Vm};
use crate::target::CallAbi;
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::rc::Rc;
use core::ffi::{c_int, c_void};
use core::sync::atomic::Ordering;
use hashbrown::{HashMap, HashSet};

/// Registry key (light userdata) of the table of callback functions ffi keeps:
/// `[RUNNER]` the runner, `[FREE]` `cb:free`, `[SET]` `cb:set`, `[IMPLICIT]` the table
/// function → { function type id → slot address } of implicit callbacks.
pub(crate) static PARTS_KEY: u8 = 0;
/// Index of the runner in the parts table.
pub(crate) const RUNNER: i64 = 1;
/// Index of `cb:free`.
pub(crate) const FREE: i64 = 2;
/// Index of `cb:set`.
pub(crate) const SET: i64 = 3;
/// Index of the implicit-callback table.
pub(crate) const IMPLICIT: i64 = 4;

/// Most arguments a callback may take (the runner's steps are numbered in a byte).
const MAX_ARGS: usize = 120;

/// The state and thread of the innermost C call running (see the module docs). The fast
/// thunk writes both words.
#[repr(C)]
#[derive(Copy, Clone)]
pub(crate) struct Caller {
    /// The `lua_State` that made the call (null before the first call).
    pub l: *mut lua_State,
    /// Its thread, as [`thread_mark`] gives it.
    pub thread: usize,
}

impl Default for Caller {
    fn default() -> Caller {
        Caller { l: core::ptr::null_mut(), thread: 0 }
    }
}

/// What tells threads apart where C calls record it: the thread pointer (`fs:0`) on
/// x86-64 Linux (the fast thunk reads the same), else the host's thread id.
#[inline(always)]
pub(crate) fn thread_mark(host: &crate::luaapi::Host) -> usize {
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    {
        let _ = host;
        crate::emit::x64::thread_pointer()
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    // SAFETY: the host's thread id only answers.
    unsafe {
        host.current_thread()
    }
}

/// One signature's record, pointed to by its slots ([`Slot::spec`]).
pub(crate) struct Spec {
    /// The plan of the function type.
    pub plan: Rc<CallPlan>,
    /// The direct conversions, when every argument and the result have one.
    fast: Option<Fast>,
    /// The entry its slots run: the direct entry emitted for it, else the common entry
    /// of its convention.
    entry: usize,
    /// The common entry of its convention.
    generic: usize,
    /// Its state's context.
    ctx: *mut Context,
}

/// A callback whose arguments and result convert without the runner: pushed and
/// converted by its direct entry (emitted, SysV) or by [`enter_fast`].
struct Fast {
    spec: DirectSpec,
    /// Whether an argument is boxed (then the running C function's upvalues are needed).
    boxes: bool,
}

/// The direct conversions of `plan`'s signature, if it has them.
fn fast_of(tt: &mut crate::table::CTypeTable, plan: &CallPlan) -> Option<Fast> {
    use crate::cvalue::TypeClass;
    let mut args = alloc::vec::Vec::with_capacity(plan.args.len());
    for a in &plan.args {
        let Pass::Value(pieces) = &a.pass else { return None };
        let [p] = pieces.as_slice() else { return None };
        let from = match p.loc {
            Loc::Gpr(i) => ArgFrom::Gpr(i),
            Loc::Sse(i) => ArgFrom::Sse(i),
            Loc::Stack(off) => ArgFrom::Stack(off),
        };
        let ty = a.ty;
        let push = match (tt.get(ty).kind, TypeClass::of(tt, ty)) {
            (Kind::Enum(_), _) => return None,
            (_, TypeClass::Bool) => ArgPush::Bool,
            (_, TypeClass::Int(size, signed)) if size <= 4 => ArgPush::Int { size, signed },
            (_, TypeClass::Int(8, _)) | (Kind::Ptr(_), TypeClass::Ptr(_)) => {
                ArgPush::Boxed(tt.unqualified(ty).index())
            }
            (_, TypeClass::Float(size)) if size == 4 || size == 8 => ArgPush::Float { size },
            _ => return None,
        };
        args.push((from, push));
    }
    let rty = plan.ret_ty;
    let ret = match (&plan.ret, tt.get(rty).kind, TypeClass::of(tt, rty)) {
        (RetPlan::Void, ..) => RetConv::Void,
        (RetPlan::Value(_), Kind::Enum(_), _) => return None,
        (RetPlan::Value(_), _, TypeClass::Int(size, signed)) if size <= 8 => {
            RetConv::Int { size, signed }
        }
        (RetPlan::Value(_), _, TypeClass::Float(size)) if size == 4 || size == 8 => {
            RetConv::Float { size }
        }
        _ => return None,
    };
    let boxes = args.iter().any(|a| matches!(a.1, ArgPush::Boxed(_)));
    Some(Fast { spec: DirectSpec { args, ret }, boxes })
}

/// The callbacks of one state.
#[derive(Default)]
pub(crate) struct Callbacks {
    /// Signatures by function type (boxed: slots point to them).
    specs: HashMap<CTypeId, Box<Spec>>,
    /// Slots this state took (live or freed), by global index: at the end each one that
    /// still names this state as its owner is released.
    owned: HashSet<u32>,
    /// Slots this state freed, oldest first: kept from the pool and reused by this state
    /// once more than [`QUARANTINE`] wait (so a stale pointer calls `bad callback` for a
    /// while, and never another state's callback).
    freed: VecDeque<u32>,
    /// The context's address, recorded as owner in its slots.
    owner: usize,
    /// The register image of the runner call an entry is about to make (0 otherwise):
    /// the runner refuses to start without it.
    pub runner_token: usize,
}

impl Callbacks {
    /// Gives back every slot this state still owns, switched to the common entry (which
    /// finds no owner and says so): called first when the context is dropped, before
    /// libraries are closed (their destructors may call a callback) and before this
    /// state's code goes. Idempotent.
    pub fn detach(&mut self) {
        self.freed.clear();
        for index in self.owned.drain() {
            let Some(slot) = pool::slot(index) else { continue };
            // Every slot this state took is still its own (freed ones wait in `freed`,
            // not in the pool): switched to the common entry, then given back.
            let mine =
                slot.owner.compare_exchange(self.owner, 0, Ordering::AcqRel, Ordering::Relaxed);
            if mine.is_ok() {
                // SAFETY: the slot's spec is one of this state's, still alive here.
                let spec = unsafe { &*(slot.spec.load(Ordering::Relaxed) as *const Spec) };
                slot.entry.store(spec.generic, Ordering::Release);
                slot.live.store(false, Ordering::Release);
                pool::give_back(index);
            }
        }
    }
}

impl Drop for Callbacks {
    fn drop(&mut self) {
        self.detach();
    }
}

/// The function type a function-pointer type `ty` points to, if it is one.
pub(crate) fn pointed_function(tt: &crate::table::CTypeTable, ty: CTypeId) -> Option<CTypeId> {
    match tt.get(ty).kind {
        Kind::Ptr(to) if matches!(tt.get(to).kind, Kind::Func(_)) => Some(to),
        _ => None,
    }
}

/// Makes (or, for `reuse`, finds) a callback of the Lua function at `idx` for
/// function-pointer type `ty`, pointing to function type `fty`, and returns its address.
/// `reuse` is for implicit conversions (arguments, stores): the same function and
/// signature give the same callback while it is live and unchanged.
///
/// # Safety
/// A body's frame; `idx` holds a Lua function.
pub(crate) unsafe fn make<V: Vm>(
    frame: &mut Frame<V>,
    idx: c_int,
    ty: CTypeId,
    fty: CTypeId,
    reuse: bool,
) -> Result<usize, Raise> {
    let tt = frame.types();
    let Kind::Func(fid) = tt.get(fty).kind else {
        return Err(convert::cannot_convert(frame, idx, ty));
    };
    let def = tt.func(fid);
    if def.variadic {
        return Err(convert::cannot_convert(frame, idx, ty));
    }
    if def.params.len() > MAX_ARGS {
        return Err(Error::new("NYI: callback with more than 120 arguments").into());
    }
    if cfg!(not(target_arch = "x86_64")) {
        return Err(Error::new("NYI: callbacks on this architecture (x86-64 only)").into());
    }
    let nparams = def.params.len();
    let plan = super::call::plan_for(frame, fty, nparams)?;
    let ctx_addr = frame.ctx() as *mut Context as usize;
    let cbs = &mut frame.ctx().callbacks;
    cbs.owner = ctx_addr;
    if !cbs.specs.contains_key(&fty) {
        let spec = new_spec(frame, &plan)?;
        frame.ctx().callbacks.specs.insert(fty, spec);
    }
    let (spec_addr, entry) = frame
        .ctx()
        .callbacks
        .specs
        .get(&fty)
        .map_or((0, 0), |s| (&**s as *const Spec as usize, s.entry));
    let idx = frame.stack.absolute(idx);
    if reuse {
        if let Some(code) = implicit_lookup(frame, idx, fty) {
            if let Some((_, slot)) = pool::find(code) {
                let same = slot.owner.load(Ordering::Relaxed) == ctx_addr
                    && slot.live.load(Ordering::Relaxed)
                    && slot.spec.load(Ordering::Relaxed) == spec_addr
                    && holds(frame, slot, idx);
                if same {
                    return Ok(code);
                }
            }
        }
    }
    let host = &V::api().host;
    let cbs = &mut frame.ctx().callbacks;
    let taken = if cbs.freed.len() > QUARANTINE {
        cbs.freed.pop_front().and_then(|i| pool::retake(host, plan.abi, ctx_addr, i))
    } else {
        pool::take(host, plan.abi, ctx_addr)
    };
    let Some(taken) = taken else {
        return Err(Error::new("cannot allocate executable memory").into());
    };
    let slot = taken.slot;
    slot.entry.store(entry, Ordering::Relaxed);
    slot.helper.store(enter::<V> as *const () as usize, Ordering::Relaxed);
    slot.spec.store(spec_addr, Ordering::Relaxed);
    slot.live.store(true, Ordering::Release);
    frame.ctx().callbacks.owned.insert(taken.index);
    let code = taken.code;
    let mut reference = 0;
    let out = &mut reference;
    let mut op = |lua: Lua| {
        // SAFETY: under lua_pcall (Frame::protected) with the function at 1 and room for
        // the values pushed; this closure owns nothing.
        *out = unsafe { store_function(lua, reuse.then_some((fty, code))) };
        0
    };
    // SAFETY: `op` does not panic and owns nothing while it raises.
    if let Err(e) = unsafe { frame.protected(&[idx], &mut op) } {
        // Not anchored (out of memory): the slot is freed at once.
        release(&mut frame.ctx().callbacks, slot, taken.index);
        return Err(e);
    }
    slot.function.store(reference as usize, Ordering::Relaxed);
    Ok(code)
}

/// The record of a new signature: its direct conversions and the entry its slots run.
fn new_spec<V: Vm>(frame: &mut Frame<V>, plan: &Rc<CallPlan>) -> Result<Box<Spec>, Raise> {
    let host = &V::api().host;
    let no_memory = || Raise::from(Error::new("cannot allocate executable memory"));
    let generic = pool::common_entry(host, plan.abi).ok_or_else(no_memory)?;
    let fast = fast_of(frame.types(), plan);
    let ctx = frame.ctx() as *mut Context;
    let mut spec = Box::new(Spec { plan: plan.clone(), fast, entry: generic, generic, ctx });
    let record = &*spec as *const Spec as usize;
    if let (Some(f), CallAbi::SysV) = (&spec.fast, plan.abi) {
        let ops = &V::api().ops;
        let layout = super::call::stack_layout(frame)?;
        let limit = match (layout, super::call::ci_top_layout(frame)?) {
            (Some(l), Some((ci, ci_top))) => Some((l.top, ci, ci_top)),
            _ => None,
        };
        let api = DirectApi {
            checkstack: ops.checkstack as usize,
            rawgeti: ops.rawgeti as usize,
            pushinteger: ops.pushinteger as usize,
            pushnumber: ops.pushnumber as usize,
            pushboolean: ops.pushboolean as usize,
            touserdata: ops.touserdata as usize,
            call: V::api().c.lua_callk.map_or(ops.call as usize, |f| f as usize),
            callk: V::api().c.lua_callk.is_some(),
            limit,
            int_tag: layout.and_then(|l| l.int_tag).filter(|_| limit.is_some()),
            tointegerx: ops.tointegerx as usize,
            type_tag: ops.type_tag as usize,
            tonumberx: ops.tonumberx as usize,
            settop: ops.settop as usize,
            push_boxed: super::call::push_boxed_word::<V> as *const () as usize,
            slow_result: slow_result::<V> as *const () as usize,
            registry: frame.stack.registry(),
            context_upvalue: frame.stack.upvalue(super::upvalues::CONTEXT),
            caller: core::mem::offset_of!(Context, caller) as i32,
            cell: core::mem::offset_of!(Context, cell) as i32,
            record,
        };
        if let Some(code) = pool::direct_entry(&f.spec, &api, generic) {
            let code = code.link().map_err(|e| {
                Error::new(alloc::format!("internal error in ffi (emitter: {})", e.0))
            })?;
            spec.entry = super::call::place_code::<V>(&mut frame.ctx().calls, &code)? as usize;
        }
    }
    Ok(spec)
}

/// Converts the value on top (the Lua function's result) by the general rules into
/// `out` (the integer and the vector result register), for a direct entry whose inline
/// conversion did not apply. Raises the conversion's error.
///
/// # Safety
/// Called by a direct entry with its signature's record (baked into its code), the
/// running state (the result on top, room for six more values) and its result words.
unsafe extern "C-unwind" fn slow_result<V: Vm>(
    spec: *const Spec,
    l: *mut lua_State,
    out: *mut [u64; 2],
) {
    let mut regs = CallRegs::default();
    // SAFETY: the caller's contract: the running state of V's version.
    let lua = unsafe { Lua::new::<V>(l) };
    // SAFETY: the caller's contract: a record of this state's, alive with it.
    let spec = unsafe { &*spec };
    // SAFETY: the caller's contract (the result on top, room); `regs` is plain data in
    // this frame, which owns nothing with a destructor, so the runner's errors cross it.
    unsafe { run_for_result(lua, spec, &mut regs) };
    // SAFETY: the caller passes the entry's two result words.
    unsafe { *out = [regs.ret_gpr[0], regs.ret_sse[0][0]] };
}

/// Calls the runner to convert the value on top into `regs` by `spec`'s plan (the value
/// stays on top).
///
/// # Safety
/// A live state running a callback of `spec`'s state, with the value on top and room for
/// six more; raises the conversion's error (the caller owns nothing with a destructor).
unsafe fn run_for_result(lua: Lua, spec: &Spec, regs: *mut CallRegs) {
    // SAFETY: room for the parts table (the caller's contract).
    unsafe { push_parts(lua) };
    // SAFETY: the parts table is on top and holds the runner.
    unsafe { lua.rawgeti(-1, RUNNER) };
    // SAFETY: room (the caller's contract); no slot is needed for a result.
    unsafe { lua.pushlightuserdata(core::ptr::null_mut()) };
    // SAFETY: room (the caller's contract).
    unsafe { lua.pushlightuserdata(regs as *mut c_void) };
    // SAFETY: room (the caller's contract).
    unsafe { lua.pushlightuserdata(spec as *const Spec as *mut c_void) };
    // SAFETY: the value is below the parts table, the runner and its three arguments.
    unsafe { lua.pushvalue(-6) };
    // SAFETY: the spec's context is this state's, alive while its code runs.
    unsafe { (*spec.ctx).callbacks.runner_token = regs as usize };
    // SAFETY: the runner and its four arguments are on top; its errors cross this frame,
    // which owns nothing.
    unsafe { lua.call(4, 0) };
    // SAFETY: as for setting it.
    unsafe { (*spec.ctx).callbacks.runner_token = 0 };
    // SAFETY: the parts table is on top.
    unsafe { lua.pop(1) };
}

/// Stores the function at 1 in the registry and returns its reference; for an implicit
/// callback, records `(fty, code)` for it in the implicit table.
///
/// # Safety
/// Under `lua_pcall`, with the function at 1 and room for five values.
unsafe fn store_function(lua: Lua, implicit: Option<(CTypeId, usize)>) -> c_int {
    // Throughout: a live state under lua_pcall, each push with room (the caller's
    // contract), each table index naming a table pushed here.
    // SAFETY: as above; the function is at 1.
    unsafe { lua.pushvalue(1) };
    // SAFETY: as above; the function is on top.
    let reference = unsafe { lua.ref_(lua.registry()) };
    let Some((fty, code)) = implicit else { return reference };
    // SAFETY: as above.
    unsafe { push_parts(lua) };
    // SAFETY: as above; the parts table is on top.
    if LuaType::from_tag(unsafe { lua.rawgeti(-1, IMPLICIT) }) != LuaType::Table {
        // SAFETY: as above; the lookup's nil is on top.
        unsafe { lua.pop(1) };
        // SAFETY: as above.
        unsafe { lua.createtable(0, 4) };
        // SAFETY: as above.
        unsafe { lua.pushvalue(-1) };
        // SAFETY: as above; the parts table is below the two copies of the new table.
        unsafe { lua.rawseti(-3, IMPLICIT) };
    }
    // SAFETY: as above.
    unsafe { lua.pushvalue(1) };
    // SAFETY: as above; the implicit table is below the function.
    if LuaType::from_tag(unsafe { lua.rawget(-2) }) != LuaType::Table {
        // SAFETY: as above; the lookup's nil is on top.
        unsafe { lua.pop(1) };
        // SAFETY: as above.
        unsafe { lua.createtable(0, 1) };
        // SAFETY: as above.
        unsafe { lua.pushvalue(1) };
        // SAFETY: as above.
        unsafe { lua.pushvalue(-2) };
        // SAFETY: as above; the implicit table is below the new table, the function
        // and the new table again.
        unsafe { lua.rawset(-4) };
    }
    // SAFETY: as above.
    unsafe { lua.pushinteger(code as i64) };
    // SAFETY: as above; the function's table is below the address.
    unsafe { lua.rawseti(-2, fty.index() as i64) };
    reference
}

/// Pushes the parts table (see [`PARTS_KEY`]).
///
/// # Safety
/// A live state with two free slots.
unsafe fn push_parts(lua: Lua) {
    // SAFETY: the caller's contract (room).
    unsafe { lua.pushlightuserdata(&PARTS_KEY as *const u8 as *mut c_void) };
    // SAFETY: the registry is a table (the parts table was stored in it by `open`); the
    // key is on top.
    unsafe { lua.rawget(lua.registry()) };
}

/// The address of the implicit callback recorded for the function at `idx` and `fty`.
fn implicit_lookup<V: Vm>(frame: &mut Frame<V>, idx: c_int, fty: CTypeId) -> Option<usize> {
    let s = &frame.stack;
    if s.reserve(3).is_err() {
        return None;
    }
    s.push_light(&PARTS_KEY as *const u8 as *mut c_void);
    let mut found = None;
    if s.raw_get(s.registry()) == LuaType::Table {
        if s.raw_geti(-1, IMPLICIT) == LuaType::Table {
            s.push_copy(idx);
            if s.raw_get(-2) == LuaType::Table {
                if s.raw_geti(-1, fty.index() as i64) == LuaType::Number {
                    found = s.integer(-1).map(|c| c as usize);
                }
                s.pop(1);
            }
            s.pop(1);
        }
        s.pop(1);
    }
    s.pop(1);
    found
}

/// Whether the registry holds the function at `idx` for `slot`.
fn holds<V: Vm>(frame: &mut Frame<V>, slot: &Slot, idx: c_int) -> bool {
    let s = &frame.stack;
    if s.reserve(2).is_err() {
        return false;
    }
    s.raw_geti(s.registry(), slot.function.load(Ordering::Relaxed) as i64);
    let same = s.raw_equal(-1, idx);
    s.pop(1);
    same
}

/// Slots a state's freed callbacks wait before it reuses them: a page's worth.
const QUARANTINE: usize = 256;

/// Marks `slot` freed and keeps it for this state's later callbacks (it stays this
/// state's, so a late call still finds the state to raise "bad callback" in: through the
/// common entry, since a direct entry does not check liveness).
fn release(cbs: &mut Callbacks, slot: &Slot, index: u32) {
    // SAFETY: a slot this state took points to one of its specs, alive with the state.
    let spec = unsafe { &*(slot.spec.load(Ordering::Relaxed) as *const Spec) };
    slot.entry.store(spec.generic, Ordering::Release);
    if slot.live.swap(false, Ordering::AcqRel) {
        cbs.freed.push_back(index);
    }
}

/// The live callback of this state that the function-pointer cdata at `idx` points to.
fn callback_at<V: Vm>(frame: &mut Frame<V>, idx: c_int) -> Result<(u32, &'static Slot), Raise> {
    let bad = || Raise::from(Error::new("bad callback"));
    if frame.cdata(idx).is_none() {
        return Err(bad_argument(frame, idx, "cdata"));
    }
    let cd = frame.cdata(idx).filter(|c| !c.is_ctype()).ok_or_else(bad)?;
    let tt = frame.types();
    let (ty, p) = cd.data(tt);
    pointed_function(tt, ty).ok_or_else(bad)?;
    // SAFETY: a pointer cdata's payload holds an address.
    let code = unsafe { p.cast::<usize>().read_unaligned() };
    let (index, slot) = pool::find(code).ok_or_else(bad)?;
    let me = frame.ctx() as *mut Context as usize;
    if slot.owner.load(Ordering::Relaxed) != me || !slot.live.load(Ordering::Relaxed) {
        return Err(bad());
    }
    Ok((index, slot))
}

/// LuaJIT's error for argument `idx` of `cb:free`/`cb:set` that is not a `want`: counted
/// from the callback when called as a method (`cb:set(5)`: `#1 to 'set'`), from the
/// first argument when called without a name (`pcall(cb.set, cb, 5)`: `#2 to '?'`).
fn bad_argument<V: Vm>(frame: &mut Frame<V>, idx: c_int, want: &str) -> Raise {
    let got = if frame.cdata(idx).is_some() { "cdata" } else { frame.stack.type_of(idx).name() };
    let m = match frame.stack.running_name() {
        Some(name) => alloc::format!(
            "bad argument #{} to '{name}' ({want} expected, got {got})",
            (idx - 1).max(1)
        ),
        None => alloc::format!("bad argument #{idx} to '?' ({want} expected, got {got})"),
    };
    Error::new(m).into()
}

/// `cb:free()` and `cb:set(f)` as members of a function-pointer cdata: pushes the method
/// for key `free` or `set` (at 2) and returns true; false for other keys and types.
pub(crate) fn push_method<V: Vm>(frame: &mut Frame<V>, ty: CTypeId) -> bool {
    if pointed_function(frame.types(), ty).is_none() {
        return false;
    }
    let which = match frame.stack.string(2) {
        Some(b"free") => FREE,
        Some(b"set") => SET,
        _ => return false,
    };
    let s = &frame.stack;
    if s.reserve(2).is_err() {
        return false;
    }
    s.push_light(&PARTS_KEY as *const u8 as *mut c_void);
    if s.raw_get(s.registry()) != LuaType::Table {
        s.pop(1);
        return false;
    }
    s.raw_geti(-1, which);
    s.insert(-2);
    s.pop(1);
    true
}

/// `cb:free()`: releases the slot and the Lua function.
///
/// # Safety
/// A body (called by `run`).
pub(crate) unsafe fn free_body<V: Vm>(frame: &mut Frame<V>, _step: Step) -> Result<Outcome, Raise> {
    let (index, slot) = callback_at(frame, 1)?;
    release(&mut frame.ctx().callbacks, slot, index);
    let reference = slot.function.load(Ordering::Relaxed) as c_int;
    let mut op = |lua: Lua| {
        // SAFETY: under lua_pcall (Frame::protected); the reference is this callback's.
        unsafe { lua.unref(lua.registry(), reference) };
        0
    };
    // SAFETY: `op` does not panic and owns nothing while it raises.
    unsafe { frame.protected(&[], &mut op)? };
    Ok(Outcome::Return(0))
}

/// `cb:set(f)`: the callback calls `f` from now on.
///
/// # Safety
/// A body (called by `run`).
pub(crate) unsafe fn set_body<V: Vm>(frame: &mut Frame<V>, _step: Step) -> Result<Outcome, Raise> {
    let (_, slot) = callback_at(frame, 1)?;
    if frame.stack.type_of(2) != LuaType::Function {
        return Err(bad_argument(frame, 2, "function"));
    }
    frame.stack.reserve(3)?;
    frame.stack.push_copy(frame.stack.registry());
    frame.stack.push_integer(slot.function.load(Ordering::Relaxed) as i64);
    frame.stack.push_copy(2);
    Ok(Outcome::Then(Action::RawSet, Next::Return(0)))
}

/// The helper every callback entry calls (see the module docs).
///
/// # Safety
/// Called by a callback entry with the slot's record and the entry's register image
/// (whose `stack` points to the caller's stack arguments).
pub(crate) unsafe extern "C-unwind" fn enter<V: Vm>(slot: *const Slot, regs: *mut CallRegs) {
    let host = &V::api().host;
    // SAFETY: slot records are never freed.
    let slot = unsafe { &*slot };
    let ctx = slot.owner.load(Ordering::Acquire) as *mut Context;
    if ctx.is_null() {
        // SAFETY: the host's fatal handler does not return.
        unsafe {
            host.abort_with("a callback was called after the Lua state that made it was closed")
        }
    }
    // SAFETY: a slot's owner is a live context (owners are cleared before it is dropped).
    let caller = unsafe { (*ctx).caller };
    if caller.thread != thread_mark(host) {
        // SAFETY: the host's fatal handler does not return.
        unsafe {
            host.abort_with("a callback was called on a thread that is not running its Lua state")
        }
    }
    // The state of the C call running; with none (C called from outside ffi), the main
    // thread.
    // SAFETY: as above.
    let l = if caller.l.is_null() { unsafe { (*ctx).main } } else { caller.l };
    if l.is_null() {
        // SAFETY: the host's fatal handler does not return.
        unsafe {
            host.abort_with(
                "a callback was called while no C call made through ffi was running, \
                 and its Lua state's main thread is unknown",
            )
        }
    }
    // SAFETY: the state of the C call running on this thread, or the main thread.
    let lua = unsafe { Lua::new::<V>(l) };
    // SAFETY: slot records are never freed; a slot's spec is its owner's.
    let spec = unsafe { &*(slot.spec.load(Ordering::Relaxed) as *const Spec) };
    let need = spec.plan.args.len() as c_int + 6;
    // SAFETY: growing the stack may raise; this frame owns nothing.
    let room = unsafe { lua.checkstack(need) } != 0;
    if !room || !slot.live.load(Ordering::Acquire) {
        let msg: &[u8] = if room { b"bad callback" } else { b"stack overflow" };
        // SAFETY: Lua keeps a few slots beyond any check for error messages.
        unsafe { lua.push_bytes(msg) };
        // SAFETY: the message is on top; this frame owns nothing, so the error may cross
        // it and the C frames above.
        unsafe { lua.raise() }
    }
    // SAFETY: `ctx` is the owner's live context.
    let cell = unsafe { (*ctx).cell };
    // SAFETY: the state and image of this live callback, with room checked.
    let direct =
        spec.fast.as_ref().is_some_and(|f| unsafe { enter_fast(lua, slot, spec, f, regs, cell) });
    if !direct {
        // SAFETY: room checked above; the parts table holds the runner (an ffi closure);
        // the runner's frame and this one own nothing, so its errors cross both.
        unsafe { run_callback(lua, slot, spec, regs) };
    }
    // The Lua function may have called C from another coroutine: this call goes on.
    // SAFETY: `ctx` is the owner's live context; nothing else refers to it here.
    unsafe { (*ctx).caller = caller };
}

/// Calls the runner for the whole callback (function, arguments, result).
///
/// # Safety
/// A live state running a callback of `slot` with room for five values; raises what the
/// Lua function or the conversions raise (the caller owns nothing with a destructor).
unsafe fn run_callback(lua: Lua, slot: &Slot, spec: &Spec, regs: *mut CallRegs) {
    // SAFETY: room (the caller's contract).
    unsafe { push_parts(lua) };
    // SAFETY: the parts table is on top and holds the runner.
    unsafe { lua.rawgeti(-1, RUNNER) };
    // SAFETY: room (the caller's contract).
    unsafe { lua.pushlightuserdata(slot as *const Slot as *mut c_void) };
    // SAFETY: room (the caller's contract).
    unsafe { lua.pushlightuserdata(regs as *mut c_void) };
    // SAFETY: room (the caller's contract).
    unsafe { lua.pushlightuserdata(spec as *const Spec as *mut c_void) };
    // SAFETY: the spec's context is this state's, alive while its code runs.
    unsafe { (*spec.ctx).callbacks.runner_token = regs as usize };
    // SAFETY: the runner and its three arguments are on top; its errors cross this
    // frame, which owns nothing.
    unsafe { lua.call(3, 0) };
    // SAFETY: as for setting it.
    unsafe { (*spec.ctx).callbacks.runner_token = 0 };
    // SAFETY: the parts table is on top.
    unsafe { lua.pop(1) };
}

/// The direct path of [`enter`]: pushes the function and the arguments, calls it, and
/// converts a result that needs nothing but a range check. False (with the stack as it
/// was) when an argument needs boxing and the running C function is not an ffi closure
/// of this state (its upvalues hold the cdata metatable that boxing needs); a result it
/// cannot convert goes to the runner (with the result as a third argument).
///
/// # Safety
/// As for [`enter`]: `lua` is the running state with room for the arguments and six
/// more values, `slot` live, `regs` the entry's image (whose `stack` points to the
/// caller's stack arguments, which hold every stack offset of the plan).
#[inline(always)]
unsafe fn enter_fast(
    lua: Lua,
    slot: &Slot,
    spec: &Spec,
    fast: &Fast,
    regs: *mut CallRegs,
    cell: usize,
) -> bool {
    // Throughout: a live state with room checked by the caller; this frame owns nothing,
    // so the errors of `lua_call` cross it.
    if fast.boxes {
        // SAFETY: as above; an upvalue index of the running C function.
        let here = unsafe { lua.touserdata(lua.upvalue(super::upvalues::CONTEXT)) };
        if here as usize != cell {
            return false;
        }
    }
    // SAFETY: as above; the registry holds the function under the slot's reference.
    unsafe { lua.rawgeti(lua.registry(), slot.function.load(Ordering::Relaxed) as i64) };
    // SAFETY: the entry's image (the caller's contract).
    let r = unsafe { &mut *regs };
    for &(from, push) in &fast.spec.args {
        let w = match from {
            ArgFrom::Gpr(i) => r.gpr[i as usize],
            ArgFrom::Sse(i) => r.sse[i as usize][0],
            // SAFETY: the caller's stack holds this argument (the caller's contract).
            ArgFrom::Stack(off) => unsafe {
                ((r.stack as usize + off as usize) as *const u64).read_unaligned()
            },
        };
        match push {
            // SAFETY: as above (room for every argument).
            ArgPush::Int { size, signed } => unsafe { lua.pushinteger(extend(w, size, signed)) },
            // SAFETY: as above.
            ArgPush::Float { size: 4 } => unsafe {
                lua.pushnumber(f32::from_bits(w as u32) as f64)
            },
            // SAFETY: as above.
            ArgPush::Float { .. } => unsafe { lua.pushnumber(f64::from_bits(w)) },
            // SAFETY: as above.
            ArgPush::Bool => unsafe { lua.pushboolean((w as u8 != 0) as c_int) },
            // SAFETY: as above; the running C function is an ffi closure of this state
            // (checked above), whose upvalues boxing uses.
            ArgPush::Boxed(ty) => unsafe {
                super::cdata::push_boxed(
                    lua,
                    &super::cdata::Boxed::int64(CTypeId::from_index(ty), w as i64),
                )
            },
        }
    }
    let n = fast.spec.args.len() as c_int;
    let nres = if fast.spec.ret == RetConv::Void { 0 } else { 1 };
    // SAFETY: as above; the function and its arguments are on top.
    unsafe { lua.call(n, nres) };
    let done = match fast.spec.ret {
        RetConv::Void => return true,
        RetConv::Int { size, signed } => {
            // A number only (`lua_tointegerx` would convert a numeric string, which
            // LuaJIT refuses): anything else goes to the runner.
            // SAFETY: as above; the result is on top.
            let number = unsafe { lua.type_tag(-1) } == LuaType::Number as c_int;
            let mut ok = 0;
            // SAFETY: as above; the result is on top.
            let v = if number { unsafe { lua.tointegerx(-1, &mut ok) } } else { 0 };
            let fits = ok != 0 && in_range(v, size, signed);
            if fits {
                r.ret_gpr[0] = v as u64;
            }
            fits
        }
        RetConv::Float { size } => {
            // SAFETY: as above; the result is on top.
            let number = unsafe { lua.type_tag(-1) } == LuaType::Number as c_int;
            if number {
                // SAFETY: as above; a number is on top.
                let v = unsafe { lua.tonumberx(-1, core::ptr::null_mut()) };
                r.ret_sse[0] =
                    [if size == 4 { (v as f32).to_bits() as u64 } else { v.to_bits() }, 0];
            }
            number
        }
    };
    if !done {
        // The runner converts by the general rules (or raises their error).
        // SAFETY: as above; the result is on top.
        unsafe { run_for_result(lua, spec, regs) };
    }
    // SAFETY: as above; the result is on top.
    unsafe { lua.pop(1) };
    true
}

/// The integer of `size` bytes in the low bytes of `w`, extended.
fn extend(w: u64, size: u8, signed: bool) -> i64 {
    match (size, signed) {
        (1, true) => w as i8 as i64,
        (1, false) => w as u8 as i64,
        (2, true) => w as i16 as i64,
        (2, false) => w as u16 as i64,
        (_, true) => w as i32 as i64,
        (_, false) => w as u32 as i64,
    }
}

/// Whether `v` fits an integer of `size` bytes.
#[inline(always)]
fn in_range(v: i64, size: u8, signed: bool) -> bool {
    match (size, signed) {
        (8, _) => true,
        (_, true) => {
            let bits = 8 * size as u32 - 1;
            (-(1i64 << bits)..(1i64 << bits)).contains(&v)
        }
        (_, false) => (0..(1i64 << (8 * size as u32))).contains(&v),
    }
}

/// Runner phases: `ARG + k` pushes arguments from `k` on; `COPY + k` copies argument
/// `k` into the new cdata on top; `RESULT` converts the result.
const ARG: u8 = 1;
const COPY: u8 = 128;
const RESULT: u8 = 255;

/// The runner: an ffi closure called by [`enter`] with the slot record at 1 and the
/// register image at 2 (light userdata). It pushes the Lua function and the arguments,
/// calls it, and converts its result into the image.
///
/// # Safety
/// A body, called only by `enter` through `lua_call` with those two values.
pub(crate) unsafe fn run_body<V: Vm>(frame: &mut Frame<V>, step: Step) -> Result<Outcome, Raise> {
    let slot = frame.stack.userdata(1) as *const Slot;
    let regs = frame.stack.userdata(2) as *mut CallRegs;
    let spec = frame.stack.userdata(3) as *const Spec;
    if step.phase == 0 {
        // Only ffi's own entries may start the runner (Lua code can reach it through
        // `debug.getregistry()`): they set the token to the image just before, and clear
        // it when the runner returns. (Not cleared here: a body may run again from this
        // step after the stack was grown.)
        let token = frame.ctx().callbacks.runner_token;
        if token == 0 || token != regs as usize || spec.is_null() {
            return Err(Error::new("bad callback").into());
        }
    }
    // SAFETY: the signature record the entry passed (checked above at the first step;
    // the later steps are this call's own): specs live as long as their state, and the
    // plan is the one the C caller called through, even if the slot was freed and given
    // to another callback meanwhile.
    let plan = unsafe { (*spec).plan.clone() };
    // SAFETY: the entry's image lives until the callback returns.
    let regs = unsafe { &mut *regs };
    let n = plan.args.len();
    let mut k = match step.phase {
        // From `slow_result` and the direct path: only the result (at 4) to convert.
        0 if frame.stack.top() >= 4 => return store_result(frame, &plan, regs),
        0 => {
            frame.stack.reserve(n as c_int + 4)?;
            // SAFETY: slot records are never freed.
            let reference = unsafe { (*slot).function.load(Ordering::Relaxed) } as i64;
            if frame.stack.raw_geti(frame.stack.registry(), reference) != LuaType::Function {
                return Err(Error::new("bad callback").into());
            }
            0
        }
        RESULT => return store_result(frame, &plan, regs),
        p if p >= COPY => {
            let k = (p - COPY) as usize;
            let Some(cd) = frame.cdata(-1) else {
                return Err(Error::new("internal error in ffi (callback argument)").into());
            };
            // SAFETY: the new cdata holds the argument's type, whose bytes the image
            // (or the caller's stack) holds.
            unsafe { read_arg(&plan.args[k].pass, plan.args[k].size, regs, cd.payload()) };
            k + 1
        }
        p => (p - ARG) as usize,
    };
    while k < n {
        let a = &plan.args[k];
        let tt = frame.types();
        match tt.get(a.ty).kind {
            Kind::Struct(_) | Kind::Vector(..) | Kind::Array(..) => {
                let ty = tt.unqualified(a.ty);
                let (size, align) = (a.size as usize, a.align as usize);
                return Ok(Outcome::Then(
                    Action::NewCdata { ty, size, align, nelem: 0 },
                    Next::Resume(Step::phase(COPY + k as u8)),
                ));
            }
            Kind::Ref(_) => {
                let mut w = [0u8; 16];
                // SAFETY: a reference travels as an 8-byte address.
                unsafe { read_arg(&a.pass, 8, regs, w.as_mut_ptr()) };
                let addr = usize::from_le_bytes(w[..8].try_into().unwrap_or_default());
                let u = tt.unqualified(a.ty);
                return Ok(Outcome::Then(
                    Action::Box(super::cdata::Boxed::address(u, addr)),
                    Next::Resume(Step::phase(ARG + k as u8 + 1)),
                ));
            }
            _ => {
                let mut w = [0u8; 16];
                // SAFETY: a scalar argument is at most 16 bytes.
                unsafe { read_arg(&a.pass, a.size.min(16), regs, w.as_mut_ptr()) };
                // SAFETY: `w` holds a value of the argument's type.
                match unsafe { convert::to_lua(frame, a.ty, w.as_ptr()) }? {
                    ToLua::Pushed => {}
                    ToLua::Box(b) => {
                        return Ok(Outcome::Then(
                            Action::Box(b),
                            Next::Resume(Step::phase(ARG + k as u8 + 1)),
                        ))
                    }
                }
            }
        }
        k += 1;
    }
    let nresults = if matches!(plan.ret, RetPlan::Void) { 0 } else { 1 };
    Ok(Outcome::Then(
        Action::Call { nargs: n as c_int, nresults },
        Next::Resume(Step::phase(RESULT)),
    ))
}

/// Copies `size` bytes of an argument passed as `pass` from the image (and the caller's
/// stack) to `dst`.
///
/// # Safety
/// `dst` is writable for `size` bytes; `regs.stack` points to the caller's stack
/// arguments, which hold every stack location the plan names.
unsafe fn read_arg(pass: &Pass, size: u32, regs: &CallRegs, dst: *mut u8) {
    let at = |loc: Loc| -> *const u8 {
        match loc {
            Loc::Gpr(i) => &regs.gpr[i as usize] as *const u64 as *const u8,
            Loc::Sse(i) => &regs.sse[i as usize] as *const [u64; 2] as *const u8,
            Loc::Stack(off) => (regs.stack as usize + off as usize) as *const u8,
        }
    };
    match pass {
        Pass::Ignore => {}
        Pass::Value(pieces) => {
            for p in pieces {
                let n = (p.size as usize).min(size.saturating_sub(p.offset) as usize);
                let to = dst.wrapping_add(p.offset as usize);
                // SAFETY: the caller's contract: a piece (at most a register's 8 or 16
                // bytes) of an argument of `size` bytes, which `dst` holds.
                unsafe { core::ptr::copy_nonoverlapping(at(p.loc), to, n) };
            }
        }
        Pass::Memory(off) => {
            // SAFETY: the caller's contract: the argument's bytes on the caller's stack.
            unsafe { core::ptr::copy_nonoverlapping(at(Loc::Stack(*off)), dst, size as usize) }
        }
        Pass::Reference(loc) => {
            // SAFETY: the caller's contract: the copy's address in its register or slot.
            let addr = unsafe { at(*loc).cast::<usize>().read_unaligned() } as *const u8;
            // SAFETY: the caller passed the address of a copy of `size` bytes.
            unsafe { core::ptr::copy_nonoverlapping(addr, dst, size as usize) };
        }
    }
}

/// The last runner step: the Lua function's result (on top) converted into the image's
/// result registers, or into the caller's buffer for a hidden-pointer result.
fn store_result<V: Vm>(
    frame: &mut Frame<V>,
    plan: &CallPlan,
    regs: &mut CallRegs,
) -> Result<Outcome, Raise> {
    let rty = plan.ret_ty;
    let top = frame.stack.top();
    match &plan.ret {
        RetPlan::Void => Ok(Outcome::Return(0)),
        RetPlan::Hidden(g) => {
            let buf = regs.gpr[*g as usize] as *mut u8;
            // SAFETY: the caller passed a buffer for the result type.
            unsafe { convert::to_c(frame, top, rty, buf, convert::Mode::Implicit)? };
            regs.ret_gpr[0] = buf as u64;
            Ok(Outcome::Return(0))
        }
        RetPlan::Value(pieces) => {
            let mut w = [0u8; 16];
            // SAFETY: a result in registers is at most 16 bytes.
            unsafe { convert::to_c(frame, top, rty, w.as_mut_ptr(), convert::Mode::Implicit)? };
            super::call::widen(frame, rty, &mut w);
            for p in pieces {
                let (o, n) = (p.offset as usize, (p.size as usize).min(16 - p.offset as usize));
                let mut r = [0u8; 16];
                r[..n].copy_from_slice(&w[o..o + n]);
                let lo = u64::from_le_bytes(r[..8].try_into().unwrap_or_default());
                let hi = u64::from_le_bytes(r[8..].try_into().unwrap_or_default());
                match p.loc {
                    Loc::Gpr(i) => regs.ret_gpr[i as usize & 1] = lo,
                    Loc::Sse(i) => regs.ret_sse[i as usize & 1] = [lo, hi],
                    Loc::Stack(_) => {}
                }
            }
            Ok(Outcome::Return(0))
        }
    }
}
