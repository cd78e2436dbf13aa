//! Host services: what a `no_std` core cannot do itself (map executable memory, open
//! shared libraries and find symbols, reach the C `errno`, tell threads apart, stop the
//! process). A `#[repr(C)]` table of C-ABI functions in [`super::LuaApi`], filled by the
//! adapter; `ffi-core`'s `std` feature provides [`Host::STD`](crate::host_std).
//!
//! Machine code is written while its pages are writable and not executable, then flipped
//! to executable and read-only ([`Host::code_protect`]): pages are never writable and
//! executable at once.

use core::ffi::{c_char, c_int, c_void, CStr};

/// A mapping for machine code.
#[repr(C)]
#[derive(Debug)]
pub struct CodeRegion {
    /// Its first byte (page-aligned).
    pub ptr: *mut u8,
    /// Its length in bytes (at least what was asked for).
    pub len: usize,
    /// The host's own handle for it.
    pub handle: *mut c_void,
}

/// An error message from the host (for example `dlerror()`), truncated to the buffer.
#[repr(C)]
pub struct HostError {
    /// Bytes used in `text`.
    pub len: usize,
    /// The message (UTF-8 where the host's message is).
    pub text: [u8; 256],
}

impl HostError {
    /// An empty message.
    pub const fn new() -> HostError {
        HostError { len: 0, text: [0; 256] }
    }

    /// Stores `msg`, cut at the buffer's size (on a character boundary).
    pub fn set(&mut self, msg: &str) {
        let mut n = msg.len().min(self.text.len());
        while !msg.is_char_boundary(n) {
            n -= 1;
        }
        self.text[..n].copy_from_slice(&msg.as_bytes()[..n]);
        self.len = n;
    }

    /// The message.
    pub fn as_str(&self) -> &str {
        let bytes = &self.text[..self.len.min(self.text.len())];
        match core::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => core::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
        }
    }
}

impl core::fmt::Debug for HostError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("HostError").field(&self.as_str()).finish()
    }
}

impl Default for HostError {
    fn default() -> Self {
        HostError::new()
    }
}

/// The host services (see the module docs). Every function is C-ABI so that a C host or
/// a run-time loader can provide them.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct Host {
    /// Maps at least `len` bytes of readable, writable, non-executable memory into
    /// `*region`. Returns 1 on success, 0 on failure.
    pub code_map: unsafe extern "C" fn(len: usize, region: *mut CodeRegion) -> c_int,
    /// Makes a mapped region executable and read-only (`executable` != 0) or writable and
    /// not executable (0), in place. Returns 1 on success, 0 on failure.
    pub code_protect: unsafe extern "C" fn(region: *mut CodeRegion, executable: c_int) -> c_int,
    /// Unmaps a region made by `code_map`.
    pub code_unmap: unsafe extern "C" fn(region: *mut CodeRegion),
    /// Opens the shared library at `path` exactly as given (name rules are `ffi.load`'s
    /// business); `global` != 0 makes its symbols visible to later loads and to
    /// [`lib_default`](Self::lib_default). Null on failure, with the reason in `*err`.
    pub lib_open: unsafe extern "C" fn(
        path: *const c_char,
        global: c_int,
        err: *mut HostError,
    ) -> *mut c_void,
    /// The handle of the default namespace (`ffi.C`): the program and the libraries loaded
    /// into its global scope.
    pub lib_default: unsafe extern "C" fn() -> *mut c_void,
    /// The address of symbol `name` in `lib`; null when it is not there.
    pub lib_symbol: unsafe extern "C" fn(lib: *mut c_void, name: *const c_char) -> *mut c_void,
    /// Closes a library opened by `lib_open`.
    pub lib_close: unsafe extern "C" fn(lib: *mut c_void),
    /// The calling thread's `errno` (what `__errno_location()` returns on Linux).
    pub errno_location: unsafe extern "C" fn() -> *mut c_int,
    /// A number that differs between threads alive at the same time.
    pub thread_id: unsafe extern "C" fn() -> usize,
    /// Prints `msg` (UTF-8, `len` bytes) to the standard error stream and aborts the
    /// process: for faults that cannot be reported as Lua errors.
    pub fatal: unsafe extern "C" fn(msg: *const u8, len: usize) -> !,
}

impl Host {
    /// Maps `len` bytes of writable memory for code.
    ///
    /// # Safety
    /// The table's functions must be the host's own (as [`Host::STD`](crate::host_std)).
    pub unsafe fn map_code(&self, len: usize) -> Option<CodeRegion> {
        let mut r =
            CodeRegion { ptr: core::ptr::null_mut(), len: 0, handle: core::ptr::null_mut() };
        // SAFETY: `r` is a valid out-parameter; the caller vouches for the table.
        (unsafe { (self.code_map)(len, &mut r) } != 0).then_some(r)
    }

    /// Flips a region between executable (read-only) and writable.
    ///
    /// # Safety
    /// `r` came from [`map_code`](Self::map_code) of this host; no code in it runs while it
    /// is writable.
    pub unsafe fn protect_code(&self, r: &mut CodeRegion, executable: bool) -> bool {
        // SAFETY: `r` is this host's mapping and nothing runs in it while it is writable
        // (the caller's contract), which is all `code_protect` requires.
        unsafe { (self.code_protect)(r, executable as c_int) != 0 }
    }

    /// Unmaps a region.
    ///
    /// # Safety
    /// `r` came from [`map_code`](Self::map_code) of this host; nothing uses it any more.
    pub unsafe fn unmap_code(&self, mut r: CodeRegion) {
        // SAFETY: `r` is this host's mapping and nothing uses it any more (the caller's
        // contract), which is all `code_unmap` requires.
        unsafe { (self.code_unmap)(&mut r) }
    }

    /// Opens a shared library.
    ///
    /// # Safety
    /// Loading a library runs its initialisers; the caller accepts what they do.
    pub unsafe fn open_library(
        &self,
        path: &CStr,
        global: bool,
    ) -> Result<*mut c_void, alloc::boxed::Box<HostError>> {
        let mut err = alloc::boxed::Box::new(HostError::new());
        // SAFETY: `path` is NUL-terminated and `err` a valid out-parameter.
        let h = unsafe { (self.lib_open)(path.as_ptr(), global as c_int, &mut *err) };
        if h.is_null() {
            Err(err)
        } else {
            Ok(h)
        }
    }

    /// The address of `name` in library `lib` (or in the default namespace), if any.
    ///
    /// # Safety
    /// `lib` is a live handle from this host.
    pub unsafe fn symbol(&self, lib: *mut c_void, name: &CStr) -> Option<*mut c_void> {
        // SAFETY: `lib` is a live handle of this host (the caller's contract); `name` is a
        // NUL-terminated `CStr`.
        let p = unsafe { (self.lib_symbol)(lib, name.as_ptr()) };
        (!p.is_null()).then_some(p)
    }

    /// The calling thread's `errno`.
    ///
    /// # Safety
    /// The host's functions keep to their documented contracts (those of
    /// [`Host::STD`](crate::luaapi::Host) do).
    pub unsafe fn errno(&self) -> c_int {
        // SAFETY: `errno_location` answers the calling thread's errno (the caller's
        // contract).
        let p = unsafe { (self.errno_location)() };
        // SAFETY: the errno location of the calling thread is valid for reads.
        unsafe { p.read() }
    }

    /// Sets the calling thread's `errno`.
    ///
    /// # Safety
    /// As for [`errno`](Self::errno).
    pub unsafe fn set_errno(&self, v: c_int) {
        // SAFETY: `errno_location` answers the calling thread's errno (the caller's
        // contract).
        let p = unsafe { (self.errno_location)() };
        // SAFETY: the errno location of the calling thread is valid for writes.
        unsafe { p.write(v) }
    }

    /// The calling thread's id (see [`Host::thread_id`](Self::thread_id)).
    ///
    /// # Safety
    /// As for [`errno`](Self::errno).
    pub unsafe fn current_thread(&self) -> usize {
        // SAFETY: `thread_id` takes no arguments and only answers (the caller's contract).
        unsafe { (self.thread_id)() }
    }

    /// Reports `msg` and aborts.
    ///
    /// # Safety
    /// As for [`errno`](Self::errno).
    pub unsafe fn abort_with(&self, msg: &str) -> ! {
        // SAFETY: `fatal` reads `msg.len()` bytes at its address and does not return (the
        // caller's contract).
        unsafe { (self.fatal)(msg.as_ptr(), msg.len()) }
    }
}
