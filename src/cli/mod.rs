//! The outer layer: arguments, and running what they ask for.
//!
//! [`execute`] does the work and returns what to print and the exit status; `main` only
//! writes it out. Only this layer (and the reporters) knows about processes and output.

mod args;

pub use args::{Args, ColorArg, Command, FormatArg, Input, Lint, list_rules};

use crate::report;
use crate::runner;

/// What a command produced: bytes for stdout, text for stderr, and the exit status.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub code: u8,
}

/// Runs a resolved command.
pub fn execute(command: Command) -> Outcome {
    match command {
        Command::ListRules => Outcome {
            stdout: list_rules().into_bytes(),
            ..Outcome::default()
        },
        Command::Explain(rule) => Outcome {
            stdout: rule.explain().into_bytes(),
            ..Outcome::default()
        },
        Command::Lint(lint) => run_lint(lint),
    }
}

fn run_lint(lint: Lint) -> Outcome {
    let mut stderr = String::new();
    let input = match lint.input {
        Input::Paths(paths) => {
            let discovery = crate::discover::discover(&paths);
            for warning in &discovery.warnings {
                stderr.push_str(&format!("async-lint: warning: {warning}\n"));
            }
            runner::Input::from_discovery(discovery, &lint.settings)
        }
        Input::Stdin { name } => match runner::read_stdin() {
            Ok(bytes) => {
                // The crate the named file would belong to, if it exists: its edition and runtime.
                let krate = crate::discover::crate_of_file(std::path::Path::new(&name));
                let unit = runner::Unit {
                    settings: runner::with_edition(&lint.settings, &krate.edition),
                    tokio: crate::discover::runs_on_tokio(&krate.runtimes),
                    files: Vec::new(),
                };
                runner::Input::Source { name, bytes, unit }
            }
            Err(err) => {
                return Outcome {
                    stderr: format!("async-lint: error: could not read stdin: {err}\n"),
                    code: 2,
                    ..Outcome::default()
                };
            }
        },
    };
    let report = match runner::run(input, lint.threads) {
        Ok(report) => report,
        Err(err) => {
            stderr.push_str(&format!("async-lint: error: {err}\n"));
            return Outcome {
                stderr,
                code: 2,
                ..Outcome::default()
            };
        }
    };
    Outcome {
        stdout: report::render(&report, lint.format, lint.color),
        stderr,
        code: report.exit_code(lint.exit_zero),
    }
}
