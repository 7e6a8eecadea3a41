//! The command line every stack renderer shares: `cargo run --example neosale [-- OPTIONS]`.
//!
//! A renderer is one line: `fn main() -> ExitCode { emit::cli::main(stacks::neosale()) }`.
//! It validates the stack in every environment, renders every target, then writes the files
//! (reporting what changed) or, with `--check`, compares them and prints a unified diff.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use stack_dsl::{Project, ValidProject};

use crate::{Bundle, Change, Error, Options, TARGETS, render};

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Render and write into the directory.
    Write(PathBuf),
    /// Render and compare with the directory; never write.
    Check(PathBuf),
    /// Print the usage text.
    Help,
}

/// Parse the arguments after the program name. `default_out` is used when no directory is given.
pub fn parse(args: &[String], default_out: &Path) -> Result<Command, String> {
    let mut out: Option<PathBuf> = None;
    let mut check: Option<Option<PathBuf>> = None;
    let mut rest = args.iter().peekable();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--out" => match rest.next() {
                Some(dir) => out = Some(dir.into()),
                None => return Err("--out needs a directory".into()),
            },
            "--check" => {
                let dir = rest.next_if(|next| !next.starts_with("--")).map(PathBuf::from);
                check = Some(dir);
            }
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    let dir = |given: Option<PathBuf>| given.or(out.clone()).unwrap_or_else(|| default_out.to_path_buf());
    Ok(match check {
        Some(given) => Command::Check(dir(given)),
        None => Command::Write(dir(None)),
    })
}

fn usage(project: &Project, default_out: &Path) -> String {
    let name = project.name();
    let envs: Vec<&str> = project.environments().iter().map(|e| e.name()).collect();
    format!(
        "Render the {name} stack for every environment ({}) and target ({}).\n\n\
         Usage: {} [-- OPTIONS]\n\n\
         Options:\n  \
           --out DIR       write the files into DIR (default: {})\n  \
           --check [DIR]   compare DIR (default: the output directory) with what the stack renders;\n                  \
                           print a unified diff and exit 1 when it is stale. Never writes.\n  \
           -h, --help      show this help\n\n\
         Exit status: 0 success, 1 stale files (--check), 2 invalid stack, bad arguments or I/O error.\n",
        envs.join(", "),
        TARGETS.join(", "),
        project.regenerate_command(),
        default_out.display()
    )
}

/// Run the renderer for `project` with the process's arguments.
pub fn main(project: Project) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    run(&project, &args)
}

/// Run the renderer for `project` with `args` (without the program name).
pub fn run(project: &Project, args: &[String]) -> ExitCode {
    let default_out = Path::new("golden").join(project.name());
    let command = match parse(args, &default_out) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("error: {message}\n\n{}", usage(project, &default_out));
            return ExitCode::from(2);
        }
    };
    let dir = match command {
        Command::Help => {
            print!("{}", usage(project, &default_out));
            return ExitCode::SUCCESS;
        }
        Command::Write(ref dir) | Command::Check(ref dir) => dir.clone(),
    };
    let valid = match project.validate() {
        Ok(valid) => valid,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let result = options_for(&dir).and_then(|options| render(&valid, &options)).and_then(|bundle| match command {
        Command::Check(_) => check(&valid, &bundle, &dir, &default_out),
        _ => write(&valid, &bundle, &dir),
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

fn summary_line(valid: &ValidProject, dir: &Path) -> String {
    let envs: Vec<&str> = valid.stacks().iter().map(|s| s.env().name()).collect();
    format!("{}: {} × {} → {}", valid.name(), envs.join(", "), TARGETS.join(", "), dir.display())
}

fn print_warnings(bundle: &Bundle) {
    for warning in bundle.warnings() {
        println!("warning: {warning}");
    }
}

/// What changed in each environment's model, before any file list or diff.
fn print_model_changes(changes: &[Change]) {
    for environment in crate::model::summarize(changes) {
        println!("{environment}");
    }
}

/// Changes the cluster refuses to apply in place, each with the steps to apply it instead.
#[cfg_attr(not(feature = "kubernetes"), allow(unused_variables))]
fn print_forbidden(changes: &[Change]) {
    #[cfg(feature = "kubernetes")]
    for forbidden in crate::kubernetes::immutable::forbidden_in(changes) {
        println!("before the next kubectl apply: {forbidden}");
    }
}

/// One note for every file the renderer found but did not write: they are the user's.
fn print_foreign(changes: &[Change]) {
    let foreign: Vec<&str> = changes.iter().filter(|c| matches!(c, Change::Foreign { .. })).map(Change::path).collect();
    if !foreign.is_empty() {
        println!("note: left alone (not written by Stackwright): {}", foreign.join(", "));
    }
}

fn write(valid: &ValidProject, bundle: &Bundle, dir: &Path) -> Result<ExitCode, Error> {
    let waiting = || eprintln!("waiting: another Stackwright renderer is writing {}", dir.display());
    let changes = bundle.write_with(dir, crate::LOCK_WAIT, waiting)?;
    println!("{}", summary_line(valid, dir));
    print_model_changes(&changes);
    let mut unchanged = 0;
    for change in &changes {
        let (added, removed) = change.line_counts();
        match change {
            Change::Created { path, .. } => println!("  created   {path} (+{added})"),
            Change::Updated { path, .. } => println!("  updated   {path} (+{added} -{removed})"),
            Change::Removed { path, .. } => println!("  removed   {path}"),
            Change::Unchanged { .. } => unchanged += 1,
            Change::Foreign { .. } => {}
        }
    }
    let written = changes.iter().filter(|c| c.is_change()).count();
    println!("{written} file{} changed, {unchanged} unchanged", if written == 1 { "" } else { "s" });
    print_foreign(&changes);
    print_warnings(bundle);
    for note in workflow_placement(bundle, dir) {
        println!("note: {note}");
    }
    print_forbidden(&changes);
    Ok(ExitCode::SUCCESS)
}

/// Where GitHub needs the workflows written into `dir`, when `dir` is not the repository root:
/// one line per workflow, naming the file to copy and where.
fn workflow_placement(bundle: &Bundle, dir: &Path) -> Vec<String> {
    let Ok(options) = options_for(dir) else { return Vec::new() };
    let workflows = bundle.files().iter().filter(|f| f.path.starts_with(crate::layout::WORKFLOWS_DIR));
    workflows
        .filter_map(|file| {
            let name = file.path.rsplit('/').next().unwrap_or(&file.path);
            crate::actions::placement(&options, name).map(|_| {
                format!(
                    "GitHub runs workflows only from the repository root's {0}/: copy {1} to {0}/{name}",
                    crate::layout::WORKFLOWS_DIR,
                    options.from_root(&file.path)
                )
            })
        })
        .collect()
}

fn check(valid: &ValidProject, bundle: &Bundle, dir: &Path, default_out: &Path) -> Result<ExitCode, Error> {
    if !dir.is_dir() {
        eprintln!(
            "error: {} does not exist, so there is nothing to compare. Render it first with: {}",
            dir.display(),
            regenerate_command(valid, dir, default_out)
        );
        return Ok(ExitCode::from(2));
    }
    let changes = bundle.check(dir)?;
    let stale: Vec<&Change> = changes.iter().filter(|c| c.is_change()).collect();
    print_foreign(&changes);
    print_warnings(bundle);
    if stale.is_empty() {
        let rendered = changes.iter().filter(|c| !matches!(c, Change::Foreign { .. })).count();
        println!("{}: {rendered} files up to date", summary_line(valid, dir));
        return Ok(ExitCode::SUCCESS);
    }
    print_model_changes(&changes);
    for change in &stale {
        print!("{}", change.diff());
    }
    print_forbidden(&changes);
    let command = regenerate_command(valid, dir, default_out);
    eprintln!(
        "\n{}: {} of {} files are stale. Regenerate with: {command}",
        summary_line(valid, dir),
        stale.len(),
        changes.len()
    );
    Ok(ExitCode::from(1))
}

/// The command that renders into `dir`.
fn regenerate_command(valid: &ValidProject, dir: &Path, default_out: &Path) -> String {
    let mut command = valid.regenerate_command().to_string();
    if dir != default_out {
        command.push_str(&format!(" -- --out {}", dir.display()));
    }
    command
}

/// Options for output in `dir`: relative paths are taken from the working directory, which is
/// the repository root under `cargo run`. A directory outside the root is refused: the
/// pipeline could not apply files the repository does not hold.
fn options_for(dir: &Path) -> Result<Options, Error> {
    let options = options_inside_repository(dir)?;
    // The workflows name the directory unquoted in shell commands and paths.
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/');
    if !options.output_dir().chars().all(plain) {
        return Err(Error::OutputDirName { dir: options.output_dir().to_string() });
    }
    Ok(options)
}

fn options_inside_repository(dir: &Path) -> Result<Options, Error> {
    if let Some(options) = Options::for_output_dir(dir) {
        return Ok(options);
    }
    let io = |source| Error::Io { action: "read", path: dir.to_path_buf(), source };
    let root = normalise(&std::path::absolute(".").map_err(io)?);
    let out = normalise(&std::path::absolute(dir).map_err(io)?);
    if !out.starts_with(&root) {
        return Err(Error::OutsideRepository { dir: dir.to_path_buf(), root });
    }
    Ok(Options::with_root(relative(&out, &root)).output_dir_from_root(relative(&root, &out)))
}

/// `path` with `.` and `..` resolved lexically (`/repo/a/../b` is `/repo/b`).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The path from directory `from` to directory `to`, both absolute and normalised.
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().filter(|c| *c != Component::CurDir).collect();
    let to: Vec<Component> = to.components().filter(|c| *c != Component::CurDir).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments() {
        let default = Path::new("golden/x");
        assert_eq!(parse(&args(&[]), default), Ok(Command::Write(default.into())));
        assert_eq!(parse(&args(&["--out", "d"]), default), Ok(Command::Write("d".into())));
        assert_eq!(parse(&args(&["--check"]), default), Ok(Command::Check(default.into())));
        assert_eq!(parse(&args(&["--check", "d"]), default), Ok(Command::Check("d".into())));
        assert_eq!(parse(&args(&["--out", "o", "--check"]), default), Ok(Command::Check("o".into())));
        assert_eq!(parse(&args(&["--help"]), default), Ok(Command::Help));
        assert!(parse(&args(&["--out"]), default).is_err());
        assert!(parse(&args(&["--bogus"]), default).is_err());
    }

    #[test]
    fn workflows_written_outside_the_root_say_where_they_go() {
        let mut bundle = Bundle::new();
        bundle.add(".github/workflows/ci.yml", "name: CI\n");
        bundle.add("render.yaml", "services: []\n");
        assert_eq!(
            workflow_placement(&bundle, Path::new("deploy/app")),
            ["GitHub runs workflows only from the repository root's .github/workflows/: copy \
              deploy/app/.github/workflows/ci.yml to .github/workflows/ci.yml"]
        );
        assert!(workflow_placement(&bundle, Path::new(".")).is_empty());
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative(Path::new("/a/b/c"), Path::new("/a")), "../..");
        assert_eq!(relative(Path::new("/tmp/out"), Path::new("/work/repo")), "../../work/repo");
    }

    #[test]
    fn output_outside_the_repository_is_refused() {
        let outside = options_for(Path::new("../escape")).unwrap_err().to_string();
        assert!(outside.starts_with("Unable to write into ../escape: it is outside the repository root"), "{outside}");
        let absolute = std::path::absolute("deploy/out").unwrap();
        let inside = options_for(&absolute).unwrap();
        assert_eq!(inside.output_dir(), "deploy/out");
        let climbing_back =
            std::path::absolute("..").unwrap().join(std::path::absolute(".").unwrap().file_name().unwrap()).join("x");
        assert_eq!(options_for(&climbing_back).unwrap().output_dir(), "x");
        assert!(options_for(Path::new("/tmp/stackwright-elsewhere")).is_err());
    }

    #[test]
    fn output_directories_the_workflows_could_not_name_are_refused() {
        let refused = options_for(Path::new("deploy/my $dir")).unwrap_err().to_string();
        assert!(refused.starts_with("Unable to write into \"deploy/my $dir\": "), "{refused}");
        assert_eq!(options_for(Path::new("deploy/prod-1.x_y")).unwrap().output_dir(), "deploy/prod-1.x_y");
    }
}
