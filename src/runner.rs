//! Reading and linting files in parallel.
//!
//! Each file is read, decoded and linted on a worker thread with a large stack (syn
//! recurses on nesting), and only plain data comes back: the diagnostics, and the file's
//! text when something was reported on it (the human format shows it). A file that cannot
//! be read or decoded becomes a `parse_error` diagnostic on that file; every other file is
//! still checked. The result is sorted, so it is the same on any number of threads.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::analysis::crate_model::{self, CrateFile, CrateInfo};
use crate::analysis::facts::Fact;
use crate::analysis::summary::{CallTarget, FileSummary, Runtime};
use crate::diagnostic::{self, Diagnostic, Pos, Span};
use crate::discover::{Crate, Discovery, PathError};
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
    /// What the crate's `Cargo.toml` says (its root, name and runtimes).
    pub krate: CrateInfo,
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
                krate: crate_info(&krate),
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
/// `parse_all` parses every file, whatever the size of the run.
pub fn run(input: Input, threads: Option<usize>, parse_all: bool) -> Result<Report, String> {
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
            let files_checked = units.iter().map(|unit| unit.files.len()).sum();
            let mut results = pool.install(|| lint_units(&units, parse_all));
            results.extend(errors.iter().map(path_error));
            (results, files_checked)
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

/// What the crate model needs of a discovered crate.
pub fn crate_info(krate: &Crate) -> CrateInfo {
    let mut runtimes: Vec<Runtime> = krate
        .runtimes
        .iter()
        .filter_map(|name| Runtime::of_dependency(name))
        .collect();
    runtimes.sort();
    runtimes.dedup();
    CrateInfo {
        root: krate.root.clone(),
        name: krate.name.as_ref().map(|name| name.replace('-', "_")),
        runtimes,
    }
}

/// A file's path made absolute the way crate roots are (symbolic links resolved), so the
/// crate model can place it in its crate's layout.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// What the first pass over one file found.
enum Pass {
    /// Parsed: its summary.
    Parsed(Box<FileSummary>),
    /// Not parsed, since nothing in it mentions async code: the fns and impl types it
    /// defines, in case parsed code turns out to call them.
    Skipped(ItemNames),
    /// Could not be read or decoded.
    Failed(FileResult),
}

/// Lints every unit's files in three steps: parse what can hold a finding; parse what
/// that code calls (until nothing new is called); link each crate.
fn lint_units(units: &[Unit], parse_all: bool) -> Vec<FileResult> {
    let files: Vec<(usize, &Path)> = units
        .iter()
        .enumerate()
        .flat_map(|(u, unit)| unit.files.iter().map(move |file| (u, file.as_path())))
        .collect();
    // A run over little source parses every file, so every syntax error is reported; a
    // large one parses what can matter and checks the rest's brackets only.
    let total: u64 = files
        .par_iter()
        .map(|(_, path)| std::fs::metadata(path).map_or(0, |m| m.len()))
        .sum();
    let parse_all = parse_all || total <= PARSE_ALL_BELOW;
    let mut passes: Vec<Pass> = files
        .par_iter()
        .map(|&(u, path)| first_pass(path, &units[u], parse_all))
        .collect();

    // Parse skipped files that define what parsed code calls, until a fixed point.
    let mut wanted: Vec<HashSet<Wanted>> = vec![HashSet::new(); units.len()];
    let mut fresh: Vec<usize> = (0..passes.len()).collect();
    loop {
        for &i in &fresh {
            if let Pass::Parsed(summary) = &passes[i] {
                let (u, path) = files[i];
                wanted[u].extend(wanted_by(summary, &absolute(path), &units[u].krate));
            }
        }
        let next = files_defining(&passes, &files, &wanted);
        if next.is_empty() {
            break;
        }
        let parsed: Vec<Pass> = next
            .par_iter()
            .map(|&i| parse_path(files[i].1, &units[files[i].0]))
            .collect();
        for (&i, pass) in next.iter().zip(parsed) {
            passes[i] = pass;
        }
        fresh = next;
    }

    // Link each unit's parsed files.
    let mut results = Vec::new();
    let mut by_unit: Vec<Vec<CrateFile>> = (0..units.len()).map(|_| Vec::new()).collect();
    for (i, pass) in passes.into_iter().enumerate() {
        match pass {
            Pass::Parsed(summary) => by_unit[files[i].0].push(CrateFile {
                path: absolute(files[i].1),
                summary: *summary,
            }),
            Pass::Skipped(_) => {}
            Pass::Failed(result) => results.push(result),
        }
    }
    let linked: Vec<(usize, Vec<Fact>)> = by_unit
        .par_iter()
        .enumerate()
        .map(|(u, files)| (u, crate_model::link(files, &units[u].krate)))
        .collect();

    // Suppressions and fixes need the text: only files with something to say are read again.
    let mut per_file: BTreeMap<(usize, String), Vec<Fact>> = BTreeMap::new();
    for (u, facts) in linked {
        for fact in facts {
            per_file
                .entry((u, fact.file().to_string()))
                .or_default()
                .push(fact);
        }
    }
    let finished: Vec<FileResult> = per_file
        .into_par_iter()
        .map(|((u, name), facts)| finish(name, facts, &units[u]))
        .collect();
    results.extend(finished);
    results
}

/// Runs over at most this much source parse every file.
pub const PARSE_ALL_BELOW: u64 = 1 << 20;

/// Reads a file and parses it if it can hold a finding (or `parse_all`).
fn first_pass(path: &Path, unit: &Unit, parse_all: bool) -> Pass {
    let name = display_name(path);
    // A FIFO or device would block the read (or never end): only regular files are read.
    if let Ok(metadata) = std::fs::metadata(path)
        && !metadata.is_file()
    {
        return Pass::Failed(FileResult {
            diagnostics: vec![error_at_start(
                &name,
                format!("could not read `{name}`: not a regular file"),
                "not a regular file",
            )],
            name,
            source: None,
            bom: false,
        });
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => return Pass::Failed(read_error(name, &err)),
    };
    let text = match decode(&name, &bytes) {
        Ok(text) => text,
        Err(error) => return Pass::Failed(decode_error(name, &bytes, *error)),
    };
    if parse_all || crate::analysis::may_hold_findings(text) {
        return Pass::Parsed(Box::new(crate::analysis::summarize(
            &name,
            text,
            &unit.settings,
        )));
    }
    if let Some(fact) = crate::analysis::unbalanced(&name, text) {
        return Pass::Parsed(Box::new(FileSummary {
            name,
            facts: vec![fact],
            ..FileSummary::default()
        }));
    }
    let place = crate_model::layout(unit.krate.root.as_deref(), &absolute(path));
    Pass::Skipped(ItemNames::scan(text, place))
}

fn parse_path(path: &Path, unit: &Unit) -> Pass {
    let name = display_name(path);
    match std::fs::read(path) {
        Ok(bytes) => match decode(&name, &bytes) {
            Ok(text) => Pass::Parsed(Box::new(crate::analysis::summarize(
                &name,
                text,
                &unit.settings,
            ))),
            Err(error) => Pass::Failed(decode_error(name, &bytes, *error)),
        },
        Err(err) => Pass::Failed(read_error(name, &err)),
    }
}

/// One file's linked facts as findings, through its suppressions, with fixes.
fn finish(name: String, facts: Vec<Fact>, unit: &Unit) -> FileResult {
    let Ok(bytes) = std::fs::read(&name) else {
        return FileResult {
            name,
            source: None,
            bom: false,
            diagnostics: crate::rules::report(facts, &unit.settings, None),
        };
    };
    let bom = bytes.starts_with(BOM);
    let Ok(text) = decode(&name, &bytes) else {
        return FileResult {
            name,
            source: None,
            bom,
            diagnostics: crate::rules::report(facts, &unit.settings, None),
        };
    };
    finish_text(name, text, bom, facts, unit)
}

/// A file's linked facts as findings, with the fixes its crate allows, through its
/// suppressions.
fn finish_text(name: String, text: &str, bom: bool, facts: Vec<Fact>, unit: &Unit) -> FileResult {
    let source = crate::rules::Source::new(text, unit.tokio);
    let diagnostics = crate::rules::report(facts, &unit.settings, Some(&source));
    let diagnostics = crate::suppress::apply(&name, text, diagnostics, &unit.settings);
    let source = (!diagnostics.is_empty()).then(|| text.to_string());
    FileResult {
        name,
        source,
        bom,
        diagnostics,
    }
}

/// A fn parsed code calls that may be defined in a file not parsed yet.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Wanted {
    /// `module::name` of this crate: the file at that module of the layout.
    At {
        root: String,
        module: Vec<String>,
        name: String,
    },
    /// `Type::name` or `value.name()` on a value of a local type.
    OnType { ty: String, name: String },
    /// A bare name (a method on an unknown receiver, an unresolved fn).
    Named(String),
}

/// The crate-local fns a file's calls may reach: paths of this crate, and methods on
/// receivers of local or unknown type (not names too common to resolve).
fn wanted_by(summary: &FileSummary, path: &Path, krate: &CrateInfo) -> Vec<Wanted> {
    let (root, module) = crate_model::layout(krate.root.as_deref(), path);
    summary
        .fns
        .iter()
        .flat_map(|f| &f.calls)
        .filter_map(|call| match &call.target {
            CallTarget::Path(text) => {
                let (root, segments) =
                    crate_model::absolute_segments(text, &root, &module, krate.name.as_deref())?;
                let (name, prefix) = segments.split_last()?;
                match prefix.last() {
                    Some(ty) if ty.starts_with(char::is_uppercase) => Some(Wanted::OnType {
                        ty: ty.clone(),
                        name: name.clone(),
                    }),
                    _ if text.starts_with("?::") => Some(Wanted::Named(name.clone())),
                    _ => Some(Wanted::At {
                        root,
                        module: prefix.to_vec(),
                        name: name.clone(),
                    }),
                }
            }
            CallTarget::Method { ty: Some(ty), name } => Some(Wanted::OnType {
                ty: ty.clone(),
                name: name.clone(),
            }),
            CallTarget::Method { ty: None, name } if !crate_model::is_common_method(name) => {
                Some(Wanted::Named(name.clone()))
            }
            CallTarget::Method { .. } => None,
        })
        .collect()
}

/// The skipped files that define something wanted: the file at a wanted module path, or
/// the one file that defines a wanted name (a name several files define would not resolve).
fn files_defining(
    passes: &[Pass],
    files: &[(usize, &Path)],
    wanted: &[HashSet<Wanted>],
) -> Vec<usize> {
    let mut selected = BTreeSet::new();
    for (unit, wanted) in wanted.iter().enumerate() {
        let skipped: Vec<(usize, &ItemNames)> = passes
            .iter()
            .enumerate()
            .filter(|(i, _)| files[*i].0 == unit)
            .filter_map(|(i, pass)| match pass {
                Pass::Skipped(names) => Some((i, names)),
                _ => None,
            })
            .collect();
        if skipped.is_empty() {
            continue;
        }
        for want in wanted {
            let mut matching = skipped.iter().filter(|(_, names)| names.defines(want));
            match (want, matching.next(), matching.next()) {
                (Wanted::At { .. }, Some(first), second) => {
                    selected.insert(first.0);
                    selected.extend(second.map(|s| s.0));
                    selected.extend(matching.map(|s| s.0));
                }
                (_, Some(only), None) => {
                    selected.insert(only.0);
                }
                _ => {}
            }
        }
    }
    selected.into_iter().collect()
}

/// The fn names a file defines (`fn NAME`) and the type names it names after `impl`/`for`
/// (as hashes: kept for every skipped file, they must be small): a cheap text scan, no
/// parse; and where the file sits in its crate's layout.
struct ItemNames {
    fns: HashSet<u64>,
    types: HashSet<u64>,
    place: (String, Vec<String>),
}

fn name_hash(name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut hasher);
    hasher.finish()
}

impl ItemNames {
    fn scan(text: &str, place: (String, Vec<String>)) -> ItemNames {
        let ident_after = |at: usize| -> Option<u64> {
            let rest = text.get(at..)?.trim_start();
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (end > 0).then(|| name_hash(&rest[..end]))
        };
        let starts_word = |at: usize| {
            at == 0
                || !text.as_bytes()[at - 1].is_ascii_alphanumeric()
                    && text.as_bytes()[at - 1] != b'_'
        };
        let mut fns = HashSet::new();
        for at in memchr::memmem::find_iter(text.as_bytes(), b"fn ") {
            if starts_word(at) {
                fns.extend(ident_after(at + 3));
            }
        }
        let mut types = HashSet::new();
        for word in [&b"impl"[..], b" for "] {
            for at in memchr::memmem::find_iter(text.as_bytes(), word) {
                let mut after = at + word.len();
                // Skip `impl<T: Bound>` generics.
                if text.as_bytes().get(after) == Some(&b'<') {
                    let Some(close) = text[after..].find('>') else {
                        continue;
                    };
                    after += close + 1;
                }
                types.extend(ident_after(after));
            }
        }
        ItemNames { fns, types, place }
    }

    fn defines(&self, want: &Wanted) -> bool {
        match want {
            Wanted::At { root, module, name } => {
                self.place.0 == *root
                    && self.place.1 == *module
                    && self.fns.contains(&name_hash(name))
            }
            Wanted::OnType { ty, name } => {
                self.fns.contains(&name_hash(name)) && self.types.contains(&name_hash(ty))
            }
            Wanted::Named(name) => self.fns.contains(&name_hash(name)),
        }
    }
}

fn read_error(name: String, err: &std::io::Error) -> FileResult {
    FileResult {
        diagnostics: vec![error_at_start(
            &name,
            format!("could not read `{name}`: {err}"),
            "could not read this file",
        )],
        name,
        source: None,
        bom: false,
    }
}

fn decode_error(name: String, bytes: &[u8], error: (Diagnostic, String)) -> FileResult {
    let (diagnostic, shown) = error;
    FileResult {
        name,
        source: Some(shown),
        bom: bytes.starts_with(BOM),
        diagnostics: vec![diagnostic],
    }
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
            let summary = crate::analysis::summarize(&name, text, &unit.settings);
            let file = CrateFile {
                path: absolute(Path::new(&name)),
                summary,
            };
            let linked = crate_model::link(&[file], &unit.krate);
            finish_text(name, text, bom, linked, unit)
        }
        Err(error) => decode_error(name, bytes, *error),
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
    let diagnostic = crate::rules::parse_error::not_utf8(name, Span { start, end });
    Err(Box::new((
        diagnostic,
        String::from_utf8_lossy(bytes).into_owned(),
    )))
}

/// The position just after `text`.
fn position_after(text: &str) -> Pos {
    crate::text::LineIndex::new(text).at(text.len())
}

fn error_at_start(file: &str, message: String, label: &str) -> Diagnostic {
    crate::rules::parse_error::unreadable(file, message, label)
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
        let Pass::Failed(result) = first_pass(
            Path::new("/nonexistent/async-lint/x.rs"),
            &Unit::default(),
            true,
        ) else {
            panic!("a missing file must fail");
        };
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
