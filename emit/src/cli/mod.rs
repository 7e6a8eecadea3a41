//! The command line every stack renderer shares: `cargo run --example neosale [-- OPTIONS]`.
//!
//! A renderer is one line: `fn main() -> ExitCode { emit::cli::main(stacks::neosale()) }`.
//! It validates the stack in every environment, renders every target, then writes the files
//! of the selected targets and environments (reporting what changed), or compares them
//! (`--check`, exit 1 with unified diffs when stale) or shows what would change (`--diff`).
//! Each distinct warning is printed once, with its environments, grouped by target, after the
//! files; the same content is in the output directory's `DEPLOY.md`. `--format json` prints
//! one object instead ([`report`]). Options: [`args`]; exit status: 0 success, 1 stale
//! files, 2 invalid stack, bad arguments, a target that cannot render or an I/O error.

pub mod args;
pub mod report;
mod selection;
mod style;

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use stack_dsl::{Project, ValidProject};

use crate::distinct_warnings::{DistinctWarning, distinct};
use crate::layout::DEPLOY_PAGE;
use crate::{Bundle, Change, Error, Options, TARGETS, render_targets};
use args::{Format, Mode, Request};
use report::{Files, Report};
use selection::Selection;
use style::Style;

/// Run the renderer for `project` with the process's arguments.
pub fn main(project: Project) -> ExitCode {
    run_os(&project, std::env::args_os().skip(1))
}

/// Run the renderer for `project` with `args` (without the program name).
pub fn run(project: &Project, args: &[String]) -> ExitCode {
    run_os(project, args.iter().map(OsString::from))
}

fn run_os(project: &Project, args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let (out, err) = (Style::for_stream(&std::io::stdout()), Style::for_stream(&std::io::stderr()));
    let environments: Vec<String> = project.environments().iter().map(|e| e.name().to_string()).collect();
    let default_out = crate::regenerate::default_output_dir(project.name());
    let command = args::command(project.name(), project.regenerate_command(), &default_out, TARGETS, &environments);
    let request = match args::parse(command, args) {
        Ok(request) => request,
        Err(error) if !error.use_stderr() => {
            print!("{error}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprint!("{error}");
            return ExitCode::from(2);
        }
    };
    let selection = Selection::new(request.targets.clone(), request.environments.clone());
    let mut report = Report {
        project: project.name().to_string(),
        out: request.out.display().to_string(),
        mode: match request.mode {
            Mode::Write => "write",
            Mode::Check => "check",
            Mode::Diff => "diff",
        },
        targets: selection.targets(TARGETS).iter().map(|t| t.to_string()).collect(),
        environments: selection.environments(&environments).iter().map(|e| e.to_string()).collect(),
        ..Report::default()
    };
    let printer = Printer { request: &request, out, err };
    let code = match project.validate() {
        Ok(valid) => Run { valid: &valid, request: &request, selection: &selection, printer: &printer }.go(&mut report),
        Err(error) => {
            report.errors = match &error {
                stack_dsl::Error::Invalid(problems) => problems.0.iter().map(ToString::to_string).collect(),
                other => vec![other.to_string()],
            };
            printer.error(&error.to_string());
            Outcome::Error
        }
    };
    report.status = match code {
        Outcome::Ok => "ok",
        Outcome::Stale => "stale",
        Outcome::Error => "error",
    };
    if request.format == Format::Json {
        println!("{}", report.to_json());
    }
    code.exit_code()
}

/// Report `error`, met before there was a project to run (a stack file that does not load), in
/// the format `args` asks for, so a tool reading `--format json` gets JSON for this too.
pub fn fail_before_run(args: &[String], error: &str) -> ExitCode {
    if args::asks_for_json(args) {
        let report = Report { status: "error", errors: vec![error.trim_end().to_string()], ..Report::default() };
        println!("{}", report.to_json());
    } else {
        let err = Style::for_stream(&std::io::stderr());
        eprintln!("{}: {}", err.error("error"), error.trim_end());
    }
    Outcome::Error.exit_code()
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    Stale,
    Error,
}

impl Outcome {
    fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Ok => ExitCode::SUCCESS,
            Outcome::Stale => ExitCode::from(1),
            Outcome::Error => ExitCode::from(2),
        }
    }
}

/// Text output, unless `--format json` or `--quiet` says otherwise.
struct Printer<'a> {
    request: &'a Request,
    out: Style,
    err: Style,
}

impl Printer<'_> {
    fn text(&self) -> bool {
        self.request.format == Format::Text && !self.request.quiet
    }

    /// A line on standard output, in text mode.
    fn line(&self, line: impl AsRef<str>) {
        if self.text() {
            println!("{}", line.as_ref());
        }
    }

    /// An error, on standard error, in text mode (quiet or not).
    fn error(&self, message: &str) {
        if self.request.format == Format::Text {
            eprintln!("{}: {}", self.err.error("error"), message.trim_end());
        }
    }
}

/// One validated run.
struct Run<'a> {
    valid: &'a ValidProject,
    request: &'a Request,
    selection: &'a Selection,
    printer: &'a Printer<'a>,
}

impl Run<'_> {
    fn go(&self, report: &mut Report) -> Outcome {
        match self.render_and_compare(report) {
            Ok(outcome) => outcome,
            Err(error) => {
                report.errors.push(error.to_string());
                self.printer.error(&error.to_string());
                Outcome::Error
            }
        }
    }

    fn render_and_compare(&self, report: &mut Report) -> Result<Outcome, Error> {
        let dir = &self.request.out;
        let mut options = options_for(dir)?;
        if self.request.acknowledge_recreate {
            options = options.acknowledge_recreate();
        }
        // Only the selected targets are rendered; the manifest keeps owning the others' files.
        let mut bundle = render_targets(self.valid, &options, &self.selection.targets(TARGETS))?;
        let part = |path: &str| self.selection.contains(path);
        let printer = self.printer;
        if self.request.mode == Mode::Check && !dir.is_dir() {
            let message = format!(
                "{} does not exist, so there is nothing to compare. Render it first with: {}",
                dir.display(),
                crate::regenerate::command(self.valid, &options, &[])
            );
            report.errors.push(message.clone());
            printer.error(&message);
            return Ok(Outcome::Error);
        }
        let changes = match self.request.mode {
            Mode::Write => {
                let waiting = || {
                    if printer.request.format == Format::Text {
                        eprintln!("waiting: another Stackwright renderer is writing {}", dir.display());
                    }
                };
                bundle.write_part_moving_text(dir, &part, crate::LOCK_WAIT, waiting)?
            }
            Mode::Check | Mode::Diff => bundle.check_part(dir, &part)?,
        };
        report.files = Files::of(&changes);
        report.left_alone =
            changes.iter().filter(|c| matches!(c, Change::Foreign { .. })).map(|c| c.path().to_string()).collect();
        report.notes = notes(&bundle, &options, &changes);
        let warnings = distinct(bundle.warnings().iter().filter(|w| self.selection.reports(w)));
        report.warnings = warnings.iter().cloned().map(Into::into).collect();

        let stale = changes.iter().filter(|c| c.is_change()).count();
        let summary = self.summary();
        match self.request.mode {
            Mode::Write => {
                printer.line(printer.out.heading(&summary));
                self.print_model_changes(&changes);
                self.print_written(&changes);
            }
            Mode::Check | Mode::Diff => {
                self.print_model_changes(&changes);
                for change in changes.iter().filter(|c| c.is_change()) {
                    printer.line(printer.out.diff(&change.diff()).trim_end());
                }
                if stale == 0 {
                    let rendered = changes.iter().filter(|c| !matches!(c, Change::Foreign { .. })).count();
                    printer.line(format!("{summary}: {rendered} files up to date"));
                } else if self.request.mode == Mode::Diff {
                    printer.line(format!("{summary}: writing would change {stale} of {} files", changes.len()));
                }
            }
        }
        if !report.left_alone.is_empty() {
            printer.line(format!("note: left alone (not written by Stackwright): {}", report.left_alone.join(", ")));
        }
        for note in &report.notes {
            printer.line(format!("note: {note}"));
        }
        self.print_warnings(&warnings, &options);
        if self.request.mode == Mode::Check && stale > 0 {
            let selection = self.selection_arguments();
            let selection: Vec<&str> = selection.iter().map(String::as_str).collect();
            if self.request.format == Format::Text {
                eprintln!(
                    "\n{summary}: {stale} of {} files are stale. Regenerate with: {}",
                    changes.len(),
                    crate::regenerate::command(self.valid, &options, &selection)
                );
            }
            return Ok(Outcome::Stale);
        }
        Ok(Outcome::Ok)
    }

    /// `neosale: dev, staging, production × compose, kubernetes, … → golden/neosale`.
    fn summary(&self) -> String {
        let environments: Vec<String> = self.valid.stacks().iter().map(|s| s.env().name().to_string()).collect();
        format!(
            "{}: {} × {} → {}",
            self.valid.name(),
            self.selection.environments(&environments).join(", "),
            self.selection.targets(TARGETS).join(", "),
            self.request.out.display()
        )
    }

    /// The selection as options (`--target a,b --env c`), so a regenerate command renders the
    /// same part.
    fn selection_arguments(&self) -> Vec<String> {
        let mut arguments = Vec::new();
        for (option, values) in [("--target", &self.request.targets), ("--env", &self.request.environments)] {
            if !values.is_empty() {
                arguments.extend([option.to_string(), values.join(",")]);
            }
        }
        arguments
    }

    /// What changed in each environment's model, before any file list or diff: reviewers read
    /// the intent first.
    fn print_model_changes(&self, changes: &[Change]) {
        for environment in crate::model::summarize(changes) {
            self.printer.line(environment.to_string());
        }
    }

    fn print_written(&self, changes: &[Change]) {
        let printer = self.printer;
        let mut unchanged = 0;
        for change in changes {
            let (added, removed) = change.line_counts();
            match change {
                Change::Created { path, .. } => printer.line(format!("  created   {path} (+{added})")),
                Change::Updated { path, .. } => printer.line(format!("  updated   {path} (+{added} -{removed})")),
                Change::Removed { path, .. } => printer.line(format!("  removed   {path}")),
                Change::Unchanged { .. } => unchanged += 1,
                Change::Foreign { .. } => {}
            }
        }
        let written = changes.iter().filter(|c| c.is_change()).count();
        printer.line(format!("{written} file{} changed, {unchanged} unchanged", if written == 1 { "" } else { "s" }));
    }

    /// A one-line summary, then each distinct warning once, grouped by target.
    fn print_warnings(&self, warnings: &[DistinctWarning], options: &Options) {
        if warnings.is_empty() {
            return;
        }
        let printer = self.printer;
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for warning in warnings {
            match counts.iter_mut().find(|(t, _)| *t == warning.target) {
                Some((_, n)) => *n += 1,
                None => counts.push((warning.target, 1)),
            }
        }
        let by_target: Vec<String> = counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
        printer.line(printer.out.warning(&format!(
            "{} warning{} ({}), each once with the environments it applies to; {} lists them with what to set up first:",
            warnings.len(),
            if warnings.len() == 1 { "" } else { "s" },
            by_target.join(", "),
            options.from_root(DEPLOY_PAGE)
        )));
        let mut current = "";
        for warning in warnings {
            if warning.target != current {
                current = warning.target;
                printer.line(format!("{}:", printer.out.heading(current)));
            }
            printer.line(format!("  {}", warning.line()));
        }
    }
}

/// What to do besides applying the files: where workflows go, and changes the cluster refuses
/// to apply in place, each with the steps to apply it instead.
fn notes(bundle: &Bundle, options: &Options, changes: &[Change]) -> Vec<String> {
    let mut notes = workflow_placement(bundle, options);
    #[cfg(feature = "kubernetes")]
    notes.extend(
        crate::kubernetes::immutable::forbidden_in(changes)
            .into_iter()
            .map(|f| format!("before the next kubectl apply: {f}")),
    );
    #[cfg(not(feature = "kubernetes"))]
    let _ = changes;
    notes
}

/// Where GitHub needs the workflows written into the output directory, when it is not the
/// repository root: one line per workflow, naming the file to copy and where.
fn workflow_placement(bundle: &Bundle, options: &Options) -> Vec<String> {
    let workflows = bundle.files().iter().filter(|f| f.path.starts_with(crate::layout::WORKFLOWS_DIR));
    workflows
        .filter_map(|file| {
            let name = file.path.rsplit('/').next().unwrap_or(&file.path);
            crate::actions::placement(options, name).map(|_| {
                format!(
                    "GitHub runs workflows only from the repository root's {0}/: copy {1} to {0}/{name}",
                    crate::layout::WORKFLOWS_DIR,
                    options.from_root(&file.path)
                )
            })
        })
        .collect()
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

    #[test]
    fn workflows_written_outside_the_root_say_where_they_go() {
        let mut bundle = Bundle::new();
        bundle.add(".github/workflows/ci.yml", "name: CI\n");
        bundle.add("render.yaml", "services: []\n");
        assert_eq!(
            workflow_placement(&bundle, &options_for(Path::new("deploy/app")).unwrap()),
            ["GitHub runs workflows only from the repository root's .github/workflows/: copy \
              deploy/app/.github/workflows/ci.yml to .github/workflows/ci.yml"]
        );
        assert!(workflow_placement(&bundle, &options_for(Path::new(".")).unwrap()).is_empty());
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
