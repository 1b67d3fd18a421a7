//! Item-granular parsing, the walk's side (`analysis::skeleton`): a fn blanked in the
//! skeleton is parsed from its own text when the walk reaches it, walked, and dropped
//! before the next, so memory follows the largest fn, not the file.

use syn::Block;

use super::Walker;
use crate::analysis::skeleton::Skeleton;

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
        items: &[syn::Item],
        chunks: &[(usize, usize)],
    ) {
        let ranges = chunks.iter().enumerate().map(|(i, &(start, lines))| {
            let end = chunks.get(i + 1).map_or(items.len(), |next| next.0);
            (&items[start..end], lines)
        });
        self.runtimes.enter_gates(attrs);
        self.evidence.imports.push_module(items, None);
        self.evidence.collect_items(items.iter());
        for (chunk, lines) in ranges.clone() {
            self.index.set_lines_before(lines);
            (self.guards).collect_items(chunk, &self.evidence.imports, self.index);
        }
        for (chunk, lines) in ranges {
            self.index.set_lines_before(lines);
            for item in chunk {
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
