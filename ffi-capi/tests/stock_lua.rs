//! One `ffi.so` for every stock Lua: Debian's `lua5.1` .. `lua5.4` and a 5.5 built from
//! lua-src's sources load the same file with `require "ffi"` and run the conformance suite.

mod common;

use std::process::Command;

use common::{ffi_so_dir, interpreters, lua55};
use ffi_conformance::{applies_to, report, run_interpreter, script_name, scripts, Outcome};

fn run(exe: &std::path::Path, chunk: &str) -> std::process::Output {
    Command::new(exe)
        .env("LUA_CPATH", format!("{}/?.so", ffi_so_dir().display()))
        // Full RELRO's effect: every symbol bound at load time.
        .env("LD_BIND_NOW", "1")
        .args(["-e", chunk])
        .output()
        .expect("interpreter")
}

#[test]
fn one_shared_object_every_version() {
    let chunk = r#"local ffi = require "ffi"
        ffi.cdef "int strlen(const char *)"
        io.write(ffi.C.strlen("abc"), " ", _VERSION, " ", tostring(ffi.new("int64_t", -7)), "\n")"#;
    let vms = interpreters();
    for (num, exe) in &vms {
        let out = run(exe, chunk);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {}",
            exe.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let want = format!("3 Lua {}.{} -7LL\n", num / 100, num % 100);
        assert_eq!(stdout, want, "{}", exe.display());
        println!("{} with {}/ffi.so: {}", exe.display(), ffi_so_dir().display(), stdout.trim());
    }
    assert_eq!(vms.len(), 5, "every version ran");
}

/// No Lua function is an import of ffi.so, so no version's missing function can fail the
/// load under `-z now`.
#[test]
fn no_lua_symbol_to_bind() {
    let so = ffi_so_dir().join("ffi.so");
    let out = Command::new("nm").args(["-D", "--undefined-only"]).arg(&so).output().expect("nm");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lua: Vec<&str> = text
        .lines()
        .filter(|l| l.split_whitespace().last().is_some_and(|s| s.starts_with("lua")))
        .collect();
    assert!(lua.is_empty(), "ffi.so imports Lua functions: {lua:?}");
    assert!(text.lines().count() > 5, "nm listed the imports: {text}");
    let defined = Command::new("nm").args(["-D", "--defined-only"]).arg(&so).output().expect("nm");
    let defined = String::from_utf8_lossy(&defined.stdout);
    for sym in ["luaopen_ffi", "lua_ffi_open_with"] {
        assert!(defined.lines().any(|l| l.ends_with(&format!(" {sym}"))), "{sym} not exported");
    }
}

/// A host whose Lua symbols are not exported: no way to raise, so the message goes to
/// stderr and `require` gives `true`.
#[test]
fn host_without_exported_lua() {
    let out = run(&lua55(false), r#"print((require "ffi"))"#);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ffi: no Lua C API in this process's global symbols"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "true\n");
}

/// Two Lua libraries in one process, both in the global scope (`LD_PRELOAD`): which one
/// runs the state cannot be told from the executable's symbols, so `require` is refused
/// with a Lua error naming what was found.
#[test]
fn two_global_lua_libraries_refused() {
    let lib51 = "/usr/lib/x86_64-linux-gnu/liblua5.1.so.0";
    if !std::path::Path::new(lib51).exists() {
        common::skipped("liblua5.1.so.0 not installed: the two-Lua refusal not tested");
        return;
    }
    let lua54 = interpreters().into_iter().find(|(n, _)| *n == 504);
    let Some((_, lua54)) = lua54 else { return };
    let out = Command::new(lua54)
        .env("LUA_CPATH", format!("{}/?.so", ffi_so_dir().display()))
        .env("LD_PRELOAD", lib51)
        .args(["-e", r#"print(pcall(require, "ffi"))"#])
        .output()
        .expect("lua5.4");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(
            "false\tffi: the Lua C API symbols in this process fit no single Lua version"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("found lua_objlen") && stdout.contains("lua_newuserdatauv"),
        "{stdout}"
    );
}

/// A program linked with Lua 5.4 (global) that runs a state of another Lua library
/// loaded with `RTLD_LOCAL`: ffi uses the functions of the Lua whose `require` called it
/// (the object holding the return address), not the global ones.
#[test]
fn a_local_lua_next_to_a_global_one() {
    let inc = std::path::Path::new("/usr/include/lua5.4");
    if !inc.join("lua.h").exists() {
        common::skipped("liblua5.4-dev not installed: the two-Lua program not built");
        return;
    }
    let exe = common::scratch().join("two_luas");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/two_luas.c");
    common::cc(&[
        "-O1",
        "-I/usr/include/lua5.4",
        src.to_str().unwrap(),
        "-o",
        exe.to_str().unwrap(),
        // Loaded even if nothing referred to it.
        "-Wl,--no-as-needed",
        "-llua5.4",
        "-ldl",
    ]);
    let cpath = format!("{}/?.so", ffi_so_dir().display());
    let chunk = r#"local ok, ffi = pcall(require, "ffi")
        if not ok then print("require: " .. ffi) return end
        ffi.cdef "int abs(int)"
        print(_VERSION .. " " .. ffi.C.abs(-3) .. " " .. require("bit").tohex(ffi.new("int64_t", -1)))"#;
    for (lib, version) in [
        ("liblua5.2.so.0", "Lua 5.2"),
        ("liblua5.3.so.0", "Lua 5.3"),
        ("liblua5.1.so.0", "Lua 5.1"),
    ] {
        // (With the global functions on this state, ffi used to loop forever: a time limit.)
        let out = Command::new("timeout")
            .arg("60")
            .arg(&exe)
            .args([lib, &cpath, chunk])
            .output()
            .expect("two_luas");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{lib}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(stdout, format!("{version} 3 ffffffffffffffff\n"), "{lib}");
    }
    // A C module that calls luaopen_ffi itself: the caller is no Lua, and two are loaded.
    let module = common::scratch().join("viaffi.so");
    let ffi_so = ffi_so_dir().join("ffi.so");
    common::cc(&[
        "-O2",
        "-shared",
        "-fPIC",
        &format!("-DFFI_SO=\"{}\"", ffi_so.display()),
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/c/calls_luaopen.c")
            .to_str()
            .unwrap(),
        "-o",
        module.to_str().unwrap(),
        "-ldl",
    ]);
    let cpath = format!("{}/?.so", common::scratch().display());
    let out = Command::new("timeout")
        .arg("60")
        .arg(&exe)
        .args(["liblua5.2.so.0", &cpath, r#"print(require "viaffi")"#])
        .output()
        .expect("two_luas");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "true\n", "{stderr}");
    assert!(
        stderr.contains("ffi: 2 Lua libraries are loaded (")
            && stderr.contains("cannot tell which runs this state"),
        "{stderr}"
    );
}

#[test]
fn conformance_on_stock_interpreters() {
    let dir = ffi_so_dir();
    let mut total_failed = 0;
    for (num, exe) in interpreters() {
        let label = format!("Lua {}.{} ffi.so", num / 100, num % 100);
        let results: Vec<(String, Outcome)> = scripts()
            .iter()
            .filter(|s| applies_to(s, num))
            .map(|s| (script_name(s), run_interpreter(exe.to_str().unwrap(), Some(&dir), s)))
            .collect();
        let (p, f) = report(&label, &results);
        assert!(p >= 2000, "{label}: only {p} assertions ran");
        total_failed += f;
    }
    assert_eq!(total_failed, 0, "conformance failures through ffi.so (see above)");
}

/// `ffi.so` copied (not linked) as `bit.so`: two copies of the library in one state, two
/// ffi contexts. Each copy takes only its own cdata: an error, never another type table.
#[test]
fn a_copy_is_a_second_ffi_not_a_crash() {
    let dir = common::scratch().join("copied");
    std::fs::create_dir_all(&dir).expect("dir");
    let so = ffi_so_dir().join("ffi.so");
    std::fs::copy(&so, dir.join("ffi.so")).expect("copy");
    std::fs::copy(&so, dir.join("bit.so")).expect("copy");
    let Some((_, lua54)) = interpreters().into_iter().find(|(n, _)| *n == 504) else { return };
    let out = Command::new(lua54)
        .env("LUA_CPATH", format!("{}/?.so", dir.display()))
        .args([
            "-e",
            r#"local ffi, bit = require "ffi", require "bit"
               print(pcall(bit.band, ffi.new("int64_t", 3), 1))
               print(pcall(bit.tohex, ffi.new("struct { int a; }")))
               print(bit.band(7, 3))"#,
        ])
        .output()
        .expect("lua5.4");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "false\tbad argument #1 to 'band' (number expected, got userdata)\n\
         false\tbad argument #1 to 'tohex' (number expected, got userdata)\n3\n"
    );
}

/// LuaJIT exports a 5.1 API but has its own ffi: loading this one there is refused.
#[test]
fn luajit_refused() {
    let exe = std::env::var("LUAJIT").unwrap_or_else(|_| "luajit".into());
    if Command::new(&exe).arg("-v").output().map(|o| !o.status.success()).unwrap_or(true) {
        common::skipped("luajit not found: loading ffi.so into LuaJIT not tested");
        return;
    }
    let so = ffi_so_dir().join("ffi.so");
    let chunk = format!(r#"print(pcall(package.loadlib("{}", "luaopen_ffi")))"#, so.display());
    let out = Command::new(&exe).args(["-e", &chunk]).output().expect("luajit");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "false\tffi: this is LuaJIT, whose ffi and bit are built in: require them without this \
         module\n"
    );
}
