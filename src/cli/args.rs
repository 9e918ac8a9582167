//! What the user typed: clap derive structs. [`super`] turns them into a scan.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::repos::Shard;
use crate::report::Format;
use crate::rules::Confidence;

const EXIT_CODES: &str = "\
Exit codes:
  0  no findings
  1  findings (change with --exit-code N)
  2  an error: bad config, missing target, or an input that could not be read
     (the scan still goes on and reports what it found)";

/// Finds leaked credentials (API keys, tokens, private keys, passwords in URLs) in files.
#[derive(Debug, Parser)]
#[command(name = "keyscout", version, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (every file, hidden and git-ignored ones too, but not .git/).
    #[command(after_help = EXIT_CODES)]
    Dir(DirArgs),
    /// Scan the history of git repositories (paths or clone URLs): every blob of every ref, each
    /// once, with the commit that introduced it; or what is staged (--staged), or a range of
    /// commits (--since, --range).
    #[command(after_help = EXIT_CODES)]
    Git(GitArgs),
    /// Scan standard input.
    #[command(after_help = EXIT_CODES)]
    Stdin(StdinArgs),
    /// Add entries (fingerprints) to the ignore file, each once.
    Ignore(IgnoreArgs),
    /// Write a baseline: scan PATHs as `keyscout dir` does (or convert a report with --from)
    /// and write the findings' fingerprints to FILE, for --baseline.
    #[command(after_help = EXIT_CODES)]
    Baseline(BaselineArgs),
    /// Combine reports (keyscout JSON, JSON Lines or SARIF, told apart by their content) into
    /// one, without duplicates.
    #[command(after_help = EXIT_CODES)]
    Merge(MergeArgs),
    /// List the rules, or check them against their examples.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Debug, Args)]
pub struct DirArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Honour .gitignore, .ignore and git's exclude files (by default ignored files are scanned).
    #[arg(long)]
    pub gitignore: bool,
    /// Follow symbolic links (by default they are not followed).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Skip files larger than this (bytes, or with a K, M or G suffix).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Scan the files inside zip, jar, tar, tar.gz and gz archives too, nested up to 3 deep,
    /// as `archive.zip!path/inside` (see the README for the limits that stop zip bombs).
    #[arg(long)]
    pub archives: bool,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Args)]
pub struct GitArgs {
    /// The repositories (default: `.`): worktrees, .git directories, bare repositories, or
    /// clone URLs (file://, ssh://, git://, user@host:path; https:// with the `https` feature).
    pub repos: Vec<String>,
    /// Also scan the repositories listed in FILE: one path or URL a line, `#` comments.
    #[arg(long, value_name = "FILE")]
    pub repos_from: Option<PathBuf>,
    /// Where clone URLs are cloned (bare), and fetched again on later runs
    /// [default: $XDG_CACHE_HOME/keyscout/repos or ~/.cache/keyscout/repos].
    #[arg(long, value_name = "DIR")]
    pub clone_dir: Option<PathBuf>,
    /// Remember in FILE each repository's scanned ref tips and rules; the next run scans only
    /// the commits since, skips repositories whose refs have not moved, and scans everything
    /// again when the rules or the scan options changed.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["staged", "since", "range", "branch", "all_objects"])]
    pub state: Option<PathBuf>,
    /// With --state: scan everything and report every finding, not only new ones.
    #[arg(long, requires = "state")]
    pub all: bool,
    /// Scan only the K-th of N parts of the repositories (K from 0; by a hash of each
    /// repository as given), so that N workers split a list with no coordinator.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Print totals on stderr at the end: repositories, commits, blobs, bytes, seconds, MB/s.
    #[arg(long)]
    pub stats: bool,
    /// Also scan objects no ref reaches (blobs of deleted branches, rewritten history).
    #[arg(long, conflicts_with_all = ["staged", "since", "range", "branch"])]
    pub all_objects: bool,
    /// List every other commit that introduced a version of the file holding a secret, not
    /// only their number.
    #[arg(long)]
    pub all_provenance: bool,
    /// Scan every blob whole, even one stored as a delta of another (the reference the
    /// delta-aware scan is tested against).
    #[arg(long, hide = true)]
    pub whole_blobs: bool,
    /// Scan what is staged for the next commit and report only added or changed lines
    /// (the pre-commit hook).
    #[arg(long, conflicts_with_all = ["since", "range", "branch"])]
    pub staged: bool,
    /// Scan only the blobs introduced by commits after REV (REV..HEAD, or REV..REF with --branch).
    #[arg(long, value_name = "REV", conflicts_with = "range")]
    pub since: Option<String>,
    /// Scan only the blobs introduced by the commits in A..B (B defaults to HEAD).
    #[arg(long, value_name = "A..B", conflicts_with = "branch")]
    pub range: Option<String>,
    /// Scan only the history of REF instead of every ref.
    #[arg(long, value_name = "REF")]
    pub branch: Option<String>,
    /// Skip blobs larger than this (bytes, or with a K, M or G suffix).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Args)]
pub struct StdinArgs {
    /// The path to show in reports.
    #[arg(long, default_value = "-")]
    pub label: String,
    /// Scan the files inside zip, jar, tar, tar.gz and gz archives too, nested up to 3 deep,
    /// as `archive.zip!path/inside` (see the README for the limits that stop zip bombs).
    #[arg(long)]
    pub archives: bool,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Args)]
pub struct IgnoreArgs {
    /// Entries to add: fingerprints as reported (PATH:RULE_ID:HASH16), or
    /// `secret-sha256:HEX64`, or `glob:PATTERN:RULE_ID` (after `--` when one starts with `-`).
    #[arg(required = true, value_name = "FINGERPRINT")]
    pub entries: Vec<String>,
    /// Why they are ignored: written after each entry as ` # TEXT`.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// The ignore file to append to (created if missing).
    #[arg(long, value_name = "FILE", default_value = ".keyscoutignore")]
    pub ignore_file: PathBuf,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The baseline file to write.
    pub file: PathBuf,
    /// Convert this keyscout JSON or JSON Lines report (of any scan, e.g. `keyscout git`)
    /// instead of scanning.
    #[arg(long, value_name = "REPORT", conflicts_with = "paths")]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub dir: DirArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The reports to combine.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Options every scan takes.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Rule file (default: $KEYSCOUT_CONFIG, else .keyscout.toml or .gitleaks.toml in the
    /// scanned directory, else the built-in rules).
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Scan binary files too (by default a file with a NUL byte in its first 8 KiB is skipped).
    #[arg(long)]
    pub binary: bool,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Report only findings at least this sure: `medium` (the default) is what a CI gate should
    /// fail on; `low` adds context-only matches and tokens whose checksum fails.
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = Level::Medium)]
    pub min_confidence: Level,
    /// Decode base64, hex and percent-encoded text and scan what it holds, up to N encodings
    /// deep (0: no decoding).
    #[arg(long, value_name = "N", default_value_t = crate::scan::DEFAULT_DECODE_DEPTH)]
    pub max_decode_depth: u8,
    /// Ignore file(s) to apply instead of .keyscoutignore in the scanned root (.gitleaksignore
    /// there is read either way).
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Vec<PathBuf>,
    /// Report only findings whose fingerprint is not in FILE: a keyscout JSON or JSON Lines
    /// report, or a file `keyscout baseline` wrote.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// List on stderr the ignore entries that matched no finding in this scan.
    #[arg(long)]
    pub report_stale_ignores: bool,
    /// Run every rule over the whole input (the reference path the prefilter is tested against).
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
}

/// How to write the report: every scan and `merge` take these.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Report format.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE (created with mode 0600: reports hold secrets).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Mask secrets in the report: all of each secret, or its last PERCENT percent.
    #[arg(long, value_name = "PERCENT", num_args = 0..=1, require_equals = true,
          default_missing_value = "100", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub redact: Option<u8>,
    /// Exit code when there are findings.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,
    /// When to colour the text report.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// No summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// A rule confidence level, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    Low,
    Medium,
    High,
}

impl From<Level> for Confidence {
    fn from(level: Level) -> Confidence {
        match level {
            Level::Low => Confidence::Low,
            Level::Medium => Confidence::Medium,
            Level::High => Confidence::High,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule: id, keywords, tags, where it is defined.
    List {
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Compile every rule and run its examples and negative examples.
    Check {
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// `1024`, `64K`, `10MB`, `2G` -> bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size"))?;
    let scale: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("`{text}`: unknown unit (use K, M or G)")),
    };
    number
        .checked_mul(scale)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_size("10MB"), Ok(10 << 20));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5T").is_err());
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
