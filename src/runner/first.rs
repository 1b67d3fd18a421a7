//! The first pass over each file, on worker threads: read it, parse it if it can hold a
//! finding, else scan the names it defines; and what the later, serial steps need of it
//! (its name as shown, its absolute path, `extern crate` aliases, suppression comments),
//! found here so that they stay cheap.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::read::{
    absolute, absolute_of, decode, decode_error, display_name, read_regular,
    read_regular_noting_link,
};
use super::{FileResult, Scope, Unit, trace};
use crate::analysis::crate_model::select::ItemNames;
use crate::analysis::summary::FileSummary;

/// Runs over at most this much source parse every file.
pub const PARSE_ALL_BELOW: u64 = 1 << 20;

/// What the first pass over one file found.
pub(super) enum Pass {
    /// Parsed: its summary.
    Parsed(Box<FileSummary>),
    /// Not parsed, since nothing in it mentions async code: the fns and impl types it
    /// defines, in case parsed code turns out to call them.
    Skipped(ItemNames),
    /// Could not be read or decoded.
    Failed(FileResult),
}

/// One file after its first pass.
pub(super) struct First {
    pub pass: Pass,
    /// The name it is shown under.
    pub name: String,
    /// Its absolute path (`read::absolute`), for the crate model, when it was parsed.
    pub absolute: Option<PathBuf>,
    /// The `extern crate NAME as ALIAS` of a crate root (`src/lib.rs`, `src/main.rs`):
    /// (NAME, ALIAS).
    pub aliases: Vec<(String, String)>,
    /// Whether it holds a suppression comment.
    pub directives: bool,
}

/// Whether the linted files (not the context's) hold at most `PARSE_ALL_BELOW` bytes. Sizes
/// are summed a batch at a time, in parallel, until the sum is over: a large run stops at
/// its first large files, not after a system call per file.
pub(super) fn little_source(files: &[(usize, &Path)], units: &[Unit], scope: &Scope) -> bool {
    let mut total = 0;
    for batch in files.chunks(1024) {
        total += batch
            .par_iter()
            .filter(|(u, _)| !units[*u].context)
            .map(|(_, path)| scope.size(path))
            .sum::<u64>();
        if total > PARSE_ALL_BELOW {
            return false;
        }
    }
    true
}

/// Reads a file and parses it if it can hold a finding (or `parse_all`).
pub(super) fn first_pass(path: &Path, unit: &Unit, parse_all: bool, scope: &Scope) -> First {
    let name = display_name(path);
    let failed = |pass, name| First {
        pass,
        name,
        absolute: None,
        aliases: Vec::new(),
        directives: false,
    };
    // Whether the path is a link, as the read found it (`None`: the text was given).
    let mut link = None;
    let read = || {
        scope.read(path, || {
            let (bytes, is_link) = read_regular_noting_link(path, &name)?;
            link = Some(is_link);
            Ok(bytes)
        })
    };
    let bytes = match trace::READ.time(read) {
        Ok(bytes) => bytes,
        Err(result) => return failed(Pass::Failed(result), name),
    };
    let text = match decode(&name, &bytes) {
        Ok(text) => text,
        Err(error) => {
            return failed(
                Pass::Failed(decode_error(name.clone(), &bytes, *error)),
                name,
            );
        }
    };
    let directives = memchr::memmem::find(text.as_bytes(), b"async-lint:").is_some();
    let is_root = path.ends_with("src/lib.rs") || path.ends_with("src/main.rs");
    let aliases = if is_root && unit.krate.root.is_some() {
        extern_crate_aliases(text)
    } else {
        Vec::new()
    };
    // A file named for a scoped run is parsed, whatever the size of its crate.
    let parse_all = parse_all || (scope.report.is_some() && scope.reports(&name));
    let absolute = trace::ABSOLUTE.time(|| match link {
        Some(link) => absolute_of(path, link),
        None => absolute(path),
    });
    let pass = first_pass_text(&absolute, &name, text, (unit, scope), parse_all);
    First {
        // Kept for parsed files only: a skipped file's is found again if it is parsed.
        absolute: matches!(pass, Pass::Parsed(_)).then_some(absolute),
        pass,
        name,
        aliases,
        directives,
    }
}

/// `extern crate NAME as ALIAS;` items, by a line scan: (NAME, ALIAS).
fn extern_crate_aliases(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("pub ").unwrap_or(line).trim_start();
            let rest = line.strip_prefix("extern crate ")?;
            let rest = rest.trim_end().strip_suffix(';')?;
            let (original, alias) = rest.split_once(" as ")?;
            let (original, alias) = (original.trim(), alias.trim());
            let ident = |s: &str| {
                !s.is_empty() && s != "_" && s.chars().all(|c| c.is_alphanumeric() || c == '_')
            };
            (ident(original) && ident(alias)).then(|| (original.to_string(), alias.to_string()))
        })
        .collect()
}

/// `absolute`: the file's absolute path.
fn first_pass_text(
    absolute: &Path,
    name: &str,
    text: &str,
    (unit, scope): (&Unit, &Scope),
    parse_all: bool,
) -> Pass {
    let name = name.to_string();
    if unit.context {
        // Read only for what parsed code calls in it.
        return skipped(absolute, text, unit);
    }
    if parse_all || trace::PREFILTER.time(|| crate::analysis::may_hold_findings(text)) {
        return Pass::Parsed(Box::new(
            trace::PARSE.time(|| scope.summarize(&name, text, &unit.settings)),
        ));
    }
    if let Some(fact) = trace::BRACKETS.time(|| crate::analysis::unbalanced(&name, text)) {
        return Pass::Parsed(Box::new(FileSummary {
            name,
            facts: vec![fact],
            ..FileSummary::default()
        }));
    }
    skipped(absolute, text, unit)
}

/// A file not parsed (`absolute`: its path): the names it defines, in case parsed code calls
/// them.
fn skipped(absolute: &Path, text: &str, unit: &Unit) -> Pass {
    Pass::Skipped(trace::SCAN.time(|| ItemNames::scan(text, unit.krate.root.as_deref(), absolute)))
}

/// Reads and parses a file the first pass skipped; with its absolute path.
pub(super) fn parse_path(path: &Path, unit: &Unit, scope: &Scope) -> (Pass, Option<PathBuf>) {
    let pass = parse_skipped(path, unit, scope);
    let parsed = matches!(pass, Pass::Parsed(_));
    (pass, parsed.then(|| absolute(path)))
}

fn parse_skipped(path: &Path, unit: &Unit, scope: &Scope) -> Pass {
    let name = display_name(path);
    match trace::READ.time(|| scope.read(path, || read_regular(path, &name))) {
        Ok(bytes) => match decode(&name, &bytes) {
            Ok(text) => Pass::Parsed(Box::new(
                trace::PARSE.time(|| scope.summarize(&name, text, &unit.settings)),
            )),
            Err(error) => Pass::Failed(decode_error(name, &bytes, *error)),
        },
        Err(failed) => Pass::Failed(failed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_path_is_a_parse_error() {
        let First {
            pass: Pass::Failed(result),
            ..
        } = first_pass(
            Path::new("/nonexistent/async-lint/x.rs"),
            &Unit::default(),
            true,
            &Scope::default(),
        )
        else {
            panic!("a missing file must fail");
        };
        assert_eq!(result.diagnostics.len(), 1);
        assert!(
            result.diagnostics[0]
                .message
                .starts_with("could not read `/nonexistent/async-lint/x.rs`: ")
        );
    }

    /// `extern crate NAME as ALIAS;` gives the crate a second name; without `as`, or in a
    /// comment, it gives none.
    #[test]
    fn extern_crate_aliases_of_a_crate_root() {
        let text = "//! `extern crate a as b;` in a doc comment\n\
                    extern crate store_core as store;\n\
                    pub extern crate index_scheduler as idx ;\n\
                    extern crate serde;\n\
                    extern crate self as me;\n\
                    extern crate alloc as _;\n";
        assert_eq!(
            extern_crate_aliases(text),
            [
                ("store_core".to_string(), "store".to_string()),
                ("index_scheduler".to_string(), "idx".to_string()),
                ("self".to_string(), "me".to_string()),
            ]
        );
    }
}
