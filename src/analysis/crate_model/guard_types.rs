//! Guards only the crate shows: values a file saw held across an `.await` that are guards
//! because of an item elsewhere in the crate (a fn whose return type names a guard type, a
//! struct field or a type alias of a lock type). Each becomes a `GuardHeld` fact naming
//! that item and where it is.

use std::collections::HashMap;

use super::Model;
use crate::analysis::facts::{Fact, GuardHeld, LockItemKind, LockOrigin};
use crate::analysis::guards::escape::{LockItem, PendingGuard, PendingSource};
use crate::analysis::known_paths::Lock;
use crate::analysis::summary::CallTarget;
use crate::diagnostic::Span;

/// The lock items of the crates linked, by (crate, item): (file, item) of each.
type LockItems<'m> = HashMap<(usize, &'m LockItemKind), Vec<(usize, &'m LockItem)>>;

impl Model<'_> {
    /// The pending guards of every file that the crate's items show to be guards.
    pub(super) fn escaped_guards(&self, facts: &mut Vec<Fact>) {
        let mut items: Option<LockItems<'_>> = None;
        for (file, crate_file) in self.files.iter().enumerate() {
            let pending = &crate_file.summary.escapes.pending;
            if pending.is_empty() {
                continue;
            }
            let calls = self.calls_at(file, pending);
            for guard in pending {
                // A call of the crate's fn that returns a guard (`db.lock()` with `lock` a
                // helper of `Db`), else the field or alias the lock call is made on.
                let helper = calls
                    .get(&guard.span)
                    .and_then(|&(node, call)| self.helper(node, call));
                let found = helper.or_else(|| match &guard.source {
                    PendingSource::Call => None,
                    source => {
                        let items = items.get_or_insert_with(|| self.lock_items());
                        self.lock_item(file, source, items)
                    }
                });
                let found = match (found, guard.fallback) {
                    (Some((lock, origin)), _) => Some((lock, Some(Box::new(origin)))),
                    (None, Some(lock)) => Some((lock, None)),
                    (None, None) => None,
                };
                if let Some((lock, origin)) = found {
                    let file = crate_file.summary.name.clone();
                    facts.push(Fact::GuardHeld(fact(file, guard, lock, origin)));
                }
            }
        }
    }

    /// The calls of a file's fns made where its pending guards are: (node, index of the
    /// call), by span. A file's nodes are contiguous, in file order.
    fn calls_at(&self, file: usize, pending: &[PendingGuard]) -> HashMap<Span, (usize, usize)> {
        let mut spans: Vec<Span> = pending.iter().map(|guard| guard.span).collect();
        spans.sort_unstable();
        let first = self.origin.partition_point(|&(f, _)| f < file);
        let end = self.origin.partition_point(|&(f, _)| f <= file);
        let mut found = HashMap::new();
        for node in first..end {
            for (i, call) in self.summary(node).calls.iter().enumerate() {
                if spans.binary_search(&call.span).is_ok() {
                    found.insert(call.span, (node, i));
                }
            }
        }
        found
    }

    /// The call's fn, if it returns a guard: the lock, and the fn as the origin. A method
    /// call must show its receiver's type (a method found by its name alone may be
    /// another type's).
    fn helper(&self, node: usize, call: usize) -> Option<(&'static Lock, LockOrigin)> {
        let made = &self.summary(node).calls[call];
        if matches!(made.target, CallTarget::Method { ty: None, .. }) || made.awaited {
            return None;
        }
        let callee = self.targets[node][call]?;
        let summary = self.summary(callee);
        let lock = summary.returns_guard?;
        let node = &self.nodes[callee];
        let origin = LockOrigin {
            item: LockItemKind::Helper(node.display.clone()),
            file: self.files[node.file].summary.name.clone(),
            line: summary.line,
        };
        Some((lock, origin))
    }

    /// Every lock item of the crates linked, by (crate, item).
    fn lock_items(&self) -> LockItems<'_> {
        let mut items: HashMap<_, Vec<_>> = HashMap::new();
        for (file, crate_file) in self.files.iter().enumerate() {
            let krate = self.file_crate(file);
            for item in &crate_file.summary.escapes.lock_items {
                items
                    .entry((krate, &item.kind))
                    .or_default()
                    .push((file, item));
            }
        }
        items
    }

    /// The lock item a field or alias source names in the file's crate, when every item
    /// of that name agrees on the lock and it hands out a guard by the method called.
    fn lock_item(
        &self,
        file: usize,
        source: &PendingSource,
        items: &LockItems<'_>,
    ) -> Option<(&'static Lock, LockOrigin)> {
        let kind = match source {
            PendingSource::Field { ty, field, .. } => {
                LockItemKind::Field(ty.clone(), field.clone())
            }
            PendingSource::Alias { name, .. } => LockItemKind::Alias(name.clone()),
            PendingSource::Call => return None,
        };
        let found = items.get(&(self.file_crate(file), &kind))?;
        let (first_file, first) = found.first()?;
        let lock = first.lock?;
        if found
            .iter()
            .any(|(_, item)| item.lock.is_none_or(|other| other.path != lock.path))
            || !source.takes_guard(lock)
        {
            return None;
        }
        let origin = LockOrigin {
            item: kind.clone(),
            file: self.files[*first_file].summary.name.clone(),
            line: first.line,
        };
        Some((lock, origin))
    }

    /// The crate a file belongs to.
    fn file_crate(&self, file: usize) -> usize {
        self.file_crates[file]
    }
}

fn fact(
    file: String,
    guard: &PendingGuard,
    lock: &Lock,
    origin: Option<Box<LockOrigin>>,
) -> GuardHeld {
    GuardHeld {
        rule: lock.rule,
        file,
        span: guard.span,
        lock: lock.path.to_string(),
        binding: guard.binding.clone(),
        awaits: guard.awaits.clone(),
        origin,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::{CrateFile, CrateInfo, link};
    use crate::analysis::facts::Fact;
    use crate::settings::Settings;

    fn file(path: &str, text: &str) -> CrateFile {
        CrateFile {
            path: PathBuf::from(path),
            summary: crate::analysis::summarize(path, text, &Settings::default()),
        }
    }

    /// (line, lock, origin as the message names it) of each guard found.
    fn guards(files: &[CrateFile]) -> Vec<(u32, String, String)> {
        let krate = CrateInfo {
            root: Some(PathBuf::from("/c")),
            name: Some("c".into()),
            ..CrateInfo::default()
        };
        link(files, &krate)
            .into_iter()
            .filter_map(|fact| match fact {
                Fact::GuardHeld(guard) => {
                    let origin = guard
                        .origin
                        .map(|o| format!("{:?} {}:{}", o.item, o.file, o.line));
                    Some((
                        guard.span.start.line,
                        guard.lock,
                        origin.unwrap_or_default(),
                    ))
                }
                _ => None,
            })
            .collect()
    }

    const REGISTRY: &str = "use std::sync::{Mutex, MutexGuard};\n\
        pub struct Registry { pub cache: parking_lot::Mutex<u32>, inner: Mutex<u32> }\n\
        impl Registry {\n\
            pub fn inner(&self) -> MutexGuard<'_, u32> { self.inner.lock().unwrap() }\n\
            pub fn copy(&self) -> u32 { *self.inner.lock().unwrap() }\n\
        }\n\
        pub type Shared = std::sync::Arc<parking_lot::RwLock<u32>>;\n";

    #[test]
    fn helpers_fields_and_aliases_of_other_files() {
        let handlers = "use crate::registry::{Registry, Shared};\n\
            pub async fn a(r: &Registry) { let g = r.inner(); tick().await; }\n\
            pub async fn b(r: &Registry) { let g = r.cache.lock(); tick().await; }\n\
            pub async fn c(s: &Shared) { let g = s.write(); tick().await; }\n\
            pub async fn d(r: &Registry) { let n = r.copy(); tick().await; }\n\
            pub async fn e(r: &Registry) { let n = *r.cache.lock(); tick().await; }\n";
        let files = [
            file("/c/src/registry.rs", REGISTRY),
            file("/c/src/handlers.rs", handlers),
        ];
        assert_eq!(
            guards(&files),
            [
                (
                    2,
                    "std::sync::Mutex".into(),
                    "Helper(\"Registry::inner\") /c/src/registry.rs:4".into()
                ),
                (
                    3,
                    "parking_lot::Mutex".into(),
                    "Field(\"Registry\", \"cache\") /c/src/registry.rs:2".into()
                ),
                (
                    4,
                    "parking_lot::RwLock".into(),
                    "Alias(\"Shared\") /c/src/registry.rs:7".into()
                ),
            ]
        );
    }

    /// A name the crate gives a sync lock and an async one (two `Registry` structs, two
    /// `Shared` aliases) is left unknown.
    #[test]
    fn names_the_crate_gives_two_locks_stay_unknown() {
        let other = "pub struct Registry { pub cache: tokio::sync::Mutex<u32> }\n\
            pub type Shared = std::sync::Arc<tokio::sync::RwLock<u32>>;\n";
        let handlers = "use crate::registry::{Registry, Shared};\n\
            pub async fn b(r: &Registry) { let g = r.cache.try_lock(); tick().await; }\n\
            pub async fn c(s: &Shared) { let g = s.try_write(); tick().await; }\n";
        let files = [
            file("/c/src/registry.rs", REGISTRY),
            file("/c/src/other.rs", other),
            file("/c/src/handlers.rs", handlers),
        ];
        assert_eq!(guards(&files), []);
    }
}
