//! Scalars the fast path reads: one-line plain and quoted scalars, keys,
//! and `|`/`>` block scalars with the default indentation.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, ScalarStyle};

use super::block::{Anchored, Key};
use super::{Line, Scanner, Sink};

/// Longest key the fast path reads: the parser refuses simple keys of
/// more than 1024 characters, and the full path should say so.
const MAX_KEY_LEN: usize = 1000;

/// Bytes that may not start a plain scalar (YAML's indicators); `-`, `?`
/// and `:` may, when a non-space follows, but the fast path leaves `?` and
/// `:` to the parser.
pub(super) fn is_indicator(byte: u8) -> bool {
    matches!(
        byte,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// The bytes that stop the scan of a plain key: `:` and `#` (which end it
/// in some places) and the flow indicators (which the fast path leaves to
/// the parser there).
static KEY_STOPS: [bool; 256] = {
    let mut stops = [false; 256];
    let mut i = 0;
    let bytes = b":#,[]{}";
    while i < bytes.len() {
        stops[bytes[i] as usize] = true;
        i += 1;
    }
    stops
};

/// The flow indicators, which a plain key may not hold here.
pub(super) fn is_flow_indicator(byte: u8) -> bool {
    matches!(byte, b',' | b'[' | b']' | b'{' | b'}')
}

impl<'a, S: Sink<'a>> Scanner<'a, '_, S> {
    /// The key at `offset` when the line holds a mapping entry there:
    /// `Some(None)` when it does not (it holds a value), `None` to give up.
    pub(super) fn scan_key(&self, line: Line, offset: usize) -> Option<Option<Key<'a>>> {
        let bytes = self.text.as_bytes();
        let first = self.byte(offset, line.end)?;
        if first == b'"' || first == b'\'' {
            let (text, style, after) = self.scan_quoted(line, offset)?;
            if self.byte(after, line.end) != Some(b':') {
                return Some(None);
            }
            if !matches!(self.byte(after + 1, line.end), None | Some(b' ')) {
                return None;
            }
            if after - offset > MAX_KEY_LEN {
                return None;
            }
            return Some(Some(Key {
                text,
                style,
                colon: after,
            }));
        }
        if is_indicator(first) && !(first == b'-' && self.plain_may_start_with_dash(line, offset)) {
            // A value (a flow collection, an alias, a block scalar…);
            // reading it as one gives up where it would be a key.
            return Some(None);
        }
        let mut end = offset;
        loop {
            // Most bytes of a key stop nothing: skip them through a table.
            let Some(skipped) = bytes[end..line.end]
                .iter()
                .position(|&b| KEY_STOPS[usize::from(b)])
            else {
                // No `:` ends it: the line holds a value.
                return Some(None);
            };
            end += skipped;
            match bytes[end] {
                b':' if matches!(self.byte(end + 1, line.end), None | Some(b' ')) => {
                    if bytes[end - 1] == b' ' || end - offset > MAX_KEY_LEN {
                        return None;
                    }
                    return Some(Some(Key {
                        text: Cow::Borrowed(&self.text[offset..end]),
                        style: ScalarStyle::Plain,
                        colon: end,
                    }));
                }
                b'#' if bytes[end - 1] == b' ' => return Some(None),
                byte if is_flow_indicator(byte) => return None,
                _ => end += 1,
            }
        }
    }

    /// Whether the `-` at `offset` starts a plain scalar (a non-space
    /// follows it).
    fn plain_may_start_with_dash(&self, line: Line, offset: usize) -> bool {
        matches!(self.byte(offset + 1, line.end), Some(b) if b != b' ')
    }

    /// A one-line plain scalar value at `offset`: its text, without the
    /// trailing spaces or a comment. Gives up on anything that would be
    /// a key (`: `) or that the parser reads otherwise.
    pub(super) fn scan_plain_value(&self, line: Line, offset: usize) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let first = bytes[offset];
        if is_indicator(first) && !(first == b'-' && self.plain_may_start_with_dash(line, offset)) {
            return None;
        }
        // Only a `:` or a `#` can end it before the line does.
        let mut from = offset;
        let mut end = loop {
            let Some(found) = memchr::memchr2(b':', b'#', &bytes[from..line.end]) else {
                break line.end;
            };
            let at = from + found;
            match bytes[at] {
                b':' if matches!(self.byte(at + 1, line.end), None | Some(b' ')) => return None,
                b'#' if bytes[at - 1] == b' ' => break at,
                _ => from = at + 1,
            }
        };
        while bytes[end - 1] == b' ' {
            end -= 1;
        }
        Some(&self.text[offset..end])
    }

    /// A quoted scalar that opens and closes at `offset` on `line`: its
    /// text, style and the offset after the closing quote. Double quotes
    /// with escapes are left to the parser.
    pub(super) fn scan_quoted(
        &self,
        line: Line,
        offset: usize,
    ) -> Option<(Cow<'a, str>, ScalarStyle, usize)> {
        let bytes = self.text.as_bytes();
        let body = offset + 1;
        if bytes[offset] == b'"' {
            let end = body + memchr::memchr2(b'"', b'\\', &bytes[body..line.end])?;
            if bytes[end] == b'\\' {
                return None;
            }
            return Some((
                Cow::Borrowed(&self.text[body..end]),
                ScalarStyle::DoubleQuoted,
                end + 1,
            ));
        }
        let mut end = body;
        let mut escaped = false;
        loop {
            end += memchr::memchr(b'\'', &bytes[end..line.end])?;
            if self.byte(end + 1, line.end) != Some(b'\'') {
                break;
            }
            escaped = true;
            end += 2;
        }
        let raw = &self.text[body..end];
        let text = if escaped {
            Cow::Owned(raw.replace("''", "'"))
        } else {
            Cow::Borrowed(raw)
        };
        Some((text, ScalarStyle::SingleQuoted, end + 1))
    }

    /// A `|` or `>` block scalar whose header is at `offset`, its content
    /// on the lines below indented to at least `min`. Only the default
    /// indentation and the clip and strip chompings are read.
    pub(super) fn block_scalar(
        &mut self,
        line: Line,
        offset: usize,
        min: usize,
        anchor: Anchored,
    ) -> Option<()> {
        let bytes = self.text.as_bytes();
        let literal = bytes[offset] == b'|';
        let mut after = offset + 1;
        let strip = self.byte(after, line.end) == Some(b'-');
        if strip {
            after += 1;
        }
        if !matches!(self.byte(after, line.end), None | Some(b' '))
            || !self.rest_is_empty(after, line.end)
        {
            return None;
        }
        self.advance(line);
        let mut indent = None;
        // Content lines (without the indentation); `None` for a blank line.
        let mut lines: Vec<Option<&'a str>> = Vec::new();
        let mut pos = self.pos;
        let mut line_no = self.line_no;
        let (mut content_start, mut first_line) = (0, 0);
        while pos < bytes.len() {
            let end = super::memchr_newline(bytes, pos);
            let spaces = bytes[pos..end].iter().take_while(|&&b| b == b' ').count();
            if pos + spaces == end {
                // A blank line, only inside the content and with no more
                // spaces than its indentation (those would be content).
                match indent {
                    Some(indent) if spaces <= indent => lines.push(None),
                    _ => return None,
                }
            } else {
                let indent = *indent.get_or_insert_with(|| {
                    content_start = pos + spaces;
                    first_line = line_no;
                    spaces
                });
                if spaces < indent || spaces < min {
                    break;
                }
                if end == bytes.len() {
                    // The last line has no line break: left to the parser.
                    return None;
                }
                let text = &self.text[pos + indent..end];
                if !literal && (spaces > indent || text.ends_with(' ')) {
                    return None;
                }
                lines.push(Some(text));
            }
            pos = end + 1;
            line_no += 1;
        }
        while lines.last() == Some(&None) {
            lines.pop();
        }
        if lines.is_empty() {
            return None;
        }
        let mut text =
            String::with_capacity(lines.iter().map(|l| l.map_or(1, |t| t.len() + 1)).sum());
        if literal {
            for line in &lines {
                text.push_str(line.unwrap_or(""));
                text.push('\n');
            }
        } else {
            let mut breaks = 0;
            let mut first = true;
            for line in &lines {
                match line {
                    None => breaks += 1,
                    Some(content) => {
                        if !first {
                            if breaks == 0 {
                                text.push(' ');
                            }
                            for _ in 0..breaks {
                                text.push('\n');
                            }
                        }
                        first = false;
                        breaks = 0;
                        text.push_str(content);
                    }
                }
            }
            text.push('\n');
        }
        if strip {
            text.pop();
        }
        self.pos = pos;
        self.line_no = line_no;
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        // The parser starts a block scalar at its first content line,
        // unless it has an anchor.
        let start = anchor.map_or_else(
            || Marker::new(content_start, first_line, indent.unwrap_or(0)),
            |(_, at)| at,
        );
        let id = anchor.map_or(0, |(id, _)| id);
        self.emit(Event::Scalar(Cow::Owned(text), style, id, None), start);
        Some(())
    }
}
