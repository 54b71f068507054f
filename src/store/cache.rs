//! The cache of pair results: what comparing two blobs under some options
//! gave, so that a pair compared once is never loaded and diffed again.
//!
//! A row is keyed by the two blob ids (hex, as the services table writes
//! them) and the caller's digest of the options that decide the result.
//! A row that does not verify (see [`super::payload`]) or does not parse
//! is a miss: the caller compares the pair again and its
//! [`Store::cache_outcomes`] replaces the row.

use std::collections::HashMap;

use gix::ObjectId;
use rusqlite::types::ValueRef;
use rusqlite::{TransactionBehavior, params};

use super::{Store, StoreError, payload};
use crate::report::Outcome;

/// The first schema version with the cache table.
const CACHE_VERSION: i64 = 4;

const INSERT: &str = "
    INSERT OR REPLACE INTO pair_cache (left_blob, right_blob, options, outcome, checksum)
    VALUES (?1, ?2, ?3, ?4, ?5)";

/// One key's row. Looked up key by key with this one prepared statement:
/// measured on 20,000 keys, as fast as joining them with a VALUES list
/// or a temp table (each is a primary-key search per key), and simpler.
const LOOKUP: &str = "
    SELECT outcome, checksum FROM pair_cache
    WHERE left_blob = ?1 AND right_blob = ?2 AND options = ?3";

impl Store {
    /// The cached outcomes of those `keys` (left blob, right blob) that
    /// were compared under options `digest`. A key without a row, or
    /// whose row is damaged, is simply not in the map. Reads one
    /// snapshot. A database at a schema older than the cache (opened
    /// read-only, not migrated) has nothing cached.
    pub fn cached_outcomes(
        &self,
        digest: &str,
        keys: &[(ObjectId, ObjectId)],
    ) -> Result<HashMap<(ObjectId, ObjectId), Outcome>, StoreError> {
        let mut found = HashMap::new();
        if self.version < CACHE_VERSION || keys.is_empty() {
            return Ok(found);
        }
        let read = |error| StoreError::Read {
            path: self.path.clone(),
            error,
        };
        let tx = self.conn.unchecked_transaction().map_err(read)?;
        {
            let mut lookup = tx.prepare_cached(LOOKUP).map_err(read)?;
            for key @ (left, right) in keys {
                let (left, right) = (left.to_string(), right.to_string());
                let mut rows = lookup.query(params![left, right, digest]).map_err(read)?;
                let Some(row) = rows.next().map_err(read)? else {
                    continue;
                };
                // Read as raw values: a column of the wrong type is a
                // damaged row, a miss, not an error.
                let (ValueRef::Text(text), ValueRef::Integer(sum)) =
                    (row.get_ref(0).map_err(read)?, row.get_ref(1).map_err(read)?)
                else {
                    continue;
                };
                let Ok(text) = std::str::from_utf8(text) else {
                    continue;
                };
                if payload::checksum(digest, &left, &right, text) != sum {
                    continue;
                }
                if let Some(outcome) = payload::decode(text) {
                    found.insert(*key, outcome);
                }
            }
        }
        // Only read: nothing to keep, and dropping would roll back too.
        tx.commit().map_err(read)?;
        Ok(found)
    }

    /// Caches each entry's outcome for its (left blob, right blob) under
    /// options `digest`, replacing what was cached for the same key, all
    /// in one transaction: on error nothing is written. Outcomes that are
    /// not pair results (`MissingLeft`, `MissingRight`) are skipped.
    pub fn cache_outcomes(
        &mut self,
        digest: &str,
        entries: &[((ObjectId, ObjectId), Outcome)],
    ) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let write = |error| StoreError::CacheWrite {
            path: self.path.clone(),
            error,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(write)?;
        {
            let mut insert = tx.prepare_cached(INSERT).map_err(write)?;
            for ((left, right), outcome) in entries {
                let encoded = payload::encode(outcome)
                    .map_err(|e| write(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
                let Some(encoded) = encoded else {
                    continue;
                };
                let (left, right) = (left.to_string(), right.to_string());
                let sum = payload::checksum(digest, &left, &right, &encoded);
                insert
                    .execute(params![left, right, digest, encoded, sum])
                    .map_err(write)?;
            }
        }
        tx.commit().map_err(write)
    }
}
