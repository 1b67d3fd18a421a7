//! The walk: the `.rs` files under a folder, by the ignore files' rules; what it cannot
//! read; and the files sorted as paths.

use std::fs;
use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

use super::{Discovery, PathError, files};

/// Sorts paths as `Path`'s order does (component by component) and drops repeats, by a key
/// that compares as bytes: comparing `Path`s splits both into components at each comparison,
/// which for 100,000 files costs more than the walk.
pub(super) fn sort_paths(files: &mut Vec<PathBuf>) {
    use rayon::slice::ParallelSliceMut;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Component;
    let key = |path: &PathBuf| -> Vec<u8> {
        let mut key = Vec::with_capacity(path.as_os_str().len() + 8);
        for component in path.components() {
            // A tag in the order of `Component`'s variants, the name, and a 0 (no name
            // holds one): a name sorts before any longer name it begins.
            let (tag, name): (u8, &[u8]) = match component {
                Component::Prefix(prefix) => (1, prefix.as_os_str().as_bytes()),
                Component::RootDir => (2, b""),
                Component::CurDir => (3, b""),
                Component::ParentDir => (4, b""),
                Component::Normal(name) => (5, name.as_bytes()),
            };
            key.push(tag);
            key.extend_from_slice(name);
            key.push(0);
        }
        key
    };
    if plainly_spelled(files) {
        files.par_sort_by_cached_key(|path| {
            let slash_low = |&byte: &u8| if byte == b'/' { 0 } else { byte };
            path.as_os_str()
                .as_bytes()
                .iter()
                .map(slash_low)
                .collect::<Vec<u8>>()
        });
        // One spelling a path: equal paths are equal bytes.
        files.dedup_by(|a, b| a.as_os_str() == b.as_os_str());
    } else {
        // Stable, as `sort` was: of two spellings of one path, the first found is kept.
        files.par_sort_by_cached_key(key);
        files.dedup();
    }
}

/// Whether every path is spelled plainly: each component a name, after a `/` or a `./`
/// that all relative paths start with, or none does. Then the order of `Path`s is that of
/// their bytes with each `/` taken for a 0 (a component sorts before a longer one it
/// begins), and equal paths are equal bytes.
fn plainly_spelled(files: &[PathBuf]) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (mut dotted, mut plain) = (false, false);
    files.iter().all(|file| {
        let bytes = file.as_os_str().as_bytes();
        let rest = if let Some(rest) = bytes.strip_prefix(b"/") {
            rest
        } else if let Some(rest) = bytes.strip_prefix(b"./") {
            dotted = true;
            rest
        } else {
            plain = true;
            bytes
        };
        let names_only = rest
            .split(|&byte| byte == b'/')
            .all(|name| !matches!(name, b"" | b"." | b".."));
        names_only && !(dotted && plain)
    })
}

pub(super) fn walk(root: &Path, files: &mut Vec<PathBuf>, discovery: &mut Discovery) {
    // The walk reads the ignore files of the root's folders and of each folder it enters:
    // one that is a FIFO would block it, a device would never end. Such a folder is not
    // walked (an error names the file); a root under one is not walked at all.
    let absolute = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if let Some(error) = absolute.ancestors().find_map(unreadable_ignore_file) {
        discovery.errors.push(error);
        return;
    }
    let refused = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let refused_in_walk = std::sync::Arc::clone(&refused);
    let walker = WalkBuilder::new(root)
        .standard_filters(true)
        .require_git(false)
        .hidden(true)
        .follow_links(true)
        .filter_entry(move |entry| {
            // The walk root itself is always entered, whatever its name.
            if entry.depth() == 0 {
                return true;
            }
            let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir())
                || (entry.path_is_symlink() && entry.path().is_dir());
            if !is_dir {
                return true;
            }
            if let Some(error) = unreadable_ignore_file(entry.path()) {
                refused_in_walk
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(error);
                return false;
            }
            entry.file_name() != "target"
        })
        .build();
    // One thread: a parallel walk saves little of a run's time (a tenth of a second over
    // 100,000 files) and its threads' memory outlives it.
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
                let is_rs = entry.path().extension().is_some_and(|ext| ext == "rs");
                if is_file && is_rs {
                    files.push(entry.into_path());
                }
            }
            Err(err) => record_walk_error(root, &err, discovery),
        }
    }
    discovery
        .errors
        .append(&mut refused.lock().unwrap_or_else(|e| e.into_inner()));
}

/// An ignore file in `dir` that the walk must not read (not a regular file, or larger
/// than a configuration may be), as the error that names it.
fn unreadable_ignore_file(dir: &Path) -> Option<PathError> {
    let git = dir.join(".git");
    let mut candidates = vec![dir.join(".gitignore"), dir.join(".ignore")];
    if git.is_dir() {
        candidates.push(git.join("info/exclude"));
    } else {
        // A `.git` file (a worktree's) names the repository: read too.
        candidates.push(git);
    }
    candidates.into_iter().find_map(|path| {
        let err = files::unsafe_to_read(&path, files::CONFIG_LIMIT)?;
        Some(PathError {
            message: format!(
                "could not read `{}`: {err}; the folder holding it was not walked",
                path.display()
            ),
            path,
        })
    })
}

fn record_walk_error(root: &Path, err: &ignore::Error, discovery: &mut Discovery) {
    match classify(err) {
        WalkProblem::Loop { ancestor, child } => discovery.errors.push(PathError {
            message: format!(
                "symbolic link loop: `{}` points to its ancestor `{}`",
                child.display(),
                ancestor.display()
            ),
            path: child,
        }),
        WalkProblem::Io { path, message } => {
            let path = path.unwrap_or_else(|| root.to_path_buf());
            discovery.errors.push(PathError {
                message: format!("could not read `{}`: {message}", path.display()),
                path,
            });
        }
        WalkProblem::IgnoreFile(message) => discovery.warnings.push(message),
    }
}

enum WalkProblem {
    Loop {
        ancestor: PathBuf,
        child: PathBuf,
    },
    Io {
        path: Option<PathBuf>,
        message: String,
    },
    IgnoreFile(String),
}

fn classify(err: &ignore::Error) -> WalkProblem {
    use ignore::Error;
    match err {
        Error::Loop { ancestor, child } => WalkProblem::Loop {
            ancestor: ancestor.clone(),
            child: child.clone(),
        },
        Error::WithPath { path, err } => match classify(err) {
            WalkProblem::Io {
                path: None,
                message,
            } => WalkProblem::Io {
                path: Some(path.clone()),
                message,
            },
            other => other,
        },
        Error::WithDepth { err, .. } => classify(err),
        Error::Io(io) => WalkProblem::Io {
            path: None,
            message: io.to_string(),
        },
        Error::Partial(_)
        | Error::WithLineNumber { .. }
        | Error::Glob { .. }
        | Error::UnrecognizedFileType(_)
        | Error::InvalidDefinition => WalkProblem::IgnoreFile(format!("ignore file: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sorted by its byte key, a list of paths is in `Path`'s order, repeats dropped.
    #[test]
    fn paths_sort_as_paths_do() {
        let files: Vec<PathBuf> = [
            "a-b/c.rs",
            "a/b.rs",
            "a/b/c.rs",
            "./a/b.rs",
            "a//b.rs",
            "/x/y.rs",
            "a/./b.rs",
            "../a.rs",
            "a/b.rs",
            "ab.rs",
            "a.rs",
            "a/b.rsx",
            "/x",
            "a/b/../c.rs",
            "a",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let check = |mut files: Vec<PathBuf>| {
            let mut expected = files.clone();
            expected.sort();
            expected.dedup();
            sort_paths(&mut files);
            assert_eq!(files, expected);
        };
        assert!(!plainly_spelled(&files));
        check(files);
        // Plainly spelled: compared as bytes.
        for list in [
            &[
                "a-b/c.rs", "a/b.rs", "a/b/c.rs", "a.rs", "/x/y.rs", "/x", "a/b.rs", "ab",
            ][..],
            &[
                "./a-b/c.rs",
                "./a/b.rs",
                "./a/b/c.rs",
                "./a.rs",
                "/x",
                "./a",
            ][..],
        ] {
            let files: Vec<PathBuf> = list.iter().map(PathBuf::from).collect();
            assert!(plainly_spelled(&files));
            check(files);
        }
    }
}
