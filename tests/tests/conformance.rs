//! The conformance suite: every script in `tests/lua` through ffi-mlua (this build's
//! Lua), again with the garbage collector running continuously, and through `luajit` as
//! the oracle (scripts named `puc_*`/`lua53_*` test PUC-only extensions and skip it).

use ffi_conformance::{
    report, run_luajit, run_mlua, runs_here, runs_on_luajit, script_name as name, scripts, vm_name,
};

/// A check that cannot run: a failure when `FFI_REQUIRE_ORACLES` is set (the test script
/// sets it, having installed every oracle), else a line straight to the process's stderr
/// (libtest captures `println!`/`eprintln!` of passing tests, and a skip must be seen).
fn skipped(msg: &str) {
    if std::env::var_os("FFI_REQUIRE_ORACLES").is_some() {
        panic!("{msg} (FFI_REQUIRE_ORACLES is set)");
    }
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "!!!! SKIPPED: {msg} !!!!");
}

#[test]
fn conformance_on_this_lua() {
    let res: Vec<_> =
        scripts().iter().filter(|p| runs_here(p)).map(|p| (name(p), run_mlua(p, false))).collect();
    let (passed, failed) = report(&vm_name(), &res);
    assert_eq!(failed, 0, "conformance failures (see above)");
    assert!(passed >= 100, "only {passed} assertions ran");
}

#[test]
fn conformance_under_gc_stress() {
    let res: Vec<_> =
        scripts().iter().filter(|p| runs_here(p)).map(|p| (name(p), run_mlua(p, true))).collect();
    let (_, failed) = report(&format!("{} gc-stress", vm_name()), &res);
    assert_eq!(failed, 0, "conformance failures under GC stress (see above)");
    // Every script runs exactly the assertions it runs without the stress.
    for (p, (n, stressed)) in scripts().iter().filter(|p| runs_here(p)).zip(&res) {
        let plain = run_mlua(p, false);
        assert_eq!(stressed.passed, plain.passed, "{n}: a different number of assertions ran");
    }
}

#[test]
fn conformance_on_luajit_oracle() {
    let exe = std::env::var("LUAJIT").unwrap_or_else(|_| "luajit".into());
    if std::process::Command::new(&exe)
        .arg("-v")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        skipped("luajit not found; the LuaJIT oracle run of the conformance suite did not run");
        return;
    }
    let res: Vec<_> = scripts()
        .iter()
        .filter(|p| runs_on_luajit(p))
        .map(|p| (name(p), run_luajit(&exe, p)))
        .collect();
    let (passed, failed) = report("luajit", &res);
    assert_eq!(
        failed, 0,
        "scripts fail on LuaJIT: their expectations are not LuaJIT's (see above)"
    );
    assert!(passed >= 100, "only {passed} assertions ran on luajit");
}
