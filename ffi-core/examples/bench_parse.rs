//! Parse benchmark: `cargo run --release -p ffi-core --example bench_parse`.
//!
//! Measures `cdef` throughput over the `gcc -E -P` output of the system headers (the
//! ten without math.h in one text, as LuaJIT can parse it, and all eleven), the cost per
//! declaration, and type interning (hits and misses). When `luajit` is on the PATH it
//! times LuaJIT's `ffi.cdef` of the same text in the same run (fresh process per
//! sample, timed inside Lua with `os.clock`) and prints the ratio.

#[path = "../tests/common/mod.rs"]
mod common;

use ffi_core::{ids, CTypeTable, Kind, Qual, Target};
use std::process::Command;
use std::time::Instant;

const TEN: &[&str] = &[
    "stdio.h",
    "stdlib.h",
    "string.h",
    "time.h",
    "signal.h",
    "sys/stat.h",
    "sys/socket.h",
    "pthread.h",
    "zlib.h",
    "sqlite3.h",
];

fn preprocess(headers: &[&str]) -> String {
    common::preprocess_or_fail(&common::cc().expect("a C compiler"), headers)
}

/// Median and minimum seconds of `f` over `n` runs.
fn time(n: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut v: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (v[n / 2], v[0])
}

/// One luajit sample: CPU seconds of `ffi.cdef` of the file in a fresh luajit.
fn luajit_once(path: &std::path::Path) -> Option<f64> {
    let script = format!(
        "local ffi = require 'ffi'\nlocal f = assert(io.open([[{}]], 'rb'))\nlocal s = f:read('*a')\nf:close()\n\
         local t = os.clock()\nffi.cdef(s)\nio.write(string.format('%.9f', os.clock() - t))\n",
        path.display()
    );
    let out = Command::new("luajit").arg("-e").arg(&script).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse::<f64>().ok()
}

/// One ffi-core sample in a fresh process.
fn ours_once(path: &std::path::Path) -> f64 {
    let exe = std::env::current_exe().expect("current exe");
    let out = Command::new(&exe).arg("--once").arg(path).output().expect("self");
    String::from_utf8_lossy(&out.stdout).trim().parse::<f64>().expect("seconds")
}

fn median_min(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (v[v.len() / 2], v[0])
}

/// Process CPU time in seconds: the clock behind C's `clock()` and so luajit's
/// `os.clock()`, so both sides are timed alike (preemption on a busy machine not counted).
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// One cold sample: parse `path` once in this fresh process, print the CPU seconds taken.
fn once(path: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    // The table exists before timing starts, as LuaJIT's state does (`require "ffi"`).
    let mut table = CTypeTable::new(Target::SYSV_X64);
    let t = cpu_seconds();
    table.cdef(&text).expect("parse");
    let dt = cpu_seconds() - t;
    std::hint::black_box(&table);
    println!("{dt:.9}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "--once" {
        once(&args[2]);
        return;
    }
    let ten = preprocess(TEN);
    let mut all_h: Vec<&str> = TEN.to_vec();
    all_h.push("math.h");
    let all = preprocess(&all_h);
    let mb = |s: &str| s.len() as f64 / 1e6;

    let mut decls = 0usize;
    {
        let mut t = CTypeTable::new(Target::SYSV_X64);
        t.cdef(&ten).expect("the ten headers parse");
        decls += t.symbols().count();
    }
    let n = 200;
    // Tables are dropped after the timed region (LuaJIT's timing excludes teardown too).
    let mut keep = Vec::with_capacity(2 * n);
    let (med_ten, min_ten) = time(n, || {
        let mut t = CTypeTable::new(Target::SYSV_X64);
        t.cdef(&ten).expect("parse");
        keep.push(t);
    });
    let (med_all, _) = time(n, || {
        let mut t = CTypeTable::new(Target::SYSV_X64);
        t.cdef(&all).expect("parse");
        keep.push(t);
    });
    drop(keep);
    let (med_new, _) = time(n, || {
        std::hint::black_box(CTypeTable::new(Target::SYSV_X64));
    });

    // Interning: hits (existing pointer types) and misses (new array types).
    let mut t = CTypeTable::new(Target::SYSV_X64);
    let base: Vec<_> = (0..1000u64)
        .map(|i| {
            t.intern_kind(Kind::Array(ids::INT, ffi_core::ArrayLen::Fixed(i)), Qual::NONE, 0)
                .unwrap()
        })
        .collect();
    let k = 1_000_000;
    let t0 = Instant::now();
    for i in 0..k {
        std::hint::black_box(t.ptr_to(base[i % 1000]));
    }
    let first = t0.elapsed().as_secs_f64(); // 1000 misses + hits
    let t0 = Instant::now();
    for i in 0..k {
        std::hint::black_box(t.ptr_to(base[i % 1000]));
    }
    let hit_ns = t0.elapsed().as_secs_f64() / k as f64 * 1e9;
    let t0 = Instant::now();
    for i in 0..100_000u64 {
        std::hint::black_box(
            t.intern_kind(
                Kind::Array(ids::CHAR, ffi_core::ArrayLen::Fixed(10_000 + i)),
                Qual::NONE,
                0,
            )
            .unwrap(),
        );
    }
    let miss_ns = t0.elapsed().as_secs_f64() / 100_000.0 * 1e9;
    let _ = first;

    println!("ffi-core cdef benchmark (release, {n} samples, fresh table each)");
    println!(
        "  ten headers (no math.h): {:.1} KB, {decls} declarations, warm in-process: median {:.3} ms, min {:.3} ms = {:.1} MB/s (median)",
        ten.len() as f64 / 1e3,
        med_ten * 1e3,
        min_ten * 1e3,
        mb(&ten) / med_ten
    );
    println!(
        "  all eleven headers:      {:.1} KB: median {:.3} ms = {:.1} MB/s",
        all.len() as f64 / 1e3,
        med_all * 1e3,
        mb(&all) / med_all
    );
    println!("  per declaration:         {:.0} ns", (med_ten - med_new) / decls as f64 * 1e9);
    println!("  new table (predefined):  {:.1} us", med_new * 1e6);
    println!("  type interning:          hit {hit_ns:.1} ns, miss (new type) {miss_ns:.1} ns");

    let path = std::env::temp_dir().join(format!("ffi-bench-ten-{}.h", std::process::id()));
    std::fs::write(&path, &ten).expect("write");
    // Cold runs: a fresh process per sample for both sides, CPU time around the cdef call
    // only, the two sides alternating sample by sample (drift hits both alike).
    let have_luajit = luajit_once(&path).is_some();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..41 {
        ours.push(ours_once(&path));
        if have_luajit {
            theirs.push(luajit_once(&path).unwrap_or(f64::NAN));
        }
    }
    let (cold_med, cold_min) = median_min(ours);
    println!(
        "  cold (fresh process each, alternating with luajit): median {:.3} ms, min {:.3} ms = {:.1} MB/s",
        cold_med * 1e3,
        cold_min * 1e3,
        mb(&ten) / cold_med
    );
    if have_luajit {
        let (lj_med, lj_min) = median_min(theirs);
        println!(
            "  luajit ffi.cdef, same text: median {:.3} ms, min {:.3} ms = {:.1} MB/s",
            lj_med * 1e3,
            lj_min * 1e3,
            mb(&ten) / lj_med
        );
        println!(
            "  ratio (luajit time / ffi-core time, cold medians): {:.2}x {}",
            lj_med / cold_med,
            if cold_med <= lj_med {
                "(ffi-core is at least as fast)"
            } else {
                "(ffi-core is SLOWER)"
            }
        );
    } else {
        println!("  !!!! luajit not found: the LuaJIT comparison was SKIPPED !!!!");
    }
    let _ = std::fs::remove_file(&path);
}
