//! Lua 5.4's warning function as `lauxlib.c` installs it in `luaL_newstate` (the state here
//! is made by mlua, which installs none): warnings start off; `@on` and `@off` switch
//! them; a message is written to stderr as `Lua warning: ` + its pieces + a newline.

use crate::stdio;
use mlua::ffi;
use std::ffi::{c_char, c_int, c_void, CStr};

/// Installs the warning function on `l`, in the "off" state.
///
/// # Safety
/// `l` is a live Lua 5.4 state that outlives every warning.
pub unsafe fn install(l: *mut ffi::lua_State) {
    // SAFETY: the caller's contract; the state is passed back as the user data.
    unsafe { ffi::lua_setwarnf(l, Some(warn_off), l as *mut c_void) };
}

/// Handles `@on`/`@off`; true when `msg` was such a control message.
///
/// # Safety
/// `ud` is the state and `msg` a NUL-terminated string (Lua's warning contract).
unsafe fn control(ud: *mut c_void, msg: *const c_char, tocont: c_int) -> bool {
    // SAFETY: Lua passes a NUL-terminated message.
    let m = unsafe { CStr::from_ptr(msg) }.to_bytes();
    if tocont != 0 || m.first() != Some(&b'@') {
        return false;
    }
    let l = ud as *mut ffi::lua_State;
    let f: Option<ffi::lua_WarnFunction> = match &m[1..] {
        b"off" => Some(warn_off),
        b"on" => Some(warn_on),
        _ => None,
    };
    if f.is_some() {
        // SAFETY: the state that called this warning function.
        unsafe { ffi::lua_setwarnf(l, f, ud) };
    }
    true
}

unsafe extern "C-unwind" fn warn_off(ud: *mut c_void, msg: *const c_char, tocont: c_int) {
    // SAFETY: called by Lua with its warning contract.
    unsafe { control(ud, msg, tocont) };
}

unsafe extern "C-unwind" fn warn_on(ud: *mut c_void, msg: *const c_char, tocont: c_int) {
    // SAFETY: called by Lua with its warning contract.
    if unsafe { control(ud, msg, tocont) } {
        return;
    }
    stdio::err(b"Lua warning: ");
    // SAFETY: as above.
    unsafe { warn_cont(ud, msg, tocont) };
}

unsafe extern "C-unwind" fn warn_cont(ud: *mut c_void, msg: *const c_char, tocont: c_int) {
    // SAFETY: Lua passes a NUL-terminated message.
    stdio::err(unsafe { CStr::from_ptr(msg) }.to_bytes());
    let l = ud as *mut ffi::lua_State;
    let next: ffi::lua_WarnFunction = if tocont != 0 {
        warn_cont
    } else {
        stdio::err(b"\n");
        warn_on
    };
    // SAFETY: the state that called this warning function.
    unsafe { ffi::lua_setwarnf(l, Some(next), ud) };
}
