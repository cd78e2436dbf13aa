//! The upvalues every ffi closure carries (set up by `open`), and the keys of the
//! interned-strings table.
//!
//! ```text
//!   upvalue  holds
//!   1        CONTEXT     light userdata: the ContextCell in the registry
//!   2        CDATA_MT    the metatable every cdata shares
//!   3        GC_MT       the same metamethods plus __gc (cdata with a finaliser)
//!   4        METATYPES   ctype id -> metatable given to ffi.metatype
//!   5        FINALIZERS  cdata -> finaliser (weak keys)
//!   6        ANCHORS     member-cache slot + 1 -> key string (256 preallocated slots)
//!   7        STRINGS     interned strings: metamethod names, struct member names
//!   8        PROTECT     the protected-call trampoline (a C function)
//!   9        ORIGINAL    only in the tonumber/type wrappers: the wrapped global
//! ```
//!
//! Everything a body needs from Lua is reachable through these with quiet operations
//! (`lua_rawgeti` on tables it owns): no string has to be created to find a metamethod.

use core::ffi::c_int;

/// The per-state context cell (light userdata).
pub const CONTEXT: c_int = 1;
/// The shared cdata metatable.
pub const CDATA_MT: c_int = 2;
/// The cdata metatable variant with `__gc`.
pub const GC_MT: c_int = 3;
/// ctype id -> `ffi.metatype` metatable.
pub const METATYPES: c_int = 4;
/// cdata -> finaliser, weak keys.
pub const FINALIZERS: c_int = 5;
/// Member-cache anchors: slot + 1 -> the key string the slot was filled for.
pub const ANCHORS: c_int = 6;
/// Interned strings (see [`FIELD_NAME_BASE`] and `meta::Metamethod`).
pub const STRINGS: c_int = 7;
/// The protected-call trampoline.
pub const PROTECT: c_int = 8;
/// How many upvalues every ffi closure has.
pub const COUNT: c_int = 8;
/// The wrapped original function of `ffi.tonumber` / `ffi.type`.
pub const ORIGINAL: c_int = COUNT + 1;

/// Number of member-cache slots (and of preallocated `ANCHORS` entries).
pub const MEMBER_SLOTS: usize = 256;

/// In `STRINGS`, the name with id `n` is at key `FIELD_NAME_BASE + n` (metamethod names
/// use the small keys below it).
pub const FIELD_NAME_BASE: i64 = 64;
