//! Render the NEOSALE stack: `cargo run --example neosale [-- --check | --out DIR | --help]`.

use std::process::ExitCode;

fn main() -> ExitCode {
    emit::cli::main(stacks::neosale::project())
}
