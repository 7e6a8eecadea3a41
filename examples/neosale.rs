//! Render the NEOSALE stack: `cargo run --example neosale [-- OPTIONS]` (`-- --help` lists them).

use std::process::ExitCode;

fn main() -> ExitCode {
    emit::cli::main(stacks::neosale::project())
}
