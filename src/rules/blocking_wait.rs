use super::RuleDoc;

/// Under a direct call: what the call does to the thread.
pub(super) const LABEL: &str = "blocks this thread until another thread acts";

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "blocking wait on a channel, thread, condition or stdin in async context",
    what_it_does: "Finds, in async context: `recv` and `recv_timeout` on `std::sync::mpsc` and \
crossbeam receivers, `join` on a \
`std::thread::JoinHandle`, `Condvar::wait*`, `Barrier::wait`, reads from `std::io::stdin()`, and \
tokio's `blocking_recv`, `blocking_send`, `blocking_lock`, `blocking_read` and `blocking_write`.",
    why_is_this_bad: "The thread sleeps until another thread acts; if that thread is waiting on \
this runtime, it never does. tokio's `blocking_*` methods panic when called inside a runtime.",
    known_problems: "`recv` and `join` are common method names: the tool reports them only when \
the source shows the receiver came from `std::sync::mpsc`, crossbeam or `std::thread::spawn`.",
    example: r#"
use std::sync::mpsc;

async fn first_job(rx: mpsc::Receiver<u32>) -> Option<u32> {
    rx.recv().ok()
}
"#,
    use_instead: r#"
use tokio::sync::mpsc;

async fn first_job(mut rx: mpsc::Receiver<u32>) -> Option<u32> {
    rx.recv().await
}
"#,
};
