//! The naive baseline: walk the paths for `*.rs` files (skipping hidden directories and
//! `target/`, as async-lint does), then on N threads `syn::parse_file` every file and walk
//! its whole tree with `syn::visit`, counting `async` functions and `.await`s so the work
//! cannot be optimized away. Nothing is filtered before parsing.
//!
//! usage: async-lint-bench-baseline [--threads N] PATH...

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use syn::visit::{self, Visit};

#[derive(Default)]
struct Counts {
    files: usize,
    parse_errors: usize,
    async_fns: usize,
    awaits: usize,
    lines_of_awaits: usize,
}

impl<'ast> Visit<'ast> for Counts {
    fn visit_signature(&mut self, sig: &'ast syn::Signature) {
        if sig.asyncness.is_some() {
            self.async_fns += 1;
        }
        visit::visit_signature(self, sig);
    }

    fn visit_expr_await(&mut self, expr: &'ast syn::ExprAwait) {
        self.awaits += 1;
        // Resolve a position, as a linter reporting findings would.
        self.lines_of_awaits += expr.await_token.span.start().line;
        visit::visit_expr_await(self, expr);
    }
}

fn walk(path: &Path, out: &mut Vec<PathBuf>) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !name.starts_with('.') && name != "target" {
                walk(&path, out);
            }
        } else if kind.is_file() && name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut threads = 2usize;
    let mut paths = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "--threads" {
            threads = args
                .next()
                .and_then(|n| n.parse().ok())
                .expect("--threads N");
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    let mut files = Vec::new();
    for path in &paths {
        walk(path, &mut files);
    }
    files.sort();

    let next = AtomicUsize::new(0);
    let totals: Vec<Counts> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(64 << 20)
                    .spawn_scoped(scope, || {
                        let mut counts = Counts::default();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(path) = files.get(i) else { break };
                            counts.files += 1;
                            let Ok(text) = std::fs::read_to_string(path) else {
                                counts.parse_errors += 1;
                                continue;
                            };
                            match syn::parse_file(&text) {
                                Ok(file) => counts.visit_file(&file),
                                Err(_) => counts.parse_errors += 1,
                            }
                        }
                        counts
                    })
                    .expect("spawn worker")
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("worker"))
            .collect()
    });
    let mut sum = Counts::default();
    for c in totals {
        sum.files += c.files;
        sum.parse_errors += c.parse_errors;
        sum.async_fns += c.async_fns;
        sum.awaits += c.awaits;
        sum.lines_of_awaits += c.lines_of_awaits;
    }
    println!(
        "{} files, {} not parsed, {} async fns, {} awaits (line sum {})",
        sum.files, sum.parse_errors, sum.async_fns, sum.awaits, sum.lines_of_awaits
    );
}
