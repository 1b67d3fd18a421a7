//! The ecosystem catalogue through the command line: an entry is active when the
//! package's `Cargo.toml` depends on its crate (under either spelling of the name, or
//! inherited from the workspace), inactive when the manifest does not list it, and
//! active in a loose file with no manifest (the path names the crate). `--explain`
//! lists the crates a rule's catalogue covers.

use crate::common::{run, tempdir, write};

const SOURCE: &str = "pub async fn load(path: &std::path::Path) -> std::io::Result<String> {\n    \
                      fs_err::read_to_string(path)\n}\n";

fn manifest(dependencies: &str) -> String {
    format!(
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\ntokio = \"1\"\n{dependencies}"
    )
}

/// The rules reported on `src/lib.rs` of a crate with this manifest (or none).
fn rules_found(manifest: Option<&str>) -> Vec<String> {
    let dir = tempdir();
    if let Some(manifest) = manifest {
        write(dir.path(), "Cargo.toml", manifest);
    }
    write(dir.path(), "src/lib.rs", SOURCE);
    let out = run(dir.path(), &["--format", "json", "src/lib.rs"]);
    let findings: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    findings
        .as_array()
        .expect("an array")
        .iter()
        .map(|f| format!("{}:{}", f["rule"].as_str().unwrap_or(""), f["line"]))
        .collect()
}

#[test]
fn an_entry_is_active_when_the_package_depends_on_its_crate() {
    let with = manifest("fs-err = \"3\"\n");
    assert_eq!(rules_found(Some(&with)), ["blocking_fs:2"]);
    let renamed = manifest("fs_err = { package = \"fs-err\", version = \"3\" }\n");
    assert_eq!(rules_found(Some(&renamed)), ["blocking_fs:2"]);
}

#[test]
fn an_entry_is_inactive_when_the_manifest_does_not_list_its_crate() {
    assert_eq!(rules_found(Some(&manifest(""))), Vec::<String>::new());
}

#[test]
fn an_entry_is_active_in_a_loose_file() {
    assert_eq!(rules_found(None), ["blocking_fs:2"]);
}

#[test]
fn explain_lists_the_crates_a_rule_covers() {
    let dir = tempdir();
    let out = run(dir.path(), &["--explain", "blocking_net"]);
    assert_eq!(out.code, 0, "{out:?}");
    let covered = out
        .stdout
        .lines()
        .skip_while(|line| *line != "## Crates covered")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    for krate in [
        "postgres", "r2d2", "redis", "reqwest", "ureq", "url", "diesel",
    ] {
        assert!(covered.contains(krate), "{krate} missing from {covered:?}");
    }
    assert!(!covered.contains("fs-err"), "{covered:?}");
}
