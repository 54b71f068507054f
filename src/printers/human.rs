//! Human output: what a reviewer wants to read.
//!
//! A header with both sides, then each service that is not identical with
//! its differences one per line (sign, path as people write it, values
//! shortened to fit, line numbers), then a summary. Identical services are
//! counted, not listed.
//!
//! Everything that comes from the repository or the user goes through
//! [`terminal_safe`] (paths are safe by their own `Display`), so no name,
//! key, value or message can act on the terminal or split a line.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::escape::{Escaped, terminal_safe};
use crate::diff::{Difference, Kind, SideValue};
use crate::document::ValueType;
use crate::report::{Outcome, Report, ServiceReport, SideReport, Summary};

/// Values longer than this many characters are shortened with `…`.
const MAX_VALUE_CHARS: usize = 48;
/// Paths are padded to align the values, up to this width.
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

/// Writes `report` for people. `footer` is a last line such as where the
/// run was saved.
pub fn print(
    report: &Report,
    color: bool,
    footer: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let palette = Palette::new(color);
    writeln!(
        out,
        "{}  →  {}   ({})",
        side_label(&report.left),
        side_label(&report.right),
        Escaped(&report.file)
    )?;
    writeln!(out)?;
    for service in &report.services {
        print_service(service, report, &palette, out)?;
    }
    writeln!(out)?;
    writeln!(out, "{}", summary_line(&report.summary()))?;
    if let Some(footer) = footer {
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

/// `main:implementation_1 (3f2a9c1)`, safe for a terminal.
pub(super) fn side_label(side: &SideReport) -> String {
    let short = side.commit.get(..7).unwrap_or(&side.commit);
    format!(
        "{}:{} ({})",
        Escaped(&side.rev),
        Escaped(&side.path),
        Escaped(short)
    )
}

fn print_service(
    service: &ServiceReport,
    report: &Report,
    p: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
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
            "{name}  {}missing on the left{} (only in {})",
            p.missing.render(),
            p.missing.render_reset(),
            Escaped(&report.right.path)
        ),
        Outcome::MissingRight => writeln!(
            out,
            "{name}  {}missing on the right{} (only in {})",
            p.missing.render(),
            p.missing.render_reset(),
            Escaped(&report.left.path)
        ),
        Outcome::Error(message) => writeln!(
            out,
            "{name}  {}error{}: {}",
            p.error.render(),
            p.error.render_reset(),
            Escaped(message)
        ),
        Outcome::Different(differences) => {
            let count = differences.len();
            let plural = if count == 1 { "" } else { "s" };
            writeln!(out, "{name}  {count} difference{plural}")?;
            let file = terminal_safe(&report.file);
            let paths: Vec<String> = differences.iter().map(|d| d.path.to_string()).collect();
            let path_width = paths
                .iter()
                .map(|p| p.chars().count())
                .max()
                .unwrap_or(0)
                .min(MAX_PATH_COLUMN);
            let values: Vec<String> = differences.iter().map(values_text).collect();
            let value_width = values.iter().map(|v| v.chars().count()).max().unwrap_or(0);
            for ((difference, path), values) in differences.iter().zip(&paths).zip(&values) {
                let (style, sign) = p.kind(difference.kind);
                writeln!(
                    out,
                    "  {}{sign} {path:<path_width$}{}  {values:<value_width$}  {}{}{}",
                    style.render(),
                    style.render_reset(),
                    p.dim.render(),
                    location(&file, difference),
                    p.dim.render_reset(),
                )?;
            }
            Ok(())
        }
    }
}

/// `3 → 5`, `"80" (string) → 80 (int)`, or the one value of an added or
/// removed entry.
fn values_text(difference: &Difference) -> String {
    let show = |v: &Option<SideValue>, with_type: bool| {
        v.as_ref().map(|v| {
            let text = shorten(&terminal_safe(&value_text(v)), MAX_VALUE_CHARS);
            if with_type {
                format!("{text} ({})", v.value_type)
            } else {
                text
            }
        })
    };
    let with_type = difference.kind == Kind::TypeChanged;
    match (
        show(&difference.left, with_type),
        show(&difference.right, with_type),
    ) {
        (Some(left), Some(right)) => format!("{left} → {right}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => String::new(),
    }
}

/// A value as a reader expects it: JSON text, except that special floats
/// lose their quotes and a tagged value shows its tag first.
fn value_text(value: &SideValue) -> String {
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

/// Cuts `text` to `max` characters, marking the cut with `…`.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max - 1).collect();
    short.push('…');
    short
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
    format!("{}: {}", plural(s.services, "service"), parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortens_by_characters_not_bytes() {
        assert_eq!(shorten("ééééé", 3), "éé…");
        assert_eq!(shorten("abc", 3), "abc");
    }

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
