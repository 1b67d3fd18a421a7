//! Guards one file cannot tell alone: a value held across an `.await` that is a guard if
//! the crate says so (a call of a fn that returns one, a lock call on a field or an alias
//! declared in another file), and the lock items a file declares for the crate model to
//! answer with (struct fields and type aliases of lock types).

use syn::{Item, ItemStruct};

use crate::analysis::facts::LockItemKind;
use crate::analysis::imports::Imports;
use crate::analysis::known_paths::{self, Lock};
use crate::analysis::source::LineIndex;
use crate::analysis::types::{Ty, resolve_type};
use crate::diagnostic::Span;

/// What a file leaves to the crate model about guards.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Escapes {
    /// Values held across an `.await` that are guards if the crate model says so.
    pub(crate) pending: Vec<PendingGuard>,
    /// Struct fields and type aliases of lock types the file declares.
    pub(crate) lock_items: Vec<LockItem>,
}

/// A value alive at an `.await` that is a guard if the crate model says so.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PendingGuard {
    /// The call that gives the value.
    pub(crate) span: Span,
    pub(crate) binding: Option<String>,
    pub(crate) awaits: Vec<Span>,
    pub(crate) source: PendingSource,
    /// The lock it is by its call's shape (`lock().unwrap()`: std's), when the crate
    /// shows no other.
    pub(crate) fallback: Option<&'static Lock>,
}

/// What would make a value a guard.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PendingSource {
    /// The value of the call at the guard's span (the file's call for the crate model):
    /// a guard when the fn it resolves to returns one.
    Call,
    /// `base.field.method()` with `base` of the crate's type `ty`: a guard when that
    /// field is a lock whose `method` hands one out.
    Field {
        ty: String,
        field: String,
        method: String,
    },
    /// `value.method()` with `value` of the crate's type `name`: a guard when `name` is
    /// an alias of a lock whose `method` hands one out.
    Alias { name: String, method: String },
}

/// A struct field or type alias of a lock type: a synchronous lock's (`None` for another
/// lock, an async one: a name the crate gives both stays unknown).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct LockItem {
    pub(crate) kind: LockItemKind,
    pub(crate) line: u32,
    pub(crate) lock: Option<&'static Lock>,
}

impl PendingSource {
    /// The struct of the crate whose declaration would make this a guard (a file that
    /// declares a struct mostly implements it too; an alias is found in parsed files only).
    pub(crate) fn declared_type(&self) -> Option<&str> {
        match self {
            PendingSource::Field { ty, .. } => Some(ty),
            PendingSource::Call | PendingSource::Alias { .. } => None,
        }
    }

    /// Does a lock call of this source find `lock` a guard-handing lock?
    pub(crate) fn takes_guard(&self, lock: &Lock) -> bool {
        match self {
            PendingSource::Call => false,
            PendingSource::Field { method, .. } | PendingSource::Alias { method, .. } => {
                lock.guards.contains(&method.as_str())
            }
        }
    }
}

/// The lock items of these items (not of nested modules: the walk gives those).
pub(crate) fn lock_items(items: &[Item], imports: &Imports, index: &LineIndex) -> Vec<LockItem> {
    let mut found = Vec::new();
    let no_self = Ty::Unknown;
    let lock_of = |ty: &syn::Type| {
        let ty = resolve_type(ty, imports, &no_self);
        let path = ty.path()?;
        match known_paths::lock_type(path) {
            Some(lock) => Some(Some(lock)),
            None => known_paths::LOCK_NAMES
                .contains(&crate::analysis::syntax::last_segment(path))
                .then_some(None),
        }
    };
    for item in items {
        match item {
            Item::Type(alias) => {
                if let Some(lock) = lock_of(&alias.ty) {
                    found.push(LockItem {
                        kind: LockItemKind::Alias(alias.ident.to_string()),
                        line: index.span(alias.ident.span()).start.line,
                        lock,
                    });
                }
            }
            Item::Struct(ItemStruct { ident, fields, .. }) => {
                for (i, field) in fields.iter().enumerate() {
                    let Some(lock) = lock_of(&field.ty) else {
                        continue;
                    };
                    let (name, line) = match &field.ident {
                        Some(name) => (name.to_string(), index.span(name.span()).start.line),
                        None => (i.to_string(), index.span(ident.span()).start.line),
                    };
                    found.push(LockItem {
                        kind: LockItemKind::Field(ident.to_string(), name),
                        line,
                        lock,
                    });
                }
            }
            _ => {}
        }
    }
    found
}
