//! The host services on a `std` platform ([`Host::STD`]): code memory from `dynasmrt`'s
//! mmap buffers (anonymous mappings flipped between writable and executable with
//! `mprotect`), shared libraries from `libloading`
//! (`dlopen`/`dlsym`), `errno` from `libc`.
//!
//! Every function is `extern "C"` and catches nothing: none of them can panic (no
//! indexing, no `unwrap`), so nothing unwinds out of them.

use crate::luaapi::{CodeRegion, Host, HostError};
use core::ffi::{c_char, c_int, c_void, CStr};
use std::boxed::Box;

impl Host {
    /// The services of the process this crate runs in.
    pub const STD: Host = Host {
        code_map,
        code_protect,
        code_unmap,
        lib_open,
        lib_default,
        lib_symbol,
        lib_close,
        errno_location,
        thread_id,
        fatal,
    };
}

/// The mapping behind a [`CodeRegion`]'s handle.
enum Mapping {
    Writable(dynasmrt::mmap::MutableBuffer),
    Executable(dynasmrt::mmap::ExecutableBuffer),
    /// Only while a flip is in progress (or after a failed one).
    Gone,
}

unsafe extern "C" fn code_map(len: usize, region: *mut CodeRegion) -> c_int {
    let Ok(mut m) = dynasmrt::mmap::MutableBuffer::new(len.max(1)) else { return 0 };
    let len = m.size();
    m.set_len(len);
    let ptr = m.as_mut_ptr();
    let handle = Box::into_raw(Box::new(Mapping::Writable(m))) as *mut c_void;
    // SAFETY: the caller passes a writable region.
    unsafe { region.write(CodeRegion { ptr, len, handle }) };
    1
}

unsafe extern "C" fn code_protect(region: *mut CodeRegion, executable: c_int) -> c_int {
    // SAFETY: the caller passes a region from `code_map`.
    let handle = unsafe { (*region).handle } as *mut Mapping;
    // SAFETY: the handle is the Box `code_map` made, alive until `code_unmap`.
    let slot = unsafe { &mut *handle };
    let next = match (core::mem::replace(slot, Mapping::Gone), executable != 0) {
        (Mapping::Writable(m), true) => m.make_exec().map(Mapping::Executable),
        (Mapping::Executable(m), false) => m.make_mut().map(Mapping::Writable),
        (same, _) => Ok(same),
    };
    match next {
        Ok(m) => {
            *slot = m;
            1
        }
        // The mapping is gone (it is unmapped on failure); the region is dead.
        Err(_) => 0,
    }
}

unsafe extern "C" fn code_unmap(region: *mut CodeRegion) {
    // SAFETY: the caller passes a region from `code_map`.
    let region = unsafe { &mut *region };
    let h = core::mem::replace(&mut region.handle, core::ptr::null_mut()) as *mut Mapping;
    if !h.is_null() {
        // SAFETY: the handle is the Box `code_map` made, taken out of the region once.
        drop(unsafe { Box::from_raw(h) });
    }
}

#[cfg(unix)]
unsafe extern "C" fn lib_open(
    path: *const c_char,
    global: c_int,
    err: *mut HostError,
) -> *mut c_void {
    use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_LAZY, RTLD_LOCAL};
    // SAFETY: the caller passes a NUL-terminated path.
    let path = unsafe { CStr::from_ptr(path) };
    let flags = RTLD_LAZY | if global != 0 { RTLD_GLOBAL } else { RTLD_LOCAL };
    let os: &std::ffi::OsStr = std::os::unix::ffi::OsStrExt::from_bytes(path.to_bytes());
    // SAFETY: loading runs the library's initialisers, which the caller accepts.
    match unsafe { Library::open(Some(os), flags) } {
        Ok(lib) => lib.into_raw(),
        Err(e) => {
            let msg = dl_message(&e);
            // A GNU ld script (the `libc.so` of a -dev package) names the real object.
            if let Some(real) = ld_script_target(&msg) {
                // SAFETY: as above, for the object the script names.
                if let Ok(lib) = unsafe { Library::open(Some(std::ffi::OsStr::new(&real)), flags) }
                {
                    return lib.into_raw();
                }
            }
            // SAFETY: the caller passes a writable error buffer.
            unsafe { (*err).set(&msg) };
            core::ptr::null_mut()
        }
    }
}

/// When `dlopen` refused a file (its message starts with the path and `:`) that is a GNU
/// ld script, the path in its first `GROUP (` or `INPUT (` (LuaJIT's `lj_clib.c` rule).
#[cfg(unix)]
fn ld_script_target(msg: &str) -> Option<std::string::String> {
    let path = msg.split(':').next()?;
    if !path.starts_with('/') {
        return None;
    }
    let text = std::fs::read(path).ok()?;
    let text =
        std::string::String::from_utf8_lossy(&text[..text.len().min(64 * 1024)]).into_owned();
    let start = ["GROUP", "INPUT"]
        .iter()
        .filter_map(|k| text.find(&std::format!("{k} (")).map(|i| i + k.len() + 2))
        .min()?;
    let target = text[start..].split_whitespace().next()?;
    let target = target.trim_end_matches(')');
    (!target.is_empty()).then(|| target.into())
}

/// The `dlerror()` text inside a libloading error (without libloading's own prefix).
#[cfg(unix)]
fn dl_message(e: &libloading::Error) -> std::string::String {
    use std::error::Error as _;
    match e.source() {
        Some(inner) => std::format!("{inner}"),
        None => std::format!("{e}"),
    }
}

#[cfg(unix)]
unsafe extern "C" fn lib_default() -> *mut c_void {
    libloading::os::unix::Library::this().into_raw()
}

#[cfg(unix)]
unsafe extern "C" fn lib_symbol(lib: *mut c_void, name: *const c_char) -> *mut c_void {
    // SAFETY: `lib` is a live handle from `lib_open`/`lib_default`, borrowed: it is turned
    // back into a raw handle below without closing.
    let l = unsafe { libloading::os::unix::Library::from_raw(lib) };
    // SAFETY: the caller passes a NUL-terminated name.
    let name = unsafe { CStr::from_ptr(name) }.to_bytes_with_nul();
    // SAFETY: the symbol is only looked up, not called or read, here.
    let p = match unsafe { l.get::<*mut c_void>(name) } {
        Ok(sym) => sym.into_raw(),
        Err(_) => core::ptr::null_mut(),
    };
    let _ = l.into_raw();
    p
}

#[cfg(unix)]
unsafe extern "C" fn lib_close(lib: *mut c_void) {
    // SAFETY: the caller passes a handle from `lib_open`, once.
    let _ = unsafe { libloading::os::unix::Library::from_raw(lib) }.close();
}

#[cfg(not(unix))]
unsafe extern "C" fn lib_open(_: *const c_char, _: c_int, err: *mut HostError) -> *mut c_void {
    // SAFETY: the caller passes a writable error buffer.
    unsafe { (*err).set("shared libraries are not supported on this OS yet") };
    core::ptr::null_mut()
}

#[cfg(not(unix))]
unsafe extern "C" fn lib_default() -> *mut c_void {
    core::ptr::null_mut()
}

#[cfg(not(unix))]
unsafe extern "C" fn lib_symbol(_: *mut c_void, _: *const c_char) -> *mut c_void {
    core::ptr::null_mut()
}

#[cfg(not(unix))]
unsafe extern "C" fn lib_close(_: *mut c_void) {}

#[cfg(any(target_os = "linux", target_os = "android", target_os = "emscripten"))]
unsafe extern "C" fn errno_location() -> *mut c_int {
    // SAFETY: a plain libc query.
    unsafe { libc::__errno_location() }
}

#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd", target_os = "dragonfly"))]
unsafe extern "C" fn errno_location() -> *mut c_int {
    // SAFETY: a plain libc query.
    unsafe { libc::__error() }
}

#[cfg(any(target_os = "netbsd", target_os = "openbsd"))]
unsafe extern "C" fn errno_location() -> *mut c_int {
    // SAFETY: a plain libc query.
    unsafe { libc::__errno() }
}

#[cfg(windows)]
unsafe extern "C" fn errno_location() -> *mut c_int {
    extern "C" {
        fn _errno() -> *mut c_int;
    }
    // SAFETY: the CRT's per-thread errno.
    unsafe { _errno() }
}

unsafe extern "C" fn thread_id() -> usize {
    std::thread_local!(static MARK: u8 = const { 0 });
    MARK.with(|m| m as *const u8 as usize)
}

unsafe extern "C" fn fatal(msg: *const u8, len: usize) -> ! {
    // SAFETY: the caller passes `len` readable bytes.
    let bytes = unsafe { core::slice::from_raw_parts(msg, len) };
    {
        use std::io::Write as _;
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(b"ffi: fatal: ");
        let _ = err.write_all(bytes);
        let _ = err.write_all(b"\n");
        let _ = err.flush();
    }
    std::process::abort()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the code at the region's start as `int f(void)`.
    ///
    /// # Safety
    /// The region is executable and holds such a function.
    unsafe fn call(r: &CodeRegion) -> c_int {
        // SAFETY: the caller's contract.
        let f = unsafe { core::mem::transmute::<*mut u8, extern "C" fn() -> c_int>(r.ptr) };
        f()
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn code_pages_flip_between_writable_and_executable() {
        let h = Host::STD;
        // SAFETY: the host's own functions.
        let mut r = unsafe { h.map_code(100) }.expect("map");
        assert!(r.len >= 100 && r.ptr as usize % 4096 == 0);
        // SAFETY: `r` has 100 writable bytes: mov eax, 42; ret.
        let code = unsafe { core::slice::from_raw_parts_mut(r.ptr, 6) };
        code.copy_from_slice(&[0xB8, 42, 0, 0, 0, 0xC3]);
        // SAFETY: nothing runs in the region while it flips.
        assert!(unsafe { h.protect_code(&mut r, true) });
        // SAFETY: executable, holding the function above.
        assert_eq!(unsafe { call(&r) }, 42);
        // SAFETY: nothing runs in the region while it flips.
        assert!(unsafe { h.protect_code(&mut r, false) });
        // SAFETY: writable again; byte 1 is the immediate.
        unsafe { r.ptr.wrapping_add(1).write(7) };
        // SAFETY: nothing runs in the region while it flips.
        assert!(unsafe { h.protect_code(&mut r, true) });
        // SAFETY: executable, holding the patched function.
        assert_eq!(unsafe { call(&r) }, 7);
        // SAFETY: nothing uses the region any more.
        unsafe { h.unmap_code(r) };
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn libraries_and_symbols() {
        let h = Host::STD;
        // SAFETY: libm's initialisers are harmless.
        let m = unsafe { h.open_library(c"libm.so.6", false) }.expect("libm");
        // SAFETY: a live handle.
        let cos = unsafe { h.symbol(m, c"cos") }.expect("cos");
        // SAFETY: `cos` has this signature.
        let cos = unsafe { core::mem::transmute::<*mut c_void, extern "C" fn(f64) -> f64>(cos) };
        assert_eq!(cos(0.0), 1.0);
        // SAFETY: a live handle.
        assert!(unsafe { h.symbol(m, c"no_such_symbol_here") }.is_none());
        // SAFETY: the handle came from lib_open and is closed once.
        unsafe { (h.lib_close)(m) };
        // SAFETY: a plain query.
        let dflt = unsafe { (h.lib_default)() };
        // SAFETY: a live handle.
        assert!(unsafe { h.symbol(dflt, c"strlen") }.is_some(), "libc is in the default namespace");
        // SAFETY: a file that does not exist runs no initialisers.
        let err = unsafe { h.open_library(c"/no/such/lib.so", false) }.unwrap_err();
        assert!(err.as_str().contains("/no/such/lib.so"), "{}", err.as_str());
    }

    #[test]
    fn errno_is_per_thread() {
        let h = Host::STD;
        // SAFETY: Host::STD keeps to the host functions' contracts.
        unsafe { h.set_errno(1234) };
        // SAFETY: Host::STD keeps to the host functions' contracts.
        assert_eq!(unsafe { h.errno() }, 1234);
        let other = std::thread::spawn(move || {
            // SAFETY: Host::STD keeps to the host functions' contracts.
            unsafe { h.set_errno(7) };
            // SAFETY: Host::STD keeps to the host functions' contracts.
            (unsafe { h.errno() }, unsafe { h.current_thread() })
        })
        .join()
        .unwrap();
        assert_eq!(other.0, 7);
        // SAFETY: Host::STD keeps to the host functions' contracts.
        assert_eq!(unsafe { h.errno() }, 1234, "another thread's errno is its own");
        // SAFETY: Host::STD keeps to the host functions' contracts.
        assert_ne!(other.1, unsafe { h.current_thread() });
    }

    #[test]
    fn error_text_is_truncated_on_a_char_boundary() {
        // One ASCII byte first, so that the 256-byte cut falls inside a two-byte 'é'.
        let mut e = HostError::new();
        let long = alloc::string::String::from("a") + &"é".repeat(200);
        e.set(&long);
        assert_eq!(e.len, 255, "cut back to the character boundary");
        assert!(core::str::from_utf8(&e.text[..e.len]).is_ok());
        assert_eq!(e.as_str(), &long[..255]);
    }
}
