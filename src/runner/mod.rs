//! Reading and linting files in parallel.
//!
//! Each file is read, decoded and linted on a worker thread (a file whose nesting needs a
//! larger stack gets one while it is parsed), and only plain data comes back: the diagnostics, and the file's
//! text when something was reported on it (the human format shows it). A file that cannot
//! be read or decoded becomes a `parse_error` diagnostic on that file; every other file is
//! still checked. The result is sorted, so it is the same on any number of threads.
//!
//! The passes: parse what can hold a finding; parse the skipped files the crate model
//! selects (`crate_model::select`: the runner reads and parses, the model decides); link
//! each crate; read again only the files with findings, for suppressions and fixes.
//! Bytes and their decoding live in `read`.

pub mod cache;
mod links;
mod packages;
mod read;
mod scope;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use links::{linked_groups, links_between};
pub use read::read_stdin;
use read::{BOM, absolute, decode, decode_error, display_name, path_error, read_regular, unread};
pub use scope::{Scope, Summaries};

use crate::analysis::crate_model::select::{ItemNames, Wanted};
use crate::analysis::crate_model::{self, CrateFile, CrateInfo};
use crate::analysis::facts::Fact;
use crate::analysis::summary::{FileSummary, Runtime};
use crate::diagnostic::{self, Diagnostic};
use crate::discover::{Crate, Discovery, PathError};
use crate::rules::Rule;
use crate::settings::{Edition, Settings};

/// The stack each worker thread gets. A file whose nesting needs more is analyzed on a
/// stack grown for it alone (`analysis::summarize`), so no worker reserves room for the
/// deepest file.
pub const STACK_SIZE: usize = 16 << 20;

/// What to lint.
#[derive(Clone, Debug)]
pub enum Input {
    /// Files found on disk, grouped by the settings they are linted with, plus the paths
    /// that could not be walked.
    Files {
        units: Vec<Unit>,
        errors: Vec<PathError>,
    },
    /// Files as in `Files`, some with their text given, only some reported (`Scope`).
    Scoped {
        units: Vec<Unit>,
        errors: Vec<PathError>,
        scope: Box<Scope>,
    },
    /// One file's bytes (read from stdin), reported under `name`.
    Source {
        name: String,
        bytes: Vec<u8>,
        unit: Box<Unit>,
    },
}

/// Files linted with the same settings (one crate's, or the loose files near one config).
#[derive(Clone, Debug, Default)]
pub struct Unit {
    pub settings: Settings,
    /// What the crate's `Cargo.toml` says (its root, name and runtimes).
    pub krate: CrateInfo,
    pub files: Vec<PathBuf>,
    /// A library the paths do not cover that linted crates depend on: its files are read
    /// (and those that define what is called parsed) only to follow calls into it; nothing
    /// is reported in them.
    pub context: bool,
}

impl Input {
    /// Every crate of `discovery` linted with `settings` (and the crate's edition): the
    /// run without configuration files.
    pub fn from_discovery(discovery: Discovery, settings: &Settings) -> Input {
        let context = discovery.context.into_iter().map(|krate| (krate, true));
        let units = discovery
            .crates
            .into_iter()
            .map(|krate| (krate, false))
            .chain(context)
            .map(|(krate, context)| Unit {
                settings: with_runtime(with_edition(settings, &krate.edition), &krate),
                krate: crate_info(&krate),
                files: krate.files,
                context,
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
    /// Valid files the parser cannot read, with why: for stderr, not findings.
    pub notes: Vec<String>,
    /// The package and target cargo would report each file with a diagnostic under, by
    /// displayed name (`--format rustc-json`); files of no package are absent.
    pub packages: BTreeMap<String, (crate::discover::Package, crate::discover::CargoTarget)>,
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
    Ok(run_in(&pool(threads)?, input, parse_all))
}

/// The worker threads `run` lints on (`None`: one per available core); a language server
/// keeps one for its whole session (`run_in`), so its threads' heaps stay warm.
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, String> {
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
    });
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("async-lint-{i}"))
        .build()
        .map_err(|err| format!("could not start {threads} worker threads: {err}"))
}

/// `run` on the threads of `pool`.
pub fn run_in(pool: &rayon::ThreadPool, input: Input, parse_all: bool) -> Report {
    let (results, files_checked, packages) = match input {
        Input::Files { units, errors } => {
            let files_checked = units
                .iter()
                .filter(|unit| !unit.context)
                .map(|unit| unit.files.len())
                .sum();
            let mut results = pool.install(|| lint_units(&units, parse_all, &Scope::default()));
            results.extend(errors.iter().map(path_error));
            let packages = packages::of_files(&units, &results);
            (results, files_checked, packages)
        }
        Input::Scoped {
            units,
            errors,
            scope,
        } => {
            let files_checked = units
                .iter()
                .filter(|unit| !unit.context)
                .flat_map(|unit| &unit.files)
                .filter(|file| scope.reports(&display_name(file)))
                .count();
            let mut results = pool.install(|| lint_units(&units, parse_all, &scope));
            results.retain(|result| scope.reports(&result.name));
            results.extend(errors.iter().map(path_error));
            let packages = packages::of_files(&units, &results);
            (results, files_checked, packages)
        }
        Input::Source { name, bytes, unit } => {
            let result = pool.install(|| lint_bytes(name, &bytes, &unit));
            let packages = packages::of_source(&unit, &result);
            (vec![result], 1, packages)
        }
    };

    let mut report = Report {
        files_checked,
        packages,
        ..Report::default()
    };
    for result in results {
        report.notes.extend(result.note);
        if result.diagnostics.is_empty() {
            continue;
        }
        if result.bom {
            report.bom.insert(result.name.clone());
        }
        if let Some(source) = result.source {
            report.sources.insert(result.name, source);
        }
        // Levels and selection were applied once, by the rules' gate.
        report.diagnostics.extend(result.diagnostics);
    }
    diagnostic::sort(&mut report.diagnostics);
    report.notes.sort();
    report
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
        name: krate.lib_name.clone(),
        runtimes,
        dependencies: krate
            .dependencies
            .iter()
            .filter_map(|dependency| Some((dependency.name.clone(), dependency.root.clone()?)))
            .collect(),
        allowed: Vec::new(),
        package: krate.package.clone(),
    }
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
/// that code calls (until nothing new is called), in its own crate or in crates it depends
/// on; link each crate with the crates it depends on.
fn lint_units(units: &[Unit], parse_all: bool, scope: &Scope) -> Vec<FileResult> {
    let files: Vec<(usize, &Path)> = units
        .iter()
        .enumerate()
        .flat_map(|(u, unit)| unit.files.iter().map(move |file| (u, file.as_path())))
        .collect();
    // A run over little source parses every file, so every syntax error is reported; a
    // large one parses what can matter and checks the rest's brackets only.
    let total: u64 = files
        .par_iter()
        .filter(|(u, _)| !units[*u].context)
        .map(|(_, path)| scope.size(path))
        .sum();
    let parse_all = parse_all || total <= PARSE_ALL_BELOW;
    let (mut passes, aliases): (Vec<Pass>, Vec<FileExtras>) = files
        .par_iter()
        .map(|&(u, path)| first_pass(path, &units[u], parse_all, scope))
        .unzip();
    // Files with a suppression comment: its findings (`unknown_rule`, `unused_suppression`)
    // are reported even where the file has no other finding.
    let mut with_directives: Vec<bool> = aliases.iter().map(|(_, has)| *has).collect();
    let aliases: Vec<Vec<(String, String)>> = aliases.into_iter().map(|(a, _)| a).collect();

    // Each unit's dependencies among the units, under the names its code uses (`extern
    // crate … as` aliases in its crate roots included).
    let mut infos: Vec<CrateInfo> = units.iter().map(|unit| unit.krate.clone()).collect();
    for (i, found) in aliases.into_iter().enumerate() {
        let info = &mut infos[files[i].0];
        for (original, alias) in found {
            let root = info
                .dependencies
                .iter()
                .find(|(name, _)| *name == original)
                .map(|(_, root)| root.clone());
            if let Some(root) = root {
                info.dependencies.push((alias, root));
            }
        }
    }
    let links = links_between(&infos);

    // Parse skipped files that define what parsed code calls, until a fixed point.
    let mut wanted = Wanted::new(links.clone());
    let mut fresh: Vec<usize> = (0..passes.len()).collect();
    loop {
        for &i in &fresh {
            if let Pass::Parsed(summary) = &passes[i] {
                let (u, path) = files[i];
                wanted.add(u, summary, &absolute(path), &infos[u]);
            }
        }
        let skipped = passes
            .iter()
            .enumerate()
            .filter_map(|(i, pass)| match pass {
                Pass::Skipped(names) => Some((files[i].0, i, names)),
                _ => None,
            });
        let next = wanted.files_defining(skipped);
        if next.is_empty() {
            break;
        }
        let parsed: Vec<Pass> = next
            .par_iter()
            .map(|&i| parse_path(files[i].1, &units[files[i].0], scope))
            .collect();
        for (&i, pass) in next.iter().zip(parsed) {
            passes[i] = pass;
        }
        fresh = next;
    }

    // Link each unit's parsed files, with the units it depends on.
    let mut results = Vec::new();
    let mut by_unit: Vec<Vec<CrateFile>> = (0..units.len()).map(|_| Vec::new()).collect();
    for (i, pass) in passes.into_iter().enumerate() {
        match pass {
            Pass::Parsed(summary) if summary.unread.is_some() => {
                with_directives[i] = false;
                if !units[files[i].0].context {
                    results.push(unread(&summary));
                }
                scope.give_back(*summary);
            }
            Pass::Parsed(summary) => by_unit[files[i].0].push(CrateFile {
                path: absolute(files[i].1),
                summary: *summary,
            }),
            Pass::Skipped(_) => {}
            Pass::Failed(result) if !units[files[i].0].context => {
                with_directives[i] = false;
                results.push(result);
            }
            Pass::Failed(_) => with_directives[i] = false,
        }
    }
    let groups = linked_groups(units, &links);
    let linked: Vec<Vec<(usize, Fact)>> = groups
        .par_iter()
        .map(|group| {
            let crates: Vec<crate_model::Linked<'_>> = group
                .iter()
                .map(|&u| crate_model::Linked {
                    info: &infos[u],
                    files: &by_unit[u],
                })
                .collect();
            let facts = crate_model::link_crates(&crates);
            // Each fact goes to the unit of its file; a context unit's are dropped.
            let unit_of: HashMap<&str, usize> = group
                .iter()
                .flat_map(|&u| by_unit[u].iter().map(move |f| (f.summary.name.as_str(), u)))
                .collect();
            facts
                .into_iter()
                .filter_map(|fact| {
                    let u = *unit_of.get(fact.file())?;
                    (!units[u].context).then_some((u, fact))
                })
                .collect()
        })
        .collect();
    // A language server's summaries are kept for its next run.
    for file in by_unit.into_iter().flatten() {
        scope.give_back(file.summary);
    }

    // Suppressions and fixes need the text: only files with something to say are read again.
    let mut per_file: BTreeMap<(usize, String), Vec<Fact>> = BTreeMap::new();
    for (u, fact) in linked.into_iter().flatten() {
        per_file
            .entry((u, fact.file().to_string()))
            .or_default()
            .push(fact);
    }
    for (i, &(u, path)) in files.iter().enumerate() {
        if with_directives[i] && !units[u].context {
            per_file.entry((u, display_name(path))).or_default();
        }
    }
    // Read again by the path as reached, not by the name shown (lossy for a name that is
    // not UTF-8, so its suppressions were lost).
    let path_of: HashMap<String, &Path> = files
        .iter()
        .map(|&(_, path)| (display_name(path), path))
        .collect();
    let finished: Vec<FileResult> = per_file
        .into_par_iter()
        .filter(|((_, name), _)| scope.reports(name))
        .map(|((u, name), facts)| {
            let path = path_of.get(&name).map(|path| path.to_path_buf());
            finish(name, path, facts, &units[u], scope)
        })
        .collect();
    results.extend(finished);
    results
}

/// Runs over at most this much source parse every file.
pub const PARSE_ALL_BELOW: u64 = 1 << 20;

/// Reads a file and parses it if it can hold a finding (or `parse_all`).
/// Also gives the `extern crate NAME as ALIAS` of a crate root (`src/lib.rs`,
/// `src/main.rs`): (NAME, ALIAS).
/// A file's first pass, the `extern crate` aliases of a crate root, and whether the file
/// holds a suppression comment.
type FirstPass = (Pass, FileExtras);

/// What a first pass finds besides the pass: `extern crate` aliases, and whether the file
/// holds a suppression comment.
type FileExtras = (Vec<(String, String)>, bool);

fn first_pass(path: &Path, unit: &Unit, parse_all: bool, scope: &Scope) -> FirstPass {
    let name = display_name(path);
    let bytes = match scope.read(path, || read_regular(path, &name)) {
        Ok(bytes) => bytes,
        Err(failed) => return (Pass::Failed(failed), (Vec::new(), false)),
    };
    let text = match decode(&name, &bytes) {
        Ok(text) => text,
        Err(error) => {
            return (
                Pass::Failed(decode_error(name, &bytes, *error)),
                (Vec::new(), false),
            );
        }
    };
    let directives = memchr::memmem::find(text.as_bytes(), b"async-lint:").is_some();
    let is_root = path.ends_with("src/lib.rs") || path.ends_with("src/main.rs");
    let aliases = if is_root && unit.krate.root.is_some() {
        extern_crate_aliases(text)
    } else {
        Vec::new()
    };
    // A file named for a scoped run is parsed, whatever the size of its crate.
    let parse_all = parse_all || (scope.report.is_some() && scope.reports(&name));
    (
        first_pass_text(path, &name, text, (unit, scope), parse_all),
        (aliases, directives),
    )
}

/// `extern crate NAME as ALIAS;` items, by a line scan: (NAME, ALIAS).
fn extern_crate_aliases(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("pub ").unwrap_or(line).trim_start();
            let rest = line.strip_prefix("extern crate ")?;
            let rest = rest.trim_end().strip_suffix(';')?;
            let (original, alias) = rest.split_once(" as ")?;
            let (original, alias) = (original.trim(), alias.trim());
            let ident = |s: &str| {
                !s.is_empty() && s != "_" && s.chars().all(|c| c.is_alphanumeric() || c == '_')
            };
            (ident(original) && ident(alias)).then(|| (original.to_string(), alias.to_string()))
        })
        .collect()
}

fn first_pass_text(
    path: &Path,
    name: &str,
    text: &str,
    (unit, scope): (&Unit, &Scope),
    parse_all: bool,
) -> Pass {
    let name = name.to_string();
    if unit.context {
        // Read only for what parsed code calls in it.
        return Pass::Skipped(ItemNames::scan(
            text,
            unit.krate.root.as_deref(),
            &absolute(path),
        ));
    }
    if parse_all || crate::analysis::may_hold_findings(text) {
        return Pass::Parsed(Box::new(scope.summarize(&name, text, &unit.settings)));
    }
    if let Some(fact) = crate::analysis::unbalanced(&name, text) {
        return Pass::Parsed(Box::new(FileSummary {
            name,
            facts: vec![fact],
            ..FileSummary::default()
        }));
    }
    Pass::Skipped(ItemNames::scan(
        text,
        unit.krate.root.as_deref(),
        &absolute(path),
    ))
}

fn parse_path(path: &Path, unit: &Unit, scope: &Scope) -> Pass {
    let name = display_name(path);
    match scope.read(path, || read_regular(path, &name)) {
        Ok(bytes) => match decode(&name, &bytes) {
            Ok(text) => Pass::Parsed(Box::new(scope.summarize(&name, text, &unit.settings))),
            Err(error) => Pass::Failed(decode_error(name, &bytes, *error)),
        },
        Err(failed) => Pass::Failed(failed),
    }
}

/// One file's linked facts as findings, through its suppressions, with fixes.
fn finish(
    name: String,
    path: Option<PathBuf>,
    facts: Vec<Fact>,
    unit: &Unit,
    scope: &Scope,
) -> FileResult {
    let path = path.unwrap_or_else(|| PathBuf::from(&name));
    let Ok(bytes) = scope.read(&path, || read_regular(&path, &name)) else {
        return FileResult {
            name,
            source: None,
            bom: false,
            diagnostics: crate::rules::report(facts, &unit.settings, None),
            note: None,
        };
    };
    let bom = bytes.starts_with(BOM);
    let Ok(text) = decode(&name, &bytes) else {
        return FileResult {
            name,
            source: None,
            bom,
            diagnostics: crate::rules::report(facts, &unit.settings, None),
            note: None,
        };
    };
    finish_text(name, text, bom, facts, unit)
}

/// A file's linked facts as findings, with the fixes its crate allows, through its
/// suppressions.
fn finish_text(name: String, text: &str, bom: bool, facts: Vec<Fact>, unit: &Unit) -> FileResult {
    let source = crate::rules::Source::new(text);
    let accepted = crate::suppress::accepted(&facts);
    let diagnostics = crate::rules::report(facts, &unit.settings, Some(&source));
    let diagnostics = crate::suppress::apply(&name, text, diagnostics, &unit.settings, &accepted);
    let source = (!diagnostics.is_empty()).then(|| text.to_string());
    FileResult {
        name,
        source,
        bom,
        diagnostics,
        note: None,
    }
}

/// `settings` for a crate of `edition` (`"2021"`); an edition this build does not know
/// keeps the default.
/// `settings` with the runtime `krate` runs on (for fixes and help lines).
pub fn with_runtime(mut settings: Settings, krate: &crate::discover::Crate) -> Settings {
    settings.runtime = crate::fixes::CrateRuntime::of(krate);
    settings
}

pub fn with_edition(settings: &Settings, edition: &str) -> Settings {
    let mut settings = settings.clone();
    settings.edition = Edition::parse(edition).unwrap_or_default();
    settings
}

/// One file's outcome, as it leaves its worker thread.
struct FileResult {
    name: String,
    /// The text, kept only when there are diagnostics to show it with.
    source: Option<String>,
    /// The bytes started with a byte-order mark.
    bom: bool,
    diagnostics: Vec<Diagnostic>,
    /// Why a valid file was not analyzed (the parser cannot read it).
    note: Option<String>,
}

/// Decodes and lints one file's bytes, then adds the fixes the crate's runtime allows.
fn lint_bytes(name: String, bytes: &[u8], unit: &Unit) -> FileResult {
    let bom = bytes.starts_with(BOM);
    match decode(&name, bytes) {
        Ok(text) => {
            let summary = crate::analysis::summarize(&name, text, &unit.settings);
            if summary.unread.is_some() {
                return unread(&summary);
            }
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

#[cfg(test)]
mod tests {
    use super::read::error_at_start;
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
    fn unreadable_path_is_a_parse_error() {
        let (Pass::Failed(result), _) = first_pass(
            Path::new("/nonexistent/async-lint/x.rs"),
            &Unit::default(),
            true,
            &Scope::default(),
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

    /// `extern crate NAME as ALIAS;` gives the crate a second name; without `as`, or in a
    /// comment, it gives none.
    #[test]
    fn extern_crate_aliases_of_a_crate_root() {
        let text = "//! `extern crate a as b;` in a doc comment\n\
                    extern crate store_core as store;\n\
                    pub extern crate index_scheduler as idx ;\n\
                    extern crate serde;\n\
                    extern crate self as me;\n\
                    extern crate alloc as _;\n";
        assert_eq!(
            extern_crate_aliases(text),
            [
                ("store_core".to_string(), "store".to_string()),
                ("index_scheduler".to_string(), "idx".to_string()),
                ("self".to_string(), "me".to_string()),
            ]
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
        report.diagnostics[0].level = crate::Level::Warn;
        assert_eq!(report.exit_code(false), 1);
        assert_eq!(report.exit_code(true), 0);
    }
}
