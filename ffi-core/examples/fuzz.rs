//! The long fuzz run: `cargo run --release -p ffi-core --example fuzz -- [N] [SEED]`
//! (default 10,000,000 inputs). Runs on a 1 MiB stack; any panic, hang (> 2 s per input)
//! or stack overflow aborts with the failing input.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let mut a = std::env::args().skip(1);
    let n: u64 = a.next().and_then(|s| s.parse().ok()).unwrap_or(10_000_000);
    let seed: u64 = a.next().and_then(|s| s.parse().ok()).unwrap_or(0x1234_5678);
    let corpus = common::fuzz::corpus();
    let t0 = std::time::Instant::now();
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || common::fuzz::run(&corpus, n, seed, std::time::Duration::from_secs(2)))
        .expect("spawn");
    let rep = h.join().expect("fuzz run failed");
    println!(
        "fuzz: {} inputs, {} accepted, {} rejected, {} MB parsed, slowest input {:?}, {:.1} s, seed {seed:#x}: 0 panics, 0 hangs, 0 stack overflows",
        rep.inputs,
        rep.accepted,
        rep.rejected,
        rep.bytes / 1_000_000,
        rep.slowest,
        t0.elapsed().as_secs_f64()
    );
}
