//! `--fix`, `--diff` and `--unsafe-fixes` (ruff's meanings): which fixes of a report to
//! apply, the fixed text of each file, and writing it back atomically.
//!
//! A fix is applied only to a file that parsed (no `parse_error` in it) and whose text on
//! disk is still the text that was linted; the fixed text must parse too. Fixes whose
//! edits overlap an earlier one's are left for the next run.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Applicability, Edit};
use crate::rules::Rule;
use crate::runner::Report;

/// What to do with the fixes of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FixMode {
    /// Report findings (fixes are shown as suggestions).
    #[default]
    Report,
    /// `--fix`: write the fixes, then report what remains.
    Write,
    /// `--diff`: print what `--fix` would change; write nothing.
    Diff,
}

/// The fixed text of one file, and how many fixes made it.
pub(super) struct Fixed {
    pub file: String,
    pub old: String,
    pub new: String,
    pub fixes: usize,
    pub bom: bool,
}

/// The files `--fix` would change, in file order: every machine-applicable fix (and
/// maybe-incorrect ones with `unsafe_fixes`) whose edits do not overlap an earlier one's.
pub(super) fn plan(report: &Report, unsafe_fixes: bool) -> Vec<Fixed> {
    let mut by_file: BTreeMap<&str, Vec<&[Edit]>> = BTreeMap::new();
    let unparsed: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == Rule::ParseError)
        .map(|d| d.file.as_str())
        .collect();
    for d in &report.diagnostics {
        let Some(fix) = &d.fix else { continue };
        let allowed = fix.applicability == Applicability::MachineApplicable || unsafe_fixes;
        let one_file = fix.edits.iter().all(|e| e.file == d.file);
        if allowed && one_file && !fix.edits.is_empty() && !unparsed.contains(&d.file.as_str()) {
            by_file.entry(&d.file).or_default().push(&fix.edits);
        }
    }
    let mut out = Vec::new();
    // A file reached twice (through a symbolic link) is fixed once.
    let mut seen = std::collections::HashSet::new();
    for (file, fixes) in by_file {
        let Some(old) = report.sources.get(file) else {
            continue;
        };
        if !seen.insert(std::fs::canonicalize(file).unwrap_or_else(|_| file.into())) {
            continue;
        }
        let mut taken: Vec<&Edit> = Vec::new();
        let mut count = 0;
        for edits in fixes {
            let overlaps = edits.iter().any(|e| {
                taken.iter().any(|t| {
                    e.span.start.offset < t.span.end.offset
                        && t.span.start.offset < e.span.end.offset
                        || e.span.start.offset == t.span.start.offset
                })
            });
            if !overlaps {
                taken.extend(edits.iter());
                count += 1;
            }
        }
        let edits: Vec<Edit> = taken.into_iter().cloned().collect();
        let new = crate::fixes::apply_edits(old, &edits);
        if new != *old && parses(file, &new) {
            out.push(Fixed {
                file: file.to_string(),
                old: old.clone(),
                new,
                fixes: count,
                bom: report.bom.contains(file),
            });
        }
    }
    out
}

/// Whether `text` parses (a fix must never leave a file that does not).
fn parses(name: &str, text: &str) -> bool {
    let settings = crate::Settings::default();
    let facts = crate::analysis::facts_of(name, text, &settings);
    !facts.iter().any(|fact| fact.rule() == Rule::ParseError)
}

/// `--diff`: a unified diff of every file `--fix` would change.
pub(super) fn diff(fixed: &[Fixed]) -> String {
    fixed
        .iter()
        .map(|f| {
            let name = f.file.strip_prefix("./").unwrap_or(&f.file);
            crate::fixes::diff::unified(name, &f.old, &f.new)
        })
        .collect()
}

/// `--fix`: writes each fixed file whose text on disk is still the linted one, through a
/// temporary file in its folder renamed over it. Returns the fixes written and the files
/// left alone, with why.
pub(super) fn write(fixed: &[Fixed]) -> (usize, usize, Vec<String>) {
    let (mut fixes, mut files, mut problems) = (0, 0, Vec::new());
    for f in fixed {
        match write_one(f) {
            Ok(()) => {
                fixes += f.fixes;
                files += 1;
            }
            Err(why) => problems.push(format!("did not fix `{}`: {why}", f.file)),
        }
    }
    (fixes, files, problems)
}

fn write_one(f: &Fixed) -> Result<(), String> {
    const BOM: &str = "\u{feff}";
    // Through a symbolic link, the file it points to is the one rewritten.
    let path = std::fs::canonicalize(Path::new(&f.file)).map_err(|err| err.to_string())?;
    let path = path.as_path();
    let on_disk = std::fs::read(path).map_err(|err| err.to_string())?;
    let expected = if f.bom {
        format!("{BOM}{}", f.old)
    } else {
        f.old.clone()
    };
    if on_disk != expected.as_bytes() {
        return Err("it changed while it was linted".to_string());
    }
    let name = path
        .file_name()
        .ok_or_else(|| "not a file name".to_string())?
        .to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.async-lint-{}.tmp", std::process::id()));
    let text = if f.bom {
        format!("{BOM}{}", f.new)
    } else {
        f.new.clone()
    };
    let written = std::fs::write(&temporary, text.as_bytes())
        .and_then(|()| {
            let permissions = std::fs::metadata(path)?.permissions();
            std::fs::set_permissions(&temporary, permissions)
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if let Err(err) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(err.to_string());
    }
    Ok(())
}
