//! The command line: parses what the user typed ([`args`]), wires source -> scanner ->
//! report together ([`scan`] for files and stdin, [`git`] for repositories), applies ignore
//! files and baselines and runs `ignore` and `baseline` ([`triage`]), combines reports
//! ([`merge`]), runs `rules list|check` ([`rules`]), and turns the outcome into an exit code.
//! [`archives`] hands the members of archives to the scan (`--archives`), and [`image`]
//! those of container images' layers. [`gitleaks`] runs gitleaks' command lines (`detect`,
//! `protect`, its flags) as keyscout's. [`verify`] adds each finding's remediation and, with
//! `--verify`, the provider's answer.

mod archives;
pub mod args;
mod git;
mod gitleaks;
mod image;
mod merge;
mod output;
mod progress;
mod repos;
mod rules;
mod scan;
mod state;
mod triage;
mod verify;

use std::process::ExitCode;

use args::{Cli, Command, RulesCommand};

/// Exit code for errors: bad config, missing target, unreadable input.
pub const EXIT_ERROR: u8 = 2;

/// The command line of this process, gitleaks' global flags moved after the command.
pub fn args_from_env() -> Cli {
    use clap::Parser;
    Cli::parse_from(gitleaks::globals_after_command(
        std::env::args_os().collect(),
    ))
}

/// Runs one command line.
pub fn run(cli: Cli) -> ExitCode {
    let cli = match cli.command {
        Command::Detect { args } => gitleaks::legacy("detect", args),
        Command::Protect { args } => gitleaks::legacy("protect", args),
        _ => Ok(cli),
    };
    let cli = match cli {
        Ok(cli) => gitleaks::normalize(cli),
        Err(err) => err.exit(),
    };
    let result = cli.and_then(|cli| match cli.command {
        Command::Dir(args) => scan::dir(args),
        Command::Git(args) => git::git(args),
        Command::Image(args) => image::image(args),
        Command::Stdin(args) => scan::stdin(args),
        Command::Ignore(args) => triage::ignore(args),
        Command::Baseline(args) => triage::baseline(args),
        Command::Merge(args) => merge::merge(args),
        Command::Rules {
            command: RulesCommand::List { config },
        } => rules::list(config.as_deref()),
        Command::Rules {
            command: RulesCommand::Check { config },
        } => rules::check(config.as_deref()),
        // gitleaks::legacy turned these into `git` or `dir`.
        Command::Detect { .. } | Command::Protect { .. } => Err(anyhow::anyhow!(
            "detect and protect take gitleaks' flags only"
        )),
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) if output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("keyscout: error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
