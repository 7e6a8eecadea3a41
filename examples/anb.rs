//! Render the ANB stack: `cargo run --example anb [-- --check | --out DIR | --help]`.

use std::process::ExitCode;

fn main() -> ExitCode {
    emit::cli::main(stacks::anb::project())
}
