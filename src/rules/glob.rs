//! Service globs: `*` any run of characters (`/` included, so
//! `team-a/*` and `*billing*` both work with `--recursive`), `?` any one
//! character; everything else stands for itself.

/// Whether `name` matches `glob`.
pub fn glob_match(glob: &str, name: &str) -> bool {
    let glob: Vec<char> = glob.chars().collect();
    let name: Vec<char> = name.chars().collect();
    // The classic two-pointer match with one backtrack point.
    let (mut g, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match glob.get(g) {
            Some('*') => {
                star = Some((g, n));
                g += 1;
            }
            Some('?') => {
                g += 1;
                n += 1;
            }
            Some(&c) if c == name[n] => {
                g += 1;
                n += 1;
            }
            _ => match star {
                Some((sg, sn)) => {
                    g = sg + 1;
                    n = sn + 1;
                    star = Some((sg, sn + 1));
                }
                None => return false,
            },
        }
    }
    glob[g..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn stars_and_question_marks() {
        assert!(glob_match("billing-*", "billing-api"));
        assert!(glob_match("billing-*", "billing-"));
        assert!(!glob_match("billing-*", "api-billing"));
        assert!(glob_match("*billing*", "team-a/billing-api"));
        assert!(glob_match("team-?/*", "team-a/x/y"));
        assert!(!glob_match("team-?/*", "team-ab/x"));
        assert!(glob_match("api", "api"));
        assert!(!glob_match("api", "api2"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
    }
}
