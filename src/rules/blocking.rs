//! What users read for the blocking family (`blocking_*`, `block_on_in_async`): a direct
//! blocking call in async code, and a call that blocks further down a chain of sync calls.
//! Each rule file gives its own label; `block_on_in_async` its own message and help.

use super::{Rule, block_on_in_async};
use crate::analysis::facts::{BlockingCall, BlockingKind, Chain};
use crate::analysis::known_paths::{FixRuntime, Shape, counterpart, offloader, package};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Root, Span};
use crate::fixes::CrateRuntime;
use crate::text::LineIndex;

/// The note on a finding in a synchronous closure that runs in async context: the async
/// replacement cannot be `.await`ed there, so no fix is offered for it.
const IN_SYNC_CLOSURE: &str = "this call is in a closure, where `.await` is not available: move the work out of the closure or onto a blocking thread";

/// Where blocking code goes when the crate's runtime is not known.
const NEUTRAL_OFFLOAD: &str = "your runtime's blocking thread pool (`spawn_blocking`, `unblock`)";

/// A blocking call made in async context; `source` gives the text a fix is made from.
pub(super) fn direct(
    call: &BlockingCall,
    runtime: &CrateRuntime,
    source: Option<&super::Source>,
) -> Diagnostic {
    let item = &call.item;
    let (message, label) = match call.kind {
        BlockingKind::CreatesRuntime => block_on_in_async::creates_runtime(item),
        BlockingKind::BlocksOnFuture => block_on_in_async::blocks_on_future(item),
        BlockingKind::PanicsInRuntime => (
            format!("blocking call to `{item}` in async context"),
            "panics when called inside a tokio runtime, and blocks the thread outside one",
        ),
        BlockingKind::Blocks => (
            format!("blocking call to `{item}` in async context"),
            // Every blocking rule but `block_on_in_async` (whose kinds are worded above)
            // has a label in its registry row; a test holds them to it.
            call.rule.blocking_label().unwrap_or("blocks this thread"),
        ),
    };
    let help = runtime.spell(&direct_help(call, runtime.runtime));
    let mut diagnostic = Diagnostic::new(call.rule, &call.file, call.span, message, label);
    if call.in_sync_closure {
        diagnostic = diagnostic.note(IN_SYNC_CLOSURE);
    }
    if !call.configured_reason.is_empty() {
        diagnostic = diagnostic.note(format!("`{item}` {} (configured)", call.configured_reason));
    }
    let fix = source
        .filter(|_| call.can_await)
        .and_then(|source| fix(call, runtime, source.index()));
    diagnostic.help(help).fix(fix)
}

/// The help line of a direct call: the catalogue's (tokio) replacement on tokio, the
/// runtime's own counterpart on async-std and smol, and runtime-neutral words otherwise.
fn direct_help(call: &BlockingCall, runtime: Option<FixRuntime>) -> String {
    let item = &call.item;
    let replacement = call.replacement.as_str();
    if replacement == "`.await`" {
        return "`.await` the future instead".to_string();
    }
    if call.rule == Rule::BlockOnInAsync && !replacement.is_empty() {
        return format!("use {replacement} instead");
    }
    if !call.can_await && !call.in_sync_closure {
        // A poll fn: no `.await` there, so no async counterpart can be awaited in place.
        return match runtime {
            Some(runtime) => format!(
                "a `poll` fn cannot `.await`: run the blocking code in `{}` and poll the task \
                 it returns",
                offloader(runtime)
            ),
            None => format!(
                "a `poll` fn cannot `.await`: run the blocking code on {NEUTRAL_OFFLOAD} and \
                 poll the task it returns"
            ),
        };
    }
    let Some(runtime) = runtime else {
        return match replacement {
            "" => format!("run the blocking code on {NEUTRAL_OFFLOAD}"),
            _ => format!(
                "use your runtime's async counterpart of `{item}`, or run the blocking code on \
                 {NEUTRAL_OFFLOAD}"
            ),
        };
    };
    let offload = offloader(runtime);
    match (runtime, replacement) {
        (_, "") => format!("run the blocking code in `{offload}`"),
        // The replacement is the offloader already (`JoinHandle::join`).
        (FixRuntime::Tokio, replacement) if replacement.contains("spawn_blocking") => {
            format!("use {replacement}")
        }
        (FixRuntime::Tokio, replacement) => {
            format!("use {replacement} instead, or run the blocking code in `{offload}`")
        }
        (runtime, _) => match counterpart(runtime, item) {
            Some(found) => format!(
                "use `{}(..).await` instead, or run the blocking code in `{offload}`",
                found.path()
            ),
            None => format!(
                "use {}'s async counterpart of `{item}`, or run the blocking code in `{offload}`",
                package(runtime).0
            ),
        },
    }
}

/// A call in async context that blocks further down.
pub(super) fn chain(chain: &Chain, runtime: &CrateRuntime) -> Diagnostic {
    let root = &chain.root;
    let written = &chain.written;
    let help = match runtime.runtime {
        None => format!("call `{written}` on {NEUTRAL_OFFLOAD}, or make it async"),
        Some(runtime) => {
            let offload = offloader(runtime);
            let replacement = match runtime {
                FixRuntime::Tokio => root.replacement.clone(),
                _ => counterpart(runtime, &root.item)
                    .map(|found| format!("`{}(..).await`", found.path()))
                    .unwrap_or_default(),
            };
            match replacement.as_str() {
                "" | "`.await`" => format!("call `{written}` inside `{offload}`, or make it async"),
                replacement if replacement.contains("spawn_blocking") => {
                    format!("call `{written}` inside `{offload}`, or make it async")
                }
                replacement => format!(
                    "call `{written}` inside `{offload}`, or make it async and use {replacement}"
                ),
            }
        }
    };
    Diagnostic::new(
        chain.rule,
        &chain.file,
        chain.span,
        format!(
            "call to `{}` blocks: it reaches `{}`",
            chain.written, root.item
        ),
        "blocks this thread further down",
    )
    .secondary(
        &root.file,
        root.span,
        format!("`{}` blocks here", root.item),
    )
    .note(format!(
        "{} at {}:{}",
        chain.steps.join(" → "),
        root.file,
        root.span.start.line
    ))
    .help(runtime.spell(&help))
    .root(Root {
        file: root.file.clone(),
        span: root.span,
        item: root.item.clone(),
        in_fn: root.in_fn.clone(),
    })
}

/// The fix for `std::thread::sleep(d)` and the `std::fs` functions the crate's runtime
/// mirrors: the callee replaced, `.await` after the call. `MachineApplicable` only when
/// the edit compiles as it stands: the runtime's feature is on and the counterpart has the
/// same shape where the call is; `MaybeIncorrect`, saying why, otherwise.
fn fix(call: &BlockingCall, runtime: &CrateRuntime, index: &LineIndex) -> Option<Fix> {
    if !matches!(call.rule, Rule::BlockingSleep | Rule::BlockingFs) {
        return None;
    }
    let found = counterpart(runtime.runtime?, &call.item)?;
    let std_name = call.item.rsplit("::").next()?;
    let site = crate::fixes::call_site(index, call.span, std_name)?;
    let replacement = runtime.spell(&found.path());
    let (name, _) = package(runtime.runtime?);
    let caveat = if let Some(conditional) = &runtime.conditional {
        Some(format!(
            "{name} is {conditional}: the code may be built without it"
        ))
    } else if call.guard_alive {
        Some(
            "a lock guard, `RefCell` borrow or `Rc` alive here would be held across the \
             `.await`: the future may stop being `Send`"
                .to_string(),
        )
    } else if !runtime.has_feature(found.feature) {
        Some(match found.feature {
            "default" => format!("needs {name}'s default features"),
            feature => format!("needs {name}'s `{feature}` feature"),
        })
    } else {
        match found.shape {
            _ if site.guard_in_arguments => Some(
                "a guard taken in the arguments would be held across the `.await`: take what it \
                 guards into a local first"
                    .to_string(),
            ),
            Shape::Same => None,
            Shape::SameAsStatement if site.statement => None,
            Shape::SameAsStatement => {
                Some(format!("`{replacement}` returns an `Instant`, not `()`"))
            }
            Shape::Differs if found.name == "read_dir" => Some(format!(
                "`{replacement}` gives a stream of entries, not an iterator: the code reading it must change"
            )),
            Shape::Differs => Some(format!(
                "`{replacement}` takes and returns `async_std::path` types"
            )),
        }
    };
    // The call as it will read, when it is short enough to show on one line.
    let call_text = if site.arguments.contains('\n') || site.arguments.len() > 60 {
        format!("{replacement}(..).await")
    } else {
        format!("{replacement}{}.await", site.arguments)
    };
    let (message, applicability) = match caveat {
        None => (
            format!("replace with `{call_text}`"),
            Applicability::MachineApplicable,
        ),
        Some(caveat) => (
            format!("replace with `{call_text}` ({caveat})"),
            Applicability::MaybeIncorrect,
        ),
    };
    Some(Fix {
        message,
        applicability,
        edits: vec![
            Edit {
                file: call.file.clone(),
                span: call.span,
                replacement,
            },
            Edit {
                file: call.file.clone(),
                span: Span {
                    start: site.after_call,
                    end: site.after_call,
                },
                replacement: ".await".to_string(),
            },
        ],
    })
}

/// One finding per call site (SPEC §3): a call that reaches blocking operations under
/// several rules is reported once, under the most severe level and then the first rule,
/// with a note for each other operation it reaches. Run after suppressions, so that an
/// allow for one rule at the call leaves the others' finding in place.
pub fn one_per_site(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut chains: Vec<usize> = (0..diagnostics.len())
        .filter(|&i| diagnostics[i].root.is_some())
        .collect();
    if chains.len() < 2 {
        return diagnostics;
    }
    fn site(d: &Diagnostic) -> (&str, Span) {
        (&d.file, d.span)
    }
    chains.sort_by(|&a, &b| {
        let (a, b) = (&diagnostics[a], &diagnostics[b]);
        (site(a), std::cmp::Reverse(a.level), a.rule).cmp(&(
            site(b),
            std::cmp::Reverse(b.level),
            b.rule,
        ))
    });
    let mut also: Vec<(usize, usize)> = Vec::new();
    for pair in chains.windows(2) {
        if site(&diagnostics[pair[0]]) == site(&diagnostics[pair[1]]) {
            let kept = also
                .last()
                .filter(|&&(_, dropped)| dropped == pair[0])
                .map_or(pair[0], |&(kept, _)| kept);
            also.push((kept, pair[1]));
        }
    }
    if also.is_empty() {
        return diagnostics;
    }
    let mut diagnostics: Vec<Option<Diagnostic>> = diagnostics.into_iter().map(Some).collect();
    for (kept, dropped) in also {
        let Some(other) = diagnostics[dropped].take() else {
            continue;
        };
        if let (Some(kept), Some(root)) = (diagnostics[kept].as_mut(), other.root) {
            kept.notes.push(format!(
                "it also reaches `{}` ({}) at {}:{}",
                root.item,
                other.rule.name(),
                root.file,
                root.span.start.line
            ));
        }
    }
    diagnostics.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::super::{Family, Rule};

    #[test]
    fn every_blocking_rule_words_its_direct_calls() {
        for rule in Rule::ALL.iter().filter(|r| r.family() == Family::Blocking) {
            let worded = rule.blocking_label().is_some() || *rule == Rule::BlockOnInAsync;
            assert!(worded, "{rule}: add `{rule}::LABEL` to its registry row");
        }
    }
}
