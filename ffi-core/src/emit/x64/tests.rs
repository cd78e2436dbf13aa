//! The call stubs: golden bytes, and real calls through them into Rust functions of both
//! conventions.

use super::*;
use crate::emit::memory::CodeArena;
use alloc::vec::Vec;

fn hex(b: &[u8]) -> alloc::string::String {
    use core::fmt::Write;
    let mut s = alloc::string::String::new();
    for x in b {
        write!(s, "{x:02x}").unwrap();
    }
    s
}

#[test]
fn sysv_stub_golden_bytes() {
    let code = call_stub(CallAbi::SysV).link().unwrap();
    assert_eq!(
        hex(&code),
        concat!(
            "554889e55341544889fb488b8bf00000004829cc488bb3f80000004889e748c1",
            "e903f348a5f3400f6f8330000000f3400f6f8b40000000f3400f6f9350000000",
            "f3400f6f9b60000000f3400f6fa370000000f3400f6fab80000000f3400f6fb3",
            "90000000f3400f6fbba0000000488bbb00000000488bb308000000488b931000",
            "0000488b8b180000004c8b83200000004c8b8b28000000488b83e8000000ff93",
            "e0000000488983b0000000488993b8000000f30f7f83c0000000f30f7f8bd000",
            "0000488d65f0415c5b5dc3",
        )
    );
}

#[test]
fn win64_stub_loads_four_slots() {
    let code = call_stub(CallAbi::Win64).link().unwrap();
    let h = hex(&code);
    // mov rcx,[rbx+0]; mov rdx,[rbx+8]; mov r8,[rbx+16]; mov r9,[rbx+24] (disp32 forms)
    assert!(h.contains("488b8b00000000488b93080000004c8b83100000004c8b8b18000000"), "{h}");
    // xmm3 is loaded, xmm4 is not
    assert!(h.contains("f3400f6f9b60000000") && !h.contains("f3400f6fa370000000"), "{h}");
}

extern "C" fn sysv_callee(
    a: i64,
    b: i64,
    c: i64,
    d: i64,
    e: i64,
    f: i64,
    g: i64,
    h: i64,
    x0: f64,
    x1: f64,
    x2: f64,
    x3: f64,
    x4: f64,
    x5: f64,
    x6: f64,
    x7: f64,
    x8: f64,
) -> f64 {
    (a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h) as f64
        + x0
        + 2.0 * x1
        + 3.0 * x2
        + 4.0 * x3
        + 5.0 * x4
        + 6.0 * x5
        + 7.0 * x6
        + 8.0 * x7
        + 9.0 * x8
}

extern "win64" fn win64_callee(a: i64, x: f64, c: i32, y: f32, e: i64, z: f64) -> i64 {
    a * 100_000 + (x * 10_000.0) as i64 + c as i64 * 1000 + (y * 100.0) as i64 + e * 10 + z as i64
}

fn run(abi: CallAbi, regs: &mut CallRegs) {
    let code = call_stub(abi).link().unwrap();
    let mut arena = CodeArena::new(crate::luaapi::Host::STD);
    let p = arena.place(&code).unwrap();
    // SAFETY: `p` is the stub just placed, with the `CallStub` signature.
    let stub: CallStub = unsafe { core::mem::transmute(p) };
    // SAFETY: `regs` describes a call of the target with its convention.
    unsafe { stub(regs) };
}

#[test]
fn sysv_stub_calls_with_registers_and_stack() {
    let mut stack = [0u64; 4];
    let mut r = CallRegs { gpr: [1, 2, 3, 4, 5, 6], ..Default::default() };
    stack[0] = 7;
    stack[1] = 8;
    for i in 0..8 {
        r.sse[i][0] = (0.5 * (i + 1) as f64).to_bits();
    }
    stack[2] = 4.5f64.to_bits();
    r.stack = stack.as_ptr() as u64;
    r.stack_bytes = 32;
    r.target = sysv_callee as *const () as usize as u64;
    run(CallAbi::SysV, &mut r);
    let want = sysv_callee(1, 2, 3, 4, 5, 6, 7, 8, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5);
    assert_eq!(f64::from_bits(r.ret_sse[0][0]), want);
}

#[test]
fn win64_stub_calls_with_shadow_space() {
    let mut stack = [0u64; 6];
    let mut r = CallRegs::default();
    r.gpr[0] = 3;
    r.sse[1][0] = 0.25f64.to_bits();
    r.gpr[2] = 7;
    r.sse[3][0] = 0.5f32.to_bits() as u64;
    stack[4] = 9;
    stack[5] = 6.0f64.to_bits();
    r.stack = stack.as_ptr() as u64;
    r.stack_bytes = 48;
    r.target = win64_callee as *const () as usize as u64;
    run(CallAbi::Win64, &mut r);
    assert_eq!(r.ret_gpr[0] as i64, win64_callee(3, 0.25, 7, 0.5, 9, 6.0));
}

/// Fixed addresses, so that the bytes are the same in every run.
fn api() -> ThunkApi {
    ThunkApi {
        gettop: 0x1000,
        type_tag: 0x1100,
        tointegerx: 0x1200,
        tonumberx: 0x1300,
        toboolean: 0x1400,
        tolstring: 0x1500,
        pushinteger: 0x1600,
        pushnumber: 0x1700,
        pushboolean: 0x1800,
        push_boxed: 0x1900,
        push_agg: 0x1e00,
        cdata_arg: 0x1a00,
        errno_location: 0x1b00,
        errno_tls: Some(-64),
        errno_slot: 0x1c00,
        caller: 0x1d00,
        slow: 0x1d00,
        stack: None,
    }
}

fn thunk(args: &[ArgKind], ret: RetKind) -> Vec<u8> {
    let spec = ThunkSpec { target: 0x2000, args: args.to_vec(), ret };
    fast_thunk(&spec, &api()).expect("a fast thunk").link().expect("links")
}

/// FNV-1a, to pin long byte strings in one number.
fn fnv(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325, |h, &x| (h ^ x as u64).wrapping_mul(0x100_0000_01b3))
}

#[test]
fn noop_thunk_golden_bytes() {
    let code = thunk(&[], RetKind::Void);
    // push rbx; push r12; sub rsp,136; mov rbx,rdi; call [gettop]; cmp eax,0; jne slow;
    // errno: mov rax,fs:0; lea r12,[rax-64]; mov rcx,slot; mov ecx,[rcx]; mov [r12],ecx;
    // the caller record: mov rax,caller; mov [rax],rbx; mov rcx,fs:0; mov [rax+8],rcx;
    // call [target]; errno back: mov ecx,[r12]; mov rax,slot; mov [rax],ecx; xor eax,eax;
    // add rsp,136; pop r12; pop rbx; ret; slow: ...; jmp [slow]; the table.
    let h = hex(&code);
    assert!(h.starts_with("534154"), "{h}");
    assert!(
        h.contains("64488b0425000000004c8da0c0ffffff"),
        "errno through the thread pointer: {h}"
    );
    assert!(h.ends_with("001d000000000000"), "the table ends with the slow path: {h}");
    assert!(
        h.contains("41890c2448b8001d000000000000488918"),
        "errno restored, then this state recorded as the caller: {h}"
    );
    // After the call and errno's save: mov rax, caller; mov qword [rax], 0 (no C call
    // runs any more).
    assert!(h.contains("48b8001d00000000000048c70000000000"), "the caller record cleared: {h}");
    // Right after the caller's thread is recorded (mov [rax+8], rcx), the call of the
    // target goes through table entry 7 (of 14, after the code).
    let at = h.find("64488b0c250000000048894808ff15").expect("thread, then call [rip+d]") / 2 + 13;
    let disp = i32::from_le_bytes(code[at + 2..at + 6].try_into().unwrap()) as usize;
    assert_eq!(at + 6 + disp, code.len() - 14 * 8 + 7 * 8, "{h}");
    assert_eq!(code.len() % 8, 0, "{h}");
}

#[test]
fn thunk_shapes_are_pinned() {
    let int = ArgKind::Int { size: 4, signed: true };
    let shapes: [(&str, Vec<u8>); 8] = [
        ("int(int, int)", thunk(&[int, int], RetKind::Int { size: 4, signed: true })),
        ("double(double, double)", thunk(&[ArgKind::F64, ArgKind::F64], RetKind::F64)),
        ("float(float)", thunk(&[ArgKind::F32], RetKind::F32)),
        ("bool(bool)", thunk(&[ArgKind::Bool], RetKind::Bool)),
        (
            "uint8_t(uint16_t, int64_t)",
            thunk(
                &[ArgKind::Int { size: 2, signed: false }, ArgKind::Int { size: 8, signed: true }],
                RetKind::Int { size: 1, signed: false },
            ),
        ),
        (
            "char *(const char *)",
            thunk(&[ArgKind::Ptr { ty: 20, string: true }], RetKind::Boxed(22)),
        ),
        ("void(int *)", thunk(&[ArgKind::Ptr { ty: 30, string: false }], RetKind::Void)),
        (
            "struct { double; long; }(void)",
            thunk(
                &[],
                RetKind::Agg {
                    ty: 40,
                    pieces: [
                        Some(AggPiece { offset: 0, size: 8, sse: true }),
                        Some(AggPiece { offset: 8, size: 8, sse: false }),
                    ],
                },
            ),
        ),
    ];
    let got: Vec<(&str, usize, u64)> = shapes.iter().map(|(n, c)| (*n, c.len(), fnv(c))).collect();
    assert_eq!(got, PINNED.to_vec());
}

/// Checked by disassembling each with `objdump -D -b binary -mi386:x86-64` when pinned.
const PINNED: [(&str, usize, u64); 8] = [
    ("int(int, int)", 568, 13660361298235718633),
    ("double(double, double)", 424, 753521427199586873),
    ("float(float)", 368, 8431485765245054097),
    ("bool(bool)", 368, 16488656217150795224),
    ("uint8_t(uint16_t, int64_t)", 552, 13025944477309199092),
    ("char *(const char *)", 432, 13408376226149218767),
    ("void(int *)", 360, 9212512797837879994),
    ("struct { double; long; }(void)", 320, 14582076391364097511),
];

#[test]
fn registers_run_out() {
    let a = [ArgKind::Int { size: 4, signed: true }; 7];
    let spec = ThunkSpec { target: 0x2000, args: a.to_vec(), ret: RetKind::Void };
    assert!(
        fast_thunk(&spec, &api()).is_none(),
        "a seventh integer argument takes the general path"
    );
    let f = [ArgKind::F64; 8];
    let spec = ThunkSpec { target: 0x2000, args: f.to_vec(), ret: RetKind::F64 };
    assert!(fast_thunk(&spec, &api()).is_some(), "eight doubles fit");
}

#[test]
fn stack_layout_thunks_read_the_lua_stack() {
    let mut a = api();
    a.stack = Some(StackLayout {
        top: 16,
        base: ArgBase::CiFunc(32, 0),
        int_tag: Some(3),
        float_tag: 19,
    });
    let spec = ThunkSpec {
        target: 0x2000,
        args: alloc::vec![ArgKind::Int { size: 4, signed: true }, ArgKind::F64],
        ret: RetKind::F64,
    };
    let code = fast_thunk(&spec, &a).unwrap().link().unwrap();
    let h = hex(&code);
    // mov rax,[rbx+32] (L->ci); mov r12,[rax+0] (ci->func); add r12,16
    assert!(h.contains("488b83200000004c8ba0000000004983c410"), "{h}");
    // lea rax,[r12+32]; cmp [rbx+16] (L->top), rax
    assert!(h.contains("498d8424200000004839831000000"), "{h}");
    // movzx eax, byte [r12+8]: the first argument's tag
    assert!(h.contains("410fb68424080000003d03000000"), "{h}");
    // 5.1: r12 = L->base
    a.stack = Some(StackLayout { top: 16, base: ArgBase::Base(24), int_tag: None, float_tag: 3 });
    let h51 = hex(&fast_thunk(&spec, &a).unwrap().link().unwrap());
    assert!(h51.contains("4c8ba318000000"), "{h51}");
    assert_eq!((code.len(), fnv(&code)), PINNED_STACK, "{h}");
}

/// Pinned after disassembly, as `PINNED`.
const PINNED_STACK: (usize, u64) = (640, 4021971555151085392);
