//! Documents: the bytes of one configuration file, loaded into a [`Node`]
//! tree under the YAML 1.2 core schema.
//!
//! The loader drives `saphyr_parser`'s event stream itself (it does not
//! recurse), so it can cap nesting depth and alias expansion (in nodes and
//! in bytes of text), apply merge keys and core tags, and keep integers of
//! any size exact — the things a configuration diff needs that a general
//! YAML loader does not give.

mod builder;
mod fast;
mod loader;
mod mapping;
mod merge;
mod scalar;
mod tag;
mod text;
mod value;

pub use loader::{
    ExpansionLimit, LoadError, MAX_ALIAS_BYTES, MAX_ALIAS_NODES, MAX_DEPTH, MAX_FLOW_DEPTH,
    Nesting, load, load_documents,
};
pub use value::{Integer, Key, Mapping, Node, Tagged, Text, Value, ValueType};
