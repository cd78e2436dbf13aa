//! The few Lua C API calls the interpreter makes, as methods on a state handle.
//!
//! Every method is one call into the vendored Lua 5.4 (`mlua::ffi`). Many of them can raise
//! a Lua error (out of memory, a metamethod of `_G`), which `longjmp`s to the innermost
//! `lua_pcall`: the interpreter's functions therefore keep no value with a destructor in
//! a frame while they call these (what they own lives in [`crate::interp::Interp`], owned
//! by `main`, outside every protected call), so an unwound frame never skips a `drop`.

use mlua::ffi;
use std::ffi::{c_char, c_int, c_void, CStr};

/// A Lua state owned elsewhere (by the `mlua::Lua` in `main`), valid for the whole run.
///
/// The methods are safe to call because of what [`Vm::new`] promises: the interpreter's
/// code keeps Lua's stack discipline (indices it passes name live slots), which the
/// vendored Lua also checks in debug builds (`LUA_USE_APICHECK`).
#[derive(Copy, Clone)]
pub struct Vm(*mut ffi::lua_State);

/// Lua's status codes and type tags, re-exported for the interpreter's modules.
pub use ffi::{LUA_ERRSYNTAX, LUA_MULTRET, LUA_OK, LUA_TNIL, LUA_TSTRING, LUA_TTABLE};

/// The bytes before the first NUL: what C's `%s` and `strlen` see of a Lua string.
pub fn until_nul(s: &[u8]) -> &[u8] {
    s.split(|&b| b == 0).next().unwrap_or(s)
}

impl Vm {
    /// The handle of `l`.
    ///
    /// # Safety
    /// `l` is a live Lua 5.4 state for as long as the handle is used, and the code using
    /// the handle passes only stack indices that exist and tables where tables are due.
    pub unsafe fn new(l: *mut ffi::lua_State) -> Vm {
        Vm(l)
    }

    /// The raw state.
    pub fn raw(self) -> *mut ffi::lua_State {
        self.0
    }

    /// `lua_close`.
    ///
    /// # Safety
    /// Neither this handle (nor any copy) nor the state's owner uses the state afterwards.
    pub unsafe fn close(self) {
        // SAFETY: a live state, closed once (the caller's contract).
        unsafe { ffi::lua_close(self.0) }
    }

    /// `lua_setallocf` with no user data.
    pub fn set_allocator(self, f: ffi::lua_Alloc) {
        // SAFETY: a live state; `f` accepts every block the previous allocator made (the
        // caller's choice, see `c_alloc` in main.rs).
        unsafe { ffi::lua_setallocf(self.0, f, std::ptr::null_mut()) }
    }

    /// `lua_pushinteger`.
    pub fn push_integer(self, n: i64) {
        // SAFETY: a live state.
        unsafe { ffi::lua_pushinteger(self.0, n) }
    }

    /// `lua_gettop`.
    pub fn top(self) -> c_int {
        // SAFETY: `self.0` is a live state (the type's invariant).
        unsafe { ffi::lua_gettop(self.0) }
    }

    /// `lua_settop`.
    pub fn set_top(self, idx: c_int) {
        // SAFETY: a live state; callers pass an index inside the current frame.
        unsafe { ffi::lua_settop(self.0, idx) }
    }

    /// `lua_pop`.
    pub fn pop(self, n: c_int) {
        self.set_top(-n - 1)
    }

    /// `lua_insert`.
    pub fn insert(self, idx: c_int) {
        // SAFETY: a live state; `idx` names a valid slot (callers' invariant).
        unsafe { ffi::lua_insert(self.0, idx) }
    }

    /// `lua_remove`.
    pub fn remove(self, idx: c_int) {
        // SAFETY: a live state; `idx` names a valid slot (callers' invariant).
        unsafe { ffi::lua_remove(self.0, idx) }
    }

    /// `lua_pushcfunction`.
    pub fn push_cfunction(self, f: ffi::lua_CFunction) {
        // SAFETY: a live state; `f` is a lua_CFunction.
        unsafe { ffi::lua_pushcfunction(self.0, f) }
    }

    /// `lua_pushlstring` (may raise a memory error).
    pub fn push_bytes(self, s: &[u8]) {
        // SAFETY: a live state; the pointer and length describe `s`, which Lua copies.
        unsafe { ffi::lua_pushlstring(self.0, s.as_ptr() as *const c_char, s.len()) };
    }

    /// `lua_pushboolean`.
    pub fn push_bool(self, b: bool) {
        // SAFETY: a live state.
        unsafe { ffi::lua_pushboolean(self.0, b as c_int) }
    }

    /// `lua_pushlightuserdata`.
    pub fn push_light(self, p: *mut c_void) {
        // SAFETY: a live state; a light userdata is only a pointer value.
        unsafe { ffi::lua_pushlightuserdata(self.0, p) }
    }

    /// `lua_touserdata`.
    pub fn to_userdata(self, idx: c_int) -> *mut c_void {
        // SAFETY: a live state; any index is accepted.
        unsafe { ffi::lua_touserdata(self.0, idx) }
    }

    /// `lua_toboolean`.
    pub fn to_bool(self, idx: c_int) -> bool {
        // SAFETY: a live state; any index is accepted.
        unsafe { ffi::lua_toboolean(self.0, idx) != 0 }
    }

    /// `lua_tolstring` as bytes, cut at the first NUL as the C interpreter's `%s` does;
    /// `None` for a value that is neither a string nor a number.
    ///
    /// # Safety
    /// The slice points into the Lua string at `idx`: the value must stay on the stack
    /// while the slice is used.
    pub unsafe fn to_bytes<'a>(self, idx: c_int) -> Option<&'a [u8]> {
        let mut len = 0usize;
        // SAFETY: a live state; a number at `idx` is converted in place (may raise a memory
        // error, as in the C interpreter).
        let p = unsafe { ffi::lua_tolstring(self.0, idx, &mut len) };
        if p.is_null() {
            return None;
        }
        // SAFETY: Lua returns `len` readable bytes, kept alive by the value at `idx`
        // (the caller's contract).
        let s = unsafe { std::slice::from_raw_parts(p as *const u8, len) };
        Some(until_nul(s))
    }

    /// `lua_type`.
    pub fn type_of(self, idx: c_int) -> c_int {
        // SAFETY: a live state; any index is accepted.
        unsafe { ffi::lua_type(self.0, idx) }
    }

    /// `luaL_typename` of the value at `idx`.
    pub fn type_name(self, idx: c_int) -> &'static CStr {
        // SAFETY: a live state; any index is accepted.
        let p = unsafe { ffi::luaL_typename(self.0, idx) };
        // SAFETY: Lua's type names are static NUL-terminated strings.
        unsafe { CStr::from_ptr(p) }
    }

    /// `lua_getglobal`, returning the value's type.
    pub fn get_global(self, name: &CStr) -> c_int {
        // SAFETY: a live state and a NUL-terminated name.
        unsafe { ffi::lua_getglobal(self.0, name.as_ptr()) }
    }

    /// `lua_setglobal` (pops the value).
    pub fn set_global(self, name: &CStr) {
        // SAFETY: a live state and a NUL-terminated name.
        unsafe { ffi::lua_setglobal(self.0, name.as_ptr()) }
    }

    /// `lua_setglobal` with a name given as bytes (a part of an argument, so without NUL).
    pub fn set_global_bytes(self, name: &[u8]) {
        // SAFETY: a live state; the registry always holds the globals table.
        unsafe { ffi::lua_rawgeti(self.0, ffi::LUA_REGISTRYINDEX, ffi::LUA_RIDX_GLOBALS) };
        self.insert(-2);
        self.push_bytes(name);
        self.insert(-2);
        // SAFETY: a live state; the stack holds _G, the name and the value.
        unsafe { ffi::lua_settable(self.0, -3) };
        self.pop(1);
    }

    /// `lua_setfield` (pops the value).
    pub fn set_field(self, idx: c_int, name: &CStr) {
        // SAFETY: a live state; `idx` is a table under the value (callers' invariant).
        unsafe { ffi::lua_setfield(self.0, idx, name.as_ptr()) }
    }

    /// `lua_setfield(L, LUA_REGISTRYINDEX, name)`.
    pub fn set_registry_field(self, name: &CStr) {
        // SAFETY: a live state; a value is on the stack.
        unsafe { ffi::lua_setfield(self.0, ffi::LUA_REGISTRYINDEX, name.as_ptr()) }
    }

    /// `lua_createtable`.
    pub fn new_table(self, narr: c_int, nrec: c_int) {
        // SAFETY: a live state.
        unsafe { ffi::lua_createtable(self.0, narr, nrec) }
    }

    /// `lua_rawseti` (pops the value).
    pub fn raw_set_i(self, idx: c_int, n: i64) {
        // SAFETY: a live state; `idx` is a table (callers' invariant).
        unsafe { ffi::lua_rawseti(self.0, idx, n) }
    }

    /// `lua_rawgeti`.
    pub fn raw_get_i(self, idx: c_int, n: i64) -> c_int {
        // SAFETY: a live state; `idx` is a table (callers' invariant).
        unsafe { ffi::lua_rawgeti(self.0, idx, n) }
    }

    /// `luaL_len` (may call `__len` and raise).
    pub fn len(self, idx: c_int) -> i64 {
        // SAFETY: a live state.
        unsafe { ffi::luaL_len(self.0, idx) }
    }

    /// `lua_concat`.
    pub fn concat(self, n: c_int) {
        // SAFETY: a live state; `n` values are on the stack (callers' invariant).
        unsafe { ffi::lua_concat(self.0, n) }
    }

    /// `lua_pcall`.
    pub fn pcall(self, nargs: c_int, nres: c_int, handler: c_int) -> c_int {
        // SAFETY: a live state with a function and `nargs` arguments on the stack.
        unsafe { ffi::lua_pcall(self.0, nargs, nres, handler) }
    }

    /// `luaL_loadbufferx` with mode `bt`.
    pub fn load_buffer(self, chunk: &[u8], name: &CStr) -> c_int {
        // SAFETY: a live state; pointer and length describe `chunk`; a NUL-terminated name.
        unsafe {
            ffi::luaL_loadbufferx(
                self.0,
                chunk.as_ptr() as *const c_char,
                chunk.len(),
                name.as_ptr(),
                std::ptr::null(),
            )
        }
    }

    /// `luaL_loadfilex`; `None` reads standard input.
    pub fn load_file(self, name: Option<&CStr>) -> c_int {
        let name = name.map_or(std::ptr::null(), CStr::as_ptr);
        // SAFETY: a live state; a NUL-terminated name or NULL (stdin).
        unsafe { ffi::luaL_loadfilex(self.0, name, std::ptr::null()) }
    }

    /// `luaL_traceback(L, L, msg, level)`.
    pub fn traceback(self, msg: *const c_char, level: c_int) {
        // SAFETY: a live state; `msg` is NULL or a string anchored on the stack.
        unsafe { ffi::luaL_traceback(self.0, self.0, msg, level) }
    }

    /// `luaL_callmeta`.
    pub fn call_meta(self, idx: c_int, event: &CStr) -> bool {
        // SAFETY: a live state and a NUL-terminated event name.
        unsafe { ffi::luaL_callmeta(self.0, idx, event.as_ptr()) != 0 }
    }

    /// `luaL_tolstring` (pushes the result; honours `__tostring` and `__name`; may raise).
    ///
    /// # Safety
    /// As [`Vm::to_bytes`]: the pushed string must stay on the stack while the slice is used.
    pub unsafe fn to_display<'a>(self, idx: c_int) -> &'a [u8] {
        let mut len = 0usize;
        // SAFETY: a live state.
        let p = unsafe { ffi::luaL_tolstring(self.0, idx, &mut len) };
        // SAFETY: luaL_tolstring returns `len` bytes of the string it pushed.
        let s = unsafe { std::slice::from_raw_parts(p as *const u8, len) };
        until_nul(s)
    }

    /// The string at `idx` as a C pointer (NULL if not a string or number).
    pub fn to_cstr_ptr(self, idx: c_int) -> *const c_char {
        // SAFETY: a live state.
        unsafe { ffi::lua_tolstring(self.0, idx, std::ptr::null_mut()) }
    }

    /// `lua_warning`.
    pub fn warning(self, msg: &CStr, tocont: bool) {
        // SAFETY: a live state and a NUL-terminated message.
        unsafe { ffi::lua_warning(self.0, msg.as_ptr(), tocont as c_int) }
    }

    /// `lua_gc` with an option that takes no arguments.
    pub fn gc(self, what: c_int) {
        // SAFETY: a live state; these options take no extra arguments.
        unsafe { ffi::lua_gc(self.0, what) };
    }

    /// `lua_gc(L, LUA_GCGEN, 0, 0)`: generational mode with default parameters.
    pub fn gc_generational(self) {
        // SAFETY: a live state; LUA_GCGEN takes two integer parameters (0: defaults).
        unsafe { ffi::lua_gc(self.0, ffi::LUA_GCGEN, 0 as c_int, 0 as c_int) };
    }
}
