// temporary: not committed
fn generate(family: &str, n: usize) -> String {
    let body = |e: String| format!("async fn f() {{\n    let x = {e};\n    g().await;\n}}\n");
    let r = |s: &str| s.repeat(n);
    match family {
        "parens" => body(format!("{}1{}", r("("), r(")"))),
        "blocks" => body(format!("{}1{}", r("{"), r("}"))),
        "closure" => body(format!("{}1", r("|x| "))),
        "move" => body(format!("{}1", r("move || "))),
        "asyncc" => body(format!("{}1", r("async || "))),
        "break" => body(format!("loop {{ {}1 }}", r("break "))),
        "return" => body(format!("{}1", r("return "))),
        "yield" => body(format!("{}1", r("yield "))),
        "assign" => body(format!("{{ {}a }}", r("a = "))),
        "addassign" => body(format!("{{ {}a }}", r("a += "))),
        "refmut" => body(format!("{}a", r("&mut "))),
        "rawconst" => body(format!("{}a", r("&raw const "))),
        "not" => body(format!("{}a", r("!"))),
        "neg" => body(format!("{}a", r("- "))),
        "plus" => body(format!("a{}", r(" + a"))),
        "andand" => body(format!("a{}", r(" && a"))),
        "method" => body(format!("a{}", r(".f()"))),
        "await" => body(format!("a{}", r(".await"))),
        "field" => body(format!("a{}", r(".b"))),
        "index" => body(format!("a{}", r("[0]"))),
        "try" => body(format!("a{}", r("?"))),
        "cast" => body(format!("a{}", r(" as u8"))),
        "range" => body(format!("a{}", r(" .. a"))),
        "elseif" => body(format!(
            "if a {{ 1 }}{} else {{ 2 }}",
            r(" else if a { 1 }")
        )),
        "pat_at" => format!("fn f() {{ let {}_ = 1; }}\n", r("ref mut a @ ")),
        "pat_ref" => format!("fn f() {{ let {}_ = 1; }}\n", r("&mut ")),
        "ty_fn" => format!("type T = {}u8;\n", r("fn() -> ")),
        "ty_ref" => format!("type T<'a> = {}u8;\n", r("&'a ")),
        "ty_ptr" => format!("type T = {}u8;\n", r("*const ")),
        "ty_dyn" => format!("type T = {}u8;\n", r("dyn Fn() -> ")),
        "ty_impl" => format!("fn f() -> {}u8 {{}}\n", r("impl Fn() -> ")),
        "ty_angle" => format!("type T = {}u8{};\n", r("A<"), r(">")),
        "ty_slice" => format!("type T = {}u8{};\n", r("["), r("]")),
        "mods" => format!("{}fn f() {{}}{}\n", r("mod m { "), r(" }")),
        "fns" => format!("{}{}\n", r("fn f() { "), r(" }")),
        "vec" => body(format!("{}1{}", r("vec!["), r("]"))),
        "unsafe" => body(format!("{}1{}", r("unsafe { "), r(" }"))),
        "asyncblk" => body(format!("{}1{}", r("async { "), r(" }"))),
        "call" => body(format!("{}1{}", r("f("), r(")"))),
        "tuple" => body(format!("{}1{}", r("(1, "), r(")"))),
        "array" => body(format!("{}1{}", r("[1, "), r("]"))),
        "matchs" => body(format!("{}1{}", r("match a { _ => "), r(" }"))),
        "ifs" => body(format!("{}1{}", r("if a { "), r(" } else { 2 }"))),
        "letelse" => body(format!("{}1{}", r("{ let a = "), r("; a }"))),
        "closureblk" => body(format!("{}1{}", r("|| { "), r(" }"))),
        "attr" => body(format!("{}1", r("#[a] "))),
        _ => panic!("family"),
    }
}
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let n: usize = a[2].parse().unwrap();
    let mib: usize = a[3].parse().unwrap();
    let text = generate(&a[1], n);
    if a.len() > 4 {
        print!("{text}");
        return;
    }
    let d = stacker::grow(mib << 20, || {
        async_lint::lint_source("x.rs", &text, &Default::default())
    });
    println!("ok {}", d.len());
}
