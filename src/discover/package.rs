//! What cargo calls a package and its targets: the package id, manifest path and target
//! that `--format rustc-json` puts on each `compiler-message` line, so rust-analyzer files
//! async-lint's findings under the same package as cargo's own diagnostics.
//!
//! The id is the one cargo 1.77 and later print (`cargo metadata`, `--message-format json`):
//! `path+file:///abs/dir#name@version`, or `path+file:///abs/dir#version` when the folder's
//! last component is the package name. Targets follow cargo's automatic layout (`src/lib.rs`,
//! `src/main.rs`, `src/bin/`, `tests/`, `examples/`, `benches/`, `build.rs`) and the
//! manifest's `[lib]`; a `[[bin]]` or `[[test]]` with a path of its own is not read, and its
//! files are filed under the folder rule (the package id, which is what rust-analyzer
//! files by, is right either way).

use std::path::{Component, Path, PathBuf};

/// A `[package]`: what cargo's ids and targets are made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// `[package] name`, as written (hyphens kept).
    pub name: String,
    /// `[package] version` (inherited from the workspace when it says so); `0.0.0` when the
    /// manifest gives none, as cargo assumes.
    pub version: String,
    /// The folder holding `Cargo.toml`, absolute.
    pub root: PathBuf,
    /// The edition its targets are built with.
    pub edition: String,
    /// Its library target, when it has one.
    pub lib: Option<Lib>,
    /// `[package] build`, relative to the root, when the package has a build script.
    pub build: Option<PathBuf>,
}

/// A package's library target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lib {
    /// The name code uses (`[lib] name`, else the package name with hyphens as underscores).
    pub name: String,
    /// Its root file, relative to the package root.
    pub path: PathBuf,
    /// `[lib] crate-type`, or `["proc-macro"]`, or `["lib"]`.
    pub crate_types: Vec<String>,
}

/// One cargo target, as `compiler-message` lines name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `lib` (or the library's crate types), `bin`, `test`, `example`, `bench`,
    /// `custom-build`.
    pub kind: Vec<String>,
    pub crate_types: Vec<String>,
    pub name: String,
    /// Its root file, absolute.
    pub src_path: PathBuf,
}

impl Target {
    /// What kind of target it is: `lib` for every library crate type but `proc-macro`.
    pub fn main_kind(&self) -> &str {
        const OTHERS: [&str; 6] = [
            "bin",
            "test",
            "example",
            "bench",
            "custom-build",
            "proc-macro",
        ];
        let kind = self.kind.first().map_or("lib", String::as_str);
        if OTHERS.contains(&kind) { kind } else { "lib" }
    }
}

impl Package {
    /// Reads the `[package]` of the manifest at `root`; `None` for a virtual manifest.
    /// `inherited_version` gives the workspace's `[workspace.package] version` when the
    /// package takes it from there.
    pub(super) fn read(
        root: &Path,
        manifest: &toml::Table,
        edition: &str,
        inherited_version: impl FnOnce() -> Option<String>,
    ) -> Option<Package> {
        let package = manifest.get("package")?.as_table()?;
        let name = package.get("name")?.as_str()?.to_string();
        let version = match package.get("version") {
            Some(toml::Value::String(version)) => Some(version.clone()),
            Some(toml::Value::Table(inherit)) if inherit.get("workspace").is_some() => {
                inherited_version()
            }
            _ => None,
        }
        .unwrap_or_else(|| "0.0.0".to_string());
        let lib_table = manifest.get("lib").and_then(toml::Value::as_table);
        let lib_path = lib_table
            .and_then(|lib| lib.get("path")?.as_str())
            .map(PathBuf::from);
        let lib = match lib_path {
            Some(path) => Some(path),
            None => {
                let default = PathBuf::from("src/lib.rs");
                root.join(&default).is_file().then_some(default)
            }
        }
        .map(|path| {
            let proc_macro = lib_table.is_some_and(|lib| {
                ["proc-macro", "proc_macro"]
                    .iter()
                    .any(|key| lib.get(*key).and_then(toml::Value::as_bool) == Some(true))
            });
            let crate_types: Vec<String> = lib_table
                .and_then(|lib| lib.get("crate-type").or_else(|| lib.get("crate_type")))
                .and_then(toml::Value::as_array)
                .map(|types| {
                    types
                        .iter()
                        .filter_map(|t| t.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let crate_types = match (proc_macro, crate_types.is_empty()) {
                (true, _) => vec!["proc-macro".to_string()],
                (false, true) => vec!["lib".to_string()],
                (false, false) => crate_types,
            };
            Lib {
                name: lib_table
                    .and_then(|lib| lib.get("name")?.as_str())
                    .map_or_else(|| name.replace('-', "_"), str::to_string),
                path,
                crate_types,
            }
        });
        let build = match package.get("build") {
            Some(toml::Value::String(path)) => Some(PathBuf::from(path)),
            Some(toml::Value::Boolean(false)) => None,
            _ => {
                let default = PathBuf::from("build.rs");
                root.join(&default).is_file().then_some(default)
            }
        };
        Some(Package {
            name,
            version,
            root: root.to_path_buf(),
            edition: edition.to_string(),
            lib,
            build,
        })
    }

    /// The id cargo gives the package: `path+file:///abs/dir#name@version`, or
    /// `path+file:///abs/dir#version` when the folder's last component is the name.
    pub fn id(&self) -> String {
        let url = file_url(&self.root);
        let last = self.root.file_name().and_then(|name| name.to_str());
        if last == Some(self.name.as_str()) {
            format!("path+{url}#{}", self.version)
        } else {
            format!("path+{url}#{}@{}", self.name, self.version)
        }
    }

    /// The absolute path of its `Cargo.toml`.
    pub fn manifest_path(&self) -> PathBuf {
        self.root.join("Cargo.toml")
    }

    /// The target cargo would report a diagnostic in `file` (absolute, or relative to the
    /// package root) under: the build script; the binary, test, example or bench whose
    /// file or folder holds it; else the library (the binary of `src/main.rs` when there is
    /// no library). A module shared by several tests (`tests/common/mod.rs`) has no target
    /// of its own: it goes to the library (the binary when there is none).
    pub fn target_of(&self, file: &Path) -> Target {
        let relative = file.strip_prefix(&self.root).unwrap_or(file);
        let parts: Vec<&str> = relative
            .components()
            .filter_map(|c| match c {
                Component::Normal(part) => part.to_str(),
                _ => None,
            })
            .collect();
        if self.build.as_deref() == Some(relative) {
            return self.target(&["custom-build"], &["bin"], "build-script-build", relative);
        }
        let own = |kind: &str, dir: &[&str]| -> Option<Target> {
            let rest = parts.strip_prefix(dir)?;
            let folder: PathBuf = dir.iter().collect();
            match rest {
                [file] => {
                    let name = file.strip_suffix(".rs")?;
                    Some(self.target(&[kind], &["bin"], name, &folder.join(file)))
                }
                [name, ..] => {
                    let main = folder.join(name).join("main.rs");
                    self.root.join(&main).is_file().then(|| {
                        // `src/bin/NAME/main.rs` and the modules beside it.
                        self.target(&[kind], &["bin"], name, &main)
                    })
                }
                [] => None,
            }
        };
        let folders: [(&str, &[&str]); 4] = [
            ("bin", &["src", "bin"]),
            ("test", &["tests"]),
            ("example", &["examples"]),
            ("bench", &["benches"]),
        ];
        if let Some(target) = folders.iter().find_map(|(kind, dir)| own(kind, dir)) {
            return target;
        }
        let main = Path::new("src/main.rs");
        let in_lib = self.lib.as_ref().filter(|lib| {
            // The library's folder holds its modules; `src/main.rs` is the binary's.
            relative == lib.path || relative != main
        });
        match in_lib {
            Some(lib) => {
                let kind: Vec<&str> = lib.crate_types.iter().map(String::as_str).collect();
                let kind = if lib.crate_types == ["proc-macro"] {
                    vec!["proc-macro"]
                } else {
                    kind
                };
                let types: Vec<&str> = lib.crate_types.iter().map(String::as_str).collect();
                self.target(&kind, &types, &lib.name, &lib.path)
            }
            None => self.target(&["bin"], &["bin"], &self.name, main),
        }
    }

    fn target(&self, kind: &[&str], crate_types: &[&str], name: &str, path: &Path) -> Target {
        Target {
            kind: kind.iter().map(|k| k.to_string()).collect(),
            crate_types: crate_types.iter().map(|t| t.to_string()).collect(),
            name: name.to_string(),
            src_path: self.root.join(path),
        }
    }
}

/// `file://` and the absolute path, percent-encoded as the `url` crate encodes a path
/// (what cargo uses): space, `"#%<>?`, backquote, braces and every byte outside printable
/// ASCII are escaped.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    let text = path.to_string_lossy();
    for byte in text.bytes() {
        if byte.is_ascii_graphic() && !b"\"#%<>?`{}".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::tests::write;

    fn package(root: &Path, manifest: &str) -> Package {
        write(&root.join("Cargo.toml"), manifest);
        let table: toml::Table = manifest.parse().unwrap();
        Package::read(root, &table, "2021", || Some("9.9.9".to_string())).unwrap()
    }

    #[test]
    fn id_as_cargo_prints_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("app");
        let app = package(&dir, "[package]\nname = \"app\"\nversion = \"0.3.1\"\n");
        assert_eq!(app.id(), format!("path+file://{}#0.3.1", dir.display()));
        let other = package(&dir, "[package]\nname = \"my-app\"\n");
        assert_eq!(
            other.id(),
            format!("path+file://{}#my-app@0.0.0", dir.display())
        );
        let inherited = package(&dir, "[package]\nname = \"x\"\nversion.workspace = true\n");
        assert_eq!(inherited.version, "9.9.9");
        assert_eq!(file_url(Path::new("/a b/é#")), "file:///a%20b/%C3%A9%23");
        let table: toml::Table = "[workspace]\n".parse().unwrap();
        assert_eq!(Package::read(&dir, &table, "2021", || None), None);
    }

    #[test]
    fn targets_from_the_layout() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("p");
        for file in [
            "src/lib.rs",
            "src/main.rs",
            "src/bin/tool/main.rs",
            "build.rs",
        ] {
            write(&root.join(file), "");
        }
        let p = package(&root, "[package]\nname = \"p-q\"\n");
        let of = |file: &str| {
            let t = p.target_of(&root.join(file));
            let src = t.src_path.strip_prefix(&root).unwrap().to_path_buf();
            (t.kind.join(","), t.name, src)
        };
        let lib = ("lib".to_string(), "p_q".to_string(), "src/lib.rs".into());
        assert_eq!(of("src/lib.rs"), lib);
        assert_eq!(of("src/a/b.rs"), lib);
        assert_eq!(
            of("src/main.rs"),
            ("bin".into(), "p-q".into(), "src/main.rs".into())
        );
        assert_eq!(
            of("src/bin/x.rs"),
            ("bin".into(), "x".into(), "src/bin/x.rs".into())
        );
        let tool = ("bin".into(), "tool".into(), "src/bin/tool/main.rs".into());
        assert_eq!(of("src/bin/tool/util.rs"), tool);
        assert_eq!(
            of("tests/it.rs"),
            ("test".into(), "it".into(), "tests/it.rs".into())
        );
        assert_eq!(of("tests/common/mod.rs"), lib);
        assert_eq!(
            of("examples/demo.rs"),
            ("example".into(), "demo".into(), "examples/demo.rs".into())
        );
        assert_eq!(
            of("benches/b.rs"),
            ("bench".into(), "b".into(), "benches/b.rs".into())
        );
        assert_eq!(
            of("build.rs"),
            (
                "custom-build".into(),
                "build-script-build".into(),
                "build.rs".into()
            )
        );
        assert_eq!(of("src/lib.rs"), lib);

        let bin_only = tmp.path().join("b");
        write(&bin_only.join("src/main.rs"), "");
        let b = package(&bin_only, "[package]\nname = \"b\"\nbuild = false\n");
        assert_eq!(b.target_of(&bin_only.join("src/util.rs")).name, "b");
        assert_eq!(
            b.target_of(&bin_only.join("src/util.rs")).main_kind(),
            "bin"
        );
        let m = package(
            &tmp.path().join("m"),
            "[package]\nname = \"m\"\n[lib]\npath = \"lib.rs\"\nproc-macro = true\n",
        );
        let t = m.target_of(&tmp.path().join("m/lib.rs"));
        assert_eq!(
            (t.kind, t.crate_types),
            (
                vec!["proc-macro".to_string()],
                vec!["proc-macro".to_string()]
            )
        );
    }
}
