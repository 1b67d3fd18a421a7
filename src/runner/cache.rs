//! The summary cache on disk: each file's `FileSummary` kept between runs, so a run over
//! part of a crate (`--stdin-filename`, the pre-commit hook's named files) does not parse
//! the rest of the crate again (issue 13: ≤ 50 ms for a file of tokio's size).
//!
//! One file, `<folder>/<version>/summaries.bin`, holds every entry. An entry is used only
//! when all of its key matches: this build of the tool (version, cache format, the
//! executable's size and modification time), the file's displayed name, a hash of the
//! settings it was made under, and a hash of its text. The content decides, never a
//! modification time. A changed file, settings or binary misses and is parsed again.
//!
//! The file is untrusted input (a pull request can commit one): it is read through the
//! safe reader (a regular file, at most [`CACHE_LIMIT`]), every length is checked against
//! the bytes left, and anything that does not decode is a miss, never a panic. Writes go
//! to a temporary file renamed over the old one, so concurrent runs (an editor and the
//! pre-commit hook) never leave a torn file; the last writer wins. A folder that cannot
//! be created or written leaves the run uncached, without an error.

mod codec;

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::analysis::summary::FileSummary;
use crate::settings::Settings;

/// The cache folder's name at the workspace (or crate) root.
pub const FOLDER: &str = ".async-lint-cache";
/// The environment variable that names the cache folder (as `--cache-dir` does).
pub const ENV: &str = "ASYNC_LINT_CACHE_DIR";
/// The largest cache file read (and written).
pub const CACHE_LIMIT: u64 = 256 << 20;
/// Bumped whenever the file's layout or the summaries' encoding changes.
const FORMAT: u32 = 2;
const MAGIC: &[u8; 8] = b"ALCACHE\0";
const FILE: &str = "summaries.bin";

/// What a summary is made from, hashed: the run's settings and the file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    settings: u64,
    text: u64,
}

impl Key {
    /// A 64-bit non-cryptographic hash of each: a collision (with the same name) could
    /// only give a stale summary, and needs 2^32 versions of one file to be likely.
    pub fn new(settings: &Settings, text: &str) -> Key {
        let state = foldhash::fast::FixedState::with_seed(0x6173_796e_632d_6c69);
        Key {
            settings: state.hash_one(format!("{settings:?}")),
            text: state.hash_one(text.as_bytes()),
        }
    }
}

/// An entry of the file as read: its key and where its summary's bytes are.
struct Entry {
    key: Key,
    bytes: Range<usize>,
}

/// The cache of one run: what was read, and what the run adds.
pub struct DiskCache {
    folder: PathBuf,
    build: Vec<u8>,
    /// The file as read (empty when there was none, or it did not match this build).
    loaded: Vec<u8>,
    index: HashMap<String, Entry>,
    /// Summaries made by this run, encoded, by displayed name.
    fresh: Mutex<HashMap<String, (Key, Vec<u8>)>>,
    /// Names this run looked up (kept on the next write even when their file is gone).
    seen: Mutex<HashSet<String>>,
}

impl std::fmt::Debug for DiskCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiskCache")
            .field("folder", &self.folder)
            .field("entries", &self.index.len())
            .finish()
    }
}

impl DiskCache {
    /// The cache in `folder`, read now. `None` when this build cannot be identified (its
    /// executable unknown): nothing is cached then.
    pub fn open(folder: &Path) -> Option<DiskCache> {
        let build = build_identity()?;
        let mut cache = DiskCache {
            folder: folder.to_path_buf(),
            build,
            loaded: Vec::new(),
            index: HashMap::new(),
            fresh: Mutex::new(HashMap::new()),
            seen: Mutex::new(HashSet::new()),
        };
        let path = cache.file();
        if let Ok(bytes) = crate::discover::files::read_limited(&path, CACHE_LIMIT)
            && let Some(index) = codec::read_index(&bytes, &cache.build)
        {
            cache.loaded = bytes;
            cache.index = index;
        }
        Some(cache)
    }

    fn file(&self) -> PathBuf {
        self.folder.join(env!("CARGO_PKG_VERSION")).join(FILE)
    }

    /// The kept summary of `name` made from the same settings and text, if any.
    pub fn get(&self, name: &str, key: Key) -> Option<FileSummary> {
        lock(&self.seen).insert(name.to_string());
        let entry = self.index.get(name).filter(|entry| entry.key == key)?;
        let summary: FileSummary = codec::decode(self.loaded.get(entry.bytes.clone())?)?;
        // A summary names its file: one filed under another name is not this file's.
        (summary.name == name).then_some(summary)
    }

    /// Keeps `summary` of `name` (made under `key`) for the next runs.
    pub fn put(&self, name: &str, key: Key, summary: &FileSummary) {
        if let Some(bytes) = codec::encode(summary) {
            lock(&self.fresh).insert(name.to_string(), (key, bytes));
        }
    }

    /// Writes the file when this run made new summaries: those, and the entries read that
    /// it did not replace (dropped when their file no longer exists). Errors are ignored:
    /// a cache that cannot be written leaves the next run uncached.
    pub fn save(&self) {
        let fresh = std::mem::take(&mut *lock(&self.fresh));
        if fresh.is_empty() {
            return;
        }
        let seen = lock(&self.seen);
        let mut entries: Vec<(&str, Key, &[u8])> = fresh
            .iter()
            .map(|(name, (key, bytes))| (name.as_str(), *key, bytes.as_slice()))
            .collect();
        for (name, entry) in &self.index {
            if fresh.contains_key(name) || !(seen.contains(name) || Path::new(name).is_file()) {
                continue;
            }
            if let Some(bytes) = self.loaded.get(entry.bytes.clone()) {
                entries.push((name, entry.key, bytes));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let bytes = codec::write_file(&self.build, &entries);
        if bytes.len() as u64 <= CACHE_LIMIT {
            let _ = self.write(&bytes);
        }
    }

    fn write(&self, bytes: &[u8]) -> std::io::Result<()> {
        if !self.folder.exists() {
            std::fs::create_dir_all(&self.folder)?;
            // As ruff does: never committed, skipped by backup tools.
            std::fs::write(
                self.folder.join(".gitignore"),
                "# Created by async-lint\n*\n",
            )?;
            std::fs::write(
                self.folder.join("CACHEDIR.TAG"),
                "Signature: 8a477f597d28d172789f06886806bc55\n\
                 # This file is a cache directory tag created by async-lint.\n\
                 # For information about cache directory tags see https://bford.info/cachedir/\n",
            )?;
        }
        let path = self.file();
        let folder = path.parent().unwrap_or(&self.folder);
        std::fs::create_dir_all(folder)?;
        // A temporary name of this process and moment, renamed over the file: a reader
        // sees the old file or the new one, never a partial one.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let temporary = folder.join(format!(".{FILE}.{}.{nanos}.tmp", std::process::id()));
        let written =
            std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, &path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    }

    /// The folder the cache lives in.
    pub fn folder(&self) -> &Path {
        &self.folder
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// What identifies this build: the tool's version, the cache format, and its executable's
/// size and modification time (a rebuilt tool does not trust its predecessor's summaries).
fn build_identity() -> Option<Vec<u8>> {
    let exe = std::env::current_exe().ok()?;
    let metadata = std::fs::metadata(exe).ok()?;
    let modified = metadata
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(
        format!(
            "async-lint {} format {FORMAT} exe {} {}.{:09}",
            env!("CARGO_PKG_VERSION"),
            metadata.len(),
            modified.as_secs(),
            modified.subsec_nanos()
        )
        .into_bytes(),
    )
}

/// The cache folder of a run over files of the crate at `root`: `.async-lint-cache` at
/// its workspace's root (the nearest folder above with a `[workspace]` manifest), else at
/// the crate's.
pub fn default_folder(root: &Path) -> PathBuf {
    crate::discover::workspace_root(root)
        .unwrap_or_else(|| root.to_path_buf())
        .join(FOLDER)
}

#[cfg(test)]
mod tests;
