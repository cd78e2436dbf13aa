//! Callback slots and entries: the slot's bytes, and real calls from Rust through a slot
//! and each convention's common entry into a Rust helper that checks the argument image
//! and writes a result.

use super::*;
use crate::luaapi::Host;
use core::sync::atomic::AtomicU64;

#[test]
fn slot_code_loads_its_record_and_jumps_through_it() {
    let c = slot_code(0x1122_3344_5566_7788);
    // mov r10, 0x1122334455667788; jmp qword [r10]; int3 padding
    assert_eq!(
        c,
        [
            0x49, 0xba, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x41, 0xff, 0x22, 0xcc,
            0xcc, 0xcc
        ]
    );
}

/// What the test helper saw, for the test to check: the integer registers, the low
/// halves of the vector registers, and the first six stack words.
static SEEN: [AtomicU64; 20] = [const { AtomicU64::new(0) }; 20];

/// A helper as entries call it: records the image and answers `gpr[0] + gpr[1]` in rax
/// and `sse[0] * 2` in xmm0.
unsafe extern "C-unwind" fn helper(_slot: *const Slot, regs: *mut CallRegs) {
    // SAFETY: the entry passes its image.
    let r = unsafe { &mut *regs };
    for (seen, &g) in SEEN.iter().zip(&r.gpr) {
        seen.store(g, Ordering::Relaxed);
    }
    for (seen, x) in SEEN[6..].iter().zip(&r.sse) {
        seen.store(x[0], Ordering::Relaxed);
    }
    for i in 0..6 {
        // SAFETY: the test's callers' frames hold at least six words above the return
        // address (their own stack arguments, shadow space, locals).
        let w = unsafe { ((r.stack as usize + 8 * i) as *const u64).read_unaligned() };
        SEEN[14 + i].store(w, Ordering::Relaxed);
    }
    r.ret_gpr[0] = r.gpr[0].wrapping_add(r.gpr[1]);
    r.ret_sse[0][0] = (f64::from_bits(r.sse[0][0]) * 2.0).to_bits();
}

fn seen(i: usize) -> u64 {
    SEEN[i].load(Ordering::Relaxed)
}

/// A slot of the pool set to `abi`'s entry and the test helper.
fn test_slot(abi: CallAbi) -> Taken {
    let host = Host::STD;
    let t = take(&host, abi, 0).expect("a slot");
    t.slot.helper.store(helper as *const () as usize, Ordering::Relaxed);
    t
}

#[test]
fn sysv_entry_passes_registers_and_stack_and_returns_both_classes() {
    let _serial = LOCK.lock();
    let t = test_slot(CallAbi::SysV);
    type F = extern "sysv64" fn(i64, i64, i64, i64, i64, i64, i64, i64, f64, f64) -> i64;
    // SAFETY: the slot runs the SysV entry, which returns what the helper wrote.
    let f: F = unsafe { core::mem::transmute::<usize, F>(t.code) };
    let r = f(1, 2, 3, 4, 5, 6, 70, 80, 0.5, 1.5);
    assert_eq!(r, 3, "rax from ret_gpr[0]");
    assert_eq!((seen(0), seen(5)), (1, 6), "rdi..r9 in gpr[0..6]");
    assert_eq!((f64::from_bits(seen(6)), f64::from_bits(seen(7))), (0.5, 1.5), "xmm0, xmm1");
    assert_eq!((seen(14), seen(15)), (70, 80), "the 7th and 8th integers on the stack");
    type G = extern "sysv64" fn(f64) -> f64;
    // SAFETY: as above.
    let g: G = unsafe { core::mem::transmute::<usize, G>(t.code) };
    assert_eq!(g(2.25), 4.5, "xmm0 from ret_sse[0]");
    t.slot.live.store(false, Ordering::Relaxed);
    give_back(t.index);
}

#[test]
fn win64_entry_passes_four_slots_and_the_stack_after_the_shadow_space() {
    let _serial = LOCK.lock();
    let t = test_slot(CallAbi::Win64);
    type F = extern "win64" fn(i64, f64, i64, i64, i64, i64) -> i64;
    // SAFETY: the slot runs the Win64 entry, which returns what the helper wrote.
    let f: F = unsafe { core::mem::transmute::<usize, F>(t.code) };
    f(10, 0.25, 30, 40, 50, 60);
    assert_eq!((seen(0), seen(2), seen(3)), (10, 30, 40), "rcx, r8, r9 in gpr[0], gpr[2], gpr[3]");
    assert_eq!(f64::from_bits(seen(7)), 0.25, "xmm1 for the second slot");
    // Stack words: 32 bytes of shadow space, then the fifth and sixth arguments.
    assert_eq!((seen(18), seen(19)), (50, 60), "the fifth and sixth slots after the shadow space");
    type G = extern "win64" fn(i64, i64, i64, i64, i64, i64) -> i64;
    // SAFETY: as above.
    let g: G = unsafe { core::mem::transmute::<usize, G>(t.code) };
    assert_eq!(g(7, 8, 0, 0, 50, 60), 15, "rax = gpr[0] + gpr[1]");
    t.slot.live.store(false, Ordering::Relaxed);
    give_back(t.index);
}

/// The helper's record is process-wide: one entry test at a time.
static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn api() -> DirectApi {
    DirectApi {
        checkstack: 0x1000,
        rawgeti: 0x1100,
        pushinteger: 0x1200,
        pushnumber: 0x1300,
        pushboolean: 0x1400,
        touserdata: 0x1500,
        call: 0x1600,
        callk: true,
        limit: Some((16, 32, 8)),
        tointegerx: 0x1700,
        type_tag: 0x1800,
        tonumberx: 0x1900,
        settop: 0x1a00,
        push_boxed: 0x1b00,
        slow_result: 0x1c00,
        registry: -1001000,
        context_upvalue: -1001001,
        caller: 0x548,
        cell: 0x558,
        record: 0x7000,
        int_tag: Some(3),
    }
}

fn hex(b: &[u8]) -> alloc::string::String {
    b.iter().map(|x| alloc::format!("{x:02x}")).collect()
}

#[test]
fn direct_entry_of_int_int_int() {
    let int = ArgPush::Int { size: 4, signed: true };
    let spec = DirectSpec {
        args: alloc::vec![(ArgFrom::Gpr(0), int), (ArgFrom::Gpr(1), int)],
        ret: RetConv::Int { size: 4, signed: true },
    };
    let code = direct_entry(&spec, &api(), 0x9000).unwrap().link().unwrap();
    let h = hex(&code);
    // push rbx; push r12; push r13; sub rsp,144; mov r12,r10; spill rdi, rsi
    assert!(h.starts_with("5341544155"), "{h}");
    // mov rax, fs:[0]; cmp rax, [r13 + 0x550] (the recorded thread)
    assert!(h.contains("64488b042500000000493b8550050000"), "{h}");
    // the limit: mov rax,[rbx+32]; mov rax,[rax+8]; sub rax,[rbx+16]; cmp rax, 16*8
    assert!(h.contains("488b8320000000488b8008000000482b8310000000483d80000000"), "{h}");
    // lua_callk(L, 2, 1, 0, NULL): mov esi,2; mov edx,1; xor ecx,ecx; xor r8d,r8d
    assert!(h.contains("be02000000ba0100000031c94531c0"), "{h}");
    // The table ends with the common entry's address.
    assert!(h.ends_with("0090000000000000"), "{h}");
    assert_eq!(code.len() % 8, 0);
}

#[test]
fn direct_entry_refuses_long_signatures() {
    let int = ArgPush::Int { size: 4, signed: true };
    let spec = DirectSpec {
        args: (0..101).map(|i| (ArgFrom::Stack(8 * i), int)).collect(),
        ret: RetConv::Void,
    };
    assert!(direct_entry(&spec, &api(), 0x9000).is_none());
}
