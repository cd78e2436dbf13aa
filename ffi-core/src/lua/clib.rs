//! C library namespaces: `ffi.C` and what `ffi.load` returns (LuaJIT's
//! `doc/ext_ffi_api.html`, "ffi.C" and "ffi.load").
//!
//! ```text
//!   namespace: table { [OWNER_KEY] = owner,          metatable (shared by all)
//!                      name = call closure, ... }    ├─ __index    = clib_index (a miss)
//!                                                    └─ __newindex = clib_newindex
//!   owner: userdata { handle, owned }                metatable (shared by all)
//!                                                    └─ __gc       = clib_gc (closes it)
//! ```
//!
//! A function symbol becomes a *call closure*: a C closure whose function is the fast
//! thunk emitted for it (or the general call entry), with the function cdata as its last
//! upvalue. Found once, it is stored in the namespace table itself, so `lib.f` is a plain
//! table hit in the VM (no metamethod, no call into ffi), `rawequal(lib.f, lib.f)` holds,
//! and calling it is a plain C function call. ffi treats a call closure as its function
//! cdata everywhere (`ffi.typeof`, `ffi.cast`, function-pointer arguments); `type()` says
//! "function", and a namespace is a table (LuaJIT: "cdata", "userdata"; see
//! `docs/compat.md`). Variables are never stored: each read and write goes through the
//! metamethods to their address; constants are computed each time.

use super::cdata::Boxed;
use super::convert::{self, Mode};
use super::frame::{Action, Frame, Next, Outcome, Raise, Step};
use super::library::bad_arg;
use crate::ctype::{Kind, Symbol};
use crate::error::Error;
use crate::luaapi::{Lua, LuaType, Vm};
use alloc::ffi::CString;
use alloc::format;
use alloc::string::String;
use core::ffi::{c_int, c_void};

/// The payload of a namespace's owner userdata.
#[repr(C)]
pub(crate) struct Namespace {
    /// [`NS_MAGIC`]: tells an owner from any other userdata Lua code could put in its
    /// place (the owner entry of a namespace table is writable).
    magic: u64,
    /// The host's library handle.
    handle: *mut c_void,
    /// Whether the owner closes it when collected (`ffi.load`; not `ffi.C`).
    owned: bool,
}

/// The first field of every namespace owner (a cdata block starts with its own magic).
const NS_MAGIC: u64 = 0x4E53_5F46_4649_4C42;

/// The key under which a namespace table holds its owner (a light userdata: no Lua code
/// can name it by accident, and names are strings).
static OWNER_KEY: u8 = 0;

fn owner_key() -> *mut c_void {
    &OWNER_KEY as *const u8 as *mut c_void
}

/// Registry key of the table of shared namespace parts: `[1]` the namespaces'
/// metatable, `[2]` the owners' metatable.
static PARTS_KEY: u8 = 0;

fn parts_key() -> *mut c_void {
    &PARTS_KEY as *const u8 as *mut c_void
}

/// Stores the shared parts (on top: the namespaces' metatable, then the owners') in the
/// registry, popping them.
///
/// # Safety
/// Inside `open`, with the two values on top and two free slots. Raises on allocation
/// failure.
pub(crate) unsafe fn store_parts(lua: Lua) {
    // Each step's stack effect is in its comment; the caller's contract covers them all.
    // SAFETY: a free slot: [nsmt ownermt] -> [nsmt ownermt parts]
    unsafe { lua.createtable(2, 0) };
    // SAFETY: -> [parts nsmt ownermt]
    unsafe { lua.insert(-3) };
    // SAFETY: parts[2] = ownermt -> [parts nsmt]
    unsafe { lua.rawseti(-3, 2) };
    // SAFETY: parts[1] = nsmt -> [parts]
    unsafe { lua.rawseti(-2, 1) };
    // SAFETY: a free slot -> [parts key]
    unsafe { lua.pushlightuserdata(parts_key()) };
    // SAFETY: -> [key parts]
    unsafe { lua.insert(-2) };
    // SAFETY: registry[key] = parts -> []
    unsafe { lua.rawset(lua.registry()) };
}

/// Pushes a new namespace for `handle`.
///
/// # Safety
/// A live state after `open` stored the parts; four free slots. Raises on allocation
/// failure (the caller then still owns `handle`).
pub(crate) unsafe fn push_namespace(lua: Lua, handle: *mut c_void, owned: bool) {
    // Each step's stack effect is in its comment; the caller's contract covers them all.
    // SAFETY: a free slot -> [ns]
    unsafe { lua.createtable(0, 9) };
    // SAFETY: -> [ns owner]
    let owner =
        unsafe { lua.newuserdatauv(core::mem::size_of::<Namespace>(), 0) } as *mut Namespace;
    // SAFETY: the new block has room for a Namespace and is suitably aligned.
    unsafe {
        owner.write(Namespace { magic: NS_MAGIC, handle: core::ptr::null_mut(), owned: false })
    };
    // SAFETY: -> [ns owner key]
    unsafe { lua.pushlightuserdata(parts_key()) };
    // SAFETY: -> [ns owner parts]
    unsafe { lua.rawget(lua.registry()) };
    // SAFETY: -> [ns owner parts ownermt]
    unsafe { lua.rawgeti(-1, 2) };
    // SAFETY: -> [ns owner parts]
    unsafe { lua.setmetatable(-3) };
    // SAFETY: -> [ns owner parts nsmt]
    unsafe { lua.rawgeti(-1, 1) };
    // SAFETY: -> [ns owner parts]
    unsafe { lua.setmetatable(-4) };
    // SAFETY: -> [ns owner]
    unsafe { lua.pop(1) };
    // SAFETY: -> [ns owner key]
    unsafe { lua.pushlightuserdata(owner_key()) };
    // SAFETY: -> [ns key owner]
    unsafe { lua.insert(-2) };
    // SAFETY: ns[key] = owner -> [ns]
    unsafe { lua.rawset(-3) };
    // With its __gc set, the owner closes the handle from here on.
    // SAFETY: `owner` is the block made above, kept alive by the namespace.
    unsafe { owner.write(Namespace { magic: NS_MAGIC, handle, owned }) };
}

/// The owner in the userdata block `p` of `len` bytes, if it is one: exactly an owner's
/// size and starting with [`NS_MAGIC`].
fn owner_at(p: *mut u8, len: usize) -> Option<*mut Namespace> {
    if len != core::mem::size_of::<Namespace>() {
        return None;
    }
    // SAFETY: a full userdata block of `len` bytes (8-aligned) holds a u64 at its start.
    let magic = unsafe { p.cast::<u64>().read() };
    (magic == NS_MAGIC).then_some(p as *mut Namespace)
}

/// Pushes the owner entry of the namespace table at `idx` (nil if it has none).
fn push_owner<V: Vm>(frame: &mut Frame<V>, idx: c_int) -> Result<(), Raise> {
    let idx = frame.stack.absolute(idx);
    frame.stack.reserve(1)?;
    frame.stack.push_light(owner_key());
    frame.stack.raw_get(idx);
    Ok(())
}

/// The library handle of the namespace table at `idx`.
fn namespace_handle<V: Vm>(frame: &mut Frame<V>, idx: c_int) -> Result<*mut c_void, Raise> {
    push_owner(frame, idx)?;
    let block = frame.stack.userdata_block(-1);
    frame.stack.pop(1);
    match block.and_then(|(p, len)| owner_at(p, len)) {
        // SAFETY: `owner_at` checked the block's size and magic.
        Some(ns) => Ok(unsafe { (*ns).handle }),
        None => Err(Error::new("namespace expected").into()),
    }
}

/// The symbol name at argument 2.
fn symbol_name<V: Vm>(frame: &mut Frame<V>, what: &str) -> Result<String, Raise> {
    match frame.stack.string(2) {
        Some(name) => Ok(String::from_utf8_lossy(name).into_owned()),
        None => {
            let got = frame.stack.type_of(2).name();
            Err(bad_arg(2, what, &format!("string expected, got {got}")))
        }
    }
}

/// The address of symbol `name` (or its `__asm__` redirect) in `handle`.
fn resolve<V: Vm>(
    frame: &mut Frame<V>,
    handle: *mut c_void,
    name: &str,
    asm: Option<crate::names::NameId>,
) -> Result<usize, Raise> {
    let sym = match asm {
        Some(a) => String::from(frame.types().names().str(a)),
        None => String::from(name),
    };
    let c = CString::new(sym.clone()).map_err(|_| Error::new("invalid symbol name"))?;
    // SAFETY: `handle` is a live handle of this host (namespaces keep theirs open).
    match unsafe { V::api().host.symbol(handle, &c) } {
        Some(p) => Ok(p as usize),
        None => {
            Err(Error::new(format!("cannot resolve symbol '{name}': undefined symbol: {sym}"))
                .into())
        }
    }
}

/// A miss: `ns[name]` for a name not stored in the namespace table at 1.
pub(crate) fn index<V: Vm>(frame: &mut Frame<V>, step: Step) -> Result<Outcome, Raise> {
    match step.phase {
        1 => {
            // The function cdata is at 3: make its call closure.
            let Some((fty, addr)) = super::call::function_at(frame, 3) else {
                return Err(Error::new("internal error in ffi (function cdata)").into());
            };
            let f = super::call::closure_function(frame, fty, addr)?;
            // The namespace's owner (at 4) becomes an upvalue too: a function kept after
            // its namespace is gone keeps the library loaded (LuaJIT unloads it).
            frame.stack.set_top(3);
            push_owner(frame, 1)?;
            return Ok(Outcome::Then(
                Action::CallClosure { f, cdata: 3, owner: 4 },
                Next::Resume(Step::phase(2)),
            ));
        }
        2 => {
            // The closure is at 5: store it in the namespace itself, and return it.
            frame.stack.set_top(5);
            frame.stack.reserve(3)?;
            for i in [1, 2, 5] {
                frame.stack.push_copy(i);
            }
            return Ok(Outcome::Then(Action::RawSet, Next::Return(1)));
        }
        _ => {}
    }
    let name = symbol_name(frame, "__index")?;
    let handle = namespace_handle(frame, 1)?;
    let tt = frame.types();
    match tt.lookup(&name) {
        Some(Symbol::Const { ty, value }) => {
            if let Kind::Enum(e) = tt.get(ty).kind {
                // Enum constants read as Lua numbers with their C value (an int or an
                // unsigned int, as LuaJIT gives them; beyond 32 bits, the 64-bit value),
                // whatever the enum's size.
                let unsigned64 = tt.enum_def(e).size == 8 && !tt.enum_def(e).signed;
                frame.stack.reserve(1)?;
                if unsigned64 && value < 0 {
                    frame.stack.push_number(value as u64 as f64);
                } else {
                    frame.stack.push_integer(value);
                }
                return Ok(Outcome::Return(1));
            }
            let buf = value.to_le_bytes();
            // The constant's storage is its type's size (little-endian: low bytes first).
            let vty = ty;
            // SAFETY: `buf` holds the constant in 8 bytes, enough for any integer type.
            unsafe { convert::return_value(frame, vty, buf.as_ptr()) }
        }
        Some(Symbol::Func { ty, asm }) => {
            let addr = resolve(frame, handle, &name, asm)?;
            frame.stack.set_top(2);
            Ok(Outcome::Then(Action::Box(Boxed::address(ty, addr)), Next::Resume(Step::phase(1))))
        }
        Some(Symbol::Var { ty, asm }) => {
            let addr = resolve(frame, handle, &name, asm)?;
            // SAFETY: the symbol's address holds a value of its declared type.
            unsafe { convert::return_value(frame, ty, addr as *const u8) }
        }
        _ => Err(Error::new(format!("missing declaration for symbol '{name}'")).into()),
    }
}

/// `ns.name = v` (the namespace at 1): writes an extern variable.
pub(crate) fn newindex<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let name = symbol_name(frame, "__newindex")?;
    let handle = namespace_handle(frame, 1)?;
    match frame.types().lookup(&name) {
        Some(Symbol::Var { ty, asm }) => {
            if frame.types().get(ty).qual.is_const() {
                return Err(Error::new("attempt to write to constant location").into());
            }
            let addr = resolve(frame, handle, &name, asm)?;
            // SAFETY: the symbol's address holds a value of its declared type.
            unsafe { convert::to_c(frame, 3, ty, addr as *mut u8, Mode::Implicit)? };
            Ok(Outcome::Return(0))
        }
        Some(_) => Err(Error::new("attempt to write to constant location").into()),
        None => Err(Error::new(format!("missing declaration for symbol '{name}'")).into()),
    }
}

/// `__gc` of a namespace's owner: hands a library `ffi.load` opened to the context, which
/// closes it when it is dropped (after every finaliser of `lua_close` for a host-owned
/// context). Closing it here could unload code that a call closure still reaches: at
/// `lua_close` finalisers run in any order, and a closure kept elsewhere keeps the owner
/// only until then.
pub(crate) fn gc<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let Some(ns) = frame.stack.userdata_block(1).and_then(|(p, len)| owner_at(p, len)) else {
        return Ok(Outcome::Return(0));
    };
    // SAFETY: `owner_at` checked the block's size and magic.
    let ns = unsafe { &mut *ns };
    let h = core::mem::replace(&mut ns.handle, core::ptr::null_mut());
    if ns.owned && !h.is_null() {
        let close = V::api().host.lib_close;
        let libraries = &mut frame.ctx().libraries;
        if libraries.iter().any(|l| l.handle == h) {
            // The loader counts references to a library and gives every load of it the
            // same handle: the context already holds one, so this one can go now without
            // unloading anything (and the list keeps one entry per library).
            // SAFETY: a handle from the host's `lib_open`, released once.
            unsafe { close(h) };
        } else {
            libraries.push(super::context::OpenLibrary { handle: h, close });
        }
    }
    Ok(Outcome::Return(0))
}

/// The file `ffi.load` opens for `name` (LuaJIT's rules: a name with `/` as is; else
/// `.so` appended when it has no `.`, and `lib` prepended when it does not start with
/// `lib`).
pub(crate) fn library_path(name: &str) -> String {
    if name.contains('/') {
        return String::from(name);
    }
    let mut s = String::new();
    if !name.starts_with("lib") {
        s.push_str("lib");
    }
    s.push_str(name);
    if !name.contains('.') {
        s.push_str(".so");
    }
    s
}

/// `ffi.load(name [, global])`.
pub(crate) fn load<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let name = match frame.stack.string(1) {
        Some(n) => String::from_utf8_lossy(n).into_owned(),
        None => {
            let got = frame.stack.type_of(1);
            let got = if got == LuaType::None { "no value" } else { got.name() };
            return Err(bad_arg(1, "load", &format!("string expected, got {got}")));
        }
    };
    let global = frame.stack.boolean(2);
    let path = library_path(&name);
    let c = CString::new(path.clone()).map_err(|_| Error::new("invalid library name"))?;
    // SAFETY: loading runs the library's initialisers, which `ffi.load`'s caller asks for.
    let handle = match unsafe { V::api().host.open_library(&c, global) } {
        Ok(h) => h,
        Err(e) => return Err(Error::new(String::from(e.as_str())).into()),
    };
    frame.stack.set_top(0);
    let mut op = |lua: Lua| {
        // SAFETY: under lua_pcall with a fresh frame (room for LUA_MINSTACK values).
        unsafe { push_namespace(lua, handle, true) };
        1
    };
    // SAFETY: the operation owns nothing and cannot panic.
    if let Err(e) = unsafe { frame.protected(&[], &mut op) } {
        // The namespace was not made (out of memory): the library is still ours.
        // SAFETY: the handle came from `open_library` and nothing else holds it.
        unsafe { (V::api().host.lib_close)(handle) };
        return Err(e);
    }
    let _: c_int = 0;
    Ok(Outcome::Return(1))
}
