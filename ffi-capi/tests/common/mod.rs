//! What the ffi-capi tests share: the built `ffi.so`, the stock interpreters, a Lua 5.5
//! built from the sources mlua's `lua-src` vendors, and the C compiler.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// `target/<profile>/`.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    // target/<profile>/deps/<test>-<hash>
    exe.parent().and_then(Path::parent).expect("target/<profile>").to_path_buf()
}

/// The library file `name` (`libffi_capi.so`, `libffi_capi.a`) that cargo built for this
/// test run: in `target/<profile>/deps/` (`cargo test` leaves it there; only `cargo build`
/// copies it up to `target/<profile>/`, where an older copy may lie).
pub fn built_library(name: &str) -> PathBuf {
    let deps = profile_dir().join("deps").join(name);
    assert!(deps.exists(), "{} not built by cargo", deps.display());
    deps
}

/// A scratch directory of this test process under `target/capi/`.
pub fn scratch() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = profile_dir().join("capi").join(std::process::id().to_string());
        std::fs::create_dir_all(&d).expect("scratch directory");
        d
    })
    .clone()
}

/// A directory holding the cdylib as `ffi.so` (the name `require "ffi"` looks for) and
/// `bit.so` linked to it: the one shared object every interpreter loads.
pub fn ffi_so_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = scratch().join("cpath");
        std::fs::create_dir_all(&d).expect("cpath directory");
        let lib = built_library("libffi_capi.so");
        std::fs::copy(&lib, d.join("ffi.so"))
            .unwrap_or_else(|e| panic!("copy {}: {e}", lib.display()));
        // `require "bit"` finds the same file (luaopen_bit), as luarocks installs it.
        std::os::unix::fs::symlink("ffi.so", d.join("bit.so")).expect("bit.so link");
        d
    })
    .clone()
}

/// A check that cannot run: a failure when `FFI_REQUIRE_ORACLES` is set (the test script
/// sets it, having installed everything), else a loud line on the process's stderr.
pub fn skipped(msg: &str) {
    if std::env::var_os("FFI_REQUIRE_ORACLES").is_some() {
        panic!("{msg} (FFI_REQUIRE_ORACLES is set)");
    }
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "!!!! SKIPPED: {msg} !!!!");
}

/// Runs the C compiler; panics with its output when it fails.
pub fn cc(args: &[&str]) {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let out = Command::new(&cc).args(args).output().unwrap_or_else(|e| panic!("{cc}: {e}"));
    assert!(
        out.status.success(),
        "{cc} {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The directory of the Lua 5.5 sources that mlua's `lua-src` vendors (from
/// `cargo metadata`: the crate is in this workspace's dependency graph).
pub fn lua55_sources() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"))
        .output()
        .expect("cargo metadata");
    let text = String::from_utf8_lossy(&out.stdout);
    let manifest = text
        .split("\"manifest_path\":\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|p| p.contains("/lua-src-"))
        .expect("lua-src in cargo metadata");
    let root = Path::new(manifest).parent().expect("lua-src directory");
    std::fs::read_dir(root)
        .expect("lua-src directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("lua-5.5")))
        .expect("lua-5.5 sources in lua-src")
}

/// `liblua55.a`: the Lua 5.5 library built from lua-src's sources (once per process).
pub fn lua55_library() -> PathBuf {
    static LIB: OnceLock<PathBuf> = OnceLock::new();
    LIB.get_or_init(|| {
        let src = lua55_sources();
        let obj = scratch().join("lua55");
        std::fs::create_dir_all(&obj).expect("object directory");
        let mut objects = Vec::new();
        for e in std::fs::read_dir(&src).expect("sources") {
            let p = e.expect("entry").path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
            if !name.ends_with(".c") || name == "lua.c" || name == "luac.c" || name == "onelua.c" {
                continue;
            }
            let o = obj.join(name.replace(".c", ".o"));
            cc(&[
                "-c",
                "-O1",
                "-fPIC",
                "-DLUA_USE_LINUX",
                p.to_str().unwrap(),
                "-o",
                o.to_str().unwrap(),
            ]);
            objects.push(o);
        }
        let lib = obj.join("liblua55.a");
        let st = Command::new("ar").arg("rcs").arg(&lib).args(&objects).status().expect("ar");
        assert!(st.success(), "ar failed");
        lib
    })
    .clone()
}

/// Links the stand-in interpreter against Lua 5.5; `export` adds `-Wl,-E` (the Lua C API
/// in the dynamic symbol table, as stock interpreters have it).
pub fn lua55(export: bool) -> PathBuf {
    static BUILT: OnceLock<[PathBuf; 2]> = OnceLock::new();
    let both = BUILT.get_or_init(|| {
        let lib = lua55_library();
        let inc = lua55_sources();
        let main = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/stand_in_lua.c");
        let mut out = Vec::new();
        for (name, flag) in [("lua5.5", true), ("lua5.5-noexport", false)] {
            let exe = scratch().join(name);
            let mut args = vec![
                "-O1".to_string(),
                format!("-I{}", inc.display()),
                main.display().to_string(),
                lib.display().to_string(),
                "-o".into(),
                exe.display().to_string(),
                "-lm".into(),
                "-ldl".into(),
            ];
            if flag {
                args.push("-Wl,-E".into());
            }
            cc(&args.iter().map(String::as_str).collect::<Vec<_>>());
            out.push(exe);
        }
        [out[0].clone(), out[1].clone()]
    });
    both[if export { 0 } else { 1 }].clone()
}

/// The stock interpreters: (`LUA_VERSION_NUM`, executable). Debian's `lua5.1` .. `lua5.4`
/// (found on PATH; a missing one is a skip) and the built 5.5.
pub fn interpreters() -> Vec<(u32, PathBuf)> {
    let mut v = Vec::new();
    for (num, name) in [(501, "lua5.1"), (502, "lua5.2"), (503, "lua5.3"), (504, "lua5.4")] {
        let found = Command::new(name).arg("-v").output().map(|o| o.status.success());
        if found.unwrap_or(false) {
            v.push((num, PathBuf::from(name)));
        } else {
            skipped(&format!("{name} not found: ffi.so not tested on it"));
        }
    }
    v.push((505, lua55(true)));
    v
}
