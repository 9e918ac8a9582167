//! What the user typed: clap derive structs. [`super`] turns them into a scan.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::repos::Shard;
use crate::report::Format;
use crate::rules::Confidence;

/// The help heading of the flags taken from gitleaks, so that its command lines run as they are.
const GITLEAKS: &str = "gitleaks compatibility";

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
    /// Scan container images: `docker save` tarballs, OCI image layouts (a directory or its
    /// tar). Every layer's files (secrets a later layer deleted too) and the image config (Env,
    /// labels, the history's Dockerfile instructions).
    #[command(after_help = EXIT_CODES)]
    Image(ImageArgs),
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
    /// gitleaks' `detect`: `keyscout git` (`dir` with --no-git) taking gitleaks' flags as they
    /// are (`-f` is --report-format, `-s` is --source).
    #[command(hide = true, disable_help_flag = true)]
    Detect {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
        args: Vec<OsString>,
    },
    /// gitleaks' `protect`: `keyscout git --staged` taking gitleaks' flags as they are.
    #[command(hide = true, disable_help_flag = true)]
    Protect {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
        args: Vec<OsString>,
    },
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
    /// A path to scan, as gitleaks' --source (instead of the default `.`).
    #[arg(short = 's', long, value_name = "PATH", help_heading = GITLEAKS)]
    pub source: Option<PathBuf>,
    /// Accepted for gitleaks' `detect --no-git`: `dir` never reads git.
    #[arg(long, help_heading = GITLEAKS)]
    pub no_git: bool,
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
    /// With --state and --verify: how long a provider's answer stands before the secret is
    /// asked about again (`30m`, `24h`, `7d`; `0` asks every time). Only a hash of each
    /// request is kept, never the secret.
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = parse_ttl, requires_all = ["state", "verify"])]
    pub verify_ttl: std::time::Duration,
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
    /// The repository, as gitleaks' --source.
    #[arg(short = 's', long, value_name = "PATH", help_heading = GITLEAKS)]
    pub source: Option<String>,
    /// gitleaks' `git log` options: `A..B` (as --range), `-N` / `-n N` / `--max-count=N` (the
    /// last N commits of HEAD or of the REF given), a REF (as --branch), `--all`; `--no-merges`,
    /// `--first-parent` and `--full-history` change nothing here. Any other option is an error.
    #[arg(long, value_name = "OPTIONS", allow_hyphen_values = true, help_heading = GITLEAKS)]
    pub log_opts: Option<String>,
    /// As gitleaks' `git --pre-commit`: scan what is staged (as --staged).
    #[arg(long, help_heading = GITLEAKS)]
    pub pre_commit: bool,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Args)]
pub struct ImageArgs {
    /// Image tarballs (`docker save -o app.tar app:1`) or OCI layout directories or tarballs.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Skip files in layers larger than this (bytes, or with a K, M or G suffix).
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
    /// Scan the raw bytes of binary files (by default a file with a NUL byte in its first 8 KiB
    /// is scanned as its printable strings, ASCII and UTF-16LE, 8 characters or more).
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
    /// report, a gitleaks JSON report (with its secrets), or a file `keyscout baseline` wrote.
    #[arg(
        short = 'b',
        long,
        visible_alias = "baseline-path",
        value_name = "FILE"
    )]
    pub baseline: Option<PathBuf>,
    /// The .gitleaksignore to read, or a directory holding one (default: the scanned root).
    #[arg(short = 'i', long, value_name = "PATH", help_heading = GITLEAKS)]
    pub gitleaks_ignore_path: Option<PathBuf>,
    /// gitleaks' size limit: skip files (blobs) larger than N MB (as --max-file-size NM).
    #[arg(long, value_name = "N", help_heading = GITLEAKS)]
    pub max_target_megabytes: Option<u64>,

    /// List on stderr the ignore entries that matched no finding in this scan.
    #[arg(long)]
    pub report_stale_ignores: bool,
    /// Run every rule over the whole input (the reference path the prefilter is tested against).
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
    #[command(flatten)]
    pub verify: VerifyArgs,
}

/// `--verify` and its limits.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Ask each provider whether a found secret is live: one read-only HTTPS request per
    /// distinct secret, only to the host its rule's verifier names (built-in rules, or a rule
    /// file named with --config or $KEYSCOUT_CONFIG; never one found in the scanned tree).
    #[arg(long)]
    pub verify: bool,
    /// With --verify: report only the findings the provider confirmed live.
    #[arg(long, requires = "verify")]
    pub only_verified: bool,
    /// Verification requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub verify_concurrency: u16,
    /// Seconds one verification request may take, body included.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub verify_timeout: u64,
    /// Verification requests per second to one provider host.
    #[arg(long, value_name = "N", default_value_t = 5.0)]
    pub verify_rate: f64,
    /// Print each verification request and answer on stderr, secrets masked.
    #[arg(long, requires = "verify")]
    pub verify_debug: bool,
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
    /// gitleaks' report format: `json` is gitleaks' JSON; csv, junit, sarif, or any of -f's.
    #[arg(long, value_name = "FORMAT", value_parser = parse_report_format,
          conflicts_with = "format", help_heading = GITLEAKS)]
    pub report_format: Option<Format>,
    /// gitleaks' report template: refused with a message that says so.
    #[arg(long, hide = true, value_name = "FILE", value_parser = no_template)]
    pub report_template: Option<String>,
    /// gitleaks' report file (`-` is stdout), as --output; without a format, the format
    /// follows the extension (.sarif, .csv, .xml JUnit, .html), else gitleaks' JSON.
    #[arg(short = 'r', long, value_name = "FILE", conflicts_with = "output", help_heading = GITLEAKS)]
    pub report_path: Option<PathBuf>,
    /// Also print each finding as text as it is found: on stdout, or on stderr when the
    /// report goes to stdout.
    #[arg(short = 'v', long, help_heading = GITLEAKS)]
    pub verbose: bool,
    /// gitleaks' log level: `warn`, `error` or `fatal` hide the summary line (as -q).
    #[arg(short = 'l', long, value_enum, value_name = "LEVEL", help_heading = GITLEAKS)]
    pub log_level: Option<LogLevel>,
    /// Accepted for gitleaks' command lines: keyscout prints no banner.
    #[arg(long, help_heading = GITLEAKS)]
    pub no_banner: bool,
    /// No colour in the text report (as --color never).
    #[arg(long, help_heading = GITLEAKS)]
    pub no_color: bool,
}

/// gitleaks' log levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

const NO_TEMPLATE: &str =
    "gitleaks report templates are not supported: use -f html, csv, junit, sarif or json";

fn no_template(_: &str) -> Result<String, String> {
    Err(NO_TEMPLATE.to_string())
}

/// `--report-format`: gitleaks' names (`json` is gitleaks' JSON), then keyscout's.
fn parse_report_format(text: &str) -> Result<Format, String> {
    use clap::ValueEnum;
    match text.to_ascii_lowercase().as_str() {
        "json" => Ok(Format::GitleaksJson),
        "template" => Err(NO_TEMPLATE.to_string()),
        other => Format::from_str(other, true),
    }
}

impl ReportArgs {
    /// The format and destination once gitleaks' spellings are folded in: `--report-format`
    /// wins, then a `--report-path` extension, then gitleaks' JSON for a `--report-path`.
    pub fn resolve(&mut self) {
        if let Some(path) = self.report_path.take() {
            if self.report_format.is_none() && self.format == Format::Text {
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                self.format = match ext.to_ascii_lowercase().as_str() {
                    "sarif" => Format::Sarif,
                    "csv" => Format::Csv,
                    "xml" => Format::Junit,
                    "html" | "htm" => Format::Html,
                    "jsonl" => Format::Jsonl,
                    _ => Format::GitleaksJson,
                };
            }
            self.output = (path.as_os_str() != "-").then_some(path);
        }
        if let Some(format) = self.report_format.take() {
            self.format = format;
        }
        if matches!(
            self.log_level,
            Some(LogLevel::Warn | LogLevel::Error | LogLevel::Fatal)
        ) {
            self.quiet = true;
        }
        if self.no_color {
            self.color = Color::Never;
        }
    }
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
    /// List every rule: id, keywords, tags, where it is defined, confidence, and the host
    /// `--verify` asks (`verify:HOST`, or `-`).
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

/// `--verify-ttl`: a number of seconds, or one with a unit `s`, `m`, `h` or `d`.
fn parse_ttl(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like 30m, 24h or 7d"))?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{text}`: the unit is s, m, h or d")),
    };
    Ok(std::time::Duration::from_secs(n.saturating_mul(scale)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_take_a_unit_or_seconds() {
        use std::time::Duration;
        assert_eq!(parse_ttl("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_ttl("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_ttl("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_ttl("0"), Ok(Duration::ZERO));
        assert!(parse_ttl("1w").unwrap_err().contains("unit"));
        assert!(parse_ttl("h").is_err());
    }

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
