//! Many states on many threads: the conformance suite in 8 threads at once (each script in
//! its own state, each thread with its own copy of the C test library), and states closed
//! while other threads' states call C and run callbacks. A counting allocator checks that
//! repeating the work leaves no memory behind, and `/proc/self/maps` that no machine-code
//! mapping is left either.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use ffi_conformance::{run_mlua, run_mlua_with, runs_here, scripts, testlib_instance, vm_name};

/// Live bytes obtained from the allocator (Lua states, ffi contexts, everything Rust).
static LIVE: AtomicIsize = AtomicIsize::new(0);

struct Counting;

// SAFETY: every call forwards to the system allocator with the caller's arguments; the
// counter is only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: the caller's layout, forwarded.
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: `p` came from `alloc`/`realloc` with this layout (the caller's contract).
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        // SAFETY: the caller's block and layout, forwarded.
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            LIVE.fetch_add(new as isize - l.size() as isize, Ordering::Relaxed);
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Both tests measure the whole process: one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn mappings() -> usize {
    std::fs::read_to_string("/proc/self/maps").map(|m| m.lines().count()).unwrap_or(0)
}

#[test]
fn conformance_in_eight_threads() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let list: Vec<_> = scripts().into_iter().filter(|p| runs_here(p)).collect();
    // The counts of one run on its own, to compare each thread's with.
    let alone: Vec<u64> = list.iter().map(|p| run_mlua(p, false).passed).collect();
    let libs: Vec<_> = (0..8).map(testlib_instance).collect();
    let results: Vec<Vec<(u64, u64, Vec<String>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = libs
            .iter()
            .map(|lib| {
                let list = &list;
                s.spawn(move || {
                    list.iter()
                        .map(|p| {
                            let o = run_mlua_with(p, false, lib);
                            (o.passed, o.failed, o.failures)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    let mut total = 0;
    for (t, res) in results.iter().enumerate() {
        for ((p, (passed, failed, failures)), want) in list.iter().zip(res).zip(&alone) {
            assert_eq!(*failed, 0, "thread {t} {}: {failures:?}", p.display());
            assert_eq!(passed, want, "thread {t} {}: another number of assertions", p.display());
            total += passed;
        }
    }
    println!(
        "{} threads: 8 threads at once ran {} scripts each, {total} assertions passed, 0 failed",
        vm_name(),
        list.len()
    );
}

/// A state that calls C (`qsort`, `snprintf`) with Lua callbacks, some never freed, and
/// returns a checksum of what it saw.
const WORK: &str = r#"
local ffi = require "ffi"
local seed = ...
ffi.cdef [[
  void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
  int snprintf(char *buf, size_t n, const char *fmt, ...);
]]
local sum = 0
for round = 1, 20 do
  local n = 64
  local a = ffi.new("int[?]", n)
  for i = 0, n - 1 do a[i] = (i * 7919 + seed * 31 + round) % 1000 end
  local cb = ffi.cast("int (*)(const void *, const void *)", function(x, y)
    return ffi.cast("const int *", x)[0] - ffi.cast("const int *", y)[0]
  end)
  ffi.C.qsort(a, n, 4, cb)
  for i = 1, n - 1 do assert(a[i - 1] <= a[i], "sorted") end
  if round % 2 == 0 then cb:free() end -- the others are reclaimed at close
  local buf = ffi.new("char[32]")
  local len = ffi.C.snprintf(buf, 32, "%d-%d", ffi.new("int", seed), ffi.new("int", round))
  assert(ffi.string(buf, len) == seed .. "-" .. round)
  sum = sum + a[0] + a[n - 1]
end
return sum
"#;

/// The same checksum computed in Rust.
fn expected_sum(seed: i64) -> i64 {
    (1..=20)
        .map(|round| {
            let v: Vec<i64> = (0..64).map(|i| (i * 7919 + seed * 31 + round) % 1000).collect();
            v.iter().min().unwrap() + v.iter().max().unwrap()
        })
        .sum()
}

/// One round: 8 threads each open, use and close states; half close theirs early, while
/// the others are still calling C.
fn close_while_calling() {
    std::thread::scope(|s| {
        for t in 0..8i64 {
            s.spawn(move || {
                for k in 0..4 {
                    let lua = mlua::Lua::new();
                    ffi_mlua::preload(&lua).expect("preload");
                    let seed = t * 10 + k;
                    let f = lua.load(WORK).into_function().expect("chunk");
                    if t % 2 == 0 && k % 2 == 1 {
                        // Closed without running: made, then dropped mid-way.
                        drop(f);
                        drop(lua);
                        continue;
                    }
                    let got: i64 = f.call(seed).expect("work");
                    assert_eq!(got, expected_sum(seed), "thread {t} state {k}");
                }
            });
        }
    });
}

#[test]
fn states_closed_while_others_call_c() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Warm up: lazily made process-wide things (the test library, thread machinery).
    close_while_calling();
    close_while_calling();
    // Live bytes and mappings after each of 8 rounds. The process keeps a little noise of
    // its own (a few hundred bytes that come and go, malloc arenas and cached thread
    // stacks), so a leak is growth: the last rounds must not sit above the first ones by
    // more than that noise (1 KiB, 8 mappings). Any leak per state (a context, a callback
    // slot, a code page) exceeds it many times over after 160 states.
    let samples: Vec<(isize, usize)> = (0..8)
        .map(|_| {
            close_while_calling();
            (LIVE.load(Ordering::SeqCst), mappings())
        })
        .collect();
    let first_bytes = samples[..3].iter().map(|s| s.0).max().unwrap();
    let last_bytes = samples[5..].iter().map(|s| s.0).min().unwrap();
    let first_maps = samples[..3].iter().map(|s| s.1).max().unwrap();
    let last_maps = samples[5..].iter().map(|s| s.1).min().unwrap();
    println!(
        "{} threads: 8 rounds of 8 threads x 4 states (qsort with callbacks, snprintf), closed \
         while others call C: live bytes {} -> {}, mappings {} -> {}",
        vm_name(),
        first_bytes,
        last_bytes,
        first_maps,
        last_maps
    );
    assert!(last_bytes <= first_bytes + 1024, "memory grows as states are closed: {samples:?}");
    assert!(last_maps <= first_maps + 8, "mappings grow as states are closed: {samples:?}");
}
