//! The fast path's own builder: [`Node`]s straight from the fast reader's
//! events.
//!
//! The general [`Builder`] serves the parser: it records the events of
//! anchored nodes on a tape and replays them for each alias, types tagged
//! scalars, tracks parser positions for its errors, and grows every
//! collection one entry at a time. On the fast path's events most of that
//! is waste (there are no tags, the file is a single implicit document, and
//! errors are never reported from here), and it was half of the loading
//! time. This builder keeps only what gives the tree:
//!
//! - the children of all open collections live on two shared stacks, and a
//!   collection takes its own in one exactly sized allocation when it
//!   ends;
//! - an anchored node is copied when it is complete and an alias clones
//!   that copy, which gives the same nodes, lines included, as replaying
//!   its events (anchors in configuration files are small and used). The
//!   copies are held to the alias expansion budgets as well: anchors
//!   nested in anchors copy their content again at each level, and a file
//!   built to multiply that goes to the parser, whose tape costs nothing
//!   per anchor;
//! - every rule of the builder that can fail (duplicate keys, merge keys,
//!   aliases to no anchor, the expansion budgets and the depth limit) is
//!   checked the same way, with the same measures, but a failure only
//!   refuses the event: the loader then loads the file with the parser,
//!   which reports the error at its position.
//!
//! The differential tests hold the trees to those of the parser's path.
//!
//! [`Builder`]: crate::document::builder::Builder

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle, Span};

use super::Sink;
use crate::document::builder::line_of;
use crate::document::loader::{MAX_ALIAS_BYTES, MAX_ALIAS_NODES, MAX_DEPTH};
use crate::document::mapping::Mapping;
use crate::document::merge;
use crate::document::scalar;
use crate::document::value::{Node, Value};

/// Loads the documents of `text` when the fast path reads all of it and
/// every rule of the loader holds; `None` sends the file to the parser.
pub(in crate::document) fn load(text: &str) -> Option<Vec<Node>> {
    let mut tree = Tree {
        stacks: STACKS.take(),
        ..Tree::default()
    };
    let read = super::read(text, &mut tree);
    let documents = std::mem::take(&mut tree.documents);
    STACKS.set(tree.stacks.emptied());
    read.map(|()| documents)
}

thread_local! {
    /// The stacks of the last load on this thread, empty but with their
    /// capacity: a file's stacks grew from nothing by doubling, each step
    /// a copy into memory not yet in the cache.
    static STACKS: std::cell::Cell<Stacks> = std::cell::Cell::default();
}

/// What this thread's kept stacks hold and have room for, in children
/// (for the tests: a refused load must leave them empty).
#[cfg(test)]
pub(super) fn kept_stacks() -> (usize, usize) {
    let stacks = STACKS.take();
    let held = stacks.open.len() + stacks.items.len() + stacks.entries.len();
    let room = stacks.open.capacity() + stacks.items.capacity() + stacks.entries.capacity();
    STACKS.set(stacks);
    (held, room)
}

/// The builder's working stacks, reused from one load to the next.
#[derive(Default)]
struct Stacks {
    /// Open collections, innermost last.
    open: Vec<Open>,
    /// Items of the open sequences, innermost last.
    items: Vec<Node>,
    /// Entries of the open mappings, innermost last.
    entries: Vec<(Node, Node)>,
}

impl Stacks {
    /// The stacks cleared (a load that gave up leaves nodes on them), and
    /// dropped when a huge file grew them: a thread keeps no more than
    /// configuration files need.
    fn emptied(mut self) -> Self {
        /// Most children the stacks keep room for between loads.
        const KEEP: usize = 1 << 12;
        if self.open.capacity() + self.items.capacity() + self.entries.capacity() > KEEP {
            return Stacks::default();
        }
        self.open.clear();
        self.items.clear();
        self.entries.clear();
        self
    }
}

/// A completed node with the measures of the builder's alias checks: the
/// nodes, the bytes of scalar text and the nesting depth of its subtree,
/// counted as the builder counts them (an alias adds its anchor's
/// measures, a merge key and its value count though they are merged).
#[derive(Clone)]
struct Built {
    /// The node.
    node: Node,
    /// Nodes in the subtree, the node included.
    size: usize,
    /// Bytes of scalar text in the subtree.
    bytes: usize,
    /// Nesting depth of sequences and mappings (0 for a scalar).
    depth: usize,
}

/// A sequence or mapping whose end event has not come yet.
struct Open {
    /// Its kind, and where its children start on the shared stacks.
    content: Content,
    /// Line of its start event.
    line: u32,
    /// Its anchor id, or 0.
    anchor: usize,
    /// Nodes in its children so far.
    size: usize,
    /// Bytes of scalar text in its children so far.
    bytes: usize,
    /// Deepest nesting among its children so far.
    depth: usize,
}

/// What an open collection holds.
enum Content {
    /// A sequence: its items are [`Stacks::items`] from this index on.
    Sequence(usize),
    /// A mapping.
    Mapping(OpenMapping),
}

/// An open mapping.
struct OpenMapping {
    /// Its own entries are [`Stacks::entries`] from this index on.
    first: usize,
    /// A key whose value has not come yet, and whether it is `<<`.
    key: Option<(Node, bool)>,
    /// Mappings to merge in when it ends, in order.
    merges: Vec<Mapping>,
    /// Whether a merge key was seen.
    has_merge_key: bool,
}

/// The builder's state.
#[derive(Default)]
struct Tree {
    /// Open collections and their children.
    stacks: Stacks,
    /// Anchored nodes of the current document by anchor id (the fast
    /// path numbers definitions from 1, so this is indexed directly).
    anchors: Vec<Option<Built>>,
    /// Nodes added by alias expansion so far, in the whole stream.
    alias_nodes: usize,
    /// Bytes of scalar text added by alias expansion so far.
    alias_bytes: usize,
    /// Nodes in the copies of anchored nodes so far (an upper bound: the
    /// builder's measure of each).
    kept_nodes: usize,
    /// Bytes of scalar text in those copies so far.
    kept_bytes: usize,
    /// The current document's root, once complete.
    root: Option<Node>,
    /// Finished documents.
    documents: Vec<Node>,
}

impl<'a> Sink<'a> for Tree {
    #[inline(always)]
    fn event(&mut self, event: Event<'a>, span: Span) -> bool {
        let line = line_of(span.start);
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => Some(()),
            Event::DocumentStart(_) => {
                self.anchors.clear();
                Some(())
            }
            Event::DocumentEnd => {
                let root = self.root.take().unwrap_or(Node::new(Value::Null, line));
                self.documents.push(root);
                // A document always closes all it opened.
                self.stacks.open.is_empty().then_some(())
            }
            Event::Scalar(text, style, anchor, None) => self.scalar(text, style, anchor, line),
            Event::Scalar(_, _, _, Some(_)) => None,
            Event::Alias(id) => self.alias(id),
            Event::SequenceStart(anchor, None) => {
                self.start(Content::Sequence(self.stacks.items.len()), anchor, line)
            }
            Event::MappingStart(anchor, None) => {
                let content = Content::Mapping(OpenMapping {
                    first: self.stacks.entries.len(),
                    key: None,
                    merges: Vec::new(),
                    has_merge_key: false,
                });
                self.start(content, anchor, line)
            }
            Event::SequenceStart(_, Some(_)) | Event::MappingStart(_, Some(_)) => None,
            Event::SequenceEnd | Event::MappingEnd => self.end(),
        }
        .is_some()
    }
}

impl Tree {
    /// Types a scalar and adds it to its parent.
    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        line: u32,
    ) -> Option<()> {
        let plain = style == ScalarStyle::Plain;
        let bytes = text.len();
        let merge = merge::is_merge_key(&text, plain, false);
        let value = if plain {
            scalar::resolve_plain(&text).ok()?
        } else {
            Value::String(text.into())
        };
        let built = Built {
            node: Node::new(value, line),
            size: 1,
            bytes,
            depth: 0,
        };
        if anchor > 0 {
            self.register(anchor, &built)?;
        }
        self.complete(built, merge)
    }

    /// Adds a copy of an anchored node, unless that would go past the
    /// builder's expansion budgets or depth limit.
    fn alias(&mut self, id: usize) -> Option<()> {
        let anchor = self.anchors.get(id)?.as_ref()?;
        let nodes = self.alias_nodes.saturating_add(anchor.size);
        let bytes = self.alias_bytes.saturating_add(anchor.bytes);
        if nodes > MAX_ALIAS_NODES
            || bytes > MAX_ALIAS_BYTES
            || self.stacks.open.len().saturating_add(anchor.depth) > MAX_DEPTH
        {
            return None;
        }
        self.alias_nodes = nodes;
        self.alias_bytes = bytes;
        let built = anchor.clone();
        self.complete(built, false)
    }

    /// Opens a sequence or mapping.
    fn start(&mut self, content: Content, anchor: usize, line: u32) -> Option<()> {
        if self.stacks.open.len() >= MAX_DEPTH {
            return None;
        }
        self.stacks.open.push(Open {
            content,
            line,
            anchor,
            size: 0,
            bytes: 0,
            depth: 0,
        });
        Some(())
    }

    /// Closes the innermost collection: its children in one allocation,
    /// keys checked distinct, merges applied; then adds it to its parent.
    fn end(&mut self) -> Option<()> {
        let open = self.stacks.open.pop()?;
        let value = match open.content {
            Content::Sequence(first) => Value::Sequence(self.stacks.items.drain(first..).collect()),
            Content::Mapping(mapping) => {
                if mapping.key.is_some() {
                    return None;
                }
                let entries = self.stacks.entries.drain(mapping.first..).collect();
                let mut own = Mapping::from_distinct(entries)?;
                if !mapping.merges.is_empty() {
                    merge::apply(&mut own, mapping.merges);
                }
                Value::Mapping(own)
            }
        };
        let built = Built {
            node: Node::new(value, open.line),
            size: open.size.saturating_add(1),
            bytes: open.bytes,
            depth: open.depth + 1,
        };
        if open.anchor > 0 {
            self.register(open.anchor, &built)?;
        }
        self.complete(built, false)
    }

    /// Keeps a copy of an anchored node for its aliases, unless the
    /// copies would go past the expansion budgets.
    fn register(&mut self, id: usize, built: &Built) -> Option<()> {
        self.kept_nodes = self.kept_nodes.saturating_add(built.size);
        self.kept_bytes = self.kept_bytes.saturating_add(built.bytes);
        if self.kept_nodes > MAX_ALIAS_NODES || self.kept_bytes > MAX_ALIAS_BYTES {
            return None;
        }
        if self.anchors.len() <= id {
            self.anchors.resize(id + 1, None);
        }
        self.anchors[id] = Some(built.clone());
        Some(())
    }

    /// Adds a completed node to the innermost open collection, or makes it
    /// the document's root.
    fn complete(&mut self, built: Built, merge: bool) -> Option<()> {
        let Some(open) = self.stacks.open.last_mut() else {
            self.root = Some(built.node);
            return Some(());
        };
        open.size = open.size.saturating_add(built.size);
        open.bytes = open.bytes.saturating_add(built.bytes);
        open.depth = open.depth.max(built.depth);
        match &mut open.content {
            Content::Sequence(_) => self.stacks.items.push(built.node),
            Content::Mapping(mapping) => match mapping.key.take() {
                None => {
                    if merge {
                        if mapping.has_merge_key {
                            return None;
                        }
                        mapping.has_merge_key = true;
                    }
                    mapping.key = Some((built.node, merge));
                }
                Some((_, true)) => mapping.merges.extend(merge::sources(built.node).ok()?),
                Some((key, false)) => self.stacks.entries.push((key, built.node)),
            },
        }
        Some(())
    }
}
