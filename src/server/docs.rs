//! Each rule's documentation as a file the editor can open: the diagnostic's
//! `codeDescription` links to it. The text is `async-lint --explain RULE`'s, written once
//! per rule and version under the temporary folder, so the link works offline and always
//! matches the running binary.

use std::collections::HashMap;
use std::path::PathBuf;

use lsp_types::Uri;

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
                let current = std::fs::read_to_string(&path).is_ok_and(|old| old == text);
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
