//! Output through C's `stdout` and `stderr`, the streams Lua's `print`, `io.write` and
//! `warn` use, so that the interpreter's own text keeps its place among theirs (C's
//! `stdout` is fully buffered when it is not a terminal).

use std::ffi::c_void;

extern "C" {
    #[link_name = "stdout"]
    static C_STDOUT: *mut libc::FILE;
    #[link_name = "stderr"]
    static C_STDERR: *mut libc::FILE;
}

fn write_to(stream: *mut libc::FILE, bytes: &[u8]) {
    // SAFETY: `stream` is C's stdout or stderr, open for the process's life; the pointer
    // and length describe `bytes`.
    unsafe { libc::fwrite(bytes.as_ptr() as *const c_void, 1, bytes.len(), stream) };
    // SAFETY: as above.
    unsafe { libc::fflush(stream) };
}

/// Writes to C's `stdout` and flushes it (`lua_writestring` + `fflush`).
pub fn out(bytes: &[u8]) {
    // SAFETY: glibc's `stdout` is initialised before `main` and never reassigned here.
    write_to(unsafe { C_STDOUT }, bytes)
}

/// Writes to C's `stderr` and flushes it (`lua_writestringerror`).
pub fn err(bytes: &[u8]) {
    // SAFETY: glibc's `stderr` is initialised before `main` and never reassigned here.
    write_to(unsafe { C_STDERR }, bytes)
}

/// Flushes C's `stdout` (before another writer, such as the line editor, uses the terminal).
pub fn flush_out() {
    // SAFETY: glibc's `stdout`, initialised before `main`.
    let s = unsafe { C_STDOUT };
    // SAFETY: an open stream.
    unsafe { libc::fflush(s) };
}
