//! CI fuzz smoke: 100,000 seeded inputs through the parser with no panic, no hang and no
//! stack overflow (the run uses a 1 MiB stack). The long run is
//! `cargo run --release -p ffi-core --example fuzz -- 10000000`.

mod common;

use std::time::Duration;

#[test]
fn fuzz_smoke_100k() {
    let corpus = common::fuzz::corpus();
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || common::fuzz::run(&corpus, 100_000, 0x5eed_0001, Duration::from_secs(2)))
        .expect("spawn");
    let rep = h.join().expect("fuzz run failed");
    println!(
        "fuzz smoke: {} inputs ({} accepted, {} rejected), {} MB, slowest {:?}",
        rep.inputs,
        rep.accepted,
        rep.rejected,
        rep.bytes / 1_000_000,
        rep.slowest
    );
    assert_eq!(rep.inputs, 100_000);
    assert!(rep.accepted > 5_000 && rep.rejected > 5_000, "the inputs must exercise both paths");
}
