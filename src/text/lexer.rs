//! A small Rust lexer for the text-level passes (suppressions, fixes): it knows comments
//! (nested block comments too), strings, raw strings, byte and C strings, character
//! literals and lifetimes, so a brace or `//` inside them is not taken for code. Total: an
//! unterminated literal or comment runs to the end of the text.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Ident,
    /// A string, character or number literal.
    Literal,
    Lifetime,
    LineComment,
    BlockComment,
    Punct(u8),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Token {
    pub(crate) fn is_comment(&self) -> bool {
        matches!(self.kind, Kind::LineComment | Kind::BlockComment)
    }
}

/// Splits `text` into tokens.
pub(crate) fn lex(text: &str) -> Vec<Token> {
    Lexer::new(text, 0).collect()
}

/// The tokens of `text` from byte `start` on (which must begin a token or whitespace).
pub(crate) struct Lexer<'a> {
    text: &'a str,
    i: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(text: &'a str, start: usize) -> Self {
        Lexer { text, i: start }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let text = self.text;
        let bytes = text.as_bytes();
        loop {
            let i = self.i;
            let b = *bytes.get(i)?;
            let (end, kind) = match b {
                b if b.is_ascii_whitespace() => {
                    // A run of whitespace at once (indentation, blank lines).
                    let run = bytes[i + 1..].iter().position(|b| !b.is_ascii_whitespace());
                    self.i = run.map_or(bytes.len(), |n| i + 1 + n);
                    continue;
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => (
                    memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
                    Kind::LineComment,
                ),
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    (block_comment_end(bytes, i), Kind::BlockComment)
                }
                b'"' => (quoted_end(bytes, i + 1, b'"'), Kind::Literal),
                b'\'' => quote(text, i),
                b'0'..=b'9' => (word_end(text, i), Kind::Literal),
                b if b == b'_' || b.is_ascii_alphabetic() || b >= 0x80 => {
                    if let Some(end) = prefixed_literal(text, i) {
                        (end, Kind::Literal)
                    } else {
                        let end = word_end(text, i);
                        if end == i {
                            // A character that is not part of an identifier: skip it whole.
                            self.i += text[i..].chars().next().map_or(1, char::len_utf8);
                            continue;
                        }
                        (end, Kind::Ident)
                    }
                }
                _ => (i + 1, Kind::Punct(b)),
            };
            let end = end.min(bytes.len());
            self.i = end;
            return Some(Token {
                kind,
                start: i,
                end,
            });
        }
    }
}

fn block_comment_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// The end of a literal whose body starts at `i`, closed by `close`, with `\` escapes.
fn quoted_end(bytes: &[u8], mut i: usize, close: u8) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == close => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// A `'` at `i`: a character literal (`'a'`, `'\n'`, `'{'`) or a lifetime / label.
fn quote(text: &str, i: usize) -> (usize, Kind) {
    let bytes = text.as_bytes();
    let mut chars = text[i + 1..].chars();
    match chars.next() {
        Some('\\') => (quoted_end(bytes, i + 1, b'\''), Kind::Literal),
        Some(c) if chars.next() == Some('\'') => (i + 1 + c.len_utf8() + 1, Kind::Literal),
        Some(_) => (word_end(text, i + 1).max(i + 1), Kind::Lifetime),
        None => (bytes.len(), Kind::Punct(b'\'')),
    }
}

/// The ASCII bytes of identifiers (`_`, letters, digits).
static WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = b == b'_' as usize || (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

fn word_end(text: &str, i: usize) -> usize {
    // ASCII a byte at a time; from the first other character on, by characters.
    let bytes = text.as_bytes();
    let mut at = i;
    while let Some(&b) = bytes.get(at) {
        if WORD[usize::from(b)] {
            at += 1;
        } else if b.is_ascii() {
            return at;
        } else {
            return text[at..]
                .char_indices()
                .find(|&(_, c)| !(c == '_' || c.is_alphanumeric()))
                .map_or(text.len(), |(n, _)| at + n);
        }
    }
    text.len()
}

/// `b"…"`, `c"…"`, `b'…'`, `r"…"`, `r#"…"#`, `br#"…"#`, `cr"…"` starting at `i`: the end.
fn prefixed_literal(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut j = i;
    if matches!(bytes[j], b'b' | b'c') {
        j += 1;
        match bytes.get(j) {
            Some(b'"') => return Some(quoted_end(bytes, j + 1, b'"')),
            Some(b'\'') if bytes[i] == b'b' => return Some(quoted_end(bytes, j + 1, b'\'')),
            _ => {}
        }
    }
    if bytes.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = bytes[j..].iter().take_while(|&&b| b == b'#').count();
    if bytes.get(j + hashes) != Some(&b'"') {
        return None; // `r#ident` or a plain identifier
    }
    let body = j + hashes + 1;
    let mut closing = vec![b'"'];
    closing.extend(std::iter::repeat_n(b'#', hashes));
    Some(
        memchr::memmem::find(&bytes[body..], &closing)
            .map_or(bytes.len(), |n| body + n + closing.len()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_end_at_the_first_character_not_in_an_identifier() {
        let text = "ab_c1+x ça_va1 caféine·x naïve(y) 日本語 _ 9a.b";
        let words: Vec<&str> = (lex(text).iter())
            .filter(|t| t.kind == Kind::Ident)
            .map(|t| &text[t.start..t.end])
            .collect();
        assert_eq!(
            words,
            [
                "ab_c1",
                "x",
                "ça_va1",
                "caféine",
                "x",
                "naïve",
                "y",
                "日本語",
                "_",
                "b"
            ]
        );
    }
}
