//! Reading a file's bytes and decoding them: a byte-order mark is dropped, text that is
//! not UTF-8 and paths that cannot be read become `parse_error` diagnostics on the file; a
//! valid file the parser cannot read becomes a note.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::FileResult;
use crate::analysis::FileSummary;
use crate::diagnostic::{Diagnostic, Pos, Span};
use crate::discover::PathError;
use crate::discover::files::{SOURCE_LIMIT, read_limited, read_noting_link};

/// A file's path made absolute the way crate roots are (symbolic links resolved), so the
/// crate model can place it in its crate's layout. A file that is not itself a link is its
/// folder resolved (once per folder and thread: resolving costs a system call per
/// component, for every file of a 100,000-file crate) joined with its name.
pub(super) fn absolute(path: &Path) -> PathBuf {
    let link = std::fs::symlink_metadata(path).map_or(true, |m| m.file_type().is_symlink());
    absolute_of(path, link)
}

/// [`absolute`] of a path known to be a symbolic link or not (`link`; true when unknown).
pub(super) fn absolute_of(path: &Path, link: bool) -> PathBuf {
    thread_local! {
        static FOLDERS: std::cell::RefCell<std::collections::HashMap<PathBuf, PathBuf>> =
            std::cell::RefCell::default();
    }
    let resolve = |path: &Path| {
        std::fs::canonicalize(path)
            .or_else(|_| std::path::absolute(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    match (path.parent(), path.file_name()) {
        (Some(folder), Some(name)) if !link => {
            let folder = if folder.as_os_str().is_empty() {
                Path::new(".")
            } else {
                folder
            };
            FOLDERS.with_borrow_mut(|folders| {
                if let Some(resolved) = folders.get(folder) {
                    return resolved.join(name);
                }
                let resolved = resolve(folder);
                let joined = resolved.join(name);
                folders.insert(folder.to_path_buf(), resolved);
                joined
            })
        }
        _ => resolve(path),
    }
}

/// A file's bytes. A FIFO or device would block the read (or never end): only regular
/// files are read, and only up to the documented limit (`SOURCE_LIMIT`, 64 MiB).
pub(super) fn read_regular(path: &Path, name: &str) -> Result<Vec<u8>, FileResult> {
    read_limited(path, SOURCE_LIMIT).map_err(|err| read_error(name.to_string(), &err))
}

/// [`read_regular`], and whether `path` is a symbolic link (for [`absolute_of`]).
pub(super) fn read_regular_noting_link(
    path: &Path,
    name: &str,
) -> Result<(Vec<u8>, bool), FileResult> {
    read_noting_link(path, SOURCE_LIMIT).map_err(|err| read_error(name.to_string(), &err))
}

pub(super) fn read_error(name: String, err: &std::io::Error) -> FileResult {
    FileResult {
        diagnostics: vec![error_at_start(
            &name,
            format!("could not read `{name}`: {err}"),
            "could not read this file",
        )],
        name,
        source: None,
        bom: false,
        note: None,
    }
}

pub(super) fn decode_error(name: String, bytes: &[u8], error: (Diagnostic, String)) -> FileResult {
    let (diagnostic, shown) = error;
    FileResult {
        name,
        source: Some(shown),
        bom: bytes.starts_with(BOM),
        diagnostics: vec![diagnostic],
        note: None,
    }
}

/// Reads all of stdin as one file's bytes.
pub fn read_stdin() -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin().lock().read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A path as shown: lossy for a name that is not UTF-8, control characters escaped.
pub(super) fn display_name(path: &Path) -> String {
    crate::text::escape_controls(&path.to_string_lossy()).into_owned()
}

pub(super) fn path_error(error: &PathError) -> FileResult {
    let name = display_name(&error.path);
    FileResult {
        diagnostics: vec![error_at_start(
            &name,
            crate::text::escape_controls(&error.message).into_owned(),
            "could not read this path",
        )],
        name,
        source: None,
        bom: false,
        note: None,
    }
}

pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The file's text without a leading byte-order mark, or a `parse_error` diagnostic at the
/// first byte that is not UTF-8 (with the text to show it in, bad bytes as U+FFFD: offsets
/// up to the first bad byte match).
pub(super) fn decode<'a>(
    name: &str,
    bytes: &'a [u8],
) -> Result<&'a str, Box<(Diagnostic, String)>> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let err = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(err) => err,
    };
    // The prefix before the first bad byte is UTF-8 by construction.
    let prefix = std::str::from_utf8(&bytes[..err.valid_up_to()]).unwrap_or_default();
    let start = position_after(prefix);
    let end = Pos {
        line: start.line,
        column: start.column + 1,
        offset: start.offset + char::REPLACEMENT_CHARACTER.len_utf8(),
    };
    let diagnostic = crate::rules::parse_error::not_utf8(name, Span { start, end });
    Err(Box::new((
        diagnostic,
        String::from_utf8_lossy(bytes).into_owned(),
    )))
}

/// The position just after `text`.
fn position_after(text: &str) -> Pos {
    crate::text::LineIndex::new(text).at(text.len())
}

pub(super) fn error_at_start(file: &str, message: String, label: &str) -> Diagnostic {
    crate::rules::parse_error::unreadable(file, message, label)
}

/// A valid file the parser cannot read: no finding, a note.
pub(super) fn unread(summary: &FileSummary) -> FileResult {
    let why = summary.unread.as_deref().unwrap_or_default();
    FileResult {
        name: summary.name.clone(),
        source: None,
        bom: false,
        diagnostics: Vec::new(),
        note: Some(format!("skipped `{}`: {why}", summary.name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resolved by folder, a path is what resolving it whole gives, links included.
    #[test]
    fn absolute_paths_resolve_folders_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::fs::write(real.join("a.rs"), "").unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink("real/a.rs", dir.path().join("b.rs")).unwrap();
        for path in [
            "real/a.rs",
            "link/a.rs",
            "link/a.rs",
            "b.rs",
            "real/missing.rs",
        ] {
            let path = dir.path().join(path);
            let whole = std::fs::canonicalize(&path)
                .unwrap_or_else(|_| std::fs::canonicalize(&real).unwrap().join("missing.rs"));
            assert_eq!(absolute(&path), whole, "{}", path.display());
        }
    }

    #[test]
    fn bom_is_stripped() {
        assert_eq!(
            decode("x.rs", b"\xEF\xBB\xBFfn main() {}\n"),
            Ok("fn main() {}\n")
        );
        assert_eq!(decode("x.rs", b"fn main() {}\n"), Ok("fn main() {}\n"));
    }
}
