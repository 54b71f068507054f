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
/// `differences` in one transaction, and returns how many it moved. A run
/// whose document does not decode, or whose rows do not go in (a row of
/// the same key already there), stays pending (`show` still reads it
/// from its document) and does not stop the others.
pub(super) fn settle(conn: &mut Connection, max_runs: usize) -> rusqlite::Result<usize> {
    // Most calls find nothing: a read, not a write lock, says so.
    let any: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM pending_rows)", [], |row| {
        row.get(0)
    })?;
    if !any {
        return Ok(0);
    }
    let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let ids: Vec<i64> = tx
        .prepare("SELECT run_id FROM pending_rows ORDER BY run_id")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let mut moved = 0;
    for run_id in ids {
        if moved == max_runs {
            break;
        }
        let services = tx.query_row(
            "SELECT services FROM pending_rows WHERE run_id = ?1",
            [run_id],
            |row| Ok(row.get_ref(0)?.as_str().ok().and_then(decode)),
        )?;
        let Some(services) = services else { continue };
        let run = tx.savepoint()?;
        let written = save::insert_rows(&run, run_id, &services, &save::TestHooks::none())
            .and_then(|()| run.execute("DELETE FROM pending_rows WHERE run_id = ?1", [run_id]));
        if written.is_ok() {
            run.commit()?;
            moved += 1;
        }
    }
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
        let found: Option<Option<Vec<ServiceReport>>> = self
            .conn
            .query_row(
                "SELECT services FROM pending_rows WHERE run_id = ?1",
                [id],
                |row| Ok(row.get_ref(0)?.as_str().ok().and_then(decode)),
            )
            .optional()
            .map_err(|error| StoreError::Read {
                path: self.path.clone(),
                error,
            })?;
        found
            .map(|services| {
                services.ok_or_else(|| StoreError::Damaged {
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
    use super::*;
    use crate::diff::{Difference, Kind, Path, Segment};
    use crate::document::ValueType;
    use crate::report::{ErrorKind, ServiceFailure};
    use crate::store::payload::tests::value;

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

    #[test]
    fn a_run_whose_rows_cannot_go_in_stays_pending_readable_and_stops_no_other() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.db");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        for id in 1..=3 {
            conn.execute(
                "INSERT INTO runs VALUES (?1, 't', 'r', 'a', 'c', 'p', 'b', 'c', 'q', 'f', 'v',
                                         1, 1, 1, 0, 0, 0, 0, 0, NULL, NULL)",
                [id],
            )
            .unwrap();
        }
        let same = vec![service("same", Outcome::Identical)];
        let document = encode(&same).unwrap();
        // Run 1 has a row of the same key already, run 2 a document that
        // is not text; run 3 is fine.
        conn.execute_batch(
            "INSERT INTO services (run_id, service, ordinal, status) VALUES (1, 'same', 0, 'identical')",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO pending_rows VALUES (1, ?1), (2, x'00ff'), (3, ?1)",
            [&document],
        )
        .unwrap();
        drop(conn);

        let mut store = Store::open(&path).unwrap();
        let pending = |store: &Store| -> Vec<i64> {
            let mut stmt = store
                .conn
                .prepare("SELECT run_id FROM pending_rows ORDER BY run_id")
                .unwrap();
            stmt.query_map([], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        assert_eq!(pending(&store), [1, 2]);
        assert_eq!(store.load_run(3).unwrap().services, same);
        assert_eq!(store.load_run(1).unwrap().services, same);
        assert!(
            matches!(store.load_run(2), Err(StoreError::Damaged { id: 2, .. })),
            "{:?}",
            store.load_run(2).err()
        );
        assert_eq!(store.settle_pending(usize::MAX).unwrap(), 0);
        assert_eq!(pending(&store), [1, 2]);
    }
}
