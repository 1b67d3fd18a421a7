//! Runtimes: the `#[cfg(..)]` gates and the block-on drivers around the code walked.

use crate::analysis::known_paths::{self};
use crate::analysis::summary::Runtime;
use crate::analysis::walk::Walker;

impl Walker<'_> {
    /// Walks an item under the runtimes its `#[cfg(..)]` names.
    pub(super) fn with_gates(&mut self, attrs: &[syn::Attribute], f: impl FnOnce(&mut Self)) {
        let gates = cfg_runtimes(attrs);
        self.gates.extend(&gates);
        f(self);
        self.gates.truncate(self.gates.len() - gates.len());
    }

    pub(super) fn with_driver(&mut self, driver: Option<Runtime>, f: impl FnOnce(&mut Self)) {
        self.drivers.extend(driver);
        f(self);
        if driver.is_some() {
            self.drivers.pop();
        }
    }
}

/// Runtimes a `#[cfg(..)]` or `#[cfg_attr(..)]` among these attributes names (by feature or
/// dependency name): code under it is one runtime's feature-gated support.
pub(super) fn cfg_runtimes(attrs: &[syn::Attribute]) -> Vec<Runtime> {
    let mut runtimes = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("cfg") {
            continue;
        }
        let syn::Meta::List(list) = &attr.meta else {
            continue;
        };
        let text = list.tokens.to_string();
        let mut named: Vec<Runtime> = Vec::new();
        for (word, runtime) in known_paths::CFG_NAMES {
            if text.contains(word) && !named.contains(runtime) {
                named.push(*runtime);
            }
        }
        runtimes.extend(named);
    }
    runtimes
}
