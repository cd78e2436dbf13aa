//! The stand-alone interpreter of Lua 5.4 (`lua.c`), step for step: what runs, in which
//! order, with which chunk names, error messages, tracebacks and exit statuses.
//!
//! ```text
//!   main ──lua_pcall──▶ pmain (lua_CFunction)          errors of pmain itself: main reports
//!                        │  LUA_INIT, -e, -l, script, REPL, stdin
//!                        └─ docall ──lua_pcall(msghandler)──▶ chunk / require
//!                                                               │ error: msghandler adds
//!                                                               ▼ the traceback
//! ```
//!
//! Every Lua call that may raise runs inside `pmain`'s protected call; the Rust frames
//! between it and Lua own nothing with a destructor (see [`crate::vm`]): the strings the
//! run needs (argv, `LUA_INIT`, search paths, the REPL's line) live in [`Interp`], which
//! `main` owns.

use crate::options::{CommandLine, Flags};
use crate::vm::{Vm, LUA_MULTRET, LUA_OK, LUA_TSTRING, LUA_TTABLE};
use crate::{interrupt, repl, stdio, warn};
use mlua::ffi;
use std::ffi::{c_int, CStr, CString};

/// Everything the run needs that is not in the Lua state.
pub struct Interp {
    /// The command line, `argv[0]` first.
    pub argv: Vec<CString>,
    /// How [`crate::options::collect`] read it.
    pub cmdline: CommandLine,
    /// The name put before error messages (`argv[0]`, or `lua-ffi` when that is empty).
    pub progname: Vec<u8>,
    /// While the REPL runs, errors are printed without the program name (as in `lua.c`).
    pub in_repl: bool,
    /// `LUA_INIT_5_4` or `LUA_INIT`, unless `-E`.
    pub init: Option<Init>,
    /// `package.path` and `package.cpath` (see [`crate::paths`]).
    pub path: Vec<u8>,
    /// See `path`.
    pub cpath: Vec<u8>,
    /// The REPL's line source and its current line.
    pub reader: repl::Reader,
}

/// What `LUA_INIT_5_4` or `LUA_INIT` asks to run before the options.
pub enum Init {
    /// `@file`: run the file.
    File(CString),
    /// A chunk, with the chunk name `=LUA_INIT_5_4` or `=LUA_INIT`.
    Chunk(CString, &'static CStr),
}

impl Interp {
    /// The program name for error messages, `None` in the REPL.
    pub fn progname(&self) -> Option<&[u8]> {
        (!self.in_repl).then_some(&self.progname[..])
    }

    fn arg(&self, i: usize) -> &CStr {
        &self.argv[i]
    }
}

/// `l_message`: `progname: msg` on stderr.
pub fn message(progname: Option<&[u8]>, msg: &[u8]) {
    if let Some(p) = progname {
        stdio::err(p);
        stdio::err(b": ");
    }
    stdio::err(msg);
    stdio::err(b"\n");
}

/// `report`: prints the error on the top of the stack when `status` is not OK.
pub fn report(vm: Vm, it: &Interp, status: c_int) -> c_int {
    if status != LUA_OK {
        // SAFETY: the message stays on the stack until the pop below. A value that is no
        // string (only an error raised outside `docall`, whose handler makes strings)
        // prints as Debian's 5.4.4 prints it: its `lua.c` passes NULL to `%s`.
        let msg = unsafe { vm.to_bytes(-1) }.unwrap_or(b"(null)");
        message(it.progname(), msg);
        vm.pop(1);
    }
    status
}

/// The message handler of every chunk: a string (or `__tostring`'s result) with a
/// traceback, or `(error object is a T value)`.
unsafe extern "C-unwind" fn msghandler(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: Lua calls the handler with a live state and the error object at index 1.
    let vm = unsafe { Vm::new(l) };
    let mut msg = vm.to_cstr_ptr(1);
    if msg.is_null() {
        if vm.call_meta(1, c"__tostring") && vm.type_of(-1) == LUA_TSTRING {
            return 1;
        }
        // SAFETY: a live state; the format takes one string, a static type name.
        msg = unsafe {
            ffi::lua_pushfstring(
                l,
                c"(error object is a %s value)".as_ptr(),
                vm.type_name(1).as_ptr(),
            )
        };
    }
    vm.traceback(msg, 1);
    1
}

/// `docall`: calls the function under `narg` arguments with the message handler, with
/// Ctrl-C turned into an error while it runs.
pub fn docall(vm: Vm, narg: c_int, nres: c_int) -> c_int {
    let base = vm.top() - narg;
    vm.push_cfunction(msghandler);
    vm.insert(base);
    interrupt::arm(vm.raw());
    let status = vm.pcall(narg, nres, base);
    interrupt::disarm();
    vm.remove(base);
    status
}

fn dochunk(vm: Vm, it: &Interp, mut status: c_int) -> c_int {
    if status == LUA_OK {
        status = docall(vm, 0, 0);
    }
    report(vm, it, status)
}

fn dofile(vm: Vm, it: &Interp, name: Option<&CStr>) -> c_int {
    dochunk(vm, it, vm.load_file(name))
}

fn dostring(vm: Vm, it: &Interp, s: &[u8], name: &CStr) -> c_int {
    dochunk(vm, it, vm.load_buffer(s, name))
}

/// `-l g=mod` / `-l mod`: `g = require "mod"` (as Debian's 5.4.4 does: the whole module
/// name is the global's name; the `-suffix` cut of Lua 5.4.7+ is not made).
fn dolibrary(vm: Vm, it: &Interp, spec: &[u8]) -> c_int {
    let (global, module) = match spec.iter().position(|&b| b == b'=') {
        Some(eq) => (&spec[..eq], &spec[eq + 1..]),
        None => (spec, spec),
    };
    vm.get_global(c"require");
    vm.push_bytes(module);
    let status = docall(vm, 1, 1);
    if status == LUA_OK {
        vm.set_global_bytes(global);
    }
    report(vm, it, status)
}

/// Pushes `arg[1] .. arg[#arg]`, the script's arguments.
fn pushargs(vm: Vm) -> c_int {
    if vm.get_global(c"arg") != LUA_TTABLE {
        // SAFETY: raising from inside pmain's protected call; no frame owns a destructor.
        unsafe { ffi::luaL_error(vm.raw(), c"'arg' is not a table".as_ptr()) };
    }
    // A `__len` may answer anything: below 0 there is nothing to push; above what a
    // stack can hold, luaL_checkstack raises "too many arguments to script".
    let n = vm.len(-1).clamp(0, i64::from(c_int::MAX - 3)) as c_int;
    // SAFETY: as above (luaL_checkstack raises "stack overflow (too many arguments ...)").
    unsafe { ffi::luaL_checkstack(vm.raw(), n + 3, c"too many arguments to script".as_ptr()) };
    for i in 1..=n {
        vm.raw_get_i(-i, i as i64);
    }
    vm.remove(-n - 1);
    n
}

fn handle_script(vm: Vm, it: &Interp, script: usize) -> c_int {
    let fname = it.arg(script);
    let stdin = fname.to_bytes() == b"-" && it.arg(script - 1).to_bytes() != b"--";
    let mut status = vm.load_file(if stdin { None } else { Some(fname) });
    if status == LUA_OK {
        let n = pushargs(vm);
        status = docall(vm, n, LUA_MULTRET);
    }
    report(vm, it, status)
}

/// Runs `-e` and `-l` in order and turns warnings on at `-W`; false when one fails.
fn runargs(vm: Vm, it: &Interp, optlim: usize) -> bool {
    let mut i = 1;
    while i < optlim {
        let a = it.arg(i).to_bytes();
        match a[1] {
            opt @ (b'e' | b'l') => {
                let extra = if a.len() > 2 {
                    &a[2..]
                } else {
                    i += 1;
                    it.arg(i).to_bytes()
                };
                let status = if opt == b'e' {
                    dostring(vm, it, extra, c"=(command line)")
                } else {
                    dolibrary(vm, it, extra)
                };
                if status != LUA_OK {
                    return false;
                }
            }
            b'W' => vm.warning(c"@on", false),
            _ => {}
        }
        i += 1;
    }
    true
}

fn handle_luainit(vm: Vm, it: &Interp) -> c_int {
    match &it.init {
        None => LUA_OK,
        Some(Init::File(file)) => dofile(vm, it, Some(file)),
        Some(Init::Chunk(chunk, name)) => dostring(vm, it, chunk.to_bytes(), name),
    }
}

fn usage(it: &Interp, bad: usize) {
    let p = &it.progname[..];
    let bad = it.arg(bad).to_bytes();
    stdio::err(p);
    stdio::err(b": ");
    if matches!(bad.get(1), Some(b'e' | b'l')) {
        stdio::err(b"'");
        stdio::err(bad);
        stdio::err(b"' needs argument\n");
    } else {
        stdio::err(b"unrecognized option '");
        stdio::err(bad);
        stdio::err(b"'\n");
    }
    stdio::err(b"usage: ");
    stdio::err(p);
    stdio::err(
        b" [options] [script [args]]\n\
Available options are:\n\
\x20 -e stat   execute string 'stat'\n\
\x20 -i        enter interactive mode after executing 'script'\n\
\x20 -l mod    require library 'mod' into global 'mod'\n\
\x20 -l g=mod  require library 'mod' into global 'g'\n\
\x20 -v        show version information\n\
\x20 -E        ignore environment variables\n\
\x20 -W        turn warnings on\n\
\x20 --        stop handling options\n\
\x20 -         stop handling options and execute stdin\n",
    );
}

/// The version line (`-v`, `-i`, the bare REPL). It names this interpreter, its Lua and
/// its `ffi`, where `lua` prints Lua's copyright line.
pub fn print_version() {
    let line = format!(
        "lua-ffi {}: Lua 5.4 (Lua.org, PUC-Rio) with LuaJIT 2.1's ffi\n",
        env!("CARGO_PKG_VERSION")
    );
    stdio::out(line.as_bytes());
}

/// `createargtable`: the script at index 0, its arguments after, everything before it
/// (the interpreter, the options) at negative indices.
fn create_arg_table(vm: Vm, it: &Interp, script: usize) {
    let argc = it.argv.len();
    let narg = argc.saturating_sub(script + 1);
    vm.new_table(narg as c_int, script as c_int + 1);
    for (i, a) in it.argv.iter().enumerate() {
        vm.push_bytes(a.to_bytes());
        vm.raw_set_i(-2, i as i64 - script as i64);
    }
    vm.set_global(c"arg");
}

/// Sets `package.path` and `package.cpath` to the values computed in `main`.
fn set_paths(vm: Vm, it: &Interp) {
    if vm.get_global(c"package") == LUA_TTABLE {
        vm.push_bytes(&it.path);
        vm.set_field(-2, c"path");
        vm.push_bytes(&it.cpath);
        vm.set_field(-2, c"cpath");
    }
    vm.pop(1);
}

/// [`pmain`] as a `lua_CFunction`.
// SAFETY: the same ABI; the "C-unwind" of the type only allows unwinding, which pmain
// never does (a Rust panic in it aborts the process instead of crossing Lua's C frames).
pub const PMAIN: ffi::lua_CFunction = unsafe {
    std::mem::transmute::<unsafe extern "C" fn(*mut ffi::lua_State) -> c_int, ffi::lua_CFunction>(
        pmain,
    )
};

/// The interpreter's body, called in protected mode with the argument count and the
/// [`Interp`] (a light userdata) as `lua.c` passes argc and argv; returns `true` (on the
/// stack) when everything ran without error.
///
/// # Safety
/// Called by `lua_pcall` from `main` with a pointer to a live `Interp` that nothing else
/// uses during the call.
unsafe extern "C" fn pmain(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: Lua calls it with the live main state.
    let vm = unsafe { Vm::new(l) };
    // SAFETY: the caller's contract. The pointer is read once: the REPL clears the stack.
    let it = unsafe { &mut *(vm.to_userdata(2) as *mut Interp) };
    let (flags, script) = match it.cmdline {
        CommandLine::Bad(i) => {
            usage(it, i);
            return 0;
        }
        CommandLine::Ok { flags, script } => (flags, script),
    };
    let Flags { interactive, version, exec, no_env } = flags;
    let optlim = if script > 0 { script } else { it.argv.len() };
    if version {
        print_version();
    }
    if no_env {
        vm.push_bool(true);
        vm.set_registry_field(c"LUA_NOENV");
    }
    // SAFETY: the state is live for the whole run, and the warning function never
    // outlives it (it is the state's own).
    unsafe { warn::install(l) };
    set_paths(vm, it);
    create_arg_table(vm, it, script);
    vm.gc(ffi::LUA_GCRESTART);
    vm.gc_generational();
    if !no_env && handle_luainit(vm, it) != LUA_OK {
        return 0;
    }
    if !runargs(vm, it, optlim) {
        return 0;
    }
    if script > 0 && handle_script(vm, it, script) != LUA_OK {
        return 0;
    }
    if interactive {
        repl::run(vm, it);
    } else if script < 1 && !(exec || version) {
        if crate::terminal::is_tty(0) {
            print_version();
            repl::run(vm, it);
        } else {
            dofile(vm, it, None);
        }
    }
    vm.push_bool(true);
    1
}
