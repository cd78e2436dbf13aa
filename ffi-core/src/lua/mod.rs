//! The `ffi` library over a Lua state, written once against the [`crate::luaapi`] table.
//!
//! Modules, from the entry point down:
//!
//! | module | holds |
//! |---|---|
//! | `open` | `open` (the loader), the shared metatables, the list of entry points |
//! | `frame` | the error boundary: `run`, bodies, outcomes and actions, `raise` |
//! | `library` | the `ffi.*` functions |
//! | `clib` | `ffi.C` |
//! | `index` | `__index`/`__newindex`: the one resolver for `obj[key]` |
//! | `meta` | metatype dispatch, `__tostring`, `__call`, `__len`, `__concat`, `__close`, `__gc` |
//! | `arith` | arithmetic and comparison metamethods |
//! | `bit` | the `bit` module (LuaJIT 2.1's BitOp with 64-bit cdata) |
//! | `convert` | Lua <-> C conversions |
//! | `init` | table initializers and member stores |
//! | `cdata` | the cdata object layout |
//! | `context` | the per-state context and who frees it |
//! | `upvalues` | what every ffi closure carries |
//! | `fmt` | number formatting for `tostring` |
//!
//! Adapters need only [`open`] and, to let the context outlive every
//! finaliser, [`claim_context`]; the rest is private to the crate.

mod arith;
mod bit;
mod call;
mod callback;
mod cdata;
mod clib;
mod context;
mod convert;
mod fmt;
mod frame;
mod index;
mod init;
mod library;
mod meta;
mod open;
mod upvalues;

pub use call::set_stack_probe;
/// The first word of this copy's cdata blocks (for tests that forge one).
#[doc(hidden)]
pub use cdata::magic as cdata_magic;
pub use context::{claim_context, ContextOwner};
pub use open::{open, open_bit, patch_globals, Options};
