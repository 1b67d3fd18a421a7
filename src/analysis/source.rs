//! Positions and a cheap look at the text before syn sees it.

use crate::text::lexer::Kind;

/// The one index, shared with the rest of the crate (`crate::text`).
pub(crate) use crate::text::LineIndex;

/// The delimiters of the text, outside comments and literals, with their byte offsets.
fn delimiters(text: &str) -> impl Iterator<Item = (u8, usize)> + '_ {
    crate::text::lexer::Lexer::new(text, 0).filter_map(|token| match token.kind {
        Kind::Punct(b @ (b'(' | b'[' | b'{' | b')' | b']' | b'}')) => Some((b, token.start)),
        _ => None,
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    LineIndex::new(text).line(offset) as usize
}

/// Where syn would recurse deeper than `limit`, if anywhere: bracket nesting, generic
/// `<..>` nesting, or a run of prefix operators and closure bars (`!!!!x`, `&&&&T`,
/// `|| || || x`). A guard against input that would overflow the parser's stack: real code
/// stays far below any of these.
pub(crate) fn nesting_beyond(text: &str, limit: usize) -> Option<usize> {
    let mut brackets = 0usize;
    let mut angles = 0usize;
    let mut run = 0usize;
    let mut previous = 0u8;
    for token in crate::text::lexer::Lexer::new(text, 0) {
        let Kind::Punct(punct) = token.kind else {
            if !token.is_comment() {
                run = 0;
                previous = 0;
            }
            continue;
        };
        let deeper = match punct {
            b'(' | b'[' | b'{' => {
                brackets += 1;
                angles = 0;
                brackets > limit
            }
            b')' | b']' | b'}' => {
                brackets = brackets.saturating_sub(1);
                angles = 0;
                false
            }
            b';' => {
                angles = 0;
                false
            }
            b'<' => {
                angles += 1;
                angles > ANGLE_LIMIT
            }
            b'>' if previous != b'-' && previous != b'=' => {
                angles = angles.saturating_sub(1);
                false
            }
            _ => false,
        };
        if matches!(punct, b'!' | b'-' | b'*' | b'&' | b'|') {
            run += 1;
        } else {
            run = 0;
        }
        previous = punct;
        if deeper || run > PREFIX_RUN_LIMIT {
            return Some(line_of(text, token.start));
        }
    }
    None
}

/// Deepest generic nesting accepted: syn needs about 30 KiB of stack a level.
const ANGLE_LIMIT: usize = 20_000;

/// Longest run of prefix operators and closure bars accepted (`!!x` is 2).
const PREFIX_RUN_LIMIT: usize = 10_000;

/// The line of the first bracket that closes nothing or the wrong thing, or of the first
/// one left open.
pub(crate) fn unbalanced_line(text: &str) -> Option<usize> {
    let mut open: Vec<(u8, usize)> = Vec::new();
    for (delimiter, offset) in delimiters(text) {
        let wanted = match delimiter {
            b')' => b'(',
            b']' => b'[',
            b'}' => b'{',
            opening => {
                open.push((opening, offset));
                continue;
            }
        };
        match open.pop() {
            Some((opening, _)) if opening == wanted => {}
            _ => return Some(line_of(text, offset)),
        }
    }
    open.first().map(|&(_, offset)| line_of(text, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_counts_delimiters_not_literals() {
        assert_eq!(nesting_beyond("fn f() { g((1)) }", 2), Some(1));
        assert_eq!(nesting_beyond("fn f() { g((1)) }", 3), None);
        assert_eq!(nesting_beyond("// ((((((\nfn f() {}", 2), None);
        assert_eq!(nesting_beyond("fn f() { \"((((((\"; }", 2), None);
        assert_eq!(nesting_beyond("fn f() { r#\"((((\"#; '('; }", 2), None);
        assert_eq!(
            nesting_beyond("fn f<'a>(x: &'a u8) { (((x))) }", 3),
            Some(1)
        );
        assert_eq!(nesting_beyond("/* ( /* ( */ ( */ fn f() {}", 1), None);
        let generics = format!(
            "type T = {}u8{};",
            "A<".repeat(ANGLE_LIMIT + 1),
            ">".repeat(ANGLE_LIMIT + 1)
        );
        assert_eq!(nesting_beyond(&generics, 100), Some(1));
        assert_eq!(
            nesting_beyond("fn f() -> u8 { if a < b && c > d { 1 } else { 2 } }", 2),
            None
        );
        let prefix = format!(
            "fn f() {{ let x = {}y; }}",
            "!".repeat(PREFIX_RUN_LIMIT + 1)
        );
        assert_eq!(nesting_beyond(&prefix, 100), Some(1));
    }

    #[test]
    fn unbalanced_brackets_are_found_outside_literals() {
        assert_eq!(unbalanced_line("fn f() {\n    g(\"}\");\n}\n"), None);
        assert_eq!(unbalanced_line("fn f() {\n    g(1;\n}\n"), Some(3));
        assert_eq!(unbalanced_line("fn f() {\n"), Some(1));
    }
}
