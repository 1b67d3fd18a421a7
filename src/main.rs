//! The `async-lint` binary: parse the arguments, run, print, exit.
//! Exit status: 0 nothing reported, 1 findings, 2 a usage error or a file that could not
//! be read or parsed.

fn main() -> std::process::ExitCode {
    async_lint::cli::main()
}
