//! The `keyscout` binary: parse the command line, run it, exit with its code.

fn main() -> std::process::ExitCode {
    keyscout::cli::run(keyscout::cli::args_from_env())
}
