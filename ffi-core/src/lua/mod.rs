//! The `ffi` library over a Lua state, written once against the [`api::LuaApi`] table.
//!
//! Modules: [`api`] (the table and a thin unsafe handle), [`state`] (per-state context,
//! entry wrapper, error raising), [`cdata`] (object layout), [`conv`] (Lua <-> C
//! conversions and initializers), [`meta`] (indexing, tostring, call, gc), [`arith`]
//! (arithmetic and comparisons), [`lib`] (the `ffi.*` functions and `open`), [`fmt`]
//! (number formatting).

pub mod api;
pub mod arith;
pub mod cdata;
pub mod conv;
pub mod fmt;
pub mod lib;
pub mod meta;
pub mod state;

pub use api::{LuaApi, Vm};
pub use lib::{open, patch_globals};
