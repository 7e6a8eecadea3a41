//! The options of the command line, parsed with clap's builder (the possible targets and
//! environments are the project's own, known only at run time).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command, value_parser};

/// What a run does with the rendered files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bring the output directory up to date.
    Write,
    /// Compare, print unified diffs, exit 1 when stale; never write.
    Check,
    /// Print what writing would change; never write.
    Diff,
}

/// How the run reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Lines for people.
    Text,
    /// One JSON object on standard output, for tools.
    Json,
}

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The output directory.
    pub out: PathBuf,
    /// Write, check or diff.
    pub mode: Mode,
    /// The selected targets; empty for every target.
    pub targets: Vec<String>,
    /// The selected environments; empty for every environment.
    pub environments: Vec<String>,
    /// Text or JSON.
    pub format: Format,
    /// Print only errors (and, with `--check`, the line saying the files are stale).
    pub quiet: bool,
    /// Write changes Kubernetes refuses to apply in place; their steps were followed.
    pub acknowledge_recreate: bool,
}

const EXIT_STATUS: &str = "Exit status:\n  \
    0  success (--diff: whether or not files would change)\n  \
    1  --check found stale files\n  \
    2  invalid stack, bad arguments, a target that cannot render, or an I/O error";

/// The clap command of a project whose targets and environments are `targets` and `environments`.
pub fn command(
    project: &str,
    regenerate: &str,
    default_out: &str,
    targets: &[&str],
    environments: &[String],
) -> Command {
    let names = |list: &[String]| list.join(", ");
    Command::new(project.to_string())
        .bin_name(crate::regenerate::before_arguments(regenerate))
        .about(format!("Render the {project} stack for every environment and target, or the ones selected."))
        .after_help(format!(
            "{EXIT_STATUS}\n\nTargets: {}. Environments: {}.\nA file several environments share (render.yaml, \
             .railway/, the workflows) belongs to every selection of its target; DEPLOY.md is written and checked \
             when nothing is selected.",
            targets.join(", "),
            names(environments)
        ))
        .disable_version_flag(true)
        .arg(
            Arg::new("out")
                .long("out")
                .value_name("DIR")
                .value_parser(value_parser!(PathBuf))
                .default_value(default_out.to_string())
                .help("The output directory, inside the repository"),
        )
        .arg(
            Arg::new("check")
                .long("check")
                .action(ArgAction::SetTrue)
                .conflicts_with("diff")
                .help("Compare the output directory with what the stack renders; print unified diffs and exit 1 when it is stale. Never writes"),
        )
        .arg(
            Arg::new("diff")
                .long("diff")
                .action(ArgAction::SetTrue)
                .help("Print the unified diff of what writing would change, without writing"),
        )
        .arg(
            Arg::new("target")
                .long("target")
                .value_name("TARGET")
                .action(ArgAction::Append)
                .value_delimiter(',')
                .value_parser(PossibleValuesParser::new(targets.iter().map(|t| t.to_string())))
                .help("Only these targets (repeatable or comma-separated)"),
        )
        .arg(
            Arg::new("env")
                .long("env")
                .value_name("ENV")
                .action(ArgAction::Append)
                .value_delimiter(',')
                .value_parser(PossibleValuesParser::new(environments.iter().cloned()))
                .help("Only these environments (repeatable or comma-separated)"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .value_parser(["text", "json"])
                .default_value("text")
                .help("text, or json: one object listing files added, changed, removed and unchanged, warnings and errors"),
        )
        .arg(
            Arg::new("quiet")
                .long("quiet")
                .short('q')
                .action(ArgAction::SetTrue)
                .help("Print only errors (with --check, also the line saying the files are stale)"),
        )
        .arg(
            Arg::new("acknowledge-recreate")
                .long("acknowledge-recreate")
                .action(ArgAction::SetTrue)
                .help("Write changes Kubernetes refuses to apply in place (a StatefulSet's claims, a selector), after following the steps a refused write prints"),
        )
}

/// Parse `args` (without the program name) against `command`.
pub fn parse(command: Command, args: impl IntoIterator<Item = OsString>) -> Result<Request, clap::Error> {
    let matches = command.no_binary_name(true).try_get_matches_from(args)?;
    let mode = if matches.get_flag("check") {
        Mode::Check
    } else if matches.get_flag("diff") {
        Mode::Diff
    } else {
        Mode::Write
    };
    let list = |name: &str| -> Vec<String> {
        let mut values: Vec<String> = Vec::new();
        for value in matches.get_many::<String>(name).into_iter().flatten() {
            if !values.contains(value) {
                values.push(value.clone());
            }
        }
        values
    };
    let format = match matches.get_one::<String>("format").map(String::as_str) {
        Some("json") => Format::Json,
        _ => Format::Text,
    };
    Ok(Request {
        out: matches.get_one::<PathBuf>("out").cloned().unwrap_or_default(),
        mode,
        targets: list("target"),
        environments: list("env"),
        format,
        quiet: matches.get_flag("quiet"),
        acknowledge_recreate: matches.get_flag("acknowledge-recreate"),
    })
}

/// Whether `args` ask for `--format json`, read without the project's command (which needs the
/// project's environments): `--format json` or `--format=json`.
pub fn asks_for_json(args: &[String]) -> bool {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.windows(2).any(|w| w == ["--format", "json"]) || args.contains(&"--format=json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Request, clap::Error> {
        let envs = ["dev".to_string(), "production".to_string()];
        let command = command("shop", "cargo run --example shop", "golden/shop", &["compose", "kubernetes"], &envs);
        parse(command, args.iter().map(OsString::from))
    }

    #[test]
    fn modes_directories_and_selections() {
        let plain = parsed(&[]).unwrap();
        assert_eq!((plain.mode, plain.out.to_str(), plain.format), (Mode::Write, Some("golden/shop"), Format::Text));
        let check = parsed(&["--out", "deploy", "--check"]).unwrap();
        assert_eq!((check.mode, check.out.to_str()), (Mode::Check, Some("deploy")));
        assert_eq!(parsed(&["--diff", "--out=deploy"]).unwrap().mode, Mode::Diff);
        let selected =
            parsed(&["--target", "kubernetes,compose", "--env", "production", "--target", "compose"]).unwrap();
        assert_eq!(selected.targets, ["kubernetes", "compose"]);
        assert_eq!(selected.environments, ["production"]);
        let json = parsed(&["--format", "json", "-q"]).unwrap();
        assert!(json.quiet && json.format == Format::Json);
    }

    #[test]
    fn mistakes_are_errors_that_say_what_is_valid() {
        // `--out` never takes the next option as its directory.
        let missing = parsed(&["--out", "--check"]).unwrap_err().to_string();
        assert!(missing.contains("a value is required for '--out <DIR>'"), "{missing}");
        let target = parsed(&["--target", "helm"]).unwrap_err().to_string();
        assert!(target.contains("[possible values: compose, kubernetes]"), "{target}");
        let env = parsed(&["--env", "dev,qa"]).unwrap_err().to_string();
        assert!(env.contains("invalid value 'qa'") && env.contains("[possible values: dev, production]"), "{env}");
        assert!(parsed(&["--check", "--diff"]).is_err());
        assert!(parsed(&["--check", "golden/shop"]).is_err(), "the directory is given with --out");
        let help = parsed(&["--help"]).unwrap_err();
        assert_eq!(help.kind(), clap::error::ErrorKind::DisplayHelp);
        let text = help.to_string();
        for option in ["--out", "--check", "--diff", "--target", "--env", "--format", "--quiet", "Exit status:"] {
            assert!(text.contains(option), "--help does not mention {option}:\n{text}");
        }
    }
}
