//! One-line flow collections: `[a, b]`, `{a: 1, b: [x]}`.
//!
//! Only scalar keys with `: ` after them, no empty entries, no trailing
//! comma, no anchors, aliases or tags; a collection that does not close on
//! its line is left to the parser.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, ScalarStyle};

use super::block::skip_spaces;
use super::scalars::{is_flow_indicator, is_indicator};
use super::{Line, Scanner, Sink};

impl<'a, S: Sink<'a>> Scanner<'a, '_, S> {
    /// The flow collection opening at `offset`; the offset after it closes.
    pub(super) fn flow_node(
        &mut self,
        line: Line,
        offset: usize,
        anchor: usize,
        start: Marker,
    ) -> Option<usize> {
        self.enter()?;
        let bytes = self.text.as_bytes();
        let mapping = bytes[offset] == b'{';
        let close = if mapping { b'}' } else { b']' };
        if mapping {
            self.emit(Event::MappingStart(anchor, None), start);
        } else {
            self.emit(Event::SequenceStart(anchor, None), start);
        }
        let mut at = skip_spaces(bytes, offset + 1, line.end);
        if self.byte(at, line.end)? != close {
            loop {
                if mapping {
                    at = self.flow_key(line, at)?;
                }
                at = self.flow_value(line, at)?;
                at = skip_spaces(bytes, at, line.end);
                match self.byte(at, line.end)? {
                    b',' => {
                        at = skip_spaces(bytes, at + 1, line.end);
                        if matches!(self.byte(at, line.end)?, b',' | b']' | b'}') {
                            return None;
                        }
                    }
                    byte if byte == close => break,
                    _ => return None,
                }
            }
        }
        let end = self.at(line, at);
        self.emit(
            if mapping {
                Event::MappingEnd
            } else {
                Event::SequenceEnd
            },
            end,
        );
        self.leave();
        Some(at + 1)
    }

    /// A flow mapping's key and the `: ` after it; the offset of its value.
    fn flow_key(&mut self, line: Line, offset: usize) -> Option<usize> {
        let (text, style, after) = match self.byte(offset, line.end)? {
            b'"' | b'\'' => self.scan_quoted(line, offset)?,
            _ => {
                let (text, after) = self.scan_flow_plain(line, offset)?;
                (Cow::Borrowed(text), ScalarStyle::Plain, after)
            }
        };
        if self.byte(after, line.end) != Some(b':') || self.byte(after + 1, line.end) != Some(b' ')
        {
            return None;
        }
        self.emit(Event::Scalar(text, style, 0, None), self.at(line, offset));
        Some(skip_spaces(self.text.as_bytes(), after + 1, line.end))
    }

    /// A value in a flow collection: a nested collection or a scalar.
    fn flow_value(&mut self, line: Line, offset: usize) -> Option<usize> {
        let start = self.at(line, offset);
        match self.byte(offset, line.end)? {
            b'[' | b'{' => self.flow_node(line, offset, 0, start),
            b'"' | b'\'' => {
                let (text, style, after) = self.scan_quoted(line, offset)?;
                self.emit(Event::Scalar(text, style, 0, None), start);
                Some(after)
            }
            _ => {
                let (text, after) = self.scan_flow_plain(line, offset)?;
                if self.byte(after, line.end) == Some(b':') {
                    return None;
                }
                self.emit(
                    Event::Scalar(Cow::Borrowed(text), ScalarStyle::Plain, 0, None),
                    start,
                );
                Some(after)
            }
        }
    }

    /// A plain scalar inside a flow collection: up to a flow indicator or
    /// a `:` (trailing spaces dropped); the offset where it stops.
    fn scan_flow_plain(&self, line: Line, offset: usize) -> Option<(&'a str, usize)> {
        let bytes = self.text.as_bytes();
        let first = self.byte(offset, line.end)?;
        let dash_start = first == b'-'
            && matches!(self.byte(offset + 1, line.end), Some(b) if b != b' ' && !is_flow_indicator(b));
        if is_indicator(first) && !dash_start {
            return None;
        }
        let mut end = offset;
        while end < line.end {
            match bytes[end] {
                b':' => {
                    if self.byte(end + 1, line.end) != Some(b' ') {
                        return None;
                    }
                    break;
                }
                b'#' if bytes[end - 1] == b' ' => return None,
                byte if is_flow_indicator(byte) => break,
                _ => end += 1,
            }
        }
        let stop = end;
        while bytes[end - 1] == b' ' {
            end -= 1;
        }
        Some((&self.text[offset..end], stop))
    }
}
