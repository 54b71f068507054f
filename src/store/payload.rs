//! How a cached pair result is written in its row: the outcome as compact
//! JSON, and a checksum over the row's key and that text.
//!
//! The JSON mirrors the contract (`status`, `differences`, `error_kind`,
//! `error`; each difference's `path`, `kind`, `left`/`right` with `value`,
//! `type` and `line`), plus the path's `key_types` where a key is not a
//! string, so `json_extract` reads it like the run tables. Values are
//! embedded as the exact JSON text the contract prints.
//!
//! The checksum is what makes a damaged row a miss rather than a wrong
//! answer: it covers the blob ids and options digest as well as the text,
//! so a row edited, truncated or moved to another key no longer verifies.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::diff::{Difference, Kind, Path, SideValue};
use crate::document::ValueType;
use crate::report::{ErrorKind, Outcome, ServiceFailure};

/// Mixed into every checksum. Changing how outcomes are written means
/// changing this, so rows written the old way stop verifying and are
/// recomputed instead of misread.
const ENCODING: &[u8] = b"confdiff pair cache, encoding 1";

/// A row's key and payload, checksummed: CRC-32 (the IEEE polynomial,
/// as zlib and gzip use it) over the encoding tag and each field, each
/// ended by a NUL byte (none holds one: hex ids, a digest, JSON text).
/// CRC-32 is made for catching damage (every burst of up to 32 bits, a
/// random change missed once in four billion) and runs at memory speed.
/// Not a defence against someone who forges a row: who can do that can
/// write the database anyway.
pub(super) fn checksum(digest: &str, left: &str, right: &str, payload: &str) -> i64 {
    let mut crc = crc32fast::Hasher::new();
    for part in [
        ENCODING,
        digest.as_bytes(),
        left.as_bytes(),
        right.as_bytes(),
        payload.as_bytes(),
    ] {
        crc.update(part);
        crc.update(&[0]);
    }
    i64::from(crc.finalize())
}

#[derive(Serialize)]
struct OutcomeOut<'a> {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    differences: Option<Vec<DifferenceOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct DifferenceOut<'a> {
    path: &'a Path,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_types: Option<Box<RawValue>>,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    left: Option<SideOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    right: Option<SideOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ignored_by: Option<u32>,
}

#[derive(Serialize)]
struct SideOut<'a> {
    value: &'a RawValue,
    #[serde(rename = "type")]
    value_type: &'static str,
    line: u32,
}

impl<'a> SideOut<'a> {
    fn new(side: &'a SideValue) -> Self {
        SideOut {
            value: &side.json,
            value_type: side.value_type.name(),
            line: side.line,
        }
    }
}

/// The payload of a pair result, or `None` for an outcome that is not
/// one (`missing_left`, `missing_right`: there is no pair of blobs).
pub(super) fn encode(outcome: &Outcome) -> serde_json::Result<Option<String>> {
    let wire = match outcome {
        Outcome::MissingLeft | Outcome::MissingRight => return Ok(None),
        Outcome::Identical => OutcomeOut {
            status: "identical",
            differences: None,
            error_kind: None,
            error: None,
        },
        Outcome::Different(differences) => OutcomeOut {
            status: "different",
            differences: Some(
                differences
                    .iter()
                    .map(|d| {
                        Ok(DifferenceOut {
                            path: &d.path,
                            key_types: d
                                .path
                                .key_types_json()
                                .map(RawValue::from_string)
                                .transpose()?,
                            kind: d.kind.name(),
                            left: d.left.as_ref().map(SideOut::new),
                            right: d.right.as_ref().map(SideOut::new),
                            ignored_by: d.ignored_by,
                        })
                    })
                    .collect::<serde_json::Result<_>>()?,
            ),
            error_kind: None,
            error: None,
        },
        Outcome::Error(failure) => OutcomeOut {
            status: "error",
            differences: None,
            error_kind: Some(failure.kind.name()),
            error: Some(&failure.message),
        },
    };
    serde_json::to_string(&wire).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeIn<'a> {
    #[serde(borrow)]
    status: &'a str,
    #[serde(default, borrow)]
    differences: Option<Vec<DifferenceIn<'a>>>,
    #[serde(default, borrow)]
    error_kind: Option<&'a str>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DifferenceIn<'a> {
    #[serde(borrow)]
    path: &'a RawValue,
    #[serde(default, borrow)]
    key_types: Option<&'a RawValue>,
    #[serde(borrow)]
    kind: &'a str,
    #[serde(default, borrow)]
    left: Option<SideIn<'a>>,
    #[serde(default, borrow)]
    right: Option<SideIn<'a>>,
    #[serde(default)]
    ignored_by: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SideIn<'a> {
    #[serde(borrow)]
    value: &'a RawValue,
    #[serde(rename = "type", borrow)]
    value_type: &'a str,
    line: u32,
}

/// The outcome a payload holds, or `None` when it is not one this
/// encoding writes: the caller treats that row as missing.
pub(super) fn decode(payload: &str) -> Option<Outcome> {
    let wire: OutcomeIn<'_> = serde_json::from_str(payload).ok()?;
    match (wire.status, wire.differences, wire.error_kind, wire.error) {
        ("identical", None, None, None) => Some(Outcome::Identical),
        ("different", Some(differences), None, None) => differences
            .into_iter()
            .map(difference)
            .collect::<Option<_>>()
            .map(Outcome::Different),
        ("error", None, Some(kind), Some(message)) => Some(Outcome::Error(ServiceFailure {
            kind: ErrorKind::from_name(kind)?,
            message,
        })),
        _ => None,
    }
}

fn difference(wire: DifferenceIn<'_>) -> Option<Difference> {
    let kind = Kind::from_name(wire.kind)?;
    let (left, right) = (side(wire.left)?, side(wire.right)?);
    // Exactly the sides the kind has: a row that says otherwise is not
    // one this encoding wrote.
    let sides_fit = match kind {
        Kind::Added => left.is_none() && right.is_some(),
        Kind::Removed => left.is_some() && right.is_none(),
        Kind::Changed | Kind::TypeChanged => left.is_some() && right.is_some(),
    };
    if !sides_fit {
        return None;
    }
    Some(Difference {
        path: Path::from_stored(wire.path.get(), wire.key_types.map(RawValue::get)).ok()?,
        kind,
        left,
        right,
        ignored_by: wire.ignored_by,
    })
}

/// `Some(None)` for an absent side, `None` for a side that is not valid.
fn side(wire: Option<SideIn<'_>>) -> Option<Option<SideValue>> {
    let Some(wire) = wire else {
        return Some(None);
    };
    Some(Some(SideValue {
        json: wire.value.to_owned(),
        value_type: ValueType::from_name(wire.value_type)?,
        line: wire.line,
    }))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::diff::Segment;

    /// A side value, for the tests of what is written with this encoding.
    pub(in crate::store) fn value(
        json: &str,
        value_type: ValueType,
        line: u32,
    ) -> Option<SideValue> {
        Some(SideValue {
            json: RawValue::from_string(json.to_owned()).unwrap(),
            value_type,
            line,
        })
    }

    #[test]
    fn the_checksum_is_crc32_and_covers_every_field() {
        // The published check value of CRC-32: "123456789".
        assert_eq!(crc32fast::hash(b"123456789"), 0xcbf4_3926);

        let base = checksum("d", "l", "r", "{}");
        assert_eq!(base, checksum("d", "l", "r", "{}"));
        for other in [
            checksum("e", "l", "r", "{}"),
            checksum("d", "m", "r", "{}"),
            checksum("d", "l", "s", "{}"),
            checksum("d", "l", "r", "{ }"),
            // The separators keep fields apart.
            checksum("dl", "", "r", "{}"),
            checksum("d", "r", "l", "{}"),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn every_outcome_round_trips() {
        let path = Path(vec![
            Segment::Key("shards".to_owned()),
            Segment::key("2".to_owned(), ValueType::Int),
            Segment::Index(0),
        ]);
        let outcomes = [
            Outcome::Identical,
            Outcome::Different(vec![
                Difference {
                    path: path.clone(),
                    kind: Kind::Added,
                    left: None,
                    right: value(r#"{"a":[1,"x\n"]}"#, ValueType::Mapping, 3),
                    ignored_by: None,
                },
                Difference {
                    path: Path::default(),
                    kind: Kind::TypeChanged,
                    left: value(r#"".inf""#, ValueType::Float, 1),
                    right: value("123456789012345678901234567890", ValueType::Int, 2),
                    ignored_by: Some(1),
                },
            ]),
            Outcome::Error(ServiceFailure {
                kind: ErrorKind::TooDeep,
                message: "left: nested \"deeper\" than 1000 levels\n".to_owned(),
            }),
        ];
        for outcome in outcomes {
            let payload = encode(&outcome).unwrap().unwrap();
            assert_eq!(decode(&payload), Some(outcome), "{payload}");
        }
    }

    #[test]
    fn missing_services_are_not_pair_results() {
        assert_eq!(encode(&Outcome::MissingLeft).unwrap(), None);
        assert_eq!(encode(&Outcome::MissingRight).unwrap(), None);
    }

    #[test]
    fn payloads_this_encoding_never_writes_are_refused() {
        let bad = [
            "",
            "null",
            "[]",
            r#"{"status":"missing_left"}"#,
            r#"{"status":"identical","differences":[]}"#,
            r#"{"status":"identical","extra":1}"#,
            r#"{"status":"different"}"#,
            r#"{"status":"error","error_kind":"not_utf8"}"#,
            r#"{"status":"error","error_kind":"on_fire","error":"x"}"#,
            r#"{"status":"different","differences":[{"path":["a"],"kind":"moved"}]}"#,
            r#"{"status":"different","differences":[{"path":{},"kind":"added","right":{"value":1,"type":"int","line":1}}]}"#,
            r#"{"status":"different","differences":[{"path":["a"],"kind":"added","right":{"value":1,"type":"integer","line":1}}]}"#,
            r#"{"status":"different","differences":[{"path":["a"],"kind":"added","right":{"value":1,"type":"int","line":-1}}]}"#,
            r#"{"status":"different","differences":[{"path":["a"],"kind":"added"}]}"#,
            r#"{"status":"different","differences":[{"path":["a"],"kind":"changed","left":{"value":1,"type":"int","line":1}}]}"#,
            r#"{"status":"different","differences":[{"path":["a"],"key_types":["int","int"],"kind":"removed","left":{"value":1,"type":"int","line":1}}]}"#,
        ];
        for payload in bad {
            assert_eq!(decode(payload), None, "{payload}");
        }
    }
}
