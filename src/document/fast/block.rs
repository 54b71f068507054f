//! Block structure: mappings and sequences laid out by indentation.
//!
//! Every function returns `None` to give up on the whole file. Nodes start
//! where the parser says they do: at their anchor when they have one, else
//! at their first token (a collection on the lines after its key starts at
//! its first key or dash).

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, ScalarStyle};

use super::{Line, Scanner, Sink};

/// An anchor on the node about to be read: its id and where it is written.
pub(super) type Anchored = Option<(usize, Marker)>;

/// A key read at the start of a mapping entry.
pub(super) struct Key<'a> {
    /// Its text.
    pub(super) text: Cow<'a, str>,
    /// How it was written.
    pub(super) style: ScalarStyle,
    /// Offset of the `:` after it.
    pub(super) colon: usize,
}

impl<'a, S: Sink<'a>> Scanner<'a, '_, S> {
    /// A block node whose first line is `line`, its content at column
    /// `col` (past a `- ` for an item's compact mapping).
    pub(super) fn block_node(&mut self, line: Line, col: usize, anchor: Anchored) -> Option<()> {
        self.enter()?;
        let offset = line.start + col;
        if col == 0
            && (self.text[offset..line.end].starts_with("---")
                || self.text[offset..line.end].starts_with("..."))
        {
            return None;
        }
        if self.is_dash(line, offset) {
            self.sequence(line, col, anchor)?;
        } else if self.scan_key(line, offset)?.is_some() {
            self.mapping(line, col, anchor)?;
        } else {
            return None;
        }
        self.leave();
        Some(())
    }

    /// Whether a block sequence entry `-` (then a space or the line's end)
    /// is at `offset`.
    fn is_dash(&self, line: Line, offset: usize) -> bool {
        self.byte(offset, line.end) == Some(b'-')
            && matches!(self.byte(offset + 1, line.end), None | Some(b' '))
    }

    /// A block sequence whose dashes are at column `col`.
    fn sequence(&mut self, first: Line, col: usize, anchor: Anchored) -> Option<()> {
        let start = anchor.map_or_else(|| self.at(first, first.start + col), |(_, at)| at);
        self.emit(
            Event::SequenceStart(anchor.map_or(0, |(id, _)| id), None),
            start,
        );
        let mut line = first;
        loop {
            let dash = line.start + col;
            let content = skip_spaces(self.text.as_bytes(), dash + 1, line.end);
            if self.rest_is_empty(dash + 1, line.end) {
                // The item is on the lines below, more indented.
                self.advance(line);
                let next = self.peek()?;
                if next.indent <= col {
                    return None;
                }
                self.block_node(next, next.indent, None)?;
            } else if self.is_dash(line, content) {
                return None;
            } else if self.scan_key(line, content)?.is_some() {
                self.enter()?;
                self.mapping(line, content - line.start, None)?;
                self.leave();
            } else {
                self.inline_value(line, content, col + 1, None)?;
            }
            match self.peek() {
                Some(next) if next.indent == col && self.is_dash(next, next.start + col) => {
                    line = next;
                }
                Some(next) if next.indent > col => return None,
                _ => break,
            }
        }
        let end = self.end_marker();
        self.emit(Event::SequenceEnd, end);
        Some(())
    }

    /// A block mapping whose keys are at column `col`; the first is on
    /// `first`.
    fn mapping(&mut self, first: Line, col: usize, anchor: Anchored) -> Option<()> {
        let start = anchor.map_or_else(|| self.at(first, first.start + col), |(_, at)| at);
        self.emit(
            Event::MappingStart(anchor.map_or(0, |(id, _)| id), None),
            start,
        );
        let mut line = first;
        loop {
            let offset = line.start + col;
            if col == 0 && self.text[offset..line.end].starts_with("---") {
                return None;
            }
            let key = self.scan_key(line, offset)??;
            let colon = key.colon;
            self.emit(
                Event::Scalar(key.text, key.style, 0, None),
                self.at(line, offset),
            );
            self.mapping_value(line, colon, col)?;
            match self.peek() {
                Some(next) if next.indent == col => {
                    if self.is_dash(next, next.start + col) {
                        return None;
                    }
                    line = next;
                }
                Some(next) if next.indent > col => return None,
                _ => break,
            }
        }
        let end = self.end_marker();
        self.emit(Event::MappingEnd, end);
        Some(())
    }

    /// The value after the `:` at `colon` of a key in a mapping at column
    /// `col`: on the same line, or on the lines below.
    fn mapping_value(&mut self, line: Line, colon: usize, col: usize) -> Option<()> {
        let bytes = self.text.as_bytes();
        let mut offset = skip_spaces(bytes, colon + 1, line.end);
        let mut anchor = None;
        if self.byte(offset, line.end) == Some(b'&') {
            let (name, after) = self.scan_name(line, offset)?;
            let id = self.define_anchor(name);
            anchor = Some((id, self.at(line, offset)));
            offset = skip_spaces(bytes, after, line.end);
        }
        if !self.rest_is_empty(offset, line.end) {
            return self.inline_value(line, offset, col + 1, anchor);
        }
        self.advance(line);
        match self.peek() {
            Some(next) if next.indent > col => self.block_node(next, next.indent, anchor),
            Some(next) if next.indent == col && self.is_dash(next, next.start + col) => {
                // A sequence may sit at its key's own indentation.
                self.enter()?;
                self.sequence(next, col, anchor)?;
                self.leave();
                Some(())
            }
            _ if anchor.is_some() => None,
            _ => {
                // An empty value: the parser puts it at the `:`.
                self.emit(
                    Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
                    self.at(line, colon),
                );
                Some(())
            }
        }
    }

    /// A value that starts at `offset` of `line` and ends on it (a block
    /// scalar takes the lines below too). Nothing after it may be indented
    /// to `min` or more: that would continue it or be an error.
    pub(super) fn inline_value(
        &mut self,
        line: Line,
        offset: usize,
        min: usize,
        anchor: Anchored,
    ) -> Option<()> {
        let start = anchor.map_or_else(|| self.at(line, offset), |(_, at)| at);
        let id = anchor.map_or(0, |(id, _)| id);
        let end = match self.byte(offset, line.end)? {
            b'*' => {
                if anchor.is_some() {
                    return None;
                }
                let (name, after) = self.scan_name(line, offset)?;
                let target = self.resolve_alias(name)?;
                self.emit(Event::Alias(target), start);
                after
            }
            b'|' | b'>' => {
                self.block_scalar(line, offset, min, anchor)?;
                return self.check_after(min);
            }
            b'"' | b'\'' => {
                let (text, style, after) = self.scan_quoted(line, offset)?;
                self.emit(Event::Scalar(text, style, id, None), start);
                after
            }
            b'[' | b'{' => self.flow_node(line, offset, id, start)?,
            _ => {
                let text = self.scan_plain_value(line, offset)?;
                self.emit(
                    Event::Scalar(Cow::Borrowed(text), ScalarStyle::Plain, id, None),
                    start,
                );
                offset + text.len()
            }
        };
        if !self.rest_is_empty(end, line.end) {
            return None;
        }
        self.advance(line);
        self.check_after(min)
    }

    /// Gives up when the next content line is indented to `min` or more.
    fn check_after(&mut self, min: usize) -> Option<()> {
        match self.peek() {
            Some(next) if next.indent >= min => None,
            _ => Some(()),
        }
    }

    /// An anchor or alias name after the `&` or `*` at `offset`, and the
    /// offset after it; it must end at a space or the line's end.
    pub(super) fn scan_name(&self, line: Line, offset: usize) -> Option<(&'a str, usize)> {
        let bytes = self.text.as_bytes();
        let begin = offset + 1;
        let mut end = begin;
        while end < line.end && (bytes[end].is_ascii_alphanumeric() || b"-_.".contains(&bytes[end]))
        {
            end += 1;
        }
        if end == begin || !matches!(self.byte(end, line.end), None | Some(b' ')) {
            return None;
        }
        Some((&self.text[begin..end], end))
    }
}

/// The first offset at or after `from` (before `end`) that is not a space.
pub(super) fn skip_spaces(bytes: &[u8], from: usize, end: usize) -> usize {
    let mut offset = from;
    while offset < end && bytes[offset] == b' ' {
        offset += 1;
    }
    offset
}
