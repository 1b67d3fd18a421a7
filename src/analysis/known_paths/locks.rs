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

/// A synchronous lock or cell, and everything the analysis knows of it.
#[derive(Debug)]
pub(crate) struct Lock {
    /// The canonical type path.
    pub(crate) path: &'static str,
    /// The methods that hand out a guard (or a `Result`/`Option` of one).
    pub(crate) guards: &'static [&'static str],
    /// The rule a guard held across an `.await` is reported under.
    pub(crate) rule: Rule,
    /// What a guard dereferences to, as a type spec over the lock's own type arguments
    /// (`arg0`: the protected value): `m.lock().unwrap().len()` is a call on it.
    pub(crate) deref: &'static str,
}

macro_rules! locks {
    ($($path:literal => $guards:ident, $rule:ident;)*) => {
        &[$(Lock { path: $path, guards: $guards, rule: Rule::$rule, deref: "arg0" },)*]
    };
}

/// Synchronous locks and cells. Async locks are absent: their guards are awaited, and
/// holding one across an `.await` is what they are for.
pub(crate) static LOCKS: &[Lock] = locks! {
    "std::sync::Mutex" => MUTEX_METHODS, LockAcrossAwait;
    "std::sync::RwLock" => RWLOCK_METHODS, LockAcrossAwait;
    "parking_lot::Mutex" => MUTEX_METHODS, LockAcrossAwait;
    "parking_lot::FairMutex" => MUTEX_METHODS, LockAcrossAwait;
    "parking_lot::ReentrantMutex" => MUTEX_METHODS, LockAcrossAwait;
    "parking_lot::RwLock" => RWLOCK_METHODS, LockAcrossAwait;
    "lock_api::Mutex" => MUTEX_METHODS, LockAcrossAwait;
    "lock_api::ReentrantMutex" => MUTEX_METHODS, LockAcrossAwait;
    "lock_api::RwLock" => RWLOCK_METHODS, LockAcrossAwait;
    "spin::Mutex" => MUTEX_METHODS, LockAcrossAwait;
    "spin::mutex::Mutex" => MUTEX_METHODS, LockAcrossAwait;
    "spin::mutex::SpinMutex" => MUTEX_METHODS, LockAcrossAwait;
    "spin::RwLock" => RWLOCK_METHODS, LockAcrossAwait;
    "spin::rwlock::RwLock" => RWLOCK_METHODS, LockAcrossAwait;
    "std::cell::RefCell" => REFCELL_METHODS, RefcellAcrossAwait;
};

/// The lock row for a `Type.method` call that hands out a guard, if it is one.
pub(crate) fn lock(type_path: &str, method: &str) -> Option<&'static Lock> {
    let type_path = canonical(type_path);
    LOCKS
        .iter()
        .find(|lock| lock.path == type_path && lock.guards.contains(&method))
}

/// Zero-argument guard methods whose result is unwrapped (`lock().unwrap()`, `read()?`)
/// on a receiver of unknown type: the shape of `std::sync`'s locks (async locks are
/// awaited, parking_lot's need no unwrap). Method, then the lock it implies.
pub(crate) static STD_SHAPED: &[(&str, &str)] = &[
    ("lock", "std::sync::Mutex"),
    ("try_lock", "std::sync::Mutex"),
    ("read", "std::sync::RwLock"),
    ("write", "std::sync::RwLock"),
    ("try_read", "std::sync::RwLock"),
    ("try_write", "std::sync::RwLock"),
];

/// Async locks and their methods that take a guard without awaiting (`try_lock()` gives
/// a `Result` or an `Option`, unwrapped as std's): in a file that imports one, an
/// unwrapped call of such a method on a lock of unseen type may be its, not std's.
pub(crate) static ASYNC_LOCK_TRY_METHODS: &[(&str, &[&str])] = &[
    ("tokio::sync::Mutex", &["try_lock"]),
    ("tokio::sync::RwLock", &["try_read", "try_write"]),
    ("futures::lock::Mutex", &["try_lock"]),
    ("async_lock::Mutex", &["try_lock"]),
    ("async_lock::RwLock", &["try_read", "try_write"]),
    ("async_std::sync::Mutex", &["try_lock"]),
    ("async_std::sync::RwLock", &["try_read", "try_write"]),
];

/// The methods that unwrap a lock call's result, marking it std-shaped.
pub(crate) static STD_SHAPE_UNWRAPS: &[&str] = &["unwrap", "expect", "unwrap_or_else", "map_err"];

/// The lock a std-shaped call of this method takes.
pub(crate) fn std_shaped(method: &str) -> Option<&'static Lock> {
    let (_, path) = STD_SHAPED.iter().find(|(m, _)| *m == method)?;
    lock(path, method)
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

/// Methods of `Option` and `Result` that move their value into the closure they are
/// given: a guard a temporary holds ends when the closure returns, unless it returns it.
pub(crate) static CONSUMING_COMBINATORS: &[&str] = &[
    "and_then",
    "map",
    "map_or",
    "map_or_else",
    "is_some_and",
    "is_ok_and",
    "is_none_or",
];

/// Calls that build a value holding their arguments, by the last two segments: a
/// guard adapter's associated fn (`MutexGuard::map(g, ..)`, `Ref::map`) keeps the guard.
pub(crate) fn is_guard_adapter(ty: &str) -> bool {
    ty.ends_with("Guard") || ty == "Ref" || ty == "RefMut"
}

/// Smart pointers whose `new` holds its argument: `Box::new(g)` still holds the guard.
pub(crate) static HOLDING_POINTERS: &[&str] = &["Box", "Arc", "Rc"];

/// `Err(e) => e.into_inner()`: what a poisoned lock's error gives back is the guard.
pub(crate) const POISON_RECOVERY: &str = "into_inner";
