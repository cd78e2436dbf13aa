//! Finalisers run exactly once, also when the state is closed with objects still alive,
//! and the per-state context is freed without touching freed memory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn state_with_counter(count: &Arc<AtomicUsize>) -> mlua::Lua {
    let lua = mlua::Lua::new();
    ffi_mlua::preload(&lua).unwrap();
    let c = count.clone();
    let f = lua
        .create_function(move |_, ()| {
            c.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
        .unwrap();
    lua.globals().set("bump", f).unwrap();
    lua
}

#[test]
fn finalisers_run_once_at_close() {
    let count = Arc::new(AtomicUsize::new(0));
    let lua = state_with_counter(&count);
    lua.load(
        r#"
        local ffi = require "ffi"
        ffi.cdef "struct closetest { int a; };"
        keep = {}
        for i = 1, 100 do
          keep[i] = ffi.gc(ffi.new("struct closetest[1]"), function() bump() end)
        end
        -- Removed finalisers must not run.
        local x = ffi.gc(ffi.new("int[1]"), function() bump() end)
        ffi.gc(x, nil)
        local T = ffi.metatype("struct closetest", { __gc = function() bump() end })
        keep.m = T(1)
        "#,
    )
    .exec()
    .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 0, "nothing is collected while referenced");
    drop(lua); // lua_close
    assert_eq!(
        count.load(Ordering::SeqCst),
        101,
        "100 ffi.gc finalisers and 1 metatype __gc, once each"
    );
}

#[test]
fn finalisers_run_once_when_collected() {
    let count = Arc::new(AtomicUsize::new(0));
    let lua = state_with_counter(&count);
    lua.load(
        r#"
        local ffi = require "ffi"
        for i = 1, 500 do ffi.gc(ffi.new("char[16]"), function() bump() end) end
        collectgarbage(); collectgarbage()
        "#,
    )
    .exec()
    .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 500);
    drop(lua);
    assert_eq!(count.load(Ordering::SeqCst), 500, "no finaliser runs twice at close");
}

#[test]
fn many_states_each_with_own_types() {
    // Several states, each with its own type table: a type declared in one is unknown in
    // the other, and closing them frees their contexts.
    for _ in 0..20 {
        let a = mlua::Lua::new();
        let b = mlua::Lua::new();
        ffi_mlua::preload(&a).unwrap();
        ffi_mlua::preload(&b).unwrap();
        a.load(r#"require("ffi").cdef "struct only_in_a { int x; };""#).exec().unwrap();
        let in_b: bool =
            b.load(r#"return (pcall(require("ffi").typeof, "struct only_in_a"))"#).eval().unwrap();
        assert!(!in_b);
        let size: i64 =
            a.load(r#"return require("ffi").sizeof("struct only_in_a")"#).eval().unwrap();
        assert_eq!(size, 4);
    }
}
