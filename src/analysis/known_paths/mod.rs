//! Every table of known extern paths lives under this module, split by topic: the
//! blocking catalogue ([`blocking`]), what calls return ([`returns`]), locks ([`locks`]),
//! runtimes ([`runtimes`]), offloaders ([`offload`]) and small name lists ([`names`]).
//! Paths are canonical: `std::fs::read`, a method is `Type.method`, a method on any
//! receiver is `.method`. This file holds the aliases that make a path canonical and the
//! indexes the lookups use.

mod blocking;
mod locks;
mod names;
mod offload;
mod returns;
mod runtimes;

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

pub(crate) use blocking::*;
pub(crate) use locks::*;
pub(crate) use names::*;
pub(crate) use offload::*;
pub(crate) use returns::*;
pub(crate) use runtimes::*;

/// Other spellings of the same items: a path starting with the key is read as starting
/// with the value.
pub(crate) static ALIASES: &[(&str, &str)] = &[
    ("core::", "std::"),
    ("alloc::", "std::"),
    ("crossbeam::channel::", "crossbeam_channel::"),
    ("futures_util::", "futures::"),
    ("std::net::tcp::", "std::net::"),
    ("std::fs::File::open_buffered", "std::fs::File::open"),
    ("std::path::PathBuf.", "std::path::Path."),
    ("std::sync::mpsc::IntoIter", "std::sync::mpsc::Receiver"),
    ("std::thread::sleep_until", "std::thread::sleep"),
    (
        "std::thread::Builder.spawn_scoped",
        "std::thread::Builder.spawn",
    ),
    (
        "tokio::runtime::Builder.build_local",
        "tokio::runtime::Builder.build",
    ),
];

/// Rewrites a canonical path through [`ALIASES`].
pub(crate) fn canonical(path: &str) -> std::borrow::Cow<'_, str> {
    for (from, to) in ALIASES {
        if let Some(rest) = path.strip_prefix(from) {
            return format!("{to}{rest}").into();
        }
    }
    path.into()
}

struct Tables {
    blocking: HashMap<&'static str, &'static Blocking>,
    returns: HashMap<&'static str, &'static str>,
    /// Every known path and each of its prefixes (`std`, `std::fs`, `std::fs::File`).
    known: HashSet<String>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let blocking: HashMap<_, _> = BLOCKING.iter().map(|b| (b.callee, b)).collect();
    let returns: HashMap<_, _> = RETURNS.iter().copied().collect();
    let mut known = HashSet::new();
    let paths = BLOCKING
        .iter()
        .map(|b| b.callee)
        .chain(RETURNS.iter().map(|r| r.0))
        .chain(OFFLOADERS.iter().copied());
    for path in paths {
        let path = path.split('.').next().unwrap_or(path);
        let mut prefix = String::new();
        for segment in path.split("::") {
            if !prefix.is_empty() {
                prefix.push_str("::");
            }
            prefix.push_str(segment);
            known.insert(prefix.clone());
        }
    }
    Tables {
        blocking,
        returns,
        known,
    }
});

/// The catalogue entry for a function path or a `Type.method` key.
pub(crate) fn blocking(key: &str) -> Option<&'static Blocking> {
    TABLES.blocking.get(canonical(key).as_ref()).copied()
}

/// The return type spec of a function path or a `Type.method` key.
pub(crate) fn returns(key: &str) -> Option<&'static str> {
    TABLES.returns.get(canonical(key).as_ref()).copied()
}

/// Is `path` (or an alias of it) an item, type or module some table names?
pub(crate) fn is_known(path: &str) -> bool {
    TABLES.known.contains(canonical(path).as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_entry_is_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for entry in BLOCKING {
            assert!(
                seen.insert(entry.callee),
                "duplicate entry {}",
                entry.callee
            );
            assert!(!entry.callee.is_empty());
            assert!(!entry.callee.ends_with("::"));
        }
    }

    #[test]
    fn aliases_lead_to_the_canonical_spelling() {
        assert!(blocking("crossbeam::channel::Receiver.recv").is_some());
        assert!(blocking("std::path::PathBuf.exists").is_some());
        assert!(blocking("core::fs::read").is_some());
        assert!(is_known("std::fs"));
        assert!(is_known("std::fs::File"));
        assert!(!is_known("tokio::fs::read"));
    }
}

#[cfg(test)]
mod catalogue_test;
