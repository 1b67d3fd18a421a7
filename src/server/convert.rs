//! From the tool's diagnostics to the protocol's: positions (the protocol counts UTF-16
//! code units from 0, the tool characters from 1), severities, the rule as the `code` with a
//! link to its documentation, secondary places as related information.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

use crate::diagnostic::{Diagnostic, Pos, Span};
use crate::rules::Level;

/// The server's name in diagnostics.
pub const SOURCE: &str = "async-lint";

/// A file's URI (`file://`, percent-encoded).
pub fn uri_of(path: &Path) -> Option<Uri> {
    let mut text = String::from("file://");
    let path = path.to_string_lossy();
    if !path.starts_with('/') {
        text.push('/');
    }
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' | b':' => {
                text.push(byte as char)
            }
            _ => text.push_str(&format!("%{byte:02X}")),
        }
    }
    Uri::from_str(&text).ok()
}

/// The path of a `file://` URI; `None` for any other scheme.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file://host/path`: only the local host.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = rest.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    let decoded = String::from_utf8(out).ok()?;
    // `file:///C:/x` on Windows.
    let decoded = match decoded.get(1..3) {
        Some(drive) if cfg!(windows) && drive.ends_with(':') => decoded[1..].to_string(),
        _ => decoded,
    };
    Some(PathBuf::from(decoded))
}

/// Where each line of a text starts, to turn the tool's positions into the protocol's.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { text, starts }
    }

    /// The byte offsets where 0-based `line` starts and ends (before its line break).
    pub fn bounds(&self, line: usize) -> (usize, usize) {
        let Some(&start) = self.starts.get(line) else {
            return (self.text.len(), self.text.len());
        };
        let end = self.starts.get(line + 1).map_or(self.text.len(), |e| e - 1);
        (start, end.max(start))
    }

    /// The text of 0-based `line`, without its line break; empty past the end.
    pub fn line(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line) else {
            return "";
        };
        let end = self.starts.get(line + 1).map_or(self.text.len(), |e| e - 1);
        self.text[start..end.max(start)].trim_end_matches('\r')
    }

    /// The protocol position of a tool position (line and character column, 1-based).
    pub fn position(&self, pos: Pos) -> Position {
        let line = pos.line.saturating_sub(1) as usize;
        let chars = pos.column.saturating_sub(1) as usize;
        let character: usize = self
            .line(line)
            .chars()
            .take(chars)
            .map(char::len_utf16)
            .sum();
        // Past the line's end (an end column after the last character): as counted.
        let extra = chars.saturating_sub(self.line(line).chars().count());
        Position::new(line as u32, (character + extra) as u32)
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }
}

/// A file's text to place positions in: `open` when the editor has it, else the disk's.
pub type TextOf<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// The protocol's diagnostic for `diagnostic`, in the file whose text is `lines`.
pub fn diagnostic(
    diagnostic: &Diagnostic,
    lines: &Lines<'_>,
    text_of: &TextOf<'_>,
    docs: Option<Uri>,
) -> lsp_types::Diagnostic {
    let severity = match diagnostic.level {
        Level::Deny => DiagnosticSeverity::ERROR,
        Level::Warn => DiagnosticSeverity::WARNING,
        Level::Allow => DiagnosticSeverity::HINT,
    };
    let mut message = diagnostic.message.clone();
    for note in &diagnostic.notes {
        message.push('\n');
        message.push_str(note);
    }
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut related = Vec::new();
    for label in &diagnostic.labels {
        if let Some(location) = location(&label.file, label.span, &diagnostic.file, lines, text_of)
        {
            related.push(DiagnosticRelatedInformation {
                location,
                message: label.message.clone(),
            });
        }
    }
    if let Some(root) = &diagnostic.root {
        let shown = diagnostic
            .labels
            .iter()
            .any(|label| label.file == root.file && label.span == root.span);
        if !shown
            && let Some(location) =
                location(&root.file, root.span, &diagnostic.file, lines, text_of)
        {
            related.push(DiagnosticRelatedInformation {
                location,
                message: format!("`{}` blocks here, in `{}`", root.item, root.in_fn),
            });
        }
    }
    lsp_types::Diagnostic {
        range: lines.range(diagnostic.span),
        severity: Some(severity),
        code: Some(NumberOrString::String(diagnostic.rule.name().to_string())),
        code_description: docs.map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// A place in `file` (the diagnostic's own `here`, whose lines are known, or another).
fn location(
    file: &str,
    span: Span,
    here: &str,
    lines: &Lines<'_>,
    text_of: &TextOf<'_>,
) -> Option<Location> {
    let path = crate::discover::normalize(&std::path::absolute(file).ok()?);
    let uri = uri_of(&path)?;
    let range = if file == here {
        lines.range(span)
    } else {
        match text_of(file) {
            Some(text) => Lines::new(&text).range(span),
            None => Lines::new("").range(span),
        }
    };
    Some(Location { uri, range })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let path = Path::new("/tmp/a b/ü#.rs");
        let uri = uri_of(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%BC%23.rs");
        assert_eq!(path_of(&uri).unwrap(), path);
        assert_eq!(path_of(&Uri::from_str("untitled:x").unwrap()), None);
    }

    #[test]
    fn columns_count_utf16_units() {
        let lines = Lines::new("fn a() {}\r\nlet s = \"😀\"; x\n");
        let pos = |line, column| Pos {
            line,
            column,
            offset: 0,
        };
        assert_eq!(lines.position(pos(1, 4)), Position::new(0, 3));
        // The emoji is one character, two UTF-16 units.
        assert_eq!(lines.position(pos(2, 13)), Position::new(1, 13));
        assert_eq!(lines.line(0), "fn a() {}");
        assert_eq!(lines.position(pos(1, 11)), Position::new(0, 10));
    }
}
