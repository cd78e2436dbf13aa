//! Ctrl-C while Lua code runs, as in `lua.c`: the `SIGINT` handler only sets a hook (the
//! one thing a signal handler may do to a state), and the hook raises `interrupted!` at
//! the next instruction, call or return. A second `SIGINT` before that kills the process.

use mlua::ffi;
use std::ffi::c_int;
use std::sync::atomic::{AtomicPtr, Ordering};

/// The state running Lua code, for the handler.
static RUNNING: AtomicPtr<ffi::lua_State> = AtomicPtr::new(std::ptr::null_mut());

unsafe extern "C-unwind" fn stop(l: *mut ffi::lua_State, _ar: *mut ffi::lua_Debug) {
    // SAFETY: a hook runs on a live state; removing it is always allowed.
    unsafe { ffi::lua_sethook(l, None, 0, 0) };
    // SAFETY: raising from a hook is allowed; this frame owns nothing to drop.
    unsafe { ffi::luaL_error(l, c"interrupted!".as_ptr()) };
}

extern "C" fn on_sigint(sig: c_int) {
    // SAFETY: restoring the default action is async-signal-safe.
    unsafe { libc::signal(sig, libc::SIG_DFL) };
    let l = RUNNING.load(Ordering::Relaxed);
    let mask = ffi::LUA_MASKCALL | ffi::LUA_MASKRET | ffi::LUA_MASKLINE | ffi::LUA_MASKCOUNT;
    // SAFETY: `l` is the state whose pcall is running (set by `arm`); lua_sethook is
    // documented as safe to call from a signal handler.
    unsafe { ffi::lua_sethook(l, Some(stop), mask, 1) };
}

/// Sets the action of `SIGINT` with `sigaction` and no flags, as `lua.c` does: a system
/// call that the signal interrupts (`io.read` waiting for input) fails with `EINTR`
/// instead of restarting, so the hook gets to run.
fn set_action(action: libc::sighandler_t) {
    // SAFETY: an all-zero sigaction is valid (empty mask, no flags).
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = action;
    // SAFETY: installs the default action or a handler that only calls
    // async-signal-safe functions.
    unsafe { libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut()) };
}

/// Catches `SIGINT` while `l` runs a chunk.
pub fn arm(l: *mut ffi::lua_State) {
    RUNNING.store(l, Ordering::Relaxed);
    let handler: extern "C" fn(c_int) = on_sigint;
    set_action(handler as libc::sighandler_t);
}

/// Restores the default action of `SIGINT`.
pub fn disarm() {
    set_action(libc::SIG_DFL);
}
