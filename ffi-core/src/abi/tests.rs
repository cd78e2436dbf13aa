//! Plans pinned for each shape. The expectations are what gcc 12 emits for the same
//! declarations (checked by reading `gcc -O2 -S` of a caller; the ABI differential test
//! in `tests/` checks the same rules end to end against gcc-compiled callees).

use super::*;
use crate::target::Target;
use alloc::vec;

fn plan_of(decls: &str, f: &str, abi: CallAbi) -> CallPlan {
    let mut tt = CTypeTable::new(Target::SYSV_X64);
    tt.cdef(decls).unwrap();
    let ty = match tt.lookup(f) {
        Some(crate::ctype::Symbol::Func { ty, .. }) => ty,
        other => panic!("{f}: {other:?}"),
    };
    let Kind::Func(fid) = tt.get(ty).kind else { panic!() };
    let def = tt.func(fid).clone();
    plan(&tt, &def, def.params.len(), abi).unwrap()
}

fn sysv(decls: &str, f: &str) -> CallPlan {
    plan_of(decls, f, CallAbi::SysV)
}

fn win(decls: &str, f: &str) -> CallPlan {
    plan_of(decls, f, CallAbi::Win64)
}

fn p(offset: u32, size: u32, loc: Loc) -> Piece {
    Piece { offset, size, loc }
}

fn passes(plan: &CallPlan) -> Vec<Pass> {
    plan.args.iter().map(|a| a.pass.clone()).collect()
}

#[test]
fn sysv_scalars_fill_registers_then_stack() {
    let pl =
        sysv("double f(int, double, char, float, long, void *, short, unsigned, long long);", "f");
    let v = |l| Pass::Value(vec![l]);
    assert_eq!(
        passes(&pl),
        vec![
            v(p(0, 4, Loc::Gpr(0))),
            v(p(0, 8, Loc::Sse(0))),
            v(p(0, 1, Loc::Gpr(1))),
            v(p(0, 4, Loc::Sse(1))),
            v(p(0, 8, Loc::Gpr(2))),
            v(p(0, 8, Loc::Gpr(3))),
            v(p(0, 2, Loc::Gpr(4))),
            v(p(0, 4, Loc::Gpr(5))),
            v(p(0, 8, Loc::Stack(0))),
        ]
    );
    assert_eq!(pl.ret, RetPlan::Value(vec![p(0, 8, Loc::Sse(0))]));
    assert_eq!((pl.gprs, pl.sses, pl.stack_bytes), (6, 2, 16));
}

#[test]
fn sysv_nine_doubles_spill_the_ninth() {
    let pl =
        sysv("void f(double,double,double,double,double,double,double,double,double,int);", "f");
    assert_eq!(pl.args[7].pass, Pass::Value(vec![p(0, 8, Loc::Sse(7))]));
    assert_eq!(pl.args[8].pass, Pass::Value(vec![p(0, 8, Loc::Stack(0))]));
    assert_eq!(pl.args[9].pass, Pass::Value(vec![p(0, 4, Loc::Gpr(0))]));
}

#[test]
fn sysv_mixed_struct_splits_into_sse_and_integer() {
    let pl = sysv("struct s { double x; int a, b; }; struct s f(struct s, int);", "f");
    let want = vec![p(0, 8, Loc::Sse(0)), p(8, 8, Loc::Gpr(0))];
    assert_eq!(pl.args[0].pass, Pass::Value(want.clone()));
    assert_eq!(pl.args[1].pass, Pass::Value(vec![p(0, 4, Loc::Gpr(1))]));
    assert_eq!(pl.ret, RetPlan::Value(want));
}

#[test]
fn sysv_float_pairs_share_an_eightbyte() {
    let pl = sysv("struct v { float x, y, z; }; struct v f(struct v);", "f");
    let want = vec![p(0, 8, Loc::Sse(0)), p(8, 4, Loc::Sse(1))];
    assert_eq!(pl.args[0].pass, Pass::Value(want.clone()));
    assert_eq!(pl.ret, RetPlan::Value(want));
    // float + int in one eightbyte is INTEGER.
    let pl = sysv("struct m { float x; int i; }; void f(struct m);", "f");
    assert_eq!(pl.args[0].pass, Pass::Value(vec![p(0, 8, Loc::Gpr(0))]));
}

#[test]
fn sysv_large_and_packed_go_to_memory() {
    let pl = sysv("struct big { long a, b, c; }; struct big f(int, struct big, double);", "f");
    assert_eq!(pl.ret, RetPlan::Hidden(0));
    assert_eq!(pl.args[0].pass, Pass::Value(vec![p(0, 4, Loc::Gpr(1))]));
    assert_eq!(pl.args[1].pass, Pass::Memory(0));
    assert_eq!(pl.args[2].pass, Pass::Value(vec![p(0, 8, Loc::Sse(0))]));
    assert_eq!(pl.stack_bytes, 32);
    let pl = sysv("struct __attribute__((packed)) pk { char c; int i; }; void f(struct pk);", "f");
    assert_eq!(pl.args[0].pass, Pass::Memory(0));
}

#[test]
fn sysv_union_array_and_nested_merge() {
    let pl = sysv("union u { float f; int i; }; void f(union u);", "f");
    assert_eq!(pl.args[0].pass, Pass::Value(vec![p(0, 4, Loc::Gpr(0))]));
    let pl = sysv("struct a { float v[3]; double d; }; void f(struct a);", "f");
    assert_eq!(pl.args[0].pass, Pass::Memory(0));
    let pl = sysv(
        "struct in { float a, b; }; struct out { struct in i; double d; }; void f(struct out);",
        "f",
    );
    assert_eq!(pl.args[0].pass, Pass::Value(vec![p(0, 8, Loc::Sse(0)), p(8, 8, Loc::Sse(1))]));
}

#[test]
fn sysv_struct_that_does_not_fit_goes_whole_to_the_stack() {
    let pl = sysv(
        "struct two { long a, b; }; void f(long, long, long, long, long, struct two, long);",
        "f",
    );
    assert_eq!(pl.args[5].pass, Pass::Value(vec![p(0, 8, Loc::Stack(0)), p(8, 8, Loc::Stack(8))]));
    assert_eq!(pl.args[6].pass, Pass::Value(vec![p(0, 8, Loc::Gpr(5))]));
}

#[test]
fn sysv_complex_vector_bool_and_empty() {
    let pl = sysv("complex double f(complex float, complex double, bool);", "f");
    assert_eq!(pl.args[0].pass, Pass::Value(vec![p(0, 8, Loc::Sse(0))]));
    assert_eq!(pl.args[1].pass, Pass::Value(vec![p(0, 8, Loc::Sse(1)), p(8, 8, Loc::Sse(2))]));
    assert_eq!(pl.args[2].pass, Pass::Value(vec![p(0, 1, Loc::Gpr(0))]));
    assert_eq!(pl.ret, RetPlan::Value(vec![p(0, 8, Loc::Sse(0)), p(8, 8, Loc::Sse(1))]));
    let pl = sysv("typedef float v4 __attribute__((vector_size(16))); v4 f(v4);", "f");
    assert_eq!(pl.args[0].pass, Pass::Value(vec![p(0, 16, Loc::Sse(0))]));
    assert_eq!(pl.ret, RetPlan::Value(vec![p(0, 16, Loc::Sse(0))]));
    let pl = sysv("struct e {}; int f(struct e, int);", "f");
    assert_eq!(pl.args[0].pass, Pass::Ignore);
    assert_eq!(pl.args[1].pass, Pass::Value(vec![p(0, 4, Loc::Gpr(0))]));
}

#[test]
fn win64_slots_are_positional() {
    let pl = win("double f(int, double, int, float, char, double);", "f");
    assert_eq!(
        passes(&pl),
        vec![
            Pass::Value(vec![p(0, 4, Loc::Gpr(0))]),
            Pass::Value(vec![p(0, 8, Loc::Sse(1))]),
            Pass::Value(vec![p(0, 4, Loc::Gpr(2))]),
            Pass::Value(vec![p(0, 4, Loc::Sse(3))]),
            Pass::Value(vec![p(0, 1, Loc::Stack(32))]),
            Pass::Value(vec![p(0, 8, Loc::Stack(40))]),
        ]
    );
    assert_eq!(pl.stack_bytes, 48);
    assert_eq!(pl.ret, RetPlan::Value(vec![p(0, 8, Loc::Sse(0))]));
}

#[test]
fn win64_aggregates_by_size() {
    let pl = win(
        "struct f2 { float a, b; }; struct s12 { int a, b, c; }; struct s12 f(struct f2, struct s12);",
        "f",
    );
    assert_eq!(pl.ret, RetPlan::Hidden(0));
    assert_eq!(pl.args[0].pass, Pass::Value(vec![p(0, 8, Loc::Gpr(1))]));
    assert_eq!(pl.args[1].pass, Pass::Reference(Loc::Gpr(2)));
    assert_eq!(pl.copy_bytes, 16);
    let pl = win("struct f2 { float a, b; }; struct f2 g(void);", "g");
    assert_eq!(pl.ret, RetPlan::Value(vec![p(0, 8, Loc::Gpr(0))]));
}

#[test]
fn win64_varargs_floats_also_in_integer_registers() {
    let mut tt = CTypeTable::new(Target::SYSV_X64);
    let def = FuncDef {
        ret: crate::table::ids::INT,
        params: vec![crate::table::ids::PCVOID, crate::table::ids::DOUBLE],
        variadic: true,
        conv: crate::ctype::CallConv::MsAbi,
    };
    let _ = tt.ptr_to(crate::table::ids::VOID);
    let pl = plan(&tt, &def, 1, CallAbi::Win64).unwrap();
    assert_eq!(pl.args[1].pass, Pass::Value(vec![p(0, 8, Loc::Sse(1))]));
    assert_eq!(pl.args[1].shadow_gpr, Some(1));
}

#[test]
fn long_double_is_nyi() {
    let mut tt = CTypeTable::new(Target::SYSV_X64);
    tt.cdef("long double f(int);").unwrap();
    let Some(crate::ctype::Symbol::Func { ty, .. }) = tt.lookup("f") else { panic!() };
    let Kind::Func(fid) = tt.get(ty).kind else { panic!() };
    let def = tt.func(fid).clone();
    let e = plan(&tt, &def, 1, CallAbi::SysV).unwrap_err();
    assert!(e.message().contains("NYI"), "{}", e.message());
}

#[test]
fn sysv_nested_bitfields_and_references() {
    let pl = sysv(
        "struct bi { unsigned a : 8, b : 4; }; struct bo { double d; struct bi in; }; void f(struct bo);",
        "f",
    );
    assert_eq!(pl.args[0].pass, Pass::Value(vec![p(0, 8, Loc::Sse(0)), p(8, 8, Loc::Gpr(0))]));
    let pl = sysv("char &f(const char &, double &);", "f");
    assert_eq!(
        pl.args[0].pass,
        Pass::Value(vec![p(0, 8, Loc::Gpr(0))]),
        "a reference is an address"
    );
    assert_eq!(pl.args[1].pass, Pass::Value(vec![p(0, 8, Loc::Gpr(1))]));
    assert_eq!(pl.ret, RetPlan::Value(vec![p(0, 8, Loc::Gpr(0))]));
}
