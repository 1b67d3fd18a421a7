//! What users read for the blocking family (`blocking_*`, `block_on_in_async`): a direct
//! blocking call in async code, and a call that blocks further down a chain of sync calls.
//! Each rule file gives its own label; `block_on_in_async` its own message and help.

use super::{Rule, block_on_in_async};
use crate::analysis::facts::{BlockingCall, BlockingKind, Chain};
use crate::diagnostic::{Diagnostic, Edit, Fix, Root, Span};
use crate::text::LineIndex;

/// The note on a finding in a synchronous closure that runs in async context: the async
/// replacement cannot be `.await`ed there, so no fix is offered for it.
const IN_SYNC_CLOSURE: &str = "this call is in a closure, where `.await` is not available: move the work out of the closure or into `spawn_blocking`";

/// A blocking call made in async context; `source` gives the text a fix is made from.
pub(super) fn direct(call: &BlockingCall, source: Option<&super::Source>) -> Diagnostic {
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
    let help = match call.replacement.as_str() {
        "" => "run the blocking code in `tokio::task::spawn_blocking`".to_string(),
        "`.await`" => "`.await` the future instead".to_string(),
        replacement if call.rule == Rule::BlockOnInAsync => format!("use {replacement} instead"),
        replacement => format!(
            "use {replacement} instead, or run the blocking code in `tokio::task::spawn_blocking`"
        ),
    };
    let mut diagnostic = Diagnostic::new(call.rule, &call.file, call.span, message, label);
    if call.in_sync_closure {
        diagnostic = diagnostic.note(IN_SYNC_CLOSURE);
    }
    if !call.configured_reason.is_empty() {
        diagnostic = diagnostic.note(format!("`{item}` {} (configured)", call.configured_reason));
    }
    let fix = source
        .filter(|source| source.runtime_is_tokio && !call.in_sync_closure)
        .and_then(|source| fix(call, source.index()));
    diagnostic.help(help).fix(fix)
}

/// A call in async context that blocks further down.
pub(super) fn chain(chain: &Chain) -> Diagnostic {
    let root = &chain.root;
    let help = match root.replacement.as_str() {
        "" | "`.await`" => format!(
            "call `{}` inside `tokio::task::spawn_blocking`, or make it async",
            chain.written
        ),
        replacement => format!(
            "call `{}` inside `tokio::task::spawn_blocking`, or make it async and use {replacement}",
            chain.written
        ),
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
    .help(help)
    .root(Root {
        file: root.file.clone(),
        span: root.span,
        item: root.item.clone(),
        in_fn: root.in_fn.clone(),
    })
}

/// The tokio fix for `std::thread::sleep(d)` and the `std::fs` functions `tokio::fs`
/// mirrors: the callee replaced, `.await` after the call.
fn fix(call: &BlockingCall, index: &LineIndex) -> Option<Fix> {
    let (std_name, replacement) = match call.rule {
        Rule::BlockingSleep if call.item == "std::thread::sleep" => ("sleep", "tokio::time::sleep"),
        Rule::BlockingFs => {
            let name = call.item.strip_prefix("std::fs::")?;
            (name, crate::fixes::tokio_fs(name)?)
        }
        _ => return None,
    };
    let site = crate::fixes::call_site(index, call.span, std_name)?;
    // The call as it will read, when it is short enough to show on one line.
    let message = if site.arguments.contains('\n') || site.arguments.len() > 60 {
        format!("replace with `{replacement}(..).await`")
    } else {
        format!("replace with `{replacement}{}.await`", site.arguments)
    };
    Some(Fix {
        message,
        edits: vec![
            Edit {
                file: call.file.clone(),
                span: call.span,
                replacement: replacement.to_string(),
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
