use super::RuleDoc;

/// Under a direct call: what the call does to the thread.
pub(super) const LABEL: &str = "blocks this thread on file-system I/O";

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "blocking file-system call in async context",
    what_it_does: "Finds calls in async context to `std::fs` functions, to the I/O of \
`std::fs::File`, `OpenOptions` and `DirEntry`, and to the file-system queries of `Path` and \
`PathBuf` (`exists`, `metadata`, `read_dir`, `canonicalize`, `is_file`, `is_dir`, ...). In a \
crate on one runtime, a `std::fs` function call carries a fix to that runtime's counterpart \
(`tokio::fs`, `async_std::fs`, `smol::fs`), applied by `--fix` where it compiles as it stands.",
    why_is_this_bad: "These calls block the thread until the disk answers. An async runtime runs \
many tasks on few threads; while one waits on the disk, every task queued on that thread waits \
too. On a slow or network disk one call can stall a server for seconds.",
    known_problems: "A method on a value is reported only when the source shows its type (a \
constructor, an annotation, a parameter or field type). Calls made through a helper function \
are not followed by this rule alone.",
    example: r#"
async fn load() -> std::io::Result<String> {
    std::fs::read_to_string("config.toml")
}
"#,
    use_instead: r#"
async fn load() -> std::io::Result<String> {
    tokio::fs::read_to_string("config.toml").await
}
"#,
};
