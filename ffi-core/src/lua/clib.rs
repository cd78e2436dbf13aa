//! `ffi.C`, the default C namespace: a userdata whose `__index` finds declared symbols.
//! Enum and `static const` constants read as values today; functions and variables come
//! with C calls.

use super::arith::int64_id;
use super::convert;
use super::frame::{Frame, Outcome, Raise, Step};
use super::library::bad_arg;
use crate::ctype::{Kind, Symbol};
use crate::error::Error;
use crate::luaapi::Vm;
use crate::table::ids;
use alloc::format;
use alloc::string::String;

/// The symbol name at argument 2.
fn symbol_name<V: Vm>(frame: &mut Frame<V>, what: &str) -> Result<String, Raise> {
    match frame.stack.string(2) {
        Some(name) => Ok(String::from_utf8_lossy(name).into_owned()),
        None => Err(bad_arg(2, what, "string expected")),
    }
}

/// `ffi.C.name` (the namespace at 1, the name at 2).
pub(crate) fn index<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let name = symbol_name(frame, "index")?;
    let tt = frame.types();
    match tt.lookup(&name) {
        Some(Symbol::Const { ty, value }) => {
            let buf = value.to_le_bytes();
            // Enum constants read as numbers (or as int64 for 64-bit enums); the
            // constant's storage is its type's size (little-endian: low bytes first).
            let vty = match tt.get(ty).kind {
                Kind::Enum(e) if tt.enum_def(e).size == 8 => int64_id(tt),
                Kind::Enum(_) => ids::INT,
                _ => ty,
            };
            // SAFETY: `buf` holds the constant in 8 bytes, enough for any integer type.
            unsafe { convert::return_value(frame, vty, buf.as_ptr()) }
        }
        Some(Symbol::Func { .. }) | Some(Symbol::Var { .. }) => {
            Err(Error::new(format!("NYI: C function calls and variables (symbol '{name}')")).into())
        }
        _ => Err(Error::new(format!("missing declaration for symbol '{name}'")).into()),
    }
}

/// `ffi.C.name = v`: constants are read-only; variables come with C calls.
pub(crate) fn newindex<V: Vm>(frame: &mut Frame<V>, _: Step) -> Result<Outcome, Raise> {
    let name = match frame.stack.string(2) {
        Some(name) => String::from_utf8_lossy(name).into_owned(),
        None => {
            let got = frame.stack.type_of(2).name();
            return Err(bad_arg(2, "newindex", &format!("string expected, got {got}")));
        }
    };
    match frame.types().lookup(&name) {
        Some(Symbol::Var { .. }) => {
            Err(Error::new(format!("NYI: C variables (symbol '{name}')")).into())
        }
        Some(_) => Err(Error::new("attempt to write to constant location").into()),
        None => Err(Error::new(format!("missing declaration for symbol '{name}'")).into()),
    }
}
