//! Blocking reach (SPEC §3): each sync fn's blocking operations through any chain of sync
//! calls, found to a fixed point, and a `Chain` fact where async code calls such a fn.

use std::collections::BTreeMap;

use super::{Model, until_stable};
use crate::analysis::facts::{Chain, ChainRoot, Fact};
use crate::analysis::summary::Op;
use crate::rules::Rule;

/// A blocking operation a fn reaches, and through which fns.
#[derive(Clone)]
struct Reach {
    op_file: usize,
    op: Op,
    via: Vec<usize>,
}

impl Model<'_> {
    /// SPEC §3: each sync fn's blocking operations, through any chain of sync calls,
    /// reported where async code calls it.
    pub(super) fn blocking_chains(&self, facts: &mut Vec<Fact>) {
        let count = self.nodes.len();
        let mut reach: Vec<BTreeMap<Rule, Reach>> = vec![BTreeMap::new(); count];
        for (node, known) in reach.iter_mut().enumerate() {
            if self.nodes[node].is_async {
                continue;
            }
            for op in &self.summary(node).ops {
                known.entry(op.rule).or_insert_with(|| Reach {
                    op_file: self.nodes[node].file,
                    op: op.clone(),
                    via: Vec::new(),
                });
            }
        }
        // Fixed point: a chain only ever gets shorter, so this ends (recursion included).
        until_stable(count, || {
            let mut changed = false;
            for (caller, call, callee) in self.edges() {
                if self.nodes[caller].is_async
                    || call.in_async
                    || callee == caller
                    || self.nodes[callee].is_async
                {
                    continue;
                }
                let inherited: Vec<(Rule, Reach)> = reach[callee]
                    .iter()
                    .map(|(rule, r)| (*rule, r.clone()))
                    .collect();
                for (rule, found) in inherited {
                    let longer = reach[caller]
                        .get(&rule)
                        .is_some_and(|known| known.via.len() <= found.via.len() + 1);
                    if longer {
                        continue;
                    }
                    let mut via = vec![callee];
                    via.extend(found.via);
                    reach[caller].insert(rule, Reach { via, ..found });
                    changed = true;
                }
            }
            changed
        });
        for (caller, call, callee) in self.edges() {
            if !call.in_async || self.nodes[callee].is_async {
                continue;
            }
            for found in reach[callee].values() {
                facts.push(Fact::Chain(self.chain(caller, call, callee, found)));
            }
        }
    }

    fn chain(
        &self,
        caller: usize,
        call: &crate::analysis::summary::Call,
        callee: usize,
        found: &Reach,
    ) -> Chain {
        let mut steps = vec![
            self.nodes[caller].display.clone(),
            self.nodes[callee].display.clone(),
        ];
        steps.extend(found.via.iter().map(|&n| self.nodes[n].display.clone()));
        steps.push(found.op.item.clone());
        Chain {
            rule: found.op.rule,
            file: self.files[self.nodes[caller].file].summary.name.clone(),
            span: call.span,
            written: call.written.clone(),
            steps,
            root: ChainRoot {
                file: self.files[found.op_file].summary.name.clone(),
                span: found.op.span,
                item: found.op.item.clone(),
                replacement: found.op.replacement.clone(),
            },
        }
    }
}
