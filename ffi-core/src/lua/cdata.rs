//! cdata objects: full userdata with a small header and an aligned payload.
//!
//! ```text
//!  userdata block (from lua_newuserdata, >= 8-aligned)
//!  +-----------+--------+-----------+---------+-----------+--------------------------+
//!  | magic u32 | ty u32 | flags u16 | off u16 | nelem u32 | payload, aligned to type |
//!  +-----------+--------+-----------+---------+-----------+--------------------------+
//!  ^ block                                                  ^ block + off
//! ```
//!
//! Every cdata shares one metatable (or its variant with `__gc`), so `__eq` and `__lt`
//! work between any two cdata on every VM. A ctype object is a cdata with the `CTYPE` flag
//! whose payload is the id of the type it stands for.
//!
//! [`Cdata::get`] recognises a block by its size and magic number, and checks the type
//! ids it holds against the type table once, so nothing later indexes the table with an
//! id a foreign userdata made up.

use super::frame::FrameStack;
use super::upvalues;
use crate::ctype::{CTypeId, Kind};
use crate::luaapi::{Lua, Stack, Vm};
use crate::table::CTypeTable;
use core::ffi::c_int;

/// The header at the start of every cdata block.
#[repr(C)]
struct Header {
    /// [`magic`]: tells our blocks from other userdata of at least the header's size
    /// (pure Lua cannot create userdata with chosen contents; C libraries' userdata do not
    /// start with this value), and from the cdata of another copy of this library loaded
    /// into the same state (`ffi.so` copied as `bit.so`: two contexts, two type tables).
    magic: u32,
    /// The cdata's C type.
    ty: u32,
    /// `CTYPE` for ctype objects.
    flags: u16,
    /// Offset of the payload from the block start.
    off: u16,
    /// Element count of a variable-length array or struct (0 otherwise).
    nelem: u32,
}

/// Mixed into [`magic`].
const MAGIC: u32 = 0xFF1C_DA7A;

/// Its address differs between copies of this code loaded into one process.
static COPY_ANCHOR: u8 = 0;

/// The first four bytes of every cdata block: [`MAGIC`] mixed with where this copy of the
/// code is loaded, so that each copy recognises only its own cdata.
#[inline(always)]
pub fn magic() -> u32 {
    MAGIC ^ ((&COPY_ANCHOR as *const u8 as usize >> 4) as u32)
}

/// The header flag of ctype objects.
const CTYPE: u16 = 1;

const HEADER: usize = core::mem::size_of::<Header>();

/// The largest payload alignment a cdata block honours (LuaJIT's largest alignment too):
/// the payload offset, below `HEADER + MAX_ALIGN`, fits the header's u16.
pub(crate) const MAX_ALIGN: usize = 32768;

/// A cdata found on the Lua stack, with its header already checked.
#[derive(Copy, Clone)]
pub(crate) struct Cdata {
    header: *mut Header,
    payload: *mut u8,
    ty: CTypeId,
}

impl Cdata {
    /// The cdata at `idx`, if the value there is a full userdata of at least the header's
    /// size that starts with [`MAGIC`] and whose type ids are below `ntypes`.
    #[inline(always)]
    pub fn get<V: Vm>(stack: &FrameStack<V>, idx: c_int, ntypes: usize) -> Option<Cdata> {
        // A light userdata has no length (0), so it is never taken for a cdata.
        let (block, len) = stack.userdata_block(idx)?;
        Cdata::from_block(block, len, ntypes)
    }

    /// [`get`](Self::get) on a raw stack (for helpers that generated code calls).
    ///
    /// # Safety
    /// `idx` is a valid index of the running C function's frame (or a pseudo-index).
    pub unsafe fn get_raw(stack: Stack, idx: c_int, ntypes: usize) -> Option<Cdata> {
        // SAFETY: a live state and a valid index (the caller's contract).
        let p = unsafe { stack.touserdata(idx) } as *mut u8;
        if p.is_null() {
            return None;
        }
        // SAFETY: as above; lua_rawlen of a userdata only reads.
        let len = unsafe { stack.rawlen(idx) };
        Cdata::from_block(p, len, ntypes)
    }

    /// A block of `len` bytes at `block` as a cdata, if it is one.
    #[inline(always)]
    fn from_block(block: *mut u8, len: usize, ntypes: usize) -> Option<Cdata> {
        if len < HEADER {
            return None;
        }
        let header = block as *mut Header;
        // SAFETY: a full userdata block of `len` >= HEADER bytes starts with a header-sized
        // region (userdata blocks are at least 8-aligned, enough for Header).
        let h = unsafe { header.read() };
        let off = h.off as usize;
        if h.magic != magic() || h.ty as usize >= ntypes || off > len {
            return None;
        }
        // `off` <= `len`: the payload pointer stays inside the block.
        let payload = block.wrapping_add(off);
        if h.flags & CTYPE != 0 {
            // SAFETY: a ctype object's payload holds a u32 when the block has room for it.
            let target =
                (off + 4 <= len).then(|| unsafe { payload.cast::<u32>().read_unaligned() });
            if target.is_none_or(|t| t as usize >= ntypes) {
                return None;
            }
        }
        Some(Cdata { header, payload, ty: CTypeId::from_index(h.ty) })
    }

    /// Its C type (for a ctype object, the type of the object itself; see
    /// [`named_type`](Self::named_type)).
    #[inline(always)]
    pub fn ty(self) -> CTypeId {
        self.ty
    }

    /// Whether it is a ctype object.
    #[inline(always)]
    pub fn is_ctype(self) -> bool {
        // SAFETY: `header` points to the header of a live cdata block (checked by `get`);
        // the block stays alive while it is on the stack of the current call.
        let flags = unsafe { (*self.header).flags };
        flags & CTYPE != 0
    }

    /// The element count of a VLA/VLS cdata.
    pub fn nelem(self) -> u32 {
        // SAFETY: as for `is_ctype`.
        unsafe { (*self.header).nelem }
    }

    /// The payload.
    #[inline(always)]
    pub fn payload(self) -> *mut u8 {
        self.payload
    }

    /// For a ctype object: the type it stands for (checked by `get`).
    pub fn ctype_target(self) -> CTypeId {
        // SAFETY: a ctype object's payload holds a u32, checked by `get`.
        CTypeId::from_index(unsafe { self.payload.cast::<u32>().read_unaligned() })
    }

    /// The type a ctype object stands for, or the type of any other cdata.
    pub fn named_type(self) -> CTypeId {
        if self.is_ctype() {
            self.ctype_target()
        } else {
            self.ty
        }
    }

    /// Where its value is: the payload, or for a reference the address it holds (with the
    /// referenced type).
    #[inline(always)]
    pub fn data(self, tt: &CTypeTable) -> (CTypeId, *mut u8) {
        match tt.get(self.ty).kind {
            // SAFETY: a reference cdata's payload holds the referenced address.
            Kind::Ref(to) => (to, unsafe { self.payload.cast::<*mut u8>().read() }),
            _ => (self.ty, self.payload),
        }
    }
}

/// A value to be boxed in a new cdata (a 64-bit integer, pointer, complex number,
/// reference or ctype object): at most 16 payload bytes.
#[derive(Copy, Clone)]
pub(crate) struct Boxed {
    /// The new cdata's type.
    pub ty: CTypeId,
    /// Payload bytes used.
    pub len: u8,
    /// Payload alignment.
    pub align: u8,
    /// Whether the new cdata is a ctype object.
    pub ctype: bool,
    /// The payload.
    pub bytes: [u8; 16],
}

impl Boxed {
    /// A cdata of type `ty` holding a copy of `len` bytes at `src` (`len` <= 16).
    ///
    /// # Safety
    /// `src` is readable for `len` bytes.
    pub unsafe fn copy(ty: CTypeId, src: *const u8, len: usize, align: usize) -> Boxed {
        let len = len.min(16);
        let mut bytes = [0u8; 16];
        // SAFETY: the caller guarantees `len` readable bytes; `bytes` holds 16.
        unsafe { core::ptr::copy_nonoverlapping(src, bytes.as_mut_ptr(), len) };
        Boxed { ty, len: len as u8, align: align.clamp(1, 16) as u8, ctype: false, bytes }
    }

    /// A 64-bit integer of type `ty`.
    pub fn int64(ty: CTypeId, v: i64) -> Boxed {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&v.to_ne_bytes());
        Boxed { ty, len: 8, align: 8, ctype: false, bytes }
    }

    /// A pointer or reference of type `ty` holding address `p`.
    pub fn address(ty: CTypeId, p: usize) -> Boxed {
        Boxed::int64(ty, p as i64)
    }

    /// The ctype object for `ty`.
    pub fn ctype(ty: CTypeId) -> Boxed {
        let mut bytes = [0u8; 16];
        bytes[..4].copy_from_slice(&ty.index().to_ne_bytes());
        Boxed { ty, len: 4, align: 4, ctype: true, bytes }
    }
}

/// Pushes a new cdata block of type `ty` with `size` payload bytes aligned to `align`
/// and the shared metatable; its payload is left for the caller to write. Returns the
/// payload.
///
/// # Safety
/// A live state inside an ffi closure (upvalues as in [`upvalues`]) with two free stack
/// slots. Raises on allocation failure.
#[inline(always)]
unsafe fn push_block(
    lua: Lua,
    ty: CTypeId,
    size: usize,
    align: usize,
    nelem: u32,
    flags: u16,
) -> *mut u8 {
    // Callers check MAX_ALIGN (`ffi.new` raises beyond it); the clamp keeps `off` in u16.
    let align = align.clamp(1, MAX_ALIGN);
    let extra = align.saturating_sub(8);
    // SAFETY: the caller's contract (a free slot); raises on allocation failure, with
    // nothing owned here.
    let block = unsafe { lua.newuserdatauv(HEADER + size + extra, 0) } as *mut u8;
    let base = block as usize + HEADER;
    let payload = (base + align - 1) & !(align - 1);
    let off = payload - block as usize;
    let header = Header { magic: magic(), ty: ty.index(), flags, off: off as u16, nelem };
    // SAFETY: the block has HEADER + size + extra bytes and is at least 8-aligned, so the
    // header fits at its start.
    unsafe { block.cast::<Header>().write(header) };
    // SAFETY: a free slot; upvalue CDATA_MT is the shared cdata metatable.
    unsafe { lua.pushvalue(lua.upvalue(upvalues::CDATA_MT)) };
    // SAFETY: the new block is below its metatable on top.
    unsafe { lua.setmetatable(-2) };
    payload as *mut u8
}

/// Pushes a new zeroed cdata of type `ty` (see [`push_block`]). Returns its payload.
///
/// # Safety
/// As for [`push_block`].
#[inline(always)]
pub(crate) unsafe fn push_new(
    lua: Lua,
    ty: CTypeId,
    size: usize,
    align: usize,
    nelem: u32,
) -> *mut u8 {
    // SAFETY: the caller's contract.
    let p = unsafe { push_block(lua, ty, size, align, nelem, 0) };
    // SAFETY: the new payload has `size` bytes.
    unsafe { core::ptr::write_bytes(p, 0, size) };
    p
}

/// Pushes the cdata `b` describes.
///
/// # Safety
/// As for [`push_block`].
#[inline(always)]
pub(crate) unsafe fn push_boxed(lua: Lua, b: &Boxed) {
    let flags = if b.ctype { CTYPE } else { 0 };
    // SAFETY: the caller's contract.
    let p = unsafe { push_block(lua, b.ty, b.len as usize, b.align as usize, 0, flags) };
    // SAFETY: the new payload has `b.len` bytes, all written here; `b.bytes` has at least
    // as many.
    unsafe { core::ptr::copy_nonoverlapping(b.bytes.as_ptr(), p, b.len as usize) };
}

/// Gives the cdata at `idx` the metatable variant with `__gc`, so that its finaliser runs
/// (setting a metatable with `__gc` marks the object for finalisation).
///
/// # Safety
/// A live state inside an ffi closure; `idx` holds a cdata; one free stack slot.
#[inline(always)]
pub(crate) unsafe fn make_finalizable(lua: Lua, idx: c_int) {
    // SAFETY: the caller's contract: `idx` is valid.
    let idx = unsafe { lua.absindex(idx) };
    // SAFETY: a free slot; upvalue GC_MT is the metatable variant with __gc.
    unsafe { lua.pushvalue(lua.upvalue(upvalues::GC_MT)) };
    // SAFETY: `idx` holds a cdata; its new metatable is on top.
    unsafe { lua.setmetatable(idx) };
}
