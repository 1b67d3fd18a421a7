//! The `async-lint` binary: parse the arguments, run, print, exit.
//! Exit status: 0 nothing reported, 1 findings, 2 a usage error or a file that could not
//! be read or parsed.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

use async_lint::cli::{self, Args};

fn main() -> ExitCode {
    let command = Args::from_env().resolve().unwrap_or_else(|err| err.exit());
    let outcome = cli::execute(command);
    eprint!("{}", outcome.stderr);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(&outcome.stdout)
        .and_then(|()| stdout.flush())
    {
        // A closed pipe (`async-lint | head`) is the reader's choice, not an error.
        Ok(()) => ExitCode::from(outcome.code),
        Err(err) if err.kind() == ErrorKind::BrokenPipe => ExitCode::from(outcome.code),
        Err(err) => {
            eprintln!("async-lint: error: could not write output: {err}");
            ExitCode::from(2)
        }
    }
}
