//! Runtime flow (SPEC §2 `mixed_runtimes`): which runtimes drive each fn, from entry
//! attributes and block-on drivers along resolved calls to a fixed point, and a
//! `RuntimeMix` fact where an API bound to another runtime is used.

use std::collections::VecDeque;

use super::{CrateInfo, Model};
use crate::analysis::facts::{Fact, RuntimeMix};
use crate::analysis::summary::Runtime;

impl Model<'_> {
    /// SPEC §2 `mixed_runtimes`: APIs bound to one runtime used where another drives.
    pub(super) fn mixed_runtimes(&self, krate: &CrateInfo, facts: &mut Vec<Fact>) {
        let count = self.nodes.len();
        let mut drivers: Vec<Vec<Runtime>> = vec![Vec::new(); count];
        let mut seeds: Vec<Runtime> = Vec::new();
        for (node, driving) in drivers.iter_mut().enumerate() {
            let summary = self.summary(node);
            if let Some(entry) = summary.entry {
                add(driving, entry);
                seeds.push(entry);
            }
            seeds.extend(summary.calls.iter().filter_map(|c| c.driver));
            seeds.extend(summary.uses.iter().filter_map(|u| u.driver));
        }
        // A crate that depends on one runtime and starts no other runs on that one.
        if let [only] = krate.runtimes.as_slice()
            && seeds.iter().all(|seed| seed == only)
        {
            for list in &mut drivers {
                add(list, *only);
            }
        }
        // To the fixed point with a worklist: a fn is visited again only when what drives it
        // grows (at most once per runtime), so this is linear in the calls, whatever their
        // order in the files.
        let mut calls: Vec<Vec<(Option<Runtime>, usize)>> = vec![Vec::new(); count];
        for (caller, call, callee) in self.edges() {
            calls[caller].push((call.driver, callee));
        }
        let mut queue: VecDeque<usize> = (0..count).collect();
        let mut queued = vec![true; count];
        while let Some(caller) = queue.pop_front() {
            queued[caller] = false;
            for &(driver, callee) in &calls[caller] {
                let incoming = match driver {
                    Some(driver) => vec![driver],
                    None => drivers[caller].clone(),
                };
                let mut grew = false;
                for runtime in incoming {
                    if !drivers[callee].contains(&runtime) {
                        add(&mut drivers[callee], runtime);
                        grew = true;
                    }
                }
                if grew && !queued[callee] {
                    queued[callee] = true;
                    queue.push_back(callee);
                }
            }
        }
        for (node, driven_by) in drivers.iter().enumerate() {
            let file = &self.files[self.nodes[node].file].summary.name;
            for api in &self.summary(node).uses {
                if api.gated {
                    continue;
                }
                let driving = match api.driver {
                    Some(driver) => vec![driver],
                    None => driven_by.clone(),
                };
                let Some(driver) = driving.into_iter().find(|d| !api.runtime.works_under(*d))
                else {
                    continue;
                };
                facts.push(Fact::RuntimeMix(RuntimeMix {
                    file: file.clone(),
                    span: api.span,
                    runtime: api.runtime,
                    item: api.item.clone(),
                    driver,
                    in_fn: self.nodes[node].display.clone(),
                }));
            }
        }
    }
}

fn add(list: &mut Vec<Runtime>, runtime: Runtime) {
    if !list.contains(&runtime) {
        list.push(runtime);
        list.sort();
    }
}
