//! The YAML 1.2 core schema: which plain scalar text is a null, a bool, an
//! int or a float.
//!
//! Only the core schema's own forms are recognised, so the YAML 1.1 forms
//! that surprise people in configuration files (`yes`, `on`, `0b101`,
//! `1_000`, `017` as octal) stay strings or decimal, as YAML 1.2 says.

use super::value::{Integer, Value};

/// Most significant digits a hexadecimal or octal integer beyond `i64` may
/// have. Converting such a literal to decimal costs time quadratic in its
/// length; this keeps one literal to well under a millisecond while allowing
/// any realistic value (1024 hex digits are 4096 bits).
pub(super) const MAX_RADIX_DIGITS: usize = 1024;

/// Types a plain, untagged scalar by the core schema.
///
/// Fails only for a hexadecimal or octal integer too long to convert (see
/// [`MAX_RADIX_DIGITS`]): silently keeping it as a string would change its
/// type.
///
/// Inlined, so the common string is built where the loader keeps it;
/// the rarer words and numbers are told apart out of line, and come back
/// in registers (a value written through memory and read back at once
/// stalled the loader on every number).
#[inline]
pub(super) fn resolve_plain(text: &str) -> Result<Value, String> {
    // Every null, bool, int and float form starts with one of these bytes
    // (or is empty), so most strings are known at their first byte; and
    // the first byte also tells the words (null, bool) from the numbers,
    // so a key such as `name` or `timeout` is not tried as a number.
    match text.as_bytes().first() {
        None
        | Some(b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'0'..=b'9' | b'-' | b'+' | b'.') => {
            Ok(match classify(text) {
                Special::Null => Value::Null,
                Special::Bool(b) => Value::Bool(b),
                Special::Int(n) => Value::Int(Integer::Small(n)),
                Special::Float(x) => Value::Float(x),
                Special::String => Value::String(text.into()),
                Special::Other => return resolve_special(text),
            })
        }
        Some(_) => Ok(Value::String(text.into())),
    }
}

/// What text that may be a null, a bool or a number is: two words.
enum Special {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String,
    /// An integer beyond `i64`, or one too long to convert: see
    /// [`resolve_special`].
    Other,
}

#[inline(never)]
fn classify(text: &str) -> Special {
    match text.as_bytes().first() {
        None | Some(b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F') => {
            if is_null(text) {
                Special::Null
            } else if let Some(b) = parse_bool(text) {
                Special::Bool(b)
            } else {
                Special::String
            }
        }
        _ => match parse_int(text) {
            Ok(Some(Integer::Small(n))) => Special::Int(n),
            Ok(Some(Integer::Big(_))) | Err(_) => Special::Other,
            Ok(None) => match parse_float(text) {
                Some(x) => Special::Float(x),
                None => Special::String,
            },
        },
    }
}

/// [`resolve_plain`] for the integers [`classify`] leaves: those beyond
/// `i64`, and those too long to convert.
#[cold]
fn resolve_special(text: &str) -> Result<Value, String> {
    match parse_int(text)? {
        Some(n) => Ok(Value::Int(n)),
        None => unreachable!("classify found an integer in {text:?}"),
    }
}

/// `~`, `null`, `Null`, `NULL` or nothing at all.
pub(super) fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// The six core spellings of the two booleans.
pub(super) fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// An integer in one of the core forms: `[-+]?[0-9]+` (always decimal, so
/// `017` is 17), `0o[0-7]+`, `0x[0-9a-fA-F]+`. `Ok(None)` when the text is
/// not an integer form.
pub(super) fn parse_int(text: &str) -> Result<Option<Integer>, String> {
    if let Some(digits) = text.strip_prefix("0x") {
        return radix_int(digits, 16, "hexadecimal");
    }
    if let Some(digits) = text.strip_prefix("0o") {
        return radix_int(digits, 8, "octal");
    }
    let (negative, digits) = split_sign(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    Ok(Some(decimal_int(negative, digits)))
}

/// A float in one of the core forms, or `None`. Integer forms are floats
/// too (`1` matches the float pattern), so callers that want ints first
/// must try [`parse_int`] before this.
pub(super) fn parse_float(text: &str) -> Option<f64> {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    let (negative, body) = split_sign(text);
    let magnitude = if matches!(body, ".inf" | ".Inf" | ".INF") {
        f64::INFINITY
    } else if is_float_body(body) {
        // The core pattern is a subset of what Rust parses, and Rust rounds
        // correctly (overflow becomes infinity, as in other YAML loaders).
        body.parse::<f64>().ok()?
    } else {
        return None;
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// `!!float` also accepts the integer forms: the value of the integer,
/// rounded to the nearest float.
pub(super) fn parse_int_as_float(text: &str) -> Result<Option<f64>, String> {
    Ok(parse_int(text)?.and_then(|n| match n {
        Integer::Small(n) => Some(n as f64),
        Integer::Big(digits) => digits.parse::<f64>().ok(),
    }))
}

/// Splits one optional leading `-` or `+` off.
fn split_sign(text: &str) -> (bool, &str) {
    if let Some(rest) = text.strip_prefix('-') {
        (true, rest)
    } else {
        (false, text.strip_prefix('+').unwrap_or(text))
    }
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, checked by hand so the
/// crate needs no regex engine.
fn is_float_body(body: &str) -> bool {
    let bytes = body.as_bytes();
    let mut i = count_digits(bytes, 0);
    let integer_digits = i;
    if bytes.get(i) == Some(&b'.') {
        let fraction_digits = count_digits(bytes, i + 1);
        // `.` needs digits after it when there are none before it.
        if integer_digits == 0 && fraction_digits == 0 {
            return false;
        }
        i += 1 + fraction_digits;
    } else if integer_digits == 0 {
        return false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exponent_digits = count_digits(bytes, i);
        if exponent_digits == 0 {
            return false;
        }
        i += exponent_digits;
    }
    i == bytes.len()
}

/// Number of ASCII digits in `bytes` from `start` on.
fn count_digits(bytes: &[u8], start: usize) -> usize {
    bytes.get(start..).map_or(0, |rest| {
        rest.iter().take_while(|b| b.is_ascii_digit()).count()
    })
}

/// A decimal integer: `Small` whenever it fits, else its canonical digits.
fn decimal_int(negative: bool, digits: &str) -> Integer {
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        return Integer::Small(0);
    }
    // 19 digits always fit in a u64, so in an i128 with the sign applied.
    if significant.len() <= 19
        && let Ok(magnitude) = significant.parse::<u64>()
    {
        let magnitude = i128::from(magnitude);
        let value = if negative { -magnitude } else { magnitude };
        if let Ok(small) = i64::try_from(value) {
            return Integer::Small(small);
        }
    }
    big(negative, significant.to_owned())
}

/// A `Big` integer from a sign and significant decimal digits.
fn big(negative: bool, significant: String) -> Integer {
    let digits = if negative {
        format!("-{significant}")
    } else {
        significant
    };
    Integer::Big(Box::new(digits))
}

/// Digits after `0x` or `0o`; `Ok(None)` when they are not all of the
/// radix. The core forms have no sign, so these are never negative.
fn radix_int(digits: &str, radix: u32, name: &str) -> Result<Option<Integer>, String> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Ok(None);
    }
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        return Ok(Some(Integer::Small(0)));
    }
    if let Ok(value) = u64::from_str_radix(significant, radix) {
        return Ok(Some(match i64::try_from(value) {
            Ok(small) => Integer::Small(small),
            Err(_) => big(false, value.to_string()),
        }));
    }
    if significant.len() > MAX_RADIX_DIGITS {
        return Err(format!(
            "{name} integer has {} significant digits, more than the {MAX_RADIX_DIGITS} supported",
            significant.len()
        ));
    }
    Ok(Some(big(false, to_decimal(significant, radix))))
}

/// Exact base conversion of ASCII digits of `radix` (at most 16) into
/// decimal digits, with little-endian limbs of nine decimal digits.
fn to_decimal(digits: &str, radix: u32) -> String {
    const LIMB: u64 = 1_000_000_000;
    let mut limbs: Vec<u64> = Vec::new();
    for c in digits.chars() {
        let mut carry = u64::from(c.to_digit(radix).unwrap_or(0));
        for limb in &mut limbs {
            let x = *limb * u64::from(radix) + carry;
            *limb = x % LIMB;
            carry = x / LIMB;
        }
        while carry > 0 {
            limbs.push(carry % LIMB);
            carry /= LIMB;
        }
    }
    let mut out = String::with_capacity(limbs.len() * 9);
    let mut limbs = limbs.iter().rev();
    match limbs.next() {
        Some(top) => out.push_str(&top.to_string()),
        None => out.push('0'),
    }
    for limb in limbs {
        out.push_str(&format!("{limb:09}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(text: &str) -> Value {
        Value::Int(Integer::Small(text.parse().unwrap()))
    }

    fn big_int(digits: &str) -> Value {
        Value::Int(Integer::Big(Box::new(digits.into())))
    }

    fn plain(text: &str) -> Value {
        resolve_plain(text).unwrap()
    }

    fn string(text: &str) -> Value {
        Value::String(text.into())
    }

    #[test]
    fn nulls() {
        for text in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(plain(text), Value::Null, "{text:?}");
        }
        for text in ["nULL", "none", "None", "~~"] {
            assert_eq!(plain(text), string(text), "{text:?}");
        }
    }

    #[test]
    fn bools() {
        for text in ["true", "True", "TRUE"] {
            assert_eq!(plain(text), Value::Bool(true));
        }
        for text in ["false", "False", "FALSE"] {
            assert_eq!(plain(text), Value::Bool(false));
        }
        for text in ["yes", "no", "on", "off", "y", "n", "tRUE"] {
            assert_eq!(plain(text), string(text), "{text:?}");
        }
    }

    #[test]
    fn decimal_ints() {
        assert_eq!(plain("0"), int("0"));
        assert_eq!(plain("-0"), int("0"));
        assert_eq!(plain("+12"), int("12"));
        assert_eq!(plain("-12"), int("-12"));
        assert_eq!(plain("017"), int("17"));
        assert_eq!(plain("0000"), int("0"));
        assert_eq!(plain("9223372036854775807"), int("9223372036854775807"));
        assert_eq!(plain("-9223372036854775808"), int("-9223372036854775808"));
        assert_eq!(
            plain("-0009223372036854775808"),
            int("-9223372036854775808")
        );
    }

    #[test]
    fn big_decimal_ints_keep_canonical_digits() {
        assert_eq!(plain("9223372036854775808"), big_int("9223372036854775808"));
        assert_eq!(
            plain("-9223372036854775809"),
            big_int("-9223372036854775809")
        );
        assert_eq!(
            plain("+000123456789012345678901234567890"),
            big_int("123456789012345678901234567890")
        );
        assert_eq!(
            plain("-18446744073709551616"),
            big_int("-18446744073709551616")
        );
    }

    #[test]
    fn hex_and_octal_ints() {
        assert_eq!(plain("0x1F"), int("31"));
        assert_eq!(plain("0xff"), int("255"));
        assert_eq!(plain("0x0"), int("0"));
        assert_eq!(plain("0o17"), int("15"));
        assert_eq!(plain("0o0"), int("0"));
        assert_eq!(plain("0x7FFFFFFFFFFFFFFF"), int("9223372036854775807"));
        assert_eq!(plain("0x8000000000000000"), big_int("9223372036854775808"));
        assert_eq!(plain("0xFFFFFFFFFFFFFFFF"), big_int("18446744073709551615"));
        assert_eq!(
            plain("0x10000000000000000"),
            big_int("18446744073709551616")
        );
        assert_eq!(
            plain("0x00000000000000000000ff"),
            int("255"),
            "leading zeros do not make an integer big"
        );
        assert_eq!(
            plain("0o1777777777777777777777"),
            big_int("18446744073709551615")
        );
        assert_eq!(
            plain("0x1000000000000000000000000000000000000000000000000000000000000000"),
            big_int("7237005577332262213973186563042994240829374041602535252466099000494570602496")
        );
    }

    #[test]
    fn not_ints() {
        for text in [
            "0b101", "1_000", "0x", "0o", "0o8", "0xG", "-0x1", "+0x1", "0X1F", "0O7", "1 2",
            "12a", "-", "+", "--1",
        ] {
            assert_eq!(plain(text), string(text), "{text:?}");
        }
    }

    #[test]
    fn overlong_radix_ints_are_refused() {
        let text = format!("0x{}", "f".repeat(MAX_RADIX_DIGITS + 1));
        assert!(resolve_plain(&text).unwrap_err().contains("hexadecimal"));
        let text = format!("0x{}", "f".repeat(MAX_RADIX_DIGITS));
        assert!(matches!(plain(&text), Value::Int(Integer::Big(_))));
    }

    #[test]
    fn base_conversion_matches_u128() {
        for value in [
            u128::from(u64::MAX) + 1,
            u128::MAX,
            987_654_321_000_000_000_123_456_789,
        ] {
            assert_eq!(to_decimal(&format!("{value:x}"), 16), value.to_string());
            assert_eq!(to_decimal(&format!("{value:o}"), 8), value.to_string());
        }
    }

    #[test]
    fn floats() {
        let cases: &[(&str, f64)] = &[
            ("1.5", 1.5),
            ("-1.5", -1.5),
            ("+1.5", 1.5),
            ("1.", 1.0),
            (".5", 0.5),
            ("-.5", -0.5),
            ("1e3", 1000.0),
            ("1E+3", 1000.0),
            ("2.5e-1", 0.25),
            ("1.e2", 100.0),
            ("0.0", 0.0),
            ("1e400", f64::INFINITY),
            (".inf", f64::INFINITY),
            (".Inf", f64::INFINITY),
            ("+.INF", f64::INFINITY),
            ("-.inf", f64::NEG_INFINITY),
        ];
        for &(text, expected) in cases {
            assert_eq!(plain(text), Value::Float(expected), "{text:?}");
        }
        for text in [".nan", ".NaN", ".NAN"] {
            assert!(
                matches!(plain(text), Value::Float(x) if x.is_nan()),
                "{text:?}"
            );
        }
        assert!(matches!(plain("-0.0"), Value::Float(x) if x == 0.0 && x.is_sign_negative()));
    }

    #[test]
    fn not_floats() {
        for text in [
            ".", "e3", "1e", "1e+", ".e3", "1.5.", "-.nan", "+.nan", ".NAn", "inf", "nan",
            "infinity", "1,5", "1.5 ", " 1.5", "0x1p3", "1_0.5",
        ] {
            assert_eq!(plain(text), string(text), "{text:?}");
        }
    }

    #[test]
    fn int_forms_as_floats() {
        assert_eq!(parse_int_as_float("0x10").unwrap(), Some(16.0));
        assert_eq!(parse_int_as_float("-3").unwrap(), Some(-3.0));
        assert_eq!(
            parse_int_as_float("100000000000000000000").unwrap(),
            Some(1e20)
        );
        assert_eq!(parse_int_as_float("1.5").unwrap(), None);
    }
}
