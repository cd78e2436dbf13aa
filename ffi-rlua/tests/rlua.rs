//! ffi-rlua on rlua 0.20: the conformance scripts of `tests/lua` in fresh rlua states, the
//! `bit` module rules, and the context outliving finalisers at close.

use std::path::{Path, PathBuf};

use rlua::{Lua, Table};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The C test library of the calls scripts, built with the system C compiler.
fn testlib() -> PathBuf {
    static LIB: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    LIB.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ffitest");
        std::fs::create_dir_all(&dir).expect("target/ffitest");
        let out = dir.join(format!("libffitest-{}.so", std::process::id()));
        let st = std::process::Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
            .args(["-shared", "-fPIC", "-O2", "-o"])
            .arg(&out)
            .arg(root().join("tests/c/ffitest.c"))
            .status()
            .expect("cc");
        assert!(st.success(), "cc failed");
        out
    })
    .clone()
}

/// `_VERSION` as LUA_VERSION_NUM.
fn version(lua: &Lua) -> u32 {
    let v: String = lua.globals().get("_VERSION").unwrap();
    let (major, minor) = v.trim_start_matches("Lua ").split_once('.').unwrap();
    major.parse::<u32>().unwrap() * 100 + minor.parse::<u32>().unwrap()
}

/// Runs one script; (passed, failed, failures).
fn run(path: &Path) -> (u64, u64, Vec<String>) {
    // SAFETY: all standard libraries (the harness uses debug.getinfo), as `lua` opens them.
    let lua = unsafe { Lua::unsafe_new() };
    let go = || -> rlua::Result<(u64, u64, Vec<String>)> {
        ffi_rlua::preload(&lua)?;
        let dir = root().join("tests/lua");
        let pkg: Table = lua.globals().get("package")?;
        pkg.set("path", format!("{}/?.lua", dir.display()))?;
        lua.globals().set("FFI_TESTLIB", testlib().display().to_string())?;
        let src = std::fs::read_to_string(path).map_err(rlua::Error::external)?;
        lua.load(&src).set_name(format!("@{}", path.display())).exec()?;
        let h: Table = lua.globals().get("HARNESS")?;
        let failures: Vec<String> = h
            .get::<_, Table>("failures")?
            .sequence_values::<String>()
            .collect::<rlua::Result<_>>()?;
        Ok((h.get("passed")?, h.get("failed")?, failures))
    };
    go().unwrap_or_else(|e| (0, 1, vec![format!("script error: {e}")]))
}

#[test]
fn conformance_through_rlua() {
    let num = version(&Lua::new());
    let label = format!("Lua {}.{} rlua", num / 100, num % 100);
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(root().join("tests/lua"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().unwrap().to_str().unwrap();
            n.ends_with(".lua")
                && n != "harness.lua"
                && !(n.starts_with("lua53_") && num < 503)
                && !(n.starts_with("lua54_") && num < 504)
        })
        .collect();
    scripts.sort();
    let (mut p, mut f) = (0, 0);
    for s in &scripts {
        let (passed, failed, failures) = run(s);
        let name = s.file_name().unwrap().to_str().unwrap();
        assert!(passed + failed > 0, "{name}: no assertion ran");
        println!("{label} {name}: {passed} passed, {failed} failed");
        for m in failures {
            println!("    FAIL {m}");
        }
        p += passed;
        f += failed;
    }
    println!("{label} total: {p} passed, {f} failed");
    assert_eq!(f, 0, "conformance failures through rlua (see above)");
    assert!(p >= 2000, "only {p} assertions ran");
}

#[test]
fn open_with_options_and_bit() {
    let lua = Lua::new();
    let opts = ffi_rlua::Options { patch_type: true, ..Default::default() };
    ffi_rlua::open_with(&lua, opts).unwrap();
    // open_with alone does not preload bit.
    let found: bool = lua.load(r#"return (pcall(require, "bit"))"#).eval().unwrap();
    assert!(!found);
    let bit = ffi_rlua::open_bit(&lua).unwrap();
    let (t, hex): (String, String) = lua
        .load(
            r#"local ffi, bit = require "ffi", require "bit"
                 return type(ffi.new("int")), bit.tohex(ffi.new("int64_t", -2))"#,
        )
        .eval()
        .unwrap();
    assert_eq!(t, "cdata");
    assert_eq!(hex, "fffffffffffffffe");
    assert!(bit.contains_key("arshift").unwrap());
}

#[test]
fn finalisers_at_close_can_use_ffi() {
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    {
        let lua = Lua::new();
        ffi_rlua::preload(&lua).unwrap();
        let c = counter.clone();
        let bump = lua
            .create_function(move |_, n: i64| {
                c.fetch_add(n as usize, std::sync::atomic::Ordering::SeqCst);
                Ok(())
            })
            .unwrap();
        lua.globals().set("bump", bump).unwrap();
        lua.load(
            r#"local ffi = require "ffi"
               keep = {}
               for i = 1, 10 do
                 keep[i] = ffi.gc(ffi.new("int[1]", i), function(p) bump(ffi.sizeof(p) + p[0]) end)
               end"#,
        )
        .exec()
        .unwrap();
    }
    // Each finaliser ran once at close, with ffi still working: sum of 4 + i.
    assert_eq!(counter.load(std::sync::atomic::Ordering::SeqCst), 40 + 55);
}
