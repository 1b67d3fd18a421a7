//! The hostile-input generator (issue 15): every family of input that once took the whole
//! run down, each at a size the caller picks. A family is a unit repeated `n` times inside
//! a frame that makes it a complete file; `crashed_at` is the smallest size that aborted,
//! hung or exhausted the run before the bound on nesting was read from the tokens (the
//! full-size test runs each at ten times that).

use std::fmt::Write as _;

pub(super) struct Family {
    pub(super) name: &'static str,
    /// The size (repetitions) that aborted the run before issue 15.
    pub(super) crashed_at: usize,
    make: fn(usize) -> String,
}

impl Family {
    pub(super) fn file(&self) -> String {
        format!("{}.rs", self.name)
    }

    /// The family at size `n`, with an async fn: a file that mentions async is parsed
    /// whatever the size of the run.
    pub(super) fn text(&self, n: usize) -> String {
        let mut text = (self.make)(n);
        text.push_str("async fn parsed() {}\n");
        text
    }
}

/// `unit` repeated `n` times as the value of a `let` in a fn body.
fn in_let(unit: &str, tail: &str, n: usize) -> String {
    format!("fn main() {{\n    let x = {}{tail};\n}}\n", unit.repeat(n))
}

/// `unit` repeated `n` times in front of `tail`, as a type alias.
fn in_type(unit: &str, n: usize) -> String {
    format!("type T<'a> = {}u8;\n", unit.repeat(n))
}

/// `open` `n` times, `middle`, then `close` `n` times.
fn nested(open: &str, middle: &str, close: &str, n: usize) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * n + middle.len());
    for _ in 0..n {
        s.push_str(open);
    }
    s.push_str(middle);
    for _ in 0..n {
        s.push_str(close);
    }
    s
}

pub(super) const FAMILIES: &[Family] = &[
    // Brackets and generics: the families the first pre-check counted.
    Family {
        name: "parens",
        crashed_at: 100_000,
        make: |n| in_let(&"(".repeat(n), &format!("1{}", ")".repeat(n)), 1),
    },
    Family {
        name: "blocks",
        crashed_at: 100_000,
        make: |n| format!("fn main() {}\n", nested("{", "", "}", n)),
    },
    Family {
        name: "mods",
        crashed_at: 3_000,
        make: |n| nested("mod m { ", "fn f() {}", " }", n),
    },
    Family {
        name: "generics",
        crashed_at: 100_000,
        make: |n| format!("type T = {};\n", nested("A<", "u8", ">", n)),
    },
    Family {
        name: "vec_macros",
        crashed_at: 100_000,
        make: |n| in_let(&nested("vec![", "1", "]", n), "", 1),
    },
    // Prefix operators.
    Family {
        name: "not",
        crashed_at: 1_000_000,
        make: |n| in_let("!", "x", n),
    },
    Family {
        name: "neg",
        crashed_at: 1_000_000,
        make: |n| in_let("- ", "x", n),
    },
    Family {
        name: "deref",
        crashed_at: 1_000_000,
        make: |n| in_let("*", "x", n),
    },
    Family {
        name: "refs",
        crashed_at: 1_000_000,
        make: |n| in_let("&", "x", n),
    },
    Family {
        name: "ref_mut",
        crashed_at: 1_000_000,
        make: |n| in_let("&mut ", "x", n),
    },
    Family {
        name: "raw_const",
        crashed_at: 1_000_000,
        make: |n| in_let("&raw const ", "x", n),
    },
    // Closures.
    Family {
        name: "closures",
        crashed_at: 100_000,
        make: |n| in_let("|x| ", "1", n),
    },
    Family {
        name: "bare_closures",
        crashed_at: 100_000,
        make: |n| in_let("|| ", "1", n),
    },
    Family {
        name: "move_closures",
        crashed_at: 100_000,
        make: |n| in_let("move || ", "1", n),
    },
    Family {
        name: "async_closures",
        crashed_at: 100_000,
        make: |n| in_let("async || ", "1", n),
    },
    Family {
        name: "closure_params",
        crashed_at: 100_000,
        make: |n| in_let("|a, b| ", "1", n),
    },
    // Jumps.
    Family {
        name: "breaks",
        crashed_at: 100_000,
        make: |n| format!("fn main() {{\n    loop {{ {}1 }}\n}}\n", "break ".repeat(n)),
    },
    Family {
        name: "returns",
        crashed_at: 100_000,
        make: |n| in_let("return ", "1", n),
    },
    Family {
        name: "yields",
        crashed_at: 100_000,
        make: |n| in_let("yield ", "1", n),
    },
    // Right-recursive and long binary chains.
    Family {
        name: "assignments",
        crashed_at: 1_000_000,
        make: |n| format!("fn main() {{\n    {}a;\n}}\n", "a = ".repeat(n)),
    },
    Family {
        name: "compound_assignments",
        crashed_at: 1_000_000,
        make: |n| format!("fn main() {{\n    {}a;\n}}\n", "a += ".repeat(n)),
    },
    Family {
        name: "sums",
        crashed_at: 10_000_000,
        make: |n| in_let(" + a", "", n).replacen("= ", "= a", 1),
    },
    Family {
        name: "conjunctions",
        crashed_at: 10_000_000,
        make: |n| in_let(" && a", "", n).replacen("= ", "= a", 1),
    },
    Family {
        name: "method_chain",
        crashed_at: 5_000_000,
        make: |n| in_let(".f()", "", n).replacen("= ", "= a", 1),
    },
    Family {
        name: "await_chain",
        crashed_at: 5_000_000,
        make: |n| format!("async fn g() {{\n    x{};\n}}\n", ".await".repeat(n)),
    },
    Family {
        name: "else_ifs",
        crashed_at: 3_000_000,
        make: |n| {
            let mut s = String::from("fn main() {\n    if a { 1 }");
            for i in 0..n {
                write!(s, " else if a{i} {{ 1 }}").unwrap();
            }
            s.push_str(" else { 2 };\n}\n");
            s
        },
    },
    // Patterns.
    Family {
        name: "ref_mut_bindings",
        crashed_at: 1_000_000,
        make: |n| {
            format!(
                "fn main() {{\n    let {}_ = 1;\n}}\n",
                "ref mut a @ ".repeat(n)
            )
        },
    },
    Family {
        name: "reference_patterns",
        crashed_at: 1_000_000,
        make: |n| format!("fn main() {{\n    let {}_ = 1;\n}}\n", "&mut ".repeat(n)),
    },
    // Types.
    Family {
        name: "fn_pointer_types",
        crashed_at: 100_000,
        make: |n| in_type("fn() -> ", n),
    },
    Family {
        name: "reference_types",
        crashed_at: 100_000,
        make: |n| in_type("&'a ", n),
    },
    Family {
        name: "pointer_types",
        crashed_at: 100_000,
        make: |n| in_type("*const ", n),
    },
    Family {
        name: "dyn_fn_types",
        crashed_at: 100_000,
        make: |n| in_type("dyn Fn() -> ", n),
    },
    Family {
        name: "impl_fn_types",
        crashed_at: 100_000,
        make: |n| format!("fn f() -> {}u8 {{}}\n", "impl Fn() -> ".repeat(n)),
    },
    // Items nested in blocks: each block's items were cloned for the block (quadratic).
    Family {
        name: "nested_fns",
        crashed_at: 1_990,
        make: |n| format!("{}\n", nested("fn f() { ", "", " }", n)),
    },
];
