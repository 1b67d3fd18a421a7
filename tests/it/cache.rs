//! The summary cache (`.async-lint-cache`): a run over some files of a crate
//! (`--stdin-filename`, named files) gives exactly the findings an uncached run gives,
//! cold and warm, after an edit, under other settings, and whatever the cache file holds.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{BIN, Output, copy_dir, repo_root, run, run_with_stdin, tempdir, write};
use crate::single_file::{by_file, files_of, fixture_crates};

/// The cache file under a cache folder.
fn cache_file(folder: &Path) -> PathBuf {
    folder.join(env!("CARGO_PKG_VERSION")).join("summaries.bin")
}

fn same(what: &str, got: &Output, want: &Output) {
    assert_eq!(
        (got.code, &got.stdout),
        (want.code, &want.stdout),
        "{what}\n--- cached:\n{got:?}\n--- uncached:\n{want:?}"
    );
    assert!(!got.stderr.contains("panicked"), "{what}: {got:?}");
}

/// Every fixture crate: its files named together (the pre-commit hook) without the cache,
/// with an empty one and with the one that run left; then each file from stdin, warm.
#[test]
fn cached_runs_give_the_uncached_findings_on_every_fixture_crate() {
    let root = repo_root();
    let mut compared = 0;
    for krate in fixture_crates() {
        let tmp = tempdir();
        let folder = tmp.path().join("cache");
        let folder_arg = folder.to_str().unwrap();
        let files = files_of(&krate);
        let named = |extra: &[&str]| {
            let mut args = vec!["--format", "json"];
            args.extend_from_slice(extra);
            args.extend(files.iter().map(String::as_str));
            run(&root, &args)
        };
        let uncached = named(&["--no-cache"]);
        let cold = named(&["--cache-dir", folder_arg]);
        same(&format!("{krate}: cold"), &cold, &uncached);
        assert!(cache_file(&folder).is_file(), "{krate}: no cache written");
        let warm = named(&["--cache-dir", folder_arg]);
        same(&format!("{krate}: warm"), &warm, &uncached);
        let expected = by_file(&uncached.stdout);
        for file in &files {
            let text = std::fs::read(root.join(file)).unwrap();
            let args = [
                "--format",
                "json",
                "--cache-dir",
                folder_arg,
                "--stdin-filename",
                file,
                "-",
            ];
            let out = run_with_stdin(&root, &args, &text);
            let got = by_file(&out.stdout);
            assert_eq!(
                got.get(file),
                expected.get(file),
                "{file} from stdin, warm: {out:?}"
            );
            compared += 1;
        }
    }
    assert!(compared > 60, "only {compared} files compared");
}

/// A copy of chain_app (and chain_lib, its path dependency) to edit.
fn chain_app_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempdir();
    let root = repo_root();
    for name in ["chain_app", "chain_lib"] {
        copy_dir(
            &root.join("fixtures").join(name),
            &tmp.path().join("fixtures").join(name),
        );
    }
    let app = tmp.path().join("fixtures/chain_app");
    (tmp, app)
}

fn concise(dir: &Path, file: &str, extra: &[&str]) -> Output {
    let text = std::fs::read(dir.join(file)).unwrap();
    let mut args = vec!["--format", "concise", "--stdin-filename", file];
    args.extend_from_slice(extra);
    args.push("-");
    run_with_stdin(dir, &args, &text)
}

/// After an edit to a file the chains pass through, the cached run sees it: the callers'
/// findings change as the uncached run's do. Settings changed: the same.
#[test]
fn an_edit_down_a_chain_and_other_settings_are_seen() {
    let (_tmp, app) = chain_app_copy();
    let file = "src/handlers.rs";
    let before = concise(&app, file, &["--no-cache"]);
    same("cold", &concise(&app, file, &[]), &before);
    assert!(
        app.join(".async-lint-cache/.gitignore").is_file(),
        "the cache sits at the crate's root, ignored by git"
    );
    assert!(app.join(".async-lint-cache/CACHEDIR.TAG").is_file());
    same("warm", &concise(&app, file, &[]), &before);
    assert!(before.stdout.contains("src/handlers.rs:"), "{before:?}");

    // An unsaved buffer is linted (its own summary) but not kept: the file's stays.
    let kept = std::fs::read(cache_file(&app.join(".async-lint-cache"))).unwrap();
    let mut buffer = std::fs::read(app.join(file)).unwrap();
    buffer.extend_from_slice(
        b"\npub fn unsaved() { std::thread::sleep(std::time::Duration::ZERO); }\n",
    );
    let args = ["--format", "concise", "--stdin-filename", file, "-"];
    let unsaved = run_with_stdin(&app, &args, &buffer);
    let want = run_with_stdin(&app, &[&["--no-cache"][..], &args].concat(), &buffer);
    same("an unsaved buffer", &unsaved, &want);
    let now = std::fs::read(cache_file(&app.join(".async-lint-cache"))).unwrap();
    assert!(now == kept, "an unsaved buffer's summary was written");

    // Every blocking call of the crate's other files made harmless: the chains end.
    let mut edited = 0;
    for entry in crate::common::rust_files_under("fixtures/chain_app") {
        let relative = entry.path.trim_start_matches("fixtures/chain_app/");
        if relative == file {
            continue;
        }
        let text = entry
            .text
            .replace("std::fs::", "crate_free::fs::")
            .replace("std::thread::sleep", "drop");
        if text != entry.text {
            write(&app, relative, text);
            edited += 1;
        }
    }
    assert!(edited > 0);
    let after = concise(&app, file, &["--no-cache"]);
    assert_ne!(
        after.stdout, before.stdout,
        "the edit must change the findings"
    );
    same("after the edit", &concise(&app, file, &[]), &after);

    let ignored = ["--ignore", "blocking_sleep"];
    let want = concise(&app, file, &[&["--no-cache"][..], &ignored].concat());
    same("other settings", &concise(&app, file, &ignored), &want);
}

/// The cache is untrusted input: a damaged or hostile file, a directory, a FIFO, one over
/// the size cap: the run gives the uncached findings, and finishes.
#[test]
fn a_hostile_cache_is_ignored() {
    let (_tmp, app) = chain_app_copy();
    let file = "src/handlers.rs";
    let want = concise(&app, file, &["--no-cache"]);
    let folder = app.join("hostile-cache");
    let arg = folder.to_str().unwrap().to_string();
    let cached = || concise(&app, file, &["--cache-dir", &arg]);
    same("cold", &cached(), &want);
    let good = std::fs::read(cache_file(&folder)).unwrap();
    assert!(good.len() > 100);

    let mut hostile: Vec<(String, Vec<u8>)> = vec![
        ("empty".into(), Vec::new()),
        (
            "garbage".into(),
            (0..4096u32).map(|i| (i * 7919) as u8).collect(),
        ),
        ("all ones".into(), vec![0xff; 4096]),
    ];
    for cut in [8, 12, good.len() / 2, good.len() - 1] {
        hostile.push((format!("cut at {cut}"), good[..cut].to_vec()));
    }
    for at in (0..good.len()).step_by(good.len() / 16 + 1) {
        let mut bad = good.clone();
        bad[at] ^= 0xff;
        hostile.push((format!("byte {at} flipped"), bad));
    }
    // The header of this build, then an entry whose lengths ask for 4 GiB.
    let header = 8 + 4 + u32::from_le_bytes(good[8..12].try_into().unwrap()) as usize;
    let mut huge = good[..header].to_vec();
    huge.extend_from_slice(&u32::MAX.to_le_bytes());
    huge.extend_from_slice(&u32::MAX.to_le_bytes());
    hostile.push(("lengths of 4 GiB".into(), huge));
    for (what, bytes) in hostile {
        std::fs::write(cache_file(&folder), &bytes).unwrap();
        same(&what, &cached(), &want);
    }

    // Not a regular file, or too large to read.
    let path = cache_file(&folder);
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    same("a directory", &cached(), &want);
    std::fs::remove_dir(&path).unwrap();
    let made = Command::new("mkfifo").arg(&path).status();
    if made.is_ok_and(|status| status.success()) {
        same("a FIFO", &cached(), &want);
        let _ = std::fs::remove_file(&path);
    }
    let sparse = std::fs::File::create(&path).unwrap();
    sparse.set_len(300 << 20).unwrap();
    drop(sparse);
    same("over the cap", &cached(), &want);
}

/// `--cache-dir` where no folder can be made: the run is uncached, silently.
/// `ASYNC_LINT_CACHE_DIR` names the folder; `--no-cache` writes nothing.
#[test]
fn where_the_cache_goes() {
    let (tmp, app) = chain_app_copy();
    let file = "src/handlers.rs";
    let want = concise(&app, file, &["--no-cache"]);
    assert!(!app.join(".async-lint-cache").exists(), "--no-cache wrote");
    let blocker = tmp.path().join("a-file");
    std::fs::write(&blocker, "").unwrap();
    let inside = blocker.join("cache");
    let out = concise(&app, file, &["--cache-dir", inside.to_str().unwrap()]);
    same("unwritable", &out, &want);
    assert_eq!(out.stderr, want.stderr);

    let from_env = tmp.path().join("from-env");
    let text = std::fs::read(app.join(file)).unwrap();
    let mut child = Command::new(BIN)
        .args(["--format", "concise", "--stdin-filename", file, "-"])
        .current_dir(&app)
        .env("ASYNC_LINT_CACHE_DIR", &from_env)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), want.stdout);
    assert!(cache_file(&from_env).is_file());
    assert!(!app.join(".async-lint-cache").exists());

    let shown = run(&app, &["--show-settings", "src/lib.rs"]);
    assert!(
        shown.stdout.contains("cache = \".async-lint-cache\"  # "),
        "{shown:?}"
    );
    let shown = run(&app, &["--show-settings", "--no-cache", "src/lib.rs"]);
    assert!(
        shown.stdout.contains("cache = \"\"  # --no-cache"),
        "{shown:?}"
    );
}
