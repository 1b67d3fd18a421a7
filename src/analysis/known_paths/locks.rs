//! Synchronous locks and cells: which methods hand out a guard, under which rule a guard
//! held across an `.await` is reported, and what passes a guard through.

use super::canonical;
use crate::rules::Rule;

const MUTEX_METHODS: &[&str] = &["lock", "try_lock", "try_lock_for", "try_lock_until"];
const RWLOCK_METHODS: &[&str] = &[
    "read",
    "write",
    "try_read",
    "try_write",
    "upgradable_read",
    "try_upgradable_read",
    "upgradeable_read",
    "try_upgradeable_read",
    "read_recursive",
    "try_read_for",
    "try_write_for",
    "try_read_until",
    "try_write_until",
    "try_upgradable_read_for",
    "try_upgradable_read_until",
];
const REFCELL_METHODS: &[&str] = &["borrow", "borrow_mut", "try_borrow", "try_borrow_mut"];

/// Synchronous locks, the methods that hand out their guards, and the rule a guard held
/// across an `.await` is reported under.
pub(crate) static LOCKS: &[(&str, &[&str], Rule)] = &[
    ("std::sync::Mutex", MUTEX_METHODS, Rule::LockAcrossAwait),
    ("std::sync::RwLock", RWLOCK_METHODS, Rule::LockAcrossAwait),
    ("parking_lot::Mutex", MUTEX_METHODS, Rule::LockAcrossAwait),
    (
        "parking_lot::FairMutex",
        MUTEX_METHODS,
        Rule::LockAcrossAwait,
    ),
    (
        "parking_lot::ReentrantMutex",
        MUTEX_METHODS,
        Rule::LockAcrossAwait,
    ),
    ("parking_lot::RwLock", RWLOCK_METHODS, Rule::LockAcrossAwait),
    ("lock_api::Mutex", MUTEX_METHODS, Rule::LockAcrossAwait),
    (
        "lock_api::ReentrantMutex",
        MUTEX_METHODS,
        Rule::LockAcrossAwait,
    ),
    ("lock_api::RwLock", RWLOCK_METHODS, Rule::LockAcrossAwait),
    ("spin::Mutex", MUTEX_METHODS, Rule::LockAcrossAwait),
    ("spin::mutex::Mutex", MUTEX_METHODS, Rule::LockAcrossAwait),
    (
        "spin::mutex::SpinMutex",
        MUTEX_METHODS,
        Rule::LockAcrossAwait,
    ),
    ("spin::RwLock", RWLOCK_METHODS, Rule::LockAcrossAwait),
    (
        "spin::rwlock::RwLock",
        RWLOCK_METHODS,
        Rule::LockAcrossAwait,
    ),
    (
        "std::cell::RefCell",
        REFCELL_METHODS,
        Rule::RefcellAcrossAwait,
    ),
];

/// The lock a `Type.method` call takes, if it is one: the rule and the type's name.
pub(crate) fn lock(type_path: &str, method: &str) -> Option<(Rule, &'static str)> {
    let type_path = canonical(type_path);
    LOCKS
        .iter()
        .find(|(path, methods, _)| *path == type_path && methods.contains(&method))
        .map(|(path, _, rule)| (*rule, *path))
}

/// Methods that pass a guard through: `lock().unwrap()` is still the guard.
pub(crate) static GUARD_PRESERVING: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or_else",
    "unwrap_unchecked",
    "map_err",
    "ok",
    "into_inner",
];
