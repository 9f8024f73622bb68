//! Seconds written as a decimal number (`120`, `1.5`, `2e1`), read as whole milliseconds in
//! integers. `str::parse::<f64>` would do it in two lines, but it alone brings about 14 KB of
//! code and tables (core's `dec2flt`) into the page, for two header and claim values.
//!
//! The syntax is Rust's float syntax (a sign, digits with an optional point, an exponent; `inf`,
//! `infinity` and `nan` in any case), so exactly the texts that parsed before still parse. The
//! value is exact where the float was within a rounding: they differ only past 15 significant
//! digits or on a tie below the millisecond (`1.0005` s is 1001 ms here, 1000 ms as a float),
//! and within 1e-16 of f64's largest value. Rounded down, the float could also lose a
//! millisecond to its product (`8.12` s gave 8119 ms; here 8120).

/// How the milliseconds are rounded.
#[derive(Clone, Copy)]
pub(crate) enum Rounding {
    /// To the nearest, a half up (`Retry-After`).
    Nearest,
    /// Down (a token's expiry: never later than it says).
    Down,
}

/// `text` as milliseconds: `Err(())` when it is not a number at all, `Ok(None)` when it is one
/// but negative, infinite or NaN, else the milliseconds (at most `u64::MAX`).
pub(crate) fn as_ms(text: &str, rounding: Rounding) -> Result<Option<u64>, ()> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if ["inf", "infinity", "nan"]
        .iter()
        .any(|word| unsigned.eq_ignore_ascii_case(word))
    {
        return Ok(None);
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], exponent(&unsigned[at + 1..])?),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
        return Err(());
    }
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(Some(0));
    }
    if negative {
        return Ok(None);
    }
    // Past f64's largest value (about 1.8e308 s) the float was infinite: no wait, no expiry.
    let magnitude = (digits.len() as i64)
        .saturating_add(exponent)
        .saturating_sub(fraction.len() as i64);
    if magnitude > 309 || (magnitude == 309 && digits >= "17976931348623158") {
        return Ok(None);
    }
    // The value is `digits` × 10^shift milliseconds.
    let shift = exponent
        .saturating_sub(fraction.len() as i64)
        .saturating_add(3);
    Ok(Some(scaled(digits, shift, rounding)))
}

/// An exponent's digits with their sign, saturating far past any value that matters.
fn exponent(text: &str) -> Result<i64, ()> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    let value = digits.bytes().fold(0i64, |n, b| {
        n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    Ok(if negative { -value } else { value })
}

/// `digits` (no leading zero, not empty) × 10^`shift`, rounded to a whole number, at most
/// `u64::MAX`.
fn scaled(digits: &str, shift: i64, rounding: Rounding) -> u64 {
    let number = |s: &str| {
        s.bytes().fold(0u64, |n, b| {
            n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        })
    };
    if shift >= 0 {
        let power = u32::try_from(shift).ok().and_then(|s| 10u64.checked_pow(s));
        return power.map_or(u64::MAX, |p| number(digits).saturating_mul(p));
    }
    let dropped = usize::try_from(shift.unsigned_abs()).unwrap_or(usize::MAX);
    let kept = digits.len().saturating_sub(dropped);
    let whole = number(&digits[..kept]);
    // The first digit dropped says whether the rest is a half or more.
    let first_dropped = digits
        .as_bytes()
        .get(kept)
        .filter(|_| dropped <= digits.len());
    match rounding {
        Rounding::Nearest if first_dropped.is_some_and(|d| *d >= b'5') => whole.saturating_add(1),
        _ => whole,
    }
}

#[cfg(test)]
mod tests {
    use super::{as_ms, Rounding};

    fn as_float(text: &str, rounding: Rounding) -> Result<Option<u64>, ()> {
        let seconds = text.parse::<f64>().map_err(|_| ())?;
        let ms = seconds * 1000.0;
        Ok(
            (seconds.is_finite() && seconds >= 0.0).then(|| match rounding {
                Rounding::Nearest => ms.round() as u64,
                Rounding::Down => ms as u64,
            }),
        )
    }

    #[test]
    fn reads_what_the_float_parser_read() {
        let mut texts: Vec<String> = [
            "",
            ".",
            "-",
            "+",
            "e",
            "1e",
            "e5",
            "1.2.3",
            "1,5",
            " 1",
            "0x10",
            "1_0",
            "--1",
            "abc",
            "inf",
            "-inf",
            "+Infinity",
            "NaN",
            "-nan",
            "infin",
            "0",
            "-0",
            "+0",
            "-0.0",
            "0e999",
            "-1",
            "-0.001",
            "1.",
            ".5",
            "+.5",
            "007",
            "1e3",
            "1E+3",
            "2.5e-1",
            "1e-4",
            "5e-4",
            "1e19",
            "1e30",
            "18446744073709551615",
            "1e99999999999999999999",
            "1e-99999999999",
            "120",
            "3600",
            "0.25",
            "1700000000",
            "1700000000.5",
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for ms in (0..20_000u64).step_by(7) {
            texts.push(format!("{}.{:03}", ms / 1000, ms % 1000));
            texts.push(format!("{}.{}", ms / 100, ms % 100));
            texts.push(format!("{ms}e-3"));
        }
        for text in &texts {
            let nearest = as_ms(text, Rounding::Nearest);
            assert_eq!(nearest, as_float(text, Rounding::Nearest), "{text:?}");
            // Rounded down, the float's product could land just under a whole millisecond
            // (8.12 s * 1000 = 8119.999…): the exact value is at most 1 ms later.
            let (down, float) = (as_ms(text, Rounding::Down), as_float(text, Rounding::Down));
            match (down, float) {
                (Ok(Some(exact)), Ok(Some(float))) => assert!(exact - float <= 1, "{text:?}"),
                _ => assert_eq!(down, float, "{text:?}"),
            }
        }
        assert_eq!(
            as_ms("1700000000", Rounding::Down),
            Ok(Some(1_700_000_000_000))
        );
        assert_eq!(as_ms("8.12", Rounding::Down), Ok(Some(8120)));
    }

    #[test]
    fn a_tie_below_the_millisecond_rounds_up() {
        assert_eq!(as_ms("1.0005", Rounding::Nearest), Ok(Some(1001)));
        assert_eq!(as_ms("1.0005", Rounding::Down), Ok(Some(1000)));
    }
}
