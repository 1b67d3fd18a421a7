//! Item-granular parsing: the file is parsed as a skeleton, every item in place but the
//! bodies of its fns empty, and each fn is then parsed on its own, walked, and dropped
//! before the next. Memory follows the largest fn, not the file; syn never builds the
//! tokens of a body that is not wanted.
//!
//! One pass over the lexer's tokens finds the fns of item context (the file, inline `mod`s,
//! `impl`s, `trait`s and `extern` blocks; not fns inside bodies or macro invocations, which
//! stay with their enclosing item) and the doc comments, which no rule reads. The skeleton
//! is the text with both as spaces, every line and character column kept, so the
//! skeleton's spans are positions in the file. A fn is parsed from its own text behind as
//! many spaces as characters precede it on its line: its lines are the file's, shifted by
//! the line it starts on; its columns are the file's.
//!
//! Whatever the pass gets wrong (an unusual item shape it splits badly) makes a parse
//! fail, and a failure sends the file back to the whole-file parse: never a different
//! answer, at worst the old cost.

use std::ops::Range;

use crate::analysis::source::{StackMeter, StackNeed};
use crate::text::lexer::{Kind, Lexer, Token};

/// The skeleton of a file and where its fns' texts are.
pub(super) struct Skeleton<'a> {
    text: &'a str,
    /// The file with its doc comments, item macros' bodies and the insides of its item
    /// fns' bodies blanked, in chunks of whole top-level items ([`Chunk`]).
    pub(super) chunks: Vec<Chunk>,
    /// Each blanked fn, by the byte offset of its body's `{` (ascending): the item's byte
    /// range, from its first attribute or keyword to the body's `}`.
    fns: Vec<(usize, Range<usize>)>,
    /// The doc comments' byte ranges, in order.
    docs: Vec<Range<usize>>,
}

/// A large file's skeleton is parsed a chunk at a time, so that syn never holds the
/// tokens of the whole file at once (they take several times the tree built from them).
const CHUNK: usize = 256 << 10;

/// Top-level items of the skeleton, parsed together: the text (behind as many spaces as
/// characters precede it on its first line) and the number of lines before it.
pub(super) struct Chunk {
    pub(super) text: String,
    pub(super) lines_before: usize,
}

/// A fn's own text to parse, and the number of lines before it in the file.
pub(super) struct FnText {
    pub(super) text: String,
    pub(super) lines_before: usize,
}

impl<'a> Skeleton<'a> {
    /// The skeleton of `text`; `None` when item-granular parsing does not apply (a shebang
    /// or front matter line, no fn worth splitting off).
    #[cfg(test)]
    pub(super) fn of(text: &'a str) -> Option<Skeleton<'a>> {
        Skeleton::scan(text).0
    }

    /// The skeleton of `text` (as [`Skeleton::of`]) and the stack parsing it can take
    /// (`source::stack_need`), from one pass over the tokens.
    pub(super) fn scan(text: &'a str) -> (Option<Skeleton<'a>>, StackNeed) {
        if text.starts_with("#!") && !text.starts_with("#![") {
            return (None, crate::analysis::source::stack_need(text));
        }
        let mut scan = Scan::default();
        let mut meter = StackMeter::default();
        // Each code token is taken with the next one (comments between them passed over).
        let mut previous: Option<Token> = None;
        for token in Lexer::new(text, 0) {
            if token.is_comment() {
                if is_doc(&text[token.start..token.end]) {
                    scan.docs.push(token.start..token.end);
                }
                continue;
            }
            if let Some(previous) = previous {
                scan.token(text, previous, Some(token));
            }
            meter.feed(text, token);
            previous = Some(token);
        }
        if let Some(previous) = previous {
            scan.token(text, previous, None);
        }
        let need = meter.finish();
        if scan.fns.is_empty() {
            return (None, need);
        }
        let chunks = chunks(text, &scan.tops, &scan.bodies, &scan.docs);
        let skeleton = Skeleton {
            text,
            chunks,
            fns: scan.fns,
            docs: scan.docs,
        };
        (Some(skeleton), need)
    }

    /// Whether the fn whose body's `{` is at byte `brace` of the file was blanked.
    pub(super) fn splits_off(&self, brace: usize) -> bool {
        self.fns.binary_search_by_key(&brace, |(at, _)| *at).is_ok()
    }

    /// The text of the fn whose body's `{` is at byte `brace` of the file, if it was blanked.
    pub(super) fn fn_text(&self, brace: usize, index: &crate::text::LineIndex) -> Option<FnText> {
        let at = self.fns.binary_search_by_key(&brace, |(at, _)| *at).ok()?;
        let range = self.fns[at].1.clone();
        let line = index.line_index(range.start);
        let line_start = index.line_range(line)?.start;
        let before = self.text.get(line_start..range.start)?.chars().count();
        let mut out = String::with_capacity(before + range.len());
        out.extend(std::iter::repeat_n(' ', before));
        // Its body as written, its doc comments blanked.
        blank_into(&mut out, self.text, range, &[], &self.docs);
        Some(FnText {
            text: out,
            lines_before: line,
        })
    }
}

/// `///`, `//!`, `/** */` and `/*! */`, as the reference defines them (`////` and `/***`
/// are plain comments).
fn is_doc(comment: &str) -> bool {
    (comment.starts_with("///") && !comment.starts_with("////"))
        || comment.starts_with("//!")
        || (comment.starts_with("/**") && !comment.starts_with("/***") && comment != "/**/")
        || comment.starts_with("/*!")
}

/// What the pass knows at one level of nesting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    /// Items follow one another here: the file, an inline `mod`, an `impl`, a `trait`, an
    /// `extern` block.
    Items,
    /// Anything else: a fn's body, a struct's fields, a macro's tokens, an attribute.
    Other,
}

#[derive(Default)]
struct Scan {
    /// Open delimiters, innermost last (the file itself is the empty stack).
    frames: Vec<Frame>,
    /// At item level: where the current item began; whether it is a fn (`fn name`) and
    /// whether it holds items (`mod`, `impl`, `trait`, `extern`).
    item: Option<usize>,
    is_fn: bool,
    holds_items: bool,
    /// The current item so far is `#` or `#!`: an inner attribute ends no item.
    inner_attr: u8,
    /// The current item is a macro invocation or `macro_rules!` (a `!` after a name): its
    /// delimited body is blanked, as the walk reads no item macro.
    is_macro: bool,
    /// The previous token at item level was a name.
    after_name: bool,
    /// The current item has an `=` (a const's or static's value: a macro there is code).
    has_value: bool,
    /// A blanked body being skipped: the depth it closes at, its `{` and the item's start.
    body: Option<(usize, usize, usize)>,
    fns: Vec<(usize, Range<usize>)>,
    bodies: Vec<Range<usize>>,
    docs: Vec<Range<usize>>,
    /// Where each top-level item starts.
    tops: Vec<usize>,
}

impl Scan {
    fn at_items(&self) -> bool {
        self.body.is_none() && self.frames.last().is_none_or(|f| *f == Frame::Items)
    }

    fn end_item(&mut self) {
        self.item = None;
        self.is_fn = false;
        self.holds_items = false;
        self.inner_attr = 0;
        self.is_macro = false;
        self.has_value = false;
    }

    fn token(&mut self, text: &str, token: Token, next: Option<Token>) {
        let word = &text[token.start..token.end];
        if let Some((depth, brace, start)) = self.body {
            match token.kind {
                Kind::Punct(b'(' | b'[' | b'{') => self.frames.push(Frame::Other),
                Kind::Punct(b')' | b']' | b'}') => {
                    self.frames.pop();
                    if self.frames.len() == depth {
                        self.body = None;
                        if !self.is_macro {
                            self.fns.push((brace, start..token.end));
                        }
                        self.bodies.push(brace + 1..token.start);
                        self.end_item();
                    }
                }
                _ => {}
            }
            return;
        }
        let at_items = self.at_items();
        if at_items && self.item.is_none() && token.kind != Kind::Punct(b';') {
            self.item = Some(token.start);
            if self.frames.is_empty() {
                self.tops.push(token.start);
            }
        }
        let after_name =
            std::mem::replace(&mut self.after_name, at_items && token.kind == Kind::Ident);
        match token.kind {
            Kind::Punct(b'!') if at_items && after_name && !self.has_value => self.is_macro = true,
            Kind::Punct(b'=') if at_items => self.has_value = true,
            Kind::Punct(b'(' | b'[' | b'{') if at_items && self.is_macro => {
                self.body = Some((self.frames.len(), token.start, self.item.unwrap_or(0)));
                self.frames.push(Frame::Other);
            }
            Kind::Punct(b'{') if at_items && self.is_fn => {
                self.body = Some((self.frames.len(), token.start, self.item.unwrap_or(0)));
                self.frames.push(Frame::Other);
            }
            Kind::Punct(b'{') if at_items && self.holds_items => {
                self.frames.push(Frame::Items);
                self.end_item();
            }
            Kind::Punct(b'(' | b'[' | b'{') => self.frames.push(Frame::Other),
            Kind::Punct(close @ (b')' | b']' | b'}')) => {
                self.frames.pop();
                if self.at_items() {
                    // A braced item ends at its `}`; `#![..]` is no part of the next item.
                    if close == b'}' || (close == b']' && self.inner_attr == 2) {
                        self.end_item();
                    }
                }
            }
            Kind::Punct(b';') if at_items => self.end_item(),
            Kind::Punct(b'#') if at_items && self.item == Some(token.start) => {
                self.inner_attr = 1;
            }
            Kind::Punct(b'!') if at_items && self.inner_attr == 1 => self.inner_attr = 2,
            Kind::Ident if at_items => {
                if self.inner_attr == 1 {
                    self.inner_attr = 0;
                }
                match word {
                    "fn" if next.is_some_and(|n| n.kind == Kind::Ident) => self.is_fn = true,
                    "mod" | "impl" | "trait" | "extern" => self.holds_items = true,
                    _ => {}
                }
            }
            _ if at_items && self.inner_attr == 1 => self.inner_attr = 0,
            _ => {}
        }
    }
}

/// The skeleton in chunks of whole top-level items, each about [`CHUNK`] bytes of the
/// file or more (one chunk for most files).
fn chunks(
    text: &str,
    tops: &[usize],
    bodies: &[Range<usize>],
    docs: &[Range<usize>],
) -> Vec<Chunk> {
    let mut starts = vec![0];
    for &top in tops {
        if top >= starts.last().copied().unwrap_or(0) + CHUNK {
            starts.push(top);
        }
    }
    let mut ends = starts[1..].to_vec();
    ends.push(text.len());
    let mut lines_before = 0;
    let mut line_start = 0;
    let mut chunks = Vec::with_capacity(starts.len());
    let mut previous = 0;
    for (start, end) in starts.into_iter().zip(ends) {
        let before = &text[previous..start];
        lines_before += memchr::memchr_iter(b'\n', before.as_bytes()).count();
        if let Some(at) = before.rfind('\n') {
            line_start = previous + at + 1;
        }
        previous = start;
        let mut out = String::new();
        out.extend(std::iter::repeat_n(
            ' ',
            text[line_start..start].chars().count(),
        ));
        blank_into(&mut out, text, start..end, bodies, docs);
        chunks.push(Chunk {
            text: out,
            lines_before,
        });
    }
    chunks
}

/// `text[range]` with the `bodies` and the `docs` outside them in it blanked
/// ([`push_blank`]), onto `out`.
fn blank_into(
    out: &mut String,
    text: &str,
    range: Range<usize>,
    bodies: &[Range<usize>],
    docs: &[Range<usize>],
) {
    let within = |ranges: &[Range<usize>]| {
        let first = ranges.partition_point(|r| r.start < range.start);
        let last = ranges.partition_point(|r| r.start < range.end);
        first..last
    };
    let bodies = &bodies[within(bodies)];
    let docs = &docs[within(docs)];
    // The docs inside a body go with it: a body and the docs outside bodies, in order.
    let mut at = range.start;
    let mut docs = docs.iter().peekable();
    let mut bodies = bodies.iter().peekable();
    loop {
        let next = match (docs.peek(), bodies.peek()) {
            (Some(doc), Some(body)) if doc.start < body.start => docs.next(),
            (_, Some(_)) => bodies.next(),
            (Some(_), None) => docs.next(),
            (None, None) => break,
        };
        let Some(blanked) = next.filter(|r| r.start >= at) else {
            continue;
        };
        out.push_str(&text[at..blanked.start]);
        push_blank(out, text, blanked.clone());
        at = blanked.end;
    }
    out.push_str(&text[at..range.end]);
}

/// `text[range]` as nothing that syn reads, every line and column after it kept: its line
/// breaks, then as many spaces as characters on its last line when code follows there.
/// (syn's lexer steps through whitespace a character at a time: a blanked body costs
/// its lines, not its bytes.)
fn push_blank(out: &mut String, text: &str, range: Range<usize>) {
    let blanked = &text[range.clone()];
    let breaks = memchr::memchr_iter(b'\n', blanked.as_bytes()).count();
    out.extend(std::iter::repeat_n('\n', breaks));
    let rest = &text[range.end..];
    if rest.is_empty() || rest.starts_with('\n') || rest.starts_with("\r\n") {
        return;
    }
    let last = blanked.rfind('\n').map_or(blanked, |at| &blanked[at + 1..]);
    out.extend(std::iter::repeat_n(' ', last.chars().count()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skeleton(text: &str) -> String {
        Skeleton::of(text).map_or_else(|| text.to_string(), |s| s.blanked())
    }

    impl Skeleton<'_> {
        fn blanked(&self) -> String {
            assert_eq!(self.chunks.len(), 1);
            self.chunks[0].text.clone()
        }
    }

    #[test]
    fn bodies_and_docs_become_spaces_lines_and_columns_kept() {
        let text = "/// Doc ç\nfn f() {\n    g();\n}\nstruct S { a: u8 }\n";
        let blanked = skeleton(text);
        assert_eq!(blanked, "\nfn f() {\n\n}\nstruct S { a: u8 }\n");
    }

    #[test]
    fn fns_in_impls_traits_and_mods_are_split_off_not_those_in_bodies_or_macros() {
        let text = "mod m { impl A { fn a(&self) { fn inner() {} } } }\n\
                    trait T { fn t(); fn d() { x() } }\n\
                    m! { fn hidden() { y() } }\n\
                    const C: () = { fn c() { z() } };\n";
        let s = Skeleton::of(text).unwrap();
        let mut names: Vec<&str> = s
            .fns
            .iter()
            .map(|(_, r)| {
                let t = &text[r.clone()];
                t.split(['(', ' ']).nth(1).unwrap()
            })
            .collect();
        names.sort_unstable();
        assert_eq!(names, ["a", "d"]);
        assert!(s.blanked().contains("m! { ") && !s.blanked().contains("hidden"));
        assert!(s.blanked().contains("const C: () = { fn c() { z() } };"));
    }

    #[test]
    fn a_fn_text_starts_at_its_attributes_and_keeps_its_columns() {
        let text =
            "#![allow(x)]\nstruct A; #[inline] pub async fn f() {\n    /// d\n    g().await\n}\n";
        let s = Skeleton::of(text).unwrap();
        let brace = text.find("{\n").unwrap();
        let index = crate::text::LineIndex::new(text);
        let f = s.fn_text(brace, &index).unwrap();
        assert_eq!(f.lines_before, 1);
        assert_eq!(
            f.text,
            "          #[inline] pub async fn f() {\n    \n    g().await\n}"
        );
    }

    #[test]
    fn item_macros_are_blanked_macros_in_values_kept() {
        let text = "macro_rules! m { () => { fn x() {} } }\ncfg_rt! { pub fn y() { z() } }\n\
                    static S: V = vec![f(), g()];\nimpl !Send for A {}\nfn f() {}\n";
        let s = Skeleton::of(text).unwrap();
        assert!(
            s.blanked()
                .starts_with("macro_rules! m {                     }\ncfg_rt! {")
        );
        let text = "fn f() {\n  a();\n  b() } struct S;\n/** d */ fn g() {}\n";
        let blanked = Skeleton::of(text).unwrap().blanked();
        assert_eq!(
            blanked,
            "fn f() {\n\n      } struct S;\n         fn g() {}\n"
        );
        assert!(s.blanked().contains("static S: V = vec![f(), g()];"));
        assert_eq!(s.fns.len(), 1);
    }

    #[test]
    fn fn_pointers_and_declarations_are_not_bodies() {
        let text = "type F = fn(u8);\nextern \"C\" { fn e(); }\nstruct S { f: fn() }\n";
        assert!(Skeleton::of(text).is_none());
    }
}
