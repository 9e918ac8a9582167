//! `keyscout dir` and `keyscout stdin`: pick the rules, run the sources through per-thread
//! matchers, stream findings to one reporter, and count what went wrong.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{Context, bail};

use super::archives::{Archives, Input};
use super::args::{DirArgs, ScanArgs, StdinArgs};
use super::{output, triage, verify};
use crate::finding::{Chunk, Finding};
use crate::report::{Reporter, Summary};
use crate::rules::{self, Confidence, ConfigSource, RuleSet};
use crate::scan::Scanner;
use crate::source::archive::Limits;
use crate::source::fs::{self as walker, FileEntry, WalkError, WalkOptions};
use crate::source::read::{Outcome, ReadOptions, read_chunks};
use crate::triage::Triage;

/// Totals gathered by the workers.
#[derive(Default)]
pub(super) struct Counters {
    files: AtomicU64,
    bytes: AtomicU64,
    skipped_binary: AtomicU64,
    errors: AtomicU64,
    suppressed: AtomicU64,
}

impl Counters {
    pub(super) fn record(&self, outcome: Outcome) {
        match outcome {
            Outcome::Scanned { bytes } => {
                self.files.fetch_add(1, Relaxed);
                self.bytes.fetch_add(bytes, Relaxed);
            }
            Outcome::SkippedBinary => {
                self.skipped_binary.fetch_add(1, Relaxed);
            }
        }
    }

    pub(super) fn error(&self, message: &str) {
        output::warn(message);
        self.errors.fetch_add(1, Relaxed);
    }

    /// Rules whose regex was needed but could not be built matched nothing: an error.
    pub(super) fn rule_errors(&self, set: &RuleSet) {
        for rule in &set.rules {
            if let Some(err) = rule.regex.as_ref().and_then(|p| p.error()) {
                let at = format!("{}:{}", rule.origin.file, rule.origin.line);
                self.error(&format!("{at}: rule `{}`: regex: {err}", rule.id));
            }
        }
    }

    /// Blobs or files scanned so far, and their bytes.
    pub(super) fn scanned(&self) -> (u64, u64) {
        (self.files.load(Relaxed), self.bytes.load(Relaxed))
    }

    pub(super) fn errors(&self) -> u64 {
        self.errors.load(Relaxed)
    }

    pub(super) fn summary(&self, started: Instant) -> Summary {
        Summary {
            files: self.files.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
            skipped_binary: self.skipped_binary.load(Relaxed),
            errors: self.errors.load(Relaxed),
            suppressed: self.suppressed.load(Relaxed),
            seconds: started.elapsed().as_secs_f64(),
        }
    }
}

pub fn dir(args: DirArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    for path in &args.paths {
        if std::fs::symlink_metadata(path).is_err() {
            bail!("{}: no such file or directory", path.display());
        }
    }
    let first = &args.paths[0];
    let config_root = if first.is_dir() {
        first.clone()
    } else {
        parent_or_cwd(first)
    };
    let scanner = load_scanner(&args.scan, &config_root)?;
    let counters = Counters::default();
    let triage = triage::load(&args.scan, &config_root, &counters)?;
    let read_opts = ReadOptions {
        binary: args.scan.binary,
        ..ReadOptions::default()
    };
    let walk_opts = WalkOptions {
        gitignore: args.gitignore,
        follow_symlinks: args.follow_symlinks,
        max_file_size: args.max_file_size,
        threads: threads(&args.scan),
    };
    let several_roots = args.paths.len() > 1;
    let archives = args.archives.then(|| Archives {
        limits: Limits {
            max_entry_size: args.max_file_size,
            ..Limits::default()
        },
        scanner: &scanner,
        read_opts: &read_opts,
        counters: &counters,
    });

    let (tx, rx) = mpsc::channel::<Vec<Finding>>();
    let reported = std::thread::scope(|scope| {
        let (scanner, counters, read_opts, walk_opts) =
            (&scanner, &counters, &read_opts, &walk_opts);
        let (paths, archives) = (&args.paths, archives.as_ref());
        scope.spawn(move || {
            for root in paths {
                let make_visitor = || {
                    let tx = tx.clone();
                    let mut matcher = scanner.matcher();
                    let mut buf = Vec::new();
                    let mut found = Vec::new();
                    move |entry: FileEntry<'_>| {
                        let name = if several_roots {
                            entry.path.to_string_lossy().into_owned()
                        } else {
                            entry.name
                        };
                        if scanner.rules().path_allowed(&name) {
                            return;
                        }
                        let file = match std::fs::File::open(entry.path) {
                            Ok(file) => file,
                            Err(err) => {
                                return counters.error(&format!("{}: {err}", entry.path.display()));
                            }
                        };
                        if let Some(archives) = archives {
                            let input = Input::File(file);
                            archives.scan(input, &name, &mut matcher, &mut buf, &mut found);
                        } else {
                            let scan = |chunk: Chunk<'_>| matcher.scan(&chunk, &mut found);
                            match read_chunks(file, Some(&name), &mut buf, read_opts, scan) {
                                Ok(outcome) => counters.record(outcome),
                                Err(err) => {
                                    counters.error(&format!("{}: {err}", entry.path.display()))
                                }
                            }
                        }
                        if !found.is_empty() {
                            // The receiver only goes away on a write error, reported there.
                            let _ = tx.send(std::mem::take(&mut found));
                        }
                    }
                };
                let on_error = |err: WalkError| {
                    let at = err
                        .path
                        .map(|p| format!("{}: ", p.display()))
                        .unwrap_or_default();
                    counters.error(&format!("{at}{}", err.message));
                };
                walker::walk(root, walk_opts, &make_visitor, &on_error);
            }
            drop(tx);
        });
        report(&args.scan, scanner.rules(), triage, counters, rx, None)
    })?;
    counters.rule_errors(scanner.rules());
    // Paths are relative to the one directory scanned, else as walked from the working
    // directory; SARIF resolves them against that.
    let base = if several_roots {
        Path::new(".")
    } else {
        first.as_path()
    };
    finish(&args.scan, reported, counters.summary(started), base)
}

pub fn stdin(args: StdinArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let cwd = std::env::current_dir().context("finding the current directory")?;
    let scanner = load_scanner(&args.scan, &cwd)?;
    let counters = Counters::default();
    let triage = triage::load(&args.scan, &cwd, &counters)?;
    let read_opts = ReadOptions {
        binary: args.scan.binary,
        ..ReadOptions::default()
    };
    let mut matcher = scanner.matcher();
    let mut found = Vec::new();
    if args.archives {
        let archives = Archives {
            limits: Limits::default(),
            scanner: &scanner,
            read_opts: &read_opts,
            counters: &counters,
        };
        let input = Input::Reader(&mut std::io::stdin().lock());
        archives.scan(
            input,
            &args.label,
            &mut matcher,
            &mut Vec::new(),
            &mut found,
        );
    } else {
        let outcome = read_chunks(
            std::io::stdin().lock(),
            Some(&args.label),
            &mut Vec::new(),
            &read_opts,
            |chunk| matcher.scan(&chunk, &mut found),
        );
        match outcome {
            Ok(outcome) => counters.record(outcome),
            Err(err) => counters.error(&format!("reading standard input: {err}")),
        }
    }
    let reported = report(
        &args.scan,
        scanner.rules(),
        triage,
        &counters,
        [found],
        None,
    )?;
    counters.rule_errors(scanner.rules());
    finish(&args.scan, reported, counters.summary(started), &cwd)
}

/// Loads the rules the user asked for (see [`rules::discover`]).
pub(super) fn load_scanner(args: &ScanArgs, root: &Path) -> anyhow::Result<Scanner> {
    // gitleaks' variable too, so that its command lines find the same rules.
    let env = std::env::var("KEYSCOUT_CONFIG")
        .or_else(|_| std::env::var("GITLEAKS_CONFIG"))
        .ok();
    let source = rules::discover(args.config.as_deref(), env.as_deref(), root);
    let set = rules::load(&source).map_err(anyhow::Error::new)?;
    if let ConfigSource::File(path) = &source
        && set.rules.is_empty()
    {
        output::warn(&format!("{} defines no rules", path.display()));
    }
    let set = Arc::new(set);
    // The rules live until the process exits: freeing their many small allocations would
    // only delay the exit, which a pre-commit hook waits for.
    std::mem::forget(Arc::clone(&set));
    let scanner = Scanner::new(set).with_decode_depth(args.max_decode_depth);
    Ok(if args.no_prefilter {
        scanner.without_prefilter()
    } else {
        scanner
    })
}

/// Feeds every batch of findings (a channel from the workers, or one batch) to a new
/// reporter, less those `triage` suppresses, each with its assessment (remediation, and with
/// `--verify` the provider's answer), and returns it unfinished. With `--verify` findings are
/// held until their answers come.
pub(super) fn report(
    args: &ScanArgs,
    rules: &RuleSet,
    mut triage: Triage,
    counters: &Counters,
    batches: impl IntoIterator<Item = Vec<Finding>>,
    memory: Option<verify::Remember<'_>>,
) -> anyhow::Result<Reporter> {
    let mut reporter = args.report.reporter()?;
    let min = Confidence::from(args.min_confidence);
    let assessor = verify::Assessor::new(rules);
    let mut held = Vec::new();
    for batch in batches {
        for finding in batch {
            // A companion's value only pairs with other findings for --verify.
            if assessor.companion(&finding) {
                if args.verify.verify {
                    let assessment = assessor.assess(&finding);
                    held.push((finding, assessment));
                }
                continue;
            }
            let suppressed = triage.suppresses(&finding);
            if Confidence::parse(&finding.confidence).unwrap_or_default() < min {
                continue;
            }
            if suppressed {
                counters.suppressed.fetch_add(1, Relaxed);
                continue;
            }
            let assessment = assessor.assess(&finding);
            if args.verify.verify {
                held.push((finding, assessment));
            } else {
                reporter
                    .assessed(finding, assessment)
                    .with_context(|| args.report.writing())?;
            }
        }
    }
    if args.verify.verify {
        verify::verify(args, rules, &mut held, memory)?;
        held.retain(|(f, _)| !assessor.companion(f));
        for (finding, assessment) in held {
            reporter
                .assessed(finding, assessment)
                .with_context(|| args.report.writing())?;
        }
    }
    triage::report_stale(args, &triage);
    Ok(reporter)
}

/// Finishes the report, prints the summary line, and picks the exit code.
pub(super) fn finish(
    args: &ScanArgs,
    reporter: Reporter,
    summary: Summary,
    root: &Path,
) -> anyhow::Result<u8> {
    let findings = reporter.count();
    reporter
        .finish(&summary, root)
        .with_context(|| args.report.writing())?;
    if !args.report.quiet {
        let mut line = format!(
            "keyscout: {findings} finding(s) in {} file(s), {:.1} MB in {:.2} s",
            summary.files,
            summary.bytes as f64 / 1e6,
            summary.seconds
        );
        if summary.skipped_binary > 0 {
            line += &format!(", {} binary file(s) skipped", summary.skipped_binary);
        }
        if summary.suppressed > 0 {
            line += &format!(", {} suppressed", summary.suppressed);
        }
        if summary.errors > 0 {
            line += &format!(", {} error(s)", summary.errors);
        }
        eprintln!("{line}");
    }
    Ok(args.report.exit_code(summary.errors, findings))
}

pub(super) fn threads(args: &ScanArgs) -> usize {
    args.threads
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn parent_or_cwd(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
