//! Exports the Lua C API from the `lua-ffi` executable, as Debian's `lua5.4` does, so
//! that C modules built for Lua 5.4 (`require "lpeg"`) find `lua_*`, `luaL_*` and
//! `luaopen_*` in it. A dynamic list exports only those names (not every Rust symbol),
//! and keeps them through `--gc-sections`.

use std::io::Write;

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let list = out.join("lua-api.list");
    let mut f = std::fs::File::create(&list).expect("create the dynamic list");
    writeln!(f, "{{\n  lua_*;\n  luaL_*;\n  luaopen_*;\n}};").expect("write the dynamic list");
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.contains("linux") || target.contains("bsd") {
        println!("cargo:rustc-link-arg-bins=-Wl,--dynamic-list={}", list.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
}
