//! The machine-readable formats, each checked by its real consumer's parser or schema:
//! rustc-json by `cargo_metadata`'s `Message` and `Diagnostic` (what rust-analyzer parses
//! with) and against cargo's own package ids, SARIF by the official 2.1.0 schema, github by
//! the workflow-command grammar.

use std::fs;
use std::path::Path;
use std::process::Command;

use cargo_metadata::diagnostic::{Applicability, Diagnostic, DiagnosticLevel};
use cargo_metadata::{Message, TargetKind};

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
    // cargo's `compiler-message` lines, with the id cargo itself gives the package.
    let app = dir.path().join("app");
    let cargo_id = cargo_package_id(&app);
    let diagnostics: Vec<Diagnostic> = stdout
        .lines()
        .map(|line| match serde_json::from_str(line) {
            Ok(Message::CompilerMessage(message)) => {
                assert_eq!(message.package_id.repr, cargo_id, "{line}");
                assert_eq!(message.target.kind, vec![TargetKind::Lib], "{line}");
                assert_eq!(message.target.name, "app");
                let lib = fs::canonicalize(app.join("src/lib.rs")).unwrap();
                assert_eq!(message.target.src_path.as_std_path(), lib);
                message.message
            }
            other => panic!("not a compiler-message: {other:?}: {line}"),
        })
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

/// The id `cargo metadata` gives the package at `dir`.
fn cargo_package_id(dir: &Path) -> String {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    metadata["packages"][0]["id"].as_str().unwrap().to_string()
}

#[test]
fn rustc_json_package_ids_are_cargos_for_every_target_kind() {
    let dir = tempfile::Builder::new()
        .prefix("async-lint-ids-")
        .tempdir()
        .unwrap();
    let sleep =
        "pub async fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
    // The folder is not named after the package: the id spells the name out.
    let root = dir.path().join("folder");
    fs::create_dir_all(&root).unwrap();
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"pkg-name\"\nversion.workspace = true\nedition = \"2021\"\n\n\
         [workspace]\n[workspace.package]\nversion = \"2.3.4\"\n",
    )
    .unwrap();
    let files = [
        ("src/lib.rs", "lib", "pkg_name"),
        ("src/main.rs", "bin", "pkg-name"),
        ("src/bin/tool.rs", "bin", "tool"),
        ("tests/it.rs", "test", "it"),
        ("examples/demo.rs", "example", "demo"),
        ("benches/speed.rs", "bench", "speed"),
    ];
    for (file, _, _) in files {
        let path = root.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let main = if file == "src/lib.rs" {
            ""
        } else {
            "fn main() {}\n"
        };
        fs::write(path, format!("{main}{sleep}")).unwrap();
    }
    let (code, stdout) = run(&root, &["--format", "rustc-json", "--exit-zero", "."]);
    assert_eq!(code, 0, "{stdout}");
    let id = cargo_package_id(&root);
    assert!(id.ends_with("#pkg-name@2.3.4"), "{id}");
    let mut seen: Vec<(String, String, String)> = stdout
        .lines()
        .map(|line| match serde_json::from_str(line) {
            Ok(Message::CompilerMessage(message)) => {
                assert_eq!(message.package_id.repr, id, "{line}");
                let file = message.message.spans[0].file_name.clone();
                let kind = message.target.kind[0].to_string();
                (
                    file.trim_start_matches("./").to_string(),
                    kind,
                    message.target.name,
                )
            }
            other => panic!("not a compiler-message: {other:?}: {line}"),
        })
        .collect();
    seen.sort();
    let mut expected: Vec<(String, String, String)> = files
        .iter()
        .map(|(file, kind, name)| (file.to_string(), kind.to_string(), name.to_string()))
        .collect();
    expected.sort();
    assert_eq!(seen, expected);
}

#[test]
fn rustc_json_file_of_no_package_is_a_bare_diagnostic_printed_first() {
    let dir = tokio_crate();
    fs::write(
        dir.path().join("loose.rs"),
        "async fn g() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n",
    )
    .unwrap();
    let (code, stdout) = run(
        dir.path(),
        &["--format", "rustc-json", "--exit-zero", "app", "loose.rs"],
    );
    assert_eq!(code, 0, "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    // rust-analyzer clears the whole workspace on a bare diagnostic: it comes first.
    let bare: Diagnostic = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(bare.spans[0].file_name, "loose.rs");
    for line in &lines[1..] {
        assert!(
            matches!(serde_json::from_str(line), Ok(Message::CompilerMessage(_))),
            "{line}"
        );
    }
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

/// 10k findings on one 230 KB line (minified code): each snippet shows a window of the
/// line around its finding, cut ends marked `...`, with the line and column still the
/// file's; the human output was 2.3 GB when it showed the whole line every time. The same
/// for rustc-json's `rendered`.
#[test]
fn findings_on_one_long_line_show_a_window_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "async fn f(d: std::time::Duration) {{ {}}}\n",
        "std::thread::sleep(d); ".repeat(10_000)
    );
    fs::write(dir.path().join("long.rs"), &text).unwrap();
    let (code, human) = run(dir.path(), &["--format", "human", "long.rs"]);
    assert_eq!(code, 1);
    assert_eq!(human.matches("warning[blocking_sleep]").count(), 10_000);
    assert!(human.len() < 10 << 20, "{} bytes", human.len());
    let longest = human.lines().map(str::len).max().unwrap();
    assert!(longest < 400, "a line of {longest} bytes");
    // The first finding: the line's start shown, its end cut; the caret under the call.
    let first: Vec<&str> = human.lines().take(5).collect();
    assert_eq!(first[1], "  ┌─ long.rs:1:38", "{first:#?}");
    assert!(
        first[3].starts_with("1 │ async fn f(d: std::time::Duration) { std::thread::sleep(d);")
            && first[3].ends_with("..."),
        "{first:#?}"
    );
    let caret = first[4].find('^').unwrap() - first[4].find('│').unwrap();
    let call = first[3].find("std::thread::sleep").unwrap() - first[3].find('│').unwrap();
    assert_eq!(caret, call, "{first:#?}");
    // One in the middle: both ends cut, the column the file's.
    let middle = 5_000 * 23 + 38;
    let at = human
        .find(&format!("long.rs:1:{middle}\n"))
        .expect("the middle finding");
    let snippet: Vec<&str> = human[at..].lines().take(4).collect();
    assert!(
        snippet[2].starts_with("1 │ ...") && snippet[2].ends_with("..."),
        "{snippet:#?}"
    );
    // rustc-json's spans hold the whole line, as rustc's do: a shorter line (2.3 KB) here.
    let text = format!(
        "async fn f(d: std::time::Duration) {{ {}}}\n",
        "std::thread::sleep(d); ".repeat(100)
    );
    fs::write(dir.path().join("long.rs"), &text).unwrap();
    let (_, lines) = run(dir.path(), &["--format", "rustc-json", "long.rs"]);
    assert_eq!(lines.lines().count(), 100);
    for line in lines.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let rendered = value["rendered"].as_str().unwrap();
        assert!(rendered.len() < 1000, "{rendered}");
    }
}

/// `--output-file` gets what stdout would (both written finding by finding).
#[test]
fn output_file_gets_what_stdout_would() {
    let dir = tokio_crate();
    let app = dir.path().join("app");
    for format in ["human", "json", "sarif", "rustc-json", "concise", "github"] {
        let (code, stdout) = run(&app, &["--format", format, "src"]);
        let (again, empty) = run(&app, &["--format", format, "--output-file", "out", "src"]);
        assert_eq!((code, again), (1, 1), "{format}");
        assert_eq!(empty, "", "{format}");
        assert_eq!(
            fs::read_to_string(app.join("out")).unwrap(),
            stdout,
            "{format}"
        );
    }
}
