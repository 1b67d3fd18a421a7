//! Output formats: one file per format, each with its own private data types.
//!
//! Every format renders into a buffer; the caller writes it out in one piece, so output is
//! never interleaved and a closed pipe can be handled in one place.

mod concise;
mod human;
mod json;

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
}

/// Renders `report` in `format`. `color` applies to the human format only.
pub fn render(report: &Report, format: Format, color: bool) -> Vec<u8> {
    match format {
        Format::Human => human::render(report, color),
        Format::Concise => concise::render(report),
        Format::Json => json::render(report),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::diagnostic::{Diagnostic, Edit, Fix, Label, Pos, Span};
    use crate::rules::{Level, Rule};
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
        let warning = Diagnostic {
            rule: Rule::BlockingSleep,
            level: Level::Warn,
            message: "`std::thread::sleep` blocks the executor thread".to_string(),
            file: "src/a.rs".to_string(),
            span: span(2, 5, 19, 18),
            label: "blocks the thread".to_string(),
            labels: vec![Label {
                file: "src/a.rs".to_string(),
                span: span(1, 1, 0, 5),
                message: "in this async fn".to_string(),
            }],
            notes: vec!["the runtime cannot run other tasks meanwhile".to_string()],
            help: Some("use `tokio::time::sleep(d).await`".to_string()),
            fix: Some(Fix {
                message: "use `tokio::time::sleep`".to_string(),
                edits: vec![Edit {
                    file: "src/a.rs".to_string(),
                    span: span(2, 5, 19, 18),
                    replacement: "tokio::time::sleep".to_string(),
                }],
            }),
        };
        let error = Diagnostic {
            rule: Rule::ParseError,
            level: Level::Deny,
            message: "could not read `src/b.rs`: permission denied".to_string(),
            file: "src/b.rs".to_string(),
            span: span(1, 1, 0, 0),
            label: "could not read this file".to_string(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            fix: None,
        };
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
