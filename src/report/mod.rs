//! Output formats: one file per format, each with its own private data types.
//!
//! Every format writes into the caller's writer finding by finding (the JSON documents,
//! json and sarif, are serialized straight into it), so the output is never held whole in
//! memory: 10k findings on one long line stream out instead of building gigabytes.
//!
//! Rendering does no I/O: the files' text comes in the [`Report`] (the runner read it),
//! where files are ([`Places`]) from the caller, and each file's line index is built once
//! per rendering ([`sources::Sources`]) and shared by the formats that need one.

mod concise;
mod github;
mod human;
mod json;
mod roots;
mod rustc_json;
mod sarif;
mod sources;
mod statistics;
mod window;

pub(crate) use sources::Sources;
pub use statistics::render as statistics;

use crate::diagnostic::Diagnostic;
use crate::runner::Report;

/// An output format (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// codespan-style snippets with a summary line.
    Human,
    /// `path:line:col: level[rule] message`, one per line.
    Concise,
    /// One JSON array, the shape in SPEC §5.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// One rustc diagnostic object per line, as rust-analyzer's flycheck reads them.
    RustcJson,
}

/// Renders `report` in `format` into a buffer (see [`write`]).
pub fn render(report: &Report, format: Format, color: bool, places: &Places) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(report, format, color, true, places, &mut out);
    out
}

/// Writes `report` in `format` to `out`, each finding as it is formatted. `color` and
/// `summary` (false: `--quiet` leaves the human format's summary out) apply to the
/// human format only; `places` to the formats that name files from the repository root
/// (sarif, github).
pub fn write(
    report: &Report,
    format: Format,
    color: bool,
    summary: bool,
    places: &Places,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    // Words that came from the input (a rule name in a comment or a configuration) may
    // hold control characters: written as escapes, they cannot drive the terminal.
    let escaped;
    let report = if report.diagnostics.iter().any(has_controls) {
        escaped = with_controls_escaped(report);
        &escaped
    } else {
        report
    };
    match format {
        Format::Human => human::write(report, &Sources::new(&report.sources), color, summary, out),
        Format::Concise => concise::write(report, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, &Sources::new(&report.sources), places, out),
        Format::Github => github::write(report, places, out),
        Format::RustcJson => rustc_json::write(report, &Sources::new(&report.sources), out),
    }
}

fn has_controls(d: &Diagnostic) -> bool {
    let controls = |text: &str| text.chars().any(char::is_control);
    controls(&d.message)
        || controls(&d.label)
        || d.labels.iter().any(|label| controls(&label.message))
        || d.notes.iter().any(|note| controls(note))
        || d.help.as_deref().is_some_and(controls)
}

fn with_controls_escaped(report: &Report) -> Report {
    let escape = |text: &mut String| {
        if let std::borrow::Cow::Owned(escaped) = crate::text::escape_controls(text) {
            *text = escaped;
        }
    };
    let mut report = report.clone();
    for d in &mut report.diagnostics {
        escape(&mut d.message);
        escape(&mut d.label);
        d.labels
            .iter_mut()
            .for_each(|label| escape(&mut label.message));
        d.notes.iter_mut().for_each(escape);
        d.help.iter_mut().for_each(escape);
    }
    report
}

/// Where files are, for the formats that name them from a repository's root.
#[derive(Clone, Debug)]
pub struct Places {
    /// The current directory, which relative file names start from.
    cwd: std::path::PathBuf,
    /// The repository root (nearest ancestor of `cwd` with `.git`), or `cwd`.
    root: std::path::PathBuf,
}

impl Places {
    /// `cwd`: the current directory (absolute, canonical); `root`: the repository root
    /// (the nearest ancestor of `cwd` with `.git`, or `cwd`). The caller looks them up:
    /// rendering does not touch the disk.
    pub fn new(cwd: std::path::PathBuf, root: std::path::PathBuf) -> Places {
        Places { cwd, root }
    }

    /// `file` (as displayed, relative to the current directory or absolute) relative to
    /// the repository root, with `/` separators; as displayed when it is outside the root.
    fn repo_relative(&self, file: &str) -> String {
        let path = self.cwd.join(file);
        let mut parts: Vec<String> = Vec::new();
        for part in path.components() {
            match part {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    parts.pop();
                }
                other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
            }
        }
        let normal: std::path::PathBuf = parts.iter().collect();
        match normal.strip_prefix(&self.root) {
            Ok(rel) => rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => file.to_string(),
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::diagnostic::{Diagnostic, Edit, Fix, Pos, Span};
    use crate::rules::Rule;
    use crate::runner::Report;

    pub fn span(line: u32, column: u32, offset: usize, len: usize) -> Span {
        Span {
            start: Pos {
                line,
                column,
                offset,
            },
            end: Pos {
                line,
                column: column + u32::try_from(len).unwrap(),
                offset: offset + len,
            },
        }
    }

    /// A report with a warning (label, note, help, fix) and an error on another file.
    pub fn sample() -> Report {
        let source = "async fn f() {\n    std::thread::sleep(d);\n    g().await;\n}\n";
        let warning = Diagnostic::new(
            Rule::BlockingSleep,
            "src/a.rs",
            span(2, 5, 19, 18),
            "`std::thread::sleep` blocks the executor thread",
            "blocks the thread",
        )
        .secondary("src/a.rs", span(1, 1, 0, 5), "in this async fn")
        .note("the runtime cannot run other tasks meanwhile")
        .help("use `tokio::time::sleep(d).await`")
        .fix(Some(Fix {
            message: "use `tokio::time::sleep`".to_string(),
            applicability: crate::diagnostic::Applicability::MachineApplicable,
            edits: vec![Edit {
                file: "src/a.rs".to_string(),
                span: span(2, 5, 19, 18),
                replacement: "tokio::time::sleep".to_string(),
            }],
        }));
        let error = Diagnostic::new(
            Rule::ParseError,
            "src/b.rs",
            span(1, 1, 0, 0),
            "could not read `src/b.rs`: permission denied",
            "could not read this file",
        );
        let mut report = Report {
            diagnostics: vec![warning, error],
            files_checked: 2,
            ..Report::default()
        };
        report
            .sources
            .insert("src/a.rs".to_string(), source.to_string());
        report
    }
}
