//! One lint of the open documents: each one's crate and workspace read with the open
//! buffers in place of their files (`discover::around`, a scoped runner input), the
//! configuration found afresh each time (so edits to `async-lint.toml` or `Cargo.toml`
//! apply at once), the findings grouped by open file.
//!
//! What a lint keeps for the next: the discovery (until files appear or go), each file's
//! summary (`runner::Summaries`), the text of the files on disk (`disk`: read again only
//! when a file's modification time, size or inode changed), and the worker threads.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use rayon::prelude::*;

use crate::config::{Resolver, RuleChoice};
use crate::diagnostic::Diagnostic;
use crate::runner;

/// What the server's options ask of a lint, and what lints keep for the next.
#[derive(Debug, Default)]
pub struct Options {
    /// An explicit configuration file (`--config`), instead of the nearest one.
    pub config: Option<PathBuf>,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// The summaries of earlier lints, reused for files that did not change.
    pub summaries: Arc<runner::Summaries>,
    /// The last discovery, for the same open files: walking the crates again is needed
    /// only when files appear or go, or manifests change (`forget_files`).
    pub around: Mutex<Option<(Vec<PathBuf>, crate::discover::Around)>>,
    /// The text of each file on disk the last lint read, with what its metadata said.
    disk: Mutex<DiskTexts>,
    /// The worker threads, for the number of threads they were made for.
    pool: Mutex<Option<(Option<usize>, Arc<rayon::ThreadPool>)>>,
}

/// The text of files on disk, with the stamp they had when read.
type DiskTexts = HashMap<PathBuf, (Stamp, Arc<Vec<u8>>)>;

/// What a file's metadata says of its content: when it was last modified, its size, and
/// which file it is (a file replaced by a rename gets a new inode).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: (u64, u64),
}

impl Stamp {
    /// The stamp of a regular file within the runner's size cap (`None`: the runner
    /// reads it and says why it cannot).
    fn of(path: &Path) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let metadata = std::fs::metadata(path).ok()?;
        let fits = metadata.len() <= crate::discover::files::SOURCE_LIMIT;
        (metadata.is_file() && fits).then(|| Stamp {
            modified: metadata.modified().ok(),
            len: metadata.len(),
            inode: (metadata.dev(), metadata.ino()),
        })
    }
}

impl Options {
    /// Files may have appeared or gone, or manifests changed: discover again, on new
    /// worker threads (the runner's threads cache what each folder resolves to).
    pub fn forget_files(&self) {
        *self.around.lock().unwrap_or_else(|e| e.into_inner()) = None;
        *self.pool.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Files on disk may have changed (a save, a watched-file notification): read them
    /// again, whatever their stamps say (a rewrite within the clock's tick keeps them).
    pub fn forget_texts(&self) {
        self.disk.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn around(&self, paths: &[PathBuf]) -> Option<crate::discover::Around> {
        let mut kept = self.around.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((known, around)) = kept.as_ref()
            && known == paths
        {
            return Some(around.clone());
        }
        let around = crate::discover::around(&[], paths)?;
        *kept = Some((paths.to_vec(), around.clone()));
        Some(around)
    }

    /// The worker threads, kept from lint to lint (their heaps and caches stay warm).
    fn pool(&self) -> Result<Arc<rayon::ThreadPool>, String> {
        let mut kept = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((threads, pool)) = kept.as_ref()
            && *threads == self.threads
        {
            return Ok(pool.clone());
        }
        let pool = Arc::new(runner::pool(self.threads)?);
        *kept = Some((self.threads, pool.clone()));
        Ok(pool)
    }

    /// The text of `files` on disk, as an overlay: a file whose stamp is the one it had
    /// when it was last read is not read again. A file that is not a regular file within
    /// the cap, or cannot be read, is left out: the runner reads it and reports why.
    fn disk_texts(&self, files: &[&Path], pool: &rayon::ThreadPool) -> HashMap<PathBuf, Vec<u8>> {
        let mut disk = self.disk.lock().unwrap_or_else(|e| e.into_inner());
        let known = &*disk;
        let found: Vec<(PathBuf, Stamp, Arc<Vec<u8>>)> = pool.install(|| {
            files
                .par_iter()
                .filter_map(|&path| {
                    let stamp = Stamp::of(path)?;
                    if let Some((kept, bytes)) = known.get(path)
                        && *kept == stamp
                    {
                        return Some((path.to_path_buf(), stamp, bytes.clone()));
                    }
                    let bytes = crate::discover::files::read_limited(
                        path,
                        crate::discover::files::SOURCE_LIMIT,
                    )
                    .ok()?;
                    // Changed while read: read again next time.
                    let stamp = if Stamp::of(path) == Some(stamp) && bytes.len() as u64 == stamp.len
                    {
                        stamp
                    } else {
                        Stamp {
                            modified: None,
                            ..stamp
                        }
                    };
                    Some((path.to_path_buf(), stamp, Arc::new(bytes)))
                })
                .collect()
        });
        let overlay = found
            .iter()
            .map(|(path, _, bytes)| (path.clone(), bytes.to_vec()))
            .collect();
        *disk = found
            .into_iter()
            .map(|(path, stamp, bytes)| (path, (stamp, bytes)))
            .collect();
        overlay
    }
}

/// With `ASYNC_LINT_TRACE` set, each lint's phases and their times go to stderr, one line
/// per `Trace`.
pub struct Trace {
    on: bool,
    last: Instant,
    what: &'static str,
    line: String,
}

impl Trace {
    pub fn new(what: &'static str) -> Trace {
        Trace {
            on: std::env::var_os("ASYNC_LINT_TRACE").is_some(),
            last: Instant::now(),
            what,
            line: String::new(),
        }
    }

    pub fn mark(&mut self, phase: &str) {
        if self.on {
            let now = Instant::now();
            let ms = (now - self.last).as_secs_f64() * 1000.0;
            self.line.push_str(&format!(" {phase} {ms:.1}"));
            self.last = now;
        }
    }
}

impl Drop for Trace {
    fn drop(&mut self) {
        if self.on {
            eprintln!("async-lint trace: {} (ms):{}", self.what, self.line);
        }
    }
}

/// The findings of each open file (every open file has an entry, empty when clean), or
/// why the lint could not run (a configuration that does not load).
pub fn lint(
    open: &BTreeMap<PathBuf, String>,
    options: &Options,
) -> Result<BTreeMap<PathBuf, Vec<Diagnostic>>, String> {
    let mut trace = Trace::new("lint");
    let mut found: BTreeMap<PathBuf, Vec<Diagnostic>> =
        open.keys().map(|path| (path.clone(), Vec::new())).collect();
    if open.is_empty() {
        return Ok(found);
    }
    let paths: Vec<PathBuf> = open.keys().cloned().collect();
    let Some(around) = options.around(&paths) else {
        return Ok(found);
    };
    trace.mark("discover");
    let mut resolver = Resolver::new(options.config.as_deref()).map_err(|e| e.to_string())?;
    let rules = RuleChoice::default();
    let mut plan = crate::cli::plan::for_paths(around.discovery, &rules, &mut resolver)
        .map_err(|e| e.to_string())?;
    trace.mark("plan");
    let pool = options.pool()?;
    let on_disk: Vec<&Path> = match &plan.input {
        runner::Input::Files { units, .. } => units
            .iter()
            .flat_map(|unit| &unit.files)
            .map(PathBuf::as_path)
            .filter(|path| !open.contains_key(*path))
            .collect(),
        _ => Vec::new(),
    };
    let mut overlay = options.disk_texts(&on_disk, &pool);
    overlay.extend(
        open.iter()
            .map(|(path, text)| (path.clone(), text.clone().into_bytes())),
    );
    trace.mark("disk");
    let mut scope = runner::Scope::new(&around.report, overlay);
    options.summaries.settings(&plan.input);
    scope.summaries = Some(options.summaries.clone());
    plan.input = plan.input.scoped(scope);
    trace.mark("scope");
    let report = runner::run_in(&pool, plan.input, false);
    trace.mark("run");
    for diagnostic in report.diagnostics {
        let path = PathBuf::from(&diagnostic.file);
        if let Some(list) = found.get_mut(&path) {
            list.push(diagnostic);
        }
    }
    Ok(found)
}
