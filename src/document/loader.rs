//! YAML bytes → [`Node`].
//!
//! The driver pulls events from `saphyr_parser` one at a time and hands
//! them to the [`Builder`]. Events inside anchored nodes are recorded on a
//! tape; an alias replays its anchor's events, so an anchor costs nothing
//! unless it is used, and every expansion is checked before it starts.

use std::fmt;
use std::ops::Range;

use saphyr_parser::{Event, Marker, Parser, ScanError, Span};

use super::builder::{Builder, Origin, Step};
use super::fast;
use super::value::{Node, Value};

/// Deepest nesting of sequences and mappings a document may have, block
/// and flow together.
pub const MAX_DEPTH: usize = 1000;

/// Deepest nesting of flow collections (`[…]`, `{…}`) in one another: the
/// parser counts flow levels in a `u8` and refuses the 256th.
pub const MAX_FLOW_DEPTH: usize = u8::MAX as usize;

/// Most nodes that alias expansion may add to one file.
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// Most bytes of scalar text and tags that alias expansion may add to one
/// file. Nodes alone do not bound a file's cost: a few thousand aliases of
/// one long string are few nodes but gigabytes of text, and the diff walk
/// and the JSON of a difference pay for every copy again. 16 MiB is the
/// default `--max-file-size`, so an expanded file holds at most about twice
/// the text of the largest file read by default.
pub const MAX_ALIAS_BYTES: usize = 16 * 1024 * 1024;

/// Why a file could not be loaded. Lines and columns are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The bytes are not UTF-8 (a UTF-8 byte order mark is fine).
    #[error("not UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The text is not valid YAML, or breaks a rule of the contract
    /// (duplicate key, bad merge key, alias to no anchor, …).
    #[error("invalid YAML at line {line} column {column}: {message}")]
    Invalid {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Nesting deeper than [`MAX_DEPTH`], or flow collections nested
    /// deeper than [`MAX_FLOW_DEPTH`].
    #[error("{nesting} deeper than {limit} levels at line {line} column {column}")]
    TooDeep {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The limit that was exceeded.
        limit: usize,
        /// Which nesting went past it.
        nesting: Nesting,
    },
    /// Expanding the alias at `line`/`column` would take the file's alias
    /// expansion past a budget: [`MAX_ALIAS_NODES`] or [`MAX_ALIAS_BYTES`].
    /// Nothing of that alias was copied.
    #[error("alias expansion exceeds the limit of {limit} at line {line} column {column}")]
    ExpansionTooLarge {
        /// 1-based line of the alias.
        line: usize,
        /// 1-based column of the alias.
        column: usize,
        /// The budget it would exceed.
        limit: ExpansionLimit,
    },
}

/// The nesting a [`LoadError::TooDeep`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// Sequences and mappings of any style: [`MAX_DEPTH`].
    Collections,
    /// Flow collections within flow collections: [`MAX_FLOW_DEPTH`].
    Flow,
}

impl fmt::Display for Nesting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Nesting::Collections => "nested",
            Nesting::Flow => "flow collections nested",
        })
    }
}

/// An alias expansion budget, with its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpansionLimit {
    /// Nodes added: [`MAX_ALIAS_NODES`].
    Nodes(usize),
    /// Bytes of scalar text and tags added: [`MAX_ALIAS_BYTES`].
    TextBytes(usize),
}

impl fmt::Display for ExpansionLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpansionLimit::Nodes(nodes) => write!(f, "{nodes} nodes"),
            ExpansionLimit::TextBytes(bytes) => write!(f, "{bytes} bytes of text"),
        }
    }
}

impl LoadError {
    /// A contract or syntax error at `at` (a parser marker, column 0-based).
    pub(super) fn invalid(at: Marker, message: String) -> Self {
        LoadError::Invalid {
            line: at.line(),
            column: at.col() + 1,
            message,
        }
    }

    /// Nesting beyond [`MAX_DEPTH`] at `at`.
    pub(super) fn too_deep(at: Marker) -> Self {
        LoadError::TooDeep {
            line: at.line(),
            column: at.col() + 1,
            limit: MAX_DEPTH,
            nesting: Nesting::Collections,
        }
    }

    /// Flow nesting beyond [`MAX_FLOW_DEPTH`] at `at`.
    fn flow_too_deep(at: Marker) -> Self {
        LoadError::TooDeep {
            line: at.line(),
            column: at.col() + 1,
            limit: MAX_FLOW_DEPTH,
            nesting: Nesting::Flow,
        }
    }

    /// The alias at `at` would take expansion past `limit`.
    pub(super) fn expansion_too_large(at: Marker, limit: ExpansionLimit) -> Self {
        LoadError::ExpansionTooLarge {
            line: at.line(),
            column: at.col() + 1,
            limit,
        }
    }
}

/// What the scanner says at the flow collection that would overflow its
/// `u8` flow level counter (saphyr-parser 0.3). It scans ahead of the
/// events, so it speaks before the loader would count to [`MAX_DEPTH`].
const SCANNER_FLOW_DEPTH_MESSAGE: &str = "recursion limit exceeded";

impl From<ScanError> for LoadError {
    fn from(error: ScanError) -> Self {
        if error.info() == SCANNER_FLOW_DEPTH_MESSAGE {
            LoadError::flow_too_deep(*error.marker())
        } else {
            LoadError::invalid(*error.marker(), error.info().to_owned())
        }
    }
}

/// Loads a YAML stream: no document is `null` (at line 1), one is itself,
/// several are a sequence of the documents whose line is the first
/// document's.
pub fn load(bytes: &[u8]) -> Result<Node, LoadError> {
    let documents = load_documents(bytes)?;
    Ok(match <[Node; 1]>::try_from(documents) {
        Ok([document]) => document,
        Err(documents) => match documents.first() {
            None => Node::new(Value::Null, 1),
            Some(first) => {
                let line = first.line;
                Node::new(Value::Sequence(documents.into_boxed_slice()), line)
            }
        },
    })
}

/// Loads every document of a YAML stream, in order (none for an empty
/// file or one with only comments).
///
/// Files in the common subset of YAML take the fast path (see
/// [`super::fast`]), which builds their trees itself; any other file, and
/// any file the fast path does not load (a duplicate key, say), is loaded
/// again by the full parser, so every error is the parser's own, at its
/// position.
pub fn load_documents(bytes: &[u8]) -> Result<Vec<Node>, LoadError> {
    let text = decode(bytes)?;
    if let Some(documents) = fast::load(text) {
        return Ok(documents);
    }
    build(Parser::new_from_str(text))
}

/// [`load_documents`] without the fast path, for the tests that hold the
/// fast path to the parser.
#[cfg(test)]
pub(super) fn load_documents_with_parser(bytes: &[u8]) -> Result<Vec<Node>, LoadError> {
    build(Parser::new_from_str(decode(bytes)?))
}

/// Loads the parser's events.
fn build<'input>(
    events: impl Iterator<Item = Result<(Event<'input>, Span), ScanError>>,
) -> Result<Vec<Node>, LoadError> {
    let mut loading = Loading::default();
    for next in events {
        let (event, span) = next?;
        loading.feed(event, span)?;
    }
    Ok(loading.builder.into_documents())
}

/// The builder and its tape, fed one parsed event at a time.
#[derive(Default)]
struct Loading<'input> {
    /// The event consumer.
    builder: Builder,
    /// Recorded events and replays in progress.
    tape: Tape<'input>,
}

impl<'input> Loading<'input> {
    /// Hands a parsed event to the builder, then every event an alias it
    /// completes makes it replay, before the next parsed event.
    fn feed(&mut self, event: Event<'input>, span: Span) -> Result<(), LoadError> {
        let mut step = handle_parsed(&mut self.builder, &mut self.tape, event, span)?;
        loop {
            if let Step::Replay(events) = step {
                self.tape.replays.push(Replay {
                    next: events.start,
                    events,
                });
            }
            let Some((event, span, alias_top)) = self.tape.next_replayed() else {
                return Ok(());
            };
            step = self
                .builder
                .handle(event, span, Origin::Replayed { alias_top })?;
        }
    }
}

/// Hands a parsed event to the builder, recording it on the tape first
/// when it belongs to an anchored node (an alias may replay it later).
fn handle_parsed<'input>(
    builder: &mut Builder,
    tape: &mut Tape<'input>,
    event: Event<'input>,
    span: Span,
) -> Result<Step, LoadError> {
    if matches!(event, Event::DocumentStart(_)) {
        // Anchors (and so replays) never outlive their document.
        tape.events.clear();
    }
    if !builder.records(&event) {
        return builder.handle(&event, span, Origin::Parsed { tape_index: None });
    }
    let tape_index = tape.events.len();
    tape.events.push((event, span));
    let (event, _) = &tape.events[tape_index];
    builder.handle(
        event,
        span,
        Origin::Parsed {
            tape_index: Some(tape_index),
        },
    )
}

/// Checks the bytes are UTF-8 before the parser sees them, skipping one
/// leading byte order mark; offsets count from the first byte of the file.
fn decode(bytes: &[u8]) -> Result<&str, LoadError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let skipped = bytes.len() - body.len();
    std::str::from_utf8(body).map_err(|error| LoadError::NotUtf8 {
        offset: skipped + error.valid_up_to(),
    })
}

/// Recorded events of the current document, and the replays in progress.
#[derive(Default)]
struct Tape<'input> {
    /// Events inside anchored nodes, in order.
    events: Vec<(Event<'input>, Span)>,
    /// Alias expansions in progress, innermost last.
    replays: Vec<Replay>,
}

/// One alias expansion: a range of the tape and how far it has got.
struct Replay {
    /// The anchored node's events.
    events: Range<usize>,
    /// The next event to replay.
    next: usize,
}

impl<'input> Tape<'input> {
    /// The next event of the innermost unfinished replay, with whether it
    /// is the first event of that replay.
    fn next_replayed(&mut self) -> Option<(&Event<'input>, Span, bool)> {
        loop {
            let replay = self.replays.last_mut()?;
            if replay.next < replay.events.end {
                let index = replay.next;
                replay.next += 1;
                let alias_top = index == replay.events.start;
                let (event, span) = self.events.get(index)?;
                return Some((event, *span, alias_top));
            }
            self.replays.pop();
        }
    }
}

#[cfg(test)]
mod tests;
