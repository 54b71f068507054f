//! Text made safe for a terminal.
//!
//! Service folders, keys, values, revisions and error messages all come
//! from the repository or the user, and a terminal acts on some characters
//! instead of showing them: an escape sequence recolours or rewrites the
//! screen, a newline splits a line a reader (or a script) trusts, and the
//! bidirectional overrides make text read in another order than it is
//! stored. Those characters are written as visible escapes (`\n`, `\x1b`,
//! `\u{9b}`, `\u{202e}`); everything else is written as it is, so text
//! that needs nothing costs no allocation.

use std::borrow::Cow;
use std::fmt::{self, Write};

/// Whether `c` acts on a terminal (or reorders the text around it) rather
/// than showing: C0 controls, DEL, C1 controls, and the bidirectional
/// embeddings, overrides and isolates.
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// `text` with every [`is_unsafe`] character written as a visible escape;
/// borrowed when there is none.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    match text.find(is_unsafe) {
        None => Cow::Borrowed(text),
        Some(first) => {
            let mut safe = String::with_capacity(text.len() + 8);
            safe.push_str(&text[..first]);
            write_escaped(&text[first..], &mut safe).expect("writing to a String cannot fail");
            Cow::Owned(safe)
        }
    }
}

/// Writes `text` to `out` as [`terminal_safe`] would give it, for
/// `Display` impls that should not allocate.
pub fn write_escaped(text: &str, out: &mut impl Write) -> fmt::Result {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_unsafe(c) {
            out.write_str(&text[start..i])?;
            write_escape(c, out)?;
            start = i + c.len_utf8();
        }
    }
    out.write_str(&text[start..])
}

/// Writes `text` in double quotes, as paths write keys that cannot stand
/// bare: `"` and `\` take a backslash, unsafe characters their escape, so
/// the quoted text reads back unambiguously and never acts on a terminal.
pub fn write_quoted(text: &str, out: &mut impl Write) -> fmt::Result {
    out.write_char('"')?;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let backslashed = c == '"' || c == '\\';
        if backslashed || is_unsafe(c) {
            out.write_str(&text[start..i])?;
            if backslashed {
                out.write_char('\\')?;
                out.write_char(c)?;
            } else {
                write_escape(c, out)?;
            }
            start = i + c.len_utf8();
        }
    }
    out.write_str(&text[start..])?;
    out.write_char('"')
}

/// The visible form of one unsafe character: the usual short escapes for
/// newline, tab and carriage return, `\xNN` for the rest of ASCII, and
/// `\u{…}` beyond it.
fn write_escape(c: char, out: &mut impl Write) -> fmt::Result {
    match c {
        '\n' => out.write_str("\\n"),
        '\t' => out.write_str("\\t"),
        '\r' => out.write_str("\\r"),
        '\0'..='\x7f' => write!(out, "\\x{:02x}", u32::from(c)),
        _ => write!(out, "\\u{{{:x}}}", u32::from(c)),
    }
}

/// Formats a string through [`write_escaped`]: `write!(out, "{}",
/// Escaped(name))` without an intermediate `String`.
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_escapes() {
        assert_eq!(terminal_safe("\x1b[31mred"), r"\x1b[31mred");
        assert_eq!(terminal_safe("a\nb\tc\rd"), r"a\nb\tc\rd");
        assert_eq!(terminal_safe("\0\x7f"), r"\x00\x7f");
        assert_eq!(terminal_safe("x\u{9b}31m"), r"x\u{9b}31m");
        assert_eq!(terminal_safe("\u{80}\u{9f}"), r"\u{80}\u{9f}");
    }

    #[test]
    fn bidirectional_overrides_and_isolates_become_visible() {
        assert_eq!(terminal_safe("abc\u{202e}fed"), r"abc\u{202e}fed");
        assert_eq!(
            terminal_safe("\u{202a}\u{2066}\u{2069}"),
            r"\u{202a}\u{2066}\u{2069}"
        );
    }

    #[test]
    fn everything_else_is_borrowed_unchanged() {
        for text in [
            "plain",
            "é ü 日本",
            "\u{a0}\u{2028}\u{202f}\u{206a}",
            r"back\slash",
            "",
        ] {
            assert!(
                matches!(terminal_safe(text), Cow::Borrowed(t) if t == text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn quoting_backslashes_quotes_and_escapes_controls() {
        let mut quoted = String::new();
        write_quoted("a\"b\\c\u{1b}d\u{9b}e\u{7f}", &mut quoted).unwrap();
        assert_eq!(quoted, r#""a\"b\\c\x1bd\u{9b}e\x7f""#);
    }

    #[test]
    fn display_matches_the_cow() {
        let text = "a\u{1b}b\u{202e}c";
        assert_eq!(Escaped(text).to_string(), terminal_safe(text));
    }
}
