//! Human output: what a reviewer wants to read.
//!
//! A header with both sides, then each service that is not identical with
//! its differences one per line (sign, path as people write it, values
//! shortened to fit, line numbers; see [`fit`]), then a summary. Identical services are
//! counted, not listed.
//!
//! Everything that comes from the repository or the user goes through
//! [`terminal_safe`] (paths are safe by their own `Display`), so no name,
//! key, value or message can act on the terminal or split a line.

use std::borrow::Cow;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::PrintOptions;
use super::escape::{Escaped, terminal_safe};
use super::fit::{self, Shown};
use crate::diff::{Difference, Kind, SideValue};
use crate::document::ValueType;
use crate::report::{Outcome, Report, ServiceReport, SideReport, Summary};

/// Without a width, values longer than this many characters are shortened
/// with `…`.
pub(super) const MAX_VALUE_CHARS: usize = 48;
/// Without a width, paths are padded to align the values, up to this
/// width.
const MAX_PATH_COLUMN: usize = 40;

/// Styles, all plain when colour is off.
struct Palette {
    service: Style,
    added: Style,
    removed: Style,
    changed: Style,
    type_changed: Style,
    dim: Style,
    error: Style,
    missing: Style,
}

impl Palette {
    fn new(color: bool) -> Self {
        let style = |s: Style| if color { s } else { Style::new() };
        let fg = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
        Palette {
            service: style(Style::new().bold()),
            added: style(fg(AnsiColor::Green)),
            removed: style(fg(AnsiColor::Red)),
            changed: style(fg(AnsiColor::Yellow)),
            type_changed: style(fg(AnsiColor::Magenta)),
            dim: style(Style::new().dimmed()),
            error: style(fg(AnsiColor::Red).bold()),
            missing: style(fg(AnsiColor::Cyan)),
        }
    }

    fn kind(&self, kind: Kind) -> (Style, char) {
        match kind {
            Kind::Added => (self.added, '+'),
            Kind::Removed => (self.removed, '-'),
            Kind::Changed => (self.changed, '~'),
            Kind::TypeChanged => (self.type_changed, '!'),
        }
    }
}

/// Writes `report` for people, as `options` say.
pub fn print(report: &Report, options: &PrintOptions, out: &mut dyn Write) -> io::Result<()> {
    let palette = Palette::new(options.color);
    let fit = Fit::new(options);
    writeln!(
        out,
        "{}  →  {}   ({})",
        side_label(&report.left),
        side_label(&report.right),
        Escaped(&report.file)
    )?;
    writeln!(out)?;
    for (i, service) in report.services.iter().enumerate() {
        print_service(
            i,
            service,
            report,
            options.show_accepted,
            fit,
            &palette,
            out,
        )?;
    }
    writeln!(out)?;
    match &report.rules {
        None => writeln!(out, "{}", summary_line(&report.summary()))?,
        Some(_) => writeln!(
            out,
            "{}, {} ignored",
            summary_line(&report.summary()),
            report.ignored()
        )?,
    }
    if let Some(baseline) = &report.baseline
        && !baseline.stale.is_empty()
    {
        writeln!(
            out,
            "{} stale in {} (they matched nothing; `confdiff accept --prune` removes them):",
            if baseline.stale.len() == 1 {
                "1 entry is".to_owned()
            } else {
                format!("{} entries are", baseline.stale.len())
            },
            Escaped(&baseline.file)
        )?;
        for entry in &baseline.stale {
            writeln!(out, "  {}", Escaped(&stale_entry(entry)))?;
        }
    }
    if let Some(footer) = &options.footer {
        writeln!(
            out,
            "{}{}{}",
            palette.dim.render(),
            Escaped(footer),
            palette.dim.render_reset()
        )?;
    }
    Ok(())
}

/// `main:implementation_1 (3f2a9c1)`, safe for a terminal; a path on
/// disk alone.
pub(super) fn side_label(side: &SideReport) -> String {
    if side.commit.is_empty() {
        return Escaped(&side.path).to_string();
    }
    let short = side.commit.get(..7).unwrap_or(&side.commit);
    format!(
        "{}:{} ({})",
        Escaped(&side.rev),
        Escaped(&side.path),
        Escaped(short)
    )
}

/// A stale baseline entry in one line: `billing spec.replicas changed 3 → 5`.
fn stale_entry(entry: &serde_json::Value) -> String {
    let text = |key: &str| entry.get(key).map(|v| v.to_string());
    let mut parts = vec![entry["service"].as_str().unwrap_or_default().to_owned()];
    if let Some(status) = entry["status"].as_str() {
        parts.push(status.to_owned());
    }
    parts.extend(text("path"));
    if let Some(kind) = entry["kind"].as_str() {
        parts.push(kind.to_owned());
    }
    match (text("left"), text("right")) {
        (Some(l), Some(r)) => parts.push(format!("{l} → {r}")),
        (Some(v), None) | (None, Some(v)) => parts.push(v),
        (None, None) => {}
    }
    parts.join(" ")
}

fn print_service(
    index: usize,
    service: &ServiceReport,
    report: &Report,
    show_accepted: bool,
    fit: Fit,
    p: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    let accepted_note = if report.is_service_accepted(index) {
        " (accepted)"
    } else {
        ""
    };
    let name = format!(
        "{}{}{}",
        p.service.render(),
        Escaped(&service.service),
        p.service.render_reset()
    );
    match &service.outcome {
        Outcome::Identical => Ok(()),
        Outcome::MissingLeft => writeln!(
            out,
            "{name}  {}missing on the left{} (only in {}){accepted_note}",
            p.missing.render(),
            p.missing.render_reset(),
            Escaped(&report.right.path)
        ),
        Outcome::MissingRight => writeln!(
            out,
            "{name}  {}missing on the right{} (only in {}){accepted_note}",
            p.missing.render(),
            p.missing.render_reset(),
            Escaped(&report.left.path)
        ),
        Outcome::Error(failure) => writeln!(
            out,
            "{name}  {}error{}: {}",
            p.error.render(),
            p.error.render_reset(),
            Escaped(&failure.message)
        ),
        Outcome::Different(_) => {
            let reported = service.outcome.differences().unwrap_or_default();
            let ignored = service.outcome.ignored();
            let show = report.rules.as_ref().is_some_and(|r| r.show_ignored);
            if reported.is_empty() && !show {
                return Ok(());
            }
            let count = reported.len();
            let plural = if count == 1 { "" } else { "s" };
            let file = terminal_safe(&report.file);
            let (mut accepted, mut open) = (Vec::new(), Vec::new());
            for (d, difference) in reported.iter().enumerate() {
                if report.is_accepted(index, d) {
                    accepted.push(difference.clone());
                } else {
                    open.push(difference.clone());
                }
            }
            let mut header = format!("{name}  {count} difference{plural}");
            if !ignored.is_empty() {
                header.push_str(&format!(", {} ignored", ignored.len()));
            }
            if report.baseline.is_some() {
                header.push_str(&format!(" ({} accepted)", accepted.len()));
            }
            writeln!(out, "{header}")?;
            print_differences(&open, &file, fit, p, out)?;
            if !accepted.is_empty() {
                if show_accepted {
                    writeln!(out, "  accepted:")?;
                    print_differences(&accepted, &file, fit, p, out)?;
                } else {
                    writeln!(
                        out,
                        "  … {} accepted, not listed (--show-accepted lists them)",
                        accepted.len()
                    )?;
                }
            }
            if show && !ignored.is_empty() {
                writeln!(out, "  {}ignored:{}", p.dim.render(), p.dim.render_reset())?;
                print_differences(ignored, &file, fit, p, out)?;
            }
            Ok(())
        }
    }
}

/// How much of a path and its values a line may show.
#[derive(Debug, Clone, Copy)]
enum Fit {
    /// No width known: values cut at [`MAX_VALUE_CHARS`] each, paths
    /// whole; the output of confdiff before widths were known.
    Fixed,
    /// Difference lines fit in this many characters.
    Width(usize),
    /// Nothing is shortened.
    Full,
}

impl Fit {
    fn new(options: &PrintOptions) -> Self {
        match (options.full_values, options.width) {
            (true, _) => Fit::Full,
            (false, Some(width)) => Fit::Width(width),
            (false, None) => Fit::Fixed,
        }
    }
}

/// One service's differences, one per line, paths and values aligned.
fn print_differences(
    differences: &[Difference],
    file: &str,
    fit: Fit,
    p: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    let longest = |texts: &[String]| texts.iter().map(|t| fit::chars(t)).max().unwrap_or(0);
    let mut paths: Vec<String> = differences.iter().map(|d| d.path.to_string()).collect();
    let locations: Vec<String> = differences.iter().map(|d| location(file, d)).collect();
    let (path_width, values): (usize, Vec<String>) = match fit {
        Fit::Fixed | Fit::Full => {
            let per_side = matches!(fit, Fit::Fixed).then_some(MAX_VALUE_CHARS);
            let values = differences.iter().map(|d| values_text(d, per_side));
            (longest(&paths).min(MAX_PATH_COLUMN), values.collect())
        }
        Fit::Width(width) => {
            let sides: Vec<[Option<Shown>; 2]> = differences.iter().map(shown_sides).collect();
            let mut needs = fit::Needs::default();
            for ((path, [left, right]), location) in paths.iter().zip(&sides).zip(&locations) {
                needs.add(path, left.as_ref(), right.as_ref(), location);
            }
            let columns = fit::Columns::new(width, needs);
            for path in &mut paths {
                if let Cow::Owned(short) = fit::shorten_middle(path, columns.path) {
                    *path = short;
                }
            }
            let values = sides
                .iter()
                .map(|[left, right]| fit::values_in(left.as_ref(), right.as_ref(), columns.values));
            (columns.path, values.collect())
        }
    };
    let value_width = longest(&values);
    for (((difference, path), values), location) in
        differences.iter().zip(&paths).zip(&values).zip(&locations)
    {
        let (style, sign) = p.kind(difference.kind);
        writeln!(
            out,
            "  {}{sign} {path:<path_width$}{}  {values:<value_width$}  {}{location}{}",
            style.render(),
            style.render_reset(),
            p.dim.render(),
            p.dim.render_reset(),
        )?;
    }
    Ok(())
}

/// Each side's value as shown, safe for a terminal, with its type name
/// when the kind is `type_changed`.
fn shown_sides(difference: &Difference) -> [Option<Shown>; 2] {
    let with_type = difference.kind == Kind::TypeChanged;
    [&difference.left, &difference.right].map(|side| {
        side.as_ref().map(|v| Shown {
            text: terminal_safe(&value_text(v)).into_owned(),
            suffix: if with_type {
                format!(" ({})", v.value_type)
            } else {
                String::new()
            },
        })
    })
}

/// `3 → 5`, `"80" (string) → 80 (int)`, or the one value of an added or
/// removed entry; each side's value cut at `per_side` characters if given.
fn values_text(difference: &Difference, per_side: Option<usize>) -> String {
    let [left, right] = shown_sides(difference).map(|side| {
        side.map(|s| match per_side {
            Some(max) => format!("{}{}", fit::shorten_end(&s.text, max), s.suffix),
            None => s.text + &s.suffix,
        })
    });
    match (left, right) {
        (Some(left), Some(right)) => format!("{left} → {right}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => String::new(),
    }
}

/// A value as a reader expects it: JSON text, except that special floats
/// lose their quotes and a tagged value shows its tag first.
pub(super) fn value_text(value: &SideValue) -> String {
    #[derive(Deserialize)]
    struct TaggedWire<'a> {
        tag: String,
        #[serde(borrow)]
        value: &'a RawValue,
    }
    let json = value.json.get();
    match value.value_type {
        ValueType::Float => json.trim_matches('"').to_owned(),
        ValueType::Tagged => match serde_json::from_str::<TaggedWire>(json) {
            Ok(tagged) => format!("{} {}", tagged.tag, tagged.value.get()),
            Err(_) => json.to_owned(),
        },
        _ => json.to_owned(),
    }
}

/// `configuration.yml:12`, or `configuration.yml:12 → 14` when the sides'
/// lines differ.
fn location(file: &str, difference: &Difference) -> String {
    match (&difference.left, &difference.right) {
        (Some(l), Some(r)) if l.line != r.line => format!("{file}:{} → {}", l.line, r.line),
        (Some(v), _) | (None, Some(v)) => format!("{file}:{}", v.line),
        (None, None) => String::new(),
    }
}

pub(super) fn summary_line(s: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = vec![format!("{} identical", s.identical)];
    parts.push(format!(
        "{} different ({})",
        s.different,
        plural(s.differences, "difference")
    ));
    if s.missing_left > 0 {
        parts.push(format!("{} missing on the left", s.missing_left));
    }
    if s.missing_right > 0 {
        parts.push(format!("{} missing on the right", s.missing_right));
    }
    if s.errors > 0 {
        parts.push(plural(s.errors, "error"));
    }
    if let Some(accepted) = s.accepted {
        parts.push(format!("{accepted} accepted"));
    }
    format!("{}: {}", plural(s.services, "service"), parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_only_what_is_there() {
        let s = Summary {
            services: 3,
            identical: 1,
            different: 1,
            errors: 1,
            differences: 2,
            ..Summary::default()
        };
        assert_eq!(
            summary_line(&s),
            "3 services: 1 identical, 1 different (2 differences), 1 error"
        );
    }
}
