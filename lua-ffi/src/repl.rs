//! The read-eval-print loop of Lua 5.4's `lua.c` (as Debian builds it, with a line editor).
//!
//! A line is first tried as an expression (`return <line>;`), then as a statement; while
//! the statement is incomplete (its syntax error ends in `<eof>`) the loop reads more
//! lines with the `_PROMPT2` prompt. `=expr` is `return expr`. Results are printed with the
//! global `print`; errors without the program name. On a terminal the lines come from
//! `rustyline` (editing, history). Otherwise they are read as GNU readline reads a pipe:
//! byte by byte from descriptor 0 (so whatever follows the line is left for `io.read` and
//! child processes), a line ending at `\n` or `\r`, NUL bytes dropped; the prompt and the
//! line read are written to stdout.

use crate::interp::{docall, report, Interp};
use crate::vm::{until_nul, Vm, LUA_ERRSYNTAX, LUA_MULTRET, LUA_OK, LUA_TNIL};
use crate::{stdio, terminal};
use mlua::ffi;
use std::ffi::c_int;

/// Where the REPL's lines come from; it also holds the line being read and the prompt
/// (so that no frame between Lua calls owns them).
#[derive(Default)]
pub struct Reader {
    editor: Option<rustyline::DefaultEditor>,
    started: bool,
    prompt: Vec<u8>,
    line: Vec<u8>,
}

/// The editor: history as readline keeps it (every entry, duplicates included).
fn editor() -> Option<rustyline::DefaultEditor> {
    let config = rustyline::Config::builder()
        .history_ignore_dups(false)
        .ok()?
        .max_history_size(1 << 20)
        .ok()?
        .build();
    rustyline::DefaultEditor::with_config(config).ok()
}

impl Reader {
    fn start(&mut self) {
        if !self.started {
            self.started = true;
            terminal::adopt_ctype_locale();
            // The editor draws on standard output: with that redirected, lines are read
            // as from a pipe (the terminal's own line editing still applies).
            if terminal::is_tty(0) && terminal::is_tty(1) {
                self.editor = editor();
            }
        }
    }

    /// One line from descriptor 0, unbuffered; false at the end of input with nothing read.
    fn read_fd0(&mut self) -> bool {
        let mut any = false;
        loop {
            let mut b = 0u8;
            // SAFETY: reads one byte into a local.
            let n = unsafe { libc::read(0, (&mut b as *mut u8).cast(), 1) };
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            if n <= 0 {
                return any;
            }
            any = true;
            match b {
                b'\n' | b'\r' => return true,
                0 => {}
                _ => self.line.push(b),
            }
        }
    }

    /// Shows the prompt and reads one line into `self.line` (without its newline);
    /// false at the end of input.
    fn read(&mut self) -> bool {
        self.start();
        self.line.clear();
        stdio::flush_out();
        terminal::make_stdin_blocking();
        if let Some(ed) = self.editor.as_mut() {
            let prompt = String::from_utf8_lossy(&self.prompt);
            terminal::guard();
            let got = loop {
                match ed.readline(&*prompt) {
                    Ok(s) => {
                        self.line = s.into_bytes();
                        break true;
                    }
                    // The line editor works in UTF-8: a line that is not is dropped (with a
                    // word on stderr) and the prompt shown again.
                    Err(rustyline::error::ReadlineError::Io(e))
                        if e.kind() == std::io::ErrorKind::InvalidData =>
                    {
                        stdio::err(b"lua-ffi: input line ignored: not valid UTF-8\n");
                    }
                    Err(rustyline::error::ReadlineError::Interrupted) => {
                        // As GNU readline does in `lua`: Ctrl-C at the prompt ends the process
                        // with the signal's default action (rustyline has restored the
                        // terminal).
                        terminal::die_of(libc::SIGINT);
                        break false;
                    }
                    Err(_) => break false,
                }
            };
            terminal::unguard();
            return got;
        }
        stdio::out(&self.prompt);
        if !self.read_fd0() {
            return false;
        }
        stdio::out(&self.line);
        stdio::out(b"\n");
        true
    }

    /// Adds a line to the history (`lua_saveline`).
    fn save(&mut self, line: &[u8]) {
        if let Some(ed) = self.editor.as_mut() {
            let _ = ed.add_history_entry(String::from_utf8_lossy(line));
        }
    }
}

/// Reads a line with the first or the continuation prompt and pushes it; false at the
/// end of input.
fn pushline(vm: Vm, it: &mut Interp, firstline: bool) -> bool {
    // `_PROMPT`/`_PROMPT2` through `tostring` (`__tostring`, `__name`), or the default.
    let prompt: &[u8] =
        if vm.get_global(if firstline { c"_PROMPT" } else { c"_PROMPT2" }) == LUA_TNIL {
            if firstline {
                b"> "
            } else {
                b">> "
            }
        } else {
            // SAFETY: the string stays on the stack until the pop below.
            let p = unsafe { vm.to_display(-1) };
            vm.remove(-2);
            p
        };
    it.reader.prompt.clear();
    it.reader.prompt.extend_from_slice(prompt);
    let got = it.reader.read();
    vm.pop(1);
    if !got {
        return false;
    }
    let line = until_nul(&it.reader.line);
    match line.strip_prefix(b"=").filter(|_| firstline) {
        Some(expr) => {
            vm.push_bytes(b"return ");
            vm.push_bytes(expr);
            vm.concat(2);
        }
        None => vm.push_bytes(line),
    }
    true
}

/// Tries the line on the stack as `return <line>;`; on success the chunk replaces it.
fn addreturn(vm: Vm, it: &mut Interp) -> c_int {
    let line = vm.to_cstr_ptr(-1);
    // SAFETY: a live state; `line` is the string on the stack.
    unsafe { ffi::lua_pushfstring(vm.raw(), c"return %s;".as_ptr(), line) };
    // SAFETY: the string stays on the stack while loaded.
    let retline = unsafe { vm.to_bytes(-1) }.unwrap_or_default();
    let status = vm.load_buffer(retline, c"=stdin");
    if status == LUA_OK {
        vm.remove(-2);
        // SAFETY: the original line is still on the stack (below the chunk).
        let line = unsafe { vm.to_bytes(-2) }.unwrap_or_default();
        if !line.is_empty() {
            it.reader.save(line);
        }
    } else {
        vm.pop(2);
    }
    status
}

/// True when `status` is a syntax error at the end of input (message on the top).
fn incomplete(vm: Vm, status: c_int) -> bool {
    // SAFETY: the message stays on the stack while read.
    status == LUA_ERRSYNTAX && unsafe { vm.to_bytes(-1) }.is_some_and(|m| m.ends_with(b"<eof>"))
}

/// Compiles the line at index 1 as a statement, reading continuation lines while it is
/// incomplete. At the end of input inside a statement, its syntax error is the result
/// (Lua 5.4.6+; the 5.4.4 `lua.c` of Debian prints `(null)` there, reading an empty stack).
fn multiline(vm: Vm, it: &mut Interp) -> c_int {
    loop {
        // SAFETY: the line stays at index 1 during the loop body.
        let line = unsafe { vm.to_bytes(1) }.unwrap_or_default();
        let status = vm.load_buffer(line, c"=stdin");
        if !incomplete(vm, status) || !pushline(vm, it, false) {
            it.reader.save(line);
            return status;
        }
        vm.remove(-2);
        vm.push_bytes(b"\n");
        vm.insert(-2);
        vm.concat(3);
    }
}

/// Reads and compiles one entry; -1 at the end of input, else the compile status with
/// the chunk or the error message on the stack.
fn loadline(vm: Vm, it: &mut Interp) -> c_int {
    vm.set_top(0);
    if !pushline(vm, it, true) {
        return -1;
    }
    let mut status = addreturn(vm, it);
    if status != LUA_OK {
        status = multiline(vm, it);
    }
    vm.remove(1);
    status
}

/// Prints the values on the stack with the global `print`.
fn print_results(vm: Vm, it: &Interp) {
    let n = vm.top();
    if n > 0 {
        // SAFETY: raises "too many results to print" inside pmain's protected call.
        unsafe {
            ffi::luaL_checkstack(vm.raw(), ffi::LUA_MINSTACK, c"too many results to print".as_ptr())
        };
        vm.get_global(c"print");
        vm.insert(1);
        if vm.pcall(n, 0, 0) != LUA_OK {
            let inner = vm.to_cstr_ptr(-1);
            // SAFETY: a live state; `inner` is NULL or the string on the stack (Lua prints
            // "(null)" for NULL, as the C interpreter's does).
            unsafe {
                ffi::lua_pushfstring(vm.raw(), c"error calling 'print' (%s)".as_ptr(), inner)
            };
            // SAFETY: the message stays on the stack while printed.
            let msg = unsafe { vm.to_bytes(-1) }.unwrap_or_default();
            crate::interp::message(it.progname(), msg);
        }
    }
}

/// `doREPL`.
pub fn run(vm: Vm, it: &mut Interp) {
    it.in_repl = true;
    loop {
        let mut status = loadline(vm, it);
        if status == -1 {
            break;
        }
        if status == LUA_OK {
            status = docall(vm, 0, LUA_MULTRET);
        }
        if status == LUA_OK {
            print_results(vm, it);
        } else {
            report(vm, it, status);
        }
    }
    vm.set_top(0);
    stdio::out(b"\n");
    it.in_repl = false;
}
