//! What changed between two rows of a history.

use std::sync::Arc;

use crate::compare::ServiceResult;
use crate::diff::Difference;
use crate::report::{Outcome, Status};
use crate::repository::service_name;

/// A service whose result differs from the row before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceChange {
    /// The service's name, as reports print it.
    pub service: String,
    /// Its status in the row before; `None` when it was on neither side.
    pub from: Option<Status>,
    /// Its status now; `None` when it is on neither side any more.
    pub to: Option<Status>,
    /// Its differences now, when it is `identical` or `different`.
    pub differences: Option<usize>,
}

/// The changes from `before` to `after` (both sorted by name bytes), by
/// name: a service whose status changed, or whose differences changed
/// (compared without their line numbers: a moved line is no change), or
/// that appeared or disappeared. An error that stays an error is no
/// change.
pub(super) fn between(before: &[ServiceResult], after: &[ServiceResult]) -> Vec<ServiceChange> {
    let mut changes = Vec::new();
    let (mut b, mut a) = (before.iter().peekable(), after.iter().peekable());
    loop {
        let (old, new) = match (b.peek(), a.peek()) {
            (None, None) => break,
            (Some(old), Some(new)) if old.name == new.name => (b.next(), a.next()),
            (Some(old), Some(new)) if old.name < new.name => (b.next(), None),
            (Some(_), None) => (b.next(), None),
            _ => (None, a.next()),
        };
        if let Some(change) = change(old, new) {
            changes.push(change);
        }
    }
    changes.sort_by(|x, y| x.service.cmp(&y.service));
    changes
}

fn change(old: Option<&ServiceResult>, new: Option<&ServiceResult>) -> Option<ServiceChange> {
    let from = old.map(|s| s.outcome.status());
    let to = new.map(|s| s.outcome.status());
    let same = match (old, new) {
        (Some(old), Some(new)) => same_result(&old.outcome, &new.outcome),
        _ => false,
    };
    if same {
        return None;
    }
    let name = new.or(old).expect("one side is there");
    Some(ServiceChange {
        service: service_name(name.name.as_ref()),
        from,
        to,
        differences: new
            .and_then(|s| s.outcome.differences())
            .map(<[Difference]>::len),
    })
}

fn same_result(old: &Arc<Outcome>, new: &Arc<Outcome>) -> bool {
    if Arc::ptr_eq(old, new) {
        return true;
    }
    match (&**old, &**new) {
        (Outcome::Different(_), Outcome::Different(_)) if old.status() == new.status() => {
            // The reported differences: what ignore rules hid is no change.
            let (x, y) = (
                old.differences().unwrap_or_default(),
                new.differences().unwrap_or_default(),
            );
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_difference(x, y))
        }
        (x, y) => x.status() == y.status(),
    }
}

/// Equal but for line numbers.
fn same_difference(x: &Difference, y: &Difference) -> bool {
    let same_value =
        |x: &Option<crate::diff::SideValue>, y: &Option<crate::diff::SideValue>| match (x, y) {
            (Some(x), Some(y)) => x.json.get() == y.json.get() && x.value_type == y.value_type,
            (None, None) => true,
            _ => false,
        };
    x.path == y.path
        && x.kind == y.kind
        && same_value(&x.left, &y.left)
        && same_value(&x.right, &y.right)
}
