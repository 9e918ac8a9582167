//! `keyscout git`: wires the git source to the scanner and the report.
//!
//! The history scan itself (selection, blob scans, provenance, the staged diff) is the
//! library's [`crate::history`]: this module turns arguments into its options and its
//! findings into a report.
//!
//! Many repositories (an audit: a list, `--repos-from`, `--shard`, clone URLs) are scanned one
//! after another, each on all threads, their findings streamed to the report as each is done;
//! objects scanned in one are not scanned again in the next ([`SharedBlobs`]). With
//! `--state`, a repository whose refs have not moved is skipped, and one that moved is scanned
//! as a range from its old tips ([`super::state`]).

use std::cell::Cell;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use anyhow::{Context, bail};
use gix::ObjectId;

use super::args::GitArgs;
use super::progress::Totals;
use super::repos::{self, RepoSpec};
use super::scan::{Counters, finish, load_scanner, report, threads};
use super::state::{self, RepoState, State};
use super::verify;
use crate::finding::Finding;
use crate::history::{self, Options, Selection, Shared, selection};
use crate::rules;
use crate::scan::Scanner;
use crate::source::git::{OnWarning, Repo, StagedFile, Warning};
use crate::source::remote;

pub fn git(args: GitArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let list = repos::list(&args.repos, args.repos_from.as_deref(), args.shard)?;
    if one_only(&args) && list.len() != 1 {
        bail!(
            "--staged, --range, --since and --branch scan one repository ({} given)",
            list.len()
        );
    }
    // An audit: a list, a shard or a URL. One local repository reads its own .keyscout.toml as
    // `keyscout dir` does; an audit's rules come from here, so that a repository under audit
    // cannot allowlist its own leaks, and every shard runs the same rules.
    let audit = args.repos_from.is_some()
        || args.shard.is_some()
        || list.len() != 1
        || list.iter().any(|r| r.url);
    let cwd = std::env::current_dir().context("finding the current directory")?;
    let root = match list.as_slice() {
        [one] if !audit => {
            if !Path::new(&one.given).exists() {
                bail!("{}: no such file or directory", one.given);
            }
            Repo::open(Path::new(&one.given))?.root().to_path_buf()
        }
        _ => cwd,
    };
    // The pre-commit hook: what is staged is read while the rules load (each takes a few
    // milliseconds); should it fail here, the scan reads it again and reports why.
    let (scanner, staged) = std::thread::scope(|s| {
        let staged = match list.as_slice() {
            [one] if args.staged && !audit => Some(s.spawn(|| {
                Repo::open(Path::new(&one.given))
                    .and_then(|repo| repo.staged())
                    .ok()
            })),
            _ => None,
        };
        let scanner = load_scanner(&args.scan, &root);
        (scanner, staged.and_then(|h| h.join().ok().flatten()))
    });
    let scanner = scanner?;
    let counters = Counters::default();
    let triage = super::triage::load(&args.scan, &root, &counters)?;
    let mut state = args.state.as_deref().map(State::load).transpose()?;
    // The remembered answers leave the state while the scan borrows it, and come back after.
    let mut memory = state.as_mut().map(|s| std::mem::take(&mut s.verified));
    let fingerprint = state.as_ref().map(|_| fingerprint(&args, &scanner, &root));
    let run = Run {
        args: &args,
        options: options(&args),
        scanner: &scanner,
        counters: &counters,
        audit,
        shared: audit.then(Shared::default),
        clone_dir: args
            .clone_dir
            .clone()
            .unwrap_or_else(repos::default_clone_dir),
        fingerprint,
        totals: Totals {
            repositories: list.len() as u64,
            ..Totals::default()
        },
        staged: Cell::new(staged),
    };
    let scanned = || counters.scanned();
    // The status line shares no terminal with the report.
    let show = audit
        && !args.scan.report.quiet
        && (args.scan.report.output.is_some() || !io::stdout().is_terminal());
    let mut failure = None;
    let reporter = run.totals.show_while(show, &scanned, started, || {
        let batches = list.iter().map_while(|spec| {
            let result = run.one(spec, state.as_mut());
            run.totals.done.fetch_add(1, Relaxed);
            match result {
                Ok(found) => {
                    run.totals.findings.fetch_add(found.len() as u64, Relaxed);
                    Some(found)
                }
                Err(err) if !audit => {
                    failure = Some(err);
                    None
                }
                Err(err) => {
                    counters.error(&format!("{}: {err:#}", spec.given));
                    Some(Vec::new())
                }
            }
        });
        let remember = memory.as_mut().map(|memory| verify::Remember {
            memory,
            ttl: args.verify_ttl,
        });
        report(
            &args.scan,
            scanner.rules(),
            triage,
            &counters,
            batches,
            remember,
        )
    })?;
    if let (Some(state), Some(memory)) = (state.as_mut(), memory) {
        state.verified = memory;
    }
    if let Some(err) = failure {
        return Err(err);
    }
    if let (Some(path), Some(state)) = (&args.state, &mut state) {
        state.save(path)?;
    }
    counters.rule_errors(scanner.rules());
    if args.stats {
        eprint!(
            "{}",
            run.totals.stats(&scanned, started.elapsed().as_secs_f64())
        );
    }
    finish(&args.scan, reporter, counters.summary(started), &root)
}

/// The `--state` fingerprint of this scan: the rules as loaded and the options that change
/// what is found.
fn fingerprint(args: &GitArgs, scanner: &Scanner, root: &Path) -> String {
    let env = std::env::var("KEYSCOUT_CONFIG").ok();
    let config = match rules::discover(args.scan.config.as_deref(), env.as_deref(), root) {
        rules::ConfigSource::File(path) => Some(path),
        rules::ConfigSource::Builtin => None,
    };
    // `strings`: binary blobs are scanned as their printable strings (states saved before
    // that skipped them, and must not count those blobs as scanned).
    let options = format!(
        "binary={} strings={} max_file_size={:?} min_confidence={:?}",
        args.scan.binary, !args.scan.binary, args.max_file_size, args.scan.min_confidence
    );
    state::fingerprint(scanner.rules(), config.as_deref(), &options)
}

/// The history scan's options, from the arguments.
fn options(args: &GitArgs) -> Options {
    Options {
        threads: threads(&args.scan),
        max_file_size: args.max_file_size,
        binary: args.scan.binary,
        all_objects: args.all_objects,
        all_provenance: args.all_provenance,
        whole_blobs: args.whole_blobs,
    }
}

/// Whether the scan is one only a single repository can take.
fn one_only(args: &GitArgs) -> bool {
    args.staged || args.range.is_some() || args.since.is_some() || args.branch.is_some()
}

/// What every repository of a run shares.
struct Run<'a> {
    args: &'a GitArgs,
    options: Options,
    scanner: &'a Scanner,
    counters: &'a Counters,
    /// Several repositories, a list, a shard or a URL (see [`git`]).
    audit: bool,
    /// Blobs scanned in earlier repositories (an audit only).
    shared: Option<Shared>,
    clone_dir: PathBuf,
    /// The rules' fingerprint, with `--state`.
    fingerprint: Option<String>,
    totals: Totals,
    /// With `--staged`: the staged files, when read already.
    staged: Cell<Option<Vec<StagedFile>>>,
}

impl Run<'_> {
    /// Scans one repository: clones or fetches it first if it is a URL; with a state, only
    /// what is new since, and records what it scanned when nothing went wrong.
    fn one(&self, spec: &RepoSpec, state: Option<&mut State>) -> anyhow::Result<Vec<Finding>> {
        let (args, counters) = (self.args, self.counters);
        let path = if spec.url {
            let path = remote::clone_path(&self.clone_dir, &spec.given);
            match remote::sync(&spec.given, &path) {
                Ok(_) => {}
                // An earlier clone is still worth scanning when the origin cannot be reached.
                Err(err) if path.exists() => counters.error(&format!("{}: {err}", spec.given)),
                Err(err) => return Err(err.into()),
            }
            path
        } else {
            PathBuf::from(&spec.given)
        };
        if !path.exists() {
            bail!("{}: no such file or directory", spec.given);
        }
        let repo = Repo::open(&path)?;
        let audit = self.audit;
        let warn = |w: Warning| {
            if audit {
                counters.error(&format!("{}: {w}", spec.given));
            } else {
                counters.error(&w.to_string());
            }
        };
        let outcome = |o| counters.record(o);
        if args.staged {
            let files = match self.staged.take() {
                Some(files) => files,
                None => repo.staged().context("reading what is staged")?,
            };
            let (scanner, options) = (self.scanner, &self.options);
            return Ok(history::staged::scan_files(
                &repo, files, scanner, options, &outcome, &warn,
            ));
        }
        let errors = counters.errors();
        let mut scanned_now = None;
        let selection = if one_only(args) {
            let asked = selection::Asked {
                range: args.range.as_deref(),
                since: args.since.as_deref(),
                branch: args.branch.as_deref(),
            };
            selection::resolve(&repo, asked, &warn)?
        } else {
            let tips = repo.ref_tips(&warn)?;
            let Some(rules) = &self.fingerprint else {
                return self.history(spec, &repo, Selection::Reachable(tips), &warn);
            };
            let mut now = RepoState {
                rules: rules.clone(),
                tips: tips
                    .iter()
                    .map(|t| selection::tip_id(t).to_string())
                    .collect(),
            };
            now.tips.sort();
            let before = state
                .as_ref()
                .and_then(|s| s.get(&spec.given))
                .filter(|before| before.rules == now.rules && !args.all);
            let selection = match before {
                Some(before) if before.tips == now.tips => {
                    self.totals.unchanged.fetch_add(1, Relaxed);
                    return Ok(Vec::new());
                }
                Some(before) => {
                    let old: Vec<ObjectId> = before
                        .tips
                        .iter()
                        .filter_map(|hex| ObjectId::from_hex(hex.as_bytes()).ok())
                        .collect();
                    selection::since(&tips, &old)
                }
                None => Selection::Reachable(tips),
            };
            scanned_now = Some(now);
            selection
        };
        let found = self.history(spec, &repo, selection, &warn)?;
        if let (Some(state), Some(now)) = (state, scanned_now)
            && counters.errors() == errors
        {
            state.set(&spec.given, now);
        }
        Ok(found)
    }

    fn history(
        &self,
        spec: &RepoSpec,
        repo: &Repo,
        selection: Selection,
        warn: OnWarning<'_>,
    ) -> anyhow::Result<Vec<Finding>> {
        let counters = self.counters;
        let outcome = |o| counters.record(o);
        let scanned = history::scan(
            repo,
            self.scanner,
            &self.options,
            selection,
            self.shared.as_ref(),
            &outcome,
            warn,
        )?;
        self.totals
            .commits
            .fetch_add(scanned.commits as u64, Relaxed);
        let mut found = scanned.findings;
        for f in &mut found {
            if let Some(git) = &mut f.git {
                git.repository.clone_from(&spec.given);
            }
        }
        Ok(found)
    }
}
