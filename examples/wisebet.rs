//! Render the wisebet stack: `cargo run --example wisebet [-- --check | --out DIR | --help]`.

use std::process::ExitCode;

fn main() -> ExitCode {
    emit::cli::main(stacks::wisebet::project())
}
