//! `--format json`: one JSON array, exactly the shape in SPEC §5.
//!
//! The help text, which the SPEC has no key for, is the last entry of `notes`, prefixed
//! `help: `.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Span};
use crate::runner::Report;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    level: &'a str,
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    labels: Vec<JsonLabel<'a>>,
    notes: Vec<String>,
    fix: Option<JsonFix<'a>>,
    /// The blocking operation a transitive finding reaches; `null` for the others.
    root: Option<JsonRoot<'a>>,
}

#[derive(Serialize)]
struct JsonRoot<'a> {
    file: &'a str,
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    /// `MachineApplicable` (applied by `--fix`) or `MaybeIncorrect` (`--unsafe-fixes`).
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    replacement: &'a str,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(d: &'a Diagnostic) -> Self {
        let mut notes = d.notes.clone();
        if let Some(help) = &d.help {
            notes.push(format!("help: {help}"));
        }
        let Span { start, end } = d.span;
        JsonDiagnostic {
            rule: d.rule.name(),
            level: d.level.severity(),
            message: &d.message,
            file: &d.file,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            labels: d
                .labels
                .iter()
                .map(|label| JsonLabel {
                    file: &label.file,
                    line: label.span.start.line,
                    column: label.span.start.column,
                    end_line: label.span.end.line,
                    end_column: label.span.end.column,
                    message: &label.message,
                })
                .collect(),
            notes,
            fix: d.fix.as_ref().map(|fix| JsonFix {
                message: &fix.message,
                applicability: fix.applicability.as_str(),
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| JsonEdit {
                        file: &edit.file,
                        line: edit.span.start.line,
                        column: edit.span.start.column,
                        end_line: edit.span.end.line,
                        end_column: edit.span.end.column,
                        replacement: &edit.replacement,
                    })
                    .collect(),
            }),
            root: d.root.as_ref().map(|root| JsonRoot {
                file: &root.file,
                line: root.span.start.line,
                column: root.span.start.column,
            }),
        }
    }
}

/// One JSON document: serialized straight into `out` (its items are views of the report).
pub(super) fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let items: Vec<JsonDiagnostic<'_>> =
        report.diagnostics.iter().map(JsonDiagnostic::new).collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample;

    fn render(report: &Report) -> Vec<u8> {
        let mut out = Vec::new();
        write(report, &mut out).unwrap();
        out
    }

    #[test]
    fn shape_is_exactly_the_spec() {
        let value: serde_json::Value = serde_json::from_slice(&render(&sample())).unwrap();
        let items = value.as_array().unwrap();
        assert_eq!(items.len(), 2);
        let warning = &items[0];
        let keys: Vec<&str> = warning
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = vec![
            "rule",
            "level",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "labels",
            "notes",
            "fix",
            "root",
        ];
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(warning["rule"], "blocking_sleep");
        assert_eq!(warning["level"], "warning");
        assert_eq!(warning["line"], 2);
        assert_eq!(warning["column"], 5);
        assert_eq!(warning["end_column"], 23);
        assert_eq!(warning["labels"][0]["message"], "in this async fn");
        assert_eq!(
            warning["notes"],
            serde_json::json!([
                "the runtime cannot run other tasks meanwhile",
                "help: use `tokio::time::sleep(d).await`"
            ])
        );
        assert_eq!(
            warning["fix"]["edits"][0]["replacement"],
            "tokio::time::sleep"
        );
        assert_eq!(items[1]["level"], "error");
        assert!(items[1]["fix"].is_null());
        assert!(warning["root"].is_null(), "a direct finding has no root");
    }

    #[test]
    fn a_transitive_finding_gives_its_roots_place() {
        let mut report = sample();
        report.diagnostics[0].root = Some(crate::diagnostic::Root {
            file: "src/log.rs".to_string(),
            span: crate::report::test_support::span(88, 19, 900, 9),
            item: "std::fs::File::flush".to_string(),
            in_fn: "Logger::log".to_string(),
        });
        let value: serde_json::Value = serde_json::from_slice(&render(&report)).unwrap();
        assert_eq!(
            value[0]["root"],
            serde_json::json!({"file": "src/log.rs", "line": 88, "column": 19})
        );
    }

    #[test]
    fn empty_report_is_an_empty_array() {
        assert_eq!(render(&Report::default()), b"[]\n");
    }
}
