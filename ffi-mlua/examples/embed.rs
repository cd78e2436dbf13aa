//! A Rust program embedding Lua with mlua, giving its scripts `ffi` and `bit`.
use mlua::Lua;

fn main() -> mlua::Result<()> {
    let lua = Lua::new();
    ffi_mlua::preload(&lua)?; // require "ffi" and require "bit" now work
    lua.load(
        r#"
        local ffi, bit = require "ffi", require "bit"
        ffi.cdef [[ int snprintf(char *buf, size_t n, const char *fmt, ...); ]]
        local buf = ffi.new("char[32]")
        local n = ffi.C.snprintf(buf, 32, "%s: %d", _VERSION, ffi.new("int", 42))
        print(ffi.string(buf, n) .. " " .. bit.tohex(ffi.new("uint64_t", 0xdead) * 65536))
        "#,
    )
    .exec()
}
