//! Guards whose lock type only another file shows, in runs large enough that files
//! without async code are not parsed unless the parsed code needs them: the file that
//! declares (and implements) the struct a lock call's field is of is parsed for it.

use crate::common::{run, tempdir, write};

#[test]
fn a_lock_field_in_a_file_not_parsed_is_found() {
    let dir = tempdir();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        dir.path(),
        "src/main.rs",
        "mod big;\nmod registry;\n\
         use crate::registry::Registry;\n\
         async fn tick() {}\n\
         pub async fn hit(r: &Registry) { let mut h = r.hits.lock(); *h += 1; tick().await; }\n\
         fn main() {}\n",
    );
    write(
        dir.path(),
        "src/registry.rs",
        "pub struct Registry {\n    pub hits: parking_lot::Mutex<u64>,\n}\n\
         impl Registry {\n    pub fn new() -> Self { Registry { hits: Default::default() } }\n}\n",
    );
    let filler: String = (0..40_000)
        .map(|i| format!("pub fn f{i}() -> u32 {{ {i} }}\n"))
        .collect();
    assert!(filler.len() > 1 << 20);
    write(dir.path(), "src/big.rs", filler);
    let out = run(dir.path(), &["--format", "concise", "."]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{out:?}");
    assert!(
        lines[0].starts_with("./src/main.rs:5:")
            && lines[0].contains("(field `hits` of `Registry`, ./src/registry.rs:2)"),
        "{out:?}"
    );
}
