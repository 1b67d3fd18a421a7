//! Reading and linting files in parallel.
//!
//! Each file is read, decoded and linted on a worker thread with a large stack (syn
//! recurses on nesting), and only plain data comes back: the diagnostics, and the file's
//! text when something was reported on it (the human format shows it). A file that cannot
//! be read or decoded becomes a `parse_error` diagnostic on that file; every other file is
//! still checked. The result is sorted, so it is the same on any number of threads.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{self, Diagnostic, Pos, Span};
use crate::discover::{Discovery, PathError};
use crate::rules::{Level, Rule};
use crate::settings::{Edition, Settings};

/// The stack each worker thread gets: enough for deeply nested (hostile) input.
pub const STACK_SIZE: usize = 256 << 20;

/// What to lint.
#[derive(Clone, Debug)]
pub enum Input {
    /// Files found on disk, grouped by the settings they are linted with, plus the paths
    /// that could not be walked.
    Files {
        units: Vec<Unit>,
        errors: Vec<PathError>,
    },
    /// One file's bytes (read from stdin), reported under `name`.
    Source {
        name: String,
        bytes: Vec<u8>,
        unit: Unit,
    },
}

/// Files linted with the same settings (one crate's, or the loose files near one config).
#[derive(Clone, Debug, Default)]
pub struct Unit {
    pub settings: Settings,
    /// The crate runs on tokio: fixes to tokio's async counterparts are offered.
    pub tokio: bool,
    pub files: Vec<PathBuf>,
}

impl Input {
    /// Every crate of `discovery` linted with `settings` (and the crate's edition): the
    /// run without configuration files.
    pub fn from_discovery(discovery: Discovery, settings: &Settings) -> Input {
        let units = discovery
            .crates
            .into_iter()
            .map(|krate| Unit {
                settings: with_edition(settings, &krate.edition),
                tokio: crate::discover::runs_on_tokio(&krate.runtimes),
                files: krate.files,
            })
            .collect();
        Input::Files {
            units,
            errors: discovery.errors,
        }
    }
}

/// What a run found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Every finding, sorted (file, line, column, rule).
    pub diagnostics: Vec<Diagnostic>,
    /// The text of each file that has a diagnostic, by displayed name.
    pub sources: BTreeMap<String, String>,
    /// How many files were checked (read or attempted).
    pub files_checked: usize,
    /// Files (by displayed name) whose text started with a byte-order mark: positions'
    /// byte offsets count from after it.
    pub bom: BTreeSet<String>,
}

impl Report {
    /// True when a file could not be read or parsed (or a path was missing).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.rule == Rule::ParseError)
    }

    /// The process exit status: 2 for a file that could not be read or parsed, 1 for any
    /// other finding (0 with `exit_zero`), 0 when nothing was reported.
    pub fn exit_code(&self, exit_zero: bool) -> u8 {
        if self.has_errors() {
            2
        } else if !self.diagnostics.is_empty() && !exit_zero {
            1
        } else {
            0
        }
    }
}

/// Lints `input` on `threads` worker threads (`None`: one per available core).
///
/// Fails only when the thread pool cannot be built.
pub fn run(input: Input, threads: Option<usize>) -> Result<Report, String> {
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("async-lint-{i}"))
        .build()
        .map_err(|err| format!("could not start {threads} worker threads: {err}"))?;

    let (results, files_checked) = match input {
        Input::Files { units, errors } => {
            let files: Vec<(&Path, &Unit)> = units
                .iter()
                .flat_map(|unit| unit.files.iter().map(move |file| (file.as_path(), unit)))
                .collect();
            let mut results: Vec<FileResult> = pool.install(|| {
                files
                    .par_iter()
                    .map(|&(path, unit)| lint_path(path, unit))
                    .collect()
            });
            results.extend(errors.iter().map(path_error));
            (results, files.len())
        }
        Input::Source { name, bytes, unit } => {
            let result = pool.install(|| lint_bytes(name, &bytes, &unit));
            (vec![result], 1)
        }
    };

    let mut report = Report {
        files_checked,
        ..Report::default()
    };
    for result in results {
        if result.diagnostics.is_empty() {
            continue;
        }
        if result.bom {
            report.bom.insert(result.name.clone());
        }
        if let Some(source) = result.source {
            report.sources.insert(result.name, source);
        }
        report.diagnostics.extend(
            result
                .diagnostics
                .into_iter()
                .filter(|d| d.level != Level::Allow),
        );
    }
    diagnostic::sort(&mut report.diagnostics);
    Ok(report)
}

/// `settings` for a crate of `edition` (`"2021"`); an edition this build does not know
/// keeps the default.
pub fn with_edition(settings: &Settings, edition: &str) -> Settings {
    let mut settings = settings.clone();
    settings.edition = Edition::parse(edition).unwrap_or_default();
    settings
}

/// Reads all of stdin as one file's bytes.
pub fn read_stdin() -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin().lock().read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// One file's outcome, as it leaves its worker thread.
struct FileResult {
    name: String,
    /// The text, kept only when there are diagnostics to show it with.
    source: Option<String>,
    /// The bytes started with a byte-order mark.
    bom: bool,
    diagnostics: Vec<Diagnostic>,
}

fn display_name(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn lint_path(path: &Path, unit: &Unit) -> FileResult {
    let name = display_name(path);
    match std::fs::read(path) {
        Ok(bytes) => lint_bytes(name, &bytes, unit),
        Err(err) => FileResult {
            diagnostics: vec![error_at_start(
                &name,
                format!("could not read `{name}`: {err}"),
                "could not read this file",
            )],
            name,
            source: None,
            bom: false,
        },
    }
}

fn path_error(error: &PathError) -> FileResult {
    let name = display_name(&error.path);
    FileResult {
        diagnostics: vec![error_at_start(
            &name,
            error.message.clone(),
            "could not read this path",
        )],
        name,
        source: None,
        bom: false,
    }
}

/// Decodes and lints one file's bytes, then adds the fixes the crate's runtime allows.
fn lint_bytes(name: String, bytes: &[u8], unit: &Unit) -> FileResult {
    let bom = bytes.starts_with(BOM);
    match decode(&name, bytes) {
        Ok(text) => {
            let mut diagnostics = crate::lint_source(&name, text, &unit.settings);
            crate::fixes::suggest(text, &mut diagnostics, unit.tokio);
            let source = (!diagnostics.is_empty()).then(|| text.to_string());
            FileResult {
                name,
                source,
                bom,
                diagnostics,
            }
        }
        Err(error) => {
            let (diagnostic, shown) = *error;
            FileResult {
                name,
                source: Some(shown),
                bom,
                diagnostics: vec![diagnostic],
            }
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The file's text without a leading byte-order mark, or a `parse_error` diagnostic at the
/// first byte that is not UTF-8 (with the text to show it in, bad bytes as U+FFFD: offsets
/// up to the first bad byte match).
fn decode<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, Box<(Diagnostic, String)>> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let err = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(err) => err,
    };
    // The prefix before the first bad byte is UTF-8 by construction.
    let prefix = std::str::from_utf8(&bytes[..err.valid_up_to()]).unwrap_or_default();
    let start = position_after(prefix);
    let end = Pos {
        line: start.line,
        column: start.column + 1,
        offset: start.offset + char::REPLACEMENT_CHARACTER.len_utf8(),
    };
    let message = format!(
        "`{name}` is not valid UTF-8: invalid byte at line {}, column {} (byte offset {})",
        start.line, start.column, start.offset
    );
    let diagnostic = Diagnostic {
        rule: Rule::ParseError,
        level: Level::Deny,
        message,
        file: name.to_string(),
        span: Span { start, end },
        label: "invalid UTF-8 here".to_string(),
        labels: Vec::new(),
        notes: vec!["the file is not analyzed: Rust source must be UTF-8".to_string()],
        help: None,
        fix: None,
    };
    Err(Box::new((
        diagnostic,
        String::from_utf8_lossy(bytes).into_owned(),
    )))
}

/// The position just after `text`.
fn position_after(text: &str) -> Pos {
    let line_start = text.rfind('\n').map_or(0, |i| i + 1);
    let line = text.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = text[line_start..].chars().count() + 1;
    Pos {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
        offset: text.len(),
    }
}

fn error_at_start(file: &str, message: String, label: &str) -> Diagnostic {
    let start = Pos {
        line: 1,
        column: 1,
        offset: 0,
    };
    Diagnostic {
        rule: Rule::ParseError,
        level: Level::Deny,
        message,
        file: file.to_string(),
        span: Span { start, end: start },
        label: label.to_string(),
        labels: Vec::new(),
        notes: Vec::new(),
        help: None,
        fix: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let result = lint_bytes(
            "x.rs".to_string(),
            b"fn main() {}\nlet \xFF = 1;",
            &Unit::default(),
        );
        assert_eq!(result.diagnostics.len(), 1);
        let d = &result.diagnostics[0];
        assert_eq!(d.rule, Rule::ParseError);
        assert_eq!((d.span.start.line, d.span.start.column), (2, 5));
        assert_eq!(d.span.start.offset, 17);
        assert!(d.message.contains("line 2, column 5"), "{}", d.message);
    }

    #[test]
    fn bom_is_stripped() {
        assert_eq!(
            decode("x.rs", b"\xEF\xBB\xBFfn main() {}\n"),
            Ok("fn main() {}\n")
        );
        assert_eq!(decode("x.rs", b"fn main() {}\n"), Ok("fn main() {}\n"));
    }

    #[test]
    fn unreadable_path_is_a_parse_error() {
        let result = lint_path(Path::new("/nonexistent/async-lint/x.rs"), &Unit::default());
        assert_eq!(result.diagnostics.len(), 1);
        assert!(
            result.diagnostics[0]
                .message
                .starts_with("could not read `/nonexistent/async-lint/x.rs`: ")
        );
    }

    #[test]
    fn exit_codes() {
        let mut report = Report::default();
        assert_eq!(report.exit_code(false), 0);
        report
            .diagnostics
            .push(error_at_start("x", "m".into(), "l"));
        assert_eq!(report.exit_code(true), 2);
        report.diagnostics[0].rule = Rule::BlockingFs;
        report.diagnostics[0].level = Level::Warn;
        assert_eq!(report.exit_code(false), 1);
        assert_eq!(report.exit_code(true), 0);
    }
}
