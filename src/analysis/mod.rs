//! One pass over a file builds the facts every rule reads.

mod blocking;
mod calls;
mod context;
pub mod crate_model;
mod editions;
mod evidence;
pub mod facts;
mod guards;
mod imports;
pub(crate) mod known_paths;
mod macros;
mod runtimes;
mod skeleton;
mod source;
pub mod summary;
mod syntax;
mod types;
mod walk;

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::diagnostic::{Pos, Span};
use crate::settings::Settings;
use facts::{Fact, Problem, Unparsable};
pub use summary::FileSummary;

/// The most stack one file may take (virtual: only what the nesting uses is touched).
/// A file whose tokens could need more (`source::stack_need`) is refused, not parsed.
const MAX_STACK: u64 = 256 << 20;
/// Debug builds take several times the stack of release builds for the same nesting.
const SCALE: u64 = if cfg!(debug_assertions) { 2 } else { 1 };

/// The facts of one file alone: its own and those of the chains that stay inside it.
pub fn facts_of(name: &str, text: &str, settings: &Settings) -> Vec<Fact> {
    let summary = summarize(name, text, settings);
    let file = crate_model::CrateFile {
        path: std::path::PathBuf::from(name),
        summary,
    };
    crate_model::link(&[file], &crate_model::CrateInfo::default())
}

/// Can this file hold a finding of its own? Only code that mentions async (an `async`
/// fn or block, an `.await`, a poll fn) can; other files matter only when such code calls
/// into them, which the runner finds from what it parsed. A text scan: 1/100 of a parse.
/// A mention on a line that starts with `//` (a doc or line comment: never code), an
/// `.await` that is the start of a longer name (`.await_token`), or an `async` that is a
/// whole string or a token named to a macro does not count.
pub fn may_hold_findings(text: &str) -> bool {
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let ends_word = |end: usize| bytes.get(end).is_none_or(|&b| !is_ident(b));
    // `async` as a word: not `async_std::`, `asynchronous` or `is_async`; and not the
    // whole of a string (`feature = "async"`) or of a macro's brackets (`Token![async]`).
    let async_word = memchr::memmem::find_iter(bytes, b"async").any(|at| {
        let around = (
            at.checked_sub(1).map(|before| bytes[before]),
            bytes.get(at + 5),
        );
        (at == 0 || !is_ident(bytes[at - 1]))
            && ends_word(at + 5)
            && !matches!(around, (Some(b'"'), Some(b'"')) | (Some(b'['), Some(b']')))
            && !in_line_comment(bytes, at)
    });
    async_word
        || memchr::memmem::find_iter(bytes, b".await")
            .any(|at| ends_word(at + 6) && !in_line_comment(bytes, at))
        || memchr::memmem::find_iter(bytes, b"fn poll").any(|at| !in_line_comment(bytes, at))
}

/// Does the line holding `at` start with `//`? Such a line is a comment, or text inside a
/// string or block comment: never code.
fn in_line_comment(bytes: &[u8], at: usize) -> bool {
    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |newline| newline + 1);
    let line = &bytes[start..at];
    let code = line
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(line.len());
    line[code..].starts_with(b"//")
}

/// A `parse_error` for a file whose brackets do not balance, for files that are not
/// parsed: the cheapest check that still catches a truncated or half-edited file.
pub fn unbalanced(name: &str, text: &str) -> Option<Fact> {
    let bytes = text.as_bytes();
    let count = |b: u8| memchr::memchr_iter(b, bytes).count();
    if count(b'{') == count(b'}') && count(b'(') == count(b')') && count(b'[') == count(b']') {
        return None;
    }
    // Braces in strings and comments can differ: the lexer decides.
    let line = source::unbalanced_line(text)?;
    Some(file_error(name, line, Problem::Unbalanced))
}

/// Parses and walks one file: its own findings and what the crate model needs of it.
/// Never panics and does no I/O.
pub fn summarize(name: &str, text: &str, settings: &Settings) -> FileSummary {
    let (skeleton, need) = skeleton::Skeleton::scan(text);
    guarded(name, text, need, || {
        (skeleton.as_ref())
            .and_then(|skeleton| analyze_items(name, text, settings, skeleton))
            .unwrap_or_else(|| analyze_whole(name, text, settings))
    })
}

/// Runs `analyze` on a stack deep enough for `text` and under `catch_unwind`.
fn guarded(
    name: &str,
    text: &str,
    need: source::StackNeed,
    analyze: impl FnOnce() -> FileSummary,
) -> FileSummary {
    // One pass over the tokens bounds how deep syn, the walk and the drop can recurse
    // (`need`): a file that could need more than `MAX_STACK` is refused; one that needs
    // more than the thread has left gets a stack that big, for as long as it is analyzed.
    let bytes = need.bytes.saturating_mul(SCALE);
    if bytes > MAX_STACK * SCALE {
        let line = source::LineIndex::new(text).line(need.at) as usize;
        return FileSummary {
            name: name.to_string(),
            facts: vec![file_error(name, line, Problem::TooDeep)],
            ..FileSummary::default()
        };
    }
    let run = || {
        catch_unwind(AssertUnwindSafe(analyze)).unwrap_or_else(|_| {
            proc_macro2::extra::invalidate_current_thread_spans();
            FileSummary {
                name: name.to_string(),
                facts: vec![file_error(name, 1, Problem::Internal)],
                ..FileSummary::default()
            }
        })
    };
    let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
    if stacker::remaining_stack().is_some_and(|left| left >= bytes) {
        run()
    } else {
        stacker::grow(bytes, run)
    }
}

fn analyze_whole(name: &str, text: &str, settings: &Settings) -> FileSummary {
    let only = |fact| FileSummary {
        name: name.to_string(),
        facts: vec![fact],
        ..FileSummary::default()
    };
    // Front matter is blanked (same lines and columns), so spans still point into `text`.
    let front = editions::without_front_matter(text);
    let parsed = editions::parse_mended(front.as_deref().unwrap_or(text));
    let file = match parsed {
        Ok(file) => file,
        Err(error) => {
            let unread = editions::unread_reason(text, error.at);
            let fact = parse_error(name, text, error.at, &error.message);
            return match unread {
                // Valid in some edition: skipped with a note, not a finding.
                Some(reason) => FileSummary {
                    name: name.to_string(),
                    unread: Some(reason),
                    ..FileSummary::default()
                },
                None => only(fact),
            };
        }
    };
    let index = source::LineIndex::new(text);
    let mut walker = walk::Walker::new(&index, name, settings);
    walker.walk_file(&file);
    let mut summary = walker.into_summary(name);
    drop(file);
    crate::suppress::mark_allowed(text, &mut summary);
    proc_macro2::extra::invalidate_current_thread_spans();
    summary
}

/// Item-granular: the file's skeleton parsed, each of its fns parsed and walked on its own
/// (`skeleton`). `None` when that does not apply or something did not parse: the whole
/// file is then parsed, which gives the same facts or the exact error.
fn analyze_items(
    name: &str,
    text: &str,
    settings: &Settings,
    skeleton: &skeleton::Skeleton<'_>,
) -> Option<FileSummary> {
    // The chunks' items in one list (a module's names are resolved over all of them), and
    // where each chunk's begin, with the lines before them.
    let index = source::LineIndex::new(text);
    let mut attrs = Vec::new();
    let mut items = Vec::new();
    let mut chunks = Vec::with_capacity(skeleton.chunks.len());
    for chunk in &skeleton.chunks {
        let Ok(mut file) = editions::parse_mended(&chunk.text) else {
            drop(items);
            proc_macro2::extra::invalidate_current_thread_spans();
            return None;
        };
        if chunks.is_empty() {
            attrs = file.attrs;
        }
        index.set_lines_before(chunk.lines_before);
        for item in &mut file.items {
            walk::strip(item, skeleton, &index, walk::Strip::Unread);
        }
        chunks.push((items.len(), chunk.lines_before));
        items.extend(file.items);
    }
    index.set_lines_before(0);
    let mut walker = walk::Walker::new(&index, name, settings).with_skeleton(skeleton);
    walker.walk_chunks(&attrs, &mut items, &chunks);
    drop(items);
    let summary = (!walker.failed).then(|| walker.into_summary(name));
    proc_macro2::extra::invalidate_current_thread_spans();
    summary.map(|mut summary| {
        crate::suppress::mark_allowed(text, &mut summary);
        summary
    })
}

fn parse_error(name: &str, text: &str, at: proc_macro2::LineColumn, message: &str) -> Fact {
    let index = source::LineIndex::new(text);
    let start = index.pos(at);
    Fact::Unparsable(Unparsable {
        file: name.to_string(),
        span: Span { start, end: start },
        problem: Problem::Syntax(message.to_string()),
    })
}

/// A `parse_error` fact at the start of a line.
fn file_error(name: &str, line: usize, problem: Problem) -> Fact {
    let line = u32::try_from(line).unwrap_or(u32::MAX);
    let pos = Pos {
        line,
        column: 1,
        offset: 0,
    };
    Fact::Unparsable(Unparsable {
        file: name.to_string(),
        span: Span {
            start: pos,
            end: pos,
        },
        problem,
    })
}

#[cfg(test)]
mod tests;
