//! The `stackwright` command: `import` turns docker-compose files into a Rust stack module,
//! `render` renders a stack file (JSON or YAML) with the options every renderer takes.

mod import;
mod render;

use std::process::ExitCode;

use clap::Command;

const EXIT_STATUS: &str = "Exit status: 0 success; 1 `render --check` found stale files; 2 bad arguments, \
    unreadable or invalid files, a target that cannot render, or an I/O error.";

fn command() -> Command {
    Command::new("stackwright")
        .about("Start a stack from docker-compose files, or render a stack file for every target.")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(EXIT_STATUS)
        .subcommand(import::command())
        .subcommand(render::command())
}

fn main() -> ExitCode {
    // clap prints help (exit 0) or a usage error (exit 2) itself.
    match command().get_matches().subcommand() {
        Some(("import", matches)) => import::run(matches),
        Some(("render", matches)) => render::run(matches),
        _ => unreachable!("clap requires one of the subcommands above"),
    }
}
