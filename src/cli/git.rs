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

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context, bail};
use gix::ObjectId;
use gix::bstr::BStr;
use gix::hashtable::HashSet;

use super::args::GitArgs;
use super::scan::{Counters, finish, load_scanner, report, threads};
use crate::finding::{Chunk, Finding, GitOrigin, GitPlace};
use crate::scan::Scanner;
use crate::source::git::{Commit, CommitInfo, OnWarning, Place, Repo, Tip, Warning};
use crate::source::read::{Outcome, is_binary};

pub fn git(args: GitArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    if !args.repo.exists() {
        bail!("{}: no such file or directory", args.repo.display());
    }
    let repo = Repo::open(&args.repo)?;
    let scanner = load_scanner(&args.scan, repo.root())?;
    let counters = Counters::default();
    let triage = super::triage::load(&args.scan, repo.root(), &counters)?;
    let warn = |w: Warning| counters.error(&w.to_string());
    let findings = if args.staged {
        staged(&args, &repo, &scanner, &counters)?
    } else {
        history(&args, &repo, &scanner, &counters, &warn)?
    };
    let reporter = report(&args.scan, triage, &counters, [findings])?;
    counters.rule_errors(scanner.rules());
    finish(&args.scan, reporter, counters.summary(started), repo.root())
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

/// The full-history and range scans.
fn history(
    args: &GitArgs,
    repo: &Repo,
    scanner: &Scanner,
    counters: &Counters,
    warn: OnWarning<'_>,
) -> anyhow::Result<Vec<Finding>> {
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
    let (commits, blobs, places, off_commits) = match selection(args, repo, warn)? {
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

    let found = scan_blobs(args, repo, scanner, counters, &blobs, threads, warn);
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
        return Ok(Vec::new());
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
    Ok(out)
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
        return Some(Outcome::SkippedBinary);
    }
    matcher.scan(&Chunk::whole(data, path), out);
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
