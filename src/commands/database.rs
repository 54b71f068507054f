//! Finding and opening the database a command works on.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use anyhow::{Context, anyhow};

use crate::cli::DbArgs;
use crate::engine::{Engine, EngineConfig};
use crate::store::{self, Store};

/// Opens (creating if needed) the database runs are saved in. Only the
/// default location's folder is created: a folder the user named that
/// does not exist is more likely a typo than a wish.
pub(super) fn open_for_saving(db: &DbArgs) -> anyhow::Result<Store> {
    let path = match &db.db {
        Some(path) => path.clone(),
        None => {
            let path = default_path()?;
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder).with_context(|| {
                    format!(
                        "cannot create folder '{}' for the default database; pass --db PATH",
                        folder.display()
                    )
                })?;
            }
            path
        }
    };
    Ok(Store::open(&path)?)
}

/// An engine over the database saved runs are read from, opened
/// read-only; it must exist.
pub(super) fn open_for_reading(db: &DbArgs) -> anyhow::Result<Engine> {
    let path = match &db.db {
        Some(path) => path.clone(),
        None => default_path()?,
    };
    let store = Store::open_existing(&path)?;
    Ok(Engine::new(EngineConfig {
        jobs: NonZeroUsize::new(1),
        store: Some(store),
        ..EngineConfig::default()
    })?)
}

/// An engine over an existing database opened for writing, for the
/// commands that change what was saved (`gc`); it must exist.
pub(super) fn open_for_cleaning(db: &DbArgs) -> anyhow::Result<Engine> {
    let path = match &db.db {
        Some(path) => path.clone(),
        None => default_path()?,
    };
    let store = Store::open_existing_writable(&path)?;
    Ok(Engine::new(EngineConfig {
        jobs: NonZeroUsize::new(1),
        store: Some(store),
        ..EngineConfig::default()
    })?)
}

fn default_path() -> anyhow::Result<PathBuf> {
    store::default_path().ok_or_else(|| {
        anyhow!(
            "this system has no user data folder for the default database; pass --db PATH or set CONFDIFF_DB"
        )
    })
}
