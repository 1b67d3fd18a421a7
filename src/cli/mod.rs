//! The outer layer: arguments, and running what they ask for.
//!
//! [`execute`] does the work and returns what to print and the exit status; `main` only
//! writes it out. Only this layer (and the reporters) knows about processes and output.

mod args;
mod plan;

pub use args::{Args, ColorArg, Command, FormatArg, Input, Lint, list_rules};

use crate::baseline::{Anchor, Baseline};
use crate::config::Resolver;
use crate::report;
use crate::runner;

/// What a command produced: bytes for stdout, text for stderr, and the exit status.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub code: u8,
}

/// The whole program, for both binaries (`async-lint` and `cargo-async-lint`): parse the
/// arguments, run, print, and give the exit status. A closed stdout pipe
/// (`async-lint | head`) is the reader's choice, not an error.
pub fn main() -> std::process::ExitCode {
    use std::io::Write;
    use std::process::ExitCode;

    let command = Args::from_env().resolve().unwrap_or_else(|err| err.exit());
    let outcome = execute(command);
    eprint!("{}", outcome.stderr);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(&outcome.stdout)
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::from(outcome.code),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(outcome.code),
        Err(err) => {
            eprintln!("async-lint: error: could not write output: {err}");
            ExitCode::from(2)
        }
    }
}

/// Where the reporters that name files from the repository root (sarif, github) start
/// from: the current directory and the nearest ancestor with `.git` (or the directory).
fn places() -> report::Places {
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let root = cwd
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .unwrap_or(&cwd)
        .to_path_buf();
    report::Places::new(cwd, root)
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
        Command::Lint(lint) => run_lint(*lint),
    }
}

fn run_lint(lint: Lint) -> Outcome {
    let mut stderr = String::new();
    let fail = |mut stderr: String, message: String| {
        let message = crate::text::escape_controls(&message);
        stderr.push_str(&format!("async-lint: error: {message}\n"));
        Outcome {
            stderr,
            code: 2,
            ..Outcome::default()
        }
    };
    let mut resolver = match Resolver::new(lint.config.as_deref()) {
        Ok(resolver) => resolver,
        Err(err) => return fail(stderr, err.to_string()),
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    // Read the baseline first: a bad one stops the run before any work.
    let baseline = match &lint.baseline {
        Some(path) => match crate::discover::files::read_text_limited(
            path,
            crate::discover::files::BASELINE_LIMIT,
        )
        .map_err(|err| err.to_string())
        .and_then(|text| Baseline::from_json(&text))
        {
            Ok(baseline) => Some((baseline, Anchor::new(&cwd, path))),
            Err(err) => {
                return fail(
                    stderr,
                    format!("could not read the baseline `{}`: {err}", path.display()),
                );
            }
        },
        None => None,
    };
    let plan = match lint.input {
        Input::Paths(paths) => {
            let discovery = crate::discover::discover(&paths);
            for warning in &discovery.warnings {
                let warning = crate::text::escape_controls(warning);
                stderr.push_str(&format!("async-lint: warning: {warning}\n"));
            }
            plan::for_paths(discovery, &lint.rules, &mut resolver).map(Some)
        }
        Input::Stdin { name } => match runner::read_stdin() {
            Ok(bytes) => plan::for_stdin(name, bytes, &lint.rules, &mut resolver),
            Err(err) => return fail(stderr, format!("could not read stdin: {err}")),
        },
    };
    let plan = match plan {
        Ok(Some(plan)) => plan,
        // Stdin under a name the configuration excludes: nothing to check.
        Ok(None) => {
            return Outcome {
                stdout: report::render(
                    &runner::Report::default(),
                    lint.format,
                    lint.color,
                    &places(),
                ),
                stderr,
                code: 0,
            };
        }
        Err(err) => return fail(stderr, err.to_string()),
    };
    let (config_findings, config_sources) = plan.config_findings(&lint.rules);
    let mut report = match runner::run(plan.input, lint.threads, lint.parse_all) {
        Ok(report) => report,
        Err(err) => return fail(stderr, err),
    };
    for note in &report.notes {
        stderr.push_str(&format!("async-lint: note: {note}\n"));
    }
    if !config_findings.is_empty() {
        report.diagnostics.extend(config_findings);
        report.sources.extend(config_sources);
        crate::diagnostic::sort(&mut report.diagnostics);
    }
    if let Some(path) = &lint.write_baseline {
        let written = Baseline::from_report(&report, &Anchor::new(&cwd, path));
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        let saved = folder
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                crate::discover::files::write_atomically(path, written.to_json().as_bytes())
            });
        if let Err(err) = saved {
            return fail(
                stderr,
                format!("could not write the baseline `{}`: {err}", path.display()),
            );
        }
        stderr.push_str(&format!(
            "async-lint: recorded {} finding{} in `{}`\n",
            written.len(),
            if written.len() == 1 { "" } else { "s" },
            path.display()
        ));
        return Outcome {
            stderr,
            code: 0,
            ..Outcome::default()
        };
    }
    if let Some((baseline, anchor)) = &baseline {
        baseline.filter(&mut report, anchor);
    }
    let stdout = if lint.statistics {
        report::statistics(&report)
    } else {
        report::render(&report, lint.format, lint.color, &places())
    };
    Outcome {
        stdout,
        stderr,
        code: report.exit_code(lint.exit_zero),
    }
}
