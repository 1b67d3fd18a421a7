//! The command line as clap sees it (SPEC §4), and its resolution into a [`Command`].
//!
//! Flags are parsed low (clap validates names and values) and then resolved high
//! (rule levels, color, input mode), so every usage error is a clap error: exit 2.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches, Parser, ValueEnum};

use super::fix::FixMode;
use crate::config::RuleChoice;
use crate::report::Format;
use crate::rules::Rule;
use crate::settings::Settings;

/// Finds the async mistakes Rust's compiler accepts: blocking calls in async code,
/// guards held across `.await`, nested runtimes.
#[derive(Debug, Parser)]
#[command(name = "async-lint", version, about, max_term_width = 100)]
pub struct Args {
    /// Files or directories to check (directories are walked for `*.rs`); `-` reads stdin
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Human, value_name = "FORMAT")]
    pub format: FormatArg,

    /// When to color human output (`auto`: on a terminal, unless NO_COLOR is set)
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,

    /// Check only these rules (comma-separated), at their default level
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = parse_rule)]
    pub select: Option<Vec<Rule>>,

    /// Also check these rules (comma-separated), leaving the others as they are
    /// (`--extend-select unused_suppression`)
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = parse_rule)]
    pub extend_select: Vec<Rule>,

    /// Do not check these rules (comma-separated)
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = parse_rule)]
    pub ignore: Vec<Rule>,

    /// Exit 0 even when findings are reported (a file that cannot be read or parsed still exits 2)
    #[arg(long)]
    pub exit_zero: bool,

    /// List every rule with its default level and summary, then exit
    #[arg(long, conflicts_with = "explain")]
    pub list_rules: bool,

    /// Print a rule's documentation, then exit
    #[arg(long, value_name = "RULE", value_parser = parse_rule)]
    pub explain: Option<Rule>,

    /// Worker threads (default: one per core)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,

    /// Parse every file, so every syntax error is reported, even in runs over more than
    /// 1 MiB of source (which otherwise parse only the files that can matter)
    #[arg(long)]
    pub parse_all: bool,

    /// Read one file's source from stdin and report it under NAME (pass `-` as the PATH)
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Use this configuration file (an `async-lint.toml`, or a `Cargo.toml` with
    /// `[package.metadata.async-lint]`) instead of searching for one near each crate
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Do not report findings recorded in this baseline file
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// Print how many findings each rule has, and how many reach each blocking operation,
    /// instead of the findings
    #[arg(long)]
    pub statistics: bool,

    /// Record the current findings in this baseline file, then exit 0
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Apply the fixes that are safe (`MachineApplicable`) in place, then report what remains
    #[arg(long, conflicts_with_all = ["write_baseline", "statistics"])]
    pub fix: bool,

    /// Print the changes `--fix` would make as a unified diff, and write nothing (exit 1
    /// when there is a change)
    #[arg(long, conflicts_with_all = ["write_baseline", "statistics"])]
    pub diff: bool,

    /// With `--fix` or `--diff`, also apply the fixes that may need more changes
    /// (`MaybeIncorrect`)
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print nothing but the findings: no summary line, no notes or warnings on stderr
    /// (errors still)
    #[arg(short, long)]
    pub quiet: bool,

    /// Write the report to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Do not read or write the summary cache (`.async-lint-cache`)
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,

    /// Keep the summary cache in DIR instead of `.async-lint-cache` at the workspace root
    /// (also `ASYNC_LINT_CACHE_DIR`)
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Print the settings each crate is checked with, and where each comes from, then exit
    #[arg(long, conflicts_with_all = ["fix", "diff", "write_baseline", "statistics"])]
    pub show_settings: bool,

    /// Check these packages of the workspace (by name; repeatable)
    #[arg(
        short = 'p',
        long = "package",
        value_name = "SPEC",
        help_heading = "Package Selection"
    )]
    pub packages: Vec<String>,

    /// Check every member of the workspace
    #[arg(long, help_heading = "Package Selection")]
    pub workspace: bool,

    /// Leave these members out of `--workspace` (by name; repeatable)
    #[arg(
        long,
        value_name = "SPEC",
        requires = "workspace",
        help_heading = "Package Selection"
    )]
    pub exclude: Vec<String>,

    /// The `Cargo.toml` to start from instead of the nearest one
    #[arg(long, value_name = "PATH", help_heading = "Package Selection")]
    pub manifest_path: Option<PathBuf>,

    /// Check only `src/` (the library and binaries share its modules)
    #[arg(long, help_heading = "Target Selection")]
    pub lib: bool,

    /// Check only `src/` (the library and binaries share its modules)
    #[arg(long, help_heading = "Target Selection")]
    pub bins: bool,

    /// Check `tests/`, and `src/` whose unit tests cargo builds with them
    #[arg(long, help_heading = "Target Selection")]
    pub tests: bool,

    /// Check `examples/`
    #[arg(long, help_heading = "Target Selection")]
    pub examples: bool,

    /// Check `benches/`, and `src/` that cargo builds in bench mode with them
    #[arg(long, help_heading = "Target Selection")]
    pub benches: bool,

    /// Check every target (the default)
    #[arg(long, help_heading = "Target Selection")]
    pub all_targets: bool,

    /// Run as `cargo async-lint`: no PATH means the current package or workspace.
    #[arg(skip)]
    pub via_cargo: bool,
}

/// `--format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    #[value(name = "rustc-json")]
    RustcJson,
}

/// `--color` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

fn parse_rule(name: &str) -> Result<Rule, String> {
    Rule::from_name(name).ok_or_else(|| match crate::rules::unknown_rule::did_you_mean(name) {
        Some(rule) => format!("unknown rule `{name}`: did you mean `{rule}`?"),
        None => format!("unknown rule `{name}` (`async-lint --list-rules` lists the rules)"),
    })
}

/// What the user asked for, resolved.
#[derive(Debug)]
pub enum Command {
    ListRules,
    Explain(Rule),
    Lint(Box<Lint>),
}

/// A lint run, resolved.
#[derive(Clone, Debug)]
pub struct Lint {
    pub input: Input,
    /// `--select` / `--ignore`, applied over each crate's configuration.
    pub rules: RuleChoice,
    /// The levels from the command line alone (what a run without configuration uses).
    pub settings: Settings,
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--baseline FILE`.
    pub baseline: Option<PathBuf>,
    /// `--write-baseline FILE`.
    pub write_baseline: Option<PathBuf>,
    pub format: Format,
    /// `--statistics`: counts per rule and per root instead of the findings.
    pub statistics: bool,
    /// Whether human output is colored.
    pub color: bool,
    pub threads: Option<usize>,
    /// `--parse-all`.
    pub parse_all: bool,
    pub exit_zero: bool,
    /// `--fix` / `--diff`.
    pub fix: FixMode,
    /// `--unsafe-fixes`.
    pub unsafe_fixes: bool,
    /// `--quiet`.
    pub quiet: bool,
    /// `--output-file FILE`.
    pub output_file: Option<PathBuf>,
    /// `--show-settings`.
    pub show_settings: bool,
    /// Where the summary cache is kept.
    pub cache: CacheChoice,
}

/// Where a run over some files of a crate keeps its files' summaries between runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheChoice {
    /// `--no-cache`.
    Off,
    /// `--cache-dir DIR`, or `ASYNC_LINT_CACHE_DIR` (which of the two).
    Folder(PathBuf, &'static str),
    /// `.async-lint-cache` at the workspace (or crate) root.
    Default,
}

/// Where the source comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Paths(Vec<PathBuf>),
    /// cargo's package and target flags matched no source (`-p xtask --examples` of a
    /// package without examples): nothing is checked, as cargo checks nothing.
    Nothing,
    Stdin {
        name: String,
    },
}

impl Args {
    /// Parses the process's arguments; on a usage error prints it and exits 2, on
    /// `--help` / `--version` prints and exits 0.
    pub fn from_env() -> Args {
        let (args, via_cargo) = args_os();
        VIA_CARGO.store(via_cargo, std::sync::atomic::Ordering::Relaxed);
        let matches = command().get_matches_from(args);
        let mut parsed = Args::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
        parsed.via_cargo = via_cargo;
        parsed
    }

    /// Resolves flags into a [`Command`], or a usage error (exit 2).
    pub fn resolve(self) -> Result<Command, clap::Error> {
        if self.list_rules {
            return Ok(Command::ListRules);
        }
        if let Some(rule) = self.explain {
            return Ok(Command::Explain(rule));
        }
        let format = match self.format {
            FormatArg::Human => Format::Human,
            FormatArg::Concise => Format::Concise,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
            FormatArg::RustcJson => Format::RustcJson,
        };
        if self.diff && !matches!(format, Format::Human | Format::Concise) {
            return Err(usage(
                ErrorKind::ArgumentConflict,
                "`--diff` prints a unified diff: it cannot be combined with a machine-readable \
                 `--format` (the fixes are in the `fix` field of `--format json`)"
                    .to_string(),
            ));
        }
        let selection = self.selection();
        if self.ignore.contains(&Rule::ParseError) {
            return Err(usage(
                ErrorKind::InvalidValue,
                "`parse_error` cannot be ignored: a file that cannot be read or parsed is never \
                 checked"
                    .to_string(),
            ));
        }
        let rules = RuleChoice {
            select: self.select,
            extend_select: self.extend_select,
            ignore: self.ignore,
        };
        let settings = rules.settings(None);
        if selection.is_set() && (!self.paths.is_empty() || self.stdin_filename.is_some()) {
            return Err(usage(
                ErrorKind::ArgumentConflict,
                "`-p`, `--workspace`, `--manifest-path` and the target flags choose the files \
                 from Cargo.toml: give no PATH"
                    .to_string(),
            ));
        }
        let from_cargo = selection.is_set()
            || (self.via_cargo && self.paths.is_empty() && self.stdin_filename.is_none());
        let paths = if from_cargo {
            let cwd = std::env::current_dir().unwrap_or_default();
            crate::cargo::selected_paths(&cwd, &selection)
                .map_err(|message| usage(ErrorKind::Io, message))?
        } else {
            for path in &self.paths {
                let missing = path.as_os_str() != "-"
                    && std::fs::symlink_metadata(path)
                        .is_err_and(|err| err.kind() == std::io::ErrorKind::NotFound);
                if missing {
                    return Err(usage(
                        ErrorKind::ValueValidation,
                        format!("path `{}` does not exist", path.display()),
                    ));
                }
            }
            self.paths
        };
        let input = if from_cargo && paths.is_empty() {
            Input::Nothing
        } else {
            input(paths, self.stdin_filename)?
        };
        let fix = match (self.fix, self.diff) {
            (_, true) => FixMode::Diff,
            (true, false) => FixMode::Write,
            (false, false) => FixMode::Report,
        };
        if fix == FixMode::Write && matches!(input, Input::Stdin { .. }) {
            return Err(usage(
                ErrorKind::ArgumentConflict,
                "`--fix` writes files: it cannot fix stdin (`--diff` shows the changes)"
                    .to_string(),
            ));
        }
        let color = match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Ok(Command::Lint(Box::new(Lint {
            input,
            rules,
            settings,
            config: self.config,
            baseline: self.baseline,
            write_baseline: self.write_baseline,
            format,
            statistics: self.statistics,
            color,
            threads: self.threads.map(|n| n as usize),
            parse_all: self.parse_all,
            exit_zero: self.exit_zero,
            fix,
            unsafe_fixes: self.unsafe_fixes,
            quiet: self.quiet,
            output_file: self.output_file,
            show_settings: self.show_settings,
            cache: cache_choice(self.no_cache, self.cache_dir),
        })))
    }

    /// cargo's package and target flags.
    fn selection(&self) -> crate::cargo::Selection {
        use crate::cargo::Target;
        let mut targets = Vec::new();
        // cargo builds the library and binaries in test (bench) mode for `--tests`
        // (`--benches`): their `#[cfg(test)]` code is checked with them.
        if self.lib || self.bins || self.tests || self.benches {
            targets.push(Target::Src);
        }
        for (on, target) in [
            (self.tests, Target::Tests),
            (self.examples, Target::Examples),
            (self.benches, Target::Benches),
        ] {
            if on {
                targets.push(target);
            }
        }
        if self.all_targets {
            targets = vec![
                Target::Src,
                Target::Tests,
                Target::Examples,
                Target::Benches,
            ];
        }
        crate::cargo::Selection {
            manifest_path: self.manifest_path.clone(),
            packages: self.packages.clone(),
            workspace: self.workspace,
            exclude: self.exclude.clone(),
            targets,
        }
    }
}

/// Whether this process runs as `cargo async-lint` (its usage lines say so).
static VIA_CARGO: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn command() -> clap::Command {
    if VIA_CARGO.load(std::sync::atomic::Ordering::Relaxed) {
        Args::command()
            .name("cargo async-lint")
            .bin_name("cargo async-lint")
    } else {
        Args::command()
    }
}

fn usage(kind: ErrorKind, message: String) -> clap::Error {
    command().error(kind, message)
}

/// `--no-cache`, else `--cache-dir`, else a non-empty `ASYNC_LINT_CACHE_DIR`.
fn cache_choice(no_cache: bool, cache_dir: Option<PathBuf>) -> CacheChoice {
    let from_env = || {
        std::env::var_os(crate::runner::cache::ENV)
            .filter(|dir| !dir.is_empty())
            .map(|dir| CacheChoice::Folder(dir.into(), crate::runner::cache::ENV))
    };
    match cache_dir {
        _ if no_cache => CacheChoice::Off,
        Some(dir) => CacheChoice::Folder(dir, "--cache-dir"),
        None => from_env().unwrap_or(CacheChoice::Default),
    }
}

/// `-` (alone) or `--stdin-filename` without paths reads stdin; otherwise paths.
fn input(paths: Vec<PathBuf>, stdin_filename: Option<String>) -> Result<Input, clap::Error> {
    let dash = paths.iter().any(|p| p.as_os_str() == "-");
    if dash && paths.len() > 1 {
        return Err(usage(
            ErrorKind::ArgumentConflict,
            "`-` (read stdin) cannot be combined with other paths".to_string(),
        ));
    }
    match stdin_filename {
        Some(name) if dash || paths.is_empty() => Ok(Input::Stdin { name }),
        Some(_) => Err(usage(
            ErrorKind::ArgumentConflict,
            "`--stdin-filename` reads the source from stdin: pass `-` as the only PATH".to_string(),
        )),
        None if dash => Ok(Input::Stdin {
            name: "<stdin>".to_string(),
        }),
        None => Ok(Input::Paths(paths)),
    }
}

/// The process's arguments, and whether it runs as `cargo async-lint` (cargo passes the
/// subcommand's name first; it is dropped so both spellings take the same arguments).
fn args_os() -> (Vec<OsString>, bool) {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let via_cargo = args
        .first()
        .and_then(|argv0| PathBuf::from(argv0).file_stem().map(|s| s.to_owned()))
        .is_some_and(|stem| stem.to_string_lossy().starts_with("cargo-"));
    let via_cargo = via_cargo && args.get(1).is_some_and(|a| a == "async-lint");
    if via_cargo {
        args.remove(1);
    }
    (args, via_cargo)
}

/// `--list-rules`: name, default level and summary, one rule a line, aligned.
pub fn list_rules() -> String {
    let width = Rule::ALL
        .iter()
        .map(|rule| rule.name().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for rule in Rule::ALL {
        out.push_str(&format!(
            "{:width$}  {:5}  {}\n",
            rule.name(),
            rule.default_level().as_str(),
            rule.doc().summary
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Level;

    fn resolve(args: &[&str]) -> Result<Command, clap::Error> {
        let args = std::iter::once("async-lint").chain(args.iter().copied());
        Args::try_parse_from(args)?.resolve()
    }

    fn lint(args: &[&str]) -> Lint {
        match resolve(args) {
            Ok(Command::Lint(lint)) => *lint,
            other => panic!("not a lint run: {other:?}"),
        }
    }

    #[test]
    fn cli_definition_is_valid() {
        Args::command().debug_assert();
    }

    #[test]
    fn select_turns_everything_else_off_but_parse_error() {
        let settings = lint(&["--select", "blocking_fs,block_on_in_async"]).settings;
        assert_eq!(settings.level(Rule::BlockingFs), Level::Warn);
        assert_eq!(settings.level(Rule::BlockOnInAsync), Level::Deny);
        assert_eq!(settings.level(Rule::BlockingSleep), Level::Allow);
        assert!(settings.is_enabled(Rule::ParseError));
    }

    #[test]
    fn ignore_turns_rules_off() {
        let settings = lint(&["--ignore", "blocking_fs", "--ignore=blocking_net"]).settings;
        assert!(!settings.is_enabled(Rule::BlockingFs));
        assert!(!settings.is_enabled(Rule::BlockingNet));
        assert!(settings.is_enabled(Rule::BlockingSleep));
    }

    #[test]
    fn usage_errors_exit_2() {
        for args in [
            &["--select", "nope"][..],
            &["--ignore", "blocking_fs,nope"],
            &["--ignore", "parse_error"],
            &["--explain", "nope"],
            &["--threads", "0"],
            &["-", "src"],
            &["--stdin-filename", "x.rs", "src"],
        ] {
            let err = resolve(args).expect_err(&format!("{args:?}"));
            assert_eq!(err.exit_code(), 2, "{args:?}");
        }
        let err = resolve(&["--select", "nope"]).unwrap_err().to_string();
        assert!(err.contains("unknown rule `nope`"), "{err}");
    }

    #[test]
    fn stdin_modes() {
        assert_eq!(
            lint(&["--stdin-filename", "src/x.rs", "-"]).input,
            Input::Stdin {
                name: "src/x.rs".to_string()
            }
        );
        assert_eq!(
            lint(&["--stdin-filename", "src/x.rs"]).input,
            Input::Stdin {
                name: "src/x.rs".to_string()
            }
        );
        assert_eq!(lint(&[]).input, Input::Paths(Vec::new()));
    }

    #[test]
    fn list_rules_is_aligned_and_complete() {
        let listing = list_rules();
        assert_eq!(listing.lines().count(), Rule::ALL.len());
        let column = Rule::ALL.iter().map(|r| r.name().len()).max().unwrap() + 2;
        for (line, rule) in listing.lines().zip(Rule::ALL) {
            assert!(line.starts_with(rule.name()), "{line}");
            assert!(
                line[column..].starts_with(rule.default_level().as_str()),
                "{line}"
            );
            assert!(line.ends_with(rule.doc().summary), "{line}");
        }
    }
}
