use super::Rule;
use super::RuleDoc;
use crate::analysis::facts::RuntimeMix;
use crate::analysis::summary::Runtime;
use crate::diagnostic::Diagnostic;

/// An API of one runtime used where another drives the code.
pub(super) fn diagnostic(mix: &RuntimeMix) -> Diagnostic {
    let driver = mix.driver.name();
    let label = match mix.runtime {
        Runtime::Tokio => "panics: there is no reactor running, must be called from the context of a Tokio 1.x runtime".to_string(),
        other => format!("starts {}'s own reactor and executor beside {driver}'s", other.name()),
    };
    Diagnostic::new(
        Rule::MixedRuntimes,
        &mix.file,
        mix.span,
        format!(
            "{} API `{}` used where {driver} drives the code",
            mix.runtime.name(),
            mix.item,
        ),
        label,
    )
    .note(format!("`{}` runs on {driver}", mix.in_fn))
    .help(format!(
        "use {driver}'s equivalent, or a runtime-neutral API (`futures`, `tokio_util::compat`)"
    ))
}

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "an API bound to one async runtime used where another runtime drives the code",
    what_it_does: "Finds uses of runtime-bound APIs (spawning, timers, sockets, files, \
processes, signals) of tokio, async-std or smol in code another runtime drives. The driving \
runtime comes from the entry attribute (`#[tokio::main]`, `#[async_std::main]`, \
`#[actix_web::main]`, ...) or block-on call (`smol::block_on(async { .. })`) that runs the \
code, and flows to the crate's fns it calls; a crate that depends on one runtime and starts no \
other runs on that one.",
    why_is_this_bad: "A tokio API outside a tokio runtime panics with \"there is no reactor \
running\". An async-std or smol API under tokio starts a second reactor and thread pool beside \
tokio's: it works, slowly, until the two disagree about timers, I/O or shutdown.",
    known_problems: "`futures` and `tokio_util::compat` are runtime-neutral and never reported. \
async-std and smol share a reactor and are not a mix of each other. Code behind a \
`#[cfg(..)]` naming a runtime is that runtime's optional support, not a mix.",
    example: r#"
#[async_std::main]
async fn main() {
    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
}
"#,
    use_instead: r#"
#[async_std::main]
async fn main() {
    async_std::task::sleep(std::time::Duration::from_millis(10)).await;
}
"#,
};
