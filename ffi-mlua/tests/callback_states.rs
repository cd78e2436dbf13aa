//! Callback slots freed by one state are not handed to another while it lives: a stale
//! pointer of a live state raises `bad callback` (LuaJIT's slots are per state too), never
//! runs another state's function (which, on another thread, would abort the process).

use mlua::Lua;

#[test]
fn a_stale_pointer_never_reaches_another_state() {
    let a = Lua::new();
    let b = Lua::new();
    ffi_mlua::preload(&a).unwrap();
    ffi_mlua::preload(&b).unwrap();
    let addr: i64 = a
        .load(
            r#"local ffi = require "ffi"
               ffi.cdef "typedef int (*cb_ii)(int, int);"
               local cb = ffi.cast("cb_ii", function(x, y) return x + y end)
               local addr = tonumber(ffi.cast("intptr_t", cb))
               cb:free()
               return addr"#,
        )
        .eval()
        .unwrap();
    // The other state takes many more slots than were free.
    let n: i64 = b
        .load(
            r#"local ffi = require "ffi"
               keep = {}
               for i = 1, 2000 do keep[i] = ffi.cast("int (*)(int, int)", function() return 999 end) end
               return #keep"#,
        )
        .eval()
        .unwrap();
    assert_eq!(n, 2000);
    let got: String = a
        .load(
            r#"local ffi = require "ffi"
               local addr = ...
               local ok, err = pcall(function() return ffi.cast("cb_ii", addr)(1, 2) end)
               return ok and ("called: " .. tostring(err)) or err"#,
        )
        .call(addr)
        .unwrap();
    assert!(got.contains("bad callback"), "{got}");
    // The freeing state reuses its own slots later, and they work.
    let sum: i64 = a
        .load(
            r#"local ffi = require "ffi"
               local s = 0
               for i = 1, 600 do
                 local c = ffi.cast("cb_ii", function(x, y) return x * y end)
                 s = s + c(i, 2)
                 c:free()
               end
               return s"#,
        )
        .eval()
        .unwrap();
    assert_eq!(sum, (1..=600).map(|i| i * 2).sum::<i64>());
}
