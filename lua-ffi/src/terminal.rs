//! What GNU readline does for `lua5.4` around reading a line, and `rustyline` does not:
//! the locale's character type taken from the environment when the REPL starts, standard
//! input made blocking again, and the terminal's mode restored when a signal (`SIGTERM`,
//! `SIGHUP`, `SIGQUIT`) kills the process while the line editor holds it in raw mode.

use std::ffi::c_int;
use std::sync::OnceLock;

/// The terminal's mode before the line editor first changed it.
static COOKED: OnceLock<libc::termios> = OnceLock::new();

const FATAL: [c_int; 3] = [libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

/// Whether descriptor `fd` is a terminal.
pub fn is_tty(fd: c_int) -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(fd) == 1 }
}

/// Ends the process with `sig`'s default action (readline's way out on Ctrl-C at the
/// prompt, and after restoring the terminal on a fatal signal). Async-signal-safe.
pub extern "C" fn die_of(sig: c_int) {
    // SAFETY: restoring the default action and raising the signal again are
    // async-signal-safe.
    unsafe { libc::signal(sig, libc::SIG_DFL) };
    // SAFETY: as above.
    unsafe { libc::raise(sig) };
}

/// `setlocale(LC_CTYPE, "")`, as readline's initialisation does.
pub fn adopt_ctype_locale() {
    // SAFETY: called on the main thread before the REPL runs Lua code; the empty name
    // selects the environment's locale.
    unsafe { libc::setlocale(libc::LC_CTYPE, c"".as_ptr()) };
}

/// Clears `O_NONBLOCK` on descriptor 0 (readline does; a non-blocking read would look
/// like the end of input).
pub fn make_stdin_blocking() {
    // SAFETY: queries the flags of descriptor 0.
    let flags = unsafe { libc::fcntl(0, libc::F_GETFL) };
    if flags >= 0 && flags & libc::O_NONBLOCK != 0 {
        // SAFETY: sets the same flags without O_NONBLOCK.
        unsafe { libc::fcntl(0, libc::F_SETFL, flags & !libc::O_NONBLOCK) };
    }
}

extern "C" fn restore_and_die(sig: c_int) {
    if let Some(t) = COOKED.get() {
        // SAFETY: tcsetattr is async-signal-safe; `t` is a mode read from this terminal.
        unsafe { libc::tcsetattr(0, libc::TCSANOW, t) };
    }
    die_of(sig);
}

/// Before the line editor reads: remembers the terminal's mode (once) and makes the fatal
/// signals restore it.
pub fn guard() {
    if COOKED.get().is_none() {
        // SAFETY: an all-zero termios is a valid buffer for tcgetattr to fill.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fills `t` from descriptor 0, a terminal (the editor is used only then).
        if unsafe { libc::tcgetattr(0, &mut t) } == 0 {
            let _ = COOKED.set(t);
        }
    }
    let handler: extern "C" fn(c_int) = restore_and_die;
    for sig in FATAL {
        // SAFETY: installs a handler that only calls async-signal-safe functions.
        unsafe { libc::signal(sig, handler as libc::sighandler_t) };
    }
}

/// After the line editor has read: the default actions again.
pub fn unguard() {
    for sig in FATAL {
        // SAFETY: restores the default action.
        unsafe { libc::signal(sig, libc::SIG_DFL) };
    }
}
