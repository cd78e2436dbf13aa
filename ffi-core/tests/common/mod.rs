//! Helpers shared by the integration tests: finding and running the system C compiler.

#![allow(dead_code)]

pub mod fuzz;

use ffi_core::{CTypeId, CTypeTable, Kind};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The C compiler (`$CC` or `cc`), or `None` with a loud message when there is none.
pub fn cc() -> Option<String> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    match Command::new(&cc).arg("--version").output() {
        Ok(o) if o.status.success() => Some(cc),
        _ => {
            eprintln!(
                "!!!! SKIPPED: no C compiler ({cc}) found; the gcc oracle check did not run !!!!"
            );
            None
        }
    }
}

/// A scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ffi-core-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}

/// Compiles `src` with `flags` and runs it; returns its standard output.
pub fn compile_and_run(cc: &str, dir: &Path, name: &str, src: &str, flags: &[&str]) -> String {
    let c = dir.join(format!("{name}.c"));
    let exe = dir.join(name);
    std::fs::write(&c, src).expect("write C source");
    let out = Command::new(cc)
        .args(flags)
        .arg("-w")
        .arg("-o")
        .arg(&exe)
        .arg(&c)
        .output()
        .expect("run C compiler");
    assert!(
        out.status.success(),
        "C compiler failed on {}:\n{}",
        c.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe).output().expect("run generated program");
    assert!(run.status.success(), "generated program failed");
    String::from_utf8(run.stdout).expect("utf8 output")
}

/// [`preprocess`], failing with the packages to install when a header is missing.
pub fn preprocess_or_fail(cc: &str, hs: &[&str]) -> String {
    preprocess(cc, hs).unwrap_or_else(|| {
        panic!("could not preprocess {hs:?}: install gcc, zlib1g-dev and libsqlite3-dev (the test script does)")
    })
}

/// Runs the system preprocessor on `#include <header>` lines; `None` if a header is
/// missing.
pub fn preprocess(cc: &str, includes: &[&str]) -> Option<String> {
    let src: String = includes.iter().map(|h| format!("#include <{h}>\n")).collect();
    let mut child = Command::new(cc)
        .args(["-E", "-P", "-x", "c", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    use std::io::Write;
    child.stdin.take()?.write_all(src.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        eprintln!("preprocessor failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    String::from_utf8(out.stdout).ok()
}

/// Expected lines from ffi-core and the C code that prints the same lines.
pub fn describe(t: &CTypeTable, cexpr: &str, ty: CTypeId, ours: &mut Vec<String>, c: &mut String) {
    ours.push(format!("{cexpr}|size|{}|align|{}", t.size_of(ty).unwrap_or(0), t.align_of(ty)));
    // The alignment layout really uses: where a member of this type lands after a char.
    // (gcc's _Alignof under-reports 32-byte vectors without AVX: 16, while layout uses 32.)
    let _ = writeln!(
        c,
        "  {{ struct probe {{ char c; {cexpr} x; }}; printf(\"%s|size|%zu|align|%zu\\n\", \"{cexpr}\", sizeof({cexpr}), offsetof(struct probe, x)); }}"
    );
    walk(t, cexpr, ty, "", 0, ours, c, 0);
}

#[allow(clippy::too_many_arguments)]
fn walk(
    t: &CTypeTable,
    cexpr: &str,
    ty: CTypeId,
    prefix: &str,
    base: u64,
    ours: &mut Vec<String>,
    c: &mut String,
    depth: u32,
) {
    let Kind::Struct(a) = t.get(ty).kind else { return };
    if depth > 8 {
        return;
    }
    for f in &t.agg(a).fields {
        let Some(n) = f.name else {
            if f.bits.is_none() {
                walk(t, cexpr, f.ty, prefix, base + f.offset, ours, c, depth + 1);
            }
            continue;
        };
        let path = format!("{prefix}{}", t.names().str(n));
        match f.bits {
            Some(b) => {
                let start = (base + f.offset) * 8 + b.shift as u64;
                ours.push(format!("{cexpr}|{path}|bits|{start}|{}", b.width));
                let val = if matches!(t.get(f.ty).kind, Kind::Bool) { "1" } else { "-1" };
                let _ = writeln!(
                    c,
                    "  {{ {cexpr} v; memset(&v, 0, sizeof v); v.{path} = {val}; bits(\"{cexpr}|{path}\", (unsigned char *)&v, sizeof v); }}"
                );
            }
            None => {
                ours.push(format!("{cexpr}|{path}|off|{}", base + f.offset));
                let _ = writeln!(
                    c,
                    "  printf(\"%s|off|%zu\\n\", \"{cexpr}|{path}\", offsetof({cexpr}, {path}));"
                );
                if matches!(t.get(f.ty).kind, Kind::Struct(_)) {
                    walk(t, cexpr, f.ty, &format!("{path}."), base + f.offset, ours, c, depth + 1);
                }
            }
        }
    }
}

pub const C_PRELUDE: &str = r#"
#include <stddef.h>
#include <stdio.h>
#include <string.h>
"#;

/// The bit-scanning helper (needs `printf` and `size_t` declared before it).
pub const C_BITS_HELPER: &str = r#"
#ifndef offsetof
#define offsetof(T, m) __builtin_offsetof(T, m)
#endif
static void bits(const char *name, const unsigned char *p, size_t n) {
  long first = -1, last = -1;
  for (size_t i = 0; i < n * 8; i++)
    if ((p[i / 8] >> (i % 8)) & 1) { if (first < 0) first = (long)i; last = (long)i; }
  printf("%s|bits|%ld|%ld\n", name, first, last - first + 1);
}
"#;
