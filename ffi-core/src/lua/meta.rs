//! Metatype dispatch (`ffi.metatype` metamethods, found without creating strings) and the
//! shared metatable's `__tostring`, `__call`, `__len`, `__concat`, `__close` and `__gc`.
//! Indexing is in [`super::index`], arithmetic and comparisons in [`super::arith`].
//!
//! Predefined operations come first; only then is the metatype consulted, as in LuaJIT.

use super::cdata::Cdata;
use super::convert::{self, deref_ty};
use super::frame::{Action, Frame, Next, Outcome, Raise, Step};
use super::{fmt, upvalues};
use crate::ctype::{CTypeId, Kind};
use crate::cvalue::{self, Num, TypeClass};
use crate::error::Error;
use crate::luaapi::{lua_State, Lua, LuaType, Vm, MULTRET};
use crate::table::CTypeTable;
use alloc::format;
use alloc::string::String;
use core::ffi::c_int;

/// The metamethods ffi dispatches to a metatype. Their names are interned at `open` in
/// the `STRINGS` table under these numbers.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
#[repr(u8)]
pub(crate) enum Metamethod {
    Index = 1,
    Newindex,
    Gc,
    Tostring,
    Call,
    New,
    Len,
    Concat,
    Eq,
    Lt,
    Le,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Unm,
    Idiv,
    Band,
    Bor,
    Bxor,
    Shl,
    Shr,
    Bnot,
    Pairs,
    Ipairs,
    Close,
}

// `ALL` lists every metamethod in number order (their names are interned at these keys),
// below the keys of member names.
const _: () = {
    let mut i = 0;
    while i < Metamethod::ALL.len() {
        assert!(Metamethod::ALL[i] as usize == i + 1);
        i += 1;
    }
    assert!((Metamethod::Close as i64) < upvalues::FIELD_NAME_BASE);
    assert!(Metamethod::ALL.len() == Metamethod::Close as usize);
};

impl Metamethod {
    /// Every metamethod, in number order.
    pub const ALL: [Metamethod; 28] = [
        Metamethod::Index,
        Metamethod::Newindex,
        Metamethod::Gc,
        Metamethod::Tostring,
        Metamethod::Call,
        Metamethod::New,
        Metamethod::Len,
        Metamethod::Concat,
        Metamethod::Eq,
        Metamethod::Lt,
        Metamethod::Le,
        Metamethod::Add,
        Metamethod::Sub,
        Metamethod::Mul,
        Metamethod::Div,
        Metamethod::Mod,
        Metamethod::Pow,
        Metamethod::Unm,
        Metamethod::Idiv,
        Metamethod::Band,
        Metamethod::Bor,
        Metamethod::Bxor,
        Metamethod::Shl,
        Metamethod::Shr,
        Metamethod::Bnot,
        Metamethod::Pairs,
        Metamethod::Ipairs,
        Metamethod::Close,
    ];

    /// The name, NUL-terminated.
    pub fn name(self) -> &'static [u8] {
        match self {
            Metamethod::Index => b"__index\0",
            Metamethod::Newindex => b"__newindex\0",
            Metamethod::Gc => b"__gc\0",
            Metamethod::Tostring => b"__tostring\0",
            Metamethod::Call => b"__call\0",
            Metamethod::New => b"__new\0",
            Metamethod::Len => b"__len\0",
            Metamethod::Concat => b"__concat\0",
            Metamethod::Eq => b"__eq\0",
            Metamethod::Lt => b"__lt\0",
            Metamethod::Le => b"__le\0",
            Metamethod::Add => b"__add\0",
            Metamethod::Sub => b"__sub\0",
            Metamethod::Mul => b"__mul\0",
            Metamethod::Div => b"__div\0",
            Metamethod::Mod => b"__mod\0",
            Metamethod::Pow => b"__pow\0",
            Metamethod::Unm => b"__unm\0",
            Metamethod::Idiv => b"__idiv\0",
            Metamethod::Band => b"__band\0",
            Metamethod::Bor => b"__bor\0",
            Metamethod::Bxor => b"__bxor\0",
            Metamethod::Shl => b"__shl\0",
            Metamethod::Shr => b"__shr\0",
            Metamethod::Bnot => b"__bnot\0",
            Metamethod::Pairs => b"__pairs\0",
            Metamethod::Ipairs => b"__ipairs\0",
            Metamethod::Close => b"__close\0",
        }
    }
}

/// The type whose metatype applies to a cdata of type `ty`: references and pointers are
/// looked through (`T *` reaches `T`'s metatype), qualifiers dropped.
pub(crate) fn metatype_base(tt: &mut CTypeTable, ty: CTypeId) -> CTypeId {
    let ty = deref_ty(tt, ty);
    let ty = match tt.get(ty).kind {
        Kind::Ptr(to) => to,
        _ => ty,
    };
    tt.unqualified(ty)
}

/// Pushes metamethod `mm` of the metatype of `ty`; returns whether it is there (nothing
/// is left on the stack when it is not). Quiet: raw lookups only.
pub(crate) fn push_metamethod<V: Vm>(frame: &mut Frame<V>, ty: CTypeId, mm: Metamethod) -> bool {
    // Most programs have no metatype: then there is nothing to look through.
    if frame.ctx().metatyped.is_empty() {
        return false;
    }
    let base = metatype_base(frame.types(), ty);
    if !frame.ctx().metatyped.contains(base) {
        return false;
    }
    let s = &frame.stack;
    if s.raw_geti(s.upvalue(upvalues::METATYPES), base.index() as i64) != LuaType::Table {
        s.pop(1);
        return false;
    }
    s.raw_geti(s.upvalue(upvalues::STRINGS), mm as i64);
    let found = s.raw_get(-2) != LuaType::Nil;
    s.insert(-2);
    s.pop(1);
    if !found {
        s.pop(1);
    }
    found
}

/// Calls metamethod `mm` of the first of the first `operands` arguments (1 for a call,
/// `#` or `__close`, 2 for binary operators) that has it, with all arguments; `None` when
/// none has it.
pub(crate) fn call_metamethod<V: Vm>(
    frame: &mut Frame<V>,
    mm: Metamethod,
    operands: c_int,
    nresults: c_int,
) -> Option<Outcome> {
    let n = frame.stack.top();
    for i in 1..=n.min(operands) {
        if let Some(cd) = frame.cdata(i) {
            if push_metamethod(frame, cd.named_type(), mm) {
                frame.stack.insert(1);
                let next =
                    if nresults == MULTRET { Next::ReturnFrom(1) } else { Next::Return(nresults) };
                return Some(Outcome::Then(Action::Call { nargs: n, nresults }, next));
            }
        }
    }
    None
}

/// The default `tostring` of a cdata.
pub(crate) fn default_tostring<V: Vm>(frame: &mut Frame<V>, cd: Cdata) -> String {
    let tt = frame.types();
    if cd.is_ctype() {
        return format!("ctype<{}>", tt.repr(cd.ctype_target()));
    }
    let ty = cd.ty();
    let (dty, p) = cd.data(tt);
    // Throughout: `p` holds a value of `dty`: the cdata's payload, or what its reference
    // names (a reference shows the value it refers to, under the reference's type name).
    match (tt.get(dty).kind, TypeClass::of(tt, dty)) {
        (Kind::Int { size: 8, signed, .. }, _) => {
            // SAFETY: `p` holds a value of `dty`, an 8-byte integer.
            let v = unsafe { p.cast::<i64>().read_unaligned() };
            if signed {
                format!("{v}LL")
            } else {
                format!("{}ULL", v as u64)
            }
        }
        (Kind::Complex(_), TypeClass::Complex(part)) => {
            // SAFETY: `p` holds a complex with parts of `part` bytes (a value of `dty`).
            let (re, im) = unsafe { cvalue::load_complex(part, p) };
            fmt::complex(re, im)
        }
        // SAFETY: `p` holds an integer of class `c` (a value of `dty`).
        (Kind::Enum(_), c @ TypeClass::Int(..)) => match unsafe { cvalue::load_num(c, p) } {
            Some(Num::Int(v, _)) => format!("cdata<{}>: {}", tt.repr(ty), v),
            _ => format!("cdata<{}>: ?", tt.repr(ty)),
        },
        (Kind::Ptr32(_), _) => {
            // SAFETY: `p` holds a value of `dty`, a 32-bit pointer.
            let addr = unsafe { p.cast::<u32>().read_unaligned() } as usize;
            format!("cdata<{}>: {}", tt.repr(ty), fmt::addr(addr))
        }
        (Kind::Ptr(_) | Kind::Func(_), _) => {
            // SAFETY: `p` holds a value of `dty`, a pointer or function address.
            let addr = unsafe { p.cast::<usize>().read_unaligned() };
            format!("cdata<{}>: {}", tt.repr(ty), fmt::addr(addr))
        }
        _ => format!("cdata<{}>: {}", tt.repr(ty), fmt::addr(p as usize)),
    }
}

/// `__tostring`.
///
/// # Safety
/// Called by `run`.
pub(crate) unsafe fn tostring<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let Some(cd) = frame.cdata(1) else { return Err(Error::new("cdata expected").into()) };
    if !cd.is_ctype() && push_metamethod(frame, cd.ty(), Metamethod::Tostring) {
        frame.stack.push_copy(1);
        return Ok(Outcome::Then(Action::Call { nargs: 1, nresults: 1 }, Next::Return(1)));
    }
    let text = default_tostring(frame, cd);
    convert::return_text(frame, text.as_bytes())
}

/// `__call`: ctype objects construct (or call their `__new`), other cdata call their
/// metatype's `__call`.
///
/// # Safety
/// Called by `run`.
#[inline(always)]
pub(crate) unsafe fn call<V: Vm>(frame: &mut Frame<V>, step: Step) -> Result<Outcome, Raise> {
    if step.phase >= super::call::PHASE_RESULT {
        // SAFETY: called by `run_with` from the `__call` entry point.
        return unsafe { super::call::resume(frame, step) };
    }
    if step != Step::START {
        // The phases after the first are those of construction.
        // SAFETY: called by `run` (the caller's contract).
        return unsafe { super::library::construct(frame, step, 2, None) };
    }
    let Some(cd) = frame.cdata(1) else { return Err(Error::new("cdata expected").into()) };
    if cd.is_ctype() {
        let target = cd.ctype_target();
        if push_metamethod(frame, target, Metamethod::New) {
            let n = frame.stack.top() - 1;
            frame.stack.insert(1);
            return Ok(Outcome::Then(
                Action::Call { nargs: n, nresults: MULTRET },
                Next::ReturnFrom(1),
            ));
        }
        // SAFETY: called by `run` (the caller's contract).
        return unsafe { super::library::construct(frame, step, 2, Some(target)) };
    }
    let tt = frame.types();
    let (ty, p) = cd.data(tt);
    if let Some((fty, addr)) = super::call::callable(tt, ty, p) {
        // SAFETY: called by `run_with` from the `__call` entry point.
        return unsafe { super::call::start(frame, fty, addr, 2) };
    }
    if let Some(o) = call_metamethod(frame, Metamethod::Call, 1, MULTRET) {
        return Ok(o);
    }
    // LuaJIT names a pointer's or reference's target (without qualifiers) or the type
    // itself.
    let tt = frame.types();
    let shown = match tt.get(cd.ty()).kind {
        Kind::Ptr(_) | Kind::Ref(_) => metatype_base(tt, cd.ty()),
        _ => cd.ty(),
    };
    let name = tt.repr(shown);
    Err(Error::new(format!("'{name}' is not callable")).into())
}

/// `__len`.
pub(crate) fn len<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    frame.stack.set_top(1);
    if let Some(o) = call_metamethod(frame, Metamethod::Len, 1, 1) {
        return Ok(o);
    }
    let name = convert::op_value_name(frame, 1);
    Err(Error::new(format!("attempt to get length of '{name}'")).into())
}

/// `__concat`.
pub(crate) fn concat<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    if let Some(o) = call_metamethod(frame, Metamethod::Concat, 2, 1) {
        return Ok(o);
    }
    let (a, b) = (convert::op_value_name(frame, 1), convert::op_value_name(frame, 2));
    Err(Error::new(format!("attempt to concatenate '{a}' and '{b}'")).into())
}

/// `__close` (5.4+): the metatype's `__close`, if any.
pub(crate) fn close<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    Ok(call_metamethod(frame, Metamethod::Close, 1, 0).unwrap_or(Outcome::Return(0)))
}

/// `__gc` of the metatable variant for finalizable cdata: runs the cdata's finaliser
/// (from `ffi.gc` or a metatype `__gc`) exactly once. It reads only the finaliser table,
/// never the context, which may already be gone at `lua_close`; it owns nothing, so the
/// finaliser's errors may cross it.
///
/// # Safety
/// Called by Lua with the cdata at index 1, as a closure made by `open`.
pub(crate) unsafe extern "C-unwind" fn gc<V: crate::luaapi::Vm>(l: *mut lua_State) -> c_int {
    // SAFETY: Lua calls this with a live state of V's version.
    let lua = unsafe { Lua::new::<V>(l) };
    let fins = lua.upvalue(upvalues::FINALIZERS);
    // SAFETY: the cdata is at 1; a free slot (a C function has LUA_MINSTACK).
    unsafe { lua.pushvalue(1) };
    // SAFETY: upvalue FINALIZERS is the finaliser table; the key is on top.
    if unsafe { lua.rawget(fins) } == LuaType::Nil as c_int {
        return 0;
    }
    // The entry goes before the call, so the finaliser runs once.
    // SAFETY: free slots for the key and nil.
    unsafe { lua.pushvalue(1) };
    // SAFETY: the second of the free slots a C function starts with.
    unsafe { lua.pushnil() };
    // SAFETY: key and nil on top; setting an existing key to nil does not allocate.
    unsafe { lua.rawset(fins) };
    // SAFETY: a free slot.
    unsafe { lua.pushvalue(1) };
    // SAFETY: the finaliser and its argument are on top. Errors in finalisers follow the
    // VM's own rules for __gc errors; this frame owns nothing.
    unsafe { lua.call(1, 0) };
    0
}
