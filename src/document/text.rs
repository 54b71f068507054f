//! The text of a string value, held in the value itself when it is short.
//!
//! Nearly every key of a configuration file, and three values in four, are
//! at most 15 bytes long (`name`, `replicas`, `image`, `info`, `8080`). A
//! boxed `str` cost each of them an allocation to load and a free to drop,
//! and each comparison of two of them a visit to two other places in
//! memory. [`Text`] keeps such strings in its own 16 bytes; longer ones go
//! behind a box of their own, so a string value still fits in the two
//! words every [`Value`](super::Value) variant has.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::num::NonZeroU64;
use std::ops::Deref;

/// The longest text held inline.
const INLINE: usize = 15;

/// A string's text: inline up to [`INLINE`] bytes, boxed beyond.
///
/// Every text of a length has one form (inline exactly when it fits), so
/// two texts are equal when their forms are.
#[derive(Clone, PartialEq, Eq)]
pub struct Text(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    /// Short text in two words.
    Inline(Inline),
    /// Behind one thin pointer, so this variant takes one word and leaves
    /// the inline form's marker (never zero) to tell the two apart.
    Boxed(Box<Box<str>>),
}

/// Up to [`INLINE`] bytes of text, zeros after them, and in the last byte
/// a marker: the length plus one, so the second word is never zero.
///
/// Two whole words, not a length byte beside a byte array: loading writes
/// a text once and moves it at once, and a move that reads a word written
/// piecemeal waits for each piece (the byte-array form made the loader
/// slower, not faster, than one allocation per string).
#[derive(Clone, Copy, PartialEq, Eq, zerocopy::IntoBytes, zerocopy::Immutable)]
#[repr(C)]
struct Inline {
    head: u64,
    tail: NonZeroU64,
}

const _: () = assert!(std::mem::size_of::<Text>() == 16);

impl Inline {
    /// `short`, at most [`INLINE`] bytes, read in at most two moves of a
    /// word or half a word each, never past its end.
    #[inline(always)]
    fn new(short: &[u8]) -> Inline {
        let n = short.len();
        debug_assert!(n <= INLINE);
        let word = |at: usize| u64::from_le_bytes(short[at..at + 8].try_into().expect("8 bytes"));
        let half = |at: usize| {
            u64::from(u32::from_le_bytes(
                short[at..at + 4].try_into().expect("4 bytes"),
            ))
        };
        let (lo, hi) = if n >= 8 {
            // The last eight bytes, shifted so only those past the first
            // eight remain.
            (
                word(0),
                word(n - 8).checked_shr(8 * (16 - n) as u32).unwrap_or(0),
            )
        } else if n >= 4 {
            (half(0) | half(n - 4) << (8 * (n - 4)), 0)
        } else if n > 0 {
            let byte = |at: usize| u64::from(short[at]) << (8 * at);
            (byte(0) | byte(n / 2) | byte(n - 1), 0)
        } else {
            (0, 0)
        };
        let hi = hi | (n as u64 + 1) << 56;
        // The words as the bytes read, in memory order on any machine.
        Inline {
            head: u64::from_ne_bytes(lo.to_le_bytes()),
            tail: NonZeroU64::new(u64::from_ne_bytes(hi.to_le_bytes())).expect("marked"),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        let bytes = zerocopy::IntoBytes::as_bytes(self);
        &bytes[..usize::from(bytes[INLINE]) - 1]
    }
}

impl Text {
    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline(inline) => {
                std::str::from_utf8(inline.as_bytes()).expect("inline text is copied from a str")
            }
            Repr::Boxed(text) => text,
        }
    }

    /// The bytes of the text, without checking again that they are UTF-8.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline(inline) => inline.as_bytes(),
            Repr::Boxed(text) => text.as_bytes(),
        }
    }
}

impl From<&str> for Text {
    #[inline(always)]
    fn from(text: &str) -> Self {
        if text.len() <= INLINE {
            Text(Repr::Inline(Inline::new(text.as_bytes())))
        } else {
            Text(Repr::Boxed(Box::new(text.into())))
        }
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        if text.len() <= INLINE {
            Text::from(text.as_str())
        } else {
            Text(Repr::Boxed(Box::new(text.into_boxed_str())))
        }
    }
}

impl From<Box<str>> for Text {
    fn from(text: Box<str>) -> Self {
        if text.len() <= INLINE {
            Text::from(&*text)
        } else {
            Text(Repr::Boxed(Box::new(text)))
        }
    }
}

impl From<std::borrow::Cow<'_, str>> for Text {
    #[inline]
    fn from(text: std::borrow::Cow<'_, str>) -> Self {
        match text {
            std::borrow::Cow::Borrowed(text) => Text::from(text),
            std::borrow::Cow::Owned(text) => Text::from(text),
        }
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// Hashes as the `str` it holds, whichever its form (the bytes, then
/// `0xff`, as `str` does).
impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(self.as_bytes());
        state.write_u8(0xff);
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_length_keeps_its_text() {
        let long = "é-0123456789abcdefghij";
        for end in 0..=long.len() {
            let Some(prefix) = long.get(..end) else {
                continue;
            };
            let text = Text::from(prefix);
            assert_eq!(text.as_str(), prefix);
            assert_eq!(Text::from(prefix.to_owned()), text);
            assert_eq!(Text::from(Box::<str>::from(prefix)), text);
            assert_eq!(matches!(text.0, Repr::Inline(_)), prefix.len() <= INLINE);
        }
    }

    #[test]
    fn texts_are_equal_exactly_when_their_strings_are() {
        let words = [
            "",
            "a",
            "b",
            "ab",
            "a\0",
            "0123456789abcde",
            "0123456789abcdef",
        ];
        for a in words {
            for b in words {
                let (x, y) = (Text::from(a), Text::from(b));
                assert_eq!(x == y, a == b, "{a:?} {b:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_comes_back_and_compares_as_itself(a in "\\PC{0,20}", b in "[ab\\x00é]{0,17}") {
            let (x, y) = (Text::from(a.as_str()), Text::from(b.as_str()));
            proptest::prop_assert_eq!(x.as_str(), a.as_str());
            proptest::prop_assert_eq!(y.as_bytes(), b.as_bytes());
            proptest::prop_assert_eq!(x == y, a == b);
            proptest::prop_assert_eq!(y.clone(), Text::from(b.clone()));
        }
    }

    #[test]
    fn a_text_hashes_as_its_string() {
        let hash = |value: &dyn Fn(&mut std::hash::DefaultHasher)| {
            let mut hasher = std::hash::DefaultHasher::new();
            value(&mut hasher);
            hasher.finish()
        };
        for s in ["port", "a somewhat longer string"] {
            assert_eq!(
                hash(&|h| Text::from(s).hash(h)),
                hash(&|h| s.hash(h)),
                "{s}"
            );
        }
    }
}
