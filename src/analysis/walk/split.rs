//! Item-granular parsing, the walk's side (`analysis::skeleton`): a fn blanked in the
//! skeleton is parsed from its own text when the walk reaches it, walked, and dropped
//! before the next, so memory follows the largest fn, not the file.

use syn::Block;

use super::Walker;
use crate::analysis::skeleton::Skeleton;
use crate::text::LineIndex;

impl<'a> Walker<'a> {
    /// Walks `skeleton`'s tree: each fn blanked there is parsed from the file on its own.
    pub(crate) fn with_skeleton(self, skeleton: &'a Skeleton<'a>) -> Self {
        Walker {
            skeleton: Some(skeleton),
            ..self
        }
    }

    /// Like `walk_file`, over a skeleton parsed in chunks: `items`, of which those from
    /// `chunks[i].0` on were parsed with `chunks[i].1` lines before them.
    pub(crate) fn walk_chunks(
        &mut self,
        attrs: &[syn::Attribute],
        items: &mut [syn::Item],
        chunks: &[(usize, usize)],
    ) {
        let ranges: Vec<(std::ops::Range<usize>, usize)> = (chunks.iter().enumerate())
            .map(|(i, &(start, lines))| {
                let end = chunks.get(i + 1).map_or(items.len(), |next| next.0);
                (start..end, lines)
            })
            .collect();
        self.runtimes.enter_gates(attrs);
        self.evidence.imports.push_module(items, None);
        self.evidence.collect_items(items.iter());
        for (range, lines) in &ranges {
            self.index.set_lines_before(*lines);
            (self.guards).collect_items(&items[range.clone()], &self.evidence.imports, self.index);
        }
        // What only the collections above read is dropped before the walk: most of the
        // skeleton's memory (types, signatures) is not held while fns are parsed.
        if let Some(skeleton) = self.skeleton {
            for (range, lines) in &ranges {
                self.index.set_lines_before(*lines);
                for item in &mut items[range.clone()] {
                    strip(item, skeleton, self.index, Strip::Collected);
                }
            }
        }
        for (range, lines) in ranges {
            self.index.set_lines_before(lines);
            for item in &items[range] {
                syn::visit::Visit::visit_item(self, item);
            }
        }
        self.index.set_lines_before(0);
        self.evidence.imports.pop();
    }

    /// When the file is walked as a skeleton and `block` is a body blanked there: parses
    /// the fn from its own text, walks it with `walk` and drops it. True when the
    /// skeleton's fn is done with (also when its text does not parse: then the walk has
    /// failed, and the file is parsed whole).
    pub(super) fn split_off<T: syn::parse::Parse>(
        &mut self,
        block: &Block,
        walk: fn(&mut Self, &T),
    ) -> bool {
        let Some(skeleton) = self.skeleton.filter(|_| !self.in_fn_text) else {
            return false;
        };
        let brace = self.index.pos(block.brace_token.span.open().start()).offset;
        let Some(fn_text) = skeleton.fn_text(brace, self.index) else {
            return false;
        };
        if self.failed {
            return true;
        }
        let Ok(tree) = syn::parse_str::<T>(&fn_text.text) else {
            self.failed = true;
            return true;
        };
        let outer = self.index.lines_before();
        self.index.set_lines_before(fn_text.lines_before);
        self.in_fn_text = true;
        walk(self, &tree);
        self.in_fn_text = false;
        self.index.set_lines_before(outer);
        // The tree is dropped: no address in it may be taken for a node of the next one.
        self.macro_trees.clear();
        self.context.forget_nodes();
        self.guards.forget_nodes();
        self.evidence.forget_nodes();
        self.reported.forget_nodes();
        true
    }
}

/// What [`strip`] empties.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strip {
    /// What neither the module's collections nor the walk read: of the fns split off, all
    /// but the name, `async`, the receiver and a sync fn's return type.
    Unread,
    /// Also what only the collections read, once they are made: type definitions and
    /// `use`s whole, the split-off fns' signatures.
    Collected,
}

/// Empties what of a skeleton's top-level item is not read any more (`how`), so the
/// skeleton's memory (types, signatures) is not held while fns are parsed.
pub(crate) fn strip(item: &mut syn::Item, skeleton: &Skeleton<'_>, index: &LineIndex, how: Strip) {
    use syn::{ImplItem, Item, TraitItem};
    let split = |block: &Block| {
        skeleton.splits_off(index.pos(block.brace_token.span.open().start()).offset)
    };
    match item {
        Item::Struct(_) | Item::Enum(_) | Item::Union(_) | Item::Type(_) | Item::Use(_)
            if how == Strip::Collected =>
        {
            *item = Item::Verbatim(proc_macro2::TokenStream::new());
        }
        Item::Fn(f) if split(&f.block) => strip_fn(&mut f.attrs, &mut f.sig, how),
        Item::Impl(imp) => {
            for inner in &mut imp.items {
                if let ImplItem::Fn(f) = inner
                    && split(&f.block)
                {
                    strip_fn(&mut f.attrs, &mut f.sig, how);
                }
            }
        }
        Item::Trait(tr) => {
            for inner in &mut tr.items {
                if let TraitItem::Fn(f) = inner
                    && f.default.as_ref().is_some_and(split)
                {
                    strip_fn(&mut f.attrs, &mut f.sig, how);
                }
            }
        }
        _ => {}
    }
}

fn strip_fn(attrs: &mut Vec<syn::Attribute>, sig: &mut syn::Signature, how: Strip) {
    attrs.clear();
    sig.generics = syn::Generics::default();
    let receiver = sig.receiver().is_some();
    let keep = usize::from(receiver && how == Strip::Unread);
    while sig.inputs.len() > keep {
        sig.inputs.pop();
    }
    if how == Strip::Collected || sig.asyncness.is_some() {
        sig.output = syn::ReturnType::Default;
    }
}
