//! Blocking reach (SPEC §3): each sync fn's blocking operations through any chain of sync
//! calls, found to a fixed point, and a `Chain` fact where async code calls such a fn.
//!
//! An allow accepts from async code what it covers (`suppress::mark_allowed` marks it in
//! the summaries): an allowed operation reaches nothing, and a fn allowed for a rule passes
//! none of that rule's reach to its callers. Each allow that stops something is an
//! `Accepted` fact, so its suppression counts as used.

use std::collections::BTreeMap;

use super::{Model, until_stable};
use crate::analysis::facts::{Accepted, Chain, ChainRoot, Fact};
use crate::analysis::summary::{FnKey, Op};
use crate::rules::Rule;

/// A blocking operation a fn reaches, and through which fns.
#[derive(Clone)]
struct Reach {
    /// The fn the operation is in.
    op_node: usize,
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
            for op in self.summary(node).ops.iter().filter(|op| !op.allowed) {
                known.entry(op.rule).or_insert_with(|| Reach {
                    op_node: node,
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
                let inherited: Vec<(Rule, Reach)> = self
                    .passed_on(&reach, callee)
                    .map(|(rule, r)| (rule, r.clone()))
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
            for (_, found) in self.passed_on(&reach, callee) {
                facts.push(Fact::Chain(self.chain(caller, call, callee, found)));
            }
        }
        self.accepted(&reach, facts);
    }

    /// What `node` passes on to its callers: its reach, but for the rules it is allowed
    /// (by a comment on the fn, or by its crate's `[[allow]]` configuration).
    fn passed_on<'r>(
        &self,
        reach: &'r [BTreeMap<Rule, Reach>],
        node: usize,
    ) -> impl Iterator<Item = (Rule, &'r Reach)> + 'r {
        let mut allowed = self.summary(node).allowed.clone();
        if !reach[node].is_empty() {
            allowed.extend(self.configured_allows(node));
        }
        reach[node]
            .iter()
            .filter(move |(rule, _)| !allowed.contains(rule))
            .map(|(rule, found)| (*rule, found))
    }

    /// The rules the crate's `[[allow]]` entries accept for `node`: an entry names the fn by
    /// its crate and module path (`mycrate::jobs::log`) or, for a method, its crate and type
    /// (`mycrate::jobs::FileJobLogger::log`, the module path between them optional).
    fn configured_allows(&self, index: usize) -> impl Iterator<Item = Rule> + '_ {
        let is_method = matches!(self.summary(index).key, FnKey::Assoc { .. });
        let node = &self.nodes[index];
        let info = self.crates[node.krate];
        info.allowed
            .iter()
            .filter(move |entry| {
                let path = entry.path.trim_start_matches("::");
                let Some((first, rest)) = path.split_once("::") else {
                    return false;
                };
                let named = first == "crate" || info.name.as_deref() == Some(first);
                named
                    && (rest == node.path
                        || is_method && rest.ends_with(&format!("::{}", node.path)))
            })
            .flat_map(|entry| entry.rules.iter().copied())
    }

    /// The allows that stop a chain: on a blocking operation of a sync fn, and on a sync fn
    /// that reaches a blocking operation of the rule it is allowed.
    fn accepted(&self, reach: &[BTreeMap<Rule, Reach>], facts: &mut Vec<Fact>) {
        for (node, known) in reach.iter().enumerate() {
            if self.nodes[node].is_async {
                continue;
            }
            let summary = self.summary(node);
            let file = &self.files[self.nodes[node].file].summary.name;
            let accepted = |line: u32, rule: Rule| {
                Fact::Accepted(Accepted {
                    file: file.clone(),
                    line,
                    rule,
                })
            };
            for op in summary.ops.iter().filter(|op| op.allowed) {
                facts.push(accepted(op.span.start.line, op.rule));
            }
            for &rule in &summary.allowed {
                if known.contains_key(&rule) {
                    facts.push(accepted(summary.line, rule));
                }
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
        let mut steps = self.chain_steps(caller, callee, &found.via);
        steps.push(found.op.item.clone());
        let op_node = &self.nodes[found.op_node];
        Chain {
            rule: found.op.rule,
            file: self.files[self.nodes[caller].file].summary.name.clone(),
            span: call.span,
            written: call.written.clone(),
            steps,
            root: ChainRoot {
                file: self.files[op_node.file].summary.name.clone(),
                span: found.op.span,
                item: found.op.item.clone(),
                replacement: found.op.replacement.clone(),
                in_fn: op_node.display.clone(),
            },
        }
    }
}
