//! The per-state context and the entry wrapper every ffi closure goes through.
//!
//! ```text
//!   Lua VM ──calls──▶ extern "C-unwind" fn f::<V>(L)      (one per ffi function)
//!                        │ entry(): ctx from upvalue 1, catch_unwind (std)
//!                        ▼
//!                     Rust body: Result<c_int, Error>      (owns Strings, Vecs ...)
//!                        │ returns; everything dropped
//!                        ▼
//!                     Err: push "where: msg", lua_error ──longjmp──▶ Lua
//! ```
//!
//! Lua errors are raised only from `entry`, after the body has returned and dropped
//! everything it owned; the body calls Lua functions that may raise (user metamethods,
//! allocation) only when it holds no value with a destructor.

use super::api::{Lua, State, Vm};
use super::cdata::uv;
use crate::error::Error;
use crate::table::CTypeTable;
use alloc::boxed::Box;
use alloc::string::String;
use core::ffi::c_int;
use hashbrown::HashMap;

/// Everything ffi keeps per Lua state.
pub struct Ctx {
    /// The C type table.
    pub types: CTypeTable,
    /// `ffi.errno()` as saved after the last C call.
    pub errno: c_int,
    /// Type strings already parsed (`ffi.new("struct point")`).
    pub type_cache: HashMap<Box<[u8]>, crate::ctype::CTypeId>,
}

/// The view of the context an ffi body works with.
pub struct Cx {
    /// The state.
    pub lua: Lua,
    ctx: *mut Ctx,
}

impl Cx {
    /// The context. Never hold the reference across a call into Lua that may re-enter
    /// ffi.
    #[allow(clippy::mut_from_ref)]
    pub fn ctx(&self) -> &mut Ctx {
        // SAFETY: `ctx` comes from the context userdata anchored in the registry, alive
        // as long as the state; bodies do not keep the reference across re-entrant calls.
        unsafe { &mut *self.ctx }
    }
    /// The type table.
    #[allow(clippy::mut_from_ref)]
    pub fn types(&self) -> &mut CTypeTable {
        &mut self.ctx().types
    }
}

/// Runs an ffi body for the closure called with state `l`; raises its error.
///
/// # Safety
/// `l` is a live state of `V`'s version calling an ffi closure (upvalues as in
/// [`uv`]).
#[inline(always)]
pub unsafe fn entry<V: Vm>(l: *mut State, f: impl FnOnce(&Cx) -> Result<c_int, Error>) -> c_int {
    let lua = Lua { api: V::API, l };
    // SAFETY: upvalue CTX of every ffi closure is the context pointer.
    let ctx = unsafe { lua.touserdata(lua.upvalue(uv::CTX)) } as *mut Ctx;
    let cx = Cx { lua, ctx };
    #[cfg(feature = "std")]
    let r =
        std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| f(&cx))).unwrap_or_else(|_| {
            Err(Error::new("internal error in ffi (Rust panic); please report it"))
        });
    #[cfg(not(feature = "std"))]
    let r = f(&cx);
    match r {
        Ok(n) => n,
        // SAFETY: nothing with a destructor is live in this frame but the message, which
        // `raise` releases before raising.
        Err(e) => unsafe { raise(lua, e) },
    }
}

/// Raises `e` as a Lua error with the caller's position, as `luaL_error` does.
///
/// # Safety
/// A live state; no Rust frame between here and Lua may own a value with a destructor.
pub unsafe fn raise(lua: Lua, e: Error) -> ! {
    let msg: String = String::from(e.message());
    drop(e);
    // SAFETY: live state; the message is copied by Lua, then freed here before the
    // longjmp. If pushing fails (out of memory), the String leaks, which is safe.
    unsafe {
        lua.where_(1);
        lua.pushbytes(msg.as_bytes());
        drop(msg);
        lua.concat(2);
        lua.error()
    }
}

/// `__gc` of the context userdata: frees the context at `lua_close`.
///
/// # Safety
/// Called by Lua with the context userdata at index 1.
pub unsafe extern "C-unwind" fn ctx_gc<V: Vm>(l: *mut State) -> c_int {
    let lua = Lua { api: V::API, l };
    // SAFETY: the userdata holds the Box pointer written by `open`, taken once.
    unsafe {
        let slot = lua.touserdata(1) as *mut *mut Ctx;
        if !slot.is_null() && !(*slot).is_null() {
            drop(Box::from_raw(*slot));
            *slot = core::ptr::null_mut();
        }
    }
    0
}

/// Creates the context userdata (with its `__gc`) on the stack; returns the context.
///
/// # Safety
/// A live state with three free stack slots.
pub unsafe fn new_ctx<V: Vm>(lua: Lua) -> *mut Ctx {
    let ctx = Box::into_raw(Box::new(Ctx {
        types: CTypeTable::new(crate::target::Target::host()),
        errno: 0,
        type_cache: HashMap::new(),
    }));
    // SAFETY: live state; the slot is written before anything can raise past it, so a
    // failed allocation of the metatable leaks at most the context.
    unsafe {
        let slot = lua.newuserdata(core::mem::size_of::<*mut Ctx>()) as *mut *mut Ctx;
        slot.write(ctx);
        lua.createtable(0, 1);
        lua.pushcclosure(ctx_gc::<V>, 0);
        lua.setfield(-2, b"__gc\0");
        lua.setmetatable(-2);
    }
    ctx
}
