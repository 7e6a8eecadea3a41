//! Renders the notes stack: `cargo run --features kubernetes` writes `golden/notes/`, and
//! `-- --check` compares instead.

fn main() -> std::process::ExitCode {
    emit::cli::main(notes_deploy::project())
}
