//! `stackwright import FILE... [--name NAME] [--out PATH] [--force]`: docker-compose files into
//! a Rust stack module (the translation is `emit::import`; this file reads, writes and reports).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use emit::import::{self, Source};

/// The `import` subcommand.
pub fn command() -> Command {
    Command::new("import")
        .about(
            "Read docker-compose files (a base, then its overrides, merged as `docker compose -f a -f b` merges \
             them) and write a Rust module `pub fn NAME(env: Env) -> Stack`",
        )
        .arg(
            Arg::new("files")
                .value_name("FILE")
                .required(true)
                .num_args(1..)
                .value_parser(value_parser!(PathBuf))
                .help("The compose files: a base, then the files that override it"),
        )
        .arg(
            Arg::new("name")
                .long("name")
                .value_name("NAME")
                .help("The stack's name (default: the file's top-level `name`, else its directory's)"),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .value_name("PATH")
                .help("Where to write the module (default: src/NAME.rs; `-` prints it)"),
        )
        .arg(Arg::new("force").long("force").action(ArgAction::SetTrue).help("Replace PATH if it exists"))
}

/// Import the files `matches` names.
pub fn run(matches: &ArgMatches) -> ExitCode {
    let files: Vec<&PathBuf> = matches.get_many::<PathBuf>("files").into_iter().flatten().collect();
    let name = matches.get_one::<String>("name").map(String::as_str);
    let out = matches.get_one::<String>("out").cloned();
    let force = matches.get_flag("force");
    let mut sources = Vec::new();
    let mut unreadable = 0;
    for file in &files {
        match std::fs::read_to_string(file) {
            Ok(text) => sources.push(Source { path: file.display().to_string(), text }),
            Err(error) => {
                eprintln!("error: cannot read {}: {error}. Check the path.", file.display());
                unreadable += 1;
            }
        }
    }
    if unreadable > 0 {
        return ExitCode::from(2);
    }
    // Compose names a project after the directory of its first file.
    let fallback = files.first().map_or_else(|| "app".into(), |file| directory_name(file));
    let read = |compose: &str, path: &str| {
        std::fs::read_to_string(Path::new(compose).parent().unwrap_or(Path::new("")).join(path))
    };
    let imported = match import::import(&sources, name, &fallback, &read) {
        Ok(imported) => imported,
        Err(problems) => {
            eprintln!("error: the compose files have {} problem(s); nothing was written:", problems.len());
            for problem in problems {
                eprintln!("  - {problem}");
            }
            return ExitCode::from(2);
        }
    };
    let out = out.unwrap_or_else(|| format!("src/{}.rs", imported.name.replace('-', "_")));
    if out == "-" {
        print!("{}", imported.module);
    } else if let Err(message) = write(Path::new(&out), &imported.module, force) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    } else {
        println!("wrote {out}: pub fn {}(env: Env) -> Stack", imported.name.replace('-', "_"));
    }
    if !imported.left_out.is_empty() {
        eprintln!("left out ({}), also listed at the top of the module:", imported.left_out.len());
        for problem in &imported.left_out {
            eprintln!("  - {problem}");
        }
    }
    if out != "-" {
        let name = &imported.name;
        let function = name.replace('-', "_");
        println!(
            "next: render it from an example (examples/{name}.rs):\n  \
             fn main() -> std::process::ExitCode {{\n      \
             emit::cli::main(stack_dsl::Project::new(\"{name}\", stack_dsl::Env::ALL, {function}::{function}))\n  }}\n\
             then `cargo run --example {name}`"
        );
    }
    ExitCode::SUCCESS
}

/// The name of the directory holding `file`, the project name Compose would use.
fn directory_name(file: &Path) -> String {
    let dir = std::fs::canonicalize(file).ok().and_then(|p| p.parent().map(Path::to_path_buf));
    dir.and_then(|d| d.file_name().map(|n| n.to_string_lossy().to_lowercase())).unwrap_or_else(|| "app".into())
}

/// Write `text` to `path` through a temporary file and a rename, so a failure never leaves a
/// half-written module; an existing file is replaced only with `--force`.
fn write(path: &Path, text: &str, force: bool) -> Result<(), String> {
    if path.exists() && !force {
        return Err(format!("{} already exists; pass --force to replace it, or choose another --out", path.display()));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let temporary = path.with_extension("rs.stackwright-tmp");
    std::fs::write(&temporary, text).map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write {}: {e}", path.display())
    })
}
