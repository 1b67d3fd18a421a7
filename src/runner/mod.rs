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
mod first;
mod links;
mod packages;
mod read;
mod scope;
pub(crate) mod trace;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use first::PARSE_ALL_BELOW;
use first::{First, Pass, first_pass, little_source, parse_path};
use links::{linked_groups, links_between};
pub use read::read_stdin;
use read::{BOM, absolute, decode, decode_error, display_name, path_error, read_regular, unread};
pub use scope::{Scope, Summaries};

use crate::analysis::crate_model::select::{Wanted, Wants};
use crate::analysis::crate_model::{self, CrateFile, CrateInfo};
use crate::analysis::facts::Fact;
use crate::analysis::summary::Runtime;
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
            let packages = trace::timed("packages", || packages::of_files(&units, &results));
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
    trace::timed("sort", || diagnostic::sort(&mut report.diagnostics));
    report.notes.sort();
    trace::counters();
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
    let little = trace::timed("size", || little_source(&files, units, scope));
    let parse_all = parse_all || little;
    let firsts: Vec<First> = trace::timed("first pass", || {
        files
            .par_iter()
            .map(|&(u, path)| first_pass(path, &units[u], parse_all, scope))
            .collect()
    });
    let mut passes = Vec::with_capacity(firsts.len());
    let mut names = Vec::with_capacity(firsts.len());
    let mut paths = Vec::with_capacity(firsts.len());
    // Files with a suppression comment: its findings (`unknown_rule`, `unused_suppression`)
    // are reported even where the file has no other finding.
    let mut with_directives = Vec::with_capacity(firsts.len());
    // Each unit's dependencies among the units, under the names its code uses (`extern
    // crate … as` aliases in its crate roots included).
    let mut infos: Vec<CrateInfo> = units.iter().map(|unit| unit.krate.clone()).collect();
    for (i, first) in firsts.into_iter().enumerate() {
        let info = &mut infos[files[i].0];
        for (original, alias) in first.aliases {
            let root = info
                .dependencies
                .iter()
                .find(|(name, _)| *name == original)
                .map(|(_, root)| root.clone());
            if let Some(root) = root {
                info.dependencies.push((alias, root));
            }
        }
        passes.push(first.pass);
        names.push(first.name);
        paths.push(first.absolute);
        with_directives.push(first.directives);
    }
    let links = links_between(&infos);

    // Parse skipped files that define what parsed code calls, until a fixed point.
    let mut wanted = trace::timed("select: index", || {
        Wanted::new(
            links.clone(),
            passes
                .iter()
                .enumerate()
                .filter_map(|(i, pass)| match pass {
                    Pass::Skipped(names) => Some((files[i].0, i, names)),
                    _ => None,
                }),
        )
    });
    let mut fresh: Vec<usize> = (0..passes.len()).collect();
    loop {
        trace::timed("select: wants", || {
            // Found on the worker threads, a batch of files at a time: a file's wants
            // repeat much of what is wanted already, and are dropped once added.
            for batch in fresh.chunks(256) {
                let wants: Vec<Wants> = batch
                    .par_iter()
                    .filter_map(|&i| match (&passes[i], &paths[i]) {
                        (Pass::Parsed(summary), Some(path)) => {
                            let u = files[i].0;
                            Some(wanted.of(u, summary, path, &infos[u]))
                        }
                        _ => None,
                    })
                    .collect();
                wants.into_iter().for_each(|wants| wanted.add(wants));
            }
        });
        let next = trace::timed("select: files defining", || {
            wanted.files_defining(|i| match &passes[i] {
                Pass::Skipped(names) => Some(names),
                _ => None,
            })
        });
        if next.is_empty() {
            break;
        }
        let parsed: Vec<(Pass, Option<PathBuf>)> = trace::timed("select: parse", || {
            next.par_iter()
                .map(|&i| parse_path(files[i].1, &units[files[i].0], scope))
                .collect()
        });
        for (&i, (pass, path)) in next.iter().zip(parsed) {
            passes[i] = pass;
            paths[i] = path;
        }
        fresh = next;
    }

    // Link each unit's parsed files, with the units it depends on.
    let mut results = Vec::new();
    let mut by_unit: Vec<Vec<CrateFile>> = (0..units.len()).map(|_| Vec::new()).collect();
    trace::timed("group by unit", || {
        for (i, (pass, path)) in passes.into_iter().zip(&mut paths).enumerate() {
            let u = files[i].0;
            match pass {
                Pass::Parsed(summary) if summary.unread.is_some() => {
                    with_directives[i] = false;
                    if !units[u].context {
                        results.push(unread(&summary));
                    }
                    scope.give_back(*summary);
                }
                Pass::Parsed(summary) => by_unit[u].push(CrateFile {
                    path: path.take().unwrap_or_else(|| absolute(files[i].1)),
                    summary: *summary,
                }),
                Pass::Skipped(_) => {}
                Pass::Failed(result) if !units[u].context => {
                    with_directives[i] = false;
                    results.push(result);
                }
                Pass::Failed(_) => with_directives[i] = false,
            }
        }
    });
    let groups = linked_groups(units, &links);
    let linked: Vec<Vec<(usize, Fact)>> = trace::timed("link", || {
        groups
            .par_iter()
            .map(|group| {
                let crates: Vec<crate_model::Linked<'_>> = group
                    .iter()
                    .map(|&u| crate_model::Linked {
                        info: &infos[u],
                        files: &by_unit[u],
                    })
                    .collect();
                // One group alone is linked on all the threads; several, each on one.
                let link = match groups.len() {
                    1 => crate_model::link_crates_in_parallel,
                    _ => crate_model::link_crates,
                };
                let facts = trace::LINK_GROUP.time(|| link(&crates));
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
            .collect()
    });

    // The summaries are done with: freed on the worker threads, not one by one here (a
    // language server's are kept for its next run).
    trace::timed("free summaries", || {
        by_unit
            .into_par_iter()
            .flatten()
            .for_each(|file| scope.give_back(file.summary));
        drop(wanted);
    });

    // Suppressions and fixes need the text: only files with something to say are read again.
    let mut per_file: BTreeMap<(usize, String), Vec<Fact>> = BTreeMap::new();
    for (u, fact) in linked.into_iter().flatten() {
        per_file
            .entry((u, fact.file().to_string()))
            .or_default()
            .push(fact);
    }
    for (i, &(u, _)) in files.iter().enumerate() {
        if with_directives[i] && !units[u].context {
            per_file.entry((u, names[i].clone())).or_default();
        }
    }
    // Read again by the path as reached, not by the name shown (lossy for a name that is
    // not UTF-8, so its suppressions were lost).
    let reported: HashSet<&str> = per_file.keys().map(|(_, name)| name.as_str()).collect();
    let path_of: HashMap<&str, &Path> = names
        .iter()
        .zip(&files)
        .filter(|(name, _)| reported.contains(name.as_str()))
        .map(|(name, &(_, path))| (name.as_str(), path))
        .collect();
    let finished: Vec<FileResult> = trace::timed("finish", || {
        per_file
            .into_par_iter()
            .filter(|((_, name), _)| scope.reports(name))
            .map(|((u, name), facts)| {
                let path = path_of.get(name.as_str()).map(|path| path.to_path_buf());
                trace::FINISH.time(|| finish(name, path, facts, &units[u], scope))
            })
            .collect()
    });
    results.extend(finished);
    trace::timed("free the rest", || {
        drop((infos, names, paths, files, links))
    });
    results
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
            diagnostics: crate::rules::one_per_site(crate::rules::report(
                facts,
                &unit.settings,
                None,
            )),
            note: None,
        };
    };
    let bom = bytes.starts_with(BOM);
    let Ok(text) = decode(&name, &bytes) else {
        return FileResult {
            name,
            source: None,
            bom,
            diagnostics: crate::rules::one_per_site(crate::rules::report(
                facts,
                &unit.settings,
                None,
            )),
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
    let diagnostics = crate::rules::one_per_site(diagnostics);
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
