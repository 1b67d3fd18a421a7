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

/// Guard types, and the lock each is a guard of: a fn whose return type names one (bare,
/// or in one of [`GUARD_RESULTS`]) hands out a guard of that lock.
static GUARD_TYPES: &[(&str, &str)] = &[
    ("std::sync::MutexGuard", "std::sync::Mutex"),
    ("std::sync::MappedMutexGuard", "std::sync::Mutex"),
    ("std::sync::RwLockReadGuard", "std::sync::RwLock"),
    ("std::sync::RwLockWriteGuard", "std::sync::RwLock"),
    ("std::sync::MappedRwLockReadGuard", "std::sync::RwLock"),
    ("std::sync::MappedRwLockWriteGuard", "std::sync::RwLock"),
    ("parking_lot::MutexGuard", "parking_lot::Mutex"),
    ("parking_lot::MappedMutexGuard", "parking_lot::Mutex"),
    ("parking_lot::FairMutexGuard", "parking_lot::FairMutex"),
    (
        "parking_lot::ReentrantMutexGuard",
        "parking_lot::ReentrantMutex",
    ),
    ("parking_lot::RwLockReadGuard", "parking_lot::RwLock"),
    ("parking_lot::RwLockWriteGuard", "parking_lot::RwLock"),
    (
        "parking_lot::RwLockUpgradableReadGuard",
        "parking_lot::RwLock",
    ),
    ("parking_lot::MappedRwLockReadGuard", "parking_lot::RwLock"),
    ("parking_lot::MappedRwLockWriteGuard", "parking_lot::RwLock"),
    ("lock_api::MutexGuard", "lock_api::Mutex"),
    ("lock_api::MappedMutexGuard", "lock_api::Mutex"),
    ("lock_api::ReentrantMutexGuard", "lock_api::ReentrantMutex"),
    ("lock_api::RwLockReadGuard", "lock_api::RwLock"),
    ("lock_api::RwLockWriteGuard", "lock_api::RwLock"),
    ("lock_api::RwLockUpgradableReadGuard", "lock_api::RwLock"),
    ("spin::MutexGuard", "spin::Mutex"),
    ("spin::mutex::MutexGuard", "spin::Mutex"),
    ("spin::RwLockReadGuard", "spin::RwLock"),
    ("spin::RwLockWriteGuard", "spin::RwLock"),
    ("std::cell::Ref", "std::cell::RefCell"),
    ("std::cell::RefMut", "std::cell::RefCell"),
];

/// What wraps a returned guard and gives it back unwrapped (`lock()` itself returns a
/// `LockResult<MutexGuard<..>>`).
static GUARD_RESULTS: &[&str] = &[
    "std::sync::LockResult",
    "std::sync::TryLockResult",
    "std::option::Option",
    "std::result::Result",
    "anyhow::Result",
];

/// The lock whose guard a value of this type is, or holds as an `Option`/`Result`.
pub(crate) fn guard_type_lock(path: &str, first_arg: Option<&str>) -> Option<&'static Lock> {
    fn is_guard(path: &str) -> bool {
        let name = path.rsplit(':').next().unwrap_or_default();
        name.ends_with("Guard") || name == "Ref" || name == "RefMut"
    }
    if !is_guard(path) && !first_arg.is_some_and(is_guard) {
        return None;
    }
    let path = canonical(path);
    let guard = if GUARD_RESULTS.contains(&path.as_ref()) {
        canonical(first_arg?).into_owned()
    } else {
        path.into_owned()
    };
    let (_, lock) = GUARD_TYPES.iter().find(|(ty, _)| *ty == guard)?;
    LOCKS.iter().find(|row| row.path == *lock)
}

/// The names locks go by, synchronous or not: a crate item of another lock type under a
/// name that is also a synchronous lock's leaves that name unknown.
pub(crate) static LOCK_NAMES: &[&str] =
    &["Mutex", "RwLock", "RefCell", "ReentrantMutex", "FairMutex"];

/// Does some lock hand out a guard by a method of this name?
pub(crate) fn is_guard_method(name: &str) -> bool {
    [MUTEX_METHODS, RWLOCK_METHODS, REFCELL_METHODS]
        .iter()
        .any(|methods| methods.contains(&name))
}

/// The lock row of a lock type (no matter the method), for a type the crate model learned.
pub(crate) fn lock_type(path: &str) -> Option<&'static Lock> {
    if !LOCK_NAMES.contains(&path.rsplit(':').next().unwrap_or_default()) {
        return None;
    }
    let path = canonical(path);
    LOCKS.iter().find(|row| row.path == path)
}

/// Collection methods that move their arguments into the collection: a guard given to
/// one lives as long as the collection (`guards.push(g)`).
pub(crate) static GUARD_STORING_METHODS: &[&str] = &[
    "push",
    "push_back",
    "push_front",
    "insert",
    "extend",
    "replace",
    "get_or_insert",
];

/// Methods that move what a collection or `Option` holds out of it (`held.take()`): the
/// guards it held go to their result.
pub(crate) static TAKING_METHODS: &[&str] = &[
    "take",
    "pop",
    "pop_back",
    "pop_front",
    "remove",
    "swap_remove",
    "drain",
    "clear",
    "truncate",
];
