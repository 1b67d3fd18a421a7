//! `--format sarif`: a SARIF 2.1.0 log for code-scanning upload.
//!
//! One run; `tool.driver.rules` lists every rule with its documentation; each result has
//! its location relative to the repository root (`%SRCROOT%`), `relatedLocations` for
//! secondary labels (awaits, call chains), a fix when there is one, and a
//! `partialFingerprints` entry that does not move with line numbers: the rule, the file,
//! the primary line's normalized text and its occurrence among identical ones.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Places, Sources};
use crate::diagnostic::{Diagnostic, Span};
use crate::rules::{Level, Rule};
use crate::runner::Report;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT: &str = "asyncLint/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: MultiformatMessage,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
    enabled: bool,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct MultiformatMessage {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Message,
    artifact_changes: Vec<ArtifactChange<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Content<'a>,
}

#[derive(Serialize)]
struct Content<'a> {
    text: &'a str,
}

/// One JSON document, serialized straight into `out`.
pub(super) fn write(
    report: &Report,
    sources: &Sources,
    places: &Places,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut occurrences: BTreeMap<(String, &'static str, String), usize> = BTreeMap::new();
    let results = report
        .diagnostics
        .iter()
        .map(|d| {
            let uri = places.repo_relative(&d.file);
            let line = sources
                .line_text(&d.file, d.span.start.line)
                .map(crate::baseline::normalize_line)
                .unwrap_or_default();
            let key = (uri.clone(), d.rule.name(), line);
            let seen = occurrences.entry(key.clone()).or_insert(0);
            *seen += 1;
            let fingerprint = format!(
                "{:016x}:{}",
                fnv1a(&format!("{}\0{}\0{}", key.0, key.1, key.2)),
                seen
            );
            result(d, places, uri, fingerprint)
        })
        .collect();
    let root = ArtifactLocation {
        uri: file_uri(&places.root),
        uri_base_id: None,
    };
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "async-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: Rule::ALL.iter().map(|&rule| descriptor(rule)).collect(),
                },
            },
            original_uri_base_ids: BTreeMap::from([("%SRCROOT%", root)]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn descriptor(rule: Rule) -> ReportingDescriptor {
    let doc = rule.doc();
    let mut markdown = rule.explain();
    markdown.truncate(markdown.trim_end().len());
    ReportingDescriptor {
        id: rule.name(),
        name: rule.name(),
        short_description: Message {
            text: doc.summary.to_string(),
        },
        full_description: Message {
            text: doc.what_it_does.trim().to_string(),
        },
        help: MultiformatMessage {
            text: format!(
                "{}\n\n{}",
                doc.why_is_this_bad.trim(),
                doc.known_problems.trim()
            ),
            markdown,
        },
        default_configuration: Configuration {
            level: level(rule.default_level()),
            enabled: rule.default_level() != Level::Allow,
        },
    }
}

fn level(level: Level) -> &'static str {
    match level {
        Level::Allow => "none",
        Level::Warn => "warning",
        Level::Deny => "error",
    }
}

fn result<'a>(
    d: &'a Diagnostic,
    places: &Places,
    uri: String,
    fingerprint: String,
) -> SarifResult<'a> {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let related = d
        .labels
        .iter()
        .enumerate()
        .map(|(i, label)| Location {
            id: Some(i),
            physical_location: physical(places.repo_relative(&label.file), label.span),
            message: Some(Message {
                text: label.message.clone(),
            }),
        })
        .collect();
    let fixes = d
        .fix
        .iter()
        .map(|fix| SarifFix {
            description: Message {
                text: fix.message.clone(),
            },
            artifact_changes: fix
                .edits
                .iter()
                .map(|edit| ArtifactChange {
                    artifact_location: artifact(places.repo_relative(&edit.file)),
                    replacements: vec![Replacement {
                        deleted_region: region(edit.span),
                        inserted_content: Content {
                            text: &edit.replacement,
                        },
                    }],
                })
                .collect(),
        })
        .collect();
    SarifResult {
        rule_id: d.rule.name(),
        rule_index: Rule::ALL.iter().position(|&r| r == d.rule).unwrap_or(0),
        level: level(d.level),
        message: Message { text },
        locations: vec![Location {
            id: None,
            physical_location: physical(uri, d.span),
            message: (!d.label.is_empty()).then(|| Message {
                text: d.label.clone(),
            }),
        }],
        related_locations: related,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT, fingerprint)]),
        fixes,
    }
}

fn physical(uri: String, span: Span) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact(uri),
        region: region(span),
    }
}

/// A repository-relative location; a file outside the repository gets an absolute URI.
fn artifact(uri: String) -> ArtifactLocation {
    if uri.starts_with('/') {
        return ArtifactLocation {
            uri: format!("file://{}", percent_encode(&uri)),
            uri_base_id: None,
        };
    }
    ArtifactLocation {
        uri: percent_encode(&uri),
        uri_base_id: Some("%SRCROOT%"),
    }
}

fn region(span: Span) -> Region {
    let start_line = span.start.line.max(1);
    let start_column = span.start.column.max(1);
    let (end_line, end_column) = if (span.end.line, span.end.column) < (start_line, start_column) {
        (start_line, start_column)
    } else {
        (span.end.line, span.end.column)
    };
    Region {
        start_line,
        start_column,
        end_line,
        end_column,
    }
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A `file://` URI for a directory, ending in `/` as SARIF wants for a base.
fn file_uri(dir: &std::path::Path) -> String {
    let mut path = dir.to_string_lossy().replace('\\', "/");
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    format!("file://{}", percent_encode(&path))
}

/// Percent-encodes what may not stand in a URI path.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b':'
            | b'@' => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample;

    fn render(report: &Report, sources: &Sources, places: &Places) -> Vec<u8> {
        let mut out = Vec::new();
        write(report, sources, places, &mut out).unwrap();
        out
    }

    fn places() -> Places {
        Places {
            cwd: "/repo/crate".into(),
            root: "/repo".into(),
        }
    }

    #[test]
    fn results_rules_and_locations() {
        let log: serde_json::Value = serde_json::from_slice(&render(
            &sample(),
            &Sources::new(&sample().sources),
            &places(),
        ))
        .unwrap();
        let run = &log["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"].as_array().unwrap().len(),
            Rule::ALL.len()
        );
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///repo/"
        );
        let first = &run["results"][0];
        assert_eq!(first["ruleId"], "blocking_sleep");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let index = first["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], "blocking_sleep");
        let location = &first["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "crate/src/a.rs");
        assert_eq!(location["region"]["startLine"], 2);
        assert_eq!(location["region"]["startColumn"], 5);
        assert_eq!(
            first["relatedLocations"][0]["message"]["text"],
            "in this async fn"
        );
        assert!(
            first["partialFingerprints"][FINGERPRINT]
                .as_str()
                .unwrap()
                .ends_with(":1")
        );
        assert_eq!(
            first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
            "tokio::time::sleep"
        );
    }

    #[test]
    fn fingerprint_ignores_line_numbers() {
        let mut moved = sample();
        let source = moved.sources.get_mut("src/a.rs").unwrap();
        source.insert_str(0, "\n\n");
        for d in &mut moved.diagnostics {
            d.span.start.line += 2;
            d.span.end.line += 2;
        }
        let print = |report: &Report| {
            let log: serde_json::Value =
                serde_json::from_slice(&render(report, &Sources::new(&report.sources), &places()))
                    .unwrap();
            log["runs"][0]["results"][0]["partialFingerprints"].clone()
        };
        assert_eq!(print(&sample()), print(&moved));
    }

    #[test]
    fn paths_outside_the_root_and_odd_characters() {
        let p = places();
        assert_eq!(p.repo_relative("../other/x.rs"), "other/x.rs");
        assert_eq!(p.repo_relative("/elsewhere/x.rs"), "/elsewhere/x.rs");
        assert_eq!(percent_encode("a b/ü.rs"), "a%20b/%C3%BC.rs");
    }
}
