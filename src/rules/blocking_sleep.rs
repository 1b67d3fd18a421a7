use super::RuleDoc;

/// Under a direct call: what the call does to the thread.
pub(super) const LABEL: &str = "puts the whole runtime thread to sleep";

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "thread sleep or park in async context",
    what_it_does: "Finds calls in async context to `std::thread::sleep` and `std::thread::park`, \
`park_timeout`. In a crate on one runtime, `std::thread::sleep(d)` carries a fix to that \
runtime's sleep: `tokio::time::sleep(d).await` (with tokio's `time` feature), \
`async_std::task::sleep(d).await` or `smol::Timer::after(d).await`.",
    why_is_this_bad: "A sleeping thread runs nothing else. Every task scheduled on that runtime \
worker stops for the whole sleep, and a current-thread runtime stops entirely.",
    known_problems: "None known.",
    example: r#"
use std::time::Duration;

async fn retry_later() {
    std::thread::sleep(Duration::from_millis(100));
}
"#,
    use_instead: r#"
use std::time::Duration;

async fn retry_later() {
    tokio::time::sleep(Duration::from_millis(100)).await;
}
"#,
};
