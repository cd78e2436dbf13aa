//! What the `lua-ffi` tests share: the binary under test and the stock interpreter.

use std::path::PathBuf;

/// The `lua-ffi` binary under test.
pub const OURS: &str = env!("CARGO_BIN_EXE_lua-ffi");

/// Debian's `lua5.4`, or `None` when it is missing: then `skipped` (what does not run) is
/// written straight to stderr (libtest captures a passing test's prints), or the test
/// fails when `FFI_REQUIRE_ORACLES` is set, as `scripts/test.sh` sets it.
pub fn stock(skipped: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .and_then(|p| std::env::split_paths(&p).map(|d| d.join("lua5.4")).find(|f| f.is_file()));
    if found.is_none() {
        if std::env::var_os("FFI_REQUIRE_ORACLES").is_some() {
            panic!("lua5.4 (Debian package lua5.4) is required: {skipped}");
        }
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "!!!! SKIPPED: lua5.4 not found (apt-get install lua5.4); {skipped} !!!!"
        );
    }
    found
}
