//! The error boundary: how every ffi function runs, so that no Lua error ever `longjmp`s
//! across a Rust frame that owns a value with a destructor or holds `catch_unwind`.
//!
//! ```text
//!   Lua VM ──calls──▶ extern "C-unwind" fn ffi_new::<V>(L)        (lua_functions! macro)
//!                       run::<V>(L, body)                          owns only plain data
//!                       ┌─ loop ────────────────────────────────────────────────────────┐
//!                       │ guard: catch_unwind ┐                                         │
//!                       │   body(&mut Frame, step)       checked, quiet stack only;     │
//!                       │     -> Result<Outcome, Raise>  may own Strings, Vecs          │
//!                       │ └ returns; the body's values are dropped                      │
//!                       │ Outcome::Return(n)        ──▶ return n                        │
//!                       │ Outcome::Then(action, next)                                   │
//!                       │   perform(action)         raising Lua calls (allocate, call   │
//!                       │                           metamethods) on plain data only     │
//!                       │   next: return n | return results | run body again at step ───┘
//!                       │ Err(raise) ──▶ raise(): message pushed under lua_pcall,
//!                       │                message dropped, lua_error ──longjmp──▶ Lua
//! ```
//!
//! The rules and what enforces them:
//!
//! - A **body** gets a [`Frame`], whose [`FrameStack`] has only quiet operations (they
//!   never raise) and checks its indices and free slots in Rust. So the body, which runs
//!   inside `catch_unwind` and owns whatever it likes, is never crossed by a `longjmp`.
//!   What needs a raising operation (allocating a cdata, pushing a string, calling a
//!   metamethod, writing a table) is returned as an [`Action`] for [`run`] to perform
//!   after the body has returned and dropped everything.
//! - An action's data is plain (type ids, sizes, addresses into objects the Lua stack keeps
//!   alive, short texts inline): `perform` owns nothing while it raises.
//! - A body that needs a raising operation in the middle (rare: interning a string) uses
//!   [`Frame::protected`], which runs it under `lua_pcall` through a C trampoline that
//!   owns nothing; an error comes back as [`Raise::Pending`].
//! - Error messages are pushed by [`raise`] under `lua_pcall` too, while the message is
//!   still owned; it is dropped before `lua_error`.
//! - The per-state [`Context`] is reached only through `&mut` [`ContextRef`]. Lua code can
//!   run (and re-enter ffi, from a finaliser or metamethod) only in `perform` or under
//!   [`Frame::protected`], which takes `&mut Frame`: no borrow of the context, and no
//!   string borrowed from the stack, survives across it.

use super::context::{Context, ContextCell};
use super::{cdata, upvalues};
use crate::cvalue::{Num, ScalarKind};
use crate::error::Error;
use crate::luaapi::{lua_State, Lua, LuaType, Stack, Vm, MINSTACK, MULTRET};
use crate::table::CTypeTable;
use core::cell::Cell;
use core::ffi::{c_char, c_int, c_void};
use core::marker::PhantomData;
use core::ptr::NonNull;

/// Why a body failed.
pub(crate) enum Raise {
    /// An error with this message, raised with the caller's position.
    Message(Error),
    /// A Lua error value, already on top of the stack (from [`Frame::protected`]).
    Pending,
    /// The body needs more Lua stack than its frame has ([`FrameStack::reserve`]): `run`
    /// grows the stack and runs the body again from the same step.
    NeedStack,
}

impl From<Error> for Raise {
    fn from(e: Error) -> Raise {
        Raise::Message(e)
    }
}

/// Where a body resumes after an action: its own phase number and, for phases that need
/// it, a type decided before the action.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    /// The body's phase (0: the start).
    pub phase: u8,
    /// A type carried over from the earlier phase.
    pub ty: crate::ctype::CTypeId,
}

impl Step {
    /// The first run of a body.
    pub const START: Step = Step { phase: 0, ty: crate::table::ids::VOID };

    /// Phase `phase` with no type.
    pub const fn phase(phase: u8) -> Step {
        Step { phase, ty: crate::table::ids::VOID }
    }
}

/// What a body asks [`run`] to do next.
pub(crate) enum Outcome {
    /// Return the top `n` values.
    Return(c_int),
    /// Perform the action (it may raise), then go on as `Next` says.
    Then(Action, Next),
}

/// What follows an action.
#[derive(Copy, Clone)]
pub(crate) enum Next {
    /// Return the top `n` values.
    Return(c_int),
    /// Return every value from stack index `first` up (the results of a `MULTRET` call
    /// whose function was at `first`).
    ReturnFrom(c_int),
    /// Run the body again at this step.
    Resume(Step),
}

/// Raising operations a body leaves to [`run`]. Every field is plain data.
pub(crate) enum Action {
    /// Push a new zeroed cdata.
    NewCdata { ty: crate::ctype::CTypeId, size: usize, align: usize, nelem: u32 },
    /// Push a cdata holding a copy of these bytes.
    Box(cdata::Boxed),
    /// Push the text the body stored with [`Frame::text_result`].
    Text,
    /// Push `len` bytes at this address (memory the Lua stack keeps alive, or C memory
    /// the program vouches for, as `ffi.string`'s argument).
    Bytes(*const u8, usize),
    /// Push the NUL-terminated string at this address (vouched for as for `Bytes`).
    CString(*const u8),
    /// `lua_call` the function below the top `nargs` values.
    Call { nargs: c_int, nresults: c_int },
    /// `t[k]` (metamethods honoured): the table at -2 and key at -1 become the value.
    GetTable,
    /// `t[k] = v` (metamethods honoured): table, key and value at -3, -2, -1 are popped.
    SetTable,
    /// `rawset(t, k, v)`: table, key and value at -3, -2, -1 are popped.
    RawSet,
    /// The value on top (a function, or nil to remove) becomes the finaliser of the cdata
    /// at `obj`, which gets the `__gc` metatable; the value is popped.
    SetFinalizer { obj: c_int },
    /// The table on top becomes the metatype of `ty` (and is popped); then the ctype object
    /// for `ty` is pushed.
    SetMetatype { ty: crate::ctype::CTypeId },
    /// Anchor the string at `key` for member-cache slot `slot`.
    AnchorKey { slot: usize, key: c_int },
    /// Convert the number at `idx` to a string in place (`lua_tolstring`).
    ToString { idx: c_int },
    /// Push a C closure of `f` with the ffi upvalues, then, as upvalue
    /// [`FUNCTION_UPVALUE`](super::call::FUNCTION_UPVALUE), the function cdata at `cdata`,
    /// then the value at `owner` (what must outlive the function: its library).
    CallClosure { f: crate::luaapi::CFunction, cdata: c_int, owner: c_int },
    /// Call C: record the caller in `*caller`, restore `errno` from `*errno`, run
    /// `stub(regs)`, save `errno` back.
    CCall {
        stub: crate::emit::x64::CallStub,
        regs: *mut crate::emit::x64::CallRegs,
        errno: *mut c_int,
        caller: *mut super::callback::Caller,
    },
}

// Actions and outcomes are plain data: `perform` may raise while holding one, so none may
// own anything that needs dropping (checked at compile time).
const _: () = assert!(!core::mem::needs_drop::<Action>());
const _: () = assert!(!core::mem::needs_drop::<Outcome>());

/// A short text a body leaves for `run` to push ([`Action::Text`]): plain bytes in `run`'s
/// frame, of which only the first `len` are ever written or read.
pub(crate) struct InlineText {
    len: usize,
    bytes: [core::mem::MaybeUninit<u8>; InlineText::CAPACITY],
}

impl InlineText {
    /// The longest text that fits.
    pub const CAPACITY: usize = 96;

    /// No text (its bytes are left uninitialised).
    #[inline(always)]
    fn empty() -> InlineText {
        InlineText { len: 0, bytes: [core::mem::MaybeUninit::uninit(); InlineText::CAPACITY] }
    }

    /// Stores `s` if it fits; returns whether it did.
    fn set(&mut self, s: &[u8]) -> bool {
        if s.len() > Self::CAPACITY {
            return false;
        }
        for (dst, &b) in self.bytes.iter_mut().zip(s) {
            dst.write(b);
        }
        self.len = s.len();
        true
    }

    /// The text.
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: the first `len` bytes were written by `set` (`len` starts at 0).
        unsafe { core::slice::from_raw_parts(self.bytes.as_ptr() as *const u8, self.len) }
    }
}

/// The Lua stack of one ffi call, as a body sees it: quiet operations only, every index
/// checked in Rust, every push against the room known to be allocated.
///
/// The top is fetched (`lua_gettop`) only when an operation needs it: positive indices up
/// to `LUA_MINSTACK` are always acceptable in a C function (Lua reads "none" above the
/// top), so the hot paths never ask.
///
/// A body never grows the stack: growing is a raising operation on Lua 5.1 (and may run
/// the collector's finalisers there). A body that needs more room than its frame has
/// (asked with [`reserve`](Self::reserve), or found by a push with no room, which is
/// dropped) leaves the frame exhausted; `run` then discards what the body pushed, grows
/// the stack itself, and runs the body again from the same step. Bodies are written so
/// that running one again from its step repeats the same work.
pub(crate) struct FrameStack<V: Vm> {
    /// The state (its table is `V`'s, known at compile time, so calls are direct).
    l: *mut lua_State,
    /// `lua_gettop` if known, else [`UNKNOWN`].
    top: Cell<c_int>,
    /// Free slots known to be allocated above the top.
    room: Cell<c_int>,
    /// Set when the body needed more room than it had (a push was dropped, or `reserve`
    /// refused): `run` grows the stack and runs the body again.
    exhausted: Cell<bool>,
    /// `room` when the body started: `room_start - room` values were pushed since.
    room_start: Cell<c_int>,
    /// Slots above the body's starting top it asked for, when exhausted.
    need: Cell<c_int>,
    /// Cleared when the body changed values below its starting top (then it cannot be
    /// run again from its step, and exhaustion is the error "stack overflow").
    restartable: Cell<bool>,
    vm: PhantomData<V>,
}

/// [`FrameStack::top`] not fetched yet.
const UNKNOWN: c_int = -1;

impl<V: Vm> FrameStack<V> {
    /// The raw handle (quiet operations).
    #[inline(always)]
    fn raw(&self) -> Stack {
        Stack { api: V::api(), l: self.l }
    }

    /// The view of the running C function's stack.
    ///
    /// # Safety
    /// `l` is the live state (of `V`'s version) of the running C function, with `room`
    /// free slots allocated above its top (Lua guarantees `LUA_MINSTACK` of them at entry).
    #[inline(always)]
    unsafe fn new(l: *mut lua_State, room: c_int) -> FrameStack<V> {
        FrameStack {
            l,
            top: Cell::new(UNKNOWN),
            room: Cell::new(room),
            exhausted: Cell::new(false),
            room_start: Cell::new(room),
            need: Cell::new(0),
            restartable: Cell::new(true),
            vm: PhantomData,
        }
    }

    /// The index of the top value (0 when empty).
    #[inline(always)]
    pub fn top(&self) -> c_int {
        let t = self.top.get();
        if t != UNKNOWN {
            return t;
        }
        // SAFETY: a live state (FrameStack's invariant).
        let t = unsafe { self.raw().gettop() };
        self.top.set(t);
        t
    }

    /// Takes note of the stack after Lua code changed it: the top was `before` with `room`
    /// free slots, and Lua's own calls leave the stack allocated.
    fn resync(&self, before: c_int, room: c_int) {
        // SAFETY: a live state (FrameStack's invariant).
        let now = unsafe { self.raw().gettop() };
        self.top.set(now);
        self.room.set((room - (now - before)).max(0));
    }

    /// Whether the body needed more room than it had (see [`FrameStack::exhausted`]).
    pub fn exhausted(&self) -> bool {
        self.exhausted.get()
    }

    /// Starts a run of the body from the stack as it is now.
    fn begin(&self) {
        self.room_start.set(self.room.get());
        self.need.set(0);
        self.exhausted.set(false);
        self.restartable.set(true);
    }

    /// Values the body pushed since it started (negative: it dropped some of its own).
    fn pushed(&self) -> c_int {
        self.room_start.get() - self.room.get()
    }

    /// Records that the body needs `n` more slots than it has.
    fn want(&self, n: c_int) {
        self.need.set(self.need.get().max(self.pushed().saturating_add(n)));
        self.exhausted.set(true);
    }

    /// Grows the stack to `n` free slots above the top, from outside the body (a raising
    /// operation: `lua` proves the caller may raise). False when Lua refuses (the stack's
    /// size limit).
    ///
    /// # Safety
    /// The caller owns nothing with a destructor and holds no `catch_unwind`.
    unsafe fn grow(&self, lua: Lua, n: c_int) -> bool {
        if n <= self.room.get() {
            return true;
        }
        // SAFETY: a live state; raising (5.1, out of memory) is the caller's to allow.
        if unsafe { lua.checkstack(n) } == 0 {
            return false;
        }
        self.room.set(n);
        true
    }

    /// Whether `idx` names a value of this frame, an acceptable index above the top (read
    /// as "none" by Lua), or a pseudo-index.
    #[inline(always)]
    fn readable(&self, idx: c_int) -> bool {
        if idx > 0 {
            idx <= MINSTACK || idx <= self.top()
        } else if idx > self.raw().registry() {
            idx < 0 && -idx <= self.top()
        } else {
            // The registry and upvalues: Lua answers "none" for an upvalue the closure
            // lacks.
            true
        }
    }

    /// The absolute position of `idx` (pseudo-indices unchanged).
    #[inline(always)]
    pub fn absolute(&self, idx: c_int) -> c_int {
        if idx < 0 && idx > self.raw().registry() {
            self.top() + idx + 1
        } else {
            idx
        }
    }

    /// The registry's pseudo-index.
    #[inline(always)]
    pub fn registry(&self) -> c_int {
        self.raw().registry()
    }

    /// `lua_upvalueindex(n)`.
    #[inline(always)]
    pub fn upvalue(&self, n: c_int) -> c_int {
        self.raw().upvalue(n)
    }

    /// The value's type; `None` for an index with no value.
    #[inline(always)]
    pub fn type_of(&self, idx: c_int) -> LuaType {
        if !self.readable(idx) {
            return LuaType::None;
        }
        // SAFETY: a live state (FrameStack's invariant) and a readable index.
        unsafe { self.raw().type_of(idx) }
    }

    /// The bytes of the string at `idx` (numbers are not converted), valid while this
    /// borrow lasts (see [`key`](Self::key)).
    #[inline(always)]
    pub fn string(&self, idx: c_int) -> Option<&[u8]> {
        self.key(idx).1
    }

    /// The number at `idx` (0 for anything else).
    #[inline(always)]
    pub fn number(&self, idx: c_int) -> f64 {
        if !self.readable(idx) {
            return 0.0;
        }
        // SAFETY: a live state, a readable index and a null `isnum`.
        unsafe { self.raw().tonumberx(idx, core::ptr::null_mut()) }
    }

    /// The number the value at `idx` converts to: a number, or a string Lua reads as one
    /// (`lua_tonumberx`, which neither allocates nor changes the value).
    #[inline(always)]
    pub fn to_number(&self, idx: c_int) -> Option<f64> {
        if !self.readable(idx) {
            return None;
        }
        let mut ok = 0;
        // SAFETY: a live state, a readable index; `ok` outlives the call.
        let v = unsafe { self.raw().tonumberx(idx, &mut ok) };
        (ok != 0).then_some(v)
    }

    /// The number at `idx` as an integer, if it is integral (5.3 semantics everywhere).
    #[inline(always)]
    pub fn integer(&self, idx: c_int) -> Option<i64> {
        if !self.readable(idx) {
            return None;
        }
        let mut ok = 0;
        // SAFETY: a live state, a readable index; `ok` outlives the call.
        let v = unsafe { self.raw().tointegerx(idx, &mut ok) };
        (ok != 0).then_some(v)
    }

    /// Whether the value at `idx` is a number Lua holds as an integer (before 5.3: an
    /// integral number).
    #[inline(always)]
    pub fn is_integer(&self, idx: c_int) -> bool {
        // SAFETY: a live state and a readable index.
        self.readable(idx) && unsafe { self.raw().isinteger(idx) } != 0
    }

    /// The Lua number at `idx` as a [`Num`]: an integer when Lua holds it as one (5.3+),
    /// else a float. Before 5.3 every number is a double and converts as one (as in
    /// LuaJIT: an integral double out of `int32_t`'s range still gives `INT32_MIN`).
    #[inline(always)]
    pub fn num(&self, idx: c_int) -> Num {
        if V::api().integers && self.is_integer(idx) {
            Num::Int(self.integer(idx).unwrap_or(0), true)
        } else {
            Num::Float(self.number(idx))
        }
    }

    /// The Lua number at `idx` as a value for a C scalar of `kind`: the same [`Num`] as
    /// [`num`](Self::num), found with one API call in the common case (an integer for an
    /// integer kind, a float for `float` and `double`, so -0.0 stays).
    #[inline(always)]
    pub fn num_for(&self, idx: c_int, kind: ScalarKind) -> Num {
        if V::api().integers && !kind.is_float() {
            if let Some(i) = self.integer(idx) {
                // `lua_tointegerx` also accepts a float with an integral value. It converts
                // as the integer would, except to a narrow kind out of `int32_t`'s range,
                // where a float gives `INT32_MIN` (`Num::to_i32`): then ask which it is.
                let same = i32::try_from(i).is_ok()
                    || matches!(
                        kind,
                        ScalarKind::I64 | ScalarKind::U64 | ScalarKind::U32 | ScalarKind::Bool
                    );
                if same || self.is_integer(idx) {
                    return Num::Int(i, true);
                }
            }
        }
        Num::Float(self.number(idx))
    }

    /// `lua_toboolean`.
    #[inline(always)]
    pub fn boolean(&self, idx: c_int) -> bool {
        // SAFETY: a live state and a readable index.
        self.readable(idx) && unsafe { self.raw().toboolean(idx) } != 0
    }

    /// `lua_touserdata` (null for anything else).
    #[inline(always)]
    pub fn userdata(&self, idx: c_int) -> *mut c_void {
        if !self.readable(idx) {
            return core::ptr::null_mut();
        }
        // SAFETY: a live state and a readable index.
        unsafe { self.raw().touserdata(idx) }
    }

    /// The raw length of a string, table or full userdata (0 for anything else: 5.1 would
    /// convert a number to a string).
    #[inline(always)]
    pub fn len(&self, idx: c_int) -> usize {
        match self.type_of(idx) {
            // SAFETY: a live state and a readable index of a type rawlen does not convert.
            LuaType::String | LuaType::Table | LuaType::Userdata => unsafe {
                self.raw().rawlen(idx)
            },
            _ => 0,
        }
    }

    /// The address and block size of the userdata at `idx` (size 0 for a light userdata);
    /// `None` for anything else. One `lua_touserdata` and one `lua_rawlen`, no type query.
    #[inline(always)]
    pub fn userdata_block(&self, idx: c_int) -> Option<(*mut u8, usize)> {
        let p = self.userdata(idx) as *mut u8;
        if p.is_null() {
            return None;
        }
        // SAFETY: a live state and a readable index holding a (light or full) userdata
        // (lua_touserdata gave an address), whose raw length lua_rawlen reads without
        // converting anything.
        Some((p, unsafe { self.raw().rawlen(idx) }))
    }

    /// The type of the value at `idx` and, for a string, its bytes (one type query).
    #[inline(always)]
    pub fn key(&self, idx: c_int) -> (LuaType, Option<&[u8]>) {
        let t = self.type_of(idx);
        if t != LuaType::String {
            return (t, None);
        }
        // SAFETY: a live state and a readable index holding a string.
        let (p, len) = unsafe { self.raw().string_bytes(idx) };
        // SAFETY: Lua's string bytes, valid for `len` while the string is reachable: for
        // this borrow of the stack, during which nothing can run the collector (what can,
        // `perform` and [`Frame::protected`], needs the whole frame).
        (t, (!p.is_null()).then(|| unsafe { core::slice::from_raw_parts(p as *const u8, len) }))
    }

    /// `lua_rawequal`.
    pub fn raw_equal(&self, a: c_int, b: c_int) -> bool {
        // SAFETY: a live state and readable indices.
        self.readable(a) && self.readable(b) && unsafe { self.raw().rawequal(a, b) } != 0
    }

    /// Checks that `n` more values fit; if not, [`Raise::NeedStack`] (the body returns it,
    /// and `run` grows the stack and runs the body again).
    #[inline(always)]
    pub fn reserve(&self, n: c_int) -> Result<(), Raise> {
        if n <= self.room.get() {
            return Ok(());
        }
        self.want(n);
        Err(Raise::NeedStack)
    }

    /// Claims one slot for a push; false (and the frame marked exhausted) when there is
    /// no room.
    #[inline(always)]
    fn claim(&self) -> bool {
        if self.room.get() < 1 {
            self.want(1);
            return false;
        }
        self.room.set(self.room.get() - 1);
        let t = self.top.get();
        if t != UNKNOWN {
            self.top.set(t + 1);
        }
        true
    }

    /// Records a pop of `n` values from a top of `top`.
    fn popped(&self, top: c_int, n: c_int) {
        self.top.set(top - n);
        self.room.set(self.room.get() + n);
        if self.pushed() < 0 {
            self.restartable.set(false);
        }
    }

    /// `lua_pushnil`.
    pub fn push_nil(&self) {
        if self.claim() {
            // SAFETY: a live state with a claimed free slot.
            unsafe { self.raw().pushnil() }
        }
    }

    /// `lua_pushnumber`.
    #[inline(always)]
    pub fn push_number(&self, n: f64) {
        if self.claim() {
            // SAFETY: a live state with a claimed free slot.
            unsafe { self.raw().pushnumber(n) }
        }
    }

    /// `lua_pushinteger` (a float before 5.3).
    #[inline(always)]
    pub fn push_integer(&self, n: i64) {
        if self.claim() {
            // SAFETY: a live state with a claimed free slot.
            unsafe { self.raw().pushinteger(n) }
        }
    }

    /// `lua_pushboolean`.
    #[inline(always)]
    pub fn push_boolean(&self, b: bool) {
        if self.claim() {
            // SAFETY: a live state with a claimed free slot.
            unsafe { self.raw().pushboolean(b as c_int) }
        }
    }

    /// `lua_pushlightuserdata`.
    pub fn push_light(&self, p: *mut c_void) {
        if self.claim() {
            // SAFETY: a live state with a claimed free slot.
            unsafe { self.raw().pushlightuserdata(p) }
        }
    }

    /// Pushes upvalue `n` of the C closure at `func` (nil when it has none); false when
    /// there was no room (the frame is then exhausted).
    pub fn push_upvalue_of(&self, func: c_int, n: c_int) -> bool {
        if !self.readable(func) {
            return false;
        }
        let func = self.absolute(func);
        if !self.claim() {
            return false;
        }
        // SAFETY: a live state, a readable index and a claimed free slot; for a C closure
        // lua_getupvalue pushes the value without allocating, and for anything else it
        // pushes nothing (then nil is pushed to keep the count).
        if unsafe { self.raw().getupvalue(func, n) }.is_null() {
            // SAFETY: the slot claimed above is still free.
            unsafe { self.raw().pushnil() };
        }
        true
    }

    /// The name the calling code used for the running function (`lua_getinfo`'s `"n"`:
    /// a local, global, field or method name), if it has one.
    pub fn running_name(&self) -> Option<alloc::string::String> {
        // Room for any version's `lua_Debug` (at most about 200 bytes); `name` is its
        // second field in every version, at byte offset 8 on 64-bit targets.
        let mut ar = [0u64; 64];
        let p = ar.as_mut_ptr() as *mut c_void;
        // SAFETY: a live state; `ar` is a writable buffer larger than lua_Debug.
        if unsafe { self.raw().getstack(0, p) } == 0 {
            return None;
        }
        // SAFETY: as above, `ar` filled by lua_getstack; "n" pushes nothing.
        if unsafe { self.raw().getinfo(c"n".as_ptr(), p) } == 0 {
            return None;
        }
        let name = ar[1] as *const c_char;
        if name.is_null() {
            return None;
        }
        // SAFETY: lua_getinfo left a NUL-terminated name owned by the state (an interned
        // string that the calling code holds) at `name`.
        let s = unsafe { core::ffi::CStr::from_ptr(name) };
        Some(alloc::string::String::from_utf8_lossy(s.to_bytes()).into_owned())
    }

    /// The raw state (for the call thunks' probe of the VM's stack layout).
    pub fn lua_state(&self) -> *mut lua_State {
        self.l
    }

    /// The C function of the C function value at `idx`.
    pub fn c_function(&self, idx: c_int) -> Option<crate::luaapi::CFunction> {
        if !self.readable(idx) {
            return None;
        }
        // SAFETY: a live state and a readable index; lua_tocfunction only reads.
        unsafe { self.raw().tocfunction(idx) }
    }

    /// Pushes a copy of the value at `idx` (nil when there is none).
    pub fn push_copy(&self, idx: c_int) {
        if !self.readable(idx) {
            return self.push_nil();
        }
        let idx = self.absolute(idx);
        if self.claim() {
            // SAFETY: a live state, a readable index and a claimed free slot.
            unsafe { self.raw().pushvalue(idx) }
        }
    }

    /// Moves the top value to `idx`, shifting the values above it up.
    pub fn insert(&self, idx: c_int) {
        let top = self.top();
        let idx = self.absolute(idx);
        if idx <= top - self.pushed() {
            // Values the body started with move.
            self.restartable.set(false);
        }
        if (1..=top).contains(&idx) {
            // SAFETY: a live state and an index of a value of this frame.
            unsafe { self.raw().insert(idx) }
        }
    }

    /// Sets the top to `idx` (filling with nil or dropping values).
    pub fn set_top(&self, idx: c_int) {
        let top = self.top();
        let new = if idx >= 0 { idx } else { top + idx + 1 };
        if new < 0 {
            return;
        }
        if new > top && self.reserve(new - top).is_err() {
            return;
        }
        // SAFETY: a live state; the new top is within the allocated room.
        unsafe { self.raw().settop(new) };
        self.popped(top, top - new);
    }

    /// Pops `n` values.
    pub fn pop(&self, n: c_int) {
        let top = self.top();
        self.set_top(top - n.clamp(0, top));
    }

    /// `t[k]` without metamethods, for the table at `t` and the key on top: the key is
    /// replaced by the value. A `t` that is not a table gives nil.
    pub fn raw_get(&self, t: c_int) -> LuaType {
        if self.type_of(t) != LuaType::Table || self.top() < 1 {
            self.pop(1);
            self.push_nil();
            return LuaType::Nil;
        }
        // SAFETY: a live state, a table at `t` and a key on top (replaced by the value).
        LuaType::from_tag(unsafe { self.raw().rawget(t) })
    }

    /// Pushes `t[n]` without metamethods (nil when `t` is not a table).
    pub fn raw_geti(&self, t: c_int, n: i64) -> LuaType {
        if self.type_of(t) != LuaType::Table {
            self.push_nil();
            return LuaType::Nil;
        }
        let t = self.absolute(t);
        if !self.claim() {
            return LuaType::Nil;
        }
        // SAFETY: a live state, a table at `t` and a claimed free slot.
        LuaType::from_tag(unsafe { self.raw().rawgeti(t, n) })
    }
}

/// The per-state context of a frame: a `&mut` to it is handed out only from `&mut self`.
pub(crate) struct ContextRef(NonNull<Context>);

impl ContextRef {
    /// The context.
    #[inline(always)]
    pub fn get(&mut self) -> &mut Context {
        // SAFETY: the context outlives every call into ffi (see `context`); `run` makes one
        // ContextRef per call, and Lua code (which could re-enter ffi and make its own)
        // runs only where no borrow of this one is live (`perform`, `Frame::protected`).
        unsafe { self.0.as_mut() }
    }

    /// The type table.
    #[inline(always)]
    pub fn types(&mut self) -> &mut CTypeTable {
        &mut self.get().types
    }
}

/// One activation of an ffi function: its Lua stack and the per-state context. The two
/// fields can be borrowed at once (`frame.stack` shared, `frame.context` mutable).
pub(crate) struct Frame<V: Vm> {
    /// The Lua stack of this call.
    pub stack: FrameStack<V>,
    /// The per-state context.
    pub context: ContextRef,
    /// The registry cell the context is reached through (it lives until the end of
    /// `lua_close`).
    cell: *const ContextCell,
    /// `run`'s text buffer for [`Action::Text`].
    text: NonNull<InlineText>,
    /// The entry point's call scratch memory (only `__call` has one).
    pub scratch: Option<NonNull<super::call::CallScratch>>,
    /// Set while a conversion must make a new callback of a Lua function rather than
    /// reuse the implicit one (`ffi.new`).
    pub fresh_callbacks: bool,
}

impl<V: Vm> Frame<V> {
    /// The type table.
    #[inline(always)]
    pub fn types(&mut self) -> &mut CTypeTable {
        self.context.types()
    }

    /// The per-state context.
    #[inline(always)]
    pub fn ctx(&mut self) -> &mut Context {
        self.context.get()
    }

    /// Returns `text` as the body's one result if it is short enough to travel in `run`'s
    /// buffer (`None`: push it some other way).
    pub fn text_result(&mut self, text: &[u8]) -> Option<Outcome> {
        // SAFETY: `text` points to `run`'s buffer, which outlives the frame; nothing else
        // uses it while the body runs.
        let buf = unsafe { self.text.as_mut() };
        buf.set(text).then_some(Outcome::Then(Action::Text, Next::Return(1)))
    }

    /// Reads the context again after Lua code ran (a finaliser may have freed it, which
    /// happens only at `lua_close`); false when it is gone.
    fn revalidate(&mut self) -> bool {
        // SAFETY: the cell outlives every call into ffi (see `run`).
        match NonNull::new(unsafe { (*self.cell).ctx }) {
            Some(ctx) => {
                self.context = ContextRef(ctx);
                true
            }
            None => false,
        }
    }

    /// The cdata at `idx`, with its type ids checked against the type table. A C function
    /// from a namespace (a call closure) stands for its function cdata.
    #[inline(always)]
    pub fn cdata(&mut self, idx: c_int) -> Option<cdata::Cdata> {
        let n = self.context.get().types.len();
        match cdata::Cdata::get(&self.stack, idx, n) {
            Some(c) => Some(c),
            None => self.closure_cdata(idx),
        }
    }

    /// The function cdata of the call closure at `idx`, if it is one.
    #[cold]
    fn closure_cdata(&mut self, idx: c_int) -> Option<cdata::Cdata> {
        let f = self.stack.c_function(idx)?;
        if !self.context.get().calls.is_call_closure(f) {
            return None;
        }
        let idx = self.stack.absolute(idx);
        if !self.stack.push_upvalue_of(idx, super::call::FUNCTION_UPVALUE) {
            return None;
        }
        let n = self.context.get().types.len();
        let c = cdata::Cdata::get(&self.stack, -1, n);
        // The closure at `idx` keeps the cdata alive after it is popped.
        self.stack.pop(1);
        c
    }

    /// Runs `op` in protected mode: `op` gets a [`Lua`] on a fresh stack frame holding
    /// copies of the values at `args` (at most four, at 1..), and returns how many values
    /// it leaves; they are appended to this frame's stack. A Lua error inside (including
    /// "not enough memory", or one from a finaliser that ran) comes back as
    /// [`Raise::Pending`] with the error value on top.
    ///
    /// # Safety
    /// `op` must not panic (its errors unwind through its frame and the trampoline's),
    /// and must own nothing with a destructor while it calls raising operations.
    pub unsafe fn protected(
        &mut self,
        args: &[c_int],
        op: &mut dyn FnMut(Lua) -> c_int,
    ) -> Result<(), Raise> {
        let s = &self.stack;
        let n = args.len().min(4);
        let before = s.top();
        s.reserve(n as c_int + 3)?;
        let room = s.room.get();
        // Absolute positions first: every push below shifts relative ones.
        let mut abs = [0; 4];
        for (slot, &a) in abs.iter_mut().zip(&args[..n]) {
            *slot = s.absolute(a);
        }
        s.push_copy(s.upvalue(upvalues::PROTECT));
        for &a in &abs[..n] {
            s.push_copy(a);
        }
        let mut op_ref: &mut dyn FnMut(Lua) -> c_int = op;
        s.push_light(&mut op_ref as *mut &mut dyn FnMut(Lua) -> c_int as *mut c_void);
        // SAFETY: a live state with the trampoline and its arguments on top; the pointer
        // to `op_ref` is used only by the trampoline during this pcall. lua_pcall itself
        // catches every error.
        let status = unsafe { s.raw().pcall(n as c_int + 1, MULTRET, 0) };
        s.resync(before, room);
        if !self.revalidate() {
            return Err(closed_error());
        }
        if status != 0 {
            return Err(Raise::Pending);
        }
        Ok(())
    }
}

/// The protected-call trampoline ([`Frame::protected`], [`raise`]): the last argument is a
/// light userdata pointing to the operation; the others stay for it at 1...
///
/// # Safety
/// Called by `lua_pcall` as [`Frame::protected`] arranges.
pub(crate) unsafe extern "C-unwind" fn protected_trampoline<V: Vm>(l: *mut lua_State) -> c_int {
    // SAFETY: Lua calls this with a live state of V's version.
    let lua = unsafe { Lua::new::<V>(l) };
    // SAFETY: the top argument is the light userdata `protected` pushed.
    let op = unsafe { lua.touserdata(-1) } as *mut &mut dyn FnMut(Lua) -> c_int;
    // SAFETY: the light userdata is on top.
    unsafe { lua.pop(1) };
    // SAFETY: `op` points to the `&mut dyn FnMut` of the `protected` frame waiting in
    // lua_pcall; this frame owns nothing, so the operation's errors may cross it.
    unsafe { (*op)(lua) }
}

/// A body: runs inside `catch_unwind`, with quiet Lua operations only.
pub(crate) type Body<V> = unsafe fn(&mut Frame<V>, Step) -> Result<Outcome, Raise>;

/// Free slots `perform` needs for any action.
const PERFORM_ROOM: c_int = 4;

/// Runs `body` for the ffi closure called with state `l`, performs what it asks for, and
/// raises its error (see the module docs). The common case, a body that returns its
/// results at once, is a straight path; actions and errors go to [`continue_run`].
///
/// # Safety
/// `l` is a live state of `V`'s version calling a closure made by `open` (upvalues as in
/// [`upvalues`]); `body` keeps to its own contract when given such a frame.
#[inline(always)]
pub(crate) unsafe fn run<V: Vm>(l: *mut lua_State, body: Body<V>) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { run_with::<V>(l, body, None) }
}

/// [`run`] with call scratch memory in the entry point's frame (plain bytes that outlive
/// every step of the body, so a C call's registers can be prepared by one step, used by
/// an action and read by the next step).
///
/// # Safety
/// As for [`run`]; `scratch` lives in the calling entry point's frame.
#[inline(always)]
pub(crate) unsafe fn run_with<V: Vm>(
    l: *mut lua_State,
    body: Body<V>,
    scratch: Option<NonNull<super::call::CallScratch>>,
) -> c_int {
    // SAFETY: the caller's contract: a live state of V's version.
    let lua = unsafe { Lua::new::<V>(l) };
    // SAFETY: upvalue CONTEXT of every ffi closure is the context cell (a light userdata
    // that lives until the end of lua_close).
    let cell = unsafe { lua.touserdata(lua.upvalue(upvalues::CONTEXT)) } as *const ContextCell;
    if cell.is_null() {
        // Only `debug.setupvalue` can get here (an upvalue replaced by a non-userdata).
        // SAFETY: this frame owns nothing.
        unsafe { closed(lua) }
    }
    // SAFETY: the cell is the registry userdata `open` made; it outlives the call.
    let Some(ctx) = NonNull::new(unsafe { (*cell).ctx }) else {
        // SAFETY: this frame owns nothing.
        unsafe { closed(lua) }
    };
    let mut text = InlineText::empty();
    let text = NonNull::from(&mut text);
    // SAFETY: a live state with LUA_MINSTACK free slots above its arguments (Lua
    // guarantees them to a C function at entry).
    let stack = unsafe { FrameStack::new(l, MINSTACK) };
    let mut frame =
        Frame { stack, context: ContextRef(ctx), cell, text, scratch, fresh_callbacks: false };
    // SAFETY: a frame of this closure, as `body` requires.
    match guard(|| unsafe { body(&mut frame, Step::START) }) {
        Ok(Outcome::Return(n)) if !frame.stack.exhausted() => n,
        // One action, then return: the other common case.
        Ok(Outcome::Then(action, Next::Return(n)))
            if !frame.stack.exhausted() && frame.stack.room.get() >= PERFORM_ROOM =>
        {
            // SAFETY: the stack is as the body left it for this action, with room for it;
            // this frame owns nothing with a destructor.
            unsafe { perform_inline::<V>(l, &action, frame.text) };
            n
        }
        // SAFETY: the caller's contract, passed on with the frame made above.
        r => unsafe { continue_run::<V>(lua, frame, body, Step::START, r) },
    }
}

/// The rest of [`run`]: grows the stack for a body that ran short and runs it again,
/// performs actions, resumes the body, raises errors.
///
/// # Safety
/// As for [`run`]; `frame` is `run`'s, `r` what the body returned when run at `step`.
#[inline(never)]
unsafe fn continue_run<V: Vm>(
    lua: Lua,
    mut frame: Frame<V>,
    body: Body<V>,
    mut step: Step,
    mut r: Result<Outcome, Raise>,
) -> c_int {
    loop {
        if frame.stack.exhausted() {
            // The body ran short of stack: what it returned is void (and dropped here,
            // before anything can raise).
            drop(r);
            let s = &frame.stack;
            if !s.restartable.get() {
                // SAFETY: this frame owns nothing with a destructor.
                unsafe { raise(lua, Error::new("stack overflow").into()) }
            }
            // Back to the stack the body started from, then room for what it asked and
            // at least twice what it had, so that deep work needs few runs.
            let start = s.top() - s.pushed();
            let need = s.need.get().max(s.room_start.get().saturating_mul(2)).saturating_add(8);
            s.set_top(start);
            // SAFETY: this frame owns nothing with a destructor; the body has returned.
            if !unsafe { s.grow(lua, need) } {
                // SAFETY: this frame owns nothing with a destructor (the error is handed
                // over).
                unsafe { raise(lua, Error::new("stack overflow").into()) }
            }
            s.begin();
            // SAFETY: a frame of this closure, as `body` requires.
            r = guard(|| unsafe { body(&mut frame, step) });
            continue;
        }
        let (action, next) = match r {
            Ok(Outcome::Return(n)) => return n,
            Ok(Outcome::Then(action, next)) => (action, next),
            // SAFETY: this frame owns nothing else with a destructor (the error is handed
            // over).
            Err(e) => unsafe { raise(lua, e) },
        };
        let before = frame.stack.top();
        // SAFETY: this frame owns nothing with a destructor.
        if !unsafe { frame.stack.grow(lua, PERFORM_ROOM) } {
            // SAFETY: this frame owns nothing with a destructor (the error is handed over).
            unsafe { raise(lua, Error::new("stack overflow").into()) }
        }
        let room = frame.stack.room.get();
        // SAFETY: the stack is as the body left it for this action, with room for it;
        // this frame owns nothing with a destructor.
        unsafe { perform::<V>(lua.stack().state(), &action, frame.text) };
        frame.stack.resync(before, room);
        step = match next {
            Next::Return(n) => return n,
            Next::ReturnFrom(first) => return frame.stack.top() - first + 1,
            Next::Resume(s) => s,
        };
        // Lua code ran: the context may have been freed (only at lua_close).
        if !frame.revalidate() {
            // SAFETY: this frame owns nothing with a destructor.
            unsafe { closed(lua) }
        }
        frame.stack.begin();
        // SAFETY: a frame of this closure, as `body` requires.
        r = guard(|| unsafe { body(&mut frame, step) });
    }
}

/// Runs `f`, turning a Rust panic into an error (the panic never reaches Lua or C).
#[inline(always)]
fn guard(f: impl FnOnce() -> Result<Outcome, Raise>) -> Result<Outcome, Raise> {
    #[cfg(feature = "std")]
    {
        match std::panic::catch_unwind(core::panic::AssertUnwindSafe(f)) {
            Ok(r) => r,
            Err(payload) => {
                drop(payload);
                Err(Raise::Message(Error::new(
                    "internal error in ffi (Rust panic); please report it",
                )))
            }
        }
    }
    #[cfg(not(feature = "std"))]
    f()
}

/// [`perform`], with the actions that end most calls (a new cdata, a boxed value, a
/// string) inlined into the entry point.
///
/// # Safety
/// As for [`perform`].
#[inline(always)]
unsafe fn perform_inline<V: Vm>(l: *mut lua_State, action: &Action, text: NonNull<InlineText>) {
    match action {
        &Action::NewCdata { ty, size, align, nelem } => {
            // SAFETY: `l` is a live state of V's version (the caller's contract).
            let lua = unsafe { Lua::new::<V>(l) };
            // SAFETY: PERFORM_ROOM free slots, an ffi closure's upvalues, and a caller
            // that owns nothing with a destructor (the caller's contract).
            unsafe { cdata::push_new(lua, ty, size, align, nelem) };
        }
        Action::Box(b) => {
            // SAFETY: `l` is a live state of V's version (the caller's contract).
            let lua = unsafe { Lua::new::<V>(l) };
            // SAFETY: PERFORM_ROOM free slots, an ffi closure's upvalues, and a caller
            // that owns nothing with a destructor (the caller's contract).
            unsafe { cdata::push_boxed(lua, b) };
        }
        // SAFETY: `perform`'s contract is this function's.
        _ => unsafe { perform::<V>(l, action, text) },
    }
}

/// Performs an action (see [`Action`]).
///
/// # Safety
/// A live state inside an ffi closure, with the stack as the action describes and
/// [`PERFORM_ROOM`] free slots. Raises; the caller owns nothing with a destructor.
#[inline(never)]
unsafe fn perform<V: Vm>(l: *mut lua_State, action: &Action, text: NonNull<InlineText>) {
    // SAFETY: the caller's contract: a live state of V's version.
    let lua = unsafe { Lua::new::<V>(l) };
    match action {
        &Action::NewCdata { ty, size, align, nelem } => {
            // SAFETY: the caller's contract (room for the object and its metatable).
            unsafe { cdata::push_new(lua, ty, size, align, nelem) };
        }
        // SAFETY: the caller's contract (room for the object and its metatable).
        Action::Box(b) => unsafe { cdata::push_boxed(lua, b) },
        Action::Text => {
            // SAFETY: `text` is `run`'s buffer, which outlives this call.
            let t = unsafe { text.as_ref() };
            // SAFETY: a free slot; the text is plain bytes in `run`'s frame.
            unsafe { lua.push_bytes(t.as_bytes()) }
        }
        &Action::Bytes(p, n) => {
            // SAFETY: a free slot; the body vouched for `len` readable bytes at `p`.
            unsafe { lua.pushlstring(p as *const c_char, n) };
        }
        &Action::CString(p) => {
            // SAFETY: a free slot; the body vouched for a NUL-terminated string at `p`.
            unsafe { lua.pushstring(p as *const c_char) };
        }
        // SAFETY: the body left the function and `nargs` arguments on top.
        &Action::Call { nargs, nresults } => unsafe { lua.call(nargs, nresults) },
        Action::GetTable => {
            // SAFETY: the body left the table and the key on top.
            unsafe { lua.gettable(-2) };
            // SAFETY: table and value are the top two values: the value goes below.
            unsafe { lua.insert(-2) };
            // SAFETY: the table is on top.
            unsafe { lua.pop(1) };
        }
        Action::SetTable => {
            // SAFETY: the body left table, key and value on top.
            unsafe { lua.settable(-3) };
            // SAFETY: the table is on top.
            unsafe { lua.pop(1) };
        }
        Action::RawSet => {
            // SAFETY: the body left a table, key and value on top.
            unsafe { lua.rawset(-3) };
            // SAFETY: the table is on top.
            unsafe { lua.pop(1) };
        }
        &Action::SetFinalizer { obj } => {
            // SAFETY: a live state; `obj` is an index of this frame.
            let obj = unsafe { lua.absindex(obj) };
            // SAFETY: the finaliser (or nil) is on top.
            if unsafe { lua.type_of(-1) } != LuaType::Nil {
                // SAFETY: `obj` holds a cdata (the body checked it); a free slot.
                unsafe { cdata::make_finalizable(lua, obj) };
            }
            // SAFETY: `obj` is valid; a free slot.
            unsafe { lua.pushvalue(obj) };
            // SAFETY: the object and the finaliser are the top two values.
            unsafe { lua.insert(-2) };
            // SAFETY: upvalue FINALIZERS is the finaliser table; key and value on top.
            unsafe { lua.rawset(lua.upvalue(upvalues::FINALIZERS)) };
        }
        &Action::SetMetatype { ty } => {
            // SAFETY: upvalue METATYPES is the metatype table; the metatable is on top.
            unsafe { lua.rawseti(lua.upvalue(upvalues::METATYPES), ty.index() as i64) };
            // SAFETY: room for the ctype object (the metatable was popped).
            unsafe { cdata::push_boxed(lua, &cdata::Boxed::ctype(ty)) };
        }
        &Action::AnchorKey { slot, key } => {
            // SAFETY: `key` is an index of this frame; a free slot.
            unsafe { lua.pushvalue(key) };
            // SAFETY: upvalue ANCHORS is the anchor table (slots preallocated); the key is
            // on top.
            unsafe { lua.rawseti(lua.upvalue(upvalues::ANCHORS), slot as i64 + 1) };
        }
        &Action::ToString { idx } => {
            // SAFETY: `idx` holds a number (the body checked it); converting it allocates.
            unsafe { lua.tolstring(idx, core::ptr::null_mut()) };
        }
        &Action::CallClosure { f, cdata, owner } => {
            // SAFETY: a live state; `cdata` is an index of this frame.
            let cdata = unsafe { lua.absindex(cdata) };
            // SAFETY: as above, for `owner`.
            let owner = unsafe { lua.absindex(owner) };
            // SAFETY: growing the stack may raise; this frame owns nothing.
            if unsafe { lua.checkstack(upvalues::COUNT + 3) } == 0 {
                // SAFETY: PERFORM_ROOM free slots; nothing is owned here.
                unsafe { lua.push_bytes(b"stack overflow") };
                // SAFETY: the message is on top; nothing is owned here.
                unsafe { lua.raise() }
            }
            for i in 1..=upvalues::COUNT {
                // SAFETY: room made above; an ffi closure has these upvalues.
                unsafe { lua.pushvalue(lua.upvalue(i)) };
            }
            // SAFETY: room made above; `cdata` is valid.
            unsafe { lua.pushvalue(cdata) };
            // SAFETY: room made above; `owner` is valid.
            unsafe { lua.pushvalue(owner) };
            // SAFETY: the upvalues are on top.
            unsafe { lua.pushcclosure(f, upvalues::COUNT + 2) };
        }
        &Action::CCall { stub, regs, errno, caller } => {
            let host = &V::api().host;
            let thread = super::callback::thread_mark(host);
            // SAFETY: `caller` points into the context, as `errno` does.
            unsafe { *caller = super::callback::Caller { l, thread } };
            // SAFETY: `errno` points into the context, which lives until lua_close (not
            // reachable from inside a call).
            let saved = unsafe { *errno };
            // SAFETY: the host's errno functions keep their contract.
            unsafe { host.set_errno(saved) };
            // SAFETY: the body prepared `regs` from the callee's plan; the stub owns
            // nothing, and neither does this frame, so a Lua error raised by a callback
            // may cross both.
            unsafe { stub(regs) };
            // The call is over: no C call through ffi runs in this state any more (a
            // callback that called C puts its own record back when it returns).
            // SAFETY: as for recording it above.
            unsafe { (*caller).l = core::ptr::null_mut() };
            // SAFETY: the host's errno functions keep their contract.
            let now = unsafe { host.errno() };
            // SAFETY: as for reading it above.
            unsafe { *errno = now };
        }
    }
}

/// Raises `e` as a Lua error: a message gets the caller's position (as `luaL_error`
/// does); a pending error value is raised as it is.
///
/// The frame's other values are dropped first, so the stack has room for the message
/// whatever the body left on it (at least `LUA_MINSTACK` slots above the frame's base).
///
/// # Safety
/// A live state inside an ffi closure; for [`Raise::Pending`], the error value on top.
/// The caller owns nothing with a destructor (the error is handed over and dropped here
/// before raising).
#[cold]
#[inline(never)]
pub(crate) unsafe fn raise(lua: Lua, e: Raise) -> ! {
    // Never reaches here in practice (`run` handles it), but is still an error.
    let e = match e {
        Raise::NeedStack => Raise::Message(Error::new("stack overflow")),
        e => e,
    };
    if let Raise::Pending = e {
        // SAFETY: the error value is on top (the caller's contract): it moves to 1
        // without a push.
        unsafe { lua.insert(1) };
        // SAFETY: a live state; the error value stays.
        unsafe { lua.settop(1) };
    } else {
        // SAFETY: a live state; nothing on this frame's stack is needed any more.
        unsafe { lua.settop(0) };
    }
    if let Raise::Message(e) = e {
        let msg = e.message().as_bytes();
        // Level 2: the trampoline is level 0, the ffi function level 1.
        let mut op = |lua: Lua| {
            // SAFETY: inside the trampoline, under lua_pcall; this closure owns nothing.
            unsafe { lua.where_(2) };
            // SAFETY: under lua_pcall, with a free slot; the message outlives the pcall.
            unsafe { lua.push_bytes(msg) };
            // SAFETY: the position and the message are the top two values.
            unsafe { lua.concat(2) };
            1
        };
        let mut op_ref: &mut dyn FnMut(Lua) -> c_int = &mut op;
        // SAFETY: a free slot; upvalue PROTECT is the trampoline.
        unsafe { lua.pushvalue(lua.upvalue(upvalues::PROTECT)) };
        // SAFETY: a free slot; the pointer is used only during the pcall below.
        unsafe {
            lua.pushlightuserdata(&mut op_ref as *mut &mut dyn FnMut(Lua) -> c_int as *mut c_void)
        };
        // SAFETY: the trampoline and its argument are on top. lua_pcall catches every
        // error, so an allocation failure cannot cross this frame (which owns the
        // message); on failure its own error value is what gets raised below.
        unsafe { lua.pcall(1, 1, 0) };
        drop(e);
    }
    // SAFETY: nothing with a destructor is left in this frame.
    unsafe { lua.raise() }
}

/// Raises the error for an ffi function called after its state's context was freed.
///
/// # Safety
/// As for [`raise`].
#[cold]
unsafe fn closed(lua: Lua) -> ! {
    // SAFETY: the caller's contract.
    unsafe { raise(lua, closed_error()) }
}

/// The error of an ffi function used after its state's context was freed.
#[cold]
fn closed_error() -> Raise {
    Raise::Message(Error::new("ffi used after its Lua state began closing"))
}

/// Defines the `extern "C-unwind"` entry point of each body: the one place where Lua
/// enters ffi-core's functions.
macro_rules! lua_functions {
    ($($(#[$doc:meta])* $name:ident => $body:path;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// Called by Lua as a closure made by `open`.
        pub(crate) unsafe extern "C-unwind" fn $name<V: crate::luaapi::Vm>(
            l: *mut crate::luaapi::lua_State,
        ) -> core::ffi::c_int {
            // SAFETY: Lua calls this closure with a live state of V's version, and `open`
            // gave it the upvalues `run` reads; every body keeps to `Body`'s contract.
            unsafe { $crate::lua::frame::run::<V>(l, $body) }
        }
    )*};
}
pub(crate) use lua_functions;
