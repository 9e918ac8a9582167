//! History scans as a library: what part of a repository's history to scan ([`selection`]),
//! the blobs it reaches scanned once each, a blob stored as a delta only where it differs
//! from its base ([`blobs`], [`windows`], `occurrences`), one finding per secret at the
//! commit that first introduced it ([`provenance`]), and what is staged for the next commit
//! ([`staged`]).
//!
//! A scan goes: the commits of the selection -> one parallel pass of tree diffs noting every
//! blob each commit introduced at which path -> those blobs read (packs decoded whole when
//! many are wanted) and scanned without a path -> path-scoped rules and allowlists judged at
//! each place a finding's blob was introduced -> per fingerprint (path, rule, secret) the
//! oldest place, with how many commits introduced a version holding it. Objects no commit of
//! the selection reaches are not read, unless [`Options::all_objects`].
//!
//! The command line ([`crate::cli`]) only wires its arguments here and the findings to a
//! report; the repository is read through [`crate::source::git`].

pub mod blobs;
mod occurrences;
pub mod provenance;
pub mod selection;
pub mod staged;
pub mod windows;

use std::cell::RefCell;
use std::collections::HashMap;

use gix::ObjectId;
use gix::bstr::BStr;
use gix::hashtable::HashSet;

use crate::finding::Finding;
use crate::scan::Scanner;
use crate::source::git::{GitError, OnWarning, Repo, Tip};
use crate::source::read::Outcome;
pub use blobs::Hit;
pub use selection::Selection;

/// How a history scan runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub threads: usize,
    /// Blobs larger than this are passed over.
    pub max_file_size: Option<u64>,
    /// Scan binary blobs too.
    pub binary: bool,
    /// Also scan objects no ref reaches (reported with their blob id as path).
    pub all_objects: bool,
    /// List every place a finding was introduced, not only how many.
    pub all_provenance: bool,
    /// Scan every blob whole, deltas or not: the reference the delta-aware scan is tested
    /// against.
    pub whole_blobs: bool,
}

/// Receives what happened to each blob (scanned, skipped as binary), from any thread.
pub type OnOutcome<'a> = &'a (dyn Fn(Outcome) + Sync);

/// What a history scan found.
#[derive(Debug, Default)]
pub struct Scanned {
    pub findings: Vec<Finding>,
    /// How many commits the selection holds.
    pub commits: usize,
}

/// Blobs scanned in earlier repositories of a run, and what those with findings hold: a blob
/// many repositories share (forks, vendored copies) is scanned once.
#[derive(Default)]
pub struct Shared {
    scanned: RefCell<HashSet<ObjectId>>,
    found: RefCell<HashMap<ObjectId, Vec<Hit>>>,
}

impl Shared {
    /// Scans those of `blobs` not scanned before with `scan`; the hits of all of them.
    fn scan(
        &self,
        blobs: &[ObjectId],
        scan: impl FnOnce(&[ObjectId]) -> HashMap<ObjectId, Vec<Hit>>,
    ) -> HashMap<ObjectId, Vec<Hit>> {
        let todo: Vec<ObjectId> = {
            let scanned = self.scanned.borrow();
            blobs
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
        blobs
            .iter()
            .filter_map(|id| found.get(id).map(|h| (*id, h.clone())))
            .collect()
    }
}

/// Scans `selection` of `repo`: one finding per secret, at the commit that first introduced
/// it (the oldest of the selection).
pub fn scan(
    repo: &Repo,
    scanner: &Scanner,
    options: &Options,
    selection: Selection,
    shared: Option<&Shared>,
    outcome: OnOutcome<'_>,
    warn: OnWarning<'_>,
) -> Result<Scanned, GitError> {
    let everything = |_: &BStr, _: &gix::oid| true;
    let (tips, hidden, trees, loose) = match selection {
        Selection::Range { tips, hidden } => (tips, hidden, Vec::new(), Vec::new()),
        Selection::Reachable(all) => {
            let (mut commits, mut trees, mut loose) = (Vec::new(), Vec::new(), Vec::new());
            for tip in all {
                match tip {
                    Tip::Commit(id) => commits.push(id),
                    Tip::Tree(id) => trees.push(id),
                    Tip::Blob(id) => loose.push(id),
                }
            }
            (commits, Vec::new(), trees, loose)
        }
    };
    let (commits, places, tiers) = std::thread::scope(|s| {
        // Tiers parse every rule: that takes the time of the walk, on the core it leaves idle.
        let tiers = s.spawn(|| {
            (!options.whole_blobs)
                .then(|| blobs::Tiers::new(scanner))
                .flatten()
        });
        let commits = repo.walk(&tips, &hidden, warn);
        // Every blob a commit's tree holds was introduced by that commit or by an ancestor
        // (roots introduce all they hold): the places list every reachable blob.
        let places = repo.places(&commits, &everything, options.threads, warn);
        // Without tiers (should making them fail) every blob is scanned whole.
        (commits, places, tiers.join().ok().flatten())
    });
    let off_commits: HashSet<ObjectId> = if trees.is_empty() && loose.is_empty() {
        HashSet::default()
    } else {
        // Tags naming a tree or a blob: what they reach has no commit.
        let reached = repo.reachable_blobs(&[], &trees, &loose, None, warn);
        reached.blobs.into_iter().collect()
    };
    let blobs: Vec<ObjectId> = if options.all_objects {
        repo.all_objects()?
    } else {
        let mut blobs: Vec<ObjectId> = places.iter().map(|p| p.blob).collect();
        blobs.extend(off_commits.iter().copied());
        blobs.sort_unstable();
        blobs.dedup();
        blobs
    };
    let scan = |todo: &[ObjectId]| {
        blobs::scan(repo, scanner, options, todo, tiers.as_ref(), outcome, warn)
    };
    let found = match shared {
        Some(shared) => shared.scan(&blobs, scan),
        None => scan(&blobs),
    };
    drop(blobs);
    let unplaced = |blob: &ObjectId| options.all_objects || off_commits.contains(blob);
    let findings = provenance::findings(
        repo,
        scanner,
        &commits,
        &places,
        &found,
        &unplaced,
        options.all_provenance,
        warn,
    );
    Ok(Scanned {
        findings,
        commits: commits.len(),
    })
}
