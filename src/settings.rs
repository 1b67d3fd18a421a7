//! What a lint run is asked to do: rule levels and the knobs the core reads.
//! Built by the CLI layer (flags, config files); the core only reads it.

use std::collections::BTreeMap;

use crate::rules::{Level, Rule};

#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Levels that differ from a rule's default.
    overrides: BTreeMap<Rule, Level>,
}

impl Settings {
    pub fn level(&self, rule: Rule) -> Level {
        self.overrides
            .get(&rule)
            .copied()
            .unwrap_or_else(|| rule.default_level())
    }

    pub fn set_level(&mut self, rule: Rule, level: Level) {
        self.overrides.insert(rule, level);
    }

    pub fn is_enabled(&self, rule: Rule) -> bool {
        self.level(rule) != Level::Allow
    }
}
