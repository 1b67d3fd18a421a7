//! `--format github`: GitHub Actions workflow commands, one annotation per finding:
//! `::warning file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message`.
//!
//! Escaping follows the runner's rules: in the message `%`, `\r` and `\n` are
//! percent-encoded; in property values `:` and `,` are too. Columns are left out when a
//! finding spans lines (GitHub ignores them there). Paths are relative to the repository
//! root, as annotations need.

use super::Places;
use crate::rules::Level;
use crate::runner::Report;

pub(super) fn write(
    report: &Report,
    places: &Places,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for d in &report.diagnostics {
        let command = match d.level {
            Level::Deny => "error",
            _ => "warning",
        };
        let (start, end) = (d.span.start, d.span.end);
        let mut properties = vec![
            ("file", places.repo_relative(&d.file)),
            ("line", start.line.to_string()),
            ("endLine", end.line.max(start.line).to_string()),
        ];
        if end.line <= start.line {
            properties.push(("col", start.column.to_string()));
            properties.push(("endColumn", end.column.max(start.column).to_string()));
        }
        properties.push(("title", format!("async-lint({})", d.rule.name())));
        let properties: Vec<String> = properties
            .into_iter()
            .map(|(key, value)| format!("{key}={}", escape_property(&value)))
            .collect();
        let mut message = d.message.clone();
        for note in &d.notes {
            message.push_str(&format!("\nnote: {note}"));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        if let Some(fix) = &d.fix {
            message.push_str(&format!("\nhelp: {}", fix.message));
        }
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message)
        )?;
    }
    Ok(())
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{sample, span};

    fn render(report: &Report, places: &Places) -> Vec<u8> {
        let mut out = Vec::new();
        write(report, places, &mut out).unwrap();
        out
    }

    fn places() -> Places {
        Places {
            cwd: "/repo".into(),
            root: "/repo".into(),
        }
    }

    #[test]
    fn annotations_with_escaping() {
        let mut report = sample();
        report.diagnostics[0].message = "100% blocking, a: b".to_string();
        let out = String::from_utf8(render(&report, &places())).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            "::warning file=src/a.rs,line=2,endLine=2,col=5,endColumn=23,\
             title=async-lint(blocking_sleep)::100%25 blocking, a: b\
             %0Anote: the runtime cannot run other tasks meanwhile\
             %0Ahelp: use `tokio::time::sleep(d).await`%0Ahelp: use `tokio::time::sleep`"
        );
        assert!(lines[1].starts_with("::error file=src/b.rs,line=1,endLine=1,col=1,"));
    }

    #[test]
    fn multi_line_findings_have_no_columns_and_properties_are_escaped() {
        let mut report = sample();
        let mut multi = span(2, 5, 19, 3);
        multi.end.line = 3;
        report.diagnostics[0].span = multi;
        report.diagnostics[0].file = "src/a,b:c.rs".to_string();
        let out = String::from_utf8(render(&report, &places())).unwrap();
        assert!(
            out.starts_with(
                "::warning file=src/a%2Cb%3Ac.rs,line=2,endLine=3,title=async-lint(blocking_sleep)::"
            ),
            "{out}"
        );
    }
}
