use super::RuleDoc;
use crate::analysis::facts::{GuardHeld, LockItemKind, LockOrigin};
use crate::diagnostic::Diagnostic;

/// A lock guard alive at an `.await`.
pub(super) fn diagnostic(guard: &GuardHeld) -> Diagnostic {
    let kind = &guard.lock;
    let learned = learned(guard.origin.as_deref());
    let message = match &guard.binding {
        Some(name) => format!("guard `{name}` of a `{kind}`{learned} is held across an `.await`"),
        None => format!("temporary guard of a `{kind}`{learned} is held across an `.await`"),
    };
    let label = match guard.origin.as_deref().map(|o| &o.item) {
        Some(LockItemKind::Helper(_)) => "the guard is returned here",
        _ => "the lock is taken here",
    };
    with_helper_note(super::guard_held(guard, message, label), guard).help(
        "end the guard's scope or `drop` it before the `.await`, or use an async-aware lock such \
as `tokio::sync::Mutex` if it must be held",
    )
}

/// Where the crate showed the lock's type, after it in the message: `` (field `cache` of
/// `Registry`, src/registry.rs:14)``; nothing when the code around the guard shows it.
pub(super) fn learned(origin: Option<&LockOrigin>) -> String {
    let Some(origin) = origin else {
        return String::new();
    };
    let item = match &origin.item {
        LockItemKind::Helper(name) => format!("returned by `{name}`"),
        LockItemKind::Field(ty, field) => format!("field `{field}` of `{ty}`"),
        LockItemKind::Alias(name) => format!("type alias `{name}`"),
    };
    format!(" ({item}, {}:{})", origin.file, origin.line)
}

/// For a guard a helper fn returns: a note naming the helper.
pub(super) fn with_helper_note(diagnostic: Diagnostic, guard: &GuardHeld) -> Diagnostic {
    match guard.origin.as_deref() {
        Some(LockOrigin {
            item: LockItemKind::Helper(name),
            ..
        }) => diagnostic.note(format!(
            "`{name}` returns a guard: the lock stays taken for as long as its value lives"
        )),
        _ => diagnostic,
    }
}

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "a `std::sync` or `parking_lot` lock guard held across an `.await`",
    what_it_does: "Finds guards of `std::sync::Mutex` and `RwLock`, `parking_lot` and `spin` \
locks that are still alive at an `.await`, following Rust's drop rules: a `let` guard lives to \
the end of its block unless moved or dropped, a temporary to the end of its statement, and the \
scrutinee of `match`, `if let` and `while let` through its arms. A guard that leaves its binding \
is followed: one a helper fn returns, one stored in a field or a collection (it lives as long as \
they do), one kept past a loop's end (held at the next iteration's awaits), one an async block \
captures.",
    why_is_this_bad: "While the task is suspended at the `.await`, the lock stays held. Any other \
task that takes the lock on the same thread blocks that thread forever: a deadlock. On other \
threads it blocks a runtime worker for as long as the first task sleeps.",
    known_problems: "The kind of lock is taken from what the source shows (a `use`, a field or \
parameter type, a constructor), or from the crate: a fn whose return type names a guard type, a \
struct field or type alias of a lock type in another module (the message names it and where it is); \
a lock whose type cannot be seen is not reported. A guard that \
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
