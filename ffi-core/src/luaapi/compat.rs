//! Shims that give a version's C API the normalised signatures of [`super::LuaOps`], where
//! its `lua.h` differs: 5.1 lacks `lua_absindex`, `lua_tonumberx` and integers; getters
//! return nothing before 5.3 and take `int` keys; 5.1 reaches globals through
//! `LUA_GLOBALSINDEX`; 5.2+ call
//! through `lua_callk`/`lua_pcallk`; 5.3+ insert with `lua_rotate`; 5.4+ count user values.
//!
//! These are the adaptations mlua-sys's compat layer hides; they are written out here so
//! that every adapter (link-time or filled at run time) shares them. Each shim is generic
//! over the [`Vm`] whose table it belongs to and reaches the raw functions through
//! `V::api().c`.
//!
//! # Safety of every shim
//! Called through the table of `V` with a live state of `V`'s Lua version and the
//! arguments the normalised operation documents. [`super::LuaApi::new`] refuses a table
//! whose [`LuaC`](super::LuaC) lacks any function of its version, so the raw functions
//! used below are present (`unwrap_unchecked`).

use core::ffi::{c_char, c_int, c_void};

use super::{lua_State, LuaApi, Vm};

/// The raw table of `V`.
#[inline(always)]
fn api<V: Vm>() -> &'static LuaApi {
    V::api()
}

/// Calls raw C function `$f` of `V`'s table (present: checked by `LuaApi::new`).
macro_rules! raw {
    ($v:ident . $f:ident ( $($arg:expr),* )) => {{
        // SAFETY: `V::api()` was made by `LuaApi::new`/`try_new` for `V` (the `Vm`
        // contract), which checked that every function of this version is present.
        let f = unsafe { api::<$v>().c.$f.unwrap_unchecked() };
        // SAFETY: the shim's caller passes a live state and valid arguments.
        unsafe { f($($arg),*) }
    }};
}

/// `lua_absindex` for 5.1.
///
/// # Safety
/// See the module docs.
pub unsafe extern "C-unwind" fn absindex<V: Vm>(l: *mut lua_State, idx: c_int) -> c_int {
    if idx < 0 && idx > api::<V>().registry_index {
        idx + raw!(V.lua_gettop(l)) + 1
    } else {
        idx
    }
}

/// `lua_insert` for 5.3+: `lua_rotate(L, idx, 1)`.
///
/// # Safety
/// See the module docs.
pub unsafe extern "C-unwind" fn insert<V: Vm>(l: *mut lua_State, idx: c_int) {
    raw!(V.lua_rotate(l, idx, 1))
}

/// `lua_tonumberx` for 5.1.
///
/// # Safety
/// See the module docs; `isnum` is null or writable.
pub unsafe extern "C-unwind" fn tonumberx<V: Vm>(
    l: *mut lua_State,
    idx: c_int,
    isnum: *mut c_int,
) -> f64 {
    let n = raw!(V.lua_tonumber(l, idx));
    if !isnum.is_null() {
        let ok = n != 0.0 || raw!(V.lua_isnumber(l, idx)) != 0;
        // SAFETY: the caller passes a writable `isnum` when it is not null.
        unsafe { isnum.write(ok as c_int) };
    }
    n
}

/// Whether `n` is a float that Lua 5.3 would hold as an integer: integral, within `i64`,
/// and not `-0.0`.
fn integral(n: f64) -> bool {
    n == (n as i64) as f64
        && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&n)
        && { n != 0.0 || n.is_sign_positive() }
}

/// `lua_tointegerx` with 5.3's meaning for 5.1 and 5.2 (whose numbers are all floats):
/// succeeds only for integral numbers within `i64`.
///
/// # Safety
/// See the module docs; `isnum` is null or writable.
pub unsafe extern "C-unwind" fn tointegerx<V: Vm>(
    l: *mut lua_State,
    idx: c_int,
    isnum: *mut c_int,
) -> i64 {
    let mut ok = 0;
    // SAFETY: forwarded to the table's own normalised `tonumberx`; `ok` outlives the call.
    let n = unsafe { (api::<V>().ops.tonumberx)(l, idx, &mut ok) };
    let ok = ok != 0 && (integral(n) || n == 0.0);
    if !isnum.is_null() {
        // SAFETY: the caller passes a writable `isnum` when it is not null.
        unsafe { isnum.write(ok as c_int) };
    }
    if ok {
        n as i64
    } else {
        0
    }
}

/// `lua_isinteger` for 5.1 and 5.2: an integral number (as `tointegerx` accepts it),
/// except `-0.0`, as 5.3 would store it.
///
/// # Safety
/// See the module docs.
pub unsafe extern "C-unwind" fn isinteger<V: Vm>(l: *mut lua_State, idx: c_int) -> c_int {
    if raw!(V.lua_type(l, idx)) != super::LuaType::Number as c_int {
        return 0;
    }
    let mut ok = 0;
    // SAFETY: forwarded to the table's own normalised `tonumberx`; `ok` outlives the call.
    let n = unsafe { (api::<V>().ops.tonumberx)(l, idx, &mut ok) };
    (ok != 0 && integral(n)) as c_int
}

/// The type of the value on top (what 5.3's getters return).
///
/// # Safety
/// See the module docs.
unsafe fn top_type<V: Vm>(l: *mut lua_State) -> c_int {
    raw!(V.lua_type(l, -1))
}

/// `lua_rawget` returning the type, for 5.1 and 5.2.
///
/// # Safety
/// See the module docs.
pub unsafe extern "C-unwind" fn rawget<V: Vm>(l: *mut lua_State, idx: c_int) -> c_int {
    raw!(V.lua_rawget_void(l, idx));
    // SAFETY: a live state (the caller's) with the value just pushed on top.
    unsafe { top_type::<V>(l) }
}

/// `lua_rawgeti` with a 64-bit key, returning the type, for 5.1 and 5.2 (whose keys are
/// `int`: keys beyond its range are truncated, which ffi-core never passes).
///
/// # Safety
/// See the module docs.
pub unsafe extern "C-unwind" fn rawgeti<V: Vm>(l: *mut lua_State, idx: c_int, n: i64) -> c_int {
    raw!(V.lua_rawgeti_int(l, idx, n as c_int));
    // SAFETY: a live state (the caller's) with the value just pushed on top.
    unsafe { top_type::<V>(l) }
}

/// `lua_rawseti` with a 64-bit key, for 5.1 and 5.2 (see [`rawgeti`]).
///
/// # Safety
/// See the module docs.
pub unsafe extern "C-unwind" fn rawseti<V: Vm>(l: *mut lua_State, idx: c_int, n: i64) {
    raw!(V.lua_rawseti_int(l, idx, n as c_int))
}

/// `lua_getfield` returning the type, for 5.1 and 5.2.
///
/// # Safety
/// See the module docs; `k` is NUL-terminated.
pub unsafe extern "C-unwind" fn getfield<V: Vm>(
    l: *mut lua_State,
    idx: c_int,
    k: *const c_char,
) -> c_int {
    raw!(V.lua_getfield_void(l, idx, k));
    // SAFETY: a live state (the caller's) with the value just pushed on top.
    unsafe { top_type::<V>(l) }
}

/// `lua_gettable` returning the type, for 5.1 and 5.2.
///
/// # Safety
/// See the module docs.
pub unsafe extern "C-unwind" fn gettable<V: Vm>(l: *mut lua_State, idx: c_int) -> c_int {
    raw!(V.lua_gettable_void(l, idx));
    // SAFETY: a live state (the caller's) with the value just pushed on top.
    unsafe { top_type::<V>(l) }
}

/// `LUA_GLOBALSINDEX` of Lua 5.1.
pub(crate) const GLOBALS_51: c_int = -10002;

/// `lua_getglobal` returning the type, for 5.1 (a macro over `LUA_GLOBALSINDEX` there).
///
/// # Safety
/// See the module docs; `k` is NUL-terminated.
pub unsafe extern "C-unwind" fn getglobal_51<V: Vm>(l: *mut lua_State, k: *const c_char) -> c_int {
    raw!(V.lua_getfield_void(l, GLOBALS_51, k));
    // SAFETY: a live state (the caller's) with the value just pushed on top.
    unsafe { top_type::<V>(l) }
}

/// `lua_getglobal` returning the type, for 5.2.
///
/// # Safety
/// See the module docs; `k` is NUL-terminated.
pub unsafe extern "C-unwind" fn getglobal_52<V: Vm>(l: *mut lua_State, k: *const c_char) -> c_int {
    raw!(V.lua_getglobal_void(l, k));
    // SAFETY: a live state (the caller's) with the value just pushed on top.
    unsafe { top_type::<V>(l) }
}

/// `lua_setglobal` for 5.1.
///
/// # Safety
/// See the module docs; `k` is NUL-terminated.
pub unsafe extern "C-unwind" fn setglobal_51<V: Vm>(l: *mut lua_State, k: *const c_char) {
    raw!(V.lua_setfield(l, GLOBALS_51, k))
}

/// `lua_pushlstring` for 5.1, which returns nothing: the copy is read back.
///
/// # Safety
/// See the module docs; `s` is readable for `len` bytes.
pub unsafe extern "C-unwind" fn pushlstring_51<V: Vm>(
    l: *mut lua_State,
    s: *const c_char,
    len: usize,
) -> *const c_char {
    raw!(V.lua_pushlstring_void(l, s, len));
    raw!(V.lua_tolstring(l, -1, core::ptr::null_mut()))
}

/// `lua_pushstring` in 5.1, which returns nothing: answers with the new string's bytes.
///
/// # Safety
/// See the module docs; `s` is a NUL-terminated string.
pub unsafe extern "C-unwind" fn pushstring_51<V: Vm>(
    l: *mut lua_State,
    s: *const c_char,
) -> *const c_char {
    raw!(V.lua_pushstring_void(l, s));
    raw!(V.lua_tolstring(l, -1, core::ptr::null_mut()))
}

/// `lua_newuserdatauv` before 5.4: `lua_newuserdata` (user values are not counted).
///
/// # Safety
/// See the module docs.
pub unsafe extern "C-unwind" fn newuserdata<V: Vm>(
    l: *mut lua_State,
    size: usize,
    _nuvalue: c_int,
) -> *mut c_void {
    raw!(V.lua_newuserdata(l, size))
}

/// `lua_call` for 5.2 (`lua_callk` with an `int` context).
///
/// # Safety
/// See the module docs.
pub unsafe extern "C-unwind" fn call_52<V: Vm>(l: *mut lua_State, nargs: c_int, nresults: c_int) {
    raw!(V.lua_callk_int(l, nargs, nresults, 0, None))
}

/// `lua_pcall` for 5.2 (`lua_pcallk` with an `int` context).
///
/// # Safety
/// See the module docs.
pub unsafe extern "C-unwind" fn pcall_52<V: Vm>(
    l: *mut lua_State,
    nargs: c_int,
    nresults: c_int,
    errfunc: c_int,
) -> c_int {
    raw!(V.lua_pcallk_int(l, nargs, nresults, errfunc, 0, None))
}

/// `lua_call` for 5.3+ (`lua_callk` without a continuation).
///
/// # Safety
/// See the module docs.
pub unsafe extern "C-unwind" fn call<V: Vm>(l: *mut lua_State, nargs: c_int, nresults: c_int) {
    raw!(V.lua_callk(l, nargs, nresults, 0, None))
}

/// `lua_pcall` for 5.3+ (`lua_pcallk` without a continuation).
///
/// # Safety
/// See the module docs.
pub unsafe extern "C-unwind" fn pcall<V: Vm>(
    l: *mut lua_State,
    nargs: c_int,
    nresults: c_int,
    errfunc: c_int,
) -> c_int {
    raw!(V.lua_pcallk(l, nargs, nresults, errfunc, 0, None))
}

#[cfg(test)]
mod tests {
    use super::integral;

    #[test]
    fn integral_matches_lua_53() {
        for (n, want) in [
            (0.0, true),
            (-0.0, false),
            (1.0, true),
            (-3.0, true),
            (0.5, false),
            (9.007_199_254_740_992e15, true),
            (-9.223_372_036_854_776e18, true),
            (9.223_372_036_854_776e18, false),
            (f64::NAN, false),
            (f64::INFINITY, false),
        ] {
            assert_eq!(integral(n), want, "{n}");
        }
    }
}
