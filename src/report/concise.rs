//! `--format concise`: `path:line:col: level[rule] message`, one finding per line, then
//! the largest groups of findings that reach the same blocking operation, one line each.

use crate::runner::Report;

pub(super) fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for d in &report.diagnostics {
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            d.file,
            d.span.start.line,
            d.span.start.column,
            d.level.severity(),
            d.rule.name(),
            d.message
        )?;
    }
    out.write_all(super::roots::summary_lines(&report.diagnostics).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample;

    fn render(report: &Report) -> Vec<u8> {
        let mut out = Vec::new();
        write(report, &mut out).unwrap();
        out
    }

    #[test]
    fn one_line_per_finding() {
        let out = String::from_utf8(render(&sample())).unwrap();
        assert_eq!(
            out,
            "src/a.rs:2:5: warning[blocking_sleep] `std::thread::sleep` blocks the executor thread\n\
             src/b.rs:1:1: error[parse_error] could not read `src/b.rs`: permission denied\n"
        );
    }
}
