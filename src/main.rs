//! The `async-lint` binary: parse the arguments, run, print, exit.
//! Exit status: 0 nothing reported, 1 findings, 2 a usage error or a file that could not
//! be read or parsed.

// glibc's allocator contends across parsing threads; mimalloc does not (FACTS.md: -26%).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    async_lint::cli::main()
}
