//! The `gongkai` command: wires configuration and hands over to the library.

fn main() -> std::process::ExitCode {
    gongkai::main()
}
