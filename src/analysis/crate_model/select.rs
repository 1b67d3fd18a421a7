//! Which files not parsed are worth parsing: the runner parses only files that can hold a
//! finding of their own, then asks here which of the others define what that code calls
//! (by module path, by type, or by a name only one file defines), until nothing new is
//! called. The crate model decides; the runner only reads and parses.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use std::path::Path;

use super::CrateInfo;
use super::layout::Target;
use super::resolve::{absolute_segments, is_common_method};
use crate::analysis::summary::{CallTarget, FileSummary, PathRoot};

/// What the parsed code of each unit (a crate, or loose files) calls, by unit index, and
/// the skipped files of each unit by the names they define.
pub struct Wanted {
    by_unit: Vec<HashSet<Want>>,
    /// Each unit's dependencies among the units, by the name its code uses.
    links: Vec<HashMap<String, usize>>,
    /// Each unit's skipped files by the fn names they define, and by the type names they
    /// implement: built once, for every round (a file parsed since is passed over).
    fns: Vec<NameIndex>,
    types: Vec<NameIndex>,
}

/// (name hash, file index) pairs, sorted: the files that define a name, in index order.
#[derive(Default)]
struct NameIndex(Vec<(u64, usize)>);

impl NameIndex {
    fn new(mut pairs: Vec<(u64, usize)>) -> NameIndex {
        pairs.par_sort_unstable();
        NameIndex(pairs)
    }

    /// The files that define `name`, ascending.
    fn files(&self, name: u64) -> impl Iterator<Item = usize> + '_ {
        let start = self.0.partition_point(|&(hash, _)| hash < name);
        self.0[start..]
            .iter()
            .take_while(move |&&(hash, _)| hash == name)
            .map(|&(_, index)| index)
    }
}

/// What one parsed file calls, by the unit that may define it: from `Wanted::of`, for
/// `Wanted::add` (found on worker threads, added in order).
pub struct Wants(Vec<(usize, Want)>);

impl Wanted {
    /// `links`: for each unit, the units of the crates it depends on (workspace members,
    /// `path` dependencies) by the name its code uses for each. `skipped` gives each file
    /// not parsed (unit, index, names), to index by the names it defines.
    pub fn new<'a>(
        links: Vec<HashMap<String, usize>>,
        skipped: impl IntoIterator<Item = (usize, usize, &'a ItemNames)>,
    ) -> Wanted {
        let units = links.len();
        let mut files: Vec<Vec<(usize, &ItemNames)>> = vec![Vec::new(); units];
        for (unit, index, names) in skipped {
            files[unit].push((index, names));
        }
        let index = |names_of: fn(&ItemNames) -> &Names| -> Vec<NameIndex> {
            files
                .par_iter()
                .map(|files| {
                    NameIndex::new(
                        files
                            .par_iter()
                            .flat_map_iter(|&(index, names)| {
                                names_of(names).iter().map(move |&name| (name, index))
                            })
                            .collect(),
                    )
                })
                .collect()
        };
        Wanted {
            by_unit: vec![HashSet::new(); units],
            links,
            fns: index(|names| &names.fns),
            types: index(|names| &names.types),
        }
    }

    /// What a parsed file of `unit` calls; `path` is the file's absolute path.
    pub fn of(&self, unit: usize, summary: &FileSummary, path: &Path, krate: &CrateInfo) -> Wants {
        Wants(wanted_by(summary, path, krate, unit, &self.links))
    }

    /// Adds what a parsed file calls.
    pub fn add(&mut self, wants: Wants) {
        for (target, want) in wants.0 {
            self.by_unit[target].insert(want);
        }
    }

    /// The skipped files that define something wanted: the file at a wanted module path,
    /// or the one file that defines a wanted name (a name several files define would not
    /// resolve). `skipped(index)` gives the names of a file still skipped (`None` once it
    /// is parsed); the answer is indices, ascending. Each want is looked up on its own, on
    /// the worker threads.
    pub fn files_defining<'a>(
        &self,
        skipped: impl Fn(usize) -> Option<&'a ItemNames> + Sync,
    ) -> Vec<usize> {
        let mut selected: Vec<usize> = self
            .by_unit
            .par_iter()
            .enumerate()
            .flat_map(|(unit, wanted)| {
                let skipped = &skipped;
                wanted.par_iter().flat_map_iter(move |want| {
                    // Hashed once, looked up in the files that define the name.
                    let hashes = (name_hash(want.name()), want.ty().map(name_hash));
                    let index = match want {
                        Want::Declared(_) => &self.types[unit],
                        _ => &self.fns[unit],
                    };
                    let mut matching = index.files(hashes.0).filter(move |&index| {
                        skipped(index).is_some_and(|names| names.defines(want, hashes))
                    });
                    let found: Vec<usize> = match (want, matching.next(), matching.next()) {
                        (Want::At { .. }, Some(first), second) => {
                            [first].into_iter().chain(second).chain(matching).collect()
                        }
                        (_, Some(only), None) => vec![only],
                        _ => Vec::new(),
                    };
                    found
                })
            })
            .collect();
        selected.par_sort_unstable();
        selected.dedup();
        selected
    }
}

/// A fn parsed code calls that may be defined in a file not parsed yet.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Want {
    /// `module::name` of this crate: the file at that module of the layout.
    At {
        root: Target,
        module: Vec<String>,
        name: String,
    },
    /// `Type::name` or `value.name()` on a value of a local type.
    OnType { ty: String, name: String },
    /// A bare name (a method on an unknown receiver, an unresolved fn).
    Named(String),
    /// A type by this name, in a file with an `impl` of it (a lock call on a field of the
    /// struct: `guards::escape`).
    Declared(String),
}

impl Want {
    /// The fn's name: every kind of want is defined by a file that defines it.
    fn name(&self) -> &str {
        match self {
            Want::At { name, .. }
            | Want::OnType { name, .. }
            | Want::Named(name)
            | Want::Declared(name) => name,
        }
    }

    fn ty(&self) -> Option<&str> {
        match self {
            Want::OnType { ty, .. } => Some(ty),
            _ => None,
        }
    }
}

/// The fns a file's calls may reach, with the unit that defines them: paths of this crate
/// or of a crate it depends on, and methods on receivers of a known type or of unknown type
/// (not names too common to resolve).
fn wanted_by(
    summary: &FileSummary,
    path: &Path,
    krate: &CrateInfo,
    unit: usize,
    links: &[HashMap<String, usize>],
) -> Vec<(usize, Want)> {
    let (root, module) = super::layout(krate.root.as_deref(), path);
    let own = krate.name.as_deref();
    let mut wants = Vec::new();
    for call in summary.fns.iter().flat_map(|f| &f.calls) {
        match &call.target {
            CallTarget::Path(path) => {
                let other = match path.root {
                    PathRoot::Extern => path
                        .segments()
                        .next()
                        .filter(|first| Some(*first) != own)
                        .and_then(|first| links[unit].get(first)),
                    _ => None,
                };
                if let Some(&other) = other {
                    // A path into a dependency: its lib's module, or (re-exported) the one
                    // file that defines the name.
                    let segments: Vec<String> = path.segments().skip(1).map(String::from).collect();
                    let Some((name, prefix)) = segments.split_last() else {
                        continue;
                    };
                    match prefix.last() {
                        Some(ty) if ty.starts_with(char::is_uppercase) => {
                            wants.push((
                                other,
                                Want::OnType {
                                    ty: ty.clone(),
                                    name: name.clone(),
                                },
                            ));
                        }
                        _ => {
                            wants.push((
                                other,
                                Want::At {
                                    root: Target::Lib,
                                    module: prefix.to_vec(),
                                    name: name.clone(),
                                },
                            ));
                            wants.push((other, Want::Named(name.clone())));
                        }
                    }
                    continue;
                }
                let Some((root, segments)) = absolute_segments(path, &root, &module, own) else {
                    continue;
                };
                let Some((name, prefix)) = segments.split_last() else {
                    continue;
                };
                let want = match prefix.last() {
                    Some(ty) if ty.starts_with(char::is_uppercase) => Want::OnType {
                        ty: ty.clone(),
                        name: name.clone(),
                    },
                    _ if path.root == PathRoot::Unresolved => Want::Named(name.clone()),
                    _ => {
                        // The module may only re-export it (`pub use executor::spawn;` in
                        // `lib.rs`): then the one file that defines the name.
                        wants.push((unit, Want::Named(name.clone())));
                        Want::At {
                            root,
                            module: prefix.to_vec(),
                            name: name.clone(),
                        }
                    }
                };
                wants.push((unit, want));
            }
            CallTarget::Method { ty: Some(ty), name } => match CallTarget::receiver(ty) {
                (Some(named), ty) => {
                    let start = if Some(named) == own {
                        Some(unit)
                    } else {
                        links[unit].get(named).copied()
                    };
                    let Some(start) = start else { continue };
                    // The type may be re-exported: the crates the named one depends on, too.
                    let mut order = vec![start];
                    let mut next = 0;
                    while let Some(&at) = order.get(next) {
                        next += 1;
                        for &dep in links[at].values() {
                            if !order.contains(&dep) {
                                order.push(dep);
                            }
                        }
                    }
                    for target in order {
                        wants.push((
                            target,
                            Want::OnType {
                                ty: ty.to_string(),
                                name: name.to_string(),
                            },
                        ));
                    }
                }
                (None, ty) => wants.push((
                    unit,
                    Want::OnType {
                        ty: ty.to_string(),
                        name: name.to_string(),
                    },
                )),
            },
            CallTarget::Method { ty: None, name } if !is_common_method(name) => {
                wants.push((unit, Want::Named(name.to_string())));
            }
            CallTarget::Method { .. } => {}
        }
    }
    for guard in &summary.escapes.pending {
        if let Some(name) = guard.source.declared_type() {
            wants.push((unit, Want::Declared(name.to_string())));
        }
    }
    wants
}

/// The fn names a file defines (`fn NAME`) and the type names it names after `impl`/`for`
/// (as hashes: kept for every skipped file, they must be small): a cheap text scan, no
/// parse; and where the file sits in its crate's layout.
pub struct ItemNames {
    fns: Names,
    types: Names,
    place: (Target, Vec<String>),
}

/// Name hashes, sorted, each once: one small allocation a file.
struct Names(Box<[u64]>);

impl Names {
    fn new(mut hashes: Vec<u64>) -> Names {
        hashes.sort_unstable();
        hashes.dedup();
        Names(hashes.into_boxed_slice())
    }

    fn contains(&self, hash: &u64) -> bool {
        self.0.binary_search(hash).is_ok()
    }

    fn iter(&self) -> std::slice::Iter<'_, u64> {
        self.0.iter()
    }
}

fn name_hash(name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut hasher);
    hasher.finish()
}

impl ItemNames {
    /// Scans a file not parsed: `file` (absolute) sits in the crate at `crate_root`.
    pub fn scan(text: &str, crate_root: Option<&Path>, file: &Path) -> ItemNames {
        let place = super::layout(crate_root, file);
        // An identifier is read to at most `LONGEST` bytes: a word repeated without a
        // break (`implimplimpl…`) must not cost its length at each match.
        const LONGEST: usize = 256;
        let ident_after = |at: usize| -> Option<u64> {
            let rest = text.get(at..)?.trim_start();
            let end = rest
                .char_indices()
                .take(LONGEST)
                .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
                .map_or(rest.len().min(LONGEST), |(i, _)| i);
            let end = (0..=end).rev().find(|&i| rest.is_char_boundary(i))?;
            (end > 0).then(|| name_hash(&rest[..end]))
        };
        let starts_word = |at: usize| {
            at == 0
                || !text.as_bytes()[at - 1].is_ascii_alphanumeric()
                    && text.as_bytes()[at - 1] != b'_'
        };
        let mut fns = Vec::new();
        for at in memchr::memmem::find_iter(text.as_bytes(), b"fn ") {
            if starts_word(at) {
                fns.extend(ident_after(at + 3));
            }
        }
        let mut types = Vec::new();
        for word in [&b"impl"[..], b" for "] {
            // The first `>` at or after a position, found once for all the `impl<` before
            // it (matches come in order): one pass, however many `impl<` there are.
            let mut close: Option<usize> = Some(0);
            for at in memchr::memmem::find_iter(text.as_bytes(), word) {
                let mut after = at + word.len();
                // Skip `impl<T: Bound>` generics.
                if text.as_bytes().get(after) == Some(&b'<') {
                    if close.is_some_and(|c| c < after) {
                        close = memchr::memchr(b'>', &text.as_bytes()[after..]).map(|n| after + n);
                    }
                    let Some(c) = close else {
                        continue;
                    };
                    after = c + 1;
                }
                types.extend(ident_after(after));
            }
        }
        ItemNames {
            fns: Names::new(fns),
            types: Names::new(types),
            place,
        }
    }

    /// Whether this file defines `want`, whose name and type hash to `hashes`.
    fn defines(&self, want: &Want, (name, ty): (u64, Option<u64>)) -> bool {
        match want {
            Want::At { root, module, .. } => {
                self.place.0 == *root && self.place.1 == *module && self.fns.contains(&name)
            }
            Want::OnType { .. } => {
                self.fns.contains(&name) && ty.is_some_and(|ty| self.types.contains(&ty))
            }
            Want::Named(_) => self.fns.contains(&name),
            Want::Declared(_) => self.types.contains(&name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The skipped files are indexed once; each round looks wants up among the files still
    /// skipped: a name two files define selects neither, until one of them is parsed.
    #[test]
    fn wants_are_looked_up_among_the_files_still_skipped() {
        let scan = |text: &str, file: &str| ItemNames::scan(text, None, Path::new(file));
        let names = [
            scan(
                "pub fn helper() {}\nimpl<T: Copy> Store { fn flush() {} }",
                "/a.rs",
            ),
            scan("fn helper() -> u8 { 1 }", "/b.rs"),
            scan("fn other() {}", "/c.rs"),
        ];
        let mut wanted = Wanted::new(
            vec![HashMap::new()],
            names.iter().enumerate().map(|(i, n)| (0, i, n)),
        );
        let want = |want: Want| Wants(vec![(0, want)]);
        wanted.add(want(Want::Named("helper".to_string())));
        let all = |i: usize| names.get(i);
        assert!(wanted.files_defining(all).is_empty());
        wanted.add(want(Want::OnType {
            ty: "Store".to_string(),
            name: "flush".to_string(),
        }));
        assert_eq!(wanted.files_defining(all), [0]);
        // `a.rs` parsed: `helper` is now `b.rs`'s alone.
        assert_eq!(
            wanted.files_defining(|i| names.get(i).filter(|_| i != 0)),
            [1]
        );
    }
}
