//! Render the ANB stack: `cargo run --example anb [-- OPTIONS]` (`-- --help` lists them).

use std::process::ExitCode;

fn main() -> ExitCode {
    emit::cli::main(stacks::anb::project())
}
