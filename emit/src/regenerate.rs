//! The command that renders a project's files into their output directory: quoted in every
//! generated file's header and run, with `--check`, by the pipeline's stale-file job, so the two
//! are made here, once, and agree when the output directory is not the default.

use stack_dsl::ValidProject;

use crate::options::Options;

/// Where the command line writes a project's files unless `--out` says otherwise, from the
/// repository root: `golden/<project>`.
pub fn default_output_dir(project: &str) -> String {
    format!("golden/{project}")
}

/// The project's regenerate command (`cargo run --example <project>` unless
/// `Project::regenerate_with` says otherwise) with the command-line options that render into
/// `options`' output directory, followed by `extra` options (such as `--check`). The options
/// are appended after `--`, which is why a command of the project's own must pass them on to
/// `emit::cli::main`.
pub fn command(project: &ValidProject, options: &Options, extra: &[&str]) -> String {
    let mut arguments: Vec<String> = Vec::new();
    if options.output_dir() != default_output_dir(project.name()) {
        arguments.extend(["--out".to_string(), options.output_dir().to_string()]);
    }
    arguments.extend(extra.iter().map(|a| a.to_string()));
    with_arguments(project.regenerate_command(), &arguments.join(" "))
}

/// `base` followed by the program's `arguments` (none: `base` itself).
pub fn with_arguments(base: &str, arguments: &str) -> String {
    if arguments.is_empty() { base.to_string() } else { format!("{} {arguments}", before_arguments(base)) }
}

/// `base` ready for the program's arguments: followed by the `--` that ends cargo's own options,
/// unless `base` already passes arguments to the program (`cargo run --example scale --
/// --services 10`), where a second `--` would end the program's options instead.
pub fn before_arguments(base: &str) -> String {
    match base.split_whitespace().any(|word| word == "--") {
        true => base.to_string(),
        false => format!("{base} --"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use stack_dsl::{Env, Image, Project, Service, Stack};

    use super::*;

    fn project() -> ValidProject {
        Project::new("shop", [Env::Dev], |_| {
            let mut stack = Stack::new("shop");
            stack.add_service(Service::new("web", Image::new("nginx:1.27-alpine")));
            stack
        })
        .validate()
        .unwrap()
    }

    #[test]
    fn the_output_directory_is_carried_unless_it_is_the_default() {
        let project = project();
        let default = Options::for_output_dir(Path::new("golden/shop")).unwrap();
        assert_eq!(command(&project, &default, &[]), "cargo run --example shop");
        assert_eq!(command(&project, &default, &["--check"]), "cargo run --example shop -- --check");
        let deploy = Options::for_output_dir(Path::new("./deploy")).unwrap();
        assert_eq!(command(&project, &deploy, &[]), "cargo run --example shop -- --out deploy");
        assert_eq!(command(&project, &deploy, &["--check"]), "cargo run --example shop -- --out deploy --check");
    }

    /// A command that already passes the program arguments gets no second `--`, which would
    /// turn `--out` into a positional argument the command line refuses.
    #[test]
    fn a_command_passing_arguments_already_gets_no_second_separator() {
        let scale = "cargo run --release --example scale -- --services 10000";
        assert_eq!(with_arguments(scale, "--out x"), format!("{scale} --out x"));
        assert_eq!(
            with_arguments("stackwright render shop.yaml", "--check"),
            "stackwright render shop.yaml -- --check"
        );
        assert_eq!(with_arguments(scale, ""), scale);
    }
}
