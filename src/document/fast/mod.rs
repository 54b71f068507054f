//! A fast path for the common shape of configuration files.
//!
//! Most of the loading time went to `saphyr_parser`'s general scanner,
//! which handles every corner of YAML one character at a time. Real
//! configuration files use a small part of YAML: block mappings and
//! sequences, one-line plain and quoted scalars, one-line flow collections,
//! `|` and `>` block scalars, comments, anchors and aliases. This module
//! reads that subset a line at a time and produces the *same events, with
//! the same lines,* as the parser would. Its own builder (`tree.rs`) turns
//! them into the tree the general [`Builder`] would build from them, at a
//! fraction of the cost.
//!
//! It never reports an error: anything outside the subset, anything it
//! is not sure about, or any event that would not load gives up ([`None`])
//! and the caller loads the file with the full parser, which then says
//! what is wrong. The differential tests in `tests.rs` hold it to the
//! parser's events and to the trees of the parser's path.
//!
//! [`Builder`]: super::builder::Builder

mod block;
mod flow;
mod scalars;
mod tree;

pub(super) use tree::load;

use saphyr_parser::{Event, Marker, Span};

/// Deepest nesting the fast path follows; deeper files take the full path
/// (which also enforces [`super::MAX_DEPTH`] with the right error).
const MAX_NESTING: usize = 128;

/// Where the fast path's events go, one at a time: its builder, or a
/// vector for the tests.
pub(super) trait Sink<'a> {
    /// Takes the next event; `false` when the events so far do not load,
    /// so the fast path should stop.
    fn event(&mut self, event: Event<'a>, span: Span) -> bool;
}

impl<'a> Sink<'a> for Vec<(Event<'a>, Span)> {
    fn event(&mut self, event: Event<'a>, span: Span) -> bool {
        self.push((event, span));
        true
    }
}

/// Reads a whole stream into `sink`, or gives up (`None`) when the text is
/// outside the subset this module reads or the sink refused an event: the
/// full parser must then load it (the sink's state is to be dropped).
pub(super) fn read<'a>(text: &'a str, sink: &mut impl Sink<'a>) -> Option<()> {
    // Tabs, carriage returns, control characters and non-ASCII text all
    // bring rules (columns in characters, line breaks, printable sets)
    // that the fast path does not try to reproduce.
    if !is_plain_ascii(text.as_bytes()) {
        return None;
    }
    let mut scanner = Scanner::new(text, sink);
    scanner.stream()?;
    (!scanner.refused).then_some(())
}

/// The events of a whole stream, or `None` where [`read`] gives up.
#[cfg(test)]
pub(super) fn events(text: &str) -> Option<Vec<(Event<'_>, Span)>> {
    let mut out = Vec::new();
    read(text, &mut out)?;
    Some(out)
}

/// Whether every byte is a printable ASCII character or a newline,
/// checked a block at a time without early exits so it vectorizes (a
/// byte-by-byte check was a tenth of the fast path).
fn is_plain_ascii(bytes: &[u8]) -> bool {
    bytes.chunks(64).all(|block| {
        !block.iter().fold(false, |bad, &b| {
            bad | ((b < 0x20 && b != b'\n') | (b >= 0x7f))
        })
    })
}

/// One line with content (not blank, not only a comment).
#[derive(Debug, Clone, Copy)]
struct Line {
    /// 1-based line number.
    no: usize,
    /// Byte offset of the line's first byte.
    start: usize,
    /// Spaces before its content.
    indent: usize,
    /// Byte offset of its end (the newline or the end of the text).
    end: usize,
}

/// The reader's state: where it is, and the events so far.
struct Scanner<'a, 's, S> {
    /// The whole text.
    text: &'a str,
    /// Offset of the first line not yet consumed.
    pos: usize,
    /// Number of that line.
    line_no: usize,
    /// The next content line, once looked at.
    peeked: Option<Line>,
    /// Where the events go.
    sink: &'s mut S,
    /// Whether the sink refused an event.
    refused: bool,
    /// Anchors defined so far, by name, with the id the parser gives them
    /// (a counter from 1, a new one for each definition).
    anchors: Vec<(&'a str, usize)>,
    /// Nesting of the node being read.
    depth: usize,
}

impl<'a, 's, S: Sink<'a>> Scanner<'a, 's, S> {
    /// A reader at the start of `text`.
    fn new(text: &'a str, sink: &'s mut S) -> Self {
        Scanner {
            text,
            pos: 0,
            line_no: 1,
            peeked: None,
            sink,
            refused: false,
            anchors: Vec::new(),
            depth: 0,
        }
    }

    /// The whole stream: nothing, or one implicit document.
    fn stream(&mut self) -> Option<()> {
        let start = Marker::new(0, 1, 0);
        self.emit(Event::StreamStart, start);
        if let Some(first) = self.peek() {
            self.emit(
                Event::DocumentStart(false),
                self.marker(first.no, first.start, first.indent),
            );
            self.block_node(first, first.indent, None)?;
            if self.peek().is_some() {
                return None;
            }
            let end = self.end_marker();
            self.emit(Event::DocumentEnd, end);
        }
        let end = self.end_marker();
        self.emit(Event::StreamEnd, end);
        Some(())
    }

    /// The byte at `offset`, if it is inside the line ending at `end`.
    fn byte(&self, offset: usize, end: usize) -> Option<u8> {
        if offset < end {
            Some(self.text.as_bytes()[offset])
        } else {
            None
        }
    }

    /// The next content line, skipping blank and comment-only lines.
    fn peek(&mut self) -> Option<Line> {
        if self.peeked.is_some() {
            return self.peeked;
        }
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() {
            let start = self.pos;
            let end = memchr_newline(bytes, start);
            let indent = bytes[start..end].iter().take_while(|&&b| b == b' ').count();
            let first = bytes.get(start + indent).copied();
            if start + indent == end || first == Some(b'#') {
                self.consume_raw_line(end);
                continue;
            }
            let line = Line {
                no: self.line_no,
                start,
                indent,
                end,
            };
            self.peeked = Some(line);
            return self.peeked;
        }
        None
    }

    /// Moves past `line`, which [`Self::peek`] returned.
    fn advance(&mut self, line: Line) {
        self.peeked = None;
        self.consume_raw_line(line.end);
    }

    /// Moves past the line that ends at `end` (the current one).
    fn consume_raw_line(&mut self, end: usize) {
        self.pos = end + 1;
        self.line_no += 1;
    }

    /// A marker at byte `offset` of line `no` starting at `line_start`
    /// (ASCII only, so characters are bytes).
    fn marker(&self, no: usize, line_start: usize, col: usize) -> Marker {
        Marker::new(line_start + col, no, col)
    }

    /// The marker of a byte of `line`.
    fn at(&self, line: Line, offset: usize) -> Marker {
        self.marker(line.no, line.start, offset - line.start)
    }

    /// A marker at the end of the text.
    fn end_marker(&self) -> Marker {
        Marker::new(self.text.len(), self.line_no, 0)
    }

    /// Appends an event that starts at `start`. Inlined into every call
    /// site, with the sink's `event`, so the event is never built: each
    /// site keeps only the sink's work for its kind of event.
    #[inline(always)]
    fn emit(&mut self, event: Event<'a>, start: Marker) {
        // After a refusal the rest is read (and dropped) only to finish:
        // the caller loads the file again with the parser.
        if !self.refused && !self.sink.event(event, Span::empty(start)) {
            self.refused = true;
        }
    }

    /// Enters a nested node, unless that goes past [`MAX_NESTING`].
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_NESTING).then_some(())
    }

    /// Leaves a nested node.
    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Defines an anchor as the parser does: a fresh id per definition.
    fn define_anchor(&mut self, name: &'a str) -> usize {
        let id = self.anchors.len() + 1;
        self.anchors.push((name, id));
        id
    }

    /// The id an alias refers to: the latest definition of its name.
    fn resolve_alias(&self, name: &str) -> Option<usize> {
        self.anchors
            .iter()
            .rev()
            .find(|(defined, _)| *defined == name)
            .map(|&(_, id)| id)
    }

    /// Checks that only spaces and perhaps a comment follow `offset` on the
    /// line ending at `end`.
    fn rest_is_empty(&self, offset: usize, end: usize) -> bool {
        let rest = &self.text.as_bytes()[offset..end];
        let spaces = rest.iter().take_while(|&&b| b == b' ').count();
        match rest.get(spaces) {
            None => true,
            // A comment needs white space before it.
            Some(b'#') => spaces > 0,
            Some(_) => false,
        }
    }
}

/// Offset of the next newline at or after `start`, or the text's end.
/// `memchr` looks at many bytes a step: a byte-by-byte search was a tenth
/// of the fast path.
fn memchr_newline(bytes: &[u8], start: usize) -> usize {
    memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i)
}

#[cfg(test)]
mod tests;
