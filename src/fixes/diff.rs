//! Showing edits: the fixed lines under a finding (rustc's suggestion), and a unified diff
//! of a whole file (`--diff`). Pure.

use crate::diagnostic::Edit;

/// One line of a suggestion: its number, its text after the fix, and markers that put
/// `~` under replaced text and `+` under inserted text (rustc's convention).
#[derive(Debug, PartialEq, Eq)]
pub struct SuggestedLine {
    pub line: u32,
    pub text: String,
    pub markers: String,
}

/// The lines a fix's edits touch, as they read after the fix. `None` when an edit spans
/// lines, overlaps another or does not fit the text.
pub fn suggestion(text: &str, edits: &[Edit]) -> Option<Vec<SuggestedLine>> {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| e.span.start.offset);
    for (i, edit) in edits.iter().enumerate() {
        let (start, end) = (edit.span.start.offset, edit.span.end.offset);
        let fits = edit.span.start.line == edit.span.end.line
            && start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end)
            && !text[start..end].contains('\n')
            && (i == 0 || edits[i - 1].span.end.offset <= start);
        if !fits {
            return None;
        }
    }
    let mut out: Vec<SuggestedLine> = Vec::new();
    let mut i = 0;
    while i < edits.len() {
        let line = edits[i].span.start.line;
        let first = edits[i].span.start.offset;
        let line_start = text[..first].rfind('\n').map_or(0, |n| n + 1);
        let line_end = text[first..].find('\n').map_or(text.len(), |n| first + n);
        let (mut new, mut markers, mut at) = (String::new(), String::new(), line_start);
        while i < edits.len() && edits[i].span.start.line == line {
            let edit = edits[i];
            let (start, end) = (edit.span.start.offset, edit.span.end.offset);
            let kept = &text[at..start];
            new.push_str(kept);
            markers.extend(std::iter::repeat_n(' ', kept.chars().count()));
            new.push_str(&edit.replacement);
            let mark = if start == end { '+' } else { '~' };
            markers.extend(std::iter::repeat_n(mark, edit.replacement.chars().count()));
            at = end;
            i += 1;
        }
        new.push_str(text[at..line_end].trim_end_matches('\r'));
        out.push(SuggestedLine {
            line,
            text: new,
            markers: markers.trim_end().to_string(),
        });
    }
    Some(out)
}

/// A unified diff (3 lines of context) from `old` to `new`, both named `name`
/// (`a/name`, `b/name` for a relative name, as git; an absolute one as given, as
/// `diff -u`); empty when they are the same. Lines are compared as a whole: a
/// fix's edits change few lines, so the common prefix and suffix of each changed region
/// are found line by line, then regions closer than the context are one hunk.
pub fn unified(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let changes = changed_regions(&a, &b);
    const CONTEXT: usize = 3;
    let mut out = if std::path::Path::new(name).is_absolute() {
        format!("--- {name}\n+++ {name}\n")
    } else {
        format!("--- a/{name}\n+++ b/{name}\n")
    };
    let mut k = 0;
    while k < changes.len() {
        // Merge regions whose contexts touch.
        let mut last = k;
        while last + 1 < changes.len() && changes[last + 1].0 <= changes[last].1 + 2 * CONTEXT {
            last += 1;
        }
        let (a_first, _, b_first, _) = changes[k];
        let (_, a_end, _, b_end) = changes[last];
        let a_from = a_first.saturating_sub(CONTEXT);
        let shift = b_first as isize - a_first as isize;
        let b_from = (a_from as isize + shift) as usize;
        let a_to = (a_end + CONTEXT).min(a.len());
        let b_to = (b_end as isize + (a_to as isize - a_end as isize)) as usize;
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(a_from, a_to - a_from),
            range(b_from, b_to - b_from)
        ));
        let mut at = a_from;
        for &(a0, a1, b0, b1) in &changes[k..=last] {
            for line in &a[at..a0] {
                push_line(&mut out, ' ', line);
            }
            for line in &a[a0..a1] {
                push_line(&mut out, '-', line);
            }
            for line in &b[b0..b1] {
                push_line(&mut out, '+', line);
            }
            at = a1;
        }
        for line in &a[at..a_to] {
            push_line(&mut out, ' ', line);
        }
        k = last + 1;
    }
    out
}

fn range(from: usize, len: usize) -> String {
    match len {
        0 => format!("{from},0"),
        1 => format!("{}", from + 1),
        _ => format!("{},{len}", from + 1),
    }
}

fn push_line(out: &mut String, sign: char, line: &str) {
    out.push(sign);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// The regions where `a` and `b` differ, as `(a_start, a_end, b_start, b_end)`: lines
/// are matched greedily in order (a fix replaces lines one for one, or inserts few).
fn changed_regions(a: &[&str], b: &[&str]) -> Vec<(usize, usize, usize, usize)> {
    let (mut i, mut j) = (0, 0);
    let mut regions = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        // The nearest resynchronisation: the smallest i' + j' with a[i'] == b[j'].
        let mut best: Option<(usize, usize)> = None;
        'search: for total in 0..(a.len() - i + b.len() - j) {
            for di in 0..=total {
                let dj = total - di;
                let (x, y) = (i + di, j + dj);
                if x < a.len() && y < b.len() && a[x] == b[y] {
                    best = Some((x, y));
                    break 'search;
                }
            }
        }
        let (x, y) = best.unwrap_or((a.len(), b.len()));
        regions.push((i, x, j, y));
        i = x;
        j = y;
    }
    regions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unified_diff_of_one_changed_line() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified("x.rs", old, new),
            "--- a/x.rs\n+++ b/x.rs\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
        assert_eq!(unified("x.rs", old, old), "");
    }

    #[test]
    fn distant_changes_are_separate_hunks() {
        let old: String = (0..20).map(|n| format!("{n}\n")).collect();
        let new: String = (0..20)
            .map(|n| match n {
                2 => "two\n".to_string(),
                17 => "seventeen\n".to_string(),
                n => format!("{n}\n"),
            })
            .collect();
        let diff = unified("x.rs", &old, &new);
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        assert!(diff.contains("-2\n+two\n"), "{diff}");
        assert!(diff.contains("@@ -15,6 +15,6 @@"), "{diff}");
    }

    #[test]
    fn no_final_newline() {
        let diff = unified("x.rs", "a", "b");
        assert_eq!(
            diff,
            "--- a/x.rs\n+++ b/x.rs\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
        );
    }
}
