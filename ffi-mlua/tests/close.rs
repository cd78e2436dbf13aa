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

/// Makes a finalizable object from Lua before `require "ffi"` whose `__gc` uses ffi, on
/// any Lua version (5.1 finalises only userdata: `newproxy`).
const EARLY_FINALISER: &str = r#"
    local function finalizable(f)
      if newproxy then
        local u = newproxy(true)
        getmetatable(u).__gc = f
        return u
      end
      return setmetatable({}, { __gc = f })
    end
    early = finalizable(function()
      local ok, err = pcall(function()
        local ffi = require "ffi"
        ffi.cdef "struct late_point { int x, y; };"
        local p = ffi.new("struct late_point", 3, 4)
        assert(p.x + p.y == 7)
        assert(tostring(ffi.new("int64_t", 5)) == "5LL")
        assert(ffi.sizeof("struct early_point") == 8)
      end)
      report(ok, tostring(err))
    end)
    local ffi = require "ffi"
    ffi.cdef "struct early_point { int x, y; };"
    keep = ffi.new("struct early_point", 1, 2)
"#;

/// A state with a `report(ok, err)` global that records what the late finaliser saw.
fn state_with_report(seen: &Arc<std::sync::Mutex<Vec<(bool, String)>>>) -> mlua::Lua {
    let lua = mlua::Lua::new();
    let s = seen.clone();
    let f = lua
        .create_function(move |_, (ok, err): (bool, String)| {
            s.lock().unwrap().push((ok, err));
            Ok(())
        })
        .unwrap();
    lua.globals().set("report", f).unwrap();
    lua
}

#[test]
fn ffi_works_in_finalisers_that_run_after_its_own_at_close() {
    // The object with the finaliser is made before the ffi module, so at lua_close its
    // finaliser runs after the module's own: the context must still be there.
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let lua = state_with_report(&seen);
    ffi_mlua::preload(&lua).unwrap();
    lua.load(EARLY_FINALISER).exec().unwrap();
    assert!(seen.lock().unwrap().is_empty());
    drop(lua);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "the early finaliser ran once at close");
    assert!(seen[0].0, "ffi worked inside it: {}", seen[0].1);
}

#[test]
fn a_lua_owned_context_gives_an_error_not_freed_memory_after_close() {
    // Without an owner that outlives lua_close (a plain luaopen_ffi), the context goes
    // with its cell's __gc; a finaliser that runs after it gets a Lua error.
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let lua = state_with_report(&seen);
    let open: ffi_core::luaapi::CFunction = ffi_core::lua::open::<ffi_mlua::api::MluaVm>;
    // SAFETY: the same function type with mlua's opaque state type for ffi-core's.
    let open =
        unsafe { std::mem::transmute::<ffi_core::luaapi::CFunction, mlua::lua_CFunction>(open) };
    // SAFETY: `open` is a lua_CFunction for the Lua version mlua links.
    let loader = unsafe { lua.create_c_function(open) }.unwrap();
    let preload: mlua::Table =
        lua.globals().get::<mlua::Table>("package").unwrap().get("preload").unwrap();
    preload.set("ffi", loader).unwrap();
    lua.load(EARLY_FINALISER).exec().unwrap();
    drop(lua);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "the early finaliser ran once at close");
    assert!(!seen[0].0, "ffi cannot work after its context was freed");
    assert!(seen[0].1.contains("ffi used after its Lua state began closing"), "{}", seen[0].1);
}
