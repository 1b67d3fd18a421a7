//! Which units link together: each unit's dependencies among the units, and the
//! connected sets of units that depend on each other.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::Unit;
use crate::analysis::crate_model::CrateInfo;

/// Each unit's dependencies among the units: the unit of each crate it names, by name.
pub(super) fn links_between(infos: &[CrateInfo]) -> Vec<HashMap<String, usize>> {
    let by_root: HashMap<&Path, usize> = infos
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(u, info)| Some((info.root.as_deref()?, u)))
        .collect();
    infos
        .iter()
        .enumerate()
        .map(|(u, info)| {
            info.dependencies
                .iter()
                .filter_map(|(name, root)| {
                    let other = *by_root.get(root.as_path())?;
                    (other != u).then(|| (name.clone(), other))
                })
                .collect()
        })
        .collect()
}

/// The units linked together: the connected sets of units that depend on each other,
/// each by ascending unit. A unit that depends on no other and that none depends on is a
/// group of its own, linked exactly as before crates were linked together.
pub(super) fn linked_groups(units: &[Unit], links: &[HashMap<String, usize>]) -> Vec<Vec<usize>> {
    // Union-find: a group is a connected set of units.
    let mut parent: Vec<usize> = (0..units.len()).collect();
    fn find(parent: &mut [usize], mut at: usize) -> usize {
        while parent[at] != at {
            parent[at] = parent[parent[at]];
            at = parent[at];
        }
        at
    }
    for (u, deps) in links.iter().enumerate() {
        for &other in deps.values() {
            let (a, b) = (find(&mut parent, u), find(&mut parent, other));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for u in 0..units.len() {
        let root = find(&mut parent, u);
        groups.entry(root).or_default().push(u);
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// Units link through the folders of their path dependencies, under each name their
    /// code uses; groups are the connected sets of units.
    #[test]
    fn units_link_by_dependency_folders() {
        let info = |root: &str, deps: &[(&str, &str)]| CrateInfo {
            root: Some(PathBuf::from(root)),
            dependencies: deps
                .iter()
                .map(|(name, root)| (name.to_string(), PathBuf::from(root)))
                .collect(),
            ..CrateInfo::default()
        };
        let infos = vec![
            info(
                "/w/server",
                &[("idx", "/w/idx"), ("store", "/w/store"), ("tokio", "/reg")],
            ),
            info("/w/idx", &[("store_core", "/w/store")]),
            info("/w/store", &[]),
            info("/other", &[]),
        ];
        let links = links_between(&infos);
        let sorted = |u: usize| {
            let mut names: Vec<(String, usize)> = links[u].clone().into_iter().collect();
            names.sort();
            names
        };
        assert_eq!(
            sorted(0),
            [("idx".to_string(), 1), ("store".to_string(), 2)]
        );
        assert_eq!(sorted(1), [("store_core".to_string(), 2)]);
        assert!(links[2].is_empty() && links[3].is_empty());
        let units = vec![
            Unit::default(),
            Unit::default(),
            Unit::default(),
            Unit::default(),
        ];
        assert_eq!(linked_groups(&units, &links), [vec![0, 1, 2], vec![3]]);
    }
}
