//! Link options of `libffi_capi.so`.
//!
//! `-z nodelete`: the object stays mapped after `dlclose`. A stock interpreter closes C
//! modules at `lua_close`, but a C library may still hold a callback's address (or call it
//! from an `atexit` handler): with the code kept, such a call finds the slot record that
//! says its state is gone and aborts with that message, instead of jumping into unmapped
//! memory.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
}
