//! A run over part of what it reads: some files' text given instead of read from the disk
//! (stdin, an editor's unsaved buffers), and only some files reported (the named files of
//! a crate read whole, so calls and runtimes across its files are seen).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::analysis::summary::FileSummary;
use crate::settings::Settings;

/// The overlay and the files reported.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Text to read instead of the file at this path (as the path appears in the units).
    pub overlay: HashMap<PathBuf, Vec<u8>>,
    /// The files to report, by displayed name; `None`: every file of a unit that is not
    /// context.
    pub report: Option<HashSet<String>>,
    /// Summaries kept from earlier runs (a language server's): a file whose text and
    /// settings are unchanged is not parsed again.
    pub summaries: Option<Arc<Summaries>>,
    /// The summary cache on disk: a file whose text and settings are those of a kept
    /// summary is not parsed (`cache`).
    pub cache: Option<Arc<super::cache::DiskCache>>,
}

/// Each file's last summary, by displayed name, with the text it was made from.
///
/// A run borrows the summaries it uses (no copy): `summarize` takes a kept summary out
/// (its text waits in `lent`), and the runner gives each summary back after linking
/// (`Scope::give_back`). One not given back (a run that panicked) is made again.
#[derive(Debug, Default)]
pub struct Summaries {
    entries: Mutex<HashMap<String, (String, FileSummary)>>,
    /// The text of each summary out in a run, by displayed name.
    lent: Mutex<HashMap<String, String>>,
    /// What the summaries were made under (the units' settings, as text).
    settings: Mutex<String>,
}

impl Summaries {
    /// Keeps the summaries if `input`'s settings are those they were made under, else
    /// drops them.
    pub fn settings(&self, input: &super::Input) -> &Self {
        let now = match input {
            super::Input::Files { units, .. } | super::Input::Scoped { units, .. } => units
                .iter()
                .map(|unit| format!("{:?}\n", unit.settings))
                .collect::<String>(),
            super::Input::Source { unit, .. } => format!("{:?}", unit.settings),
        };
        let mut made_under = self.settings.lock().unwrap_or_else(|e| e.into_inner());
        if *made_under != now {
            self.entries
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clear();
            self.lent.lock().unwrap_or_else(|e| e.into_inner()).clear();
            *made_under = now;
        }
        self
    }
}

impl Scope {
    /// Reports only `report` (as the paths appear in the units), with `overlay`'s text.
    pub fn new(report: &[PathBuf], overlay: HashMap<PathBuf, Vec<u8>>) -> Scope {
        Scope {
            overlay,
            report: Some(report.iter().map(|p| super::display_name(p)).collect()),
            summaries: None,
            cache: None,
        }
    }

    /// The same scope, with summaries kept in `cache` between runs.
    pub fn with_cache(self, cache: Option<Arc<super::cache::DiskCache>>) -> Scope {
        Scope { cache, ..self }
    }

    /// `analysis::summarize`, or the kept summary of the same text (kept summaries are
    /// dropped when the settings change: `Summaries::settings`).
    pub(super) fn summarize(&self, name: &str, text: &str, settings: &Settings) -> FileSummary {
        let Some(kept) = &self.summaries else {
            return self.summarize_cached(name, text, settings);
        };
        let entries = || kept.entries.lock().unwrap_or_else(|e| e.into_inner());
        let lend = |text: String| {
            let mut lent = kept.lent.lock().unwrap_or_else(|e| e.into_inner());
            lent.insert(name.to_string(), text);
        };
        let found = entries().remove(name);
        if let Some((known, summary)) = found
            && known == text
        {
            lend(known);
            return summary;
        }
        lend(text.to_string());
        crate::analysis::summarize(name, text, settings)
    }

    /// Keeps `summary`, taken from `summarize`, for the next run.
    pub(super) fn give_back(&self, summary: FileSummary) {
        let Some(kept) = &self.summaries else { return };
        let text = kept
            .lent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&summary.name);
        if let Some(text) = text {
            let mut entries = kept.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.insert(summary.name.clone(), (text, summary));
        }
    }

    /// `analysis::summarize` through the disk cache, if any. A text given instead of the
    /// file's (stdin, an editor's buffer) is kept only when it is the file's text on disk:
    /// an unsaved buffer's summary would replace the file's, which the next run reads.
    fn summarize_cached(&self, name: &str, text: &str, settings: &Settings) -> FileSummary {
        let Some(cache) = &self.cache else {
            return crate::analysis::summarize(name, text, settings);
        };
        let key = super::cache::Key::new(settings, text);
        if let Some(summary) = cache.get(name, key) {
            return summary;
        }
        let summary = crate::analysis::summarize(name, text, settings);
        if self
            .given(name)
            .is_none_or(|(path, given)| saved(path, given))
        {
            cache.put(name, key, &summary);
        }
        summary
    }

    /// The path and given text of the file shown as `name`, if its text is given.
    fn given(&self, name: &str) -> Option<(&Path, &[u8])> {
        self.overlay
            .iter()
            .find(|(path, _)| super::display_name(path) == name)
            .map(|(path, text)| (path.as_path(), text.as_slice()))
    }

    /// The given text of `path`, if any.
    pub fn text(&self, path: &Path) -> Option<&[u8]> {
        self.overlay.get(path).map(Vec::as_slice)
    }

    /// The size of `path`'s text: the given one, else the file's on disk (0 if unreadable).
    pub fn size(&self, path: &Path) -> u64 {
        match self.text(path) {
            Some(text) => text.len() as u64,
            None => std::fs::metadata(path).map_or(0, |m| m.len()),
        }
    }

    /// Whether findings in the file shown as `name` are reported.
    pub fn reports(&self, name: &str) -> bool {
        self.report
            .as_ref()
            .is_none_or(|report| report.contains(name))
    }

    /// `path`'s bytes: the given text, else read by `read`.
    pub fn read<E>(
        &self,
        path: &Path,
        read: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        match self.text(path) {
            Some(text) => Ok(text.to_vec()),
            None => read(),
        }
    }
}

impl super::Input {
    /// Files on disk read under `scope` (other inputs are unchanged).
    pub fn scoped(self, scope: Scope) -> super::Input {
        match self {
            super::Input::Files { units, errors } => super::Input::Scoped {
                units,
                errors,
                scope: Box::new(scope),
            },
            other => other,
        }
    }
}

/// Whether `given` is the text of the file at `path` on disk.
fn saved(path: &Path, given: &[u8]) -> bool {
    let limit = crate::discover::files::SOURCE_LIMIT;
    crate::discover::files::read_limited(path, limit).is_ok_and(|bytes| bytes == given)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run borrows a kept summary and gives it back; a changed text is summarized anew.
    #[test]
    fn kept_summaries_are_lent_and_given_back() {
        let scope = Scope {
            summaries: Some(Arc::new(Summaries::default())),
            ..Scope::default()
        };
        let kept = |scope: &Scope| {
            let entries = scope.summaries.as_ref().unwrap().entries.lock().unwrap();
            entries
                .get("a.rs")
                .map(|(text, s)| (text.clone(), s.fns.len()))
        };
        let settings = Settings::default();
        let one = "async fn f() {}\n";
        let summary = scope.summarize("a.rs", one, &settings);
        assert_eq!(kept(&scope), None);
        scope.give_back(summary);
        assert_eq!(kept(&scope), Some((one.to_string(), 1)));
        // Out while a run holds it, back after.
        let summary = scope.summarize("a.rs", one, &settings);
        assert_eq!((kept(&scope), summary.fns.len()), (None, 1));
        scope.give_back(summary);
        let two = "async fn f() {}\nfn g() {}\n";
        let summary = scope.summarize("a.rs", two, &settings);
        assert_eq!(summary.fns.len(), 2);
        scope.give_back(summary);
        assert_eq!(kept(&scope), Some((two.to_string(), 2)));
        // A summary the scope did not lend is not kept.
        scope.give_back(FileSummary {
            name: "b.rs".to_string(),
            ..FileSummary::default()
        });
        let entries = scope.summaries.as_ref().unwrap().entries.lock().unwrap();
        assert!(!entries.contains_key("b.rs"));
    }
}
