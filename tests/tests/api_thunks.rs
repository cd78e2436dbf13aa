//! The C-call scripts again with the fast thunks reading every argument through the Lua
//! API (the path used when the probe of the VM's stack layout fails). A separate test
//! binary, so that turning the probe off affects no other test.

use ffi_conformance::{run_mlua, runs_here, scripts};

#[test]
fn calls_through_the_api_only() {
    ffi_core::lua::set_stack_probe(false);
    let mut passed = 0;
    for p in scripts().iter().filter(|p| runs_here(p)) {
        let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !(n.starts_with("calls") || n.starts_with("puc_calls")) {
            continue;
        }
        let o = run_mlua(p, false);
        assert_eq!(o.failed, 0, "{n}: {:?}", o.failures);
        passed += o.passed;
    }
    assert!(passed > 150, "only {passed} assertions ran");
}
