//! cdata objects: full userdata with a small header and an aligned payload.
//!
//! ```text
//!  userdata block (from lua_newuserdata, >= 8-aligned)
//!  +--------+-------+-------+--------+--------+----------------------------+
//!  | magic u32 | ty u32 | flags u16 | off u16 | nelem u32 | payload (aligned to type) |
//!  +--------+-------+-------+--------+--------+----------------------------+
//!  ^ block                                     ^ block + off
//! ```
//!
//! Every cdata shares one metatable (upvalue 2 of every ffi closure), so `__eq` and
//! `__lt` work between any two cdata on every VM. A ctype object is a cdata with the
//! `CTYPE` flag whose payload is the id of the type it stands for.

use super::api::Lua;
use crate::ctype::CTypeId;
use core::ffi::c_int;

/// The header at the start of every cdata block.
#[repr(C)]
pub struct Header {
    /// [`MAGIC`]: tells our blocks from other userdata of at least the header's size
    /// (pure Lua cannot create userdata with chosen contents; C libraries' userdata do not
    /// start with this value).
    pub magic: u32,
    /// The cdata's C type.
    pub ty: u32,
    /// `CTYPE` for ctype objects.
    pub flags: u16,
    /// Offset of the payload from the block start.
    pub off: u16,
    /// Element count of a variable-length array or struct (0 otherwise).
    pub nelem: u32,
}

/// The first four bytes of every cdata block.
pub const MAGIC: u32 = 0xFF1C_DA7A;

/// The header flag of ctype objects.
pub const CTYPE: u16 = 1;

const HDR: usize = core::mem::size_of::<Header>();

/// Upvalue numbers shared by all ffi closures.
pub mod uv {
    /// The per-state context (light userdata).
    pub const CTX: i32 = 1;
    /// The shared cdata metatable.
    pub const META: i32 = 2;
    /// ctype id -> metatable of `ffi.metatype`.
    pub const METATYPES: i32 = 3;
    /// cdata -> finaliser (weak keys).
    pub const FINALIZERS: i32 = 4;
    /// How many upvalues every closure has.
    pub const COUNT: i32 = 4;
}

/// A cdata found on the stack.
#[derive(Copy, Clone)]
pub struct CdataRef {
    /// The header.
    pub hdr: *mut Header,
    /// The payload.
    pub ptr: *mut u8,
}

impl CdataRef {
    /// Its C type.
    pub fn ty(self) -> CTypeId {
        // SAFETY: `hdr` points to the header of a live cdata block (checked by `get`).
        CTypeId::from_index(unsafe { (*self.hdr).ty })
    }
    /// Whether it is a ctype object.
    pub fn is_ctype(self) -> bool {
        // SAFETY: as above.
        unsafe { (*self.hdr).flags & CTYPE != 0 }
    }
    /// The element count of a VLA/VLS cdata.
    pub fn nelem(self) -> u32 {
        // SAFETY: as above.
        unsafe { (*self.hdr).nelem }
    }
    /// For a ctype object: the type it stands for.
    pub fn ctype_target(self) -> CTypeId {
        // SAFETY: the payload of a ctype object holds a u32, written by `push_ctype`.
        CTypeId::from_index(unsafe { (self.ptr as *const u32).read() })
    }
}

/// Pushes a new cdata of type `ty` with `size` payload bytes aligned to `align`, zeroed.
/// Returns its payload.
///
/// # Safety
/// A live state inside an ffi closure (upvalue META is the cdata metatable). May raise
/// (out of memory).
pub unsafe fn push_new(lua: Lua, ty: CTypeId, size: usize, align: usize, nelem: u32) -> *mut u8 {
    let align = align.clamp(1, 4096);
    let extra = align.saturating_sub(8);
    // SAFETY: the caller guarantees a live state; the block is at least HDR + size +
    // extra bytes, so the aligned payload fits.
    unsafe {
        let block = lua.newuserdata(HDR + size + extra) as *mut u8;
        let base = block as usize + HDR;
        let payload = (base + align - 1) & !(align - 1);
        let off = payload - block as usize;
        block.cast::<Header>().write(Header {
            magic: MAGIC,
            ty: ty.index(),
            flags: 0,
            off: off as u16,
            nelem,
        });
        core::ptr::write_bytes(payload as *mut u8, 0, size);
        lua.pushvalue(lua.upvalue(uv::META));
        lua.setmetatable(-2);
        payload as *mut u8
    }
}

/// Gives the cdata at `idx` the metatable variant with `__gc`, so that its finaliser
/// runs (setting a metatable with `__gc` marks the object for finalisation).
///
/// # Safety
/// A live state inside an ffi closure; `idx` holds a cdata.
pub unsafe fn make_finalizable(lua: Lua, idx: c_int) {
    // SAFETY: forwarded contract; the variant is stored in the shared metatable by
    // `open`.
    unsafe {
        let idx = lua.absindex(idx);
        lua.pushvalue(lua.upvalue(uv::META));
        lua.pushbytes(b"__ffi_gc_mt");
        lua.rawget(-2);
        lua.setmetatable(idx);
        lua.pop(1);
    }
}

/// Pushes a ctype object for `ty`.
///
/// # Safety
/// As for [`push_new`].
pub unsafe fn push_ctype(lua: Lua, ty: CTypeId) {
    // SAFETY: as for push_new; the payload has room for a u32.
    unsafe {
        let p = push_new(lua, ty, 4, 4, 0);
        (p as *mut u32).write(ty.index());
        let hdr = lua.touserdata(-1) as *mut Header;
        (*hdr).flags |= CTYPE;
    }
}

/// The cdata at `idx`, if the value there is one: a full userdata at least as large as
/// the header that starts with [`MAGIC`].
///
/// # Safety
/// A live state inside an ffi closure.
#[inline(always)]
pub unsafe fn get(lua: Lua, idx: c_int) -> Option<CdataRef> {
    // SAFETY: the caller guarantees a live state; the block is read only after its size
    // (lua_rawlen of a full userdata) is known to cover the header.
    unsafe {
        let block = lua.touserdata(idx) as *mut u8;
        if block.is_null() || lua.rawlen(idx) < HDR {
            // Light userdata have no length: rawlen gives 0.
            return None;
        }
        let hdr = block as *mut Header;
        if (*hdr).magic != MAGIC {
            return None;
        }
        Some(CdataRef { hdr, ptr: block.add((*hdr).off as usize) })
    }
}
