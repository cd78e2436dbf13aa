//! Number formatting as LuaJIT prints cdata: `%.14g` for complex parts, `%p`-style
//! addresses, `LL`/`ULL` for 64-bit integers.

use alloc::format;
use alloc::string::String;

/// `printf("%.14g", x)` as LuaJIT formats it: NaN is `nan` whatever its sign bit (x86's
/// `0/0` has it set), and exact ties round away from zero.
pub fn g14(x: f64) -> String {
    if x.is_nan() {
        return String::from("nan");
    }
    if x.is_infinite() {
        return String::from(if x < 0.0 { "-inf" } else { "inf" });
    }
    if x == 0.0 {
        return String::from(if x.is_sign_negative() { "-0" } else { "0" });
    }
    const P: i32 = 14;
    let e = round_half_away(x, P as usize);
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..P).contains(&exp) {
        let m = trim_zeros(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (P - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{:.*}", decimals, x)).into()
    }
}

/// `x` in scientific notation with `p` significant digits, rounding exact ties away
/// from zero as LuaJIT's formatter does (Rust rounds them to even).
fn round_half_away(x: f64, p: usize) -> String {
    let e = format!("{:.*e}", p - 1, x);
    let wide = format!("{:.*e}", p + 24, x.abs());
    let (mant, exp) = wide.split_once('e').unwrap_or((&wide, "0"));
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let tie = digits.as_bytes().get(p) == Some(&b'5') && digits[p + 1..].bytes().all(|d| d == b'0');
    if !tie {
        return e;
    }
    // Round the magnitude up at the last kept digit.
    let exp: i32 = exp.parse().unwrap_or(0);
    let bump = pow10(exp - (p as i32 - 1)) / 2.0;
    format!("{:.*e}", p - 1, x + bump.copysign(x))
}

/// 10^n without `std` (exact for the magnitudes a tie can have).
fn pow10(n: i32) -> f64 {
    let mut r = 1.0f64;
    for _ in 0..n.unsigned_abs().min(400) {
        r *= 10.0;
    }
    if n < 0 {
        1.0 / r
    } else {
        r
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// An address as glibc's `%p` prints it (`NULL` for zero, as LuaJIT shows).
pub fn addr(p: usize) -> String {
    if p == 0 {
        return String::from("NULL");
    }
    // LuaJIT's width: 8 hex digits, plus 2 for each byte used above the low 32 bits.
    let high = (p as u64 >> 32) as u32;
    let digits =
        if high == 0 { 8 } else { 8 + 2 + 2 * ((31 - high.leading_zeros()) as usize >> 3) };
    format!("0x{:0width$x}", p, width = digits)
}

/// A complex number: `re+imi`, with `I` when the imaginary text ends in a letter.
pub fn complex(re: f64, im: f64) -> String {
    let r = g14(re);
    let i = g14(im);
    let sign = if i.starts_with('-') { "" } else { "+" };
    let suffix = if i.ends_with(|c: char| c.is_ascii_alphabetic()) { "I" } else { "i" };
    format!("{r}{sign}{i}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn nan_has_no_sign() {
        assert_eq!(g14(-f64::NAN), "nan");
        assert_eq!(g14(f64::NAN), "nan");
        assert_eq!(complex(-f64::NAN, 0.0), "nan+0i");
        assert_eq!(complex(1.0, -f64::NAN), "1+nanI");
    }

    #[test]
    fn g14_matches_printf() {
        for (x, s) in [
            (1.0, "1"),
            (0.5, "0.5"),
            (1.0 / 3.0, "0.33333333333333"),
            (1e15, "1e+15"),
            (123456789012345.0, "1.2345678901235e+14"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (-2.5, "-2.5"),
            (100.0, "100"),
            (1e14, "1e+14"),
            (99999999999999.0, "99999999999999"),
        ] {
            assert_eq!(g14(x), s, "{x}");
        }
        assert_eq!(complex(1.0, -2.0), "1-2i");
        assert_eq!(complex(123456789012345.0, 1.0), "1.2345678901235e+14+1i");
        assert_eq!(addr(0x68), "0x00000068");
        assert_eq!(addr(0x1_2345_6789), "0x0123456789");
        assert_eq!(addr(0x7fa2_e7b5_1668), "0x7fa2e7b51668");
        assert_eq!(complex(f64::INFINITY, f64::NAN), "inf+nanI");
    }
}
