//! Blocking reach (SPEC §3): each sync fn's blocking operations through any chain of sync
//! calls, found to a fixed point, and a `Chain` fact where async code calls such a fn.
//!
//! An allow accepts from async code what it covers (`suppress::mark_allowed` marks it in
//! the summaries): an allowed operation reaches nothing, and a fn allowed for a rule passes
//! none of that rule's reach to its callers. Each allow that stops something is an
//! `Accepted` fact, so its suppression counts as used.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::Model;
use crate::analysis::facts::{Accepted, Chain, ChainRoot, Fact};
use crate::analysis::summary::{Arg, Call, CallTarget, Cond, FnKey, Op, Pending};
use crate::rules::Rule;

/// A blocking operation a fn reaches, and through which fns.
#[derive(Clone)]
struct Reach {
    /// The fn the operation is in.
    op_node: usize,
    op: Op,
    via: Via,
    /// What must hold of the fn's parameters for it to get there (all of it).
    when: Vec<Cond>,
}

/// The fns a chain goes through, callee first: a list that shares its tail with the
/// callee's own chain, so a chain one call longer costs one link, not a copy (a chain
/// 20k calls deep would otherwise hold 20k copies of up to 20k steps).
#[derive(Clone, Default)]
struct Via {
    len: usize,
    head: Option<Rc<Link>>,
}

struct Link {
    node: usize,
    next: Option<Rc<Link>>,
}

impl Via {
    fn len(&self) -> usize {
        self.len
    }

    /// `node`, then this chain.
    fn after(node: usize, rest: &Via) -> Via {
        let link = Link {
            node,
            next: rest.head.clone(),
        };
        Via {
            len: rest.len + 1,
            head: Some(Rc::new(link)),
        }
    }

    fn to_vec(&self) -> Vec<usize> {
        let mut nodes = Vec::with_capacity(self.len);
        let mut at = self.head.as_deref();
        while let Some(link) = at {
            nodes.push(link.node);
            at = link.next.as_deref();
        }
        nodes
    }
}

impl Drop for Via {
    /// Unlinks iteratively: a long chain dropped link by link would recurse once a link.
    fn drop(&mut self) {
        let mut at = self.head.take();
        while let Some(link) = at {
            at = match Rc::try_unwrap(link) {
                Ok(mut link) => link.next.take(),
                Err(_) => None,
            };
        }
    }
}

/// Reaches of one rule kept per fn, each under other tests: past this many, the fn is
/// taken to reach it whatever its arguments (when in doubt, it blocks).
const MAX_CONDITIONAL: usize = 4;

/// Offers a reach: kept when it adds something (no test where there were only tested
/// ones, new tests, or a shorter chain under the same tests). Returns whether it did.
fn offer(known: &mut Vec<Reach>, mut new: Reach) -> bool {
    new.when.sort();
    new.when.dedup();
    if let Some(always) = known.iter_mut().find(|r| r.when.is_empty()) {
        if new.when.is_empty() && new.via.len() < always.via.len() {
            *always = new;
            return true;
        }
        return false;
    }
    if new.when.is_empty() {
        *known = vec![new];
        return true;
    }
    if let Some(same) = known.iter_mut().find(|r| r.when == new.when) {
        if new.via.len() < same.via.len() {
            *same = new;
            return true;
        }
        return false;
    }
    if known.len() < MAX_CONDITIONAL {
        known.push(new);
    } else {
        new.when.clear();
        *known = vec![new];
    }
    true
}

impl Model<'_> {
    /// SPEC §3: each sync fn's blocking operations, through any chain of sync calls,
    /// reported where async code calls it.
    pub(super) fn blocking_chains(&self, facts: &mut Vec<Fact>) {
        let count = self.nodes.len();
        let mut reach: Vec<BTreeMap<Rule, Vec<Reach>>> = vec![BTreeMap::new(); count];
        for (node, known) in reach.iter_mut().enumerate() {
            if self.nodes[node].is_async {
                continue;
            }
            for op in self.summary(node).ops.iter().filter(|op| !op.allowed) {
                if op
                    .pending
                    .is_some_and(|pending| self.offloaded(node, pending))
                {
                    continue;
                }
                let found = Reach {
                    op_node: node,
                    op: op.clone(),
                    via: Via::default(),
                    when: op.when.clone(),
                };
                offer(known.entry(op.rule).or_default(), found);
            }
        }
        // Fixed point: a chain only ever gets shorter, so this ends (recursion included).
        // Rounds over the calls in order, as many as the fns at most; a call is taken again
        // only when its callee's reach changed since it was last taken (taking it again
        // unchanged offers nothing new), so a chain 20k calls deep, callers first, costs 20k
        // steps, not 20k rounds over every call.
        let calls: Vec<_> = (self.edges_indexed())
            .filter(|&(caller, index, call, callee)| {
                !(self.nodes[caller].is_async
                    || call.in_async
                    || callee == caller
                    || self.nodes[callee].is_async
                    || (self.summary(caller).pending_of(index))
                        .is_some_and(|p| self.offloaded(caller, p)))
            })
            .collect();
        let mut by_callee: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (at, &(_, _, _, callee)) in calls.iter().enumerate() {
            by_callee[callee].push(at);
        }
        let mut this_round: BTreeSet<usize> = (0..calls.len()).collect();
        let mut next_round: BTreeSet<usize> = BTreeSet::new();
        for _ in 0..=count {
            while let Some(at) = this_round.pop_first() {
                let (caller, index, call, callee) = calls[at];
                let summary = self.summary(caller);
                let inherited: Vec<(Rule, Reach)> = self
                    .passed_on(&reach, callee)
                    .filter_map(|(rule, r)| {
                        let mut when = self.through(caller, index, call, callee, &r.when)?;
                        when.extend(summary.when_of(index).cloned());
                        Some((rule, Reach { when, ..r.clone() }))
                    })
                    .collect();
                let mut changed = false;
                for (rule, found) in inherited {
                    let via = Via::after(callee, &found.via);
                    let found = Reach { via, ..found };
                    changed |= offer(reach[caller].entry(rule).or_default(), found);
                }
                if changed {
                    for &again in &by_callee[caller] {
                        if again > at {
                            this_round.insert(again);
                        } else {
                            next_round.insert(again);
                        }
                    }
                }
            }
            if next_round.is_empty() {
                break;
            }
            this_round = std::mem::take(&mut next_round);
        }
        for (caller, index, call, callee) in self.edges_indexed() {
            let summary = self.summary(caller);
            if !call.in_async
                || self.nodes[callee].is_async
                || summary
                    .pending_of(index)
                    .is_some_and(|p| self.offloaded(caller, p))
            {
                continue;
            }
            // One finding per rule: the shortest chain the arguments do not rule out.
            let mut shortest: BTreeMap<Rule, &Reach> = BTreeMap::new();
            for (rule, found) in self.passed_on(&reach, callee) {
                if self
                    .through(caller, index, call, callee, &found.when)
                    .is_none()
                {
                    continue;
                }
                let slot = shortest.entry(rule).or_insert(found);
                if found.via.len() < slot.via.len() {
                    *slot = found;
                }
            }
            for found in shortest.into_values() {
                facts.push(Fact::Chain(self.chain(caller, call, callee, found)));
            }
        }
        self.accepted(&reach, facts);
    }

    /// What `node` passes on to its callers: its reach, but for the rules it is allowed
    /// (by a comment on the fn, or by its crate's `[[allow]]` configuration).
    fn passed_on<'r>(
        &self,
        reach: &'r [BTreeMap<Rule, Vec<Reach>>],
        node: usize,
    ) -> impl Iterator<Item = (Rule, &'r Reach)> + 'r {
        let mut allowed = self.summary(node).allowed.clone();
        if !reach[node].is_empty() {
            allowed.extend(self.configured_allows(node));
        }
        reach[node]
            .iter()
            .filter(move |(rule, _)| !allowed.contains(rule))
            .flat_map(|(rule, found)| found.iter().map(|found| (*rule, found)))
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
    fn accepted(&self, reach: &[BTreeMap<Rule, Vec<Reach>>], facts: &mut Vec<Fact>) {
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

    /// The tests `callee` needs (`when`, on its parameters) as they stand at `call` from
    /// `caller`: `None` when an argument shows one cannot hold (`None` given where
    /// `Some` is tested); else the tests passed on to the caller's own parameters.
    fn through(
        &self,
        caller: usize,
        index: usize,
        call: &Call,
        callee: usize,
        when: &[Cond],
    ) -> Option<Vec<Cond>> {
        let mut passed = Vec::new();
        // `Type::method(recv, x)`: the receiver is the first argument.
        let shift = usize::from(
            matches!(call.target, CallTarget::Path(_)) && self.summary(callee).has_self,
        );
        for cond in when {
            match self
                .summary(caller)
                .arg_of(index, usize::from(cond.param) + shift)
            {
                Some(Arg::Param(param)) => passed.push(Cond {
                    param: *param,
                    test: cond.test.clone(),
                }),
                Some(Arg::Built(index)) => {
                    let variant = usize::try_from(*index)
                        .ok()
                        .and_then(|index| self.targets[caller].get(index).copied().flatten())
                        .and_then(|built| self.summary(built).returns_variant());
                    if let Some(variant) = variant
                        && !cond.test.admits(&Arg::Variant(variant.into()))
                    {
                        return None;
                    }
                }
                Some(arg) if !cond.test.admits(arg) => return None,
                _ => {}
            }
        }
        Some(passed)
    }

    /// Does the callee of `pending`'s call (made by `caller`) hand the closure given it to
    /// an offloader?
    pub(super) fn offloaded(&self, caller: usize, pending: Pending) -> bool {
        let Ok(index) = usize::try_from(pending.call) else {
            return false;
        };
        let Some(call) = self.summary(caller).calls.get(index) else {
            return false;
        };
        let Some(callee) = self.targets[caller].get(index).copied().flatten() else {
            return false;
        };
        self.callee_param(call, callee, pending.arg)
            .is_some_and(|param| self.offloads[callee] & (1 << param) != 0)
    }

    /// The callee's parameter (`self` not counted, below 32) that a call's argument at
    /// `position` is: a path call of a method passes `self` first.
    fn callee_param(&self, call: &Call, callee: usize, position: u8) -> Option<u8> {
        let shift = matches!(call.target, CallTarget::Path(_)) && self.summary(callee).has_self;
        position
            .checked_sub(u8::from(shift))
            .filter(|&param| param < 32)
    }

    /// The closure parameters each fn offloads: its own (`FnSummary::offloads`), and a
    /// parameter it only gives on (`FnSummary::passes`) when every call it is given to
    /// resolves to a fn that offloads it there — a worklist from the callees up, each
    /// (fn, parameter) taken once its last call is settled, so a chain of wrappers is
    /// linear.
    pub(super) fn offloads_through(&self) -> Vec<u32> {
        let mut offloads: Vec<u32> = (0..self.nodes.len())
            .map(|node| self.summary(node).offloads())
            .collect();
        // (fn, parameter) → its calls not yet known to offload it; by callee, the
        // (fn, parameter, callee's parameter) waiting on it.
        let mut waiting: foldhash::HashMap<(usize, u8), usize> = Default::default();
        let mut by_callee: Vec<Vec<(usize, u8, u8)>> = vec![Vec::new(); self.nodes.len()];
        for node in 0..self.nodes.len() {
            let summary = self.summary(node);
            let passes = summary.passes() & !summary.offloads();
            if passes == 0 {
                continue;
            }
            let mut blocked = 0u32;
            let mut edges = Vec::new();
            for (index, position, param) in summary.param_args() {
                if param >= 32 || passes & (1 << param) == 0 {
                    continue;
                }
                let target = usize::try_from(index).ok().and_then(|i| {
                    let call = summary.calls.get(i)?;
                    let callee = self.targets[node].get(i).copied().flatten()?;
                    Some((callee, self.callee_param(call, callee, position)?))
                });
                match target {
                    Some((callee, callee_param)) => edges.push((callee, param, callee_param)),
                    None => blocked |= 1 << param,
                }
            }
            for (callee, param, callee_param) in edges {
                if blocked & (1 << param) == 0 {
                    *waiting.entry((node, param)).or_default() += 1;
                    by_callee[callee].push((node, param, callee_param));
                }
            }
        }
        let mut work: Vec<usize> = (0..self.nodes.len())
            .filter(|&n| offloads[n] != 0)
            .collect();
        let mut done: foldhash::HashSet<(usize, u8, usize, u8)> = Default::default();
        while let Some(callee) = work.pop() {
            for &(node, param, callee_param) in &by_callee[callee] {
                if offloads[callee] & (1 << callee_param) == 0
                    || !done.insert((node, param, callee, callee_param))
                {
                    continue;
                }
                let Some(left) = waiting.get_mut(&(node, param)) else {
                    continue;
                };
                *left -= 1;
                if *left == 0 && offloads[node] & (1 << param) == 0 {
                    offloads[node] |= 1 << param;
                    work.push(node);
                }
            }
        }
        offloads
    }

    fn chain(
        &self,
        caller: usize,
        call: &crate::analysis::summary::Call,
        callee: usize,
        found: &Reach,
    ) -> Chain {
        let mut steps = self.chain_steps(caller, callee, &found.via.to_vec());
        steps.push(found.op.item.clone());
        let op_node = &self.nodes[found.op_node];
        Chain {
            rule: found.op.rule,
            file: self.files[self.nodes[caller].file].summary.name.clone(),
            span: call.span,
            written: call.written.to_string(),
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
