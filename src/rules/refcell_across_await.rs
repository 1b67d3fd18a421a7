use super::RuleDoc;
use crate::analysis::facts::{GuardHeld, LockItemKind};
use crate::diagnostic::Diagnostic;

/// A `RefCell` borrow alive at an `.await`.
pub(super) fn diagnostic(guard: &GuardHeld) -> Diagnostic {
    let learned = super::lock_across_await::learned(guard.origin.as_deref());
    let message = match &guard.binding {
        Some(name) => {
            format!("borrow `{name}` of a `RefCell`{learned} is held across an `.await`")
        }
        None => format!("temporary borrow of a `RefCell`{learned} is held across an `.await`"),
    };
    let label = match guard.origin.as_deref().map(|o| &o.item) {
        Some(LockItemKind::Helper(_)) => "the borrow is returned here",
        _ => "the cell is borrowed here",
    };
    super::lock_across_await::with_helper_note(super::guard_held(guard, message, label), guard)
        .help("end the borrow before the `.await` (a block, or `drop`)")
}

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "a `RefCell` borrow held across an `.await`",
    what_it_does: "Finds `RefCell::borrow` and `borrow_mut` guards (and their `try_` forms) that \
are still alive at an `.await`, following the same drop rules as `lock_across_await`.",
    why_is_this_bad: "Other tasks on the same thread run while this one is suspended. If one of \
them borrows the same cell, `RefCell` panics with `already borrowed`.",
    known_problems: "The cell is recognized from what the source shows (a `use`, a field or \
parameter type, `RefCell::new`), or from the crate: a fn returning a `Ref` or `RefMut`, a struct \
field or type alias of a `RefCell` in another module.",
    example: r#"
use std::cell::RefCell;
use std::rc::Rc;

async fn record(log: Rc<RefCell<Vec<String>>>) {
    let mut entries = log.borrow_mut();
    entries.push("start".into());
    tokio::task::yield_now().await;
}
"#,
    use_instead: r#"
use std::cell::RefCell;
use std::rc::Rc;

async fn record(log: Rc<RefCell<Vec<String>>>) {
    log.borrow_mut().push("start".into());
    tokio::task::yield_now().await;
}
"#,
};
