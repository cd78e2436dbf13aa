//! Executable memory: the [`ExecMemory`] trait the emitter places code through, and the
//! [`CodeArena`] that packs a state's thunks into pages.
//!
//! Pages are never writable and executable at once: the arena appends code to a page
//! made writable (and not executable), then makes it executable and read-only again
//! before anything can run there. A state runs on one thread at a time, and code is
//! added only from that thread, so no thunk of this arena runs while its page is
//! writable. Everything is unmapped when the arena is dropped (with the state's context,
//! at `lua_close`).

use crate::luaapi::{CodeRegion, Host};
use alloc::vec::Vec;

/// A provider of code pages (implemented by [`Host`], whose `std` implementation maps
/// anonymous memory with `dynasmrt`'s mmap buffers and flips it with `mprotect`).
pub trait ExecMemory {
    /// Maps at least `len` writable, non-executable bytes.
    fn map(&self, len: usize) -> Option<CodeRegion>;
    /// Makes `r` executable and read-only (`true`) or writable and not executable.
    fn protect(&self, r: &mut CodeRegion, executable: bool) -> bool;
    /// Unmaps `r`.
    fn unmap(&self, r: CodeRegion);
}

impl ExecMemory for Host {
    fn map(&self, len: usize) -> Option<CodeRegion> {
        // SAFETY: `Host` tables hold the host's own functions (the adapter's contract).
        unsafe { self.map_code(len) }
    }
    fn protect(&self, r: &mut CodeRegion, executable: bool) -> bool {
        // SAFETY: `r` came from this host; the arena runs no code in it while writable.
        unsafe { self.protect_code(r, executable) }
    }
    fn unmap(&self, r: CodeRegion) {
        // SAFETY: `r` came from this host; the arena's owner ensures nothing uses it.
        unsafe { self.unmap_code(r) }
    }
}

/// The size of each region the arena maps.
const REGION: usize = 64 * 1024;

/// A state's code: regions filled from the start, each executable except while code is
/// being appended.
pub struct CodeArena<M: ExecMemory> {
    mem: M,
    regions: Vec<(CodeRegion, usize)>,
}

impl<M: ExecMemory> CodeArena<M> {
    /// An empty arena.
    pub fn new(mem: M) -> CodeArena<M> {
        CodeArena { mem, regions: Vec::new() }
    }

    /// Copies `code` into executable memory and returns its address (16-aligned), or
    /// `None` when the host cannot map or protect memory.
    pub fn place(&mut self, code: &[u8]) -> Option<*const u8> {
        let need = code.len().div_ceil(16) * 16;
        let fits = matches!(self.regions.last(), Some((r, used)) if r.len - used >= need);
        if !fits {
            let mut r = self.mem.map(need.max(REGION))?;
            if !self.mem.protect(&mut r, true) {
                self.mem.unmap(r);
                return None;
            }
            self.regions.push((r, 0));
        }
        let (r, used) = self.regions.last_mut()?;
        if !self.mem.protect(r, false) {
            return None;
        }
        let at = r.ptr.wrapping_add(*used);
        // SAFETY: the region is writable now and has `need` >= code.len() bytes free at
        // `at` (checked above); `code` does not overlap a fresh mapping.
        unsafe { core::ptr::copy_nonoverlapping(code.as_ptr(), at, code.len()) };
        *used += need;
        if !self.mem.protect(r, true) {
            return None;
        }
        Some(at as *const u8)
    }

    /// Bytes of code placed so far (for tests and statistics).
    pub fn used(&self) -> usize {
        self.regions.iter().map(|r| r.1).sum()
    }
}

impl<M: ExecMemory> Drop for CodeArena<M> {
    fn drop(&mut self) {
        for (r, _) in self.regions.drain(..) {
            self.mem.unmap(r);
        }
    }
}
