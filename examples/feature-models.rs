//! Render the feature-models stack: `cargo run --example feature-models [-- --check | --out DIR | --help]`.

use std::process::ExitCode;

fn main() -> ExitCode {
    emit::cli::main(stacks::feature_models::project())
}
