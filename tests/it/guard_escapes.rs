//! Guards whose lock type only another file shows, in runs large enough that files
//! without async code are not parsed unless the parsed code needs them: the file that
//! declares the struct or alias a lock call is made on is parsed for it.

use crate::common::{run, tempdir, write};

#[test]
fn a_lock_alias_in_a_file_not_parsed_is_found() {
    let dir = tempdir();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        dir.path(),
        "src/main.rs",
        "mod big;\nmod types;\nmod registry;\n\
         use crate::types::Shared;\nuse crate::registry::Registry;\n\
         async fn tick() {}\n\
         pub async fn bump(s: &Shared) { let mut n = s.lock(); *n += 1; tick().await; }\n\
         pub async fn hit(r: &Registry) { let mut h = r.hits.lock(); *h += 1; tick().await; }\n\
         fn main() {}\n",
    );
    write(
        dir.path(),
        "src/types.rs",
        "pub type Shared = std::sync::Arc<parking_lot::Mutex<u64>>;\n",
    );
    write(
        dir.path(),
        "src/registry.rs",
        "pub struct Registry {\n    pub hits: parking_lot::Mutex<u64>,\n}\n",
    );
    let filler: String = (0..40_000)
        .map(|i| format!("pub fn f{i}() -> u32 {{ {i} }}\n"))
        .collect();
    assert!(filler.len() > 1 << 20);
    write(dir.path(), "src/big.rs", filler);
    let out = run(dir.path(), &["--format", "concise", "."]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{out:?}");
    assert!(
        lines[0].starts_with("./src/main.rs:7:")
            && lines[0].contains("(type alias `Shared`, ./src/types.rs:1)"),
        "{out:?}"
    );
    assert!(
        lines[1].starts_with("./src/main.rs:8:")
            && lines[1].contains("(field `hits` of `Registry`, ./src/registry.rs:2)"),
        "{out:?}"
    );
}
