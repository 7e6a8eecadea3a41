//! The `stackwright` command: `stackwright import FILE... [--name NAME] [--out PATH]` turns
//! docker-compose files into a Rust stack module.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use emit::import::{self, Source};

const USAGE: &str = "\
Usage: stackwright <COMMAND>

Commands:
  import FILE... [--name NAME] [--out PATH] [--force]
        Read docker-compose files (a base, then its overrides, merged as `docker compose -f a -f b`
        merges them) and write a Rust module `pub fn NAME(env: Env) -> Stack`.
        --name NAME  the stack's name (default: the file's top-level `name`, else its directory's)
        --out PATH   where to write the module (default: src/NAME.rs; `-` prints it)
        --force      replace PATH if it exists
  help  show this help

Exit status: 0 success, 2 bad arguments, unreadable files or mistakes in the compose files.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.split_first() {
        Some((command, rest)) if command == "import" => run_import(rest),
        Some((command, _)) if matches!(command.as_str(), "help" | "-h" | "--help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some((command, _)) => fail(&format!("unknown command {command:?}")),
        None => fail("no command given"),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

struct ImportArgs {
    files: Vec<PathBuf>,
    name: Option<String>,
    out: Option<String>,
    force: bool,
}

fn parse(args: &[String]) -> Result<ImportArgs, String> {
    let mut parsed = ImportArgs { files: Vec::new(), name: None, out: None, force: false };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--name" => parsed.name = Some(rest.next().ok_or("--name needs a name")?.clone()),
            "--out" => parsed.out = Some(rest.next().ok_or("--out needs a path")?.clone()),
            "--force" => parsed.force = true,
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag:?}")),
            file => parsed.files.push(file.into()),
        }
    }
    if parsed.files.is_empty() {
        return Err("import needs at least one compose file".into());
    }
    Ok(parsed)
}

fn run_import(args: &[String]) -> ExitCode {
    let args = match parse(args) {
        Ok(args) => args,
        Err(message) => return fail(&message),
    };
    let mut sources = Vec::new();
    for file in &args.files {
        match std::fs::read_to_string(file) {
            Ok(text) => sources.push(Source { path: file.display().to_string(), text }),
            Err(error) => {
                eprintln!("error: cannot read {}: {error}. Check the path.", file.display());
                return ExitCode::from(2);
            }
        }
    }
    let fallback = directory_name(&args.files[0]);
    let read = |compose: &str, path: &str| {
        std::fs::read_to_string(Path::new(compose).parent().unwrap_or(Path::new("")).join(path))
    };
    let imported = match import::import(&sources, args.name.as_deref(), &fallback, &read) {
        Ok(imported) => imported,
        Err(problems) => {
            eprintln!("error: the compose files have {} problem(s); nothing was written:", problems.len());
            for problem in problems {
                eprintln!("  - {problem}");
            }
            return ExitCode::from(2);
        }
    };
    let out = args.out.unwrap_or_else(|| format!("src/{}.rs", imported.name.replace('-', "_")));
    if out == "-" {
        print!("{}", imported.module);
    } else if let Err(message) = write(Path::new(&out), &imported.module, args.force) {
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
