//! Each rule's documentation as a file the editor can open: the diagnostic's
//! `codeDescription` links to it. The text is `async-lint --explain RULE`'s, written once
//! per rule and version under the temporary folder, so the link works offline and always
//! matches the running binary.

use std::collections::HashMap;
use std::path::PathBuf;

use lsp_types::Uri;

use crate::discover::files;
use crate::rules::Rule;

/// The documentation files written so far, by rule.
#[derive(Default)]
pub struct Docs {
    written: HashMap<Rule, Option<Uri>>,
}

impl Docs {
    /// The link to `rule`'s documentation; `None` when it cannot be written.
    pub fn link(&mut self, rule: Rule) -> Option<Uri> {
        self.written
            .entry(rule)
            .or_insert_with(|| {
                let path = folder().join(format!("{}.md", rule.name()));
                let text = rule.explain();
                // Something other than a small regular file there (a FIFO would block
                // the read and the write): no link rather than a hung server.
                if files::unsafe_to_read(&path, files::CONFIG_LIMIT).is_some() {
                    return None;
                }
                let current = files::read_text_limited(&path, files::CONFIG_LIMIT)
                    .is_ok_and(|old| old == text);
                if !current {
                    std::fs::create_dir_all(folder()).ok()?;
                    std::fs::write(&path, text).ok()?;
                }
                super::convert::uri_of(&path)
            })
            .clone()
    }
}

fn folder() -> PathBuf {
    std::env::temp_dir().join(format!("async-lint-{}-rules", env!("CARGO_PKG_VERSION")))
}
