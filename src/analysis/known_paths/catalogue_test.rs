//! The catalogue's self-test: for every blocking row, a tiny `async fn` calls it the way
//! real code does (a constructor the returns table knows, or else a typed parameter) and
//! must get a finding of the row's rule on the call's line; the same body in a sync `fn`
//! must stay silent. A row nothing can fire is dead weight or a missing evidence row.

use super::{QUERY_CONNECTIONS, TRAIT_METHODS, WAITS_WHEN_FULL, all_returns, catalogue};
use crate::{Settings, lint_source};

/// How a test body gets a receiver of a type: setup lines, the receiver's name, and
/// whether the call must sit in a `for` loop over it.
struct Receiver {
    setup: Vec<String>,
    name: String,
    in_loop: bool,
}

/// A receiver of type `ty` built the way real code builds one, from a constructor in
/// the returns table (following method rows such as `Command.spawn` up to `depth` deep).
fn construct(ty: &str, depth: usize, fresh: &mut usize) -> Option<Receiver> {
    if depth == 0 {
        return None;
    }
    for (key, spec) in all_returns() {
        let spec = spec.trim();
        let named = spec == ty || spec.strip_prefix(ty).is_some_and(|r| r.starts_with('<'));
        let in_tuple = spec
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .and_then(|inner| {
                inner.split(", ").position(|part| {
                    part == ty || part.strip_prefix(ty).is_some_and(|r| r.starts_with('<'))
                })
            });
        let in_iter = spec == format!("iter<{ty}>");
        if !named && in_tuple.is_none() && !in_iter {
            continue;
        }
        let (mut setup, call) = match key.split_once('.') {
            None => (Vec::new(), format!("{key}()")),
            Some((owner, method)) => {
                if owner == ty {
                    continue;
                }
                let base = construct(owner, depth - 1, fresh)?;
                if base.in_loop {
                    continue;
                }
                (base.setup, format!("{}.{method}()", base.name))
            }
        };
        *fresh += 1;
        let name = format!("r{fresh}");
        let receiver = match in_tuple {
            _ if in_iter => Receiver {
                setup: {
                    setup.push(format!("for {name} in {call} {{"));
                    setup
                },
                name,
                in_loop: true,
            },
            Some(index) => {
                let names: Vec<String> = (0..spec.split(", ").count())
                    .map(|i| format!("{name}_{i}"))
                    .collect();
                setup.push(format!("let ({}) = {call};", names.join(", ")));
                Receiver {
                    setup,
                    name: names[index].clone(),
                    in_loop: false,
                }
            }
            None => {
                setup.push(format!("let {name} = {call};"));
                Receiver {
                    setup,
                    name,
                    in_loop: false,
                }
            }
        };
        return Some(receiver);
    }
    None
}

/// The test body for a row: `use` lines, parameters, setup lines and the call, the
/// call alone on its line. `None` for the parameter-free variant when no constructor
/// is known.
type Parts = (String, String, Vec<String>, String);

fn body(callee: &str, typed_parameter: bool) -> Option<Parts> {
    let mut uses = String::new();
    let mut params = String::new();
    let mut setup = Vec::new();
    let call = match callee.split_once('.') {
        None => format!("let _ = {callee}();"),
        Some(("", method)) => format!("let _ = \"a\".{method}();"),
        Some((ty, method)) => {
            if let Some((trait_path, ..)) = TRAIT_METHODS.iter().find(|row| row.3 == callee) {
                uses = format!("use {trait_path};");
                format!("let _ = \"a\".{method}();")
            } else if typed_parameter {
                params = format!("r: {ty}");
                call_on(ty, method, "r")
            } else {
                let receiver = construct(ty, 3, &mut 0)?;
                setup = receiver.setup;
                let call = call_on(ty, method, &receiver.name);
                if receiver.in_loop {
                    return Some((uses, params, setup, format!("{call}\n}}")));
                }
                call
            }
        }
    };
    Some((uses, params, setup, call))
}

/// The call of `method` on a value of type `ty` named `name`: a query run on a sync
/// connection takes the connection as its argument (`query.load(&mut conn)`).
fn call_on(ty: &str, method: &str, name: &str) -> String {
    if QUERY_CONNECTIONS.contains(&ty) {
        format!("let _ = query.{method}(&mut {name});")
    } else {
        format!("let _ = {name}.{method}();")
    }
}

/// Lints the body as an `async fn` (or a sync `fn`): the findings as (line, rule), and
/// the line of the call.
fn lint(
    parts: &(String, String, Vec<String>, String),
    asyncness: &str,
    settings: &Settings,
) -> (Vec<(u32, String)>, u32) {
    let (uses, params, setup, call) = parts;
    let mut text = format!("{uses}\n{asyncness}fn f({params}) {{\n");
    for line in setup {
        text.push_str(line);
        text.push('\n');
    }
    let call_line = u32::try_from(text.lines().count() + 1).unwrap_or(0);
    text.push_str(call);
    text.push_str("\n}\n");
    let found = lint_source("row.rs", &text, settings)
        .iter()
        .map(|d| (d.span.start.line, d.rule.name().to_string()))
        .collect();
    (found, call_line)
}

/// A send on a bounded channel waits only when it is full: its test calls it in a loop.
fn repeated(callee: &str, mut parts: Parts) -> Parts {
    if WAITS_WHEN_FULL.contains(&callee) {
        parts.2.push("loop {".to_string());
        parts.3.push_str("\nbreak;\n}");
    }
    parts
}

/// Settings of a crate that depends on tokio and on `package`.
fn with_dependencies(package: Option<&str>) -> Settings {
    let mut settings = Settings::default();
    settings.dependencies.insert("tokio".to_string());
    settings.dependencies.extend(package.map(str::to_string));
    settings
}

#[test]
fn every_row_fires_in_async_code_and_stays_silent_in_sync_code() {
    let mut failures = Vec::new();
    let mut parameter_only = Vec::new();
    for row in catalogue() {
        let rule = row.rule.name().to_string();
        // The crate depends on the row's package (and on tokio, so the set is never
        // empty: an empty set means no manifest is known).
        let settings = with_dependencies(row.packages.first().copied());
        let constructed = body(row.callee, false).map(|parts| repeated(row.callee, parts));
        if constructed.is_none() {
            parameter_only.push(row.callee);
        }
        let typed = body(row.callee, true).map(|parts| repeated(row.callee, parts));
        let variants = [constructed, typed];
        for parts in variants.iter().flatten() {
            let (found, line) = lint(parts, "async ", &settings);
            if !found.contains(&(line, rule.clone())) {
                failures.push(format!(
                    "{} does not fire: {found:?} in\n{parts:?}",
                    row.callee
                ));
            }
            let (found, _) = lint(parts, "", &settings);
            if !found.is_empty() {
                failures.push(format!("{} fires in sync code: {found:?}", row.callee));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Types no constructor in the returns table builds: real code gets them from a
    // parameter, a field or a closure argument. Pinned, so a new row without its
    // evidence is a decision. A `ScopedJoinHandle` comes from `s.spawn(..)` on the
    // `&Scope` that `std::thread::scope` passes its closure: it fires only where the
    // source names the type.
    assert_eq!(parameter_only, ["std::thread::ScopedJoinHandle.join"]);
}

#[test]
fn an_ecosystem_row_is_inactive_without_its_dependency() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for row in catalogue().filter(|row| !row.packages.is_empty()) {
        let without = with_dependencies(None);
        for parts in [body(row.callee, false), body(row.callee, true)]
            .iter()
            .flatten()
        {
            checked += 1;
            let (found, _) = lint(parts, "async ", &without);
            if !found.is_empty() {
                failures.push(format!(
                    "{} fires without its package: {found:?}",
                    row.callee
                ));
            }
        }
    }
    assert!(checked > 100, "only {checked} bodies checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_mirror_is_active_with_its_package_and_where_no_manifest_is_known() {
    let body = (
        String::new(),
        String::new(),
        Vec::new(),
        "let _ = fs_err::read_to_string(\"a\");".to_string(),
    );
    let (found, line) = lint(&body, "async ", &with_dependencies(Some("fs-err")));
    assert_eq!(found, [(line, "blocking_fs".to_string())]);
    let (found, line) = lint(&body, "async ", &Settings::default());
    assert_eq!(found, [(line, "blocking_fs".to_string())]);
    let (found, _) = lint(&body, "async ", &with_dependencies(None));
    assert!(found.is_empty(), "{found:?}");
    let tokio_half = (
        String::new(),
        String::new(),
        Vec::new(),
        "let _ = fs_err::tokio::read_to_string(\"a\").await;".to_string(),
    );
    let (found, _) = lint(&tokio_half, "async ", &with_dependencies(Some("fs-err")));
    assert!(found.is_empty(), "{found:?}");
}
