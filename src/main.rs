//! The `pointsim` command: parse arguments, call the library, map errors to exit codes.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
