//! Every table of known extern paths lives under this module, split by topic: the
//! blocking catalogue ([`blocking`]), what calls return ([`returns`]), locks ([`locks`]),
//! runtimes ([`runtimes`]), offloaders ([`offload`]), callback registries ([`callbacks`]) and small name lists ([`names`]).
//! Paths are canonical: `std::fs::read`, a method is `Type.method`, a method on any
//! receiver is `.method`. This file holds the aliases that make a path canonical and the
//! indexes the lookups use.

mod blocking;
mod callbacks;
mod counterparts;
mod ecosystem;
mod ecosystem_returns;
mod locks;
mod names;
mod offload;
mod returns;
mod runtimes;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::collections::BTreeSet;
use std::sync::LazyLock;

pub(crate) use blocking::*;
pub(crate) use callbacks::*;
pub(crate) use counterparts::*;
pub(crate) use ecosystem::*;
pub(crate) use ecosystem_returns::*;
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
    (
        "diesel::SqliteConnection",
        "diesel::sqlite::SqliteConnection",
    ),
    ("diesel::PgConnection", "diesel::pg::PgConnection"),
    ("diesel::MysqlConnection", "diesel::mysql::MysqlConnection"),
    ("ureq::RequestBuilder", "ureq::Request"),
    ("diesel::r2d2::", "r2d2::"),
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
            return [to, rest].concat().into();
        }
    }
    path.into()
}

/// Every row of the catalogue: std's, then the ecosystem's.
pub(crate) fn catalogue() -> impl Iterator<Item = &'static Blocking> {
    BLOCKING
        .iter()
        .chain(ECOSYSTEM.iter().flat_map(|section| section.iter()))
}

/// Every returns row: std's, then the ecosystem's.
pub(crate) fn all_returns() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    RETURNS.iter().chain(ECOSYSTEM_RETURNS)
}

/// The packages whose catalogue entries a rule has, sorted: what `--explain` lists.
pub(crate) fn packages_of(rule: crate::rules::Rule) -> Vec<&'static str> {
    let mut packages: Vec<&'static str> = catalogue()
        .filter(|row| row.rule == rule)
        .flat_map(|row| row.packages.iter().copied())
        .chain(
            MIRRORS
                .iter()
                .filter(|(_, std, _)| {
                    catalogue().any(|row| row.rule == rule && row.callee.starts_with(std))
                })
                .flat_map(|(.., packages)| packages.iter().copied()),
        )
        .collect();
    packages.sort_unstable();
    packages.dedup();
    packages
}

/// The crates (by path) whose entries of a rule are always active, sorted: std's and
/// the block-on helpers' rows, which need no dependency (`futures`, `pollster`).
pub(crate) fn ungated_crates_of(rule: crate::rules::Rule) -> Vec<&'static str> {
    let mut crates: Vec<&'static str> = catalogue()
        .filter(|row| row.rule == rule && row.packages.is_empty())
        .filter_map(|row| row.callee.split("::").next())
        .filter(|root| !root.is_empty() && !root.starts_with('.') && *root != "std")
        .collect();
    crates.sort_unstable();
    crates.dedup();
    crates
}

struct Tables {
    blocking: HashMap<&'static str, &'static Blocking>,
    returns: HashMap<&'static str, &'static str>,
    /// The std returns rows as seen through a mirror: `fs_err::File::open` gives an
    /// `fs_err::File`, whose methods are the mirror's (active with its package).
    mirrored_returns: HashMap<String, String>,
    /// Every known path and each of its prefixes (`std`, `std::fs`, `std::fs::File`).
    known: HashSet<String>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let blocking: HashMap<_, _> = catalogue().map(|b| (b.callee, b)).collect();
    let returns: HashMap<_, _> = all_returns().copied().collect();
    let mut known = HashSet::new();
    let paths = catalogue()
        .map(|b| b.callee)
        .chain(all_returns().map(|r| r.0))
        .chain(OFFLOADERS.iter().copied())
        .chain(CALLBACK_REGISTRIES.iter().copied())
        .chain(MIRRORS.iter().map(|m| m.0.trim_end_matches("::")));
    for path in paths {
        let path = path.split('.').next().unwrap_or(path);
        let path = path.trim_end_matches('!');
        let mut prefix = String::new();
        for segment in path.split("::") {
            if !prefix.is_empty() {
                prefix.push_str("::");
            }
            prefix.push_str(segment);
            known.insert(prefix.clone());
        }
    }
    let mut mirrored_returns = HashMap::new();
    for (from, to, _) in MIRRORS {
        for (key, spec) in RETURNS {
            if let Some(rest) = key.strip_prefix(to) {
                let spec = match spec.strip_prefix(to) {
                    Some(spec_rest) => format!("{from}{spec_rest}"),
                    None => (*spec).to_string(),
                };
                mirrored_returns.insert(format!("{from}{rest}"), spec);
            }
        }
    }
    Tables {
        blocking,
        returns,
        mirrored_returns,
        known,
    }
});

/// Is a row of these packages active for a crate with these dependencies? Rows of std
/// have no package. Where no dependency is known (a loose file, a crate whose manifest
/// lists none), a row is active: its path names the crate, which the code could not name
/// without depending on it.
pub(crate) fn active(packages: &[&str], dependencies: &BTreeSet<String>) -> bool {
    packages.is_empty()
        || dependencies.is_empty()
        || packages.iter().any(|package| {
            dependencies.contains(*package) || dependencies.contains(&package.replace('-', "_"))
        })
}

/// The catalogue entry for a function path or a `Type.method` key (a mirror's path is
/// looked up as the std path it mirrors), if active for these dependencies.
pub(crate) fn blocking_for(
    key: &str,
    dependencies: &BTreeSet<String>,
) -> Option<&'static Blocking> {
    let key = canonical(key);
    if let Some(row) = TABLES.blocking.get(key.as_ref()) {
        return active(row.packages, dependencies).then_some(*row);
    }
    let (from, to, packages) = MIRRORS.iter().find(|m| key.starts_with(m.0))?;
    let mirrored = [to, &key[from.len()..]].concat();
    let row = TABLES.blocking.get(mirrored.as_str())?;
    active(packages, dependencies).then_some(*row)
}

/// The catalogue entry for a key, whatever the dependencies.
#[cfg(test)]
pub(crate) fn blocking(key: &str) -> Option<&'static Blocking> {
    blocking_for(key, &BTreeSet::new())
}

/// The return type spec of a function path or a `Type.method` key.
pub(crate) fn returns(key: &str) -> Option<&'static str> {
    let key = canonical(key);
    if let Some(spec) = TABLES.returns.get(key.as_ref()) {
        return Some(spec);
    }
    if let Some(spec) = TABLES.mirrored_returns.get(key.as_ref()) {
        return Some(spec);
    }
    // A builder's `Type.*` row: every other method of the type returns what it says.
    let (owner, _) = key.split_once('.')?;
    TABLES.returns.get([owner, ".*"].concat().as_str()).copied()
}

/// The return type spec of a `Type.method` key named by its own row (no mirror, no
/// builder's `Type.*` row): what an iterating method of a catalogue type gives.
pub(crate) fn explicit_returns(key: &str) -> Option<&'static str> {
    if !key.contains('.') || key.starts_with('.') {
        return None;
    }
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
        for entry in catalogue() {
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
