//! Render a synthetic stack of N services to every target, to measure how the cost grows:
//! `cargo run --release --example scale -- --services N [--out DIR]` (default N = 100, DIR =
//! `target/scale/N`). With `--check` it renders twice and fails when the second render differs
//! from the first: there is no committed output to compare with, but the bytes must not change.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let services = match take_services(&mut args) {
        Ok(services) => services,
        Err(message) => {
            eprintln!("error: {message}\nUsage: scale [--services N] [--out DIR] [--check]");
            return ExitCode::from(2);
        }
    };
    if !args.iter().any(|a| a == "--out") {
        args.extend(["--out".to_string(), format!("target/scale/{services}")]);
    }
    let project = stacks::synthetic::project(services);
    if args.iter().any(|a| a == "--check") {
        let write: Vec<String> = args.iter().filter(|a| *a != "--check").cloned().collect();
        let written = emit::cli::run(&project, &write);
        if written != ExitCode::SUCCESS {
            return written;
        }
    }
    emit::cli::run(&project, &args)
}

/// Removes `--services N` from `args` and returns N (100 when absent).
fn take_services(args: &mut Vec<String>) -> Result<usize, String> {
    let Some(at) = args.iter().position(|a| a == "--services") else { return Ok(100) };
    let value = args.get(at + 1).ok_or("--services needs a number")?;
    let services = value
        .parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("--services needs a positive whole number, not {value:?}"))?;
    args.drain(at..=at + 1);
    Ok(services)
}
