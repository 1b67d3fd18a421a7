//! `--fix`, `--diff` and `--unsafe-fixes` through the command line, and the promise behind
//! `MachineApplicable`: every such fix, applied, compiles.

use std::path::Path;
use std::process::Command;

use crate::common::{copy_dir, repo_root, run, write};

/// Calls with a counterpart on every runtime, in every shape the fixes meet: a statement,
/// a `let`, `?`, a tail expression, a `for` over `read_dir`, a sync closure, a poll fn.
fn calls(sleep: &str) -> String {
    format!(
        r#"use std::future::Future;
use std::pin::Pin;
use std::task::{{Context, Poll}};
use std::time::Duration;

pub async fn io(dir: &std::path::Path) -> std::io::Result<usize> {{
    std::thread::sleep(Duration::from_millis(1));
    let text = std::fs::read_to_string(dir.join("a"))?;
    std::fs::write(dir.join("b"), text.as_bytes())?;
    let bytes = std::fs::read("c").unwrap_or_default();
    std::fs::create_dir_all(dir.join("d"))?;
    std::fs::copy("e", "f")?;
    std::fs::rename(String::from("g"), "h")?;
    let meta = std::fs::metadata(dir)?;
    let real = std::fs::canonicalize(dir)?;
    let mut n = 0;
    for entry in std::fs::read_dir(dir)? {{
        n += entry.is_ok() as usize;
    }}
    let lens: Vec<usize> = ["i"].iter().map(|p| std::fs::read(p).map_or(0, |b| b.len())).collect();
    std::fs::remove_file("j")?;
    Ok(bytes.len() + n + lens.len() + meta.len() as usize + real.as_os_str().len())
}}

pub async fn nap() {{
    {sleep}
}}

pub struct Slow;

impl Future for Slow {{
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {{
        std::thread::sleep(Duration::from_millis(1));
        Poll::Ready(())
    }}
}}
"#
    )
}

/// A crate of `calls` depending on `dependency`.
fn krate(dir: &Path, name: &str, dependency: &str) {
    write(
        dir,
        &format!("{name}/Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
             [dependencies]\n{dependency}\n"
        ),
    );
    let tail = "std::thread::sleep(Duration::from_millis(1))";
    write(dir, &format!("{name}/src/lib.rs"), calls(tail));
}

fn package_name(dir: &Path) -> String {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let table: toml::Table = manifest.parse().unwrap();
    table["package"]["name"].as_str().unwrap().to_string()
}

fn cargo_check(dir: &Path, package: &str) -> (bool, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let out = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "-p", package])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target.join("fix-check"))
        .output()
        .expect("run cargo");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[ignore = "builds tokio, async-std and smol (minutes on 2 cores); .ci/run runs it"]
fn every_machine_applicable_fix_compiles() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let crates = [
        (
            "on_tokio",
            r#"tokio = { version = "1", features = ["rt", "time", "fs"] }"#,
        ),
        (
            "on_tokio_no_fs",
            r#"tokio = { version = "1", features = ["rt", "time"] }"#,
        ),
        ("on_async_std", r#"async-std = "1""#),
        ("on_smol", r#"smol = "2""#),
    ];
    // The fixture crates with a runtime of their own (the main fixtures crate mixes three:
    // no fix there), copied beside the generated ones.
    let fixtures = [
        "chain_app",
        "chain_lib",
        "fix_once",
        "rt_single_dep_tokio",
        "rt_single_dep",
        "rt_smol",
        "rt_async_std",
        "rt_actix",
        "rt_tokio_uses_async_std",
    ];
    for name in fixtures {
        copy_dir(&repo_root().join("fixtures").join(name), &dir.join(name));
    }
    let packages: Vec<String> = fixtures
        .iter()
        .map(|name| package_name(&dir.join(name)))
        .chain(crates.iter().map(|(n, _)| n.to_string()))
        .collect();
    let members: Vec<String> = crates
        .iter()
        .map(|(n, _)| format!("\"{n}\""))
        .chain(fixtures.iter().map(|n| format!("\"{n}\"")))
        .collect();
    write(
        dir,
        "Cargo.toml",
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    );
    std::fs::copy(repo_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    for (name, dependency) in crates {
        krate(dir, name, dependency);
    }
    // The unfixed crates compile: what fails after is the fixes'.
    for name in &packages {
        let (ok, stderr) = cargo_check(dir, name);
        assert!(ok, "{name} does not compile before the fixes:\n{stderr}");
    }
    let before = run(dir, &["--diff", "."]);
    let out = run(dir, &["--fix", "--format", "concise", "."]);
    assert!(out.stderr.contains("async-lint: fixed "), "{out:?}");
    // The fixture crates' own fixes are among them (chain_app has one).
    assert!(
        before.stdout.contains("+++ b/chain_app/src/client.rs"),
        "{before:?}"
    );
    for name in &packages {
        let (ok, stderr) = cargo_check(dir, name);
        assert!(
            ok,
            "{name} does not compile after --fix:\n{stderr}\n{}",
            before.stdout
        );
    }
    let tokio = std::fs::read_to_string(dir.join("on_tokio/src/lib.rs")).unwrap();
    assert!(
        tokio.contains("tokio::fs::read_to_string(dir.join(\"a\")).await?"),
        "{tokio}"
    );
    assert!(
        tokio.contains("for entry in std::fs::read_dir(dir)?"),
        "{tokio}"
    );
    let smol = std::fs::read_to_string(dir.join("on_smol/src/lib.rs")).unwrap();
    assert!(
        smol.contains("smol::Timer::after(Duration::from_millis(1)).await;"),
        "{smol}"
    );
    let async_std = std::fs::read_to_string(dir.join("on_async_std/src/lib.rs")).unwrap();
    assert!(async_std.contains("async_std::task::sleep(Duration::from_millis(1)).await;"));
    assert!(
        async_std.contains("std::fs::read_to_string(dir.join"),
        "{async_std}"
    );
    let no_fs = std::fs::read_to_string(dir.join("on_tokio_no_fs/src/lib.rs")).unwrap();
    assert!(
        no_fs.contains("let text = std::fs::read_to_string"),
        "{no_fs}"
    );
}

/// A tokio crate with one fixable call and one that is not.
fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "Cargo.toml",
        "[package]\nname = \"p\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
         [dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
    );
    write(
        tmp.path(),
        "src/lib.rs",
        "pub async fn f(p: &str) -> std::io::Result<()> {\n    let _ = std::fs::read(p)?;\n    \
         for e in std::fs::read_dir(p)? {\n        let _ = e;\n    }\n    Ok(())\n}\n",
    );
    tmp
}

#[test]
fn diff_prints_and_writes_nothing_fix_writes_and_reports_what_remains() {
    let tmp = project();
    let before = std::fs::read_to_string(tmp.path().join("src/lib.rs")).unwrap();
    let diff = run(tmp.path(), &["--diff", "."]);
    assert_eq!(diff.code, 1, "{diff:?}");
    assert!(
        diff.stdout
            .starts_with("--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -1,5 +1,5 @@\n"),
        "{diff:?}"
    );
    assert!(
        diff.stdout
            .contains("-    let _ = std::fs::read(p)?;\n+    let _ = tokio::fs::read(p).await?;\n"),
        "{diff:?}"
    );
    assert!(
        !diff.stdout.contains("+    for e in tokio"),
        "read_dir is not machine-applicable"
    );
    assert!(
        diff.stderr.contains("would fix 1 finding in 1 file"),
        "{diff:?}"
    );
    let after = std::fs::read_to_string(tmp.path().join("src/lib.rs")).unwrap();
    assert_eq!(before, after, "--diff writes nothing");

    let unsafe_diff = run(tmp.path(), &["--diff", "--unsafe-fixes", "."]);
    assert!(
        unsafe_diff
            .stdout
            .contains("+    for e in tokio::fs::read_dir(p).await? {")
    );

    let fixed = run(tmp.path(), &["--fix", "--format", "concise", "."]);
    assert_eq!(fixed.code, 1, "read_dir remains: {fixed:?}");
    assert!(
        fixed.stderr.contains("fixed 1 finding in 1 file"),
        "{fixed:?}"
    );
    assert_eq!(fixed.stdout.lines().count(), 1, "{fixed:?}");
    assert!(fixed.stdout.contains("std::fs::read_dir"), "{fixed:?}");
    let text = std::fs::read_to_string(tmp.path().join("src/lib.rs")).unwrap();
    assert!(text.contains("tokio::fs::read(p).await?"), "{text}");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path().join("src"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");

    let again = run(tmp.path(), &["--diff", "."]);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(again.stdout, "");
}

#[test]
fn human_output_shows_the_fix_as_a_suggestion_under_one_help_line() {
    let tmp = project();
    let out = run(tmp.path(), &["."]);
    assert_eq!(out.stdout.matches("= help:").count(), 2, "{out:?}");
    assert!(
        out.stdout
            .contains("= suggestion (`--fix`): replace with `tokio::fs::read(p).await`\n"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("2 |     let _ = tokio::fs::read(p).await?;\n"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("  |             ~~~~~~~~~~~~~~~   ++++++\n"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("suggestion (`--unsafe-fixes`, check the result)"),
        "{out:?}"
    );
}

#[test]
fn a_file_that_does_not_parse_is_never_fixed() {
    let tmp = project();
    write(
        tmp.path(),
        "src/broken.rs",
        "pub async fn f() { std::thread::sleep(d); }\nfn {\n",
    );
    let before = std::fs::read_to_string(tmp.path().join("src/broken.rs")).unwrap();
    let out = run(tmp.path(), &["--fix", "."]);
    assert_eq!(out.code, 2, "{out:?}");
    let after = std::fs::read_to_string(tmp.path().join("src/broken.rs")).unwrap();
    assert_eq!(before, after);
}

#[test]
fn fix_on_stdin_is_a_usage_error() {
    let tmp = project();
    let out = run(tmp.path(), &["--fix", "-"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("cannot fix stdin"), "{out:?}");
}

#[test]
fn features_come_from_the_workspace_and_decide_the_applicability() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\", \"bare\"]\n\n[workspace.dependencies]\n\
         tokio = { version = \"1\", features = [\"rt\"] }\n",
    );
    write(
        dir,
        "app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
         [dependencies]\ntokio = { workspace = true, features = [\"fs\"] }\n",
    );
    write(
        dir,
        "bare/Cargo.toml",
        "[package]\nname = \"bare\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
         [dependencies]\ntokio = { workspace = true }\n",
    );
    let body = "pub async fn f() {\n    let _ = std::fs::read(\"a\");\n}\n";
    write(dir, "app/src/lib.rs", body);
    write(dir, "bare/src/lib.rs", body);
    let settings = run(dir, &["--show-settings", "app", "bare"]);
    assert!(
        settings
            .stdout
            .contains("runtime = \"tokio (features: default, fs, rt)\""),
        "{settings:?}"
    );
    assert!(
        settings
            .stdout
            .contains("runtime = \"tokio (features: default, rt)\""),
        "{settings:?}"
    );
    let diff = run(dir, &["--diff", "app", "bare"]);
    assert!(diff.stdout.contains("+++ b/app/src/lib.rs"), "{diff:?}");
    assert!(
        !diff.stdout.contains("bare/src/lib.rs"),
        "no `fs` feature: {diff:?}"
    );
    let json = run(dir, &["--format", "json", "bare"]);
    assert!(
        json.stdout
            .contains("\"applicability\": \"MaybeIncorrect\""),
        "{json:?}"
    );
    assert!(
        json.stdout.contains("needs tokio's `fs` feature"),
        "{json:?}"
    );
}

#[test]
fn advice_names_the_crates_own_runtime() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let body = "pub async fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n    \
                std::process::Command::new(\"ls\").status().ok();\n}\n";
    for (name, dependency, sleep, offload) in [
        (
            "std_app",
            "async-std = \"1\"",
            "async_std::task::sleep",
            "async_std::task::spawn_blocking",
        ),
        (
            "smol_app",
            "smol = \"2\"",
            "smol::Timer::after",
            "smol::unblock",
        ),
    ] {
        write(
            dir,
            &format!("{name}/Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
                 [dependencies]\n{dependency}\n"
            ),
        );
        write(dir, &format!("{name}/src/lib.rs"), body);
        let out = run(dir, &[name]);
        assert!(!out.stdout.contains("tokio"), "{out:?}");
        assert!(
            out.stdout
                .contains(&format!("use `{sleep}(..).await` instead")),
            "{out:?}"
        );
        assert!(
            out.stdout
                .contains(&format!("run the blocking code in `{offload}`")),
            "{out:?}"
        );
    }
    write(dir, "loose.rs", body);
    let out = run(dir, &["loose.rs"]);
    assert!(!out.stdout.contains("tokio"), "no runtime known: {out:?}");
    assert!(
        out.stdout.contains("your runtime's blocking thread pool"),
        "{out:?}"
    );
    assert!(!out.stdout.contains("suggestion"), "{out:?}");
}

#[cfg(unix)]
#[test]
fn fix_through_a_symbolic_link_rewrites_the_target_and_keeps_the_link() {
    let tmp = project();
    let dir = tmp.path();
    std::fs::rename(dir.join("src/lib.rs"), dir.join("real.rs")).unwrap();
    std::os::unix::fs::symlink(dir.join("real.rs"), dir.join("src/lib.rs")).unwrap();
    let out = run(dir, &["--fix", "src/lib.rs"]);
    assert!(out.stderr.contains("fixed 1 finding in 1 file"), "{out:?}");
    let link = std::fs::symlink_metadata(dir.join("src/lib.rs")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is kept");
    let text = std::fs::read_to_string(dir.join("real.rs")).unwrap();
    assert!(text.contains("tokio::fs::read(p).await?"), "{text}");
}

/// The applicability and message of each fix `--format json` prints, in order.
fn fixes_of(json: &str) -> Vec<(String, String)> {
    let value: serde_json::Value = serde_json::from_str(json).expect("json");
    let findings = value
        .as_array()
        .or_else(|| value["diagnostics"].as_array())
        .expect("findings");
    findings
        .iter()
        .filter_map(|d| d.get("fix").filter(|f| !f.is_null()))
        .map(|fix| {
            (
                fix["applicability"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                fix["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_fix_that_would_hold_a_guard_or_an_rc_across_its_await_is_maybe_incorrect() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
         [dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
    );
    write(
        dir,
        "app/src/lib.rs",
        "use std::cell::RefCell;\nuse std::rc::Rc;\nuse std::sync::Mutex;\n\n\
         pub async fn rc(p: &str) -> usize {\n    let rc = Rc::new(1);\n    \
         std::fs::read(p).map_or(0, |v| v.len()) + *rc\n}\n\n\
         pub async fn rc_clone(p: &str) -> usize {\n    let rc = Rc::new(1);\n    \
         let other = rc.clone();\n    drop(rc);\n    \
         std::fs::read(p).map_or(0, |v| v.len()) + *other\n}\n\n\
         pub async fn guard(m: &Mutex<Vec<u8>>, p: &str) {\n    let g = m.lock().unwrap();\n    \
         std::fs::write(p, &*g).unwrap();\n}\n\n\
         pub async fn borrow(c: &RefCell<Vec<u8>>) {\n    let b = c.borrow();\n    \
         std::fs::write(\"o\", &*b).unwrap();\n}\n\n\
         pub async fn dropped(m: &Mutex<Vec<u8>>, p: &str) {\n    let g = m.lock().unwrap();\n    \
         let bytes = g.clone();\n    drop(g);\n    let rc = Rc::new(1);\n    drop(rc);\n    \
         std::fs::write(p, bytes).unwrap();\n}\n",
    );
    let out = run(dir, &["--format", "json", "app"]);
    let fixes = fixes_of(&out.stdout);
    assert_eq!(fixes.len(), 5, "{out:?}");
    for (applicability, message) in &fixes[..4] {
        assert_eq!(applicability, "MaybeIncorrect", "{message}");
        assert!(message.contains("held across the `.await`"), "{message}");
    }
    assert_eq!(fixes[4].0, "MachineApplicable", "{:?}", fixes[4]);
    // `--fix` leaves them alone: no new lock_across_await appears.
    let fixed = run(dir, &["--fix", "app"]);
    assert!(!fixed.stdout.contains("across_await"), "{fixed:?}");
}

#[test]
fn a_renamed_optional_or_target_specific_runtime_gets_safe_fixes_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let body = "pub async fn f(p: &str) {\n    let _ = std::fs::read(p);\n}\n";
    for (name, dependencies) in [
        (
            "renamed",
            "[dependencies]\ntk = { package = \"tokio\", version = \"1\", features = [\"full\"] }\n",
        ),
        (
            "optional",
            "[dependencies]\ntokio = { version = \"1\", features = [\"full\"], optional = true }\n\
             [dev-dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
        ),
        (
            "specific",
            "[target.'cfg(unix)'.dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
        ),
        (
            "both",
            "[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n\
             [target.'cfg(unix)'.dependencies]\ntokio = { version = \"1\", features = [\"fs\"] }\n",
        ),
    ] {
        write(
            dir,
            &format!("{name}/Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n{dependencies}"
            ),
        );
        write(dir, &format!("{name}/src/lib.rs"), body);
    }
    let renamed = run(dir, &["renamed"]);
    assert!(!renamed.stdout.contains("tokio::"), "{renamed:?}");
    assert!(
        renamed
            .stdout
            .contains("use `tk::fs::read(..).await` instead, or run the blocking code in `tk::task::spawn_blocking`"),
        "{renamed:?}"
    );
    let fixes = fixes_of(&run(dir, &["--format", "json", "renamed"]).stdout);
    assert_eq!(
        fixes,
        [(
            "MachineApplicable".to_string(),
            "replace with `tk::fs::read(p).await`".to_string()
        )]
    );
    for (name, why) in [
        ("optional", "tokio is an optional dependency"),
        ("specific", "tokio is a target-specific dependency"),
    ] {
        let fixes = fixes_of(&run(dir, &["--format", "json", name]).stdout);
        assert_eq!(fixes.len(), 1, "{name}");
        assert_eq!(fixes[0].0, "MaybeIncorrect", "{name}");
        assert!(fixes[0].1.contains(why), "{name}: {:?}", fixes[0]);
    }
    let fixes = fixes_of(&run(dir, &["--format", "json", "both"]).stdout);
    assert_eq!(fixes[0].0, "MachineApplicable", "{fixes:?}");
}

#[test]
fn diff_names_absolute_paths_as_given_honours_exit_zero_and_takes_no_machine_format() {
    let tmp = project();
    let dir = tmp.path();
    let absolute = dir.join("src/lib.rs");
    let absolute = absolute.to_str().unwrap();
    let diff = run(dir, &["--diff", absolute]);
    assert!(
        diff.stdout
            .starts_with(&format!("--- {absolute}\n+++ {absolute}\n@@ ")),
        "{diff:?}"
    );
    assert!(!diff.stdout.contains("a//"), "{diff:?}");
    let zero = run(dir, &["--diff", "--exit-zero", "."]);
    assert_eq!(zero.code, 0, "{zero:?}");
    assert!(zero.stdout.contains("+++ b/src/lib.rs"), "{zero:?}");
    let json = run(dir, &["--diff", "--format", "json", "."]);
    assert_eq!(json.code, 2, "{json:?}");
    assert!(
        json.stderr.contains("`--diff` prints a unified diff"),
        "{json:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_file_reached_twice_through_a_link_is_fixed_once_without_a_warning() {
    let tmp = project();
    let dir = tmp.path();
    std::os::unix::fs::symlink(dir.join("src/lib.rs"), dir.join("link.rs")).unwrap();
    let diff = run(dir, &["--diff", "src/lib.rs", "link.rs"]);
    assert_eq!(diff.stdout.matches("\n@@ ").count(), 1, "{diff:?}");
    let out = run(dir, &["--fix", "src/lib.rs", "link.rs"]);
    assert!(!out.stderr.contains("warning"), "{out:?}");
    assert!(out.stderr.contains("fixed 1 finding in 1 file"), "{out:?}");
    let text = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    assert_eq!(text.matches(".await").count(), 1, "{text}");
}

#[test]
fn a_suggestion_in_tab_indented_code_expands_tabs_and_aligns_its_markers() {
    let tmp = project();
    let dir = tmp.path();
    write(
        dir,
        "src/lib.rs",
        "pub async fn f(p: &str) {\n\tif true {\n\t\tstd::fs::remove_file(p).ok();\n\t}\n}\n",
    );
    let out = run(dir, &["--color", "never", "."]);
    assert!(
        out.stdout
            .contains("3 |         tokio::fs::remove_file(p).await.ok();\n      |         ~~~~~~~~~~~~~~~~~~~~~~   ++++++\n"),
        "{out:?}"
    );
    assert!(!out.stdout.contains("|\t"), "{out:?}");
}
