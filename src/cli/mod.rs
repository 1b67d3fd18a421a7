//! The outer layer: arguments, and running what they ask for.
//!
//! [`execute`] does the work and returns what to print and the exit status; `main` only
//! writes it out. Only this layer (and the reporters) knows about processes and output.

mod args;
mod fix;
pub(crate) mod plan;
mod show_settings;

pub use args::{Args, ColorArg, Command, FormatArg, Input, Lint, list_rules};
pub use fix::FixMode;

use crate::baseline::{Anchor, Baseline};
use crate::config::Resolver;
use crate::report;
use crate::runner;

/// What a command produced: bytes for stdout, the findings to write after them (rendered
/// as they are written, never whole in memory), text for stderr, and the exit status.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub findings: Option<Box<Findings>>,
    pub stderr: String,
    pub code: u8,
}

impl Outcome {
    /// Writes the stdout bytes, then the findings, to `out`.
    pub fn write_stdout(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(&self.stdout)?;
        if let Some(findings) = &self.findings {
            findings.write(out)?;
        }
        out.flush()
    }
}

/// A run's findings and how to show them: formatted as they are written out.
#[derive(Debug)]
pub struct Findings {
    report: runner::Report,
    format: report::Format,
    color: bool,
    /// False under `--quiet`: the human format's summary is left out.
    summary: bool,
    /// `--statistics`: counts instead of the findings.
    statistics: bool,
    places: report::Places,
}

impl Findings {
    fn write(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if self.statistics {
            return out.write_all(&report::statistics(&self.report));
        }
        let (format, color, summary) = (self.format, self.color, self.summary);
        report::write(&self.report, format, color, summary, &self.places, out)
    }
}

/// The whole program, for both binaries (`async-lint` and `cargo-async-lint`): parse the
/// arguments, run, print, and give the exit status. A closed stdout pipe
/// (`async-lint | head`) is the reader's choice, not an error.
pub fn main() -> std::process::ExitCode {
    use std::process::ExitCode;

    if crate::server::asked() {
        return crate::server::main();
    }
    let command = Args::from_env().resolve().unwrap_or_else(|err| err.exit());
    let outcome = execute(command);
    eprint!("{}", outcome.stderr);
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match outcome.write_stdout(&mut stdout) {
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
        Command::Lint(lint) => {
            let (quiet, output_file) = (lint.quiet, lint.output_file.clone());
            let outcome = match lint.fix {
                _ if lint.show_settings => show_settings::run(*lint),
                FixMode::Write => fix_then_lint(*lint),
                _ => run_lint(*lint),
            };
            deliver(outcome, quiet, output_file.as_deref())
        }
    }
}

/// `--quiet` keeps only errors on stderr; `--output-file` writes stdout to the file.
fn deliver(mut outcome: Outcome, quiet: bool, output_file: Option<&std::path::Path>) -> Outcome {
    if quiet {
        outcome.stderr = outcome
            .stderr
            .lines()
            .filter(|line| {
                !line.starts_with("async-lint: ") || line.starts_with("async-lint: error")
            })
            .map(|line| format!("{line}\n"))
            .collect();
    }
    if let Some(path) = output_file {
        let written = std::fs::File::create(path)
            .and_then(|file| outcome.write_stdout(&mut std::io::BufWriter::new(file)));
        if let Err(err) = written {
            outcome.stderr.push_str(&format!(
                "async-lint: error: could not write `{}`: {err}\n",
                path.display()
            ));
            outcome.code = 2;
        }
        outcome.stdout.clear();
        outcome.findings = None;
    }
    outcome
}

/// `--fix`: a run that writes the fixes, then a run that reports what remains.
fn fix_then_lint(lint: Lint) -> Outcome {
    let first = run_lint(lint.clone());
    if first.code == 2 && first.stdout.is_empty() && first.findings.is_none() {
        return first;
    }
    let mut again = run_lint(Lint {
        fix: FixMode::Report,
        ..lint
    });
    again.stderr = first.stderr + &again.stderr;
    again
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
    // The summary cache of a run over some files of a crate (written after the run).
    let mut cache = None;
    let plan = match lint.input {
        Input::Nothing => plan::for_paths(Default::default(), &lint.rules, &mut resolver).map(Some),
        Input::Paths(paths) => {
            // Files of a crate are linked against the rest of it (issue 13).
            let around = crate::discover::around(&paths, &[]);
            let (discovery, report) = match around {
                Some(around) => (around.discovery, Some(around.report)),
                None => (crate::discover::discover(&paths), None),
            };
            for warning in &discovery.warnings {
                let warning = crate::text::escape_controls(warning);
                stderr.push_str(&format!("async-lint: warning: {warning}\n"));
            }
            plan::for_paths(discovery, &lint.rules, &mut resolver).map(|mut plan| {
                if let Some(report) = report {
                    cache = open_cache(&lint.cache, &plan.input);
                    let scope = runner::Scope::new(&report, Default::default());
                    plan.input = plan.input.scoped(scope.with_cache(cache.clone()));
                }
                Some(plan)
            })
        }
        Input::Stdin { name } => match runner::read_stdin() {
            // `--stdin-filename` in a crate: linked against the rest of it (issue 13).
            Ok(bytes) => match (name != "<stdin>")
                .then(|| crate::discover::around(&[], &[name.clone().into()]))
                .flatten()
            {
                Some(around) => {
                    plan::for_paths(around.discovery, &lint.rules, &mut resolver).map(|mut plan| {
                        let overlay = [(std::path::PathBuf::from(&name), bytes)].into();
                        cache = open_cache(&lint.cache, &plan.input);
                        let scope = runner::Scope::new(&around.report, overlay);
                        plan.input = plan.input.scoped(scope.with_cache(cache.clone()));
                        Some(plan)
                    })
                }
                None => plan::for_stdin(name, bytes, &lint.rules, &mut resolver),
            },
            Err(err) => return fail(stderr, format!("could not read stdin: {err}")),
        },
    };
    let plan = match plan {
        Ok(Some(plan)) => plan,
        // Stdin under a name the configuration excludes: nothing to check.
        Ok(None) => {
            return Outcome {
                findings: Some(Box::new(Findings {
                    report: runner::Report::default(),
                    format: lint.format,
                    color: lint.color,
                    summary: true,
                    statistics: false,
                    places: places(),
                })),
                stderr,
                code: 0,
                ..Outcome::default()
            };
        }
        Err(err) => return fail(stderr, err.to_string()),
    };
    let (mut config_findings, config_sources) = plan.config_findings(&lint.rules);
    // A scoped run (named files of a crate, stdin) reports its named files only: not the
    // configuration's findings in `Cargo.toml` or `async-lint.toml`.
    if let runner::Input::Scoped { scope, .. } = &plan.input {
        config_findings.retain(|finding| scope.reports(&finding.file));
    }
    let mut report = match runner::run(plan.input, lint.threads, lint.parse_all) {
        Ok(report) => report,
        Err(err) => return fail(stderr, err),
    };
    if let Some(cache) = &cache {
        cache.save();
    }
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
        let hidden = baseline.filter(&mut report, anchor);
        if hidden > 0 && lint.fix != FixMode::Write {
            stderr.push_str(&format!(
                "async-lint: the baseline hid {hidden} finding{} recorded in it\n",
                plural(hidden)
            ));
        }
    }
    match lint.fix {
        FixMode::Report => {}
        FixMode::Diff => {
            let fixed = fix::plan(&report, lint.unsafe_fixes);
            let count: usize = fixed.iter().map(|f| f.fixes).sum();
            stderr.push_str(&format!(
                "async-lint: would fix {count} finding{} in {} file{}\n",
                plural(count),
                fixed.len(),
                plural(fixed.len())
            ));
            return Outcome {
                stdout: fix::diff(&fixed).into_bytes(),
                stderr,
                code: if report.has_errors() {
                    2
                } else {
                    u8::from(!fixed.is_empty() && !lint.exit_zero)
                },
                ..Outcome::default()
            };
        }
        FixMode::Write => {
            let fixed = fix::plan(&report, lint.unsafe_fixes);
            let (fixes, files, problems) = fix::write(&fixed);
            for problem in problems {
                stderr.push_str(&format!("async-lint: warning: {problem}\n"));
            }
            stderr.push_str(&format!(
                "async-lint: fixed {fixes} finding{} in {files} file{}\n",
                plural(fixes),
                plural(files)
            ));
            return Outcome {
                stderr,
                code: 0,
                ..Outcome::default()
            };
        }
    }
    if report.files_checked == 0 && lint.fix == FixMode::Report {
        stderr.push_str("async-lint: warning: no Rust files found to check\n");
    }
    let code = report.exit_code(lint.exit_zero);
    Outcome {
        findings: Some(Box::new(Findings {
            report,
            format: lint.format,
            color: lint.color,
            summary: !lint.quiet,
            statistics: lint.statistics,
            places: places(),
        })),
        stderr,
        code,
        ..Outcome::default()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The summary cache of a run over some files of a crate (`input`'s units: the crates
/// around the named files), read now; `None` with `--no-cache` or without a crate.
fn open_cache(
    choice: &args::CacheChoice,
    input: &runner::Input,
) -> Option<std::sync::Arc<runner::cache::DiskCache>> {
    let runner::Input::Files { units, .. } = input else {
        return None;
    };
    let root = units
        .iter()
        .filter(|unit| !unit.context)
        .find_map(|unit| unit.krate.root.as_deref());
    let folder = cache_folder(choice, root)?;
    runner::cache::DiskCache::open(&folder).map(std::sync::Arc::new)
}

/// Where the summary cache of the crate at `root` is kept, and why; `None` when off.
fn cache_folder(
    choice: &args::CacheChoice,
    root: Option<&std::path::Path>,
) -> Option<std::path::PathBuf> {
    match choice {
        args::CacheChoice::Off => None,
        args::CacheChoice::Folder(folder, _) => Some(folder.clone()),
        args::CacheChoice::Default => {
            let root = std::fs::canonicalize(root?).ok()?;
            Some(runner::cache::default_folder(&root))
        }
    }
}
