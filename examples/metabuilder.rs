//! Render the metabuilder stack: `cargo run --example metabuilder [-- OPTIONS]` (`-- --help` lists them).

use std::process::ExitCode;

fn main() -> ExitCode {
    emit::cli::main(stacks::metabuilder::project())
}
