//! `stackwright render FILE [OPTIONS]`: a stack file (JSON or YAML, `emit::stack_file`) rendered
//! by the same run as every renderer (`emit::cli`), so the options, output and exit status are
//! those of `cargo run --example NAME -- OPTIONS`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

/// The `render` subcommand. The options after the file are the renderer's, parsed by `emit::cli`
/// once the file says which environments the project has; they may follow a `--`, as in the
/// command the generated files' headers quote. `--help` after the file is the renderer's help.
pub fn command() -> Command {
    Command::new("render")
        .about(
            "Render a stack file (JSON or YAML, described by stack-dsl/stack.schema.json) for every environment and \
             target, or the ones selected, as `cargo run --example NAME -- OPTIONS` renders a Rust stack",
        )
        .override_usage("stackwright render <FILE> [OPTIONS]...")
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::SetTrue)
                .help("Print help; after FILE, the renderer's options with the file's targets and environments"),
        )
        .arg(
            Arg::new("file")
                .value_name("FILE")
                .required_unless_present("help")
                .value_parser(value_parser!(PathBuf))
                .help("The stack file: .json, .yaml or .yml"),
        )
        .arg(
            Arg::new("options")
                .value_name("OPTIONS")
                .num_args(0..)
                .trailing_var_arg(true)
                .allow_hyphen_values(true)
                .help(
                    "The renderer's options: --out DIR, --check, --diff, --target T, --env E, --format json, \
                     --quiet, --acknowledge-recreate (`stackwright render FILE --help`)",
                ),
        )
}

/// Load the stack file `matches` names and render it with the options that follow it.
pub fn run(matches: &ArgMatches) -> ExitCode {
    let Some(file) = matches.get_one::<PathBuf>("file") else {
        // `stackwright render --help`: this subcommand's own help.
        let mut stackwright = crate::command();
        stackwright.build();
        if let Some(render) = stackwright.find_subcommand_mut("render") {
            let _ = render.print_help();
        }
        return ExitCode::SUCCESS;
    };
    let mut options: Vec<String> = matches.get_many::<String>("options").into_iter().flatten().cloned().collect();
    if matches.get_flag("help") {
        options.push("--help".into());
    }
    match emit::stack_file::read(file) {
        Ok(project) => emit::cli::run(&project, &options),
        Err(error) => emit::cli::fail_before_run(&options, &error.to_string()),
    }
}
