//! The `gongkai` command: wires configuration and hands over to the library.

/// mimalloc: indexing allocates a string per token, and glibc's malloc and free took 17 % of
/// its instructions; it also returns memory to the system more readily under many threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gongkai::main()
}
