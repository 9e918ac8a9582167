//! The `keyscout` binary: parse the command line, run it, exit with its code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    keyscout::cli::run(keyscout::cli::args::Cli::parse())
}
