//! The rule registry: every rule's name, default level and documentation.
//!
//! One rule, one file, one name: the file stem, the rule name, the config key and the
//! fixture marker are the same word. The blocking rules share one detector (the catalogue
//! in `analysis::known_paths`); each rule file holds the rule's documentation, which
//! `--explain` prints and a test runs.

mod block_on_in_async;
mod blocking;
mod blocking_fs;
mod blocking_net;
mod blocking_process;
mod blocking_sleep;
mod blocking_wait;
mod lock_across_await;
mod mixed_runtimes;
pub mod parse_error;
mod refcell_across_await;
pub mod unknown_rule;
pub mod unused_suppression;

pub use blocking::one_per_site;

use std::cell::OnceCell;
use std::fmt;

use crate::analysis::facts::{Fact, GuardHeld};
use crate::diagnostic::Diagnostic;
use crate::settings::Settings;
use crate::text::LineIndex;

/// The file a fact is reported in, for the wording that needs it (fixes).
pub struct Source<'a> {
    text: &'a str,
    /// Built on the first fix, then shared by the rest of the file's.
    index: OnceCell<LineIndex<'a>>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Self {
        Source {
            text,
            index: OnceCell::new(),
        }
    }

    fn index(&self) -> &LineIndex<'a> {
        self.index.get_or_init(|| LineIndex::new(self.text))
    }
}

/// The one gate from facts to findings: each fact becomes its rule's diagnostic, at the
/// level the settings give, unless the settings turn its rule off. `source` is the text of
/// the file the facts are in, when fixes should be offered.
pub fn report(facts: Vec<Fact>, settings: &Settings, source: Option<&Source>) -> Vec<Diagnostic> {
    facts
        .iter()
        .filter(|fact| settings.is_enabled(fact.rule()))
        .filter_map(|fact| {
            let diagnostic = match fact {
                Fact::Blocking(call) => blocking::direct(call, &settings.runtime, source),
                Fact::Chain(chain) => blocking::chain(chain, &settings.runtime),
                Fact::GuardHeld(guard) if guard.rule == Rule::RefcellAcrossAwait => {
                    refcell_across_await::diagnostic(guard)
                }
                Fact::GuardHeld(guard) => lock_across_await::diagnostic(guard),
                Fact::RuntimeMix(mix) => mixed_runtimes::diagnostic(mix),
                Fact::Unparsable(fact) => parse_error::diagnostic(fact),
                // Not a finding: it tells the suppressions an allow is used.
                Fact::Accepted(_) => return None,
            };
            Some(diagnostic.level(settings.level(fact.rule())))
        })
        .collect()
}

/// The same gate for a finding on the tool's own input (a suppression, a configuration),
/// which is worded where it is found: `None` when the settings turn its rule off.
pub fn admit(diagnostic: Diagnostic, settings: &Settings) -> Option<Diagnostic> {
    let level = settings.level(diagnostic.rule);
    settings
        .is_enabled(diagnostic.rule)
        .then(|| diagnostic.level(level))
}

/// The shape both guard rules share: the guard's creation, each `.await` it is held at,
/// and why it is still alive there.
fn guard_held(guard: &GuardHeld, message: String, label: &str) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(guard.rule, &guard.file, guard.span, message, label);
    for at in &guard.awaits {
        diagnostic = diagnostic.secondary(&guard.file, *at, "still held at this `.await`");
    }
    diagnostic.note(match &guard.binding {
        Some(name) => format!("`{name}` lives until the end of its block unless it is dropped"),
        None => "a temporary lives until the end of its statement; the scrutinee of a `match`, \
`if let` or `while let` lives through its arms"
            .to_string(),
    })
}

/// How a rule's findings are treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    /// The severity word used in output (`warning[...]`, `"level": "error"`).
    pub fn severity(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warning",
            Level::Deny => "error",
        }
    }
}

/// A rule's documentation, in clippy's fixed sections.
#[derive(Debug)]
pub struct RuleDoc {
    /// One line, for `--list-rules` and SARIF's short description.
    pub summary: &'static str,
    pub what_it_does: &'static str,
    pub why_is_this_bad: &'static str,
    pub known_problems: &'static str,
    /// A complete source file the rule fires on.
    pub example: &'static str,
    /// The same code written correctly: the rule stays silent on it.
    pub use_instead: &'static str,
}

/// What a rule reports on: the family decides which facts it reads and where a
/// `[[blocking]]` entry may report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// A call that blocks the thread (direct, or through a chain of sync calls).
    Blocking,
    /// A guard alive across an `.await`.
    Guard,
    /// Two runtimes in one program.
    Runtime,
    /// The tool's own input: files, configuration, suppressions.
    Input,
}

macro_rules! rules {
    ($($variant:ident => $module:ident, $level:expr, $family:ident $(, $label:path)?;)*) => {
        /// Every rule the tool knows.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            pub fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => stringify!($module),)*
                }
            }

            pub fn default_level(self) -> Level {
                match self {
                    $(Rule::$variant => $level,)*
                }
            }

            pub fn family(self) -> Family {
                match self {
                    $(Rule::$variant => Family::$family,)*
                }
            }

            /// The label under a direct blocking call of this rule, from its rule file.
            fn blocking_label(self) -> Option<&'static str> {
                match self {
                    $(Rule::$variant => None$(.or(Some($label)))?,)*
                }
            }

            pub fn doc(self) -> &'static RuleDoc {
                match self {
                    $(Rule::$variant => &$module::DOC,)*
                }
            }
        }
    };
}

rules! {
    BlockingFs => blocking_fs, Level::Warn, Blocking, blocking_fs::LABEL;
    BlockingSleep => blocking_sleep, Level::Warn, Blocking, blocking_sleep::LABEL;
    BlockingNet => blocking_net, Level::Warn, Blocking, blocking_net::LABEL;
    BlockingProcess => blocking_process, Level::Warn, Blocking, blocking_process::LABEL;
    BlockingWait => blocking_wait, Level::Warn, Blocking, blocking_wait::LABEL;
    BlockOnInAsync => block_on_in_async, Level::Deny, Blocking;
    LockAcrossAwait => lock_across_await, Level::Warn, Guard;
    RefcellAcrossAwait => refcell_across_await, Level::Warn, Guard;
    MixedRuntimes => mixed_runtimes, Level::Deny, Runtime;
    ParseError => parse_error, Level::Deny, Input;
    UnknownRule => unknown_rule, Level::Warn, Input;
    UnusedSuppression => unused_suppression, Level::Allow, Input;
}

/// The `--explain` section on the crates a blocking rule's catalogue covers, generated
/// from the rows; empty for a rule with no third-party rows.
fn covered_crates(rule: Rule) -> String {
    let gated = crate::analysis::known_paths::packages_of(rule);
    let always = crate::analysis::known_paths::ungated_crates_of(rule);
    if gated.is_empty() && always.is_empty() {
        return String::new();
    }
    let mut out =
        String::from("## Crates covered\nBesides std, the catalogue knows the blocking APIs");
    if !gated.is_empty() {
        out.push_str(&format!(
            " of these crates, each active in a package that depends on it (or in a file with \
             no manifest): {}.",
            gated.join(", ")
        ));
    }
    if !always.is_empty() {
        let lead = if gated.is_empty() { "" } else { " And" };
        out.push_str(&format!("{lead} of: {}.", always.join(", ")));
    }
    out.push_str("\n\n");
    out
}

impl Rule {
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.name() == name)
    }

    /// `--explain RULE`: the documentation as text.
    pub fn explain(self) -> String {
        let doc = self.doc();
        let mut out = format!(
            "# {} (default: {})\n\n{}\n\n",
            self.name(),
            self.default_level().as_str(),
            doc.summary
        );
        for (heading, body) in [
            ("What it does", doc.what_it_does),
            ("Why is this bad", doc.why_is_this_bad),
            ("Known problems", doc.known_problems),
        ] {
            out.push_str(&format!("## {heading}\n{}\n\n", body.trim()));
        }
        out.push_str(&covered_crates(self));
        if !doc.example.is_empty() {
            out.push_str(&format!(
                "## Example\n```rust\n{}\n```\n\n",
                doc.example.trim()
            ));
        }
        if !doc.use_instead.is_empty() {
            out.push_str(&format!(
                "## Use instead\n```rust\n{}\n```\n",
                doc.use_instead.trim()
            ));
        }
        out
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
