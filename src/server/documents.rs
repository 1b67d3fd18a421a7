//! The open documents: their text as the editor has it (full or incremental changes),
//! their version, by absolute path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, Position,
    Uri,
};
use serde_json::Value;

use super::convert::path_of;

struct Document {
    uri: Uri,
    text: String,
    version: i32,
}

#[derive(Default)]
pub struct Documents {
    by_path: BTreeMap<PathBuf, Document>,
}

impl Documents {
    /// `didOpen`: true when a Rust file on disk (or to be saved there) was opened.
    pub fn open(&mut self, params: &Value) -> bool {
        let Ok(params) = serde_json::from_value::<DidOpenTextDocumentParams>(params.clone()) else {
            return false;
        };
        let document = params.text_document;
        let Some(path) = path_of(&document.uri) else {
            return false;
        };
        let rust = document.language_id == "rust" || path.extension().is_some_and(|e| e == "rs");
        if !rust {
            return false;
        }
        self.by_path.insert(
            path,
            Document {
                uri: document.uri,
                text: document.text,
                version: document.version,
            },
        );
        true
    }

    /// `didChange`: true when an open document changed.
    pub fn change(&mut self, params: &Value) -> bool {
        let Ok(params) = serde_json::from_value::<DidChangeTextDocumentParams>(params.clone())
        else {
            return false;
        };
        let Some(path) = path_of(&params.text_document.uri) else {
            return false;
        };
        let Some(document) = self.by_path.get_mut(&path) else {
            return false;
        };
        for change in params.content_changes {
            match change.range {
                Some(range) => {
                    let start = offset(&document.text, range.start);
                    let end = offset(&document.text, range.end).max(start);
                    document.text.replace_range(start..end, &change.text);
                }
                None => document.text = change.text,
            }
        }
        document.version = params.text_document.version;
        true
    }

    /// `didClose`: the closed document's path and URI.
    pub fn close(&mut self, params: &Value) -> Option<(PathBuf, Uri)> {
        let params = serde_json::from_value::<DidCloseTextDocumentParams>(params.clone()).ok()?;
        let path = path_of(&params.text_document.uri)?;
        let document = self.by_path.remove(&path)?;
        Some((path, document.uri))
    }

    /// Every open document's text, by path.
    pub fn texts(&self) -> BTreeMap<PathBuf, String> {
        self.by_path
            .iter()
            .map(|(path, document)| (path.clone(), document.text.clone()))
            .collect()
    }

    pub fn uri_and_version(&self, path: &Path) -> Option<(Uri, i32)> {
        let document = self.by_path.get(path)?;
        Some((document.uri.clone(), document.version))
    }

    pub fn text(&self, path: &Path) -> Option<&str> {
        self.by_path
            .get(path)
            .map(|document| document.text.as_str())
    }

    /// The text of `file` as a report names it: the open document's, else the disk's.
    pub fn text_of(&self, file: &str) -> Option<String> {
        let path = std::path::absolute(file).ok()?;
        let path = crate::discover::normalize(&path);
        match self.text(&path) {
            Some(text) => Some(text.to_string()),
            // Read as the runner reads sources: a regular file within the cap only.
            None => crate::discover::files::read_text_limited(
                &path,
                crate::discover::files::SOURCE_LIMIT,
            )
            .ok(),
        }
    }
}

/// The byte offset of a protocol position (UTF-16 units) in `text`, clamped to the text.
fn offset(text: &str, position: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units >= position.character as usize || c == '\n' {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_changes_apply_at_utf16_positions() {
        let mut documents = Documents::default();
        let uri = "file:///tmp/async-lint-doc/x.rs";
        assert!(documents.open(&serde_json::json!({
            "textDocument": { "uri": uri, "languageId": "rust", "version": 1, "text": "let s = \"😀\";\nfn a() {}\n" }
        })));
        assert!(documents.change(&serde_json::json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [
                { "range": { "start": { "line": 0, "character": 11 }, "end": { "line": 0, "character": 12 } }, "text": "!\"" },
                { "range": { "start": { "line": 1, "character": 3 }, "end": { "line": 1, "character": 4 } }, "text": "bee" }
            ]
        })));
        let path = PathBuf::from("/tmp/async-lint-doc/x.rs");
        assert_eq!(
            documents.text(&path),
            Some("let s = \"😀!\";\nfn bee() {}\n")
        );
        assert_eq!(documents.uri_and_version(&path).unwrap().1, 2);
        assert!(!documents.change(&serde_json::json!({ "bad": 1 })));
    }

    /// A file on disk is read as the runner reads sources: a FIFO (whose read would wait
    /// for a writer forever) or a device is not read.
    #[test]
    fn disk_reads_take_regular_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let regular = dir.path().join("a.rs");
        std::fs::write(&regular, "fn a() {}\n").unwrap();
        let fifo = dir.path().join("fifo.rs");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        let device = dir.path().join("zero.rs");
        std::os::unix::fs::symlink("/dev/zero", &device).unwrap();
        let documents = Documents::default();
        let name = |path: &Path| path.to_str().unwrap().to_string();
        assert_eq!(
            documents.text_of(&name(&regular)).as_deref(),
            Some("fn a() {}\n")
        );
        assert_eq!(documents.text_of(&name(&fifo)), None);
        assert_eq!(documents.text_of(&name(&device)), None);
    }
}
