//! Machine code at run time: a `no_std` code buffer for `dynasm!` ([`buffer`]), the x86-64
//! emission ([`x64`]) and the executable memory it lands in ([`memory`]).
//!
//! The emitter reads [`CallPlan`](crate::abi::CallPlan)s and knows nothing of Lua beyond
//! the addresses of the Lua API functions it is handed.

pub mod buffer;
pub mod callback;
pub mod memory;
pub mod x64;
