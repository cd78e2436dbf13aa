//! # ffi-core
//!
//! The core of a LuaJIT-compatible `ffi` module for PUC Lua 5.1–5.5: the C type system,
//! the declaration parser behind `ffi.cdef`/`ffi.typeof`, struct layout for x86-64 SysV
//! and Win64, and the whole `ffi` library written once against a table of Lua operations
//! ([`luaapi::LuaApi`]) that an adapter fills for its Lua version. It is `#![no_std]` +
//! `alloc`; the `std` feature adds the host services ([`luaapi::Host::STD`]: code memory,
//! shared libraries, `errno`), panic catching at the Lua boundary, and
//! `std::error::Error` for [`Error`].
//!
//! ```
//! use ffi_core::{CTypeTable, Target};
//! let mut t = CTypeTable::new(Target::SYSV_X64);
//! t.cdef(r#"
//!     typedef struct { int a : 3; unsigned b : 5; double d; } S;
//!     int printf(const char *fmt, ...);
//! "#).unwrap();
//! let s = t.parse_type("S", &[]).unwrap();
//! assert_eq!(t.size_of(s), Some(16));
//! let f = t.parse_type("int (*)(int, double)", &[]).unwrap();
//! assert_eq!(t.repr(f), "int (*)()");            // LuaJIT's spelling
//! assert_eq!(t.repr_full(f), "int (*)(int, double)");
//! ```
//!
//! ## Module map
//!
//! Arrows point down: a module uses only those below it.
//!
//! ```text
//!   lua/            the ffi library over a Lua state: error boundary, ffi.*, cdata
//!   (abi/, emit/)   next: ABI classification and the x86-64 code emitter for C calls
//!                   and callbacks (docs/design.md, "Where the next work goes")
//!      │
//!   luaapi/         the LuaApi table: normalised Lua operations, the raw C API per
//!                   version and its shims, host services (code memory, libraries, errno)
//!   cvalue          C values without Lua: type classes, scalar kinds, loads and stores
//!   table, ctype,   the C type model, interning table, parser, layout, printing
//!   parse, lex,
//!   layout, repr,
//!   names, target,
//!   error
//! ```

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod abi;
pub mod ctype;
pub mod cvalue;
pub mod emit;
pub mod error;
#[cfg(feature = "std")]
mod host_std;
mod layout;
mod lex;
pub mod lua;
pub mod luaapi;
pub mod names;
mod parse;
mod repr;
pub mod table;
pub mod target;

pub use ctype::{
    AggDef, AggId, ArrayLen, BitPos, CType, CTypeId, CallConv, EnumDef, EnumId, Field, FloatKind,
    FuncDef, FuncId, Kind, OpaqueKind, Qual, ScopedConst, Symbol,
};
pub use error::Error;
pub use names::{NameId, Names};
pub use table::{ids, CTypeTable, FieldInfo, Param, MAX_SIZE};
pub use target::{BitfieldRules, CallAbi, Os, Target};
