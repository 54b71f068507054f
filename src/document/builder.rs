//! Builds [`Node`] trees from parser events with an explicit stack, so no
//! input can overflow the call stack while loading.
//!
//! Every completed node carries its size (nodes in its subtree), the bytes
//! of scalar text and tags in it, and its nesting depth. Anchors remember
//! those with the range of their events, so an alias is checked against the
//! expansion budgets and the depth limit *before* it is expanded; the
//! expansion itself replays the anchored events (see [`super::loader`]),
//! which is why anchors cost nothing until they are used.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Marker, ScalarStyle, Span, Tag};

use super::loader::{ExpansionLimit, LoadError, MAX_ALIAS_BYTES, MAX_ALIAS_NODES, MAX_DEPTH};
use super::merge;
use super::tag::{self, CollectionKind};
use super::value::{Mapping, Node, Tagged, Value};

/// Where an event handed to [`Builder::handle`] comes from.
#[derive(Debug, Clone, Copy)]
pub(super) enum Origin {
    /// Straight from the parser; `tape_index` is where it was recorded,
    /// if [`Builder::records`] asked for it.
    Parsed {
        /// Index of the event on the tape.
        tape_index: Option<usize>,
    },
    /// Replayed for an alias; `alias_top` marks the first event of the
    /// alias's own expansion (the node the alias stands for).
    Replayed {
        /// Whether this event starts the node the alias stands for.
        alias_top: bool,
    },
}

/// What the driver must do after an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    /// Go on with the next event.
    Continue,
    /// Replay these recorded events (an alias) before going on.
    Replay(Range<usize>),
}

/// A completed node with the measures the alias checks need.
struct Built {
    /// The node.
    node: Node,
    /// Nodes in the subtree, the node included.
    size: usize,
    /// Bytes of scalar text and tags in the subtree.
    bytes: usize,
    /// Nesting depth of sequences and mappings (0 for a scalar).
    depth: usize,
}

/// An anchored node, as the recorded events that rebuild it.
#[derive(Debug, Clone)]
struct Anchor {
    /// Its events on the tape.
    events: Range<usize>,
    /// Nodes its expansion adds.
    size: usize,
    /// Bytes of scalar text and tags its expansion adds.
    bytes: usize,
    /// Its nesting depth.
    depth: usize,
}

/// A sequence or mapping whose end event has not come yet.
struct Frame {
    /// The entries so far.
    content: Content,
    /// Line of its start event.
    line: u32,
    /// Where it starts, for errors about it.
    start: Marker,
    /// A tag it keeps (not a core one).
    tag: Option<String>,
    /// Nodes in its children so far.
    size: usize,
    /// Bytes of scalar text and tags in its children so far, and its tag.
    bytes: usize,
    /// Deepest nesting among its children so far.
    depth: usize,
    /// Its anchor id and the tape index of its start event, when it is
    /// anchored and parsed (replayed anchors are already registered).
    anchor: Option<(usize, usize)>,
}

/// The entries of an open collection.
enum Content {
    /// Items so far.
    Sequence(Vec<Node>),
    /// Entries so far.
    Mapping(MappingState),
}

/// An open mapping: entries, a key waiting for its value, merge sources.
#[derive(Default)]
struct MappingState {
    /// Its own entries, in order.
    mapping: Mapping,
    /// A key whose value has not come yet.
    key: Option<PendingKey>,
    /// Mappings to merge in when the mapping ends, in order.
    merges: Vec<Mapping>,
    /// Whether a merge key was seen (a second one is a duplicate key).
    has_merge_key: bool,
}

/// A mapping key waiting for its value.
struct PendingKey {
    /// The key.
    node: Node,
    /// Where it starts, for a duplicate key error.
    start: Marker,
    /// Whether it is a merge key `<<`.
    merge: bool,
}

/// The event consumer: open collections, anchors, finished documents.
#[derive(Default)]
pub(super) struct Builder {
    /// Open collections, innermost last.
    stack: Vec<Frame>,
    /// Anchors of the current document by the parser's anchor id (unique
    /// per definition, so a redefined name gets a new id).
    anchors: HashMap<usize, Anchor>,
    /// Nodes added by alias expansion so far, in the whole stream.
    alias_nodes: usize,
    /// Bytes of scalar text and tags added by alias expansion so far, in
    /// the whole stream.
    alias_bytes: usize,
    /// Open frames that are anchored: while any is, events are recorded.
    open_anchored: usize,
    /// The current document's root, once complete.
    root: Option<Node>,
    /// Finished documents.
    documents: Vec<Node>,
}

impl Builder {
    /// Whether `event` must be recorded for later replay: it is inside an
    /// anchored node, or starts one.
    pub(super) fn records(&self, event: &Event<'_>) -> bool {
        self.open_anchored > 0
            || matches!(
                event,
                Event::Scalar(_, _, anchor, _)
                | Event::SequenceStart(anchor, _)
                | Event::MappingStart(anchor, _) if *anchor > 0
            )
    }

    /// The documents loaded, in order.
    pub(super) fn into_documents(self) -> Vec<Node> {
        self.documents
    }

    /// Consumes one event.
    pub(super) fn handle(
        &mut self,
        event: &Event<'_>,
        span: Span,
        origin: Origin,
    ) -> Result<Step, LoadError> {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => {}
            // Aliases never reach into another document.
            Event::DocumentStart(_) => self.anchors.clear(),
            Event::DocumentEnd => self.end_document(span.start),
            Event::Alias(id) => return self.alias(*id, span.start, origin),
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(text, *style, *anchor, tag.as_deref(), span.start, origin)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.start(
                    CollectionKind::Sequence,
                    *anchor,
                    tag.as_deref(),
                    span,
                    origin,
                )?;
            }
            Event::MappingStart(anchor, tag) => {
                self.start(
                    CollectionKind::Mapping,
                    *anchor,
                    tag.as_deref(),
                    span,
                    origin,
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => self.end(origin)?,
        }
        Ok(Step::Continue)
    }

    /// Stores the finished document (the parser always gives a document a
    /// node; `null` covers a broken stream all the same).
    fn end_document(&mut self, at: Marker) {
        let root = self
            .root
            .take()
            .unwrap_or_else(|| Node::new(Value::Null, line_of(at)));
        self.documents.push(root);
        self.stack.clear();
        self.open_anchored = 0;
    }

    /// Checks an alias against the budgets and the depth limit, then asks
    /// for its anchor's events to be replayed.
    ///
    /// Aliases met during a replay are part of an anchor already paid for
    /// and measured, so only parsed aliases are checked. An alias's cost is
    /// its anchor's whole expanded subtree, so the budgets bound the
    /// replay's work and memory as well as the loaded document.
    fn alias(&mut self, id: usize, at: Marker, origin: Origin) -> Result<Step, LoadError> {
        let Some(anchor) = self.anchors.get(&id) else {
            return Err(LoadError::invalid(
                at,
                "alias to an anchor that is not defined in this document".to_owned(),
            ));
        };
        if let Origin::Parsed { .. } = origin {
            let nodes = self.alias_nodes.saturating_add(anchor.size);
            if nodes > MAX_ALIAS_NODES {
                return Err(LoadError::expansion_too_large(
                    at,
                    ExpansionLimit::Nodes(MAX_ALIAS_NODES),
                ));
            }
            let bytes = self.alias_bytes.saturating_add(anchor.bytes);
            if bytes > MAX_ALIAS_BYTES {
                return Err(LoadError::expansion_too_large(
                    at,
                    ExpansionLimit::TextBytes(MAX_ALIAS_BYTES),
                ));
            }
            if self.stack.len().saturating_add(anchor.depth) > MAX_DEPTH {
                return Err(LoadError::too_deep(at));
            }
            self.alias_nodes = nodes;
            self.alias_bytes = bytes;
        }
        Ok(Step::Replay(anchor.events.clone()))
    }

    /// Types a scalar and adds it to its parent.
    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        at: Marker,
        origin: Origin,
    ) -> Result<(), LoadError> {
        let plain = style == ScalarStyle::Plain;
        let value = tag::scalar_value(text, plain, tag)
            .map_err(|message| LoadError::invalid(at, message))?;
        // An alias is not a plain scalar, even when its anchor is `<<`.
        let alias_top = matches!(origin, Origin::Replayed { alias_top: true });
        let merge = !alias_top && merge::is_merge_key(text, plain, tag.is_some());
        let built = Built {
            node: Node::new(value, line_of(at)),
            size: 1,
            bytes: text.len().saturating_add(tag_bytes(tag)),
            depth: 0,
        };
        if let Origin::Parsed {
            tape_index: Some(index),
        } = origin
            && anchor > 0
        {
            self.register(anchor, index..index + 1, &built);
        }
        self.complete(built, at, merge)
    }

    /// Opens a sequence or mapping, unless that would nest too deep.
    fn start(
        &mut self,
        kind: CollectionKind,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
        origin: Origin,
    ) -> Result<(), LoadError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(LoadError::too_deep(span.start));
        }
        let bytes = tag_bytes(tag);
        let tag = tag::collection_tag(kind, tag)
            .map_err(|message| LoadError::invalid(span.start, message))?;
        let anchor = match origin {
            Origin::Parsed {
                tape_index: Some(index),
            } if anchor > 0 => Some((anchor, index)),
            _ => None,
        };
        if anchor.is_some() {
            self.open_anchored += 1;
        }
        let content = match kind {
            CollectionKind::Sequence => Content::Sequence(Vec::new()),
            CollectionKind::Mapping => Content::Mapping(MappingState::default()),
        };
        self.stack.push(Frame {
            content,
            line: line_of(span.start),
            start: span.start,
            tag,
            size: 0,
            bytes,
            depth: 0,
            anchor,
        });
        Ok(())
    }

    /// Closes the innermost collection: merges, tag, anchor, then adds it
    /// to its parent.
    fn end(&mut self, origin: Origin) -> Result<(), LoadError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let value = match frame.content {
            Content::Sequence(items) => Value::Sequence(items.into_boxed_slice()),
            Content::Mapping(state) => Value::Mapping(state.finish()),
        };
        let built = Built {
            node: Node::new(with_tag(frame.tag, value), frame.line),
            size: frame.size.saturating_add(1),
            bytes: frame.bytes,
            depth: frame.depth + 1,
        };
        if let Some((anchor, start)) = frame.anchor {
            self.open_anchored = self.open_anchored.saturating_sub(1);
            if let Origin::Parsed {
                tape_index: Some(end),
            } = origin
            {
                self.register(anchor, start..end + 1, &built);
            }
        }
        self.complete(built, frame.start, false)
    }

    /// Remembers an anchored node's events and measures.
    fn register(&mut self, id: usize, events: Range<usize>, built: &Built) {
        self.anchors.insert(
            id,
            Anchor {
                events,
                size: built.size,
                bytes: built.bytes,
                depth: built.depth,
            },
        );
    }

    /// Adds a completed node to the innermost open collection, or makes it
    /// the document's root.
    fn complete(&mut self, built: Built, start: Marker, merge: bool) -> Result<(), LoadError> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(built.node);
            return Ok(());
        };
        frame.size = frame.size.saturating_add(built.size);
        frame.bytes = frame.bytes.saturating_add(built.bytes);
        frame.depth = frame.depth.max(built.depth);
        match &mut frame.content {
            Content::Sequence(items) => {
                items.push(built.node);
                Ok(())
            }
            Content::Mapping(state) => state.accept(built.node, start, merge),
        }
    }
}

impl MappingState {
    /// Takes the next node: a key, or the value of the pending key.
    fn accept(&mut self, node: Node, start: Marker, merge: bool) -> Result<(), LoadError> {
        match self.key.take() {
            None => {
                if merge {
                    if self.has_merge_key {
                        return Err(LoadError::invalid(
                            start,
                            "duplicate merge key `<<`".to_owned(),
                        ));
                    }
                    self.has_merge_key = true;
                }
                self.key = Some(PendingKey { node, start, merge });
                Ok(())
            }
            Some(key) if key.merge => {
                let sources =
                    merge::sources(node).map_err(|message| LoadError::invalid(start, message))?;
                self.merges.extend(sources);
                Ok(())
            }
            Some(key) => self.mapping.insert(key.node, node).map_err(|duplicate| {
                LoadError::invalid(
                    key.start,
                    format!("duplicate key {:?}", duplicate.value.plain_form()),
                )
            }),
        }
    }

    /// The finished mapping, merge sources applied.
    fn finish(self) -> Mapping {
        let mut mapping = self.mapping;
        merge::apply(&mut mapping, self.merges);
        mapping
    }
}

/// Wraps a value in the tag it keeps, if any.
fn with_tag(tag: Option<String>, value: Value) -> Value {
    match tag {
        Some(tag) => Value::Tagged(Box::new(Tagged { tag, value })),
        None => value,
    }
}

/// The bytes of a tag's resolved text, counted with its node's text: about
/// what a kept tag stores (core tags are applied, not kept, but counting
/// them as well keeps the measure simple and safe).
fn tag_bytes(tag: Option<&Tag>) -> usize {
    tag.map_or(0, |tag| tag.handle.len().saturating_add(tag.suffix.len()))
}

/// A marker's line as a node line (a file of four billion lines would be
/// clamped rather than wrapped).
pub(super) fn line_of(at: Marker) -> u32 {
    u32::try_from(at.line()).unwrap_or(u32::MAX)
}
