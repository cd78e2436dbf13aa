//! # lua-ffi
//!
//! A drop-in `lua` for Lua 5.4 (the vendored Lua of `mlua`) with LuaJIT's `ffi` preloaded:
//! the command line, environment, REPL, messages and exit statuses of the stock
//! interpreter (`lua.c`, as Debian ships it), the Lua C API exported so that C modules
//! built for Lua 5.4 load with `require`, and Debian's module directories on the default
//! search paths.
//!
//! ```text
//!   main                     argv, LUA_INIT, LUA_PATH/LUA_CPATH read here (owned by main)
//!    └─ lua_pcall ─▶ pmain   (interp.rs) options, script, REPL (repl.rs)
//!                     └─ docall ─ lua_pcall(msghandler) ─▶ Lua code ─▶ ffi, C modules
//! ```

#![deny(unsafe_op_in_unsafe_fn)]

mod interp;
mod interrupt;
mod options;
mod paths;
mod repl;
mod stdio;
mod vm;
mod warn;

use interp::{Init, Interp};
use options::CommandLine;
use std::ffi::{c_void, CStr, CString};
use std::os::unix::ffi::OsStringExt;
use std::process::ExitCode;
use vm::Vm;

/// `LUA_INIT_5_4`, else `LUA_INIT`: a chunk, or `@file`.
fn lua_init() -> Option<Init> {
    let (value, name): (Vec<u8>, &'static CStr) = match paths::getenv("LUA_INIT_5_4") {
        Some(v) => (v, c"=LUA_INIT_5_4"),
        None => (paths::getenv("LUA_INIT")?, c"=LUA_INIT"),
    };
    // Environment values hold no NUL.
    let c = |b: &[u8]| CString::new(b).unwrap_or_default();
    Some(match value.strip_prefix(b"@") {
        Some(file) => Init::File(c(file)),
        None => Init::Chunk(c(&value), name),
    })
}

fn main() -> ExitCode {
    // Arguments hold no NUL (they come from C strings).
    let argv: Vec<CString> =
        std::env::args_os().map(|a| CString::new(a.into_vec()).unwrap_or_default()).collect();
    let words: Vec<&[u8]> = argv.iter().map(|a| a.to_bytes()).collect();
    let cmdline = options::collect(&words);
    let no_env = matches!(cmdline, CommandLine::Ok { flags, .. } if flags.no_env);
    let progname = match words.first() {
        Some(p) if !p.is_empty() => p.to_vec(),
        _ => b"lua-ffi".to_vec(),
    };
    let path = paths::search_path("LUA_PATH", paths::PATH_DEFAULT, no_env, paths::getenv);
    let cpath = paths::search_path("LUA_CPATH", &paths::cpath_default(), no_env, paths::getenv);
    let init = if no_env { None } else { lua_init() };

    // SAFETY: like `lua`, the interpreter opens every standard library, `debug` included.
    let lua = unsafe { mlua::Lua::unsafe_new() };
    let mut state = std::ptr::null_mut();
    // SAFETY: the closure only records the main state's pointer.
    let found = unsafe { lua.exec_raw::<()>((), |l| state = l) };
    if let Err(e) = found.and_then(|()| ffi_mlua::preload(&lua)) {
        interp::message(Some(&progname), format!("cannot create state: {e}").as_bytes());
        return ExitCode::FAILURE;
    }
    let vm = Vm(state);
    let mut it = Interp {
        argv,
        cmdline,
        progname,
        in_repl: false,
        init,
        path,
        cpath,
        reader: repl::Reader::default(),
    };
    vm.gc(mlua::ffi::LUA_GCSTOP);
    vm.push_cfunction(interp::pmain);
    vm.push_light(&mut it as *mut Interp as *mut c_void);
    let status = vm.pcall(1, 1, 0);
    let ok = vm.to_bool(-1);
    interp::report(vm, &it, status);
    vm.set_top(0);
    drop(lua);
    if ok && status == vm::LUA_OK {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
