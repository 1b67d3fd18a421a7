use super::RuleDoc;

/// Message and label for a runtime created in async code.
pub(super) fn creates_runtime(item: &str) -> (String, &'static str) {
    (
        format!("creating a runtime with `{item}` inside async code"),
        "tokio panics: cannot start a runtime from within a runtime",
    )
}

/// Message and label for blocking on a future in async code.
pub(super) fn blocks_on_future(item: &str) -> (String, &'static str) {
    (
        format!("blocking on a future with `{item}` inside async code"),
        "blocks this thread until the future completes, and deadlocks if the future needs it",
    )
}

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "`block_on` or a new runtime inside async code",
    what_it_does: "Finds, in async context, `futures::executor::block_on`, `Runtime::block_on`, \
`Handle::block_on`, `async_std::task::block_on`, `smol::block_on`, `pollster::block_on`, and the \
creation of a tokio runtime (`Runtime::new`, `Builder::...::build`).",
    why_is_this_bad: "Blocking on a future from inside a runtime stalls the worker, and deadlocks \
when the future needs that worker. tokio panics outright: \"Cannot start a runtime from within a \
runtime\".",
    known_problems: "`.block_on` on a value is reported only when the source shows the value is \
a runtime or a runtime handle.",
    example: r#"
async fn fetch() -> u32 {
    futures::executor::block_on(async { 1 })
}
"#,
    use_instead: r#"
async fn fetch() -> u32 {
    async { 1 }.await
}
"#,
};
