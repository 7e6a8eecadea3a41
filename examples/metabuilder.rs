//! Render the metabuilder stack: `cargo run --example metabuilder [-- --check | --out DIR | --help]`.

use std::process::ExitCode;

fn main() -> ExitCode {
    emit::cli::main(stacks::metabuilder::project())
}
