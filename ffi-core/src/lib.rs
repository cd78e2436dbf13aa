//! # ffi-core
//!
//! The core of a LuaJIT-compatible `ffi` module for PUC Lua 5.1–5.5: the C type
//! system, the declaration parser behind `ffi.cdef`/`ffi.typeof`, and struct layout for
//! x86-64 SysV and Win64. It is `#![no_std]` + `alloc`; the `std` feature only adds
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
//! Module map: [`ctype`] (the type records), [`table`] (interning, namespaces,
//! transactions), [`target`] (ABI facts), `lex` and `parse` (the C front end), `layout`
//! (struct layout), `repr` (printing).

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod ctype;
pub mod error;
mod layout;
mod lex;
pub mod lua;
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
pub use target::{BitfieldRules, Os, Target};
