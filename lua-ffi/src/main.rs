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
// C's `main`, not Rust's: the Rust runtime would ignore SIGPIPE (so `lua-ffi ... | head`
// would never end, and children would inherit the ignored signal) and reopen closed
// descriptors 0-2 on /dev/null; `lua` does neither.
// (Unit tests keep libtest's main.)
#![cfg_attr(not(test), no_main)]
#![cfg_attr(test, allow(dead_code))]

mod interp;
mod interrupt;
mod options;
mod paths;
mod repl;
mod stdio;
mod terminal;
mod vm;
mod warn;

use interp::{Init, Interp};
use options::CommandLine;
use std::ffi::{c_int, c_void, CStr, CString};
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

/// `lua.c`'s allocator: `realloc`/`free`, a failure being Lua's "not enough memory" error.
/// (mlua's own aborts the process when the system allocator fails.)
///
/// # Safety
/// Lua's allocator contract: `ptr` is NULL or a block from this allocator or from the
/// one it replaced (Rust's `System` allocator, which is `malloc`/`posix_memalign`/
/// `realloc` on this platform, so `realloc` and `free` accept its blocks).
unsafe extern "C" fn c_alloc(
    _ud: *mut c_void,
    ptr: *mut c_void,
    _osize: usize,
    nsize: usize,
) -> *mut c_void {
    if nsize == 0 {
        // SAFETY: the caller's contract: `ptr` is NULL or a live malloc-family block.
        unsafe { libc::free(ptr) };
        std::ptr::null_mut()
    } else {
        // SAFETY: as above.
        unsafe { libc::realloc(ptr, nsize) }
    }
}

/// The process entry point (see the `no_main` note at the top).
///
/// # Safety
/// Called by the C runtime, with `argv` holding `argc` pointers to NUL-terminated strings.
#[cfg(not(test))]
#[no_mangle]
pub unsafe extern "C" fn main(argc: c_int, argv: *const *const std::ffi::c_char) -> c_int {
    let args = (0..argc.max(0) as usize)
        // SAFETY: `i < argc` (the caller's contract).
        .map(|i| unsafe { argv.add(i) })
        // SAFETY: as above: an element of the array.
        .map(|p| unsafe { *p })
        .take_while(|p| !p.is_null())
        // SAFETY: as above.
        .map(|p| unsafe { CStr::from_ptr(p) }.to_owned())
        .collect();
    run(args)
}

fn run(argv: Vec<CString>) -> c_int {
    let words: Vec<&[u8]> = argv.iter().map(|a| a.to_bytes()).collect();
    let cmdline = options::collect(&words);
    let no_env = matches!(cmdline, CommandLine::Ok { flags, .. } if flags.no_env);
    let progname = match words.first() {
        Some(p) if !p.is_empty() => p.to_vec(),
        _ => b"lua".to_vec(),
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
        return libc::EXIT_FAILURE;
    }
    // SAFETY: the main state of `lua`, which outlives every use of `vm` below.
    let vm = unsafe { Vm::new(state) };
    // With a limit set, mlua protects the calls it makes that can then fail (without one
    // it counts on its own allocator aborting); the limit is never reached, and mlua stops
    // counting once the allocator is no longer its own.
    if lua.set_memory_limit(isize::MAX as usize).is_err() {
        return libc::EXIT_FAILURE;
    }
    vm.set_allocator(c_alloc);
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
    vm.push_cfunction(interp::PMAIN);
    // The two arguments of lua.c's pmain (argc, and argv here the whole Interp), so that
    // the stack holds what it holds in lua5.4 (recursion limits count its slots).
    vm.push_integer(it.argv.len() as i64);
    vm.push_light(&mut it as *mut Interp as *mut c_void);
    let status = vm.pcall(2, 1, 0);
    let ok = vm.to_bool(-1);
    interp::report(vm, &it, status);
    vm.set_top(0);
    // `lua_close` as lua.c calls it: dropping mlua's `Lua` would first run a full
    // collection (finalisers in another order, weak tables cleared before them). mlua's
    // own data (and the ffi context in it) stays alive for the finalisers and is left to
    // the process's end.
    std::mem::forget(lua);
    // SAFETY: the last use of the state; its owner was forgotten above.
    unsafe { vm.close() };
    if ok && status == vm::LUA_OK {
        libc::EXIT_SUCCESS
    } else {
        libc::EXIT_FAILURE
    }
}
