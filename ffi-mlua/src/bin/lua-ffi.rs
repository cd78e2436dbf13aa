//! `lua-ffi`: a Lua 5.4 interpreter (mlua, vendored) with `ffi` preloaded.
//!
//! `lua-ffi script.lua [args]` runs a script with `arg` set as `lua` does;
//! `lua-ffi -e 'chunk'` runs a chunk. Errors print with a traceback and exit status 1.

use mlua::{Lua, MultiValue, Value};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    // SAFETY: the stock `lua` interpreter opens every standard library, `debug` included.
    let lua = unsafe { Lua::unsafe_new() };
    if let Err(e) = ffi_mlua::preload(&lua) {
        eprintln!("lua-ffi: cannot preload ffi: {e}");
        return ExitCode::from(1);
    }
    let usage = || {
        eprintln!("usage: lua-ffi script.lua [args] | lua-ffi -e 'chunk'");
        ExitCode::from(2)
    };
    let (chunk, name, script_idx) = match args.get(1).map(String::as_str) {
        Some("-e") => match args.get(2) {
            Some(c) => (c.clone(), "=(command line)".to_string(), 2),
            None => return usage(),
        },
        Some(path) if !path.starts_with('-') => match std::fs::read_to_string(path) {
            Ok(src) => {
                let src = if src.starts_with("#!") { format!("--{src}") } else { src };
                (src, format!("@{path}"), 1)
            }
            Err(e) => {
                eprintln!("lua-ffi: cannot open {path}: {e}");
                return ExitCode::from(1);
            }
        },
        _ => return usage(),
    };
    // `arg` as in the stock interpreter: arg[0] is the script, arg[-1] the interpreter.
    let set_arg = || -> mlua::Result<()> {
        let t = lua.create_table()?;
        if script_idx == 1 {
            for (i, a) in args.iter().enumerate() {
                t.set(i as i64 - 1, a.as_str())?;
            }
        } else {
            // No script file: the interpreter is arg[0], the arguments after the chunk
            // are arg[1..], and the options come before (negative indices).
            t.set(0, args[0].as_str())?;
            t.set(-1, "-e")?;
            for (i, a) in args.iter().enumerate().skip(3) {
                t.set(i as i64 - 2, a.as_str())?;
            }
        }
        lua.globals().set("arg", t)
    };
    if let Err(e) = set_arg() {
        eprintln!("lua-ffi: {e}");
        return ExitCode::from(1);
    }
    let script_args: MultiValue = args
        .iter()
        .skip(script_idx + 1)
        .filter_map(|a| lua.create_string(a).ok().map(Value::String))
        .collect();
    let run = lua.load(&chunk).set_name(name).call::<()>(script_args);
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lua-ffi: {e}");
            ExitCode::from(1)
        }
    }
}
