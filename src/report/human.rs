//! `--format human`: codespan-style snippets, then a summary line.
//!
//! ```text
//! warning[blocking_sleep]: `std::thread::sleep` blocks the executor thread
//!   ┌─ src/a.rs:2:5
//!   │
//! 2 │     std::thread::sleep(d);
//!   │     ^^^^^^^^^^^^^^^^^^ blocks the thread
//!   │
//!   = note: ...
//!   = help: ...
//! ```

use std::fmt::Write as _;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity};
use codespan_reporting::term::termcolor::{Buffer, WriteColor};
use codespan_reporting::term::{self, Config};

use super::Sources;
use super::window::Clipped;
use crate::diagnostic::{Applicability, Diagnostic, Span};
use crate::rules::Level;
use crate::runner::Report;

/// Writes each finding as it is formatted (one finding's text in memory at a time), then
/// the summary unless `summary` is false (`--quiet`).
pub(super) fn write(
    report: &Report,
    sources: &Sources,
    color: bool,
    summary_too: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for d in &report.diagnostics {
        out.write_all(&emit(d, sources, color))?;
    }
    if summary_too {
        out.write_all(summary(report).as_bytes())?;
    }
    Ok(())
}

/// One finding as the human format shows it, without color (rustc-json's `rendered`).
pub(super) fn render_one(d: &Diagnostic, sources: &Sources) -> String {
    String::from_utf8_lossy(&emit(d, sources, false)).into_owned()
}

fn emit(d: &Diagnostic, sources: &Sources, color: bool) -> Vec<u8> {
    let config = Config::default();
    let new_buffer = || {
        if color {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        }
    };
    let mut buffer = new_buffer();
    // A long source line is shown as a window around the finding's columns.
    let spans: Vec<(usize, Range<usize>, Span)> = std::iter::once((&d.file, d.span))
        .chain(d.labels.iter().map(|label| (&label.file, label.span)))
        .filter_map(|(file, span)| {
            Some((
                sources.id(file)?,
                byte_range(sources.text(file)?, span)?,
                span,
            ))
        })
        .collect();
    let clipped = Clipped::new(sources, &spans);
    let rendered = to_codespan(d, sources, &clipped);
    if term::emit_to_write_style(&mut buffer, &config, &clipped, &rendered).is_err() {
        // codespan refused a range: show the finding without its snippet.
        buffer = new_buffer();
        let plain = without_snippet(d);
        let _ = term::emit_to_write_style(&mut buffer, &config, sources, &plain);
    }
    let _ = buffer.reset();
    buffer.into_inner()
}

fn severity(level: Level) -> Severity {
    match level {
        Level::Deny => Severity::Error,
        Level::Warn => Severity::Warning,
        Level::Allow => Severity::Note,
    }
}

/// The byte range of `span` in `source`, if it is a valid one.
fn byte_range(source: &str, span: Span) -> Option<Range<usize>> {
    let (start, end) = (span.start.offset, span.end.offset);
    (start <= end
        && end <= source.len()
        && source.is_char_boundary(start)
        && source.is_char_boundary(end))
    .then_some(start..end)
}

fn to_codespan(d: &Diagnostic, sources: &Sources, clipped: &Clipped) -> CsDiagnostic<usize> {
    let place = |file: &str, span: Span| -> Option<(usize, Range<usize>)> {
        let id = sources.id(file)?;
        let range = byte_range(sources.text(file)?, span)?;
        Some((id, clipped.map(id, range.start)..clipped.map(id, range.end)))
    };
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    match place(&d.file, d.span) {
        Some((id, range)) => labels.push(CsLabel::primary(id, range).with_message(&d.label)),
        // A file that could not be read has no text to show: its message names it.
        None if sources.id(&d.file).is_some() || !at_start(d.span) => {
            notes.push(location_note(&d.file, d.span));
        }
        None => {}
    }
    for label in &d.labels {
        if let Some((id, range)) = place(&label.file, label.span) {
            labels.push(CsLabel::secondary(id, range).with_message(&label.message));
        } else {
            notes.push(format!(
                "note: {} ({})",
                label.message,
                location(&label.file, label.span)
            ));
        }
    }
    notes.extend(trailing_notes(d, sources.text(&d.file)));
    CsDiagnostic::new(severity(d.level))
        .with_code(d.rule.name())
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

fn without_snippet(d: &Diagnostic) -> CsDiagnostic<usize> {
    let mut notes = vec![location_note(&d.file, d.span)];
    notes.extend(trailing_notes(d, None));
    CsDiagnostic::new(severity(d.level))
        .with_code(d.rule.name())
        .with_message(&d.message)
        .with_notes(notes)
}

/// The notes, one `help:` line, and a fix as rustc shows a suggestion: the fixed lines,
/// `~` under replaced and `+` under inserted text (`text`: the file's, when known).
fn trailing_notes(d: &Diagnostic, text: Option<&str>) -> Vec<String> {
    let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
    match (&d.help, &d.fix) {
        (Some(help), _) => notes.push(format!("help: {help}")),
        (None, Some(fix)) => notes.push(format!("help: {}", fix.message)),
        (None, None) => {}
    }
    if let Some(fix) = &d.fix {
        notes.push(suggestion(fix, text));
    }
    notes
}

/// `suggestion (--fix): replace with …` and the fixed lines under it.
fn suggestion(fix: &crate::diagnostic::Fix, text: Option<&str>) -> String {
    let how = match fix.applicability {
        Applicability::MachineApplicable => "`--fix`",
        Applicability::MaybeIncorrect => "`--unsafe-fixes`, check the result",
    };
    let mut out = format!("suggestion ({how}): {}", fix.message);
    let Some(lines) = text.and_then(|text| crate::fixes::diff::suggestion(text, &fix.edits)) else {
        return out;
    };
    let width = lines
        .iter()
        .map(|l| l.line.to_string().len())
        .max()
        .unwrap_or(1);
    for line in lines {
        let (text, markers) = super::window::pair(&line.text, &line.markers);
        let (text, markers) = expand_tabs(&text, &markers);
        let _ = write!(out, "\n{:>width$} | {}", line.line, text);
        if !markers.is_empty() {
            let _ = write!(out, "\n{:>width$} | {}", "", markers);
        }
    }
    out
}

/// A suggested line and its markers with each tab shown as four spaces (as rustc, and as
/// the snippet above it shows them): a marker under a tab is repeated to its width.
fn expand_tabs(text: &str, markers: &str) -> (String, String) {
    const TAB: usize = 4;
    if !text.contains('\t') {
        return (text.to_string(), markers.to_string());
    }
    let (mut shown, mut marks) = (String::new(), String::new());
    let mut under = markers.chars();
    for c in text.chars() {
        let mark = under.next();
        let width = if c == '\t' { TAB } else { 1 };
        if c == '\t' {
            shown.push_str(&" ".repeat(TAB));
        } else {
            shown.push(c);
        }
        if let Some(mark) = mark {
            marks.extend(std::iter::repeat_n(mark, width));
        }
    }
    (shown, marks.trim_end().to_string())
}

fn at_start(span: Span) -> bool {
    (span.start.line, span.start.column) == (1, 1)
}

fn location(file: &str, span: Span) -> String {
    format!("{file}:{}:{}", span.start.line, span.start.column)
}

fn location_note(file: &str, span: Span) -> String {
    format!("at {}", location(file, span))
}

/// `Found 3 problems (2 warnings, 1 error) in 2 files`, or `No problems found in 5 files`.
pub(super) fn summary(report: &Report) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let total = report.diagnostics.len();
    if total == 0 {
        return format!(
            "No problems found in {}\n",
            plural(report.files_checked, "file")
        );
    }
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Deny)
        .count();
    let warnings = total - errors;
    let mut parts = Vec::new();
    if warnings > 0 {
        parts.push(plural(warnings, "warning"));
    }
    if errors > 0 {
        parts.push(plural(errors, "error"));
    }
    let mut files: Vec<&str> = report.diagnostics.iter().map(|d| d.file.as_str()).collect();
    files.dedup();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Found {} ({}) in {}",
        plural(total, "problem"),
        parts.join(", "),
        plural(files.len(), "file")
    );
    out.push_str(&super::roots::summary_lines(&report.diagnostics));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{sample, span};

    fn human(report: &Report, color: bool) -> Vec<u8> {
        let mut out = Vec::new();
        write(
            report,
            &Sources::new(&report.sources),
            color,
            true,
            &mut out,
        )
        .unwrap();
        out
    }

    #[test]
    fn renders_snippet_labels_notes_help_and_summary() {
        let out = String::from_utf8(human(&sample(), false)).unwrap();
        assert!(
            out.starts_with(
                "warning[blocking_sleep]: `std::thread::sleep` blocks the executor thread\n"
            ),
            "{out}"
        );
        assert!(out.contains("src/a.rs:2:5"), "{out}");
        assert!(
            out.contains("^^^^^^^^^^^^^^^^^^ blocks the thread"),
            "{out}"
        );
        assert!(out.contains("in this async fn"), "{out}");
        assert!(
            out.contains("= note: the runtime cannot run other tasks meanwhile"),
            "{out}"
        );
        assert!(
            out.contains("= help: use `tokio::time::sleep(d).await`"),
            "{out}"
        );
        assert!(
            out.contains("error[parse_error]: could not read `src/b.rs`"),
            "{out}"
        );
        assert!(!out.contains("= at src/b.rs"), "{out}");
        assert!(
            !out.contains("\n\n\n"),
            "one blank line between findings: {out}"
        );
        assert!(
            out.ends_with("Found 2 problems (1 warning, 1 error) in 2 files\n"),
            "{out}"
        );
        assert!(!out.contains('\x1b'));
    }

    #[test]
    fn color_adds_escapes() {
        let out = human(&sample(), true);
        assert!(out.contains(&b'\x1b'));
    }

    #[test]
    fn bad_span_does_not_panic() {
        let mut report = sample();
        report.diagnostics[0].span = span(9, 9, 1000, 5);
        report.diagnostics[0].labels[0].span = span(1, 1, 3, 100);
        let out = String::from_utf8(human(&report, false)).unwrap();
        assert!(out.contains("= at src/a.rs:9:9"), "{out}");
    }

    #[test]
    fn tabs_in_a_suggestion_are_expanded_with_their_markers() {
        assert_eq!(
            expand_tabs("\t\tx.y().await;", "       ++++++"),
            (
                "        x.y().await;".to_string(),
                "             ++++++".to_string()
            )
        );
        assert_eq!(
            expand_tabs("\tab", " ~~"),
            ("    ab".to_string(), "    ~~".to_string())
        );
    }

    #[test]
    fn clean_summary() {
        let report = Report {
            files_checked: 1,
            ..Report::default()
        };
        assert_eq!(
            String::from_utf8(human(&report, false)).unwrap(),
            "No problems found in 1 file\n"
        );
    }
}
