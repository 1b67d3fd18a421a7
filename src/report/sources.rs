//! The text of the files findings point into, each with its [`LineIndex`]: built once per
//! rendering (and once per baseline pass) and shared by every question asked of it — the
//! human snippets (through codespan's [`Files`]), rustc-json's span lines and byte
//! offsets, SARIF's fingerprints, baseline keys. The text comes from the caller (the
//! runner read it); nothing here touches the disk.

use std::collections::BTreeMap;
use std::ops::Range;

use codespan_reporting::files::{Error, Files};

use crate::text::LineIndex;

pub(crate) struct Sources<'a> {
    /// By file id: the displayed name and the index over its text.
    files: Vec<(&'a str, LineIndex<'a>)>,
    ids: BTreeMap<&'a str, usize>,
}

impl<'a> Sources<'a> {
    /// `sources`: each file's text by displayed name ([`crate::runner::Report::sources`]).
    pub(crate) fn new(sources: &'a BTreeMap<String, String>) -> Self {
        let files: Vec<(&str, LineIndex)> = sources
            .iter()
            .map(|(name, text)| (name.as_str(), LineIndex::new(text)))
            .collect();
        let ids = files
            .iter()
            .enumerate()
            .map(|(id, &(name, _))| (name, id))
            .collect();
        Sources { files, ids }
    }

    /// The codespan file id of `file`.
    pub(crate) fn id(&self, file: &str) -> Option<usize> {
        self.ids.get(file).copied()
    }

    pub(crate) fn index(&self, file: &str) -> Option<&LineIndex<'a>> {
        Some(&self.files[self.id(file)?].1)
    }

    pub(crate) fn text(&self, file: &str) -> Option<&'a str> {
        Some(self.index(file)?.text())
    }

    /// The text of 1-based `line` of `file`, without its line ending.
    pub(crate) fn line_text(&self, file: &str, line: u32) -> Option<&'a str> {
        self.index(file)?.line_text(line)
    }

    fn get(&self, id: usize) -> Result<&(&'a str, LineIndex<'a>), Error> {
        self.files.get(id).ok_or(Error::FileMissing)
    }
}

/// codespan reads lines through the same index (its `SimpleFiles` would build its own per
/// file, and did so again for every rustc-json `rendered` string).
impl<'f, 'a: 'f> Files<'f> for Sources<'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'f self, id: usize) -> Result<&'a str, Error> {
        Ok(self.get(id)?.0)
    }

    fn source(&'f self, id: usize) -> Result<&'a str, Error> {
        Ok(self.get(id)?.1.text())
    }

    fn line_index(&'f self, id: usize, byte_index: usize) -> Result<usize, Error> {
        Ok(self.get(id)?.1.line_index(byte_index))
    }

    fn line_range(&'f self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        let index = &self.get(id)?.1;
        index.line_range(line_index).ok_or(Error::LineTooLarge {
            given: line_index,
            max: index.line_index(usize::MAX),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::files::SimpleFile;

    /// codespan sees the same lines through our index as through its own `SimpleFile`.
    #[test]
    fn same_lines_as_codespan() {
        for text in ["", "a", "a\n", "ab\r\ncé\n\nx", "\n\n", "é\nü\r\n"] {
            let sources = BTreeMap::from([("f.rs".to_string(), text.to_string())]);
            let ours = Sources::new(&sources);
            let theirs = SimpleFile::new("f.rs", text);
            for byte in 0..=text.len() + 2 {
                assert_eq!(
                    ours.line_index(0, byte).ok(),
                    theirs.line_index((), byte).ok(),
                    "{text:?} {byte}"
                );
                if text.is_char_boundary(byte.min(text.len())) {
                    assert_eq!(
                        ours.location(0, byte).ok(),
                        theirs.location((), byte).ok(),
                        "{text:?} {byte}"
                    );
                }
            }
            for line in 0..6 {
                assert_eq!(
                    ours.line_range(0, line).ok(),
                    theirs.line_range((), line).ok(),
                    "{text:?} {line}"
                );
            }
        }
    }
}
