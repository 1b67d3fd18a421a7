//! `cargo async-lint`: the same program as `async-lint`, run by cargo as a subcommand
//! (`cargo-async-lint async-lint [OPTIONS] [PATH]...`). Without a PATH it lints the current
//! package, or the members of the current workspace.

// glibc's allocator contends across parsing threads; mimalloc does not (FACTS.md: -26%).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    async_lint::cli::main()
}
