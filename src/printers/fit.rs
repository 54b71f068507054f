//! Fitting difference lines into a width.
//!
//! A difference line is `  ~ PATH  VALUES  LOCATION`. The location is what
//! a reader jumps to, so it is never shortened; the path column gets at
//! most about 40% of the width and a longer path loses its middle (its
//! start says where, its end what); the values get the rest and lose their
//! ends. Widths are counted in characters (`char`s), not terminal cells: a
//! line of wide CJK characters can take more columns than it counts.

use std::borrow::Cow;

/// `"  ~ "` before the path.
const PREFIX: usize = 4;
/// The two gaps of two spaces, after the path and after the values.
const GAPS: usize = 4;
/// The path column is not squeezed below this to make room for values...
const MIN_PATH: usize = 12;
/// ...for values that would get less than this (or what they need, if
/// less)...
const MIN_VALUES: usize = 12;
/// ...or would keep less than this much of a side's text: `"80… (string)
/// → 8080 (int)` still says something. Past that, values shrink down to a
/// character per side before a line overflows the width.
const MIN_SIDE_TEXT: usize = 4;
/// `" → "` between the two values of a change.
const ARROW: usize = 3;

/// What the lines of one service would take unshortened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Needs {
    /// The longest path.
    pub path: usize,
    /// The longest values text.
    pub values: usize,
    /// The shortest that some line's values text should be shortened
    /// to: its type names and arrow, plus a little of each side.
    pub values_floor: usize,
    /// The shortest that some line's values text can be: its type names
    /// and arrow, plus a character of each side.
    pub values_least: usize,
    /// The longest location.
    pub location: usize,
}

impl Needs {
    /// Takes one line's path, sides and location into account.
    pub fn add(&mut self, path: &str, left: Option<&Shown>, right: Option<&Shown>, location: &str) {
        let arrow = if left.is_some() && right.is_some() {
            ARROW
        } else {
            0
        };
        let sides = || left.into_iter().chain(right);
        self.path = self.path.max(chars(path));
        self.location = self.location.max(chars(location));
        self.values = self
            .values
            .max(arrow + sides().map(|s| s.len() + chars(&s.suffix)).sum::<usize>());
        let floor = |keep: usize| {
            arrow
                + sides()
                    .map(|s| s.len().min(keep) + chars(&s.suffix))
                    .sum::<usize>()
        };
        self.values_floor = self.values_floor.max(floor(MIN_SIDE_TEXT));
        self.values_least = self.values_least.max(floor(1));
    }
}

/// How wide the path column and the values of one service's lines may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Columns {
    /// The path column; longer paths are shortened in the middle.
    pub path: usize,
    /// All of a line's values text (both sides, arrow and type names).
    pub values: usize,
}

impl Columns {
    /// Columns for lines of at most `width` characters. What is left after
    /// the location goes to the path (at most two fifths of the width) and
    /// the values: the path takes what the values leave, or half when
    /// both are long; it gives way, down to [`MIN_PATH`], for values that
    /// would show too little otherwise. Only values that cannot shrink
    /// further make a line overflow `width`.
    pub fn new(width: usize, needs: Needs) -> Self {
        let rest = width.saturating_sub(PREFIX + GAPS + needs.location);
        let mut path = needs
            .path
            .min(width * 2 / 5)
            .min(rest.saturating_sub(needs.values).max(rest / 2));
        let floor = needs.values_floor.max(MIN_VALUES.min(needs.values));
        if rest.saturating_sub(path) < floor {
            path = rest
                .saturating_sub(floor)
                .max(MIN_PATH.min(needs.path))
                .min(path);
        }
        Columns {
            path,
            values: rest.saturating_sub(path).max(needs.values_least),
        }
    }
}

/// How many characters `text` counts.
pub(super) fn chars(text: &str) -> usize {
    text.chars().count()
}

/// `text` cut to `max` characters, the cut marked by a final `…`.
pub(super) fn shorten_end(text: &str, max: usize) -> Cow<'_, str> {
    if chars(text) <= max {
        return Cow::Borrowed(text);
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    Cow::Owned(short)
}

/// `text` cut to `max` characters by replacing its middle with `…`: a
/// third of what is kept from the start, the rest from the end
/// (`spec.…ers[3].image`), since a path's end says what changed.
pub(super) fn shorten_middle(text: &str, max: usize) -> Cow<'_, str> {
    let count = chars(text);
    if count <= max {
        return Cow::Borrowed(text);
    }
    let keep = max.saturating_sub(1);
    let head = keep / 3;
    let tail = keep - head;
    let mut short: String = text.chars().take(head).collect();
    short.push('…');
    short.extend(text.chars().skip(count - tail));
    Cow::Owned(short)
}

/// One side's value as shown: its text, which may be shortened, and a
/// type name such as ` (int)`, which is not.
pub(super) struct Shown {
    pub text: String,
    pub suffix: String,
}

impl Shown {
    fn len(&self) -> usize {
        chars(&self.text)
    }

    fn render(&self, max_text: usize) -> String {
        format!(
            "{}{}",
            shorten_end(&self.text, max_text.max(1)),
            self.suffix
        )
    }
}

/// `left → right` (or the one side) in at most `budget` characters, as
/// far as each side keeps at least one character and its type name. A
/// short side is kept whole and the other gets the rest; two long sides
/// share evenly.
pub(super) fn values_in(left: Option<&Shown>, right: Option<&Shown>, budget: usize) -> String {
    match (left, right) {
        (Some(left), Some(right)) => {
            let available =
                budget.saturating_sub(ARROW + chars(&left.suffix) + chars(&right.suffix));
            let (l, r) = split(left.len(), right.len(), available);
            format!("{} → {}", left.render(l), right.render(r))
        }
        (Some(one), None) | (None, Some(one)) => {
            one.render(budget.saturating_sub(chars(&one.suffix)))
        }
        (None, None) => String::new(),
    }
}

/// How many characters each of two texts `l` and `r` long may keep in
/// `available`.
fn split(l: usize, r: usize, available: usize) -> (usize, usize) {
    if l + r <= available {
        return (l, r);
    }
    let half = available / 2;
    if l <= half {
        (l, available - l)
    } else if r <= available - half {
        (available - r, r)
    } else {
        (half, available - half)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str, suffix: &str) -> Shown {
        Shown {
            text: text.to_owned(),
            suffix: suffix.to_owned(),
        }
    }

    #[test]
    fn shortens_by_characters_not_bytes() {
        assert_eq!(shorten_end("ééééé", 3), "éé…");
        assert_eq!(shorten_end("abc", 3), "abc");
        assert_eq!(shorten_middle("ééééééé", 4), "é…éé");
    }

    #[test]
    fn a_long_path_keeps_its_start_and_more_of_its_end() {
        let path = "spec.template.spec.containers[3].image";
        let short = shorten_middle(path, 18);
        assert_eq!(short, "spec.…ers[3].image");
        assert_eq!(chars(&short), 18);
        assert!(matches!(shorten_middle(path, 80), Cow::Borrowed(_)));
    }

    #[test]
    fn a_short_side_is_kept_and_the_long_one_gets_the_rest() {
        let (l, r) = (shown("3", ""), shown(&"x".repeat(50), ""));
        let text = values_in(Some(&l), Some(&r), 20);
        assert_eq!(text, format!("3 → {}…", "x".repeat(15)));
        assert_eq!(chars(&text), 20);
        let (l, r) = (shown(&"a".repeat(30), ""), shown(&"b".repeat(30), ""));
        let text = values_in(Some(&l), Some(&r), 21);
        assert_eq!(text, format!("{}… → {}…", "a".repeat(8), "b".repeat(8)));
    }

    #[test]
    fn type_names_are_never_cut() {
        let (l, r) = (shown(&"\"8".repeat(20), " (string)"), shown("80", " (int)"));
        let text = values_in(Some(&l), Some(&r), 30);
        assert!(text.ends_with("… (string) → 80 (int)"), "{text}");
        assert_eq!(chars(&text), 30);
        let one = values_in(Some(&shown(&"y".repeat(40), "")), None, 10);
        assert_eq!(one, format!("{}…", "y".repeat(9)));
    }

    fn needs(path: usize, values: usize, floors: (usize, usize), location: usize) -> Needs {
        Needs {
            path,
            values,
            values_floor: floors.0,
            values_least: floors.1,
            location,
        }
    }

    #[test]
    fn needs_count_type_names_and_a_little_of_each_side() {
        let mut n = Needs::default();
        let (l, r) = (shown("\"8080\"", " (string)"), shown("8080", " (int)"));
        n.add("service.port", Some(&l), Some(&r), "configuration.yml:4");
        let floors = (4 + 9 + 3 + 4 + 6, 1 + 9 + 3 + 1 + 6);
        assert_eq!(n, needs(12, 6 + 9 + 3 + 4 + 6, floors, 19));
        n.add(
            "x",
            None,
            Some(&shown("1", "")),
            "configuration.yml:20 → 22",
        );
        assert_eq!((n.path, n.location), (12, 25));
    }

    #[test]
    fn the_path_column_is_at_most_two_fifths_and_takes_what_values_leave() {
        // Long paths, short values: the path takes all but what the values
        // need, up to two fifths.
        assert_eq!(
            Columns::new(100, needs(70, 10, (10, 3), 20)),
            Columns {
                path: 40,
                values: 32
            }
        );
        assert_eq!(
            Columns::new(60, needs(70, 10, (10, 3), 20)),
            Columns {
                path: 22,
                values: 10
            }
        );
        // Both long: they share what the location leaves.
        assert_eq!(
            Columns::new(80, needs(70, 90, (10, 3), 20)),
            Columns {
                path: 26,
                values: 26
            }
        );
        // Short paths leave the rest to the values.
        assert_eq!(
            Columns::new(100, needs(10, 90, (10, 3), 20)),
            Columns {
                path: 10,
                values: 62
            }
        );
    }

    #[test]
    fn the_path_gives_way_to_type_names_then_values_shrink_then_lines_overflow() {
        let fits = |c: Columns, location| PREFIX + GAPS + location + c.path + c.values;
        // 80 wide: the path gives way so each side keeps a little.
        let columns = Columns::new(80, needs(50, 40, (26, 20), 25));
        assert_eq!(
            columns,
            Columns {
                path: 21,
                values: 26
            }
        );
        assert_eq!(fits(columns, 25), 80);
        // 60 wide: the path is at its least and the values shrink.
        let columns = Columns::new(60, needs(50, 40, (26, 14), 25));
        assert_eq!(
            columns,
            Columns {
                path: 12,
                values: 15
            }
        );
        assert_eq!(fits(columns, 25), 60);
        // Type names alone do not fit: the line overflows.
        let columns = Columns::new(60, needs(50, 40, (26, 20), 25));
        assert_eq!(
            columns,
            Columns {
                path: 12,
                values: 20
            }
        );
        assert!(fits(columns, 25) > 60);
    }
}
