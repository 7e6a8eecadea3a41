//! Render the wisebet stack: `cargo run --example wisebet [-- OPTIONS]` (`-- --help` lists them).

use std::process::ExitCode;

fn main() -> ExitCode {
    emit::cli::main(stacks::wisebet::project())
}
