//! What a lint run is asked to do: rule levels and the knobs the core reads.
//! Built by the CLI layer (flags, config files); the core only reads it.

use std::collections::{BTreeMap, BTreeSet};

use crate::rules::{Level, Rule};

#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Levels that differ from a rule's default.
    overrides: BTreeMap<Rule, Level>,
    /// The edition of the crate being linted (drop order of `if let` temporaries differs).
    pub edition: Edition,
    /// The user's own blocking functions (`[[blocking]]` in the config).
    pub blocking: Vec<UserBlocking>,
    /// The user's own offloaders (`[[offload]]` in the config): full paths, like
    /// `mycrate::pool::run_blocking`.
    pub offload: Vec<String>,
    /// Sync fns accepted from async code (`[[allow]]` in the config): chains stop there.
    pub allow: Vec<AllowedFn>,
    /// The packages the crate depends on (`fs-err`, `reqwest`, ...): a catalogue entry of
    /// an ecosystem crate is active only when its crate is among them.
    pub dependencies: BTreeSet<String>,
    /// The runtime the crate runs on, and its features: which fixes compile, and what the
    /// help lines name.
    pub runtime: crate::fixes::CrateRuntime,
}

/// A `[[blocking]]` config entry: a function of the user's that blocks, reported in async
/// context like the built-in catalogue's paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserBlocking {
    /// The function's full path, like `mycrate::db::query_sync`.
    pub path: String,
    /// The rule its calls are reported under.
    pub rule: Rule,
    /// Why it blocks, shown in a note.
    pub reason: String,
}

/// An `[[allow]]` config entry: a sync fn whose blocking operations of `rules` are fine to
/// call from async code, so no chain runs through it (SPEC §3, "fix it once").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedFn {
    /// The fn's full path, like `mycrate::jobs::FileJobLogger::log`.
    pub path: String,
    pub rules: Vec<Rule>,
}

/// A Rust edition, as named in `Cargo.toml`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edition {
    E2015,
    E2018,
    #[default]
    E2021,
    E2024,
}

impl Edition {
    /// Parses `"2021"`; unknown text gives `None`.
    pub fn parse(text: &str) -> Option<Edition> {
        Some(match text {
            "2015" => Edition::E2015,
            "2018" => Edition::E2018,
            "2021" => Edition::E2021,
            "2024" => Edition::E2024,
            _ => return None,
        })
    }
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
