//! Fix suggestions for the blocking calls that have a drop-in async replacement on the
//! crate's runtime: `std::thread::sleep(d)` → `tokio::time::sleep(d).await`
//! (`async_std::task::sleep`, `smol::Timer::after`), and `std::fs::X(..)` →
//! `tokio::fs::X(..).await` (`async_std::fs`, `smol::fs`).
//!
//! The mechanics: what the crate runs on, and where a call's edits go. The wording lives
//! with the rules (`rules/blocking.rs`), which read the blocking fact, never the message;
//! the counterparts are a name table (`known_paths/counterparts.rs`). Pure. A fix is
//! offered only when the callee is written as a path ending in the std function's own
//! name (`std::fs::read`, `fs::read`, an imported `read`), the call is a free-function
//! call (not a method), and its closing parenthesis is found; otherwise the finding keeps
//! its help line and no fix.

pub mod diff;

use crate::analysis::known_paths::{FixRuntime, package};
use crate::diagnostic::{Edit, Pos, Span};
use crate::discover::Crate;
use crate::text::LineIndex;
use crate::text::lexer::{Kind, Lexer};

/// The runtime a crate runs on, as far as fixes and help lines need it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CrateRuntime {
    /// `None`: no runtime, or more than one (advice stays runtime-neutral).
    pub(crate) runtime: Option<FixRuntime>,
    /// The runtime's features as the crate's normal dependency on it declares them
    /// (`"default"` among them unless turned off); `None` when it is not one.
    pub(crate) features: Option<Vec<String>>,
    /// The name the code uses for the runtime when the dependency is renamed
    /// (`tk = { package = "tokio" }`): fixes and help lines spell its paths with it.
    pub(crate) renamed: Option<String>,
    /// Why the runtime may be absent from a build (optional, target-specific): its fixes
    /// are then `MaybeIncorrect`.
    pub(crate) conditional: Option<String>,
}

impl CrateRuntime {
    /// What `krate` runs on: tokio (possibly under actix-rt), async-std or smol, when its
    /// dependencies name exactly one of them.
    pub fn of(krate: &Crate) -> CrateRuntime {
        let runtimes: Vec<&str> = krate.runtimes.iter().map(String::as_str).collect();
        let runtime = if crate::discover::runs_on_tokio(&krate.runtimes) {
            Some(FixRuntime::Tokio)
        } else {
            match runtimes.as_slice() {
                ["async-std"] => Some(FixRuntime::AsyncStd),
                ["smol"] => Some(FixRuntime::Smol),
                _ => None,
            }
        };
        let dependency = runtime.and_then(|runtime| {
            let (name, _) = package(runtime);
            krate
                .dependencies
                .iter()
                .find(|dependency| dependency.package == name)
        });
        let features = dependency.and_then(|dependency| dependency.features.clone());
        let renamed = dependency
            .filter(|dependency| dependency.name != dependency.package.replace('-', "_"))
            .map(|dependency| dependency.name.clone());
        let conditional = dependency.and_then(|dependency| dependency.conditional.clone());
        CrateRuntime {
            runtime,
            features,
            renamed,
            conditional,
        }
    }

    /// `text` with the runtime's paths (`tokio::fs::read`) spelled with the name the crate
    /// gives it (`tk::fs::read` for `tk = { package = "tokio" }`).
    pub fn spell(&self, text: &str) -> String {
        let (Some(runtime), Some(renamed)) = (self.runtime, &self.renamed) else {
            return text.to_string();
        };
        let own = format!("{}::", package(runtime).0.replace('-', "_"));
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(&own) {
            let before = rest[..at].chars().next_back();
            let boundary = !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
            out.push_str(&rest[..at]);
            if boundary {
                out.push_str(renamed);
                out.push_str("::");
            } else {
                out.push_str(&own);
            }
            rest = &rest[at + own.len()..];
        }
        out.push_str(rest);
        out
    }

    /// A tokio crate whose normal dependency on tokio has every feature (tests).
    pub fn tokio_full() -> CrateRuntime {
        CrateRuntime {
            runtime: Some(FixRuntime::Tokio),
            features: Some(vec!["full".to_string()]),
            ..CrateRuntime::default()
        }
    }

    /// The runtime and its features as `--show-settings` prints them:
    /// `tokio (features: fs, time)`, or `unknown`.
    pub fn describe(&self) -> String {
        let Some(runtime) = self.runtime else {
            return "unknown".to_string();
        };
        let (name, _) = package(runtime);
        match &self.features {
            Some(features) => format!("{name} (features: {})", features.join(", ")),
            None => format!("{name} (not a normal dependency: features unknown)"),
        }
    }

    /// Whether the runtime's `feature` is known to be on (`""`: none needed).
    pub fn has_feature(&self, feature: &str) -> bool {
        let Some(runtime) = self.runtime else {
            return false;
        };
        let Some(features) = &self.features else {
            return false;
        };
        let (_, every) = package(runtime);
        feature.is_empty()
            || features
                .iter()
                .any(|f| f == feature || every.contains(&f.as_str()))
    }
}

/// Where a free-function call can take an async replacement: its arguments as written and
/// the position just past its closing parenthesis.
pub struct CallSite<'t> {
    pub arguments: &'t str,
    pub after_call: Pos,
    /// The call is a statement of its own: `;` follows it.
    pub statement: bool,
    /// The arguments call a guard method (`.lock()`, `.borrow()`, `.read()`, ...): with
    /// `.await` after the call, the guard would be held across it.
    pub guard_in_arguments: bool,
}

/// The call whose callee is at `callee` in `text`, if the callee is written as a path
/// ending in `std_name` (not an alias, not a method) and its closing parenthesis is found.
pub(crate) fn call_site<'t>(
    index: &LineIndex<'t>,
    callee: Span,
    std_name: &str,
) -> Option<CallSite<'t>> {
    let text = index.text();
    let (start, end) = (callee.start.offset, callee.end.offset);
    if !is_path_ending_in(text.get(start..end)?, std_name) || is_method(text, start) {
        return None;
    }
    let close = closing_paren(text, end)?;
    let statement = Lexer::new(text, close)
        .find(|t| !t.is_comment())
        .is_some_and(|t| t.kind == Kind::Punct(b';'));
    Some(CallSite {
        arguments: &text[end..close],
        after_call: index.at(close),
        statement,
        guard_in_arguments: guard_in(text, end, close),
    })
}

/// Whether `text[from..to]` calls a method that returns a guard (`.lock()`, `.borrow()`,
/// `.read()`, `.write()` and their `try_` forms).
fn guard_in(text: &str, from: usize, to: usize) -> bool {
    const GUARDS: &[&str] = &[
        "lock",
        "try_lock",
        "borrow",
        "borrow_mut",
        "try_borrow",
        "try_borrow_mut",
        "read",
        "try_read",
        "write",
        "try_write",
    ];
    let tokens: Vec<_> = Lexer::new(text, from)
        .take_while(|t| t.end <= to)
        .filter(|t| !t.is_comment())
        .collect();
    tokens.windows(3).any(|w| {
        w[0].kind == Kind::Punct(b'.')
            && w[1].kind == Kind::Ident
            && GUARDS.contains(&&text[w[1].start..w[1].end])
            && w[2].kind == Kind::Punct(b'(')
    })
}

/// `std::fs::read`, `::std::fs::read`, `fs::read` or `read` for `name` `read`; not an
/// alias (`slurp`), not a path with generics or anything else.
fn is_path_ending_in(callee: &str, name: &str) -> bool {
    let path = callee.strip_prefix("::").unwrap_or(callee);
    let segments: Vec<&str> = path.split("::").map(str::trim).collect();
    segments.last() == Some(&name)
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.chars().all(|c| c == '_' || c.is_alphanumeric())
                && !s.starts_with(|c: char| c.is_ascii_digit())
        })
}

/// True when the callee at `start` is a method name (`x.metadata()`).
fn is_method(text: &str, start: usize) -> bool {
    text[..start].trim_end().ends_with('.')
}

/// The byte offset just past the `)` closing the call whose callee ends at `from`.
fn closing_paren(text: &str, from: usize) -> Option<usize> {
    let mut tokens = Lexer::new(text, from).filter(|t| !t.is_comment());
    if tokens.next()?.kind != Kind::Punct(b'(') {
        return None;
    }
    let mut depth = 1usize;
    for token in tokens {
        match token.kind {
            Kind::Punct(b'(' | b'[' | b'{') => depth += 1,
            Kind::Punct(b')' | b']' | b'}') => {
                depth -= 1;
                if depth == 0 {
                    return (token.kind == Kind::Punct(b')')).then_some(token.end);
                }
            }
            _ => {}
        }
    }
    None
}

/// Applies a fix's edits to `text` (for tests and tools): edits must not overlap.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start.offset));
    let mut out = text.to_string();
    for edit in edits {
        let (start, end) = (edit.span.start.offset, edit.span.end.offset);
        if start <= end && end <= out.len() {
            out.replace_range(start..end, &edit.replacement);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Settings;
    use crate::diagnostic::{Applicability, Diagnostic};
    use crate::rules::{Source, report};

    /// The findings of `text` with the fixes a tokio crate (or another) gets.
    fn lint_with_fixes(text: &str, runtime_is_tokio: bool) -> Vec<Diagnostic> {
        let mut settings = Settings::default();
        if runtime_is_tokio {
            settings.runtime = CrateRuntime::tokio_full();
        }
        let facts = crate::analysis::facts_of("x.rs", text, &settings);
        report(facts, &settings, Some(&Source::new(text)))
    }

    /// Lints `body` inside an async fn with `header` items above, applies every fix, and
    /// returns the fixed body line (or `None` when no fix was offered).
    fn fixed(header: &str, body: &str) -> Option<String> {
        let text = format!(
            "{header}\nasync fn f() -> std::io::Result<()> {{\n    {body}\n    Ok(())\n}}\n"
        );
        let text2 = text.clone();
        let diagnostics = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || lint_with_fixes(&text2, true))
            .unwrap()
            .join()
            .unwrap();
        assert!(!diagnostics.is_empty(), "no finding on {body}");
        let edits: Vec<Edit> = diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .flat_map(|f| f.edits.clone())
            .collect();
        if edits.is_empty() {
            return None;
        }
        let out = apply_edits(&text, &edits);
        let line = out.lines().nth(2).unwrap();
        Some(line.trim().to_string())
    }

    #[test]
    fn no_fix_inside_a_sync_closure_where_await_is_unavailable() {
        assert_eq!(
            fixed("", "let _ = [\"a\"].iter().map(|p| std::fs::read(p));"),
            None
        );
        assert!(fixed("", "let _ = std::fs::read(\"a\");").is_some());
    }

    #[test]
    fn fixes() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "",
                "std::thread::sleep(std::time::Duration::from_millis(5));",
                Some("tokio::time::sleep(std::time::Duration::from_millis(5)).await;"),
            ),
            (
                "use std::thread::sleep;",
                "sleep(d());",
                Some("tokio::time::sleep(d()).await;"),
            ),
            (
                "",
                "let s = std::fs::read_to_string(\"a)\")?;",
                Some("let s = tokio::fs::read_to_string(\"a)\").await?;"),
            ),
            (
                "use std::fs;",
                "fs::write(p, format!(\"{})\", ')'))?;",
                Some("tokio::fs::write(p, format!(\"{})\", ')')).await?;"),
            ),
            (
                "",
                "::std::fs::remove_file(/* ) */ p)?;",
                Some("tokio::fs::remove_file(/* ) */ p).await?;"),
            ),
            ("use std::fs::read as slurp;", "slurp(p)?;", None),
            ("", "let f = std::fs::File::open(p)?;", None),
            ("", "let e = std::path::Path::new(p).exists();", None),
        ];
        for (header, body, expected) in cases {
            assert_eq!(
                fixed(header, body).as_deref(),
                *expected,
                "{header} / {body}"
            );
        }
    }

    #[test]
    fn no_fix_off_tokio() {
        let text = "async fn f() { std::thread::sleep(d); }\n";
        let diagnostics = lint_with_fixes(text, false);
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].fix.is_none());
        let diagnostics = lint_with_fixes(text, true);
        let fix = diagnostics[0].fix.as_ref().unwrap();
        assert_eq!(fix.message, "replace with `tokio::time::sleep(d).await`");
        assert_eq!(fix.edits[1].span.start.column, 37);
    }

    /// The fix of the one finding in `text` on `runtime`: its message and applicability.
    fn fix_on(text: &str, runtime: CrateRuntime) -> Option<(String, Applicability)> {
        let mut settings = Settings::default();
        settings.runtime = runtime;
        let facts = crate::analysis::facts_of("x.rs", text, &settings);
        let diagnostics = report(facts, &settings, Some(&Source::new(text)));
        assert_eq!(diagnostics.len(), 1, "{text}");
        let fix = diagnostics[0].fix.as_ref()?;
        Some((fix.message.clone(), fix.applicability))
    }

    fn runtime(runtime: FixRuntime, features: &[&str]) -> CrateRuntime {
        CrateRuntime {
            runtime: Some(runtime),
            features: Some(features.iter().map(|f| f.to_string()).collect()),
            ..CrateRuntime::default()
        }
    }

    #[test]
    fn machine_applicable_only_where_the_edit_compiles() {
        use Applicability::*;
        let sleep = "async fn f(d: std::time::Duration) { std::thread::sleep(d); }\n";
        let tail_sleep = "async fn f(d: std::time::Duration) { std::thread::sleep(d) }\n";
        let read_dir = "async fn f() { for e in std::fs::read_dir(\"a\").unwrap() {} }\n";
        let read = "async fn f() { let _ = std::fs::read(\"a\"); }\n";
        let poll = "impl F { fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> { std::thread::sleep(d); Poll::Ready(()) } }\n";
        let tokio = runtime(FixRuntime::Tokio, &["full"]);
        let fix = |text, rt: &CrateRuntime| fix_on(text, rt.clone()).map(|(_, a)| a);
        assert_eq!(fix(sleep, &tokio), Some(MachineApplicable));
        assert_eq!(fix(poll, &tokio), None, "no `.await` in a poll fn");
        assert_eq!(fix(read_dir, &tokio), Some(MaybeIncorrect));
        assert_eq!(fix(read, &tokio), Some(MachineApplicable));
        // tokio without the feature the counterpart needs.
        let no_fs = runtime(FixRuntime::Tokio, &["rt", "time"]);
        assert_eq!(fix(read, &no_fs), Some(MaybeIncorrect));
        assert_eq!(fix(sleep, &no_fs), Some(MachineApplicable));
        let (message, _) = fix_on(read, no_fs).unwrap();
        assert!(message.contains("needs tokio's `fs` feature"), "{message}");
        // async-std: its own sleep; its fs takes `async_std::path` types.
        let async_std = runtime(FixRuntime::AsyncStd, &["default"]);
        let (message, applicability) = fix_on(sleep, async_std.clone()).unwrap();
        assert_eq!(message, "replace with `async_std::task::sleep(d).await`");
        assert_eq!(applicability, MachineApplicable);
        assert_eq!(fix(read, &async_std), Some(MaybeIncorrect));
        assert_eq!(
            fix(sleep, &runtime(FixRuntime::AsyncStd, &[])),
            Some(MaybeIncorrect)
        );
        // smol: `Timer::after` returns an `Instant`.
        let smol = runtime(FixRuntime::Smol, &["default"]);
        assert_eq!(fix(sleep, &smol), Some(MachineApplicable));
        assert_eq!(fix(tail_sleep, &smol), Some(MaybeIncorrect));
        assert_eq!(fix(read, &smol), Some(MachineApplicable));
        // A guard in the arguments would live across the `.await`.
        let guarded = "async fn f(m: std::sync::Mutex<Vec<u8>>) { std::fs::write(\"a\", &*m.lock().unwrap()).ok(); }\n";
        assert_eq!(fix(guarded, &tokio), Some(MaybeIncorrect));
        // No known runtime: no fix.
        assert_eq!(fix(sleep, &CrateRuntime::default()), None);
    }

    #[test]
    fn unbalanced_text_gives_no_fix_and_no_panic() {
        assert_eq!(closing_paren("f(a, (b)", 1), None);
        assert_eq!(closing_paren("f(a]", 1), None);
        assert_eq!(closing_paren("f (a)", 1), Some(5));
        assert_eq!(closing_paren("f x", 1), None);
    }
}
