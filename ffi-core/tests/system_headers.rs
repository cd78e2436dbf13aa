//! Real headers no one here wrote: the `gcc -E -P` output of eleven system headers must
//! parse in one `cdef` call each (and all together), and selected types must have gcc's
//! size, alignment and member offsets.
//!
//! zlib.h and sqlite3.h come from Debian's `zlib1g-dev` and `libsqlite3-dev`, which the
//! test script installs.

mod common;

use ffi_core::{CTypeTable, Symbol, Target};

const HEADERS: &[&str] = &[
    "stdio.h",
    "stdlib.h",
    "string.h",
    "math.h",
    "time.h",
    "signal.h",
    "sys/stat.h",
    "sys/socket.h",
    "pthread.h",
    "zlib.h",
    "sqlite3.h",
];

#[test]
fn each_header_parses_in_one_call() {
    let Some(cc) = common::cc() else { return };
    for h in HEADERS {
        let src = common::preprocess_or_fail(&cc, &[h]);
        let mut t = CTypeTable::new(Target::SYSV_X64);
        if let Err(e) = t.cdef(&src) {
            panic!("<{h}> ({} bytes) failed: {e}", src.len());
        }
        let n = t.symbols().count();
        println!("<{h}>: {} bytes, {n} symbols", src.len());
        assert!(n > 50, "<{h}> declared only {n} symbols");
    }
}

#[test]
fn all_headers_together_and_selected_types_match_gcc() {
    let Some(cc) = common::cc() else { return };
    let src = common::preprocess_or_fail(&cc, HEADERS);
    let mut t = CTypeTable::new(Target::SYSV_X64);
    t.cdef(&src).unwrap_or_else(|e| panic!("all headers together failed: {e}"));
    // Functions and their redirects are there.
    for f in [
        "printf",
        "qsort",
        "memcpy",
        "sin",
        "strftime",
        "sigaction",
        "stat",
        "socket",
        "pthread_create",
        "compress",
        "sqlite3_exec",
    ] {
        assert!(matches!(t.lookup(f), Some(Symbol::Func { .. })), "{f} is not a function");
    }
    // glibc redirects fscanf to __isoc99_fscanf (or __isoc23_fscanf) with __asm__.
    match t.lookup("fscanf") {
        Some(Symbol::Func { asm: Some(a), .. }) => {
            assert!(t.names().str(a).contains("fscanf"), "odd redirect {}", t.names().str(a))
        }
        other => panic!("fscanf has no asm redirect: {other:?}"),
    }
    let types = [
        "struct stat",
        "struct tm",
        "z_stream",
        "struct sigaction",
        "pthread_mutex_t",
        "pthread_attr_t",
        "pthread_cond_t",
        "siginfo_t",
        "FILE",
        "fpos_t",
        "struct sockaddr",
        "struct sockaddr_storage",
        "struct msghdr",
        "struct cmsghdr",
        "struct timespec",
        "div_t",
        "ldiv_t",
        "lldiv_t",
        "sigset_t",
        "stack_t",
        "gz_header",
        "sqlite3_vfs",
        "sqlite3_io_methods",
        "sqlite3_module",
        "sqlite3_index_info",
        "struct linger",
        "sigevent_t",
        "struct itimerspec",
    ];
    let mut ours = Vec::new();
    let mut main = String::new();
    for ty in types {
        let id = t.parse_type(ty, &[]).unwrap_or_else(|e| panic!("{ty}: {e}"));
        common::describe(&t, ty, id, &mut ours, &mut main);
    }
    // Compile the very text ffi-core parsed: the headers' macros (`#define sa_handler
    // __sigaction_handler.sa_handler`) must not rename the members we name.
    let prog =
        format!("{src}\n{}\nint main(void) {{\n{main}  return 0;\n}}\n", common::C_BITS_HELPER);
    let dir = common::scratch("headers");
    let out = common::compile_and_run(&cc, &dir, "headers", &prog, &["-std=gnu11"]);
    let theirs: Vec<&str> = out.lines().collect();
    assert_eq!(theirs.len(), ours.len());
    let bad: Vec<String> = ours
        .iter()
        .zip(&theirs)
        .filter(|(o, g)| o != g)
        .map(|(o, g)| format!("  ffi-core: {o}\n  cc:       {g}"))
        .collect();
    println!(
        "system headers vs gcc: {} types, {} checked values, {} mismatches",
        types.len(),
        ours.len(),
        bad.len()
    );
    assert!(bad.is_empty(), "mismatches:\n{}", bad.join("\n"));
}

#[test]
fn unrepresentable_types_fail_only_when_used() {
    let Some(cc) = common::cc() else { return };
    // math.h declares _Float128 functions; the declarations are fine, the type is opaque.
    let src = common::preprocess_or_fail(&cc, &["math.h"]);
    let mut t = CTypeTable::new(Target::SYSV_X64);
    t.cdef(&src).expect("math.h");
    let f = t.parse_type("_Float128", &[]).expect("_Float128 is a known type");
    assert_eq!(t.size_of(f), Some(16));
    assert_eq!(t.repr(f), "_Float128");
}
