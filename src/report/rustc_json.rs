//! `--format rustc-json`: one line per finding in the shape rust-analyzer's flycheck reads
//! from `rust-analyzer.check.overrideCommand`: cargo's `compiler-message` lines
//! (`{"reason":"compiler-message","package_id":…,"manifest_path":…,"target":…,"message":…}`)
//! with the package id cargo gives the file's package, and a bare rustc diagnostic for a
//! file of no package.
//!
//! rust-analyzer files diagnostics by package id: the first line of a package in a run
//! clears that package's diagnostics of the previous run, so async-lint's and clippy's lines
//! for one package add up, in either order. A bare diagnostic clears the whole workspace
//! (it has no package to clear): those come first, before any package's line, so they wipe
//! nothing of this run when async-lint runs first (as `scripts/check-with-async-lint.sh`
//! does).
//!
//! Notes and help are children; a secondary label is a `note` child with its span; a fix
//! is a `help` child whose spans carry `suggested_replacement` and the fix's applicability.
//! Byte offsets index the file on disk (a byte-order mark stripped before linting is
//! counted back in).

use serde::Serialize;

use super::Sources;
use crate::diagnostic::{Diagnostic, Pos, Span};
use crate::runner::Report;
use crate::text::LineIndex;

#[derive(Serialize)]
struct RustcDiagnostic {
    #[serde(rename = "$message_type")]
    message_type: &'static str,
    message: String,
    code: Option<Code>,
    level: &'static str,
    spans: Vec<RustcSpan>,
    children: Vec<RustcDiagnostic>,
    rendered: Option<String>,
}

#[derive(Serialize)]
struct Code {
    code: String,
    explanation: Option<String>,
}

#[derive(Serialize)]
struct RustcSpan {
    file_name: String,
    byte_start: usize,
    byte_end: usize,
    line_start: u32,
    line_end: u32,
    column_start: u32,
    column_end: u32,
    is_primary: bool,
    text: Vec<SpanLine>,
    label: Option<String>,
    suggested_replacement: Option<String>,
    suggestion_applicability: Option<&'static str>,
    expansion: Option<()>,
}

#[derive(Serialize)]
struct SpanLine {
    text: String,
    highlight_start: u32,
    highlight_end: u32,
}

/// A `compiler-message` line, as cargo prints it.
#[derive(Serialize)]
struct CompilerMessage<'a> {
    reason: &'static str,
    package_id: String,
    manifest_path: String,
    target: CargoTarget<'a>,
    message: RustcDiagnostic,
}

#[derive(Serialize)]
struct CargoTarget<'a> {
    kind: &'a [String],
    crate_types: &'a [String],
    name: &'a str,
    src_path: String,
    edition: &'a str,
    doc: bool,
    doctest: bool,
    test: bool,
}

/// One line per finding, written as it is formatted.
pub(super) fn write(
    report: &Report,
    sources: &Sources,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    // Files of no package first: their bare lines clear the workspace in rust-analyzer.
    let (bare, packaged): (Vec<&Diagnostic>, Vec<&Diagnostic>) = report
        .diagnostics
        .iter()
        .partition(|d| !report.packages.contains_key(&d.file));
    for d in bare {
        write_line(out, &diagnostic(d, report, sources))?;
    }
    for d in packaged {
        let Some((package, target)) = report.packages.get(&d.file) else {
            continue;
        };
        let kind = target.main_kind();
        let line = CompilerMessage {
            reason: "compiler-message",
            package_id: package.id(),
            manifest_path: package.manifest_path().to_string_lossy().into_owned(),
            target: CargoTarget {
                kind: &target.kind,
                crate_types: &target.crate_types,
                name: &target.name,
                src_path: target.src_path.to_string_lossy().into_owned(),
                edition: &package.edition,
                // What cargo prints for each kind of target.
                doc: matches!(kind, "lib" | "proc-macro" | "bin"),
                doctest: matches!(kind, "lib" | "proc-macro"),
                test: matches!(kind, "lib" | "proc-macro" | "bin" | "test"),
            },
            message: diagnostic(d, report, sources),
        };
        write_line(out, &line)?;
    }
    Ok(())
}

fn write_line(out: &mut dyn std::io::Write, item: &impl Serialize) -> std::io::Result<()> {
    // One line rendered at a time, then written whole.
    let mut line = serde_json::to_vec(item)?;
    line.push(b'\n');
    out.write_all(&line)
}

fn diagnostic(d: &Diagnostic, report: &Report, sources: &Sources) -> RustcDiagnostic {
    let mut children: Vec<RustcDiagnostic> = Vec::new();
    for label in &d.labels {
        children.push(child(
            "note",
            label.message.clone(),
            vec![span(
                report,
                sources,
                &label.file,
                label.span,
                true,
                None,
                None,
            )],
        ));
    }
    for note in &d.notes {
        children.push(child("note", note.clone(), Vec::new()));
    }
    if let Some(help) = &d.help {
        children.push(child("help", help.clone(), Vec::new()));
    }
    if let Some(fix) = &d.fix {
        let spans = fix
            .edits
            .iter()
            .map(|edit| {
                span(
                    report,
                    sources,
                    &edit.file,
                    edit.span,
                    true,
                    None,
                    Some((edit.replacement.clone(), fix.applicability.as_str())),
                )
            })
            .collect();
        children.push(child("help", fix.message.clone(), spans));
    }
    RustcDiagnostic {
        message_type: "diagnostic",
        message: d.message.clone(),
        code: Some(Code {
            code: format!("async_lint::{}", d.rule.name()),
            explanation: None,
        }),
        level: d.level.severity(),
        spans: vec![span(
            report,
            sources,
            &d.file,
            d.span,
            true,
            (!d.label.is_empty()).then(|| d.label.clone()),
            None,
        )],
        children,
        rendered: Some(super::human::render_one(d, sources)),
    }
}

fn child(level: &'static str, message: String, spans: Vec<RustcSpan>) -> RustcDiagnostic {
    RustcDiagnostic {
        message_type: "diagnostic",
        message,
        code: None,
        level,
        spans,
        children: Vec::new(),
        rendered: None,
    }
}

fn span(
    report: &Report,
    sources: &Sources,
    file: &str,
    span: Span,
    is_primary: bool,
    label: Option<String>,
    replacement: Option<(String, &'static str)>,
) -> RustcSpan {
    let source = sources.index(file);
    let bom = if report.bom.contains(file) { 3 } else { 0 };
    let text = source
        .map(|source| span_lines(source, span))
        .unwrap_or_default();
    RustcSpan {
        file_name: file.to_string(),
        byte_start: byte_offset(source, span.start) + bom,
        byte_end: byte_offset(source, span.end) + bom,
        line_start: span.start.line,
        line_end: span.end.line,
        column_start: span.start.column,
        column_end: span.end.column,
        is_primary,
        text,
        label,
        suggestion_applicability: replacement
            .as_ref()
            .map(|(_, applicability)| *applicability),
        suggested_replacement: replacement.map(|(text, _)| text),
        expansion: None,
    }
}

/// The byte offset of `pos` in `source` (its text as linted), from its line and column
/// when the text is known (they are what every producer sets right), else its `offset`.
fn byte_offset(source: Option<&LineIndex>, pos: Pos) -> usize {
    source
        .and_then(|source| source.offset(pos.line, pos.column))
        .unwrap_or(pos.offset)
}

/// The source lines a span covers, each with its highlighted columns (1-based).
fn span_lines(source: &LineIndex, span: Span) -> Vec<SpanLine> {
    (span.start.line..=span.end.line.max(span.start.line))
        .take(64)
        .filter_map(|line| {
            let text = source.line_text(line)?;
            let width = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
            let start = if line == span.start.line {
                span.start.column
            } else {
                1
            };
            let end = if line == span.end.line {
                span.end.column
            } else {
                width + 1
            };
            Some(SpanLine {
                text: text.to_string(),
                highlight_start: start,
                highlight_end: end,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use serde_json::json;

    use super::*;
    use crate::discover::Package;

    fn render(report: &Report, sources: &Sources) -> Vec<u8> {
        let mut out = Vec::new();
        write(report, sources, &mut out).unwrap();
        out
    }
    use crate::report::test_support::sample;

    fn lines(report: &Report) -> Vec<serde_json::Value> {
        String::from_utf8(render(report, &Sources::new(&report.sources)))
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    #[test]
    fn one_object_per_line_with_spans_children_and_fix() {
        let items = lines(&sample());
        assert_eq!(items.len(), 2);
        let d = &items[0];
        assert_eq!(d["code"]["code"], "async_lint::blocking_sleep");
        assert_eq!(d["level"], "warning");
        let primary = &d["spans"][0];
        assert_eq!(primary["byte_start"], 19);
        assert_eq!(primary["byte_end"], 37);
        assert_eq!(primary["text"][0]["text"], "    std::thread::sleep(d);");
        assert_eq!(primary["text"][0]["highlight_start"], 5);
        assert_eq!(primary["label"], "blocks the thread");
        let children = d["children"].as_array().unwrap();
        assert_eq!(children[0]["level"], "note");
        assert_eq!(children[0]["spans"][0]["line_start"], 1);
        let fix = children.last().unwrap();
        assert_eq!(fix["level"], "help");
        assert_eq!(
            fix["spans"][0]["suggested_replacement"],
            "tokio::time::sleep"
        );
        assert_eq!(
            fix["spans"][0]["suggestion_applicability"],
            "MachineApplicable"
        );
        assert!(
            d["rendered"]
                .as_str()
                .unwrap()
                .starts_with("warning[blocking_sleep]")
        );
        assert_eq!(items[1]["level"], "error");
    }

    #[test]
    fn packaged_files_are_compiler_messages_after_the_bare_ones() {
        let mut report = sample();
        let package = Package {
            name: "app".to_string(),
            version: "1.2.3".to_string(),
            root: PathBuf::from("/w/app"),
            edition: "2024".to_string(),
            lib: None,
            build: None,
        };
        let target = package.target_of(Path::new("/w/app/src/a.rs"));
        report
            .packages
            .insert("src/a.rs".to_string(), (package, target));
        let items = lines(&report);
        // src/b.rs has no package: bare, and first, though it sorts after src/a.rs.
        assert_eq!(items[0]["$message_type"], "diagnostic");
        assert_eq!(items[0]["spans"][0]["file_name"], "src/b.rs");
        let line = &items[1];
        assert_eq!(line["reason"], "compiler-message");
        assert_eq!(line["package_id"], "path+file:///w/app#1.2.3");
        assert_eq!(line["manifest_path"], "/w/app/Cargo.toml");
        let target = &line["target"];
        assert_eq!(target["kind"], serde_json::json!(["bin"]));
        assert_eq!(target["crate_types"], serde_json::json!(["bin"]));
        assert_eq!(target["name"], "app");
        assert_eq!(target["src_path"], "/w/app/src/main.rs");
        assert_eq!(target["edition"], "2024");
        assert_eq!(
            (&target["doc"], &target["doctest"], &target["test"]),
            (&json!(true), &json!(false), &json!(true))
        );
        assert_eq!(
            line["message"]["code"]["code"],
            "async_lint::blocking_sleep"
        );
        assert_eq!(line["message"]["spans"][0]["file_name"], "src/a.rs");
    }

    #[test]
    fn byte_order_mark_is_counted_in_offsets() {
        let mut report = sample();
        report.bom.insert("src/a.rs".to_string());
        let items = lines(&report);
        assert_eq!(items[0]["spans"][0]["byte_start"], 22);
    }

    #[test]
    fn offset_from_line_and_column() {
        let index = LineIndex::new("ab\ncé\nx");
        assert_eq!(byte_offset(Some(&index), pos(3, 1)), 7);
        assert_eq!(byte_offset(Some(&index), pos(2, 3)), 6);
        assert_eq!(byte_offset(Some(&LineIndex::new("ab")), pos(9, 1)), 42);
        assert_eq!(byte_offset(None, pos(2, 1)), 42);
    }

    fn pos(line: u32, column: u32) -> Pos {
        Pos {
            line,
            column,
            offset: 42,
        }
    }
}
