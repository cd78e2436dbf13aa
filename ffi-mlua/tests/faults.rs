//! Fault injection at the error boundary: allocation failures (mlua's memory limit) at
//! every point of `ffi.new`, `tostring`, `ffi.string` and the other operations that
//! allocate, metamethods and finalisers that raise, and userdata that only look like
//! cdata. Each must leave the state usable, and nothing may leak: a counting global
//! allocator checks that the memory Rust holds outside Lua (all live memory minus what
//! Lua itself uses, which mlua takes from the same allocator and counts) does not grow
//! with the number of faults. A `longjmp` over a Rust frame that owned a `String` or a
//! `Vec` would show up here as growth.
//!
//! One `#[test]` runs every scenario in turn, so that the allocation counts are not
//! disturbed by other tests running at the same time.

use mlua::{Function, Lua};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counts are kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded: `p` came from this allocator with this layout.
        unsafe { System.dealloc(p, layout) }
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's block and layout.
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes Rust holds outside the Lua state `lua`.
fn rust_live(lua: &Lua) -> isize {
    LIVE.load(Ordering::SeqCst) - lua.used_memory() as isize
}

fn state() -> Lua {
    // SAFETY: the standard libraries, debug included, as the stock interpreter has them.
    let lua = unsafe { Lua::unsafe_new() };
    ffi_mlua::preload(&lua).unwrap();
    // `expect(ok, err, part)`, for the results of a pcall inside an operation: success, a
    // fault (counted in `inner_faults`), or an error containing `part`; anything else
    // fails the operation.
    lua.load(
        r#"inner_faults = 0
        function expect(ok, err, part)
          if ok then return end
          local text = tostring(err)
          if text:find("not enough memory", 1, true) then
            inner_faults = inner_faults + 1
          elseif not (part and text:find(part, 1, true)) then
            error("unexpected error: " .. text, 0)
          end
        end"#,
    )
    .exec()
    .unwrap();
    lua
}

/// Two full collections (a finaliser's error, which 5.1 passes on, is ignored).
fn full_gc(lua: &Lua) {
    let _ = lua.gc_collect();
    let _ = lua.gc_collect();
}

/// What one round of an operation under a memory limit did.
#[derive(Default, Debug)]
struct Tally {
    ok: usize,
    out_of_memory: usize,
}

/// Calls `op(i)` `rounds` times, each under a memory limit a little above what the state
/// uses after a full collection (0 to `span` bytes more, so that the failure lands at a different
/// allocation each time, with no garbage for an emergency collection to free); after each
/// call, lifts the limit and checks the state with `check()`.
fn under_limits(lua: &Lua, op: &Function, check: &Function, rounds: usize, span: usize) -> Tally {
    let mut t = Tally::default();
    for i in 0..rounds {
        let extra = (i * 7) % span;
        full_gc(lua);
        lua.set_memory_limit(lua.used_memory() + extra).unwrap();
        let r = op.call::<()>(i as i64);
        lua.set_memory_limit(0).unwrap();
        match r {
            Ok(()) => t.ok += 1,
            Err(e) => {
                let text = e.to_string();
                assert!(
                    matches!(e, mlua::Error::MemoryError(_)) || text.contains("not enough memory"),
                    "round {i}: an error other than running out of memory: {text}"
                );
                t.out_of_memory += 1;
            }
        }
        let fine: bool =
            check.call(i as i64).unwrap_or_else(|e| panic!("round {i}: state broken: {e}"));
        assert!(fine, "round {i}: the state answers wrongly after the fault");
    }
    t
}

/// Runs `pass` twice; the second pass repeats the first, which has filled whatever caches
/// it needs, so it must leave the Rust heap where it was (the allocator's bookkeeping may
/// move a few bytes; a leak would show as hundreds of faults times its size). Returns
/// what the second pass returned.
fn second_pass_leaks_nothing<T: std::fmt::Debug>(
    name: &str,
    lua: &Lua,
    mut pass: impl FnMut() -> T,
) -> T {
    pass();
    full_gc(lua);
    let before = rust_live(lua);
    let t = pass();
    let _ = lua.gc_collect();
    full_gc(lua);
    let grew = rust_live(lua) - before;
    assert!(grew <= 64, "{name}: Rust's memory grew by {grew} bytes over a repeated pass: {t:?}");
    println!("{name}: {t:?}, Rust memory {grew:+} bytes");
    t
}

/// About how many bytes above the collected heap one call of `op` needs (the smallest
/// limit, to 64 bytes, under which `op(0)` succeeds).
fn footprint(lua: &Lua, op: &Function) -> usize {
    let (mut lo, mut hi) = (0usize, 1 << 20);
    while hi - lo > 64 {
        let mid = (lo + hi) / 2;
        full_gc(lua);
        lua.set_memory_limit(lua.used_memory() + mid).unwrap();
        let ok = op.call::<()>(0).is_ok();
        lua.set_memory_limit(0).unwrap();
        if ok {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// Runs `op` under memory limits over the same 1,000 inputs twice: the first pass fills
/// whatever caches the inputs need; the second repeats every fault of the first and must
/// leave the Rust heap where it was (a `longjmp` over a frame that owned a `String` or a
/// `Vec` would leak there). `inner` says faults must also land inside the operation's own
/// `pcall`s (counted by `expect`).
fn no_leak_under_limits(name: &str, min_span: usize, inner: bool, setup: &str, op: &str) {
    let lua = state();
    lua.load(setup).exec().unwrap_or_else(|e| panic!("{name}: setup: {e}"));
    let op: Function = lua.load(op).eval().unwrap_or_else(|e| panic!("{name}: op: {e}"));
    let check: Function = lua
        .load(
            r#"local ffi = require "ffi"
            return function(i)
              local a = ffi.new("int[3]", { 1, i % 100, 3 })
              return a[1] == i % 100 and tostring(ffi.new("int64_t", i)) == i .. "LL"
            end"#,
        )
        .eval()
        .unwrap();
    // The span of limits covers twice what one call needs on this Lua version.
    let span = (2 * footprint(&lua, &op)).max(min_span);
    let t = second_pass_leaks_nothing(name, &lua, || under_limits(&lua, &op, &check, 1000, span));
    assert!(t.out_of_memory > 50 && t.ok > 50, "{name}: faults must land and also miss: {t:?}");
    if inner {
        let inner_faults: i64 = lua.globals().get("inner_faults").unwrap();
        assert!(inner_faults > 50, "{name}: only {inner_faults} faults inside the pcalls");
    }
}

fn out_of_memory_everywhere() {
    no_leak_under_limits(
        "ffi.new with nested initializers",
        1024,
        false,
        r#"local ffi = require "ffi"
        ffi.cdef "struct f_in { int a, b; }; struct f_out { struct f_in x, y; double z[4]; };"
        "#,
        r#"local ffi = require "ffi"
        return function(i)
          local o = ffi.new("struct f_out", { x = { a = i, b = 2 }, y = { 3, 4 }, z = { 1, 2, 3, 4 } })
          assert(o.x.a == i and o.y.b == 4 and o.z[3] == 4)
        end"#,
    );
    no_leak_under_limits(
        "initializers naming members never named before",
        24576,
        false,
        r#"local ffi = require "ffi"
        local d = {}
        for i = 0, 2199 do d[#d + 1] = "struct f_named" .. i .. " { int m" .. i .. "a, m" .. i .. "b; };" end
        ffi.cdef(table.concat(d, "\n"))
        named = {}
        for i = 0, 2199 do named[i] = ffi.typeof("struct f_named" .. i) end
        "#,
        r#"local ffi = require "ffi"
        return function(i)
          local t = {}
          t["m" .. i .. "a"] = 5
          t["m" .. i .. "b"] = 6
          local o = ffi.new(named[i], t)
          assert(o["m" .. i .. "a"] + o["m" .. i .. "b"] == 11)
        end"#,
    );
    no_leak_under_limits(
        "tostring, short and long texts",
        1024,
        false,
        r#"local ffi = require "ffi"
        ffi.cdef("struct f_" .. string.rep("long_name_", 12) .. "x { int a; };")
        "#,
        r#"local ffi = require "ffi"
        local long = "struct f_" .. string.rep("long_name_", 12) .. "x *"
        return function(i)
          assert(tostring(ffi.new("uint64_t", i)) == i .. "ULL")
          assert(#tostring(ffi.cast(long, i)) > 120)
        end"#,
    );
    no_leak_under_limits(
        "ffi.string of short and long buffers",
        8192,
        false,
        r#"local ffi = require "ffi"
        buf = ffi.new("char[3000]")
        ffi.fill(buf, 2999, 65)
        "#,
        r#"local ffi = require "ffi"
        return function(i)
          assert(#ffi.string(buf) == 2999)
          assert(ffi.string(buf, i % 50) == string.rep("A", i % 50))
        end"#,
    );
    no_leak_under_limits(
        "errors raised while memory runs out",
        1024,
        true,
        r#"local ffi = require "ffi"
        ffi.cdef "struct f_err { int a; };"
        "#,
        r#"local ffi = require "ffi"
        return function(i)
          local ok, e = pcall(ffi.new, "struct f_err", "not a number")
          assert(not ok)
          expect(ok, e, "cannot convert 'string' to 'int'")
          ok, e = pcall(function() return ffi.new("struct f_err").nope end)
          assert(not ok)
          expect(ok, e, "has no member named 'nope'")
        end"#,
    );
    no_leak_under_limits(
        "metatypes, finalisers, casts, arithmetic, cdef of a number",
        4096,
        true,
        r#"local ffi = require "ffi"
        local d = {}
        for i = 0, 2199 do d[#d + 1] = "struct f_mt" .. i .. " { int a; };" end
        ffi.cdef(table.concat(d, "\n"))
        mts = {}
        for i = 0, 2199 do mts[i] = ffi.typeof("struct f_mt" .. i) end
        "#,
        r#"local ffi = require "ffi"
        return function(i)
          local ok, e = pcall(ffi.metatype, mts[i], { __index = { get = function(o) return o.a end } })
          expect(ok, e, "cannot change a protected metatable")
          local g = ffi.gc(ffi.new("char[16]"), function() end)
          ffi.gc(g, nil)
          local p = ffi.cast("int *", i) + 1
          local s = ffi.new("int64_t", i) * 2 + ffi.new("uint64_t", 1)
          assert(tonumber(s) == 2 * i + 1)
          ok, e = pcall(ffi.cdef, 12345)
          assert(not ok)
          expect(ok, e, "declaration specifier expected")
        end"#,
    );
    no_leak_under_limits(
        "C calls: results boxed and copied, bad arguments, NULL calls, symbols, libraries",
        4096,
        true,
        r#"local ffi = require "ffi"
        ffi.cdef [[
          int abs(int); size_t strlen(const char *); double cos(double);
          typedef struct { int quot, rem; } f_div_t; f_div_t div(int, int) __asm__("div");
          unsigned long long strtoull(const char *, char **, int);
          int snprintf(char *, size_t, const char *, ...);
          int f_not_there(int);
        ]]
        buf = ffi.new("char[32]")
        "#,
        r#"local ffi = require "ffi"
        return function(i)
          assert(ffi.C.abs(-i) == i)
          assert(tonumber(ffi.C.strlen("abc")) == 3)
          assert(ffi.C.div(i + 7, 7).quot == math.floor(i / 7) + 1)
          assert(tonumber(ffi.C.strtoull("123", nil, 10)) == 123)
          assert(ffi.C.snprintf(buf, 32, "%d %s %g", ffi.new("int", i), "x", 0.5) > 0)
          local ok, e = pcall(ffi.C.abs, "x")
          assert(not ok)
          expect(ok, e, "cannot convert 'string' to 'int'")
          ok, e = pcall(ffi.cast("int (*)(int)", 0), 1)
          assert(not ok)
          expect(ok, e, "NULL function pointer")
          ok, e = pcall(function() return ffi.C.f_not_there end)
          assert(not ok)
          expect(ok, e, "cannot resolve symbol")
          ok, e = pcall(ffi.load, "f_no_such_library")
          assert(not ok)
          expect(ok, e, "f_no_such_library")
          local m = ffi.load("m")
          assert(m.cos(0) == 1)
        end"#,
    );
}

/// A metamethod or finaliser that raises, over and over: the state stays usable and
/// nothing leaks.
fn raising_metamethods_and_finalisers() {
    let lua = state();
    let op: Function = lua
        .load(
            r#"local ffi = require "ffi"
            ffi.cdef "struct f_raise { int a; };"
            local T = ffi.metatype("struct f_raise", {
              __index = function() error({ "an error object" }) end,
              __add = function() error("add failed") end,
            })
            local o = T(1)
            finalisers_run = 0
            -- On 5.1 a finaliser's error reaches whoever allocated when the collector ran
            -- it, inside these pcalls too (the error table, a message string).
            local function finaliser(e) return tostring(e):find("finaliser failed", 1, true) end
            return function(i)
              local ok, e = pcall(function() return o.nope end)
              assert(not ok and (type(e) == "table" and e[1] == "an error object" or finaliser(e)))
              ok, e = pcall(function() return o + 1 end)
              assert(not ok and (tostring(e):find("add failed", 1, true) or finaliser(e)))
              -- A finaliser that raises, run by the collector in the middle of ffi.new.
              ffi.gc(ffi.new("char[64]"), function()
                finalisers_run = finalisers_run + 1
                error("finaliser failed")
              end)
              for _ = 1, 20 do
                ok, e = pcall(ffi.new, "char[256]")
                -- On 5.1 a finaliser's error reaches whoever allocated.
                assert(ok or tostring(e):find("finaliser failed", 1, true))
              end
            end"#,
        )
        .eval()
        .unwrap();
    // Each call succeeds, or fails only with the finaliser's error (5.1 passes it to
    // whatever allocated when it ran; 5.4 makes it a warning).
    let call = |i: i64| match op.call::<()>(i) {
        Ok(()) => {}
        Err(e) => {
            let text = e.to_string();
            assert!(text.contains("finaliser failed"), "round {i}: {text}");
        }
    };
    second_pass_leaks_nothing("raising metamethods", &lua, || (0..1000).for_each(call));
    let run: i64 = lua.globals().get("finalisers_run").unwrap();
    assert!(run > 10, "only {run} raising finalisers ran");
    let sum: i64 = lua
        .load(
            r#"local ffi = require "ffi"; local a = ffi.new("int[2]", 20, 22); return a[0] + a[1]"#,
        )
        .eval()
        .unwrap();
    assert_eq!(sum, 42);
}

/// Userdata that are not cdata, including one made to look like cdata with a type id far
/// beyond the type table: refused as userdata, never used to index the table.
fn foreign_userdata() {
    let lua = state();
    lua.load(r#"ffi = require "ffi""#).exec().unwrap();
    // A full userdata whose first bytes are the cdata magic, a huge type id and an offset.
    let forged: mlua::AnyUserData = lua.create_any_userdata([0u8; 64]).unwrap();
    // A block laid out as ffi-core lays out cdata: magic, type id, flags | offset << 16,
    // element count, then a zeroed payload at offset 16.
    let make = |ty: u32| {
        move |l: *mut mlua::lua_State| {
            // SAFETY: exec_raw runs this with the live state, with room for one value.
            let p = unsafe { mlua::ffi::lua_newuserdata(l, 64) } as *mut u32;
            let header: [u32; 16] =
                [ffi_core::lua::cdata_magic(), ty, 16 << 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
            for (i, w) in header.iter().enumerate() {
                // SAFETY: the new block has 64 bytes.
                unsafe { p.wrapping_add(i).write(*w) };
            }
        }
    };
    // The control: the same layout with a real type id (`int`) is taken for a cdata, so
    // the refusals below are for the type id, not a layout this test got wrong.
    // SAFETY: the closure only pushes a userdata.
    let control: mlua::Value =
        unsafe { lua.exec_raw((), make(ffi_core::ids::INT.index())) }.unwrap();
    lua.globals().set("control", control).unwrap();
    let seen: String = lua
        .load(r#"return tostring(ffi.typeof(control)) .. " " .. tostring(ffi.new("int", control))"#)
        .eval()
        .unwrap();
    assert!(seen.starts_with("ctype<int> cdata<int>"), "the control block: {seen}");
    // SAFETY: the closure only pushes a userdata.
    let forged_raw: mlua::Value = unsafe { lua.exec_raw((), make(0xFFFF_FFF0)) }.unwrap();
    lua.globals().set("forged", forged_raw).unwrap();
    lua.globals().set("other", forged).unwrap();
    let checks: Vec<String> = lua
        .load(
            r#"local out = {}
            for _, u in ipairs { forged, other } do
              for _, f in ipairs {
                function() return ffi.typeof(u) end,
                function() return ffi.sizeof(u) end,
                function() return ffi.new("int", u) end,
                function() return ffi.cast("int", u) end,
                function() return ffi.istype("int", u) end,
                function() return ffi.string(u) end,
              } do
                local ok, e = pcall(f)
                out[#out + 1] = tostring(ok) .. " " .. (type(e) == "string" and ok and "string"
                  or tostring(e))
              end
            end
            return out"#,
        )
        .eval()
        .unwrap();
    // typeof, sizeof: errors naming the userdata; new: LuaJIT's error naming it `void *`;
    // cast to an integer: its address (as in LuaJIT); istype: false; ffi.string: the
    // bytes at the userdata's address (a userdata converts to a pointer, as in LuaJIT).
    for (i, c) in checks.iter().enumerate() {
        let ok = match i % 6 {
            0 | 1 => c.starts_with("false") && c.contains("userdata"),
            2 => c.starts_with("false") && c.contains("cannot convert 'void *' to 'int'"),
            3 => c.starts_with("true cdata<int>"),
            4 => c == "true false",
            _ => c == "true string",
        };
        assert!(ok, "a foreign userdata was taken for a cdata (check {i}): {c}");
    }
    // `ffi.cast("void *", u)` of a userdata is its address, as in LuaJIT: still not cdata.
    let is_ptr: bool =
        lua.load(r#"return ffi.istype("void *", ffi.cast("void *", forged))"#).eval().unwrap();
    assert!(is_ptr);
}

#[test]
fn faults_leave_the_state_usable_and_leak_nothing() {
    out_of_memory_everywhere();
    raising_metamethods_and_finalisers();
    foreign_userdata();
}
