//! `keyscout git`: wires the git source to the scanner and the report.
//!
//! History scans go: the commits of every ref (or one ref) -> every blob in the repository
//! scanned once, in parallel, without a path (packs decoded whole) -> one parallel pass of
//! tree diffs over the commits, noting where the few blobs with findings were introduced (a
//! blob introduced nowhere is unreachable, and dropped) -> path-scoped rules, path and commit
//! allowlists judged at each place -> one finding per secret per blob, at its first place,
//! with how many other places carry it. A range scan diffs its commits first and scans only
//! the blobs they introduced. `--staged` scans the index against HEAD and keeps only
//! findings on added or changed lines.
//!
//! Many repositories (an audit: a list, `--repos-from`, `--shard`, clone URLs) are scanned one
//! after another, each on all threads, their findings streamed to the report as each is done;
//! objects scanned in one are not scanned again in the next ([`SharedBlobs`]). With
//! `--state`, a repository whose refs have not moved is skipped, and one that moved is scanned
//! as a range from its old tips ([`super::state`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use anyhow::{Context, bail};
use gix::ObjectId;
use gix::bstr::BStr;
use gix::hashtable::HashSet;

use super::args::GitArgs;
use super::progress::Totals;
use super::repos::{self, RepoSpec};
use super::scan::{Counters, finish, load_scanner, report, threads};
use super::state::{self, RepoState, State};
use crate::finding::{Chunk, Finding, GitOrigin, GitPlace};
use crate::rules;
use crate::scan::Scanner;
use crate::source::git::{Commit, CommitInfo, OnWarning, Place, Repo, Tip, Warning};
use crate::source::read::{Outcome, is_binary};
use crate::source::{remote, strings};

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
    let scanner = load_scanner(&args.scan, &root)?;
    let counters = Counters::default();
    let triage = super::triage::load(&args.scan, &root, &counters)?;
    let mut state = args.state.as_deref().map(State::load).transpose()?;
    let fingerprint = state.as_ref().map(|_| fingerprint(&args, &scanner, &root));
    let run = Run {
        args: &args,
        scanner: &scanner,
        counters: &counters,
        audit,
        shared: audit.then(SharedBlobs::default),
        clone_dir: args
            .clone_dir
            .clone()
            .unwrap_or_else(repos::default_clone_dir),
        fingerprint,
        totals: Totals {
            repositories: list.len() as u64,
            ..Totals::default()
        },
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
        report(&args.scan, scanner.rules(), triage, &counters, batches)
    })?;
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
    let options = format!(
        "binary={} max_file_size={:?} min_confidence={:?}",
        args.scan.binary, args.max_file_size, args.scan.min_confidence
    );
    state::fingerprint(scanner.rules(), config.as_deref(), &options)
}

/// Whether the scan is one only a single repository can take.
fn one_only(args: &GitArgs) -> bool {
    args.staged || args.range.is_some() || args.since.is_some() || args.branch.is_some()
}

/// What every repository of a run shares.
struct Run<'a> {
    args: &'a GitArgs,
    scanner: &'a Scanner,
    counters: &'a Counters,
    /// Several repositories, a list, a shard or a URL (see [`git`]).
    audit: bool,
    /// Blobs scanned in earlier repositories (an audit only).
    shared: Option<SharedBlobs>,
    clone_dir: PathBuf,
    /// The rules' fingerprint, with `--state`.
    fingerprint: Option<String>,
    totals: Totals,
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
        if args.staged {
            return staged(args, &repo, self.scanner, counters);
        }
        let errors = counters.errors();
        let mut scanned_now = None;
        let selection = if one_only(args) {
            selection(args, &repo, &warn)?
        } else {
            let tips = repo.ref_tips(&warn)?;
            let Some(rules) = &self.fingerprint else {
                return self.history(spec, &repo, Selection::Reachable(tips), &warn);
            };
            let mut now = RepoState {
                rules: rules.clone(),
                tips: tips.iter().map(|t| tip_id(t).to_string()).collect(),
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
                Some(before) => since(&tips, before),
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
        let shared = self.shared.as_ref();
        let (mut found, commits) = history(
            self.args,
            repo,
            self.scanner,
            self.counters,
            selection,
            shared,
            warn,
        )?;
        self.totals.commits.fetch_add(commits as u64, Relaxed);
        for f in &mut found {
            if let Some(git) = &mut f.git {
                git.repository.clone_from(&spec.given);
            }
        }
        Ok(found)
    }
}

fn tip_id(tip: &Tip) -> ObjectId {
    match tip {
        Tip::Commit(id) | Tip::Tree(id) | Tip::Blob(id) => *id,
    }
}

/// What is new since `before`: the commits reachable from the tips and not from the old ones;
/// everything, when a tag names a tree or blob it did not.
fn since(tips: &[Tip], before: &RepoState) -> Selection {
    let old: Vec<ObjectId> = before
        .tips
        .iter()
        .filter_map(|hex| ObjectId::from_hex(hex.as_bytes()).ok())
        .collect();
    let mut commits = Vec::new();
    for tip in tips {
        match tip {
            Tip::Commit(id) => commits.push(*id),
            other if !old.contains(&tip_id(other)) => return Selection::Reachable(tips.to_vec()),
            _ => {}
        }
    }
    Selection::Range {
        tips: commits,
        hidden: old,
    }
}

/// Blobs scanned in earlier repositories of the run, and the findings of those that had
/// some: a blob many repositories share (forks, vendored copies) is scanned once.
#[derive(Default)]
struct SharedBlobs {
    /// Every object already handed to the scan (trees and commits too, so that a fork's
    /// shared history is not even looked at again).
    scanned: RefCell<HashSet<ObjectId>>,
    found: RefCell<HashMap<ObjectId, Vec<Finding>>>,
}

impl SharedBlobs {
    /// Scans those of `objects` not scanned before with `scan`; the findings of all of them.
    fn scan(
        &self,
        objects: &[ObjectId],
        scan: impl FnOnce(&[ObjectId]) -> HashMap<ObjectId, Vec<Finding>>,
    ) -> HashMap<ObjectId, Vec<Finding>> {
        let todo: Vec<ObjectId> = {
            let scanned = self.scanned.borrow();
            objects
                .iter()
                .filter(|id| !scanned.contains(*id))
                .copied()
                .collect()
        };
        let new = scan(&todo);
        self.scanned.borrow_mut().extend(todo);
        let mut found = self.found.borrow_mut();
        found.extend(new);
        if found.is_empty() {
            return HashMap::new();
        }
        objects
            .iter()
            .filter_map(|id| found.get(id).map(|f| (*id, f.clone())))
            .collect()
    }
}

/// What part of the history to scan.
enum Selection {
    /// Everything the tips reach.
    Reachable(Vec<Tip>),
    /// Only what the commits reachable from `tips` and not from `hidden` introduced.
    Range {
        tips: Vec<ObjectId>,
        hidden: Vec<ObjectId>,
    },
}

fn selection(args: &GitArgs, repo: &Repo, warn: OnWarning<'_>) -> anyhow::Result<Selection> {
    let commit = |rev: &str| -> anyhow::Result<ObjectId> {
        match repo.resolve(rev)? {
            Tip::Commit(id) => Ok(id),
            _ => bail!("`{rev}` does not name a commit"),
        }
    };
    if let Some(range) = &args.range {
        let Some((from, to)) = range.split_once("..") else {
            bail!("--range `{range}`: expected A..B");
        };
        if from.is_empty() || to.starts_with('.') {
            bail!("--range `{range}`: expected A..B");
        }
        let to = if to.is_empty() { "HEAD" } else { to };
        return Ok(Selection::Range {
            tips: vec![commit(to)?],
            hidden: vec![commit(from)?],
        });
    }
    if let Some(since) = &args.since {
        let to = args.branch.as_deref().unwrap_or("HEAD");
        return Ok(Selection::Range {
            tips: vec![commit(to)?],
            hidden: vec![commit(since)?],
        });
    }
    if let Some(branch) = &args.branch {
        return Ok(Selection::Reachable(vec![repo.resolve(branch)?]));
    }
    Ok(Selection::Reachable(repo.ref_tips(warn)?))
}

/// The full-history and range scans; also returns how many commits were walked.
fn history(
    args: &GitArgs,
    repo: &Repo,
    scanner: &Scanner,
    counters: &Counters,
    selection: Selection,
    shared: Option<&SharedBlobs>,
    warn: OnWarning<'_>,
) -> anyhow::Result<(Vec<Finding>, usize)> {
    let set = scanner.rules();
    let path_only = |path: &[u8]| {
        set.path_only.iter().any(|&r| {
            set.rules[r as usize]
                .path
                .as_ref()
                .is_some_and(|re| re.is_match(path))
        })
    };
    let threads = threads(&args.scan);
    let everything = |_: &BStr, _: &gix::oid| true;
    let (commits, blobs, places, off_commits) = match selection {
        Selection::Range { tips, hidden } => {
            let commits = repo.walk(&tips, &hidden, warn);
            let places = repo.places(&commits, &everything, threads, warn);
            let mut blobs: Vec<ObjectId> = places.iter().map(|p| p.blob).collect();
            blobs.sort_unstable();
            blobs.dedup();
            (commits, blobs, Some(places), None)
        }
        Selection::Reachable(tips) => {
            let mut starts = Vec::new();
            let mut trees = Vec::new();
            let mut loose_blobs = Vec::new();
            for tip in tips {
                match tip {
                    Tip::Commit(id) => starts.push(id),
                    Tip::Tree(id) => trees.push(id),
                    Tip::Blob(id) => loose_blobs.push(id),
                }
            }
            let commits = repo.walk(&starts, &[], warn);
            // Every blob in the repository is scanned, packs decoded whole, without first
            // listing what the history reaches: that costs a walk of every tree, and only the
            // few blobs with findings need it. They get it from their places below; one with
            // no place is unreachable and dropped, unless --all-objects keeps it.
            let off_commits = if args.all_objects {
                OffCommits::All
            } else if trees.is_empty() && loose_blobs.is_empty() {
                OffCommits::None
            } else {
                // Tags naming a tree or a blob: what they reach has no commit.
                let reached = repo.reachable_blobs(&[], &trees, &loose_blobs, None, warn);
                OffCommits::These(reached.blobs.into_iter().collect())
            };
            (commits, repo.all_objects()?, None, Some(off_commits))
        }
    };

    let scan = |todo: &[ObjectId]| scan_blobs(args, repo, scanner, counters, todo, threads, warn);
    let found = match shared {
        Some(shared) => shared.scan(&blobs, scan),
        None => scan(&blobs),
    };
    let mut targets: HashSet<ObjectId> = found.keys().copied().collect();
    let places = match places {
        Some(places) => places,
        None => {
            // Every blob the history reaches passes here, at the commit that introduced it: one
            // the repository does not hold (the scan listed all it holds) is reported.
            let missing: Mutex<HashSet<ObjectId>> = Mutex::default();
            let keep = |path: &BStr, id: &gix::oid| {
                if blobs.binary_search_by(|b| b.as_ref().cmp(id)).is_err() {
                    let mut missing = missing.lock().unwrap_or_else(|e| e.into_inner());
                    missing.insert(id.to_owned());
                }
                targets.contains(id) || path_only(path)
            };
            let places = repo.places(&commits, &keep, threads, warn);
            let mut missing: Vec<ObjectId> = missing
                .into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .into_iter()
                .collect();
            missing.sort_unstable();
            for id in missing {
                warn(Warning {
                    id: Some(id),
                    message: "missing object".into(),
                });
            }
            places
        }
    };
    drop(blobs);
    let path_hits: HashSet<ObjectId> = places
        .iter()
        .filter(|p| path_only(p.path.as_bytes()))
        .map(|p| p.blob)
        .collect();
    targets.extend(path_hits.iter().copied());
    if targets.is_empty() {
        return Ok((Vec::new(), commits.len()));
    }
    let mut by_blob: HashMap<ObjectId, Vec<&Place>> = HashMap::new();
    for place in places.iter().filter(|p| targets.contains(&p.blob)) {
        by_blob.entry(place.blob).or_default().push(place);
    }
    let mut provenance = Provenance {
        repo,
        commits: &commits,
        infos: HashMap::new(),
        warn,
    };
    let mut out = Vec::new();
    let mut targets: Vec<ObjectId> = targets.into_iter().collect();
    targets.sort_unstable();
    for blob in targets {
        let places = by_blob.remove(&blob).unwrap_or_default();
        let findings = found.get(&blob).map(Vec::as_slice).unwrap_or_default();
        for finding in findings {
            let holds: Vec<&Place> = places
                .iter()
                .copied()
                .filter(|p| {
                    scanner.holds_at(finding, &p.path, Some(&commits[p.commit].id.to_string()))
                })
                .collect();
            if places.is_empty() {
                if !off_commits.as_ref().is_some_and(|o| o.keeps(&blob)) {
                    // Unreachable: in the repository, but in no scanned history.
                    continue;
                }
                // Reached without a commit (a tag naming a tree or blob, or --all-objects).
                let mut f = finding.clone();
                f.path = blob.to_string();
                f.fingerprint = Finding::fingerprint(&f.path, &f.rule_id, f.secret.as_bytes());
                f.git = Some(Box::new(GitOrigin {
                    repository: String::new(),
                    introduced: None,
                    blob: blob.to_string(),
                    also_in: 0,
                    places: Vec::new(),
                }));
                out.push(f);
            } else if let Some(f) = provenance.place(finding, blob, &holds, args.all_provenance) {
                out.push(f);
            }
        }
        if path_hits.contains(&blob) {
            let mut by_rule: Vec<(Finding, Vec<&Place>)> = Vec::new();
            for place in &places {
                let mut here = Vec::new();
                let commit = commits[place.commit].id.to_string();
                scanner.path_findings(&place.path, Some(&commit), &mut here);
                for f in here {
                    match by_rule.iter_mut().find(|(g, _)| g.rule_id == f.rule_id) {
                        Some((_, at)) => at.push(place),
                        None => by_rule.push((f, vec![place])),
                    }
                }
            }
            for (finding, holds) in by_rule {
                if let Some(f) = provenance.place(&finding, blob, &holds, args.all_provenance) {
                    out.push(f);
                }
            }
        }
    }
    Ok((out, commits.len()))
}

/// Which blobs with findings but no place in the walked history are reported.
enum OffCommits {
    /// None: they are unreachable.
    None,
    /// Those a tag naming a tree or a blob reaches.
    These(HashSet<ObjectId>),
    /// All of them (`--all-objects`).
    All,
}

impl OffCommits {
    fn keeps(&self, blob: &ObjectId) -> bool {
        match self {
            OffCommits::None => false,
            OffCommits::These(set) => set.contains(blob),
            OffCommits::All => true,
        }
    }
}

/// Scans each blob once, in parallel; returns the findings of each blob that has some.
fn scan_blobs(
    args: &GitArgs,
    repo: &Repo,
    scanner: &Scanner,
    counters: &Counters,
    blobs: &[ObjectId],
    threads: usize,
    warn: OnWarning<'_>,
) -> HashMap<ObjectId, Vec<Finding>> {
    let found: Mutex<HashMap<ObjectId, Vec<Finding>>> = Mutex::new(HashMap::new());
    let make_visitor = || {
        let mut matcher = scanner.matcher();
        let mut out = Vec::new();
        let found = &found;
        move |id: &gix::oid, data: &[u8]| {
            if let Some(outcome) = scan_one(args, &mut matcher, data, None, &mut out) {
                counters.record(outcome);
            }
            if !out.is_empty() {
                let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
                found.insert(id.to_owned(), std::mem::take(&mut out));
            }
        }
    };
    repo.read_blobs(blobs, threads, &make_visitor, warn);
    found.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Scans one blob, as `keyscout dir` scans a file: `None` when it is over the size limit.
fn scan_one(
    args: &GitArgs,
    matcher: &mut crate::scan::Matcher<'_>,
    data: &[u8],
    path: Option<&str>,
    out: &mut Vec<Finding>,
) -> Option<Outcome> {
    if args
        .max_file_size
        .is_some_and(|max| data.len() as u64 > max)
    {
        return None;
    }
    if !args.scan.binary && is_binary(data) {
        strings::scan_whole(data, path, |chunk| matcher.scan(&chunk, out));
    } else {
        matcher.scan(&Chunk::whole(data, path), out);
    }
    Some(Outcome::Scanned {
        bytes: data.len() as u64,
    })
}

/// Turns findings made on a bare blob into findings at a commit and a path.
struct Provenance<'a> {
    repo: &'a Repo,
    commits: &'a [Commit],
    infos: HashMap<usize, CommitInfo>,
    warn: OnWarning<'a>,
}

impl Provenance<'_> {
    fn info(&mut self, commit: usize) -> &CommitInfo {
        let (repo, commits, warn) = (self.repo, self.commits, self.warn);
        self.infos.entry(commit).or_insert_with(|| {
            let id = &commits[commit].id;
            repo.commit_info(id).unwrap_or_else(|w| {
                warn(w);
                CommitInfo {
                    id: id.to_string(),
                    ..CommitInfo::default()
                }
            })
        })
    }

    /// `finding` at the first of `holds` (the places where it stands, oldest first), with the
    /// others counted (and listed when `all` is set); `None` when it stands nowhere.
    fn place(
        &mut self,
        finding: &Finding,
        blob: ObjectId,
        holds: &[&Place],
        all: bool,
    ) -> Option<Finding> {
        let (first, others) = holds.split_first()?;
        let mut f = finding.clone();
        f.path = first.path.clone();
        f.fingerprint = Finding::fingerprint(&f.path, &f.rule_id, f.secret.as_bytes());
        let places = if all {
            others
                .iter()
                .map(|p| {
                    let info = self.info(p.commit);
                    GitPlace {
                        path: p.path.clone(),
                        commit: info.id.clone(),
                        date: info.date.clone(),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        f.git = Some(Box::new(GitOrigin {
            repository: String::new(),
            introduced: Some(self.info(first.commit).clone()),
            blob: blob.to_string(),
            also_in: others.len(),
            places,
        }));
        Some(f)
    }
}

/// `--staged`: the index against HEAD; findings only on lines HEAD does not have.
fn staged(
    args: &GitArgs,
    repo: &Repo,
    scanner: &Scanner,
    counters: &Counters,
) -> anyhow::Result<Vec<Finding>> {
    let files = repo.staged().context("reading what is staged")?;
    let mut matcher = scanner.matcher();
    let mut out = Vec::new();
    let mut found = Vec::new();
    for file in files {
        if scanner.rules().path_allowed(&file.path) {
            continue;
        }
        let data = match repo.blob(&file.new) {
            Ok(data) => data,
            Err(w) => {
                counters.error(&format!("{}: {w}", file.path));
                continue;
            }
        };
        found.clear();
        match scan_one(args, &mut matcher, &data, Some(&file.path), &mut found) {
            Some(outcome) => counters.record(outcome),
            None => continue,
        }
        if found.is_empty() {
            continue;
        }
        if let Some(old) = &file.old {
            let old = match repo.blob(old) {
                Ok(old) => old,
                Err(w) => {
                    counters.error(&format!("{}: {w}", file.path));
                    Vec::new()
                }
            };
            let new_lines = new_lines(&old, &data);
            // A file that was there already is not new: its path-only findings are old too.
            found.retain(|f| {
                !f.secret.is_empty()
                    && (f.line..=f.end_line).any(|l| new_lines.get(l).copied().unwrap_or(false))
            });
        }
        out.append(&mut found);
    }
    Ok(out)
}

/// For each 1-based line of `new`, whether `old` lacks that line anywhere: added or changed
/// lines are new, lines only moved are not. Index 0 is unused.
fn new_lines(old: &[u8], new: &[u8]) -> Vec<bool> {
    let trim = |l: &[u8]| l.strip_suffix(b"\r").unwrap_or(l).to_vec();
    let before: std::collections::HashSet<Vec<u8>> = old.split(|&b| b == b'\n').map(trim).collect();
    std::iter::once(false)
        .chain(
            new.split(|&b| b == b'\n')
                .map(|l| !before.contains(&trim(l))),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_added_or_changed_lines_are_new() {
        let old = b"a\nb\nc\n";
        let new = b"a\nx\nc\r\nb\n";
        assert_eq!(
            new_lines(old, new),
            vec![false, false, true, false, false, false]
        );
    }
}
