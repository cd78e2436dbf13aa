//! The C host example (`examples/c_host/host.c`): Lua linked statically with nothing
//! exported, ffi and bit through `include/lua_ffi.h` and `libffi_capi.a`, for Debian's
//! static Lua 5.1 .. 5.4 and a 5.5 built from lua-src's sources.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{built_library, cc, lua55_library, lua55_sources, scratch, skipped};

/// (LUA_VERSION_NUM, include directory, static library) of every Lua at hand.
fn static_luas() -> Vec<(u32, PathBuf, PathBuf)> {
    let mut v = Vec::new();
    for (num, ver) in [(501, "5.1"), (502, "5.2"), (503, "5.3"), (504, "5.4")] {
        let inc = PathBuf::from(format!("/usr/include/lua{ver}"));
        let lib = PathBuf::from(format!("/usr/lib/x86_64-linux-gnu/liblua{ver}.a"));
        if inc.join("lua.h").exists() && lib.exists() {
            v.push((num, inc, lib));
        } else {
            skipped(&format!("liblua{ver}-dev not installed: the C host not built for {ver}"));
        }
    }
    v.push((505, lua55_sources(), lua55_library()));
    v
}

#[test]
fn c_host_example_on_every_version() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let staticlib = built_library("libffi_capi.a");
    let luas = static_luas();
    for (num, inc, lib) in &luas {
        let exe = scratch().join(format!("host{num}"));
        cc(&[
            "-Wall",
            "-Wextra",
            "-Werror",
            "-O1",
            root.join("examples/c_host/host.c").to_str().unwrap(),
            &format!("-I{}", root.join("include").display()),
            &format!("-I{}", inc.display()),
            lib.to_str().unwrap(),
            staticlib.to_str().unwrap(),
            "-ldl",
            "-lgcc_s",
            "-lutil",
            "-lrt",
            "-lpthread",
            "-lm",
            "-lc",
            "-o",
            exe.to_str().unwrap(),
        ]);
        // Nothing exported: the library cannot have found Lua by dlsym.
        let nm = Command::new("nm").arg("-D").arg(&exe).output().expect("nm");
        let dynsyms = String::from_utf8_lossy(&nm.stdout);
        assert!(
            !dynsyms.lines().any(|l| l.contains(" T lua_gettop")),
            "host{num} exports the Lua C API"
        );
        let out = Command::new(&exe).output().expect("host");
        assert!(out.status.success(), "host{num}: {}", String::from_utf8_lossy(&out.stderr));
        let want = format!(
            "Lua {}.{} 42\n1 3 5 7 9\n0000000000ffff00\n1099511627776LL\n",
            num / 100,
            num % 100
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), want, "host{num}");
        println!("C host on Lua {}.{}: ffi, a callback and bit ran", num / 100, num % 100);
    }
    assert_eq!(luas.len(), 5);
}
