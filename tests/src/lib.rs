//! Runs the conformance scripts in `tests/lua/` (see `tests/tests/conformance.rs`).

use std::path::{Path, PathBuf};

/// Counts from one script.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    /// Passed assertions.
    pub passed: u64,
    /// Failed assertions.
    pub failed: u64,
    /// Messages of the failed ones (and a script error, if any).
    pub failures: Vec<String>,
}

/// The directory of the Lua scripts.
pub fn lua_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lua")
}

/// Every conformance script (all `*.lua` files but the harness), sorted.
pub fn scripts() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(lua_dir())
        .expect("tests/lua")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "lua")
                && p.file_name().is_some_and(|n| n != "harness.lua")
        })
        .collect();
    v.sort();
    v
}

/// Whether a script may run on `luajit` (scripts about PUC-only extensions are named
/// `puc_*`, `lua53_*` or `lua54_*`).
pub fn runs_on_luajit(p: &Path) -> bool {
    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    !(n.starts_with("puc_") || n.starts_with("lua53_") || n.starts_with("lua54_"))
}

/// Whether a script applies to this build's Lua (`lua53_*` need 5.3+).
pub fn runs_here(p: &Path) -> bool {
    applies_to(p, this_version())
}

/// This build's `LUA_VERSION_NUM` (501 .. 505).
pub fn this_version() -> u32 {
    if cfg!(feature = "lua55") {
        505
    } else if cfg!(feature = "lua54") {
        504
    } else if cfg!(feature = "lua53") {
        503
    } else if cfg!(feature = "lua52") {
        502
    } else {
        501
    }
}

/// Whether a script applies to Lua `version` (`LUA_VERSION_NUM`): `lua53_*` scripts need
/// 5.3+, `lua54_*` need 5.4+.
pub fn applies_to(p: &Path, version: u32) -> bool {
    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    !(n.starts_with("lua53_") && version < 503 || n.starts_with("lua54_") && version < 504)
}

/// The C test library the calls scripts load (`tests/c/ffitest.c`), built once per test
/// process with the system C compiler into `target/ffitest/`.
pub fn testlib() -> PathBuf {
    static LIB: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    LIB.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let src = root.join("c/ffitest.c");
        let dir = root.join("../target/ffitest");
        std::fs::create_dir_all(&dir).expect("target/ffitest");
        // One file per process: test binaries built for different Lua versions may run
        // at the same time.
        let out = dir.join(format!("libffitest-{}.so", std::process::id()));
        let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
        let st = std::process::Command::new(&cc)
            .args(["-shared", "-fPIC", "-O2", "-o"])
            .arg(&out)
            .arg(&src)
            .status()
            .unwrap_or_else(|e| panic!("cannot run {cc}: {e}"));
        assert!(st.success(), "{cc} failed to build {}", src.display());
        out
    })
    .clone()
}

/// This build's Lua as its `_VERSION` ("Lua 5.4"), the label of its figures.
pub fn vm_name() -> String {
    mlua::Lua::new().globals().get::<String>("_VERSION").unwrap_or_else(|_| "Lua ?".into())
}

/// Copy number `i` of [`testlib`] (another path, so another instance of its globals): for
/// runs that go on at once in one process.
pub fn testlib_instance(i: usize) -> PathBuf {
    let lib = testlib();
    let copy = lib.with_extension(format!("{i}.so"));
    if !copy.exists() {
        let tmp = lib.with_extension(format!("{i}.{:?}.tmp", std::thread::current().id()));
        std::fs::copy(&lib, &tmp).expect("copy of the test library");
        std::fs::rename(&tmp, &copy).expect("copy of the test library");
    }
    copy
}

/// Runs one script through ffi-mlua in a fresh state. `gc_stress` makes the collector
/// run continuously (and steps it after every harness assertion).
pub fn run_mlua(path: &Path, gc_stress: bool) -> Outcome {
    // The plain and the GC-stress runs go on at once in this process: each gets its own
    // copy of the library, so that neither sees the other's extern variables.
    run_mlua_with(path, gc_stress, &if gc_stress { testlib_instance(0) } else { testlib() })
}

/// [`run_mlua`] with the C test library at `lib`.
pub fn run_mlua_with(path: &Path, gc_stress: bool, lib: &Path) -> Outcome {
    // SAFETY: all standard libraries, `debug` included, as the stock interpreter opens
    // them (the harness uses debug.getinfo for failure positions).
    let lua = unsafe { mlua::Lua::unsafe_new() };
    let go = || -> mlua::Result<Outcome> {
        ffi_mlua::preload(&lua)?;
        // The harness's output goes through the test's captured stdout (shown when the
        // test fails), not straight to the process's.
        let print = lua.create_function(|_, args: mlua::Variadic<mlua::Value>| {
            let parts: Vec<String> =
                args.iter().map(|v| v.to_string().unwrap_or_else(|_| "?".into())).collect();
            println!("{}", parts.join("\t"));
            Ok(())
        })?;
        lua.globals().set("print", print)?;
        let dir = lua_dir();
        let pkg: mlua::Table = lua.globals().get("package")?;
        pkg.set("path", format!("{}/?.lua", dir.display()))?;
        if gc_stress {
            lua.globals().set("FFI_GC_STRESS", true)?;
        }
        lua.globals().set("FFI_TESTLIB", lib.display().to_string())?;
        let src = std::fs::read_to_string(path).map_err(mlua::Error::external)?;
        lua.load(&src).set_name(format!("@{}", path.display())).exec()?;
        let h: mlua::Table = lua.globals().get("HARNESS")?;
        let failures: Vec<String> = h
            .get::<mlua::Table>("failures")?
            .sequence_values::<String>()
            .collect::<mlua::Result<_>>()?;
        Ok(Outcome { passed: h.get("passed")?, failed: h.get("failed")?, failures })
    };
    match go() {
        Ok(o) => o,
        Err(e) => Outcome { passed: 0, failed: 1, failures: vec![format!("script error: {e}")] },
    }
}

/// Runs one script with `luajit`, parsing the harness's closing line.
pub fn run_luajit(exe: &str, path: &Path) -> Outcome {
    run_interpreter(exe, None, path)
}

/// Runs one script with a stand-alone interpreter (`luajit`, or a stock `lua5.x` that
/// loads `ffi.so` from `cpath_dir`), parsing the harness's closing line.
pub fn run_interpreter(exe: &str, cpath_dir: Option<&Path>, path: &Path) -> Outcome {
    let dir = lua_dir();
    let mut cmd = std::process::Command::new(exe);
    cmd.env("LUA_PATH", format!("{}/?.lua;;", dir.display())).env("FFI_TESTLIB", testlib());
    if let Some(c) = cpath_dir {
        // Only our ffi.so: not a system module of the same name.
        cmd.env("LUA_CPATH", format!("{}/?.so", c.display()));
    }
    // Every version's variables too (LUA_PATH_5_4 would win over LUA_PATH).
    for v in ["5_2", "5_3", "5_4", "5_5"] {
        cmd.env_remove(format!("LUA_PATH_{v}")).env_remove(format!("LUA_CPATH_{v}"));
    }
    let out = cmd.arg(path).output();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            return Outcome {
                passed: 0,
                failed: 1,
                failures: vec![format!("cannot run {exe}: {e}")],
            }
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut o = Outcome::default();
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("FAIL ") {
            o.failures.push(rest.to_string());
        }
        if let Some((p, f)) = line.split_once(" passed, ").filter(|_| line.ends_with(" failed")) {
            o.passed = p.rsplit(' ').next().and_then(|x| x.parse().ok()).unwrap_or(0);
            o.failed = f.trim_end_matches(" failed").parse().unwrap_or(0);
        }
    }
    if !out.status.success() {
        o.failed += 1;
        o.failures.push(format!(
            "{exe} exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    o
}

/// Prints each script's counts as `<label> <script>: N passed, N failed` (the lines the
/// test script's summary reads) and the `<label> total: ...` line; returns the totals.
/// Every script must have run some assertions (one that stopped early or was skipped by
/// mistake shows up here).
pub fn report(label: &str, results: &[(String, Outcome)]) -> (u64, u64) {
    let (mut p, mut f) = (0, 0);
    for (name, o) in results {
        assert!(o.passed > 0 || o.failed > 0, "{label} {name}: no assertion ran");
        println!("{label} {name}: {} passed, {} failed", o.passed, o.failed);
        for m in &o.failures {
            println!("    FAIL {m}");
        }
        p += o.passed;
        f += o.failed;
    }
    println!("{label} total: {p} passed, {f} failed");
    (p, f)
}

/// A script's file name.
pub fn script_name(p: &Path) -> String {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string()
}
