//! gitleaks' command lines, run as they are: `detect` and `protect` become `git` (or `dir`
//! with `--no-git`) with gitleaks' short flags spelled out; gitleaks' flags on `dir` and `git`
//! (declared in [`super::args`]) are folded into keyscout's own; and `--log-opts` becomes a
//! range, a branch, or the last N commits.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Parser;

use super::args::{Cli, Command, DirArgs, GitArgs, ScanArgs};
use crate::source::git::Repo;

/// gitleaks' flags are global (`gitleaks -v stdin`, `gitleaks --no-banner git .`); keyscout's
/// belong to a command: flags before the command are moved after it (`-f` spelled out as
/// gitleaks means it).
pub fn globals_after_command(argv: Vec<OsString>) -> Vec<OsString> {
    const TAKE_VALUE: [&str; 16] = [
        "-l",
        "--log-level",
        "-c",
        "--config",
        "-r",
        "--report-path",
        "-f",
        "--report-format",
        "-b",
        "--baseline-path",
        "-i",
        "--gitleaks-ignore-path",
        "--exit-code",
        "--max-target-megabytes",
        "--max-decode-depth",
        "--redact",
    ];
    let original = argv.clone();
    let mut rest = argv.into_iter();
    let mut out: Vec<OsString> = rest.next().into_iter().collect();
    let mut moved = Vec::new();
    while let Some(arg) = rest.next() {
        let text = arg.to_string_lossy().into_owned();
        let is_flag = text.starts_with('-') && text.len() > 1;
        if !is_flag || ["-h", "--help", "-V", "--version"].contains(&text.as_str()) {
            out.push(arg);
            break;
        }
        // `--redact` takes its value only as `--redact=N`.
        let takes_value = TAKE_VALUE.contains(&text.as_str()) && text != "--redact";
        moved.push(if text == "-f" {
            "--report-format".into()
        } else {
            arg
        });
        if takes_value && let Some(value) = rest.next() {
            moved.push(value);
        }
    }
    if out.len() < 2 {
        // Nothing but flags: clap says what is missing, of the line as typed.
        return original;
    }
    out.extend(moved);
    out.extend(rest);
    out
}

/// The keyscout command line that gitleaks' `detect ARGS` or `protect ARGS` stands for.
pub fn legacy(command: &str, args: Vec<OsString>) -> Result<Cli, clap::Error> {
    let no_git = args.iter().any(|a| a == "--no-git");
    let mut argv: Vec<OsString> =
        vec!["keyscout".into(), if no_git { "dir" } else { "git" }.into()];
    if command == "protect" && !args.iter().any(|a| a == "--staged") {
        argv.push("--staged".into());
    }
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy().into_owned();
        // gitleaks' -f is --report-format; keyscout's -f is --format.
        let short = |flag: &str, long: &str| {
            let rest = text.strip_prefix(flag)?;
            Some(match rest.trim_start_matches('=') {
                "" => vec![long.to_string()],
                value => vec![long.to_string(), value.to_string()],
            })
        };
        if let Some(spelled) = short("-f", "--report-format").or_else(|| short("-s", "--source")) {
            argv.extend(spelled.into_iter().map(OsString::from));
            continue;
        }
        // With --no-git, gitleaks ignores the git options.
        if no_git && (text == "--log-opts" || text == "--staged") {
            if text == "--log-opts" {
                args.next();
            }
            continue;
        }
        if no_git && text.starts_with("--log-opts=") {
            continue;
        }
        argv.push(arg);
    }
    Cli::try_parse_from(argv)
}

/// Folds gitleaks' spellings into keyscout's options (see [`super::args`]).
pub fn normalize(mut cli: Cli) -> anyhow::Result<Cli> {
    match &mut cli.command {
        Command::Dir(args) => dir(args),
        Command::Baseline(args) => dir(&mut args.dir),
        Command::Git(args) => {
            if let Some(source) = args.source.take() {
                args.repos.push(source);
            }
            args.staged |= args.pre_commit;
            if args.max_file_size.is_none() {
                args.max_file_size = megabytes(&args.scan);
            }
            args.scan.report.resolve();
            log_opts(args)?;
        }
        Command::Stdin(args) => args.scan.report.resolve(),
        Command::Merge(args) => args.report.resolve(),
        _ => {}
    }
    Ok(cli)
}

fn dir(args: &mut DirArgs) {
    if let Some(source) = args.source.take() {
        if args.paths == [PathBuf::from(".")] {
            args.paths.clear();
        }
        args.paths.push(source);
    }
    if args.max_file_size.is_none() {
        args.max_file_size = megabytes(&args.scan);
    }
    args.scan.report.resolve();
}

fn megabytes(args: &ScanArgs) -> Option<u64> {
    args.max_target_megabytes
        .map(|mb| mb.saturating_mul(1 << 20))
}

/// `--log-opts` as keyscout's selection: `A..B` a range, `-N` the last N commits, a ref a
/// branch; options that do not change which blobs a commit introduced are accepted.
fn log_opts(args: &mut GitArgs) -> anyhow::Result<()> {
    let Some(opts) = args.log_opts.take() else {
        return Ok(());
    };
    let number = |text: &str| {
        text.parse::<u32>()
            .with_context(|| format!("--log-opts: `{text}` is not a number of commits"))
    };
    let (mut count, mut rev) = (None, None);
    let mut words = opts.split_whitespace();
    while let Some(word) = words.next() {
        match word {
            "--all" | "--no-merges" | "--first-parent" | "--full-history" | "-p" | "--patch"
            | "--reverse" | "--topo-order" | "--date-order" => {}
            "-n" | "--max-count" => {
                count = Some(number(words.next().unwrap_or(""))?);
            }
            w if w.starts_with("--max-count=") => count = Some(number(&w[12..])?),
            w if w.starts_with("-n") => count = Some(number(&w[2..])?),
            w if w.len() > 1
                && w.starts_with('-')
                && w[1..].bytes().all(|b| b.is_ascii_digit()) =>
            {
                count = Some(number(&w[1..])?);
            }
            w if w.starts_with('-') => bail!(
                "--log-opts: `{w}` is not supported (keyscout takes A..B, -N, --max-count=N, a ref, --all)"
            ),
            w if w.contains("..") => args.range = Some(w.to_string()),
            w => rev = Some(w.to_string()),
        }
    }
    if args.range.is_some() && (count.is_some() || rev.is_some()) {
        bail!("--log-opts `{opts}`: a range A..B cannot take -N or another ref");
    }
    let Some(n) = count else {
        args.branch = args.branch.take().or(rev);
        return Ok(());
    };
    let tip = rev.unwrap_or_else(|| "HEAD".to_string());
    // The last N commits: from the N-th ancestor when there is one; else (a short history, or
    // a shallow clone as CI checks out) all of the tip's history, which is those commits.
    let path = args.repos.first().map_or(".", String::as_str);
    let repo = Repo::open(Path::new(path))?;
    if repo.resolve(&format!("{tip}~{n}")).is_ok() {
        args.range = Some(format!("{tip}~{n}..{tip}"));
    } else {
        args.branch = Some(tip);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git_args(cli: Cli) -> GitArgs {
        match normalize(cli).unwrap().command {
            Command::Git(args) => args,
            other => panic!("not git: {other:?}"),
        }
    }

    fn legacy_str(command: &str, args: &[&str]) -> Cli {
        legacy(command, args.iter().map(OsString::from).collect()).unwrap()
    }

    #[test]
    fn global_flags_move_after_the_command() {
        let moved = |args: &[&str]| -> Vec<String> {
            let argv = args.iter().map(OsString::from).collect();
            globals_after_command(argv)
                .into_iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            moved(&["gitleaks", "-v", "stdin"]),
            ["gitleaks", "stdin", "-v"]
        );
        assert_eq!(
            moved(&["k", "--no-banner", "-l", "error", "-f", "csv", "git", "."]),
            [
                "k",
                "git",
                "--no-banner",
                "-l",
                "error",
                "--report-format",
                "csv",
                "."
            ]
        );
        assert_eq!(moved(&["k", "dir", "-v"]), ["k", "dir", "-v"]);
        assert_eq!(moved(&["k", "--version"]), ["k", "--version"]);
        assert_eq!(moved(&["k", "-v"]), ["k", "-v"]);
        assert_eq!(moved(&["k", "-f", "html"]), ["k", "-f", "html"]);
    }

    #[test]
    fn detect_and_protect_become_git_or_dir() {
        let args = git_args(legacy_str(
            "detect",
            &[
                "-s",
                "repo",
                "-f",
                "sarif",
                "-r",
                "out.sarif",
                "--log-opts",
                "a..b",
                "-v",
            ],
        ));
        assert_eq!(args.repos, ["repo"]);
        assert_eq!(args.range.as_deref(), Some("a..b"));
        assert_eq!(args.scan.report.format, crate::report::Format::Sarif);
        assert_eq!(args.scan.report.output, Some(PathBuf::from("out.sarif")));
        assert!(args.scan.report.verbose);

        let args = git_args(legacy_str("protect", &["-fjson"]));
        assert!(args.staged);
        assert_eq!(args.scan.report.format, crate::report::Format::GitleaksJson);

        let cli = normalize(legacy_str(
            "detect",
            &["--no-git", "--source=src", "--log-opts=--all", "--staged"],
        ))
        .unwrap();
        let Command::Dir(args) = cli.command else {
            panic!("--no-git is a dir scan");
        };
        assert_eq!(args.paths, [PathBuf::from("src")]);
    }

    #[test]
    fn log_opts_ranges_refs_and_refusals() {
        let parse = |opts: &str| {
            let cli = Cli::try_parse_from(["keyscout", "git", "--log-opts", opts]).unwrap();
            normalize(cli).map(|cli| match cli.command {
                Command::Git(args) => (args.range, args.branch),
                _ => unreachable!(),
            })
        };
        let range = |r: &str| Some(r.to_string());
        assert_eq!(parse("--all a^..b").unwrap(), (range("a^..b"), None));
        assert_eq!(
            parse("--no-merges --first-parent x..y").unwrap(),
            (range("x..y"), None)
        );
        assert_eq!(parse("main").unwrap(), (None, range("main")));
        for bad in ["--since=2020-01-01", "a..b -3", "-n many", "-- path"] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(err.contains("--log-opts"), "{bad}: {err}");
        }
    }
}
