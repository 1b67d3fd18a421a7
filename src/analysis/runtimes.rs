//! Runtimes: the `#[cfg(..)]` gates and the block-on drivers around the code walked
//! ([`Runtimes`], a stack the walk pushes and pops), and queries for entry attributes
//! and for the calls that drive a future on a runtime of their own.

use crate::analysis::imports::{Imports, Resolved};
use crate::analysis::known_paths::{self};
use crate::analysis::summary::Runtime;
use crate::analysis::types::Ty;

/// The runtimes around the code being walked: those its `#[cfg(..)]` gates name, and
/// those driving its futures (`smol::block_on(async { .. })`), innermost last.
#[derive(Default)]
pub(crate) struct Runtimes {
    drivers: Vec<Runtime>,
    gates: Vec<Runtime>,
}

impl Runtimes {
    /// Enters an item under the runtimes its `#[cfg(..)]` names; returns how many to
    /// [`Self::exit_gates`].
    pub(super) fn enter_gates(&mut self, attrs: &[syn::Attribute]) -> usize {
        let gates = cfg_runtimes(attrs);
        self.gates.extend(&gates);
        gates.len()
    }

    pub(super) fn exit_gates(&mut self, count: usize) {
        self.gates.truncate(self.gates.len() - count);
    }

    pub(super) fn enter_driver(&mut self, driver: Option<Runtime>) {
        self.drivers.extend(driver);
    }

    pub(super) fn exit_driver(&mut self, driver: Option<Runtime>) {
        if driver.is_some() {
            self.drivers.pop();
        }
    }

    /// The runtime driving the code here, if a block-on call does.
    pub(super) fn driver(&self) -> Option<Runtime> {
        self.drivers.last().copied()
    }

    /// Is code here gated on this runtime's feature or dependency?
    pub(super) fn is_gated(&self, runtime: Runtime) -> bool {
        self.gates.contains(&runtime)
    }
}

/// The runtime an entry attribute (`#[tokio::main]`) among these starts, if any.
pub(super) fn entry(attrs: &[syn::Attribute], imports: &Imports) -> Option<Runtime> {
    attrs.iter().find_map(|attr| {
        let resolved = imports.resolve_path(attr.path());
        known_paths::entry_attribute(resolved.text())
    })
}

/// The runtime a call by path drives its argument on (`smol::block_on(fut)`).
pub(super) fn call_driver(resolved: &Resolved) -> Option<Runtime> {
    resolved.as_extern().and_then(known_paths::driver)
}

/// The runtime a method call drives its argument on (`rt.block_on(fut)`).
pub(super) fn method_driver(receiver: &Ty, method: &str) -> Option<Runtime> {
    receiver
        .path()
        .and_then(|path| known_paths::driver(&[path, ".", method].concat()))
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
