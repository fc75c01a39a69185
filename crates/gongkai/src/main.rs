//! The `gongkai` command: wires configuration and hands over to the library.

// glibc's malloc was a fifth of an uncached list page's CPU (its free lists consolidated
// on the request threads); mimalloc keeps per-thread heaps for the many small, short-lived
// strings and rows a request makes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gongkai::main()
}
