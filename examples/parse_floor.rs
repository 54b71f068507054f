//! The parse floor: how long confdiff's YAML loader alone takes to load a
//! set of blobs, in one thread, with nothing else going on (no repository,
//! no diff, no output). `benches/run.sh` compares a whole `compare` against
//! this plus the time `git cat-file --batch` needs to print the same blobs.
//!
//! Input is the output of `git cat-file --batch` (`<id> blob <size>\n`,
//! the bytes, `\n`, repeated), read fully into memory before any timing:
//!
//! ```sh
//! git -C REPO cat-file --batch < blob-ids.txt > blobs.batch
//! cargo run --release --example parse_floor -- --runs 5 blobs.batch
//! ```
//!
//! It loads every blob once as a warm-up, then `--runs` more times, and
//! prints one line of JSON: the blob count and bytes, how many failed to
//! load, each run's milliseconds and their median.

use std::time::Instant;

use anyhow::{Context, bail};

/// The same allocator as the confdiff binary, so the floor measures the
/// same loader.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let mut runs = 5usize;
    let mut path = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                let value = args.next().context("--runs needs a number")?;
                runs = value
                    .parse()
                    .with_context(|| format!("--runs: '{value}' is not a number"))?;
            }
            "-h" | "--help" => {
                println!("usage: parse_floor [--runs N] BATCH_FILE  (git cat-file --batch output)");
                return Ok(());
            }
            _ if path.is_none() => path = Some(arg),
            _ => bail!("unexpected argument '{arg}'"),
        }
    }
    let path = path.context("give the file that holds `git cat-file --batch` output")?;
    if runs == 0 {
        bail!("--runs must be at least 1");
    }
    let input = std::fs::read(&path).with_context(|| format!("cannot read '{path}'"))?;
    let blobs = split_batch(&input).with_context(|| format!("'{path}' is not cat-file output"))?;
    let bytes: usize = blobs.iter().map(|b| b.len()).sum();

    let errors = load_all(&blobs); // warm-up
    let mut times_ms: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            load_all(&blobs);
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let runs_ms = times_ms.clone();
    times_ms.sort_by(f64::total_cmp);
    let mid = times_ms.len() / 2;
    let median_ms = if times_ms.len() % 2 == 1 {
        times_ms[mid]
    } else {
        (times_ms[mid - 1] + times_ms[mid]) / 2.0
    };
    let report = serde_json::json!({
        "blobs": blobs.len(),
        "bytes": bytes,
        "errors": errors,
        "runs_ms": runs_ms,
        "median_ms": median_ms,
    });
    println!("{report}");
    Ok(())
}

/// Loads every blob, dropping each document at once as `compare` does;
/// returns how many failed to load.
fn load_all(blobs: &[&[u8]]) -> usize {
    blobs
        .iter()
        .filter(|blob| std::hint::black_box(confdiff::load(blob)).is_err())
        .count()
}

/// Splits `git cat-file --batch` output into the objects' contents.
fn split_batch(mut input: &[u8]) -> anyhow::Result<Vec<&[u8]>> {
    let mut blobs = Vec::new();
    while !input.is_empty() {
        let end = input
            .iter()
            .position(|&b| b == b'\n')
            .context("header line without a newline")?;
        let header = std::str::from_utf8(&input[..end]).context("header is not UTF-8")?;
        let mut fields = header.split(' ');
        let (id, kind, size) = (fields.next(), fields.next(), fields.next());
        let size: usize = match (kind, size) {
            (Some("blob"), Some(size)) => size
                .parse()
                .with_context(|| format!("bad size in header '{header}'"))?,
            _ => bail!("object {} is not a blob: '{header}'", id.unwrap_or("?")),
        };
        let body = end + 1;
        if input.len() < body + size + 1 {
            bail!("object {} is cut short", id.unwrap_or("?"));
        }
        blobs.push(&input[body..body + size]);
        input = &input[body + size + 1..];
    }
    Ok(blobs)
}
