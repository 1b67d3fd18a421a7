//! Stage timings on stderr, for measuring where a run's time goes: set `ASYNC_LINT_TRACE=1`.
//! Each stage prints its wall time, the CPU time of the whole process over it (all threads:
//! more CPU than wall means the stage ran in parallel) and when it ended, counted from the
//! first stage. Work done file by file on worker threads (reading, the prefilter, parsing)
//! is summed over the files into `counters`, printed at the end of the run.
//! Off, a stage costs one load of a flag.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// When tracing started (the first stage), or `None` when tracing is off.
fn start() -> Option<Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    *START.get_or_init(|| {
        std::env::var_os("ASYNC_LINT_TRACE")
            .is_some_and(|value| !value.is_empty() && value != "0")
            .then(Instant::now)
    })
}

/// Whether stage timings are printed.
pub(crate) fn on() -> bool {
    start().is_some()
}

/// The CPU time of the process so far, all threads (user and system), from
/// `/proc/self/stat`; zero where there is none.
fn cpu() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // The command name (field 2) may hold spaces: fields are counted after its `)`.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return Duration::ZERO;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15, in clock ticks (100 a second on Linux).
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// Runs `stage`, printing its timings when tracing is on.
pub(crate) fn timed<T>(name: &str, stage: impl FnOnce() -> T) -> T {
    let Some(origin) = start() else {
        return stage();
    };
    let (wall, cpu_before) = (Instant::now(), cpu());
    let value = stage();
    let elapsed = wall.elapsed();
    let used = cpu().saturating_sub(cpu_before);
    eprintln!(
        "async-lint trace: {name:<28} wall {:>8.1} ms  cpu {:>8.1} ms  (ends at {:>8.1} ms, peak {} MiB)",
        ms(elapsed),
        ms(used),
        ms(origin.elapsed()),
        peak_mib()
    );
    value
}

/// The process's peak resident memory so far (`VmHWM`), in MiB; 0 where unknown.
fn peak_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Time summed over files on worker threads, by kind of work.
pub(crate) struct Counter {
    name: &'static str,
    nanos: AtomicU64,
    count: AtomicU64,
    /// The longest single piece of work.
    longest: AtomicU64,
}

impl Counter {
    const fn new(name: &'static str) -> Counter {
        Counter {
            name,
            nanos: AtomicU64::new(0),
            count: AtomicU64::new(0),
            longest: AtomicU64::new(0),
        }
    }

    /// Runs `work`, adding its time to the counter when tracing is on.
    pub(crate) fn time<T>(&self, work: impl FnOnce() -> T) -> T {
        if !on() {
            return work();
        }
        let at = Instant::now();
        let value = work();
        let nanos = u64::try_from(at.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.nanos.fetch_add(nanos, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
        self.longest.fetch_max(nanos, Ordering::Relaxed);
        value
    }
}

pub(crate) static READ: Counter = Counter::new("read (per file)");
pub(crate) static PREFILTER: Counter = Counter::new("prefilter (per file)");
pub(crate) static PARSE: Counter = Counter::new("parse+walk (per file)");
pub(crate) static BRACKETS: Counter = Counter::new("bracket check (per file)");
pub(crate) static SCAN: Counter = Counter::new("name scan (per file)");
pub(crate) static ABSOLUTE: Counter = Counter::new("absolute path (per file)");
pub(crate) static LINK_MODEL: Counter = Counter::new("link: model+resolve (group)");
pub(crate) static LINK_REACH: Counter = Counter::new("link: reach (group)");
pub(crate) static LINK_GUARDS: Counter = Counter::new("link: guards (group)");
pub(crate) static LINK_RUNTIMES: Counter = Counter::new("link: runtimes (group)");
pub(crate) static LINK_GROUP: Counter = Counter::new("link: whole (group)");
pub(crate) static FINISH: Counter = Counter::new("finish (per file)");

/// Prints the per-file counters (summed thread time).
pub(crate) fn counters() {
    if !on() {
        return;
    }
    for counter in [
        &READ,
        &PREFILTER,
        &BRACKETS,
        &PARSE,
        &SCAN,
        &ABSOLUTE,
        &LINK_MODEL,
        &LINK_REACH,
        &LINK_GUARDS,
        &LINK_RUNTIMES,
        &LINK_GROUP,
        &FINISH,
    ] {
        eprintln!(
            "async-lint trace: {:<28} sum  {:>8.1} ms  over {} (longest {:.1} ms)",
            counter.name,
            counter.nanos.load(Ordering::Relaxed) as f64 / 1e6,
            counter.count.load(Ordering::Relaxed),
            counter.longest.load(Ordering::Relaxed) as f64 / 1e6
        );
    }
}
