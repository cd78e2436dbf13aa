//! Callbacks called where no Lua code can safely run: from a thread other than the one
//! running their state, and after their state was closed. Each scenario runs in a child
//! process (this test binary again, selected by an environment variable), which must
//! print ffi's message and abort; the parent checks both. And the slot pool across
//! states: what a closed state held is reused by the next one.

use std::process::Command;

/// The environment variable that makes the child run one scenario.
const SCENARIO: &str = "FFI_CALLBACK_FAULT";

/// A state with ffi and a callback `int (*)(int, int)`; returns its address. A C call
/// first, so that the state has a thread of record.
fn state_and_callback() -> (mlua::Lua, usize) {
    let lua = mlua::Lua::new();
    ffi_mlua::preload(&lua).unwrap();
    let addr: i64 = lua
        .load(
            r#"
            local ffi = require "ffi"
            ffi.cdef "int abs(int);"
            assert(ffi.C.abs(-3) == 3)
            cb = ffi.cast("int (*)(int, int)", function(a, b) return a + b end)
            return tonumber(ffi.cast("intptr_t", cb))
            "#,
        )
        .eval()
        .unwrap();
    (lua, addr as usize)
}

/// Calls the C function pointer `addr` as `int (*)(int, int)`.
fn call(addr: usize, a: i32, b: i32) -> i32 {
    // SAFETY: `addr` is a callback of that signature (made by `state_and_callback`).
    let f: extern "C" fn(i32, i32) -> i32 = unsafe { std::mem::transmute(addr) };
    f(a, b)
}

/// Runs the scenario named in the environment, if any (in the child).
fn child() -> bool {
    let Ok(which) = std::env::var(SCENARIO) else { return false };
    let (lua, addr) = state_and_callback();
    match which.as_str() {
        "thread" => {
            let r = std::thread::spawn(move || call(addr, 1, 2)).join();
            println!("returned: {r:?}");
        }
        "closed" => {
            drop(lua);
            println!("returned: {}", call(addr, 1, 2));
        }
        _ => {}
    }
    true
}

/// Runs this binary's test `name` again in a child with the scenario set; returns its
/// stderr and whether it was killed by SIGABRT.
fn run_child(name: &str, scenario: &str) -> (String, bool, String) {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(SCENARIO, scenario)
        .output()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    let aborted = out.status.signal() == Some(6);
    (
        String::from_utf8_lossy(&out.stderr).into_owned(),
        aborted,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Runs test `name` again in a child with `scenario`, which must print `message` on
/// stderr and abort without the callback returning.
fn assert_child_aborts(name: &str, scenario: &str, message: &str) {
    let (stderr, aborted, stdout) = run_child(name, scenario);
    assert!(stderr.contains(message), "stderr: {stderr}\nstdout: {stdout}");
    assert!(aborted, "the child aborts (SIGABRT); stderr: {stderr}");
    assert!(!stdout.contains("returned:"), "the callback never returned: {stdout}");
}

#[test]
fn callback_from_another_thread_aborts_with_a_message() {
    if child() {
        return;
    }
    assert_child_aborts(
        "callback_from_another_thread_aborts_with_a_message",
        "thread",
        "ffi: fatal: a callback was called on a thread that is not running its Lua state",
    );
}

#[test]
fn callback_after_close_aborts_with_a_message() {
    if child() {
        return;
    }
    assert_child_aborts(
        "callback_after_close_aborts_with_a_message",
        "closed",
        "ffi: fatal: a callback was called after the Lua state that made it was closed",
    );
}

#[test]
fn callback_on_its_own_thread_runs() {
    if std::env::var(SCENARIO).is_ok() {
        return;
    }
    let (lua, addr) = state_and_callback();
    assert_eq!(call(addr, 40, 2), 42, "called from Rust on the state's thread");
    drop(lua);
}

#[test]
fn states_closed_with_live_callbacks_give_their_slots_back() {
    if std::env::var(SCENARIO).is_ok() {
        return;
    }
    let cycle = || {
        let lua = mlua::Lua::new();
        ffi_mlua::preload(&lua).unwrap();
        let n: i64 = lua
            .load(
                r#"
                local ffi = require "ffi"
                keep = {}
                for i = 1, 1000 do
                  keep[i] = ffi.cast("int (*)(int)", function(x) return x + i end)
                end
                return keep[1000](1)
                "#,
            )
            .eval()
            .unwrap();
        assert_eq!(n, 1001);
        drop(lua); // lua_close with 1,000 live callbacks
    };
    cycle();
    let (pages, _) = ffi_core::emit::callback::pool_size();
    // Made, called and freed in a loop in one state: the slots given back are reused.
    let lua = mlua::Lua::new();
    ffi_mlua::preload(&lua).unwrap();
    let ok: bool = lua
        .load(
            r#"
            local ffi = require "ffi"
            for i = 1, 10000 do
              local c = ffi.cast("int (*)(int)", function(x) return x * 2 end)
              if c(i) ~= 2 * i then return false end
              c:free()
            end
            return true
            "#,
        )
        .eval()
        .unwrap();
    assert!(ok);
    drop(lua);
    let (looped, _) = ffi_core::emit::callback::pool_size();
    assert!(looped <= pages + 1, "10,000 callbacks made and freed: {pages} -> {looped} pages");
    for _ in 0..20 {
        cycle();
    }
    let (after, free) = ffi_core::emit::callback::pool_size();
    // 1,000 slots take four pages; other tests of this binary may hold a few more.
    assert!(after <= pages + 4, "20 more states of 1,000 callbacks each: {pages} -> {after} pages");
    assert!(free >= 1000, "the closed states' slots are free again ({free} free)");
}

#[test]
fn a_callback_called_outside_any_ffi_call_runs_on_the_main_thread() {
    if std::env::var(SCENARIO).is_ok() {
        return;
    }
    let lua = mlua::Lua::new();
    ffi_mlua::preload(&lua).unwrap();
    let addr: i64 = lua
        .load(
            r#"
            local ffi = require "ffi"
            ffi.cdef "int abs(int);"
            -- The last C call through ffi is made by a coroutine that then dies.
            coroutine.wrap(function() assert(ffi.C.abs(-1) == 1) end)()
            collectgarbage(); collectgarbage()
            cb = ffi.cast("int (*)(int, int)", function(a, b)
              -- 5.1: nil on the main thread; later versions: the thread and true.
              local co, ismain = coroutine.running()
              return (co == nil or ismain) and a + b or -1
            end)
            return tonumber(ffi.cast("intptr_t", cb))
            "#,
        )
        .eval()
        .unwrap();
    // Called from Rust, outside any C call made through ffi: on the main thread, not on
    // the collected coroutine.
    assert_eq!(call(addr as usize, 40, 2), 42);
}
