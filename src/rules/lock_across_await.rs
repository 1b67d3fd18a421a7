use super::RuleDoc;
use crate::analysis::facts::GuardHeld;
use crate::diagnostic::Diagnostic;

/// A lock guard alive at an `.await`.
pub(super) fn diagnostic(guard: &GuardHeld) -> Diagnostic {
    let kind = &guard.lock;
    let message = match &guard.binding {
        Some(name) => format!("guard `{name}` of a `{kind}` is held across an `.await`"),
        None => format!("temporary guard of a `{kind}` is held across an `.await`"),
    };
    super::guard_held(guard, message, "the lock is taken here").help(
        "end the guard's scope or `drop` it before the `.await`, or use an async-aware lock such \
as `tokio::sync::Mutex` if it must be held",
    )
}

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "a `std::sync` or `parking_lot` lock guard held across an `.await`",
    what_it_does: "Finds guards of `std::sync::Mutex` and `RwLock`, `parking_lot` and `spin` \
locks that are still alive at an `.await`, following Rust's drop rules: a `let` guard lives to \
the end of its block unless moved or dropped, a temporary to the end of its statement, and the \
scrutinee of `match`, `if let` and `while let` through its arms.",
    why_is_this_bad: "While the task is suspended at the `.await`, the lock stays held. Any other \
task that takes the lock on the same thread blocks that thread forever: a deadlock. On other \
threads it blocks a runtime worker for as long as the first task sleeps.",
    known_problems: "The kind of lock is taken from what the source shows (a `use`, a field or \
parameter type, a constructor); a lock whose type cannot be seen is not reported. A guard that \
is dropped before the await is not reported, although the compiler may still call the future \
`!Send` when the guard was borrowed first.",
    example: r#"
use std::sync::Mutex;

async fn bump(counter: &Mutex<u64>) {
    let mut n = counter.lock().unwrap();
    *n += 1;
    tokio::task::yield_now().await;
}
"#,
    use_instead: r#"
use std::sync::Mutex;

async fn bump(counter: &Mutex<u64>) {
    {
        let mut n = counter.lock().unwrap();
        *n += 1;
    }
    tokio::task::yield_now().await;
}
"#,
};
