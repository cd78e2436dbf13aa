//! Parses a file of C declarations (e.g. `gcc -E -P` output) and reports the result.
//!
//! `cargo run -p ffi-core --example cdef_file -- FILE [TYPE...]` prints the number of
//! symbols, then size/alignment of each TYPE.
use ffi_core::{CTypeTable, Target};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: cdef_file FILE [TYPE...]");
        std::process::exit(2);
    };
    let src = std::fs::read_to_string(&path).expect("read");
    let mut t = CTypeTable::new(Target::SYSV_X64);
    if let Err(e) = t.cdef(&src) {
        println!("error: {e}");
        std::process::exit(1);
    }
    println!("ok: {} symbols, {} types", t.symbols().count(), t.len());
    for ty in args {
        match t.parse_type(&ty, &[]) {
            Ok(id) => {
                println!("{ty}: {} size={:?} align={}", t.repr(id), t.size_of(id), t.align_of(id))
            }
            Err(e) => println!("{ty}: error {e}"),
        }
    }
}
