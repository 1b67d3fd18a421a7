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

/// The stack parsing, walking and dropping `text` can take at most, in bytes, and the offset
/// of the token where that is reached: an upper bound read from the tokens in one pass,
/// whatever the shape of the nesting.
///
/// syn's recursion can only go one level deeper by consuming a token, so the depth at a
/// token is bounded by the tokens before it that are still "open": the enclosing
/// delimiters, and in each the tokens since the last point where no nesting can continue
/// (a `;`; a `,` outside generics and closure parameters; a match arm's `=>`; a `}` followed
/// by a word that starts something new, as items and statements do, `else` and `as` aside).
/// Each of those tokens is charged what one level of the costliest nesting it can start
/// takes (measured per family by the hostile-input generator): a keyword, `=`, `|`, `<`,
/// `@`, `->` or an operator in prefix position can start a recursion (`break break x`,
/// `a = a = a`, `|x| |x| x`, `A<A<u8>>`, `&&&x`); an operand, a binary operator or a
/// closed group only lengthens a tree syn builds in a loop (`a + a + a`, `x.f().f()`),
/// which the walk and the drop still recurse on, at a small cost per level.
pub(crate) fn stack_need(text: &str) -> StackNeed {
    let mut meter = StackMeter::default();
    for token in crate::text::lexer::Lexer::new(text, 0) {
        meter.feed(text, token);
    }
    meter.finish()
}

/// [`stack_need`] one token at a time, for a pass that reads the tokens for more.
#[derive(Default)]
pub(crate) struct StackMeter {
    levels: Vec<Level>,
    level: Level,
    need: StackNeed,
    /// Whether the previous token ends an operand (an identifier, literal, closed group),
    /// so an operator after it is binary; and the previous punctuation, if adjacent.
    operand: bool,
    previous: Option<(u8, usize)>,
    after_brace: bool,
}

impl StackMeter {
    /// Takes the next token of `text` (comments are passed over).
    pub(crate) fn feed(&mut self, text: &str, token: crate::text::lexer::Token) {
        if token.is_comment() {
            return;
        }
        let word = &text[token.start..token.end];
        if std::mem::take(&mut self.after_brace) && starts_anew(token.kind, word) {
            self.level.reset();
        }
        let previous = self.previous;
        let adjacent = |byte: u8| previous.is_some_and(|(b, end)| b == byte && end == token.start);
        let level = &mut self.level;
        // Asked once per identifier: the keyword list is long.
        let operand = token.kind == Kind::Ident && operand_word(word);
        let cost = match token.kind {
            Kind::Punct(b'(' | b'[' | b'{') => {
                let base = level.depth() + OPEN;
                self.levels.push(std::mem::take(level));
                level.base = base;
                self.operand = false;
                self.previous = None;
                self.need.note(base, token.start);
                return;
            }
            Kind::Punct(close @ (b')' | b']' | b'}')) => {
                *level = self.levels.pop().unwrap_or_default();
                self.after_brace = close == b'}';
                self.operand = true;
                self.previous = None;
                level.run += LIGHT;
                self.need.note(level.depth(), token.start);
                return;
            }
            Kind::Punct(b';') => {
                level.reset();
                0
            }
            Kind::Punct(b',') if level.angles == 0 && !level.bars => {
                level.reset();
                0
            }
            Kind::Punct(b'>') if adjacent(b'=') => {
                // `=>`: a match arm's pattern is done; its body starts afresh.
                level.reset();
                0
            }
            // `->`: a return type, where fn pointers and closures nest.
            Kind::Punct(b'>') if adjacent(b'-') => HEAVY,
            Kind::Punct(b'>') => {
                level.angles = level.angles.saturating_sub(1);
                LIGHT
            }
            Kind::Punct(b'<') => {
                level.angles += 1;
                ANGLE
            }
            Kind::Punct(b'|') => {
                level.bars = !level.bars;
                HEAVY
            }
            Kind::Punct(b'=' | b'@') => HEAVY,
            Kind::Punct(_) if self.operand => LIGHT,
            Kind::Punct(_) => HEAVY,
            Kind::Ident if !(operand || adjacent(b'.')) && word != "as" => HEAVY,
            _ => LIGHT,
        };
        level.run += cost;
        self.need.note(level.depth(), token.start);
        self.operand = match token.kind {
            Kind::Ident => operand || adjacent(b'.'),
            Kind::Literal => true,
            Kind::Punct(b'?') => true,
            _ => false,
        };
        self.previous = match token.kind {
            Kind::Punct(b) => Some((b, token.end)),
            _ => None,
        };
    }

    pub(crate) fn finish(mut self) -> StackNeed {
        self.need.bytes += BASE;
        self.need
    }
}

/// What [`stack_need`] found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StackNeed {
    pub(crate) bytes: u64,
    /// The offset of the token where the most is needed.
    pub(crate) at: usize,
}

impl StackNeed {
    fn note(&mut self, bytes: u64, at: usize) {
        if bytes > self.bytes {
            *self = StackNeed { bytes, at };
        }
    }
}

/// One delimiter's tokens: the stack its opening took, and what the open run since the
/// last reset adds.
#[derive(Clone, Copy, Debug, Default)]
struct Level {
    base: u64,
    run: u64,
    /// `<` not yet closed: a `,` inside generics does not end the nesting.
    angles: u32,
    /// An odd number of `|`: a `,` between closure parameters does not end it either.
    bars: bool,
}

impl Level {
    fn depth(&self) -> u64 {
        self.base + self.run
    }

    fn reset(&mut self) {
        self.run = 0;
        self.angles = 0;
        self.bars = false;
    }
}

/// A word after a `}` that cannot continue the expression or type before it: the next
/// item, statement or match arm (`else` continues an `if`; `as` casts a block).
fn starts_anew(kind: Kind, word: &str) -> bool {
    match kind {
        Kind::Ident => word != "else" && word != "as",
        Kind::Punct(b'#') => true,
        _ => false,
    }
}

/// An identifier that ends an operand: not a keyword, or a keyword that is a value or path.
fn operand_word(word: &str) -> bool {
    !matches!(
        word,
        "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "try"
            | "type"
            | "typeof"
            | "union"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

/// Stack charged for a token that can start a recursion (the costliest measured: `break`,
/// 3.7 KiB a level; a closure's `|x|` 4.2 KiB, `fn() ->` 5.5 KiB, `dyn Fn() ->` 6.9 KiB).
const HEAVY: u64 = 8 << 10;
/// Stack charged for a `<`: a level of generics takes more than any other token (8 KiB).
const ANGLE: u64 = 12 << 10;
/// Stack charged for an operand, a binary operator or a closed group: a level of a tree
/// syn builds in a loop, for the walk and the drop.
const LIGHT: u64 = 256;
/// Stack charged for an opening delimiter (measured: a block 5.3 KiB; `fn f() {` nested
/// in a fn's body takes 12.2 KiB a level, charged `fn` + `{`).
const OPEN: u64 = 10 << 10;
/// What the analysis takes besides the nesting.
const BASE: u64 = 4 << 20;

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

    fn need(text: &str) -> u64 {
        stack_need(text).bytes - BASE
    }

    #[test]
    fn stack_need_counts_delimiters_not_literals() {
        assert_eq!(need("((()))"), 3 * OPEN);
        assert_eq!(need("x x x x ((y))"), 2 * OPEN + 5 * LIGHT);
        assert_eq!(need("// ((((((\nx"), LIGHT);
        assert_eq!(need("\"((((((\""), LIGHT);
        assert_eq!(need("r#\"((((\"#; '('"), LIGHT);
        assert_eq!(need("/* ( /* ( */ ( */ x"), LIGHT);
        assert_eq!(stack_need("fn f() {\n    ((((x))))\n}").at, 17);
    }

    /// Each nesting syn recurses on grows the need with its length, whatever its shape.
    #[test]
    fn stack_need_grows_with_every_kind_of_chain() {
        let grows = |unit: &str, tail: &str| {
            let one = need(&format!("{}{tail}", unit.repeat(100)));
            let two = need(&format!("{}{tail}", unit.repeat(200)));
            assert!(two >= one + 100 * LIGHT, "{unit}: {one} then {two}");
            two - one
        };
        for unit in [
            "break ",
            "return ",
            "|x| ",
            "move || ",
            "async || ",
            "a = ",
            "a += ",
            "&mut ",
            "&raw const ",
            "!",
            "- ",
            "* ",
            "ref mut a @ ",
            "fn() -> ",
            "&'a ",
            "*const ",
            "dyn Fn() -> ",
            "impl Fn() -> ",
            "A<",
            "|a, b| ",
        ] {
            assert!(grows(unit, "x") >= 100 * HEAVY, "{unit}");
        }
        for unit in [" + a", " && a", ".f()", ".await", "?", " as u8", "[0]"] {
            grows(unit, "");
        }
        assert!(grows(" else if a { 1 }", "") >= 100 * HEAVY);
    }

    /// What cannot continue a nesting ends it: statements, items, arms, arguments.
    #[test]
    fn stack_need_resets_where_nesting_ends() {
        let flat = need("fn f() { a = a = a; }");
        assert_eq!(need(&"fn f() { a = a = a; }\n".repeat(1000)), flat);
        let stmts = need("fn f() { a = a = a; }");
        assert_eq!(need("fn f() { a = a = a; a = a = a; a = a = a; }"), stmts);
        let arms = need("match x { A => a = a, C => {} }");
        assert_eq!(
            need("match x { A => a = a, B => a = a, C => {} D => a = a, C => {} }"),
            arms
        );
        // Generics and closure parameters are not ended by their commas.
        assert!(need("A<B, A<B, A<B, u8>>>") > need("A<B, u8>") + 2 * HEAVY);
        assert!(need("|a, b| |a, b| |a, b| x") > need("|a, b| x") + 2 * HEAVY);
        // A block continued by `else` or `as` is not ended.
        assert!(need("if a {} else if a {} else if a {} else {}") > need("if a {}") + 4 * HEAVY);
    }

    #[test]
    fn unbalanced_brackets_are_found_outside_literals() {
        assert_eq!(unbalanced_line("fn f() {\n    g(\"}\");\n}\n"), None);
        assert_eq!(unbalanced_line("fn f() {\n    g(1;\n}\n"), Some(3));
        assert_eq!(unbalanced_line("fn f() {\n"), Some(1));
    }
}
