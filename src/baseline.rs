//! Baselines (`--baseline FILE`, `--write-baseline FILE`): adopting the tool on a large
//! codebase without fixing everything first.
//!
//! A baseline records each finding by its file (relative to the baseline file's folder,
//! so it works from any directory), its rule and the normalized text of its primary line
//! (trimmed, whitespace runs collapsed) — not its line number, so unrelated edits above a
//! finding do not bring it back — with a count of identical findings. Findings the
//! baseline covers are not reported, up to that count; a fixed finding drops out when the
//! baseline is rewritten. `parse_error` is never recorded.
//!
//! ```json
//! {
//!   "version": 1,
//!   "findings": [
//!     { "file": "src/db.rs", "rule": "blocking_fs", "line": "let text = std::fs::read_to_string(path)?;", "count": 1 }
//!   ]
//! }
//! ```

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::report::Sources;
use crate::rules::Rule;
use crate::runner::Report;

/// The baseline file's format version.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    file: String,
    rule: String,
    line: String,
    count: usize,
}

type Key = (String, String, String);

/// Recorded findings, counted by (file, rule, normalized line).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    counts: BTreeMap<Key, usize>,
}

/// Where paths are resolved: the current directory and the baseline file's folder.
#[derive(Clone, Debug)]
pub struct Anchor {
    cwd: PathBuf,
    dir: PathBuf,
}

impl Anchor {
    /// For a baseline file at `file` (as given on the command line), from `cwd`.
    pub fn new(cwd: &Path, file: &Path) -> Anchor {
        let dir = file.parent().unwrap_or(Path::new(""));
        Anchor {
            cwd: cwd.to_path_buf(),
            dir: crate::discover::normalize(&cwd.join(dir)),
        }
    }

    /// A finding's file (as displayed, relative to the current directory) relative to the
    /// baseline's folder, with `/` separators.
    fn key_path(&self, file: &str) -> String {
        let path = crate::discover::normalize(&self.cwd.join(file));
        relative(&path, &self.dir)
    }
}

impl Baseline {
    /// The findings of `report` (but `parse_error`).
    pub fn from_report(report: &Report, anchor: &Anchor) -> Baseline {
        let sources = Sources::new(&report.sources);
        let mut counts = BTreeMap::new();
        for d in &report.diagnostics {
            if let Some(key) = key(d, &sources, anchor) {
                *counts.entry(key).or_insert(0) += 1;
            }
        }
        Baseline { counts }
    }

    /// How many findings are recorded.
    pub fn len(&self) -> usize {
        self.counts.values().sum()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Removes from `report` the findings this baseline covers, up to each count, and
    /// returns how many it removed.
    pub fn filter(&self, report: &mut Report, anchor: &Anchor) -> usize {
        let mut left = self.counts.clone();
        let sources = Sources::new(&report.sources);
        let diagnostics = std::mem::take(&mut report.diagnostics);
        let before = diagnostics.len();
        report.diagnostics = diagnostics
            .into_iter()
            .filter(|d| {
                let Some(key) = key(d, &sources, anchor) else {
                    return true;
                };
                match left.get_mut(&key) {
                    Some(count) if *count > 0 => {
                        *count -= 1;
                        false
                    }
                    _ => true,
                }
            })
            .collect();
        before - report.diagnostics.len()
    }

    /// The baseline as its file's text: pretty JSON, sorted, ending in a newline.
    pub fn to_json(&self) -> String {
        let file = File {
            version: VERSION,
            findings: self
                .counts
                .iter()
                .map(|((file, rule, line), &count)| Entry {
                    file: file.clone(),
                    rule: rule.clone(),
                    line: line.clone(),
                    count,
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a baseline file's text.
    pub fn from_json(text: &str) -> Result<Baseline, String> {
        let file: File = serde_json::from_str(text).map_err(|err| err.to_string())?;
        if file.version != VERSION {
            return Err(format!(
                "unsupported baseline version {} (this build reads version {VERSION})",
                file.version
            ));
        }
        let mut counts = BTreeMap::new();
        for entry in file.findings {
            *counts
                .entry((entry.file, entry.rule, entry.line))
                .or_insert(0) += entry.count;
        }
        Ok(Baseline { counts })
    }
}

fn key(d: &Diagnostic, sources: &Sources, anchor: &Anchor) -> Option<Key> {
    if d.rule == Rule::ParseError {
        return None;
    }
    let line = sources
        .line_text(&d.file, d.span.start.line)
        .map(normalize_line)
        .unwrap_or_default();
    Some((anchor.key_path(&d.file), d.rule.name().to_string(), line))
}

/// Trimmed, with each run of whitespace as one space.
pub fn normalize_line(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `path` relative to `base` (both absolute and normalized), with `..` where needed.
fn relative(path: &Path, base: &Path) -> String {
    let path: Vec<Component> = path.components().collect();
    let base: Vec<Component> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); base.len() - common];
    parts.extend(
        path[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample;

    #[test]
    fn paths_are_relative_to_the_baseline_folder() {
        let anchor = Anchor::new(Path::new("/repo/crate"), Path::new("../baseline.json"));
        assert_eq!(anchor.key_path("src/a.rs"), "crate/src/a.rs");
        assert_eq!(anchor.key_path("./src/../src/a.rs"), "crate/src/a.rs");
        let anchor = Anchor::new(Path::new("/repo"), Path::new("ci/baseline.json"));
        assert_eq!(anchor.key_path("src/a.rs"), "../src/a.rs");
    }

    #[test]
    fn round_trip_and_count_aware_filtering() {
        let anchor = Anchor::new(Path::new("/repo"), Path::new("baseline.json"));
        let report = sample();
        let baseline = Baseline::from_report(&report, &anchor);
        // The parse error is not recorded.
        assert_eq!(baseline.len(), 1);
        let text = baseline.to_json();
        assert!(
            text.contains("\"line\": \"std::thread::sleep(d);\""),
            "{text}"
        );
        let read = Baseline::from_json(&text).unwrap();
        assert_eq!(read, baseline);

        // A second identical finding on another line is reported: the count is 1.
        let mut report = sample();
        let source = report.sources.get_mut("src/a.rs").unwrap();
        source.push_str("    std::thread::sleep(d);\n");
        let mut again = report.diagnostics[0].clone();
        again.span.start.line = 5;
        report.diagnostics.push(again);
        read.filter(&mut report, &anchor);
        let left: Vec<(&str, u32)> = report
            .diagnostics
            .iter()
            .map(|d| (d.rule.name(), d.span.start.line))
            .collect();
        assert_eq!(left, vec![("parse_error", 1), ("blocking_sleep", 5)]);
    }

    #[test]
    fn bad_files_are_errors() {
        assert!(Baseline::from_json("{").is_err());
        assert!(Baseline::from_json("{\"version\": 2, \"findings\": []}").is_err());
        assert!(Baseline::from_json("{\"version\": 1, \"findings\": [], \"x\": 1}").is_err());
        assert!(
            Baseline::from_json("{\"version\": 1, \"findings\": []}")
                .unwrap()
                .is_empty()
        );
    }
}
