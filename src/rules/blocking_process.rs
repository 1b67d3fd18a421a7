use super::RuleDoc;

/// Under a direct call: what the call does to the thread.
pub(super) const LABEL: &str = "blocks this thread until the child process exits";

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "waiting on a child process in async context",
    what_it_does: "Finds `std::process::Command::output` and `status`, and `Child::wait` and \
`wait_with_output`, in async context.",
    why_is_this_bad: "These calls block the thread until the child process exits, which can take \
as long as the child likes.",
    known_problems: "`Command::spawn` alone does not wait and is not reported.",
    example: r#"
use std::process::Command;

async fn git_head() -> std::io::Result<Vec<u8>> {
    let out = Command::new("git").args(["rev-parse", "HEAD"]).output()?;
    Ok(out.stdout)
}
"#,
    use_instead: r#"
use tokio::process::Command;

async fn git_head() -> std::io::Result<Vec<u8>> {
    let out = Command::new("git").args(["rev-parse", "HEAD"]).output().await?;
    Ok(out.stdout)
}
"#,
};
