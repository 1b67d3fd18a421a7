//! Macro bodies that hold code (`select!`, `join!`, `vec!`, statement macros), walked as
//! the code they expand to.

use std::rc::Rc;

use syn::Macro;
use syn::visit::Visit;

use super::Walker;
use crate::analysis::known_paths;
use crate::analysis::macros::{self, MacroBody, SelectBranch};
use crate::analysis::syntax::path_span;
use crate::analysis::types::Ty;
use crate::diagnostic::Span;

impl Walker<'_> {
    pub(super) fn walk_macro(&mut self, mac: &Macro) {
        let Some(name) = mac.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        if self.macro_depth >= macros::MAX_DEPTH {
            return;
        }
        let Some(body) = macros::parse_body(mac, &name, self.context.in_async()) else {
            return;
        };
        self.macro_depth += 1;
        match &*self.keep(body) {
            MacroBody::Select(branches) => {
                let span = path_span(self.index, &mac.path);
                self.walk_select(branches, span);
            }
            MacroBody::Args(args) => {
                if known_paths::WRITE_MACROS.contains(&name.as_str())
                    && let Some(destination) = args.first()
                {
                    self.check_write_macro(mac, destination);
                }
                let implicit_await = known_paths::JOIN_MACROS.contains(&name.as_str());
                for arg in args {
                    if implicit_await {
                        self.context.awaits(arg);
                    }
                    self.visit_expr(arg);
                }
                if implicit_await {
                    let span = path_span(self.index, &mac.path);
                    self.guards.with_body(|body| body.await_point(span));
                }
            }
            MacroBody::Repeat(repeat) => {
                let (value, count) = &**repeat;
                self.visit_expr(value);
                self.visit_expr(count);
            }
            MacroBody::Stmts(stmts) => {
                self.evidence.enter_scope();
                self.calls.branches.open_block();
                stmts.iter().for_each(|stmt| self.visit_stmt(stmt));
                self.calls.branches.close_block();
                self.evidence.exit_scope();
            }
        }
        self.macro_depth -= 1;
    }

    /// Keeps a tree parsed from a macro body alive for the rest of the file.
    fn keep<T: 'static>(&mut self, tree: T) -> Rc<T> {
        let tree = Rc::new(tree);
        self.macro_trees.push(tree.clone());
        tree
    }

    fn walk_select(&mut self, branches: &[SelectBranch], span: Span) {
        for branch in branches {
            if let Some(guard) = &branch.guard {
                self.visit_expr(guard);
            }
            if let Some(future) = &branch.future {
                self.context.awaits(future);
                self.visit_expr(future);
            }
        }
        // `select!` awaits its futures here, then runs one handler.
        self.guards.with_body(|body| body.await_point(span));
        for branch in branches {
            self.evidence.enter_scope();
            if let Some(pat) = &branch.pat {
                self.evidence.bind_pat(pat, Ty::Unknown);
            }
            self.visit_expr(&branch.handler);
            self.evidence.exit_scope();
        }
    }
}
