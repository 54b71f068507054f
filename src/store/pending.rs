//! Runs whose service and difference rows are written later.
//!
//! A server saves run after run of the same 150 services. Each service's
//! rows land on their own page of the two secondary indexes
//! (`services_by_name`, `differences_by_path`), so a save of one run
//! wrote about 280 pages, 250 of them index pages, and that was most of a
//! cached request's time. A server's save writes instead the run's row
//! and one `pending_rows` row holding its services as one document: a
//! handful of pages, appended. Its background thread then moves pending
//! runs into `services` and `differences` many at a time ([`settle`]), so
//! the index pages are written once for many runs.
//!
//! Nothing is less safe for it: the run's row and its document commit in
//! one transaction, so a run is whole or absent; `show` and the server
//! read a pending run from its document ([`Store::pending_services`]);
//! and any process that opens the database for writing settles what a
//! stopped server left. The one thing that waits is SQL run by hand on
//! `services` and `differences`: a server's run shows there when its
//! thread next settles, within a second.
//!
//! The document is a JSON array, one object per service in report order:
//! `service`, `left_blob`, `right_blob`, `status`, and for a service that
//! was compared its `outcome` in the pair cache's encoding
//! ([`super::payload`]), which round-trips every outcome exactly.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Store, StoreError, payload, save};
use crate::report::{Outcome, ServiceReport, Status};

/// The first schema version with `pending_rows`.
pub(super) const PENDING_VERSION: i64 = 7;

/// The document of `services`, or an error when an outcome does not
/// serialize (it always does: values are JSON text already).
pub(super) fn encode(services: &[ServiceReport]) -> serde_json::Result<String> {
    let mut out = String::with_capacity(256 * services.len().max(1));
    out.push('[');
    for (i, service) in services.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"service\":");
        out.push_str(&serde_json::to_string(&service.service)?);
        out.push_str(",\"left_blob\":");
        out.push_str(&serde_json::to_string(&service.left_blob)?);
        out.push_str(",\"right_blob\":");
        out.push_str(&serde_json::to_string(&service.right_blob)?);
        out.push_str(",\"status\":\"");
        out.push_str(service.outcome.status().name());
        out.push('"');
        if let Some(outcome) = payload::encode(&service.outcome)? {
            out.push_str(",\"outcome\":");
            out.push_str(&outcome);
        }
        out.push('}');
    }
    out.push(']');
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceIn<'a> {
    service: String,
    left_blob: Option<String>,
    right_blob: Option<String>,
    #[serde(borrow)]
    status: &'a str,
    #[serde(borrow, default)]
    outcome: Option<&'a RawValue>,
}

/// The services a document holds, or `None` when it is not one
/// [`encode`] writes.
pub(super) fn decode(text: &str) -> Option<Vec<ServiceReport>> {
    let wire: Vec<ServiceIn<'_>> = serde_json::from_str(text).ok()?;
    wire.into_iter()
        .map(|service| {
            let status = Status::from_name(service.status)?;
            let outcome = match (status, service.outcome) {
                (Status::MissingLeft, None) => Outcome::MissingLeft,
                (Status::MissingRight, None) => Outcome::MissingRight,
                (_, Some(outcome)) => payload::decode(outcome.get())?,
                (_, None) => return None,
            };
            (outcome.status() == status).then_some(ServiceReport {
                service: service.service,
                left_blob: service.left_blob,
                right_blob: service.right_blob,
                outcome,
            })
        })
        .collect()
}

/// Moves up to `max_runs` pending runs, oldest first, into `services` and
/// `differences` in one transaction, and returns how many it moved. A
/// document that does not decode stays where it is (`show` of that run
/// reports it damaged) and does not stop the others.
pub(super) fn settle(conn: &mut Connection, max_runs: usize) -> rusqlite::Result<usize> {
    // Most calls find nothing: a read, not a write lock, says so.
    let any: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM pending_rows)", [], |row| {
        row.get(0)
    })?;
    if !any {
        return Ok(0);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut runs = Vec::new();
    {
        let mut stmt = tx.prepare("SELECT run_id, services FROM pending_rows ORDER BY run_id")?;
        let mut rows = stmt.query([])?;
        while runs.len() < max_runs {
            let Some(row) = rows.next()? else { break };
            let run_id: i64 = row.get(0)?;
            let text = row.get_ref(1)?.as_str()?;
            if let Some(services) = decode(text) {
                runs.push((run_id, services));
            }
        }
    }
    {
        let mut remove = tx.prepare_cached("DELETE FROM pending_rows WHERE run_id = ?1")?;
        for (run_id, services) in &runs {
            save::insert_rows(&tx, *run_id, services, &save::TestHooks::none())?;
            remove.execute([run_id])?;
        }
    }
    let moved = runs.len();
    tx.commit()?;
    Ok(moved)
}

impl Store {
    /// The services of run `id` while it is pending, read from its
    /// document; `None` once its rows are written (or before the schema
    /// had pending runs).
    pub(super) fn pending_services(
        &self,
        id: i64,
    ) -> Result<Option<Vec<ServiceReport>>, StoreError> {
        if self.version < PENDING_VERSION {
            return Ok(None);
        }
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT services FROM pending_rows WHERE run_id = ?1",
                [id],
                |row| row.get(0),
            )
            .optional()
            .map_err(|error| StoreError::Read {
                path: self.path.clone(),
                error,
            })?;
        text.map(|text| {
            decode(&text).ok_or_else(|| StoreError::Damaged {
                id,
                path: self.path.clone(),
                detail: "its pending services do not read".to_owned(),
            })
        })
        .transpose()
    }

    /// Writes the rows of up to `max_runs` pending runs (see the module
    /// documentation) and returns how many runs it wrote.
    pub fn settle_pending(&mut self, max_runs: usize) -> Result<usize, StoreError> {
        if self.version < PENDING_VERSION {
            return Ok(0);
        }
        settle(&mut self.conn, max_runs).map_err(|error| StoreError::Save {
            path: self.path.clone(),
            error,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::value::RawValue;

    use super::*;
    use crate::diff::{Difference, Kind, Path, Segment, SideValue};
    use crate::document::ValueType;
    use crate::report::{ErrorKind, ServiceFailure};

    fn value(json: &str, value_type: ValueType, line: u32) -> Option<SideValue> {
        Some(SideValue {
            json: RawValue::from_string(json.to_owned()).unwrap(),
            value_type,
            line,
        })
    }

    fn service(name: &str, outcome: Outcome) -> ServiceReport {
        let blob = |c: char| Some(c.to_string().repeat(40));
        ServiceReport {
            service: name.to_owned(),
            left_blob: (!matches!(outcome, Outcome::MissingLeft))
                .then(|| blob('a'))
                .flatten(),
            right_blob: (!matches!(outcome, Outcome::MissingRight))
                .then(|| blob('b'))
                .flatten(),
            outcome,
        }
    }

    #[test]
    fn every_kind_of_service_round_trips_in_order() {
        let changed = Difference {
            path: Path(vec![
                Segment::Key("shards".to_owned()),
                Segment::key("2".to_owned(), ValueType::Int),
            ]),
            kind: Kind::Changed,
            left: value("\"b\"", ValueType::String, 3),
            right: value("\"c\"", ValueType::String, 3),
            ignored_by: None,
        };
        let ignored = Difference {
            ignored_by: Some(0),
            ..changed.clone()
        };
        let services = vec![
            service("same", Outcome::Identical),
            service(
                "diff \"quoted\" \u{7}",
                Outcome::Different(vec![changed, ignored.clone()]),
            ),
            // Identical under rules that ignored every difference.
            service("all-ignored", Outcome::Different(vec![ignored])),
            service("gone", Outcome::MissingRight),
            service("new", Outcome::MissingLeft),
            service(
                "broken",
                Outcome::Error(ServiceFailure {
                    kind: ErrorKind::InvalidYaml,
                    message: "left: line 1: did not find expected node".to_owned(),
                }),
            ),
        ];
        let text = encode(&services).unwrap();
        assert_eq!(decode(&text), Some(services), "{text}");
        assert_eq!(decode(&encode(&[]).unwrap()), Some(Vec::new()));
    }

    #[test]
    fn documents_it_never_writes_are_refused() {
        let blob = "\"0000000000000000000000000000000000000000\"";
        for bad in [
            String::new(),
            "{}".to_owned(),
            r#"[{"service":"a","left_blob":null,"right_blob":null,"status":"identical"}]"#
                .to_owned(),
            format!(
                r#"[{{"service":"a","left_blob":{blob},"right_blob":{blob},"status":"different","outcome":{{"status":"identical"}}}}]"#
            ),
            format!(
                r#"[{{"service":"a","left_blob":null,"right_blob":{blob},"status":"missing_left","outcome":{{"status":"identical"}}}}]"#
            ),
            r#"[{"service":"a","left_blob":null,"right_blob":null,"status":"lost"}]"#.to_owned(),
            r#"[{"service":"a","left_blob":null,"right_blob":null,"status":"missing_left","extra":1}]"#
                .to_owned(),
        ] {
            assert_eq!(decode(&bad), None, "{bad}");
        }
    }
}
