//! `require "bit"` through ffi-mlua: LuaJIT's BitOp with 64-bit cdata by default, and a
//! `bit` the state already has is not shadowed unless the host asks (`open_bit`).

use mlua::{Lua, Table};

#[test]
fn preload_gives_luajits_bit() {
    let lua = Lua::new();
    ffi_mlua::preload(&lua).unwrap();
    let (a, b): (String, i64) = lua
        .load(
            r#"local bit, ffi = require "bit", require "ffi"
               return tostring(bit.band(ffi.new("uint64_t", 0xff00), 0x0ff0)), bit.lshift(1, 33)"#,
        )
        .eval()
        .unwrap();
    assert_eq!(a, "3840ULL");
    assert_eq!(b, 2);
}

#[test]
fn bit_first_then_ffi_patches_globals() {
    // bit opens ffi without patching; require "ffi" afterwards still patches tonumber.
    let lua = Lua::new();
    ffi_mlua::preload(&lua).unwrap();
    let n: f64 = lua
        .load(r#"local bit = require "bit"; local ffi = require "ffi"; return tonumber(ffi.new("int", 7))"#)
        .eval()
        .unwrap();
    assert_eq!(n, 7.0);
}

#[test]
fn an_existing_bit_is_not_shadowed() {
    let lua = Lua::new();
    // The host's own bit in package.preload, and another state's in package.loaded.
    lua.load(r#"package.preload.bit = function() return { mine = "preload" } end"#).exec().unwrap();
    assert!(!ffi_mlua::preload_bit(&lua).unwrap());
    ffi_mlua::preload(&lua).unwrap();
    let mine: String = lua.load(r#"return require("bit").mine"#).eval().unwrap();
    assert_eq!(mine, "preload");

    let lua = Lua::new();
    lua.load(r#"package.loaded.bit = { mine = "loaded" }"#).exec().unwrap();
    ffi_mlua::preload(&lua).unwrap();
    let mine: String = lua.load(r#"return require("bit").mine"#).eval().unwrap();
    assert_eq!(mine, "loaded");
    // Unless the host asks for ours.
    let ours: Table = ffi_mlua::open_bit(&lua).unwrap();
    let same: bool = lua.load(r#"return require("bit").tohex(255, -4) == "00FF""#).eval().unwrap();
    assert!(same);
    assert!(ours.contains_key("bswap").unwrap());
}
