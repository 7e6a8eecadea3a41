//! Render the feature-models stack: `cargo run --example feature-models [-- OPTIONS]` (`-- --help` lists them).

use std::process::ExitCode;

fn main() -> ExitCode {
    emit::cli::main(stacks::feature_models::project())
}
