//! Each runtime's async counterparts of std's blocking free functions, for fixes and help
//! lines: what replaces the call, what must be true for the edit to compile, and where the
//! runtime runs blocking code.

/// A runtime the fixes and help lines can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FixRuntime {
    Tokio,
    AsyncStd,
    Smol,
}

/// How far a counterpart is a drop-in replacement of the std call followed by `.await`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Same arguments, same result: the edit compiles wherever the call did.
    Same,
    /// Same result only where the call is a statement of its own (`smol::Timer::after`
    /// returns an `Instant`, `std::thread::sleep` returns `()`).
    SameAsStatement,
    /// Different types: a `ReadDir` stream is not an iterator; async-std's functions take
    /// and return `async_std::path` types. The edit may need more changes.
    Differs,
}

/// A replacement: the callee path (`module` then `name`), the cargo feature of the
/// runtime it needs (`""`: none), and its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Counterpart {
    pub(crate) module: &'static str,
    pub(crate) name: &'static str,
    pub(crate) feature: &'static str,
    pub(crate) shape: Shape,
}

impl Counterpart {
    pub(crate) fn path(&self) -> String {
        format!("{}{}", self.module, self.name)
    }
}

/// `std::fs` functions that every runtime's `fs` module mirrors, name for name.
static FS_FUNCTIONS: &[&str] = &[
    "read",
    "read_to_string",
    "write",
    "read_dir",
    "create_dir",
    "create_dir_all",
    "remove_file",
    "remove_dir",
    "remove_dir_all",
    "copy",
    "rename",
    "metadata",
    "symlink_metadata",
    "canonicalize",
    "hard_link",
    "read_link",
    "set_permissions",
];

/// The counterpart of the std free function `item` (`std::thread::sleep`,
/// `std::fs::read`) on `runtime`.
pub(crate) fn counterpart(runtime: FixRuntime, item: &str) -> Option<Counterpart> {
    use FixRuntime::*;
    let (module, name, feature, shape) = if item == "std::thread::sleep" {
        match runtime {
            Tokio => ("tokio::time::", "sleep", "time", Shape::Same),
            AsyncStd => ("async_std::task::", "sleep", "default", Shape::Same),
            Smol => ("smol::Timer::", "after", "", Shape::SameAsStatement),
        }
    } else {
        let name = item.strip_prefix("std::fs::")?;
        let name = *FS_FUNCTIONS.iter().find(|known| **known == name)?;
        let shape = match (runtime, name) {
            (_, "read_dir") | (AsyncStd, _) => Shape::Differs,
            _ => Shape::Same,
        };
        match runtime {
            Tokio => ("tokio::fs::", name, "fs", shape),
            AsyncStd => ("async_std::fs::", name, "default", shape),
            Smol => ("smol::fs::", name, "", shape),
        }
    };
    Some(Counterpart {
        module,
        name,
        feature,
        shape,
    })
}

/// Where `runtime` runs blocking code.
pub(crate) fn offloader(runtime: FixRuntime) -> &'static str {
    match runtime {
        FixRuntime::Tokio => "tokio::task::spawn_blocking",
        FixRuntime::AsyncStd => "async_std::task::spawn_blocking",
        FixRuntime::Smol => "smol::unblock",
    }
}

/// The package name of `runtime`, and the features that turn every other on (`full`).
pub(crate) fn package(runtime: FixRuntime) -> (&'static str, &'static [&'static str]) {
    match runtime {
        FixRuntime::Tokio => ("tokio", &["full"]),
        FixRuntime::AsyncStd => ("async-std", &["docs"]),
        FixRuntime::Smol => ("smol", &[]),
    }
}
