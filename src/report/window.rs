//! Long source lines in a snippet: a finding on a 230 KB line shows a window around its
//! columns, cut ends marked `...` (as rustc does), not the whole line — 10k findings on one
//! such line would otherwise print gigabytes.
//!
//! [`Clipped`] is the codespan [`Files`] one finding is rendered through: files whose
//! shown lines are all short pass through to [`Sources`] unchanged; a file with a long one
//! is replaced by a small text holding only the lines the finding shows (each long one as
//! its window), with line numbers and columns still those of the real file.

use std::collections::BTreeMap;
use std::ops::Range;

use codespan_reporting::files::{Error, Files};

use super::Sources;
use crate::diagnostic::Span;

/// A line longer than this (in bytes, without its ending) is shown as a window.
pub(super) const LONG_LINE: usize = 300;
/// Bytes kept on each side of the finding's columns.
const CONTEXT: usize = 60;
/// The widest stretch between a window's first and last marked column.
const WIDEST: usize = 160;
/// What marks a cut end.
const CUT: &str = "...";

/// The files one finding is rendered through.
pub(super) struct Clipped<'s, 'a> {
    sources: &'s Sources<'a>,
    clips: BTreeMap<usize, Clip>,
}

/// A file's shown lines, each long one cut to its window.
struct Clip {
    text: String,
    /// By real line index, ascending (and so ascending in `text` too).
    lines: Vec<ClipLine>,
    /// Columns known from the finding's spans, by real byte offset.
    columns: BTreeMap<usize, u32>,
}

struct ClipLine {
    /// 0-based line in the real file.
    index: usize,
    /// The real bytes shown (the whole line, or its window).
    real: Range<usize>,
    /// Where the line starts in `Clip::text`, and the length of its leading `...` (0 or 3).
    start: usize,
    lead: usize,
    /// Where it ends in `Clip::text`, its `\n` included.
    end: usize,
}

impl<'s, 'a> Clipped<'s, 'a> {
    /// `spans`: the finding's labels, each as its file's id, its byte range in that file
    /// (valid: on character boundaries, inside the text) and its span.
    pub(super) fn new(sources: &'s Sources<'a>, spans: &[(usize, Range<usize>, Span)]) -> Self {
        let mut clips = BTreeMap::new();
        let mut ids: Vec<usize> = spans.iter().map(|(id, _, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let mine: Vec<(Range<usize>, Span)> = spans
                .iter()
                .filter(|(of, _, _)| *of == id)
                .map(|(_, range, span)| (range.clone(), *span))
                .collect();
            if let Some(clip) = clip(sources, id, &mine) {
                clips.insert(id, clip);
            }
        }
        Clipped { sources, clips }
    }

    /// Where real byte `offset` of file `id` is in the text codespan is given.
    pub(super) fn map(&self, id: usize, offset: usize) -> usize {
        let Some(clip) = self.clips.get(&id) else {
            return offset;
        };
        let line = self
            .real_line(id, offset)
            .and_then(|index| clip.line(index))
            .or_else(|| clip.lines.last());
        line.map_or(0, |line| {
            let at = offset.clamp(line.real.start, line.real.end);
            line.start + line.lead + (at - line.real.start)
        })
    }

    fn real_line(&self, id: usize, offset: usize) -> Option<usize> {
        let name = self.sources.name(id).ok()?;
        Some(self.sources.index(name)?.line_index(offset))
    }
}

impl Clip {
    fn line(&self, index: usize) -> Option<&ClipLine> {
        let at = self.lines.binary_search_by_key(&index, |l| l.index).ok()?;
        self.lines.get(at)
    }
}

/// The clip of file `id` for these spans, or `None` when every line they show is short.
fn clip(sources: &Sources, id: usize, spans: &[(Range<usize>, Span)]) -> Option<Clip> {
    let name = sources.name(id).ok()?;
    let index = sources.index(name)?;
    let text = index.text();
    // The lines shown: each label's lines, and one on either side (codespan may show a
    // single line between two labels).
    let mut shown: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (range, _) in spans {
        let (first, last) = (index.line_index(range.start), index.line_index(range.end));
        for line in first.saturating_sub(1)..=last + 1 {
            if index.line_range(line).is_some() {
                shown.entry(line).or_default();
            }
        }
        for offset in [range.start, range.end] {
            shown
                .entry(index.line_index(offset))
                .or_default()
                .push(offset);
        }
    }
    let content = |line: usize| {
        let range = index.line_range(line)?;
        let end = if text[range.clone()].ends_with('\n') {
            range.end - 1
        } else {
            range.end
        };
        Some(range.start..end)
    };
    let long = |line: &usize| content(*line).is_some_and(|r| r.len() > LONG_LINE);
    if !shown.keys().any(long) {
        return None;
    }
    let mut out = Clip {
        text: String::new(),
        lines: Vec::new(),
        columns: BTreeMap::new(),
    };
    for (_, span) in spans {
        out.columns.insert(span.start.offset, span.start.column);
        out.columns.insert(span.end.offset, span.end.column);
    }
    for (line, points) in shown {
        let Some(whole) = content(line) else { continue };
        let real = if whole.len() > LONG_LINE {
            window(text, &whole, &points)
        } else {
            whole.clone()
        };
        let start = out.text.len();
        let lead = if real.start > whole.start {
            CUT.len()
        } else {
            0
        };
        if lead > 0 {
            out.text.push_str(CUT);
        }
        out.text.push_str(&text[real.clone()]);
        if real.end < whole.end {
            out.text.push_str(CUT);
        }
        out.text.push('\n');
        out.lines.push(ClipLine {
            index: line,
            real,
            start,
            lead,
            end: out.text.len(),
        });
    }
    Some(out)
}

/// The bytes of `line` shown around `points` (offsets on it): from `CONTEXT` before the
/// first to `CONTEXT` after the last (at most `WIDEST` after the first), on character
/// boundaries.
fn window(text: &str, line: &Range<usize>, points: &[usize]) -> Range<usize> {
    let first = points.iter().copied().min().unwrap_or(line.start);
    let last = points.iter().copied().max().unwrap_or(line.start);
    let last = last.min(first.saturating_add(WIDEST));
    let mut start = first.saturating_sub(CONTEXT).max(line.start);
    let mut end = last.saturating_add(CONTEXT).min(line.end);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// A suggestion's fixed line and the markers under it (`~`, `+`, aligned character by
/// character), cut alike to a window around the markers when the line is long.
pub(super) fn pair(text: &str, markers: &str) -> (String, String) {
    if text.len() <= LONG_LINE {
        return (text.to_string(), markers.to_string());
    }
    let count = text.chars().count();
    let marked = |c: char| c != ' ';
    let first = markers.chars().position(marked).unwrap_or(0);
    let last = markers.chars().count() - markers.chars().rev().position(marked).unwrap_or(0);
    let last = last.min(first + WIDEST);
    let start = first.saturating_sub(CONTEXT);
    let end = (last + CONTEXT).min(count);
    let cut = |from: &str, end: usize| -> String { from.chars().take(end).skip(start).collect() };
    let lead = if start > 0 { CUT } else { "" };
    let tail = if end < count { CUT } else { "" };
    let markers = cut(markers, end);
    let markers = markers.trim_end();
    let blank = if markers.is_empty() { "" } else { "   " };
    (
        format!("{lead}{}{tail}", cut(text, end)),
        format!("{}{markers}", if start > 0 { blank } else { "" }),
    )
}

impl<'f, 's, 'a: 'f> Files<'f> for Clipped<'s, 'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'f str;

    fn name(&'f self, id: usize) -> Result<&'a str, Error> {
        self.sources.name(id)
    }

    fn source(&'f self, id: usize) -> Result<&'f str, Error> {
        match self.clips.get(&id) {
            Some(clip) => Ok(&clip.text),
            None => self.sources.source(id),
        }
    }

    fn line_index(&'f self, id: usize, byte_index: usize) -> Result<usize, Error> {
        let Some(clip) = self.clips.get(&id) else {
            return self.sources.line_index(id, byte_index);
        };
        let at = clip.lines.partition_point(|l| l.start <= byte_index);
        let line = clip
            .lines
            .get(at.saturating_sub(1))
            .ok_or(Error::FileMissing)?;
        Ok(line.index)
    }

    fn line_range(&'f self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        let Some(clip) = self.clips.get(&id) else {
            return self.sources.line_range(id, line_index);
        };
        let line = clip.line(line_index).ok_or(Error::LineTooLarge {
            given: line_index,
            max: clip.lines.last().map_or(0, |l| l.index),
        })?;
        Ok(line.start..line.end)
    }

    fn column_number(
        &'f self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, Error> {
        let Some(clip) = self.clips.get(&id) else {
            return self.sources.column_number(id, line_index, byte_index);
        };
        let line = clip.line(line_index).ok_or(Error::FileMissing)?;
        let within = byte_index.saturating_sub(line.start + line.lead);
        let real = (line.real.start + within).min(line.real.end);
        if let Some(&column) = clip.columns.get(&real) {
            return Ok(column as usize);
        }
        let name = self.sources.name(id)?;
        let index = self.sources.index(name).ok_or(Error::FileMissing)?;
        Ok(index.at(real).column as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::span;

    #[test]
    fn short_lines_pass_through() {
        let text = BTreeMap::from([("a.rs".to_string(), "fn f() {}\n".to_string())]);
        let sources = Sources::new(&text);
        let clipped = Clipped::new(&sources, &[(0, 3..4, span(1, 4, 3, 1))]);
        assert!(clipped.clips.is_empty());
        assert_eq!(clipped.map(0, 3), 3);
        assert_eq!(clipped.source(0).unwrap(), "fn f() {}\n");
    }

    #[test]
    fn a_long_line_is_cut_to_a_window_with_real_lines_and_columns() {
        let long = format!("{}MARK{}", "a".repeat(5000), "b".repeat(5000));
        let text = format!("fn f() {{\n{long}\n}}\n");
        let offset = text.find("MARK").unwrap();
        let sources_text = BTreeMap::from([("a.rs".to_string(), text.clone())]);
        let sources = Sources::new(&sources_text);
        let clipped = Clipped::new(
            &sources,
            &[(0, offset..offset + 4, span(2, 5001, offset, 4))],
        );
        let shown = clipped.source(0).unwrap();
        assert!(shown.len() < 400, "{shown}");
        assert!(shown.contains("...aaaa"), "{shown}");
        assert!(shown.contains("MARKbbb"), "{shown}");
        assert!(shown.contains("bbb...\n"), "{shown}");
        assert!(
            shown.starts_with("fn f() {\n") && shown.ends_with("\n}\n"),
            "{shown}"
        );
        let at = clipped.map(0, offset);
        assert_eq!(&shown[at..at + 4], "MARK");
        assert_eq!(clipped.line_index(0, at).unwrap(), 1);
        assert_eq!(clipped.line_number(0, 1).unwrap(), 2);
        assert_eq!(clipped.column_number(0, 1, at).unwrap(), 5001);
        assert_eq!(clipped.column_number(0, 1, at + 1).unwrap(), 5002);
    }

    #[test]
    fn a_long_suggestion_line_and_its_markers_are_cut_alike() {
        let text = format!(
            "{}tokio::time::sleep(d).await;{}",
            "a".repeat(3000),
            "b".repeat(3000)
        );
        let markers = format!("{}~~~~~~~~~~~~~~~~~~   ++++++", " ".repeat(3000));
        let (shown, under) = pair(&text, &markers);
        assert!(shown.len() < 400 && shown.starts_with("...a") && shown.ends_with("b..."));
        let at = shown.find("tokio").unwrap();
        assert_eq!(under.find('~'), Some(at), "{shown}\n{under}");
        assert!(under.ends_with('+'));
        assert_eq!(pair("short", " ~"), ("short".to_string(), " ~".to_string()));
    }

    #[test]
    fn windows_stay_on_character_boundaries() {
        let long = "é".repeat(3000);
        let offset = long.len() / 2;
        let text = BTreeMap::from([("a.rs".to_string(), long.clone())]);
        let sources = Sources::new(&text);
        let clipped = Clipped::new(
            &sources,
            &[(0, offset..offset + 2, span(1, 1501, offset, 2))],
        );
        let shown = clipped.source(0).unwrap();
        assert!(
            shown.starts_with("...é") && shown.ends_with("é...\n"),
            "{shown}"
        );
    }
}
