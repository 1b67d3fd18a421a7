//! The machine-readable formats, each checked by its real consumer's parser or schema:
//! rustc-json by `cargo_metadata`'s `Diagnostic` (what rust-analyzer parses with), SARIF
//! by the official 2.1.0 schema, github by the workflow-command grammar.

use std::fs;
use std::path::Path;
use std::process::Command;

use cargo_metadata::diagnostic::{Applicability, Diagnostic, DiagnosticLevel};

use crate::common::BIN;

/// A crate on tokio with a sleep and a read (line 2, 3), and a file with a byte-order mark.
fn tokio_crate() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("async-lint-formats-")
        .tempdir()
        .unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join(".git")).unwrap();
    fs::create_dir_all(root.join("app/src")).unwrap();
    fs::write(
        root.join("app/Cargo.toml"),
        "[package]\nname = \"app\"\nedition = \"2021\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
    )
    .unwrap();
    fs::write(
        root.join("app/src/lib.rs"),
        "pub async fn f() -> std::io::Result<String> {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n    let s = std::fs::read_to_string(\"é.txt\")?;\n    Ok(s)\n}\n",
    )
    .unwrap();
    fs::write(
        root.join("app/src/bom.rs"),
        "\u{feff}pub async fn g() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n",
    )
    .unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn rustc_json_lines_parse_as_rustc_diagnostics() {
    let dir = tokio_crate();
    let (code, stdout) = run(
        &dir.path().join("app"),
        &["--format", "rustc-json", "--exit-zero", "src"],
    );
    assert_eq!(code, 0, "{stdout}");
    let diagnostics: Vec<Diagnostic> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert_eq!(diagnostics.len(), 3, "{stdout}");
    for d in &diagnostics {
        assert_eq!(d.level, DiagnosticLevel::Warning);
        let code = d.code.as_ref().unwrap();
        assert!(code.code.starts_with("async_lint::blocking_"), "{code:?}");
        let rendered = d.rendered.as_deref().unwrap();
        assert!(rendered.starts_with("warning[blocking_"), "{rendered}");
        let primary = d.spans.iter().find(|s| s.is_primary).unwrap();
        // Byte offsets index the file on disk, byte-order mark included.
        let bytes = fs::read(dir.path().join("app").join(&primary.file_name)).unwrap();
        let callee = &bytes[primary.byte_start as usize..primary.byte_end as usize];
        let callee = std::str::from_utf8(callee).unwrap();
        assert!(
            ["std::thread::sleep", "std::fs::read_to_string"].contains(&callee),
            "{callee}"
        );
        assert_eq!(primary.text.len(), 1);
        assert_eq!(primary.text[0].highlight_start, primary.column_start);
        // The fix: a help child whose spans carry machine-applicable replacements.
        let fix = d
            .children
            .iter()
            .find(|c| c.spans.iter().any(|s| s.suggested_replacement.is_some()))
            .unwrap_or_else(|| panic!("no fix: {d:?}"));
        assert_eq!(fix.level, DiagnosticLevel::Help);
        assert_eq!(fix.spans.len(), 2);
        for span in &fix.spans {
            assert_eq!(
                span.suggestion_applicability,
                Some(Applicability::MachineApplicable)
            );
        }
        let replacement = fix.spans[0].suggested_replacement.as_deref().unwrap();
        assert!(replacement.starts_with("tokio::"), "{replacement}");
        assert_eq!(
            fix.spans[1].suggested_replacement.as_deref(),
            Some(".await")
        );
        assert!(d.children.iter().any(|c| c.level == DiagnosticLevel::Help));
    }
    let sleep = diagnostics
        .iter()
        .find(|d| d.spans[0].file_name == "src/lib.rs" && d.spans[0].line_start == 3)
        .unwrap();
    // Column 13 in characters; the await goes after `("é.txt")`, a two-byte character.
    assert_eq!(sleep.spans[0].column_start, 13);
    let insert = &sleep.children.last().unwrap().spans[1];
    let bytes = fs::read(dir.path().join("app/src/lib.rs")).unwrap();
    assert_eq!(
        &bytes[insert.byte_start as usize - 2..insert.byte_start as usize],
        b"\")"
    );
}

#[test]
fn rustc_json_without_findings_prints_nothing_and_exits_0() {
    let dir = tokio_crate();
    fs::write(dir.path().join("ok.rs"), "async fn f() {}\n").unwrap();
    let (code, stdout) = run(dir.path(), &["--format", "rustc-json", "ok.rs"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../schemas/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let dir = tokio_crate();
    // From inside the crate: URIs are still relative to the repository root.
    let (code, stdout) = run(&dir.path().join("app"), &["--format", "sarif", "."]);
    assert_eq!(code, 1, "{stdout}");
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{stdout}");

    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .all(|r| r["shortDescription"]["text"].is_string()
                && r["fullDescription"]["text"].is_string()
                && r["help"]["markdown"].is_string())
    );
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris, ["app/src/bom.rs", "app/src/lib.rs", "app/src/lib.rs"]);
    for result in results {
        assert!(result["partialFingerprints"].as_object().unwrap().len() == 1);
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }

    // The validator is not vacuous: a broken log fails it.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "loud".into();
    assert!(!validator.is_valid(&broken));

    // An empty run is valid too.
    let clean = tempfile::tempdir().unwrap();
    fs::write(clean.path().join("ok.rs"), "fn main() {}\n").unwrap();
    let (code, stdout) = run(clean.path(), &["--format", "sarif", "ok.rs"]);
    assert_eq!(code, 0);
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(validator.is_valid(&log), "{stdout}");
}

#[test]
fn github_annotations() {
    let dir = tokio_crate();
    let (code, stdout) = run(&dir.path().join("app"), &["--format", "github", "src"]);
    assert_eq!(code, 1, "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[1].starts_with(
            "::warning file=app/src/lib.rs,line=2,endLine=2,col=5,endColumn=23,title=async-lint(blocking_sleep)::blocking call to `std::thread::sleep` in async context%0A"
        ),
        "{stdout}"
    );
    for line in lines {
        let (head, message) = line.split_once("::").unwrap().1.split_once("::").unwrap();
        assert!(head.starts_with("warning file="), "{line}");
        assert!(!message.contains('\n'));
    }
}
