//! What ffi keeps per Lua state: the [`Context`] (type table, caches, saved `errno`), the
//! registry cell that points to it, and who frees it.
//!
//! ```text
//!   registry[CONTEXT_KEY] = full userdata ContextCell { ctx, host_owned }  (has __gc)
//!   every ffi closure: upvalue CONTEXT = light userdata -> that cell
//!   cell.ctx ──▶ Box<Context>
//! ```
//!
//! Closures reach the context through the cell, which lives in Lua memory until the very
//! end of `lua_close` (after every finaliser). Two owners are possible:
//!
//! - **Lua-owned** (a plain `luaopen_ffi`): the cell's `__gc` frees the context and nulls
//!   the pointer. A finaliser that runs after it at `lua_close` and calls ffi gets a Lua
//!   error, never freed memory.
//! - **Host-owned** ([`claim_context`]): the adapter keeps a [`ContextOwner`] and drops it
//!   after `lua_close`, so the context outlives every finaliser (ffi works in all of
//!   them, as in LuaJIT). `ffi-mlua` does this with mlua's app data.

use super::upvalues::MEMBER_SLOTS;
use crate::ctype::CTypeId;
use crate::cvalue::ScalarKind;
use crate::luaapi::{lua_State, Lua, LuaType, Stack, Vm};
use crate::table::{CTypeTable, FieldInfo};
use crate::target::Target;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ffi::{c_int, c_void};
use core::ptr::NonNull;
use hashbrown::HashMap;

/// Everything ffi keeps per Lua state.
pub(crate) struct Context {
    /// The C type table.
    pub types: CTypeTable,
    /// `ffi.errno()` as saved after the last C call.
    pub errno: c_int,
    /// Type strings already parsed (`ffi.new("struct point")`).
    pub type_cache: HashMap<Box<[u8]>, CTypeId>,
    /// The last type strings looked up, by the address of the Lua string, with their text
    /// (Lua may reuse an address for another string): `ffi.new("T")` in a loop costs a
    /// comparison instead of a hash lookup.
    pub recent_type_strings: [RecentTypeString; 16],
    /// Recent member lookups.
    pub members: MemberCache,
    /// Types that have a metatype (metatypes are permanent): most lookups end here
    /// without touching Lua.
    pub metatyped: TypeSet,
    /// Call plans, call stubs and code pages.
    pub calls: super::call::Calls,
    /// Libraries whose namespaces were collected, closed when the context is dropped.
    pub libraries: Vec<OpenLibrary>,
    /// The state and thread of the C call running, for callbacks.
    pub caller: super::callback::Caller,
    /// The callbacks this state made.
    pub callbacks: super::callback::Callbacks,
    /// The address of the registry cell that points here (what every ffi closure has
    /// as upvalue `CONTEXT`).
    pub cell: usize,
    /// The state's main thread (null if unknown: Lua 5.1 opened from a coroutine), where
    /// a callback runs when C calls it while no C call made through ffi is running.
    pub main: *mut lua_State,
}

/// A library handle and the host function that closes it.
pub(crate) struct OpenLibrary {
    /// The handle.
    pub handle: *mut c_void,
    /// The host's `lib_close`.
    pub close: unsafe extern "C" fn(*mut c_void),
}

impl Drop for Context {
    fn drop(&mut self) {
        // Callbacks first: a library's destructor may call one, which must find no owner
        // (and say so) rather than this state.
        self.callbacks.detach();
        for l in self.libraries.drain(..) {
            // SAFETY: each handle came from the host's `lib_open`, and nothing can call
            // into it any more: the context (and with it the code of every call thunk)
            // is going away.
            unsafe { (l.close)(l.handle) };
        }
    }
}

/// One entry of [`Context::recent_type_strings`].
pub(crate) struct RecentTypeString {
    /// Address of the Lua string's bytes.
    pub addr: usize,
    /// Its text.
    pub text: Box<[u8]>,
    /// The type it names.
    pub ty: CTypeId,
}

impl Context {
    fn new() -> Context {
        Context {
            types: CTypeTable::new(Target::host()),
            errno: 0,
            type_cache: HashMap::new(),
            recent_type_strings: core::array::from_fn(|_| RecentTypeString {
                addr: 0,
                text: Box::default(),
                ty: crate::table::ids::VOID,
            }),
            members: MemberCache::new(),
            metatyped: TypeSet::default(),
            calls: Default::default(),
            libraries: Vec::new(),
            caller: Default::default(),
            callbacks: Default::default(),
            cell: 0,
            main: core::ptr::null_mut(),
        }
    }
}

/// A set of type ids, as a bit set (ids are dense).
#[derive(Default)]
pub(crate) struct TypeSet {
    bits: Vec<u64>,
}

impl TypeSet {
    /// Whether no type has been added.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        // Bits are only ever set, and words are added only to set one.
        self.bits.is_empty()
    }

    /// Whether `ty` is in the set.
    #[inline(always)]
    pub fn contains(&self, ty: CTypeId) -> bool {
        let i = ty.index() as usize;
        self.bits.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 != 0)
    }

    /// Adds `ty`.
    pub fn insert(&mut self, ty: CTypeId) {
        let i = ty.index() as usize;
        if self.bits.len() <= i / 64 {
            self.bits.resize(i / 64 + 1, 0);
        }
        self.bits[i / 64] |= 1 << (i % 64);
    }
}

/// One remembered member lookup.
#[derive(Copy, Clone)]
pub(crate) struct MemberSlot {
    /// The struct type (`u32::MAX`: empty).
    pub struct_ty: u32,
    /// Address of the bytes of the Lua string used as key. While the slot holds it, the
    /// string is anchored (upvalue `ANCHORS`), so no other string can have this address:
    /// a hit is a pointer comparison.
    pub key: usize,
    /// What the lookup found.
    pub info: FieldInfo,
    /// The member's kind when it reads and writes as a plain Lua number or boolean.
    pub scalar: Option<ScalarKind>,
    /// Whether the member's own type is const.
    pub konst: bool,
}

/// A direct-mapped cache of member lookups (committed struct types never change their
/// members, and committed type ids are never reused).
///
/// A slot is filled only after its key string is anchored in `ANCHORS[slot + 1]`, and an
/// anchor is replaced only by an operation that refills the slot right after, with no Lua
/// allocation (so no collection) in between: a slot never names a collected string.
pub(crate) struct MemberCache {
    slots: Box<[MemberSlot; MEMBER_SLOTS]>,
}

impl MemberCache {
    fn new() -> Self {
        let empty = MemberSlot {
            struct_ty: u32::MAX,
            key: 0,
            info: FieldInfo { ty: crate::table::ids::VOID, offset: 0, bits: None },
            scalar: None,
            konst: false,
        };
        MemberCache { slots: Box::new([empty; MEMBER_SLOTS]) }
    }

    /// The slot for member key `key` (address of its bytes) of struct `sty`.
    #[inline(always)]
    pub fn slot_index(sty: CTypeId, key: usize) -> usize {
        ((key >> 4) ^ (key >> 12) ^ (sty.index() as usize).wrapping_mul(31)) & (MEMBER_SLOTS - 1)
    }

    /// The cached lookup, if this slot holds it.
    #[inline(always)]
    pub fn hit(&self, sty: CTypeId, key: usize) -> Option<MemberSlot> {
        let s = &self.slots[Self::slot_index(sty, key)];
        (s.struct_ty == sty.index() && s.key == key).then_some(*s)
    }

    /// Fills slot `i` (its key must be anchored, see the type docs).
    #[inline]
    pub fn fill(&mut self, i: usize, slot: MemberSlot) {
        self.slots[i & (MEMBER_SLOTS - 1)] = slot;
    }
}

/// The registry cell that closures reach the context through.
#[repr(C)]
pub(crate) struct ContextCell {
    /// The context; null once a Lua-owned context was freed by `__gc`.
    pub ctx: *mut Context,
    /// Whether the host frees the context (after `lua_close`) instead of `__gc`.
    pub host_owned: bool,
}

/// The registry key of the context cell (a light userdata: looking it up needs no string).
static CONTEXT_KEY: u8 = 0;

/// The light-userdata registry key of the context cell.
pub(crate) fn context_key() -> *mut c_void {
    &CONTEXT_KEY as *const u8 as *mut c_void
}

/// `__gc` of the context cell: frees a Lua-owned context at `lua_close`.
///
/// # Safety
/// Called by Lua with the cell at index 1.
pub(crate) unsafe extern "C-unwind" fn cell_gc<V: Vm>(l: *mut lua_State) -> c_int {
    // SAFETY: Lua calls this with a live state of V's version.
    let lua = unsafe { Lua::new::<V>(l) };
    // SAFETY: index 1 is the object being finalised.
    let cell = unsafe { lua.touserdata(1) } as *mut ContextCell;
    // Only the registered cell: the debug library can reach this metamethod and call it
    // with any value.
    // SAFETY: a live state; a C function has the two free slots find_cell needs.
    if cell.is_null() || unsafe { find_cell(lua.stack()) } != NonNull::new(cell) {
        return 0;
    }
    // SAFETY: `cell` is the registered cell, whose block holds a ContextCell.
    let cell = unsafe { &mut *cell };
    if cell.host_owned || cell.ctx.is_null() {
        return 0;
    }
    let ctx = core::mem::replace(&mut cell.ctx, core::ptr::null_mut());
    // SAFETY: the pointer is the Box `new_cell` made, taken out of the cell once.
    drop(unsafe { Box::from_raw(ctx) });
    0
}

/// Creates the context and its cell (Lua-owned, with `__gc`), anchors the cell in the
/// registry and leaves it on the stack.
///
/// # Safety
/// A live state with four free stack slots. Raises on allocation failure, with nothing of
/// its own to leak: the context is made last, when nothing can raise any more.
pub(crate) unsafe fn new_cell<V: Vm>(lua: Lua) -> *mut ContextCell {
    // Nothing is owned here until the end: every raising call below may unwind.
    // SAFETY: a free slot (the caller reserved four); raises only on allocation failure.
    let cell =
        unsafe { lua.newuserdatauv(core::mem::size_of::<ContextCell>(), 0) } as *mut ContextCell;
    // SAFETY: the fresh block has room for a ContextCell and is suitably aligned.
    unsafe { cell.write(ContextCell { ctx: core::ptr::null_mut(), host_owned: false }) };
    // SAFETY: the second of the four free slots; may raise (nothing is owned).
    unsafe { lua.createtable(0, 1) };
    // SAFETY: the third free slot; may raise (nothing is owned).
    unsafe { lua.pushcclosure(cell_gc::<V>, 0) };
    // SAFETY: the metatable is below the closure.
    unsafe { lua.set_field(-2, b"__gc\0") };
    // SAFETY: the cell is below its metatable.
    unsafe { lua.setmetatable(-2) };
    // SAFETY: the second free slot again (the metatable was consumed).
    unsafe { lua.pushlightuserdata(context_key()) };
    // SAFETY: the third free slot; the cell is below the key.
    unsafe { lua.pushvalue(-2) };
    // SAFETY: the registry is a table; key and cell on top.
    unsafe { lua.rawset(lua.registry()) };
    // SAFETY: `cell` is the block on the stack (anchored in the registry).
    let mut ctx = Box::new(Context::new());
    ctx.cell = cell as usize;
    // SAFETY: `cell` is the block on the stack (anchored in the registry).
    unsafe { (*cell).ctx = Box::into_raw(ctx) };
    cell
}

/// The context cell of the ffi module opened in this state, if any.
///
/// # Safety
/// A live state with two free stack slots.
pub(crate) unsafe fn find_cell(s: Stack) -> Option<NonNull<ContextCell>> {
    // SAFETY: the caller's contract (a free slot).
    unsafe { s.pushlightuserdata(context_key()) };
    // SAFETY: the registry is a table; the key is on top.
    let found = LuaType::from_tag(unsafe { s.rawget(s.registry()) });
    let cell = if found == LuaType::Userdata {
        // SAFETY: the lookup result is on top.
        unsafe { s.touserdata(-1) as *mut ContextCell }
    } else {
        core::ptr::null_mut()
    };
    // SAFETY: the lookup result is on top.
    unsafe { s.pop(1) };
    NonNull::new(cell)
}

/// The right to free a state's ffi context; see the module docs. Dropping it frees the
/// context.
pub struct ContextOwner(NonNull<Context>);

// SAFETY: the owner only carries the right to free the context once the state is closed;
// it never touches the context otherwise, so moving it between threads is harmless.
unsafe impl Send for ContextOwner {}

impl Drop for ContextOwner {
    fn drop(&mut self) {
        // SAFETY: `claim_context` made this the context's only owner, and its contract
        // says the owner is dropped only after `lua_close` of the state.
        unsafe { drop(Box::from_raw(self.0.as_ptr())) }
    }
}

/// Takes over freeing the ffi context of the state `l` (where `open` ran): from now on
/// the context outlives every finaliser at `lua_close`, and is freed when the returned
/// owner is dropped. `None` when ffi is not open in `l` or the context is already claimed.
///
/// # Safety
/// `l` is a live state of `V`'s version with two free stack slots, no ffi function of
/// the state is running, and the owner must be dropped only after `lua_close(l)`
/// (dropping it earlier frees memory the state's ffi functions still use).
pub unsafe fn claim_context<V: Vm>(l: *mut lua_State) -> Option<ContextOwner> {
    // SAFETY: the caller's contract.
    let lua = unsafe { Lua::new::<V>(l) };
    // SAFETY: the caller's contract.
    let cell = unsafe { find_cell(lua.stack()) }?;
    // SAFETY: the cell lives in the registry until lua_close; nothing else holds a
    // reference to it now (no ffi function is running in this state).
    let cell = unsafe { &mut *cell.as_ptr() };
    if cell.host_owned {
        return None;
    }
    let ctx = NonNull::new(cell.ctx)?;
    cell.host_owned = true;
    Some(ContextOwner(ctx))
}
