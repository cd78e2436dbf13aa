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
    /// The last type strings looked up, by the address of the Lua string, with their
    /// text (Lua may reuse an address for another string): `ffi.new("T")` in a loop
    /// costs a comparison instead of a hash lookup.
    pub type_strs: [(usize, Box<[u8]>, crate::ctype::CTypeId); 16],
    /// Recent member lookups, keyed by struct type and the address of the Lua key string.
    pub fields: FieldCache,
    /// Types that have a metatype (metatypes are permanent): most lookups end here
    /// without touching Lua.
    pub metatyped: hashbrown::HashSet<u32>,
}

/// One remembered member lookup.
#[derive(Copy, Clone)]
pub struct FieldSlot {
    /// The struct type (`u32::MAX`: empty).
    pub sty: u32,
    /// Address of the Lua string used as key. The string is anchored (kept alive) by the
    /// caller while it is in the cache, so its address cannot be reused by another
    /// string: a hit is a pointer comparison.
    pub key: usize,
    /// The member's name.
    pub name: crate::names::NameId,
    /// What the lookup found.
    pub info: crate::table::FieldInfo,
    /// The member's scalar code (see [`scalar_code`]); 0 when it needs the general path.
    pub scalar: u8,
}

/// A compact code for the scalar types the fast paths load and store directly:
/// 1 double, 2 float, 3 int8, 4 uint8, 5 int16, 6 uint16, 7 int32, 8 uint32, 9 bool;
/// 0 for anything else (64-bit integers are boxed, aggregates are references, enums
/// take strings, const members refuse writes).
pub fn scalar_code(tt: &CTypeTable, ty: crate::ctype::CTypeId) -> u8 {
    use crate::ctype::{FloatKind, Kind};
    let t = tt.get(ty);
    if t.qual.is_const() {
        return 0;
    }
    match t.kind {
        Kind::Float(FloatKind::Double) => 1,
        Kind::Float(FloatKind::Float) => 2,
        Kind::Int { size: 1, signed: true, .. } => 3,
        Kind::Int { size: 1, signed: false, .. } => 4,
        Kind::Int { size: 2, signed: true, .. } => 5,
        Kind::Int { size: 2, signed: false, .. } => 6,
        Kind::Int { size: 4, signed: true, .. } => 7,
        Kind::Int { size: 4, signed: false, .. } => 8,
        Kind::Bool => 9,
        _ => 0,
    }
}

/// A direct-mapped cache of member lookups (committed struct types never change their
/// members, and committed type ids are never reused).
pub struct FieldCache {
    slots: Box<[FieldSlot; 256]>,
}

impl FieldCache {
    fn new() -> Self {
        let empty = FieldSlot {
            sty: u32::MAX,
            key: 0,
            name: crate::names::NameId(0),
            info: crate::table::FieldInfo { ty: crate::table::ids::VOID, offset: 0, bits: None },
            scalar: 0,
        };
        FieldCache { slots: Box::new([empty; 256]) }
    }

    fn slot(sty: u32, key: usize) -> usize {
        ((key >> 4) ^ (key >> 12) ^ (sty as usize).wrapping_mul(31)) & 255
    }

    /// The cache slot for member `key` of struct `sty`; on a miss, fills it and calls
    /// `anchor(slot)`, which must keep the key string alive while it stays in that slot.
    #[inline]
    pub fn slot_for(
        &mut self,
        tt: &CTypeTable,
        sty: crate::ctype::CTypeId,
        key: &[u8],
        anchor: impl FnOnce(usize),
    ) -> Option<&FieldSlot> {
        let addr = key.as_ptr() as usize;
        let i = Self::slot(sty.index(), addr);
        let s = &self.slots[i];
        if s.sty == sty.index() && s.key == addr {
            return Some(&self.slots[i]);
        }
        let name = tt.names().get_bytes(key)?;
        let info = tt.field_by_id(sty, name)?;
        let scalar = if info.bits.is_some() { 0 } else { scalar_code(tt, info.ty) };
        anchor(i);
        self.slots[i] = FieldSlot { sty: sty.index(), key: addr, name, info, scalar };
        Some(&self.slots[i])
    }
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
        type_strs: core::array::from_fn(|_| (0, Box::default(), crate::table::ids::VOID)),
        fields: FieldCache::new(),
        metatyped: hashbrown::HashSet::new(),
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
