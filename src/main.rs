//! The `async-lint` binary: parse the arguments, run, print, exit.
//! Exit status: 0 nothing reported, 1 findings, 2 a usage error or a file that could not
//! be read or parsed.

// glibc's allocator contends across parsing threads; mimalloc does not (FACTS.md: -26%).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    no_huge_pages();
    async_lint::cli::main()
}

/// Asks Linux not to back this process's memory with transparent huge pages: where they are
/// on for all memory, each first touch of 2 MiB zeroes it whole, and the allocator's freed
/// and reused memory is zeroed again and again.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: `prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)` reads no memory of ours and changes
    // only how the kernel backs this process's pages; an error (an old kernel) is ignored.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
