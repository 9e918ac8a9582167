//! Git repositories as a source, read in-process with gix: the commits of every ref, the
//! objects of the repository, the bytes of blobs (packs decoded in parallel by a delta-tree
//! traversal of the wanted blobs and their bases, the rest looked up one by one; for a blob
//! stored as a delta, what it copied from which base), which commit introduced a blob at
//! which path (one parallel pass of tree diffs), and what is staged for the next commit.
//!
//! The repository is opened isolated: no system or global configuration, and nothing it
//! configures is ever run (hooks, filters, textconv, fsmonitor, credential helpers): blobs are
//! read raw from the object database, never through a checkout or a diff driver.
//!
//! This module knows nothing of rules or findings; a damaged object is a [`Warning`] with its
//! id, and the walk goes on.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::delta::{self, Delta};
use super::integrity::{self, PackIntegrity};
pub use crate::finding::CommitInfo;
use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice, ByteVec};
use gix::hashtable::{HashMap, HashSet};
use gix::objs::{CommitRef, Find, Kind, TagRefIter, TreeRefIter};
use gix::odb::pack;

mod staged;

/// What can stop a git scan before it starts.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{}: not a git repository ({message})", path.display())]
    NotARepository { path: PathBuf, message: String },
    #[error("cannot resolve `{rev}`: {message}")]
    Revision { rev: String, message: String },
    #[error("{what}: {message}")]
    Read { what: String, message: String },
}

impl GitError {
    fn read(what: impl Into<String>, err: impl std::fmt::Display) -> Self {
        GitError::Read {
            what: what.into(),
            message: err.to_string(),
        }
    }
}

/// Something that could not be read; the scan goes on without it.
#[derive(Debug, Clone)]
pub struct Warning {
    /// The object concerned, when there is one.
    pub id: Option<ObjectId>,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.id {
            Some(id) => write!(f, "object {id}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Receives warnings, from any thread.
pub type OnWarning<'a> = &'a (dyn Fn(Warning) + Sync);

/// Picks the paths whose blobs are worth noting while walking trees.
pub type PathFilter<'a> = Option<&'a dyn Fn(&[u8]) -> bool>;

/// An open repository.
pub struct Repo {
    shared: gix::ThreadSafeRepository,
    local: gix::Repository,
}

/// One commit of the walked history.
#[derive(Debug, Clone)]
pub struct Commit {
    pub id: ObjectId,
    pub tree: ObjectId,
    /// Parents present in the repository (none at a shallow boundary).
    pub parents: Vec<ObjectId>,
    /// Committer time, seconds since the epoch.
    pub time: i64,
}

/// What a ref or revision points at, tags peeled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tip {
    Commit(ObjectId),
    Tree(ObjectId),
    Blob(ObjectId),
}

/// The distinct blobs a history reaches.
#[derive(Debug, Default)]
pub struct Reachable {
    /// Sorted, distinct.
    pub blobs: Vec<ObjectId>,
    /// Blobs seen at a path that `path_filter` accepted.
    pub path_hits: Vec<ObjectId>,
}

/// A blob introduced at a path by a commit: it differs there from every parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub blob: ObjectId,
    pub path: String,
    /// Index into the commit list the places were computed from.
    pub commit: usize,
}

/// A file staged for the next commit that differs from HEAD.
#[derive(Debug, Clone)]
pub struct StagedFile {
    pub path: String,
    pub new: ObjectId,
    /// The blob at this path in HEAD; `None` for a new file.
    pub old: Option<ObjectId>,
}

/// Object ids to read, with a claim flag each so that a blob in several packs is read once.
struct Wanted<'a> {
    /// Sorted, distinct.
    ids: &'a [ObjectId],
    claimed: Vec<AtomicBool>,
    /// As a pack index's fan-out, on the first two bytes: `fanout[p]` is how many ids start
    /// with a prefix below `p`, so a lookup (one per decoded object) searches the few ids
    /// sharing its prefix instead of missing the cache all through a binary search.
    fanout: Vec<usize>,
}

impl<'a> Wanted<'a> {
    fn new(ids: &'a [ObjectId]) -> Self {
        let mut fanout = vec![0usize; (1 << 16) + 1];
        for id in ids {
            fanout[prefix(id) + 1] += 1;
        }
        for p in 1..fanout.len() {
            fanout[p] += fanout[p - 1];
        }
        Wanted {
            ids,
            claimed: ids.iter().map(|_| AtomicBool::new(false)).collect(),
            fanout,
        }
    }

    /// Claims `id`: true the first time for an id in the set.
    fn claim(&self, id: &gix::oid) -> bool {
        self.find(id)
            .is_some_and(|i| !self.claimed[i].swap(true, Ordering::Relaxed))
    }

    fn contains(&self, id: &gix::oid) -> bool {
        self.find(id).is_some()
    }

    fn find(&self, id: &gix::oid) -> Option<usize> {
        let p = prefix(id);
        let (lo, hi) = (self.fanout[p], self.fanout[p + 1]);
        let i = self.ids[lo..hi]
            .iter()
            .position(|probe| probe.as_ref() == id)?;
        Some(lo + i)
    }
}

/// The first two bytes of an object id.
fn prefix(id: &gix::oid) -> usize {
    let bytes = id.as_bytes();
    usize::from(bytes[0]) << 8 | usize::from(bytes[1])
}

impl Repo {
    /// Opens the repository at `path` (a worktree, its `.git`, or a bare repository), isolated
    /// from system and global configuration.
    pub fn open(path: &Path) -> Result<Self, GitError> {
        let options = gix::open::Options::isolated().open_path_as_is(false);
        let shared = gix::ThreadSafeRepository::open_opts(path, options).map_err(|e| {
            GitError::NotARepository {
                path: path.to_path_buf(),
                message: e.to_string(),
            }
        })?;
        let mut local = shared.to_thread_local();
        // Little is looked up twice through this handle: `places` reads trees with its own.
        local.object_cache_size(Some(4 << 20));
        Ok(Repo { shared, local })
    }

    /// The worktree, or the repository itself when bare.
    pub fn root(&self) -> &Path {
        self.local.workdir().unwrap_or_else(|| self.local.git_dir())
    }

    fn find<'b>(
        &self,
        id: &gix::oid,
        buf: &'b mut Vec<u8>,
    ) -> Result<gix::objs::Data<'b>, Warning> {
        find_in(&self.local.objects, id, buf)
    }

    /// What `rev` names (`HEAD`, a branch, a tag, `main~3`, an id), tags peeled.
    pub fn resolve(&self, rev: &str) -> Result<Tip, GitError> {
        let err = |message: String| GitError::Revision {
            rev: rev.to_string(),
            message,
        };
        let id = self
            .local
            .rev_parse_single(rev)
            .map_err(|e| err(e.to_string()))?
            .detach();
        self.peel(id).map_err(|w| err(w.to_string()))
    }

    /// Follows tags to the object they name.
    fn peel(&self, mut id: ObjectId) -> Result<Tip, Warning> {
        let mut buf = Vec::new();
        loop {
            let data = self.find(&id, &mut buf)?;
            match data.kind {
                Kind::Commit => return Ok(Tip::Commit(id)),
                Kind::Tree => return Ok(Tip::Tree(id)),
                Kind::Blob => return Ok(Tip::Blob(id)),
                Kind::Tag => {
                    id = TagRefIter::from_bytes(data.data, self.local.object_hash())
                        .target_id()
                        .map_err(|e| Warning {
                            id: Some(id),
                            message: format!("undecodable tag: {e}"),
                        })?;
                }
            }
        }
    }

    /// Every ref (branches, tags, remote-tracking branches, notes, stash) and HEAD.
    pub fn ref_tips(&self, warn: OnWarning<'_>) -> Result<Vec<Tip>, GitError> {
        let platform = self
            .local
            .references()
            .map_err(|e| GitError::read("listing references", e))?;
        let refs = platform
            .all()
            .map_err(|e| GitError::read("listing references", e))?;
        let mut ids = Vec::new();
        if let Ok(head) = self.local.head_id() {
            ids.push(head.detach());
        }
        for reference in refs {
            let mut reference = match reference {
                Ok(r) => r,
                Err(e) => {
                    warn(Warning {
                        id: None,
                        message: format!("unreadable reference: {e}"),
                    });
                    continue;
                }
            };
            match reference.peel_to_id() {
                Ok(id) => ids.push(id.detach()),
                Err(e) => warn(Warning {
                    id: None,
                    message: format!("reference {}: {e}", reference.name().as_bstr()),
                }),
            }
        }
        ids.sort();
        ids.dedup();
        let mut tips = Vec::new();
        for id in ids {
            match self.peel(id) {
                Ok(tip) => tips.push(tip),
                Err(w) => warn(w),
            }
        }
        tips.sort_by_key(|t| match t {
            Tip::Commit(id) | Tip::Tree(id) | Tip::Blob(id) => *id,
        });
        tips.dedup();
        Ok(tips)
    }

    /// The commits reachable from `tips` but not from `hidden`, oldest first (by committer
    /// time, then id). Shallow boundaries count as roots.
    pub fn walk(&self, tips: &[ObjectId], hidden: &[ObjectId], warn: OnWarning<'_>) -> Vec<Commit> {
        let shallow: HashSet<ObjectId> = match self.local.shallow_commits() {
            Ok(Some(list)) => list.iter().copied().collect(),
            _ => HashSet::default(),
        };
        let mut buf = Vec::new();
        let mut seen: HashSet<ObjectId> = HashSet::default();
        let mut unreadable: HashSet<ObjectId> = HashSet::default();
        // Everything `hidden` reaches is marked seen first, so the walk from `tips` stops there.
        let mut out = Vec::new();
        for (starts, keep) in [(hidden, false), (tips, true)] {
            let mut stack: Vec<ObjectId> = starts.to_vec();
            while let Some(id) = stack.pop() {
                if !seen.insert(id) {
                    continue;
                }
                match self.decode_commit(&id, &mut buf, &shallow) {
                    Ok(commit) => {
                        stack.extend(commit.parents.iter().filter(|p| !seen.contains(*p)));
                        if keep {
                            out.push(commit);
                        }
                    }
                    Err(w) => {
                        unreadable.insert(id);
                        if keep {
                            warn(w);
                        }
                    }
                }
            }
        }
        // A commit whose parent cannot be read diffs against what is there.
        for c in &mut out {
            c.parents.retain(|p| !unreadable.contains(p));
        }
        out.sort_by_key(|c| (c.time, c.id));
        out
    }

    fn decode_commit(
        &self,
        id: &ObjectId,
        buf: &mut Vec<u8>,
        shallow: &HashSet<ObjectId>,
    ) -> Result<Commit, Warning> {
        let data = self.find(id, buf)?;
        expect_kind(id, data.kind, Kind::Commit)?;
        let commit =
            CommitRef::from_bytes(data.data, self.local.object_hash()).map_err(|e| Warning {
                id: Some(*id),
                message: format!("undecodable commit: {e}"),
            })?;
        let parents = if shallow.contains(id) {
            Vec::new()
        } else {
            commit.parents().collect()
        };
        Ok(Commit {
            id: *id,
            tree: commit.tree(),
            parents,
            time: commit.committer().map_or(0, |s| s.seconds()),
        })
    }

    /// The distinct blobs under the trees of `commits` and `trees`, plus `blobs`. Each tree is
    /// decoded once. When `path_filter` is given, blobs seen at a path it accepts are listed
    /// in [`Reachable::path_hits`] (a tree seen at several paths is looked at under the first).
    pub fn reachable_blobs(
        &self,
        commits: &[Commit],
        trees: &[ObjectId],
        blobs: &[ObjectId],
        path_filter: PathFilter<'_>,
        warn: OnWarning<'_>,
    ) -> Reachable {
        let mut seen_trees: HashSet<ObjectId> = HashSet::default();
        let mut found: HashSet<ObjectId> = blobs.iter().copied().collect();
        let mut hits: HashSet<ObjectId> = HashSet::default();
        let mut stack: Vec<(ObjectId, BString)> = Vec::new();
        for tree in commits.iter().map(|c| c.tree).chain(trees.iter().copied()) {
            if seen_trees.insert(tree) {
                stack.push((tree, BString::default()));
            }
        }
        let mut buf = Vec::new();
        let mut path = BString::default();
        while let Some((tree, prefix)) = stack.pop() {
            let data = match self.find(&tree, &mut buf) {
                Ok(d) if d.kind == Kind::Tree => d,
                Ok(d) => {
                    warn(Warning {
                        id: Some(tree),
                        message: format!("expected a tree, found a {}", d.kind),
                    });
                    continue;
                }
                Err(w) => {
                    warn(w);
                    continue;
                }
            };
            for entry in TreeRefIter::from_bytes(data.data, self.local.object_hash()) {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        warn(Warning {
                            id: Some(tree),
                            message: format!("undecodable tree: {e}"),
                        });
                        break;
                    }
                };
                let id = entry.oid.to_owned();
                if entry.mode.is_tree() {
                    if seen_trees.insert(id) {
                        let sub = match path_filter {
                            Some(_) => join(prefix.as_ref(), entry.filename),
                            None => BString::default(),
                        };
                        stack.push((id, sub));
                    }
                } else if entry.mode.is_blob_or_symlink() {
                    found.insert(id);
                    if let Some(filter) = path_filter {
                        path.clear();
                        path.push_str(&prefix);
                        if !path.is_empty() {
                            path.push(b'/');
                        }
                        path.push_str(entry.filename);
                        if filter(&path) {
                            hits.insert(id);
                        }
                    }
                }
            }
        }
        let mut blobs: Vec<ObjectId> = found.into_iter().collect();
        blobs.sort_unstable();
        let mut path_hits: Vec<ObjectId> = hits.into_iter().collect();
        path_hits.sort_unstable();
        Reachable { blobs, path_hits }
    }

    /// Every object in the repository, reachable or not: packed, loose, alternates. Sorted.
    pub fn all_objects(&self) -> Result<Vec<ObjectId>, GitError> {
        let iter = self
            .local
            .objects
            .iter()
            .map_err(|e| GitError::read("listing objects", e))?;
        let mut ids = Vec::new();
        for id in iter {
            match id {
                Ok(id) => ids.push(id),
                Err(e) => return Err(GitError::read("listing objects", e)),
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// The pack index files of this repository and its alternates.
    fn pack_indexes(&self) -> Vec<PathBuf> {
        let mut dirs = vec![self.shared.objects_dir().to_path_buf()];
        if let Ok(records) = self.local.objects.store_ref().structure() {
            for record in records {
                if let gix::odb::store::structure::Record::LooseObjectDatabase {
                    objects_directory,
                    ..
                } = record
                    && !dirs.contains(&objects_directory)
                {
                    dirs.push(objects_directory);
                }
            }
        }
        let mut out = Vec::new();
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(dir.join("pack")) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "idx") {
                    out.push(path);
                }
            }
        }
        out.sort();
        out
    }

    /// Reads each blob among `wanted` (sorted, distinct ids; other kinds are passed over) and
    /// hands its bytes to a visitor, on `threads` threads. `make_visitor` makes one visitor
    /// per worker. When many of the packed objects are wanted, packs are decoded whole by a
    /// parallel delta-tree traversal (each base inflated once); what remains (loose objects,
    /// small selections, anything a pack could not give) is looked up one by one. With
    /// `deltas`, a blob a pack stores as a delta of another wanted blob comes with what it
    /// copied from that base (read again from the pack: the traversal does not say);
    /// otherwise, and for blobs read whole from the start, the visitor gets `None`.
    pub fn read_blobs<F, V>(
        &self,
        wanted: &[ObjectId],
        deltas: bool,
        threads: usize,
        make_visitor: &F,
        warn: OnWarning<'_>,
    ) where
        F: Fn() -> V + Sync,
        V: FnMut(&gix::oid, &[u8], Option<&Delta>) + Send,
    {
        let wanted = Wanted::new(wanted);
        let hash = self.local.object_hash();
        let packs: Vec<(PathBuf, pack::index::File, memmap2::Mmap)> = self
            .pack_indexes()
            .into_iter()
            .filter_map(|idx| match open_pack(&idx, hash) {
                Ok((index, map)) => Some((idx, index, map)),
                Err(message) => {
                    warn(Warning {
                        id: None,
                        message: format!("{}: {message}", idx.display()),
                    });
                    None
                }
            })
            .collect();
        let packed: usize = packs.iter().map(|p| p.1.num_objects() as usize).sum();
        // A traversal decodes each wanted blob and base once, and only it says what a delta
        // copied; but it reads every entry's header first. Looking objects up is cheaper
        // only for a handful: on redis's pack (201,267 objects) a range of 50 blobs takes
        // the same time both ways, one of 1,768 half as long traversed; tokio's shallower
        // chains move the crossing to a few hundred.
        if wanted.ids.len().saturating_mul(1024) >= packed {
            for (idx, index, map) in &packs {
                traverse_pack(
                    idx,
                    index,
                    map,
                    &wanted,
                    deltas,
                    threads,
                    make_visitor,
                    warn,
                );
            }
        }
        drop(packs);
        self.read_remaining(&wanted, threads, make_visitor, warn);
    }

    /// Looks up, in parallel, each wanted object no pack traversal has claimed.
    fn read_remaining<F, V>(
        &self,
        wanted: &Wanted<'_>,
        threads: usize,
        make_visitor: &F,
        warn: OnWarning<'_>,
    ) where
        F: Fn() -> V + Sync,
        V: FnMut(&gix::oid, &[u8], Option<&Delta>) + Send,
    {
        use rayon::prelude::*;
        let left: Vec<usize> = (0..wanted.ids.len())
            .filter(|&i| !wanted.claimed[i].load(Ordering::Relaxed))
            .collect();
        if left.is_empty() {
            return;
        }
        let shared = &self.shared;
        let work = || {
            left.par_iter().with_min_len(32).for_each_init(
                || {
                    let mut repo = shared.to_thread_local();
                    repo.object_cache_size(Some(16 << 20));
                    (repo, Vec::new(), make_visitor())
                },
                |(repo, buf, visit), &i| {
                    let id = &wanted.ids[i];
                    match find_in(&repo.objects, id, buf) {
                        Ok(data) if data.kind == Kind::Blob => visit(id, data.data, None),
                        Ok(_) => {}
                        Err(w) => warn(w),
                    }
                },
            )
        };
        on_threads(threads, work);
    }

    /// Where the blobs that `keep(path, blob)` accepts were introduced: for every commit, the
    /// paths at which it holds a blob that no parent holds at that path. Commits are diffed
    /// against their parents in parallel, on `threads` threads, each with its own object
    /// handle; only subtrees whose ids differ are decoded. Places come in commit order (oldest
    /// first), then path order.
    pub fn places(
        &self,
        commits: &[Commit],
        keep: &(dyn Fn(&BStr, &gix::oid) -> bool + Sync),
        threads: usize,
        warn: OnWarning<'_>,
    ) -> Vec<Place> {
        use rayon::prelude::*;
        let trees: HashMap<ObjectId, ObjectId> = commits.iter().map(|c| (c.id, c.tree)).collect();
        let indexes = self.pack_indexes();
        let shared = &self.shared;
        let work = || -> Vec<Vec<Place>> {
            commits
                .par_iter()
                .enumerate()
                // Neighbouring commits share most of their trees: keep them on one worker.
                .with_min_len(64)
                .map_init(
                    || Differ::new(shared, &indexes),
                    |differ, (i, commit)| differ.introduced(i, commit, &trees, keep, warn),
                )
                .collect()
        };
        let per_commit = on_threads(threads, work);
        per_commit.into_iter().flatten().collect()
    }

    /// Decodes a tree into owned entries (name, is_tree, is_blob, id).
    fn entries(&self, tree: &ObjectId) -> Result<Vec<(BString, bool, bool, ObjectId)>, Warning> {
        let mut buf = Vec::new();
        let data = self.find(tree, &mut buf)?;
        expect_kind(tree, data.kind, Kind::Tree)?;
        TreeRefIter::from_bytes(data.data, self.local.object_hash())
            .map(|e| {
                e.map(|e| {
                    (
                        e.filename.to_owned(),
                        e.mode.is_tree(),
                        e.mode.is_blob_or_symlink(),
                        e.oid.to_owned(),
                    )
                })
                .map_err(|e| Warning {
                    id: Some(*tree),
                    message: format!("undecodable tree: {e}"),
                })
            })
            .collect()
    }

    /// Author, date and message of `id`.
    pub fn commit_info(&self, id: &ObjectId) -> Result<CommitInfo, Warning> {
        let mut buf = Vec::new();
        let data = self.find(id, &mut buf)?;
        let undecodable = |e: gix::Error| Warning {
            id: Some(*id),
            message: format!("undecodable commit: {e}"),
        };
        let commit =
            CommitRef::from_bytes(data.data, self.local.object_hash()).map_err(undecodable)?;
        let author = commit.author().map_err(undecodable)?;
        Ok(CommitInfo {
            id: id.to_string(),
            author: author.name.to_str_lossy().into_owned(),
            email: author.email.to_str_lossy().into_owned(),
            date: crate::finding::rfc3339(author.seconds()),
            message: commit.message.to_str_lossy().trim_end().to_string(),
        })
    }

    /// The bytes of blob `id`.
    pub fn blob(&self, id: &gix::oid) -> Result<Vec<u8>, Warning> {
        let mut buf = Vec::new();
        let data = self.find(id, &mut buf)?;
        expect_kind(id, data.kind, Kind::Blob)?;
        Ok(buf)
    }

    /// The files staged for the next commit that differ from HEAD's tree (all of them before
    /// the first commit). Only the trees on the way to a staged path are read, not the whole
    /// of HEAD: a directory whose tree in the index (as its cached tree records, or hashed
    /// from its entries) is HEAD's tree there is passed over without looking (`staged.rs`).
    ///
    /// The index is the one `GIT_INDEX_FILE` names when it is set, as for git: `git commit -a`
    /// and `git commit PATHS` stage into a temporary index and name it there for the hooks.
    pub fn staged(&self) -> Result<Vec<StagedFile>, GitError> {
        let path = std::env::var_os("GIT_INDEX_FILE")
            .filter(|p| !p.is_empty())
            .map_or_else(|| self.local.index_path(), PathBuf::from);
        let index = if path.exists() {
            // Without verifying its checksum (a SHA-1 of the whole file, most of the time it
            // takes to read a large index), as `index.skipHash` does: an index is written by
            // this machine's git, and a damaged one fails to parse all the same.
            let options = gix::index::decode::Options::default();
            gix::index::File::at(&path, self.local.object_hash(), true, options)
                .map_err(|e| GitError::read("reading the index", e))?
        } else {
            gix::index::File::from_state(gix::index::State::new(self.local.object_hash()), path)
        };
        let head_tree = match self.local.head_tree_id() {
            Ok(id) => Some(id.detach()),
            Err(_) => None,
        };
        staged::compare(self, &index, head_tree)
    }
}

/// One worker of [`Repo::places`]: its own mappings of the packs, and decoding buffers reused
/// from commit to commit (one pair per tree depth).
struct Differ<'a> {
    repo: gix::Repository,
    indexes: &'a [PathBuf],
    packs: Vec<pack::Bundle>,
    inflate: gix::zlib::Inflate,
    cache: pack::cache::lru::StaticLinkedList<64>,
    /// Commits diffed since the packs were mapped.
    since_mapped: usize,
    bufs: Vec<Vec<u8>>,
    /// The trees being diffed, outermost first.
    ancestors: Vec<ObjectId>,
    /// The trees this commit's diff read, and the last one's: a commit's parent is mostly the
    /// commit diffed just before, so its changed trees are read again as the old side. Up to
    /// [`KEPT_TREE_BYTES`] of them per commit (a commit that adds a whole tree reads it all).
    trees: HashMap<ObjectId, Vec<u8>>,
    last_trees: HashMap<ObjectId, Vec<u8>>,
    trees_bytes: usize,
}

/// The bytes of trees a [`Differ`] keeps from one commit's diff for the next one's.
const KEPT_TREE_BYTES: usize = 4 << 20;

/// How deep trees may nest, as git's `core.maxTreeDepth`.
const MAX_TREE_DEPTH: usize = 2048;

/// Commits a [`Differ`] diffs before mapping its packs afresh: the trees it reads are spread
/// over the whole pack, and a mapping keeps every page it touched resident until unmapped.
const REMAP_EVERY: usize = 2048;

impl<'a> Differ<'a> {
    fn new(shared: &gix::ThreadSafeRepository, indexes: &'a [PathBuf]) -> Self {
        // For what is not in a pack (loose objects), or cannot be read from one.
        let repo = shared.to_thread_local();
        let mut differ = Differ {
            repo,
            indexes,
            packs: Vec::new(),
            inflate: gix::zlib::Inflate::default(),
            cache: pack::cache::lru::StaticLinkedList::default(),
            since_mapped: 0,
            bufs: Vec::new(),
            ancestors: Vec::new(),
            trees: HashMap::default(),
            last_trees: HashMap::default(),
            trees_bytes: 0,
        };
        differ.map_packs();
        differ
    }

    fn map_packs(&mut self) {
        let hash = self.repo.object_hash();
        // Unmap first: the old and new mappings would otherwise both be resident.
        self.packs.clear();
        self.cache = pack::cache::lru::StaticLinkedList::default();
        // A pack that cannot be opened is read through the object database instead.
        self.packs = self
            .indexes
            .iter()
            .filter_map(|idx| pack::Bundle::at(idx, hash).ok())
            .collect();
        self.since_mapped = 0;
    }

    /// Looks `id` up in the packs, then anywhere in the object database.
    fn find<'b>(
        &mut self,
        id: &gix::oid,
        buf: &'b mut Vec<u8>,
    ) -> Result<gix::objs::Data<'b>, Warning> {
        let hit = self
            .packs
            .iter()
            .enumerate()
            .find_map(|(i, b)| b.index.lookup(id).map(|e| (i, e)));
        let packed = hit.and_then(|(i, entry)| {
            self.packs[i]
                .get_object_by_index(entry, buf, &mut self.inflate, &mut self.cache)
                .ok()
                .map(|(data, _)| (data.kind, data.object_hash))
        });
        match packed {
            // The object is all of `buf`.
            Some((kind, object_hash)) => Ok(gix::objs::Data {
                kind,
                object_hash,
                data: buf.as_slice(),
            }),
            // Loose, or unreadable from the pack: the object database says which.
            None => find_in(&self.repo.objects, id, buf),
        }
    }

    /// The places commit `i` introduced that `keep` accepts, sorted by path.
    fn introduced(
        &mut self,
        i: usize,
        commit: &Commit,
        trees: &HashMap<ObjectId, ObjectId>,
        keep: &(dyn Fn(&BStr, &gix::oid) -> bool + Sync),
        warn: OnWarning<'_>,
    ) -> Vec<Place> {
        self.since_mapped += 1;
        if self.since_mapped >= REMAP_EVERY {
            self.map_packs();
        }
        self.last_trees = std::mem::take(&mut self.trees);
        self.trees_bytes = 0;
        let parent_trees: Vec<ObjectId> = commit
            .parents
            .iter()
            .filter_map(|p| match trees.get(p) {
                Some(t) => Some(*t),
                None => self.tree_of(p).map_err(warn).ok(),
            })
            .collect();
        let mut added: Vec<(BString, ObjectId)> = Vec::new();
        let mut on_added = |path: &BStr, id: &gix::oid| {
            if keep(path, id) {
                added.push((path.to_owned(), id.to_owned()));
            }
        };
        let mut prefix = BString::default();
        if let Err(w) = self.diff(
            parent_trees.first().copied(),
            commit.tree,
            &mut prefix,
            &mut on_added,
            warn,
        ) {
            warn(w);
        }
        // In a merge, a blob is new only if no parent had it at that path.
        if parent_trees.len() > 1 {
            added.retain(|(path, id)| {
                parent_trees[1..]
                    .iter()
                    .all(|t| self.lookup(*t, path.as_ref()).as_ref() != Some(id))
            });
        }
        added.sort();
        added
            .into_iter()
            .map(|(path, blob)| Place {
                blob,
                path: path.to_str_lossy().into_owned(),
                commit: i,
            })
            .collect()
    }

    fn tree_of(&mut self, commit: &ObjectId) -> Result<ObjectId, Warning> {
        let mut buf = Vec::new();
        let data = self.find(commit, &mut buf)?;
        expect_kind(commit, data.kind, Kind::Commit)?;
        CommitRef::from_bytes(data.data, self.repo.object_hash())
            .map(|c| c.tree())
            .map_err(|e| Warning {
                id: Some(*commit),
                message: format!("undecodable commit: {e}"),
            })
    }

    /// Calls `on_added(path, blob)` for each blob in `new` that `old` does not hold at the same
    /// path; subtrees with equal ids are skipped. An error if `new` cannot be read; a subtree
    /// that cannot is a warning, and its siblings are still diffed. A tree that holds itself
    /// (only a damaged or forged object can) or nests deeper than git allows is an error.
    fn diff(
        &mut self,
        old: Option<ObjectId>,
        new: ObjectId,
        prefix: &mut BString,
        on_added: &mut dyn FnMut(&BStr, &gix::oid),
        warn: OnWarning<'_>,
    ) -> Result<(), Warning> {
        if old == Some(new) {
            return Ok(());
        }
        if self.ancestors.contains(&new) {
            return Err(Warning {
                id: Some(new),
                message: format!("the tree holds itself (at `{prefix}`): a damaged object"),
            });
        }
        if self.ancestors.len() >= MAX_TREE_DEPTH {
            return Err(Warning {
                id: Some(new),
                message: format!("trees nest deeper than {MAX_TREE_DEPTH} levels at `{prefix}`"),
            });
        }
        self.ancestors.push(new);
        let mut new_buf = self.bufs.pop().unwrap_or_default();
        let mut old_buf = self.bufs.pop().unwrap_or_default();
        let result = self.diff_in(old, new, prefix, on_added, warn, &mut new_buf, &mut old_buf);
        self.bufs.push(old_buf);
        self.bufs.push(new_buf);
        self.ancestors.pop();
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn diff_in(
        &mut self,
        old: Option<ObjectId>,
        new: ObjectId,
        prefix: &mut BString,
        on_added: &mut dyn FnMut(&BStr, &gix::oid),
        warn: OnWarning<'_>,
        new_buf: &mut Vec<u8>,
        old_buf: &mut Vec<u8>,
    ) -> Result<(), Warning> {
        let hash = self.repo.object_hash();
        let mut new_entries = TreeRefIter::from_bytes(self.tree(&new, new_buf)?, hash);
        // An old tree that cannot be read is diffed as empty: all of `new` counts as added
        // here, rather than nothing.
        let old_bytes = match old {
            Some(id) => self.tree(&id, old_buf).map_err(warn).ok(),
            None => None,
        };
        let old = old.filter(|_| old_bytes.is_some());
        let mut old_entries = TreeRefIter::from_bytes(old_bytes.unwrap_or(&[]), hash);
        fn undecodable<E: std::fmt::Display>(tree: ObjectId) -> impl Fn(E) -> Warning {
            move |e| Warning {
                id: Some(tree),
                message: format!("undecodable tree: {e}"),
            }
        }
        // Both trees are in git's order: one merge pass pairs the entries of the same name.
        let mut next_old = || match (old, old_entries.next()) {
            (Some(id), Some(e)) => e.map(Some).map_err(undecodable(id)),
            _ => Ok(None),
        };
        let mut before = next_old()?;
        let len = prefix.len();
        for entry in &mut new_entries {
            let entry = entry.map_err(undecodable(new))?;
            let mut same = None;
            while let Some(b) = before {
                match git_order(&b, &entry) {
                    std::cmp::Ordering::Less => before = next_old()?,
                    std::cmp::Ordering::Equal => {
                        same = Some(b);
                        before = next_old()?;
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            if entry.mode.is_tree() {
                let old_sub = same.filter(|b| b.mode.is_tree()).map(|b| b.oid.to_owned());
                if old_sub.as_deref() == Some(entry.oid) {
                    continue;
                }
                prefix.push_str(entry.filename);
                prefix.push(b'/');
                let result = self.diff(old_sub, entry.oid.to_owned(), prefix, on_added, warn);
                prefix.truncate(len);
                if let Err(w) = result {
                    warn(w);
                }
            } else if entry.mode.is_blob_or_symlink()
                && !same.is_some_and(|b| b.mode.is_blob_or_symlink() && b.oid == entry.oid)
            {
                prefix.push_str(entry.filename);
                on_added(prefix.as_ref(), entry.oid);
                prefix.truncate(len);
            }
        }
        Ok(())
    }

    /// Decodes `tree` into `buf`; its bytes.
    fn tree<'b>(&mut self, tree: &ObjectId, buf: &'b mut Vec<u8>) -> Result<&'b [u8], Warning> {
        if let Some(bytes) = self.trees.get(tree) {
            buf.clone_from(bytes);
            return Ok(buf);
        }
        if let Some(bytes) = self.last_trees.remove(tree) {
            buf.clone_from(&bytes);
            if self.room_for(bytes.len()) {
                self.trees.insert(*tree, bytes);
            }
            return Ok(buf);
        }
        let data = self.find(tree, buf)?;
        expect_kind(tree, data.kind, Kind::Tree)?;
        if self.room_for(data.data.len()) {
            self.trees.insert(*tree, data.data.to_vec());
        }
        Ok(data.data)
    }

    /// Whether a tree of `len` bytes may be kept for the next commit's diff, counting it if so
    /// (checked before the copy is made).
    fn room_for(&mut self, len: usize) -> bool {
        let room = self.trees_bytes + len <= KEPT_TREE_BYTES;
        if room {
            self.trees_bytes += len;
        }
        room
    }

    /// The blob at `path` under `tree`, if any.
    fn lookup(&mut self, tree: ObjectId, path: &BStr) -> Option<ObjectId> {
        let mut buf = Vec::new();
        let mut current = tree;
        let mut parts = path.split_str("/").peekable();
        while let Some(part) = parts.next() {
            let data = self.tree(&current, &mut buf).ok()?;
            let entry = TreeRefIter::from_bytes(data, self.repo.object_hash())
                .map_while(Result::ok)
                .find(|e| e.filename == part)?;
            let (mode, id) = (entry.mode, entry.oid.to_owned());
            match parts.peek() {
                None if mode.is_blob_or_symlink() => return Some(id),
                Some(_) if mode.is_tree() => current = id,
                _ => return None,
            }
        }
        None
    }
}

/// Git's order of tree entries: by name, a tree's name as if it ended in `/`.
fn git_order(
    a: &gix::objs::tree::EntryRef<'_>,
    b: &gix::objs::tree::EntryRef<'_>,
) -> std::cmp::Ordering {
    let (x, y) = (a.filename.as_bytes(), b.filename.as_bytes());
    let n = x.len().min(y.len());
    x[..n].cmp(&y[..n]).then_with(|| {
        let end = |name: &[u8], e: &gix::objs::tree::EntryRef<'_>| {
            name.get(n).copied().or(e.mode.is_tree().then_some(b'/'))
        };
        end(x, a).cmp(&end(y, b))
    })
}

/// Looks up `id`, turning absence and read errors into a warning with the id.
fn find_in<'b>(
    objects: &impl Find,
    id: &gix::oid,
    buf: &'b mut Vec<u8>,
) -> Result<gix::objs::Data<'b>, Warning> {
    match objects.try_find(id, buf) {
        Ok(Some(data)) => Ok(data),
        Ok(None) => Err(Warning {
            id: Some(id.to_owned()),
            message: "missing object".into(),
        }),
        Err(e) => Err(Warning {
            id: Some(id.to_owned()),
            message: format!("unreadable object: {e}"),
        }),
    }
}

/// A pack's bytes, mapped read-only.
struct Mapped<'a>(&'a memmap2::Mmap);

impl std::ops::Deref for Mapped<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.0
    }
}

/// Opens the index at `idx` and maps its pack.
fn open_pack(
    idx: &Path,
    hash: gix::hash::Kind,
) -> Result<(pack::index::File, memmap2::Mmap), String> {
    let index = pack::index::File::at(idx, hash).map_err(|e| e.to_string())?;
    let file = std::fs::File::open(idx.with_extension("pack")).map_err(|e| e.to_string())?;
    // SAFETY: git never rewrites a pack in place (as gix, which maps packs the same way).
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| e.to_string())?;
    Ok((index, map))
}

/// The least bound on one allocation while a pack is decoded (see `traverse_pack`).
const ALLOC_FLOOR: usize = 64 << 20;

/// Objects decoded between two looks at how much of the packs this process holds resident.
const LOOK_EVERY: usize = 256;

/// Entry headers read (for their sizes) between two releases of a pack's pages.
const HEADERS_PER_RELEASE: usize = 4096;

/// How much file-backed memory (the traversed pack's pages, mostly) this process may hold
/// before they are released.
const RESIDENT_FILE_BUDGET_KB: u64 = 32 << 10;

/// Whether this process holds more file-backed memory than its budget, as Linux counts it;
/// where that cannot be read, at every 16th look.
fn over_budget(look: usize) -> bool {
    let resident = || -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("RssFile:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    match resident() {
        Some(kb) => kb > RESIDENT_FILE_BUDGET_KB,
        None => look % 16 == 15,
    }
}

/// A worker of the pack traversal: made fresh for each thread the traversal clones it to.
struct PackVisitor<'a, F, V> {
    make: &'a F,
    visit: Option<V>,
    wanted: &'a Wanted<'a>,
    map: &'a memmap2::Mmap,
    decoded: &'a AtomicUsize,
    /// The pack's objects by offset, to name an offset delta's base.
    by_offset: &'a [(u64, ObjectId)],
    /// Whether to read what a delta copied from its base.
    deltas: bool,
    integrity: &'a PackIntegrity<'a>,
    pack_path: &'a Path,
    warn: OnWarning<'a>,
    hash: gix::hash::Kind,
    /// The largest buffer decoding this pack may allocate.
    alloc_limit: usize,
    /// Scratch for delta reading.
    inflate: gix::zlib::Inflate,
    delta_buf: Vec<u8>,
    delta: Delta,
}

impl<F, V> Clone for PackVisitor<'_, F, V> {
    fn clone(&self) -> Self {
        PackVisitor {
            make: self.make,
            visit: None,
            wanted: self.wanted,
            map: self.map,
            decoded: self.decoded,
            by_offset: self.by_offset,
            deltas: self.deltas,
            integrity: self.integrity,
            pack_path: self.pack_path,
            warn: self.warn,
            hash: self.hash,
            alloc_limit: self.alloc_limit,
            inflate: gix::zlib::Inflate::default(),
            delta_buf: Vec::new(),
            delta: Delta {
                base: ObjectId::null(self.hash),
                base_len: 0,
                copies: Vec::new(),
            },
        }
    }
}

impl<F, V> PackVisitor<'_, F, V>
where
    F: Fn() -> V,
    V: FnMut(&gix::oid, &[u8], Option<&Delta>),
{
    /// Reads what the entry at `offset` copied from its base into `self.delta`; false when it
    /// is stored whole, its base is not wanted (nothing could use what it copied), its delta
    /// is over half its size, or its delta cannot be read (the blob is then scanned whole).
    fn read_delta(&mut self, offset: u64, size: usize) -> bool {
        if !self.deltas {
            return false;
        }
        let by_offset = self.by_offset;
        let Some(bytes) = usize::try_from(offset).ok().and_then(|o| self.map.get(o..)) else {
            return false;
        };
        let Ok(entry) = pack::data::Entry::from_bytes(bytes, offset, self.hash) else {
            return false;
        };
        let base = match entry.header {
            pack::data::entry::Header::RefDelta { base_id } => base_id,
            pack::data::entry::Header::OfsDelta { base_distance } => {
                let Some(at) = entry.checked_base_pack_offset(base_distance) else {
                    return false;
                };
                match by_offset.binary_search_by_key(&at, |(o, _)| *o) {
                    Ok(i) => by_offset[i].1,
                    Err(_) => return false,
                }
            }
            _ => return false,
        };
        // Checked before the delta is inflated again: a base no ref reaches is common on a
        // server-side mirror.
        if !self.wanted.contains(&base) {
            return false;
        }
        let Some(compressed) = usize::try_from(entry.data_offset)
            .ok()
            .and_then(|o| self.map.get(o..))
        else {
            return false;
        };
        let Some(len) = usize::try_from(entry.decompressed_size)
            .ok()
            .filter(|len| *len <= self.alloc_limit)
        else {
            return false;
        };
        // A delta over half as long as the blob holds that much new data or that many cuts:
        // windows around them would cover most of the blob, and inflating the delta a second
        // time costs more than they save (11% of the CPU time on a history whose every version
        // differs throughout, 8% on nginx's).
        if len.saturating_mul(2) > size {
            return false;
        }
        self.delta_buf.clear();
        self.delta_buf.resize(len, 0);
        self.inflate.reset();
        match self.inflate.once(compressed, &mut self.delta_buf) {
            Ok((_, _, written)) if written == len => {}
            _ => return false,
        }
        self.delta.base = base;
        self.delta.copies.clear();
        match delta::copies(&self.delta_buf, &mut self.delta.copies) {
            Ok((base_len, made)) if made == size => {
                self.delta.base_len = base_len;
                true
            }
            _ => false,
        }
    }

    fn object(&mut self, kind: Kind, data: &[u8], entry: &pack::index::Entry) {
        let (id, offset) = (&entry.oid, entry.pack_offset);
        // The traversal reads each compressed object once, in no useful order: the pages it
        // read are released when they grow over a budget, or the whole pack would end up
        // resident (releasing them at a fixed pace makes a small pack fault them back in).
        let n = self.decoded.fetch_add(1, Ordering::Relaxed);
        if n % LOOK_EVERY == LOOK_EVERY - 1 && over_budget(n / LOOK_EVERY) {
            release(self.map);
        }
        let wanted = self.wanted.claim(id);
        if kind != Kind::Blob {
            return;
        }
        // Every blob is checked, wanted or not: it may be the base of a wanted one.
        let intact = self.integrity.check(offset, entry.crc32);
        if !wanted {
            return;
        }
        if let Err(why) = intact {
            (self.warn)(Warning {
                id: Some(id.to_owned()),
                message: format!("corrupt in {}: {why}", self.pack_path.display()),
            });
            return;
        }
        let has_delta = self.read_delta(offset, data.len());
        let make = self.make;
        let delta = has_delta.then_some(&self.delta);
        self.visit.get_or_insert_with(make)(id, data, delta);
    }
}

/// Runs `work` in a rayon pool of `threads` threads (on the global pool if one cannot be made).
fn on_threads<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// Drops the resident pages of a pack's mapping from this process: they stay in the page
/// cache and fault back in when read again, while a pass over the pack would otherwise leave
/// all of it resident.
fn release(map: &memmap2::Mmap) {
    // SAFETY: a read-only shared file mapping; dropping its pages loses nothing.
    let _ = unsafe { map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
}

/// Decodes the wanted blobs of one pack and their bases in parallel, handing wanted blobs
/// (with their deltas when `deltas` is set) to visitors.
#[allow(clippy::too_many_arguments)]
fn traverse_pack<F, V>(
    idx: &Path,
    index: &pack::index::File,
    map: &memmap2::Mmap,
    wanted: &Wanted<'_>,
    deltas: bool,
    threads: usize,
    make_visitor: &F,
    warn: OnWarning<'_>,
) where
    F: Fn() -> V + Sync,
    V: FnMut(&gix::oid, &[u8], Option<&Delta>) + Send,
{
    let pack = match pack::data::File::from_data(
        Mapped(map),
        idx.with_extension("pack"),
        index.object_hash(),
    ) {
        Ok(pack) => pack,
        Err(e) => {
            warn(Warning {
                id: None,
                message: format!("{}: {e}", idx.display()),
            });
            return;
        }
    };
    let decoded = AtomicUsize::new(0);
    let mut by_offset: Vec<(u64, ObjectId)> =
        index.iter().map(|e| (e.pack_offset, e.oid)).collect();
    by_offset.sort_unstable_by_key(|(o, _)| *o);
    let integrity = PackIntegrity::new(map, &by_offset, index);
    let pack_path = idx.with_extension("pack");
    // A forged size in an entry's header would have the decoder allocate it: such entries are
    // corrupt (and not looked up again), and no allocation may exceed what a plausible entry
    // declares. Deltas may produce more than any entry declares, so the bound has a floor;
    // a delta over it fails here and is looked up again afterwards. Reading every entry's
    // header would make the whole pack resident: its pages are released as it goes.
    let mut bases = vec![NO_BASE; by_offset.len()];
    let (implausible, largest) = integrity.implausible_sizes(
        HEADERS_PER_RELEASE,
        || release(map),
        |i, entry| bases[i] = base_of(entry, index, &by_offset),
    );
    // Only the wanted blobs and the bases they are made from are decoded: not the trees and
    // commits, nor the blobs no selected commit reaches (a server's mirror holds many), whose
    // damage then costs nothing.
    let needed = needed(&by_offset, &bases, wanted);
    drop(bases);
    for (offset, id, why) in implausible {
        let at = by_offset.binary_search_by_key(&offset, |(o, _)| *o);
        if !at.is_ok_and(|i| needed[i]) {
            continue;
        }
        wanted.claim(&id);
        warn(Warning {
            id: Some(id),
            message: format!(
                "corrupt in {} at offset {offset}: {why}",
                pack_path.display()
            ),
        });
    }
    release(map);
    let alloc_limit = largest.max(ALLOC_FLOOR);
    let hash = index.object_hash();
    let mut worker = PackVisitor {
        make: make_visitor,
        visit: None,
        wanted,
        map,
        decoded: &decoded,
        by_offset: &by_offset,
        deltas,
        integrity: &integrity,
        pack_path: &pack_path,
        warn,
        hash,
        alloc_limit,
        inflate: gix::zlib::Inflate::default(),
        delta_buf: Vec::new(),
        delta: Delta {
            base: ObjectId::null(hash),
            base_len: 0,
            copies: Vec::new(),
        },
    };
    let entries =
        by_offset
            .iter()
            .zip(&needed)
            .filter(|(_, n)| **n)
            .map(|(&(pack_offset, oid), _)| pack::index::Entry {
                pack_offset,
                oid,
                crc32: index.lookup(oid).and_then(|i| index.crc32_at_index(i)),
            });
    let interrupt = AtomicBool::new(false);
    let mut progress = gix::progress::Discard;
    let traversed = pack::cache::delta::Tree::from_offsets_in_pack(
        &pack_path,
        entries,
        &|e| e.pack_offset,
        &|id| Ok(index.lookup(id).map(|i| index.pack_offset_at_index(i))),
        &mut progress,
        &interrupt,
        hash,
    )
    .and_then(|tree| {
        // As `git cat-file`: no object ids hashed (the visitor checks each blob's CRC32
        // instead). An entry's slice runs to the next decoded entry, past its own end: its
        // zlib stream ends first. An error stops the traversal; the wanted blobs it did not
        // reach are looked up one by one afterwards, and reported then.
        tree.traverse(
            |slice, pack| pack.entry_slice(slice),
            &pack,
            pack.pack_end() as u64,
            move |entry: &mut pack::index::Entry,
                  _: &dyn gix::Progress,
                  context: pack::cache::delta::traverse::Context<'_>| {
                if let Some(kind) = context.entry.header.as_kind() {
                    worker.object(kind, context.decompressed, entry);
                }
                Ok(())
            },
            pack::cache::delta::traverse::Options {
                object_progress: Box::new(gix::progress::Discard),
                size_progress: &mut gix::progress::Discard,
                thread_limit: Some(threads.max(1)),
                should_interrupt: &interrupt,
                object_hash: hash,
                alloc_limit_bytes: Some(alloc_limit),
            },
        )
    });
    if let Err(e) = traversed {
        warn(Warning {
            id: None,
            message: format!("{}: {e}", idx.display()),
        });
    }
}

/// No base: an entry stored whole, or one whose base is not in the pack.
const NO_BASE: u32 = u32::MAX;

/// The position in `by_offset` of the base of the delta `entry`, or [`NO_BASE`].
fn base_of(
    entry: &pack::data::Entry,
    index: &pack::index::File,
    by_offset: &[(u64, ObjectId)],
) -> u32 {
    integrity::base_offset(entry, index)
        .and_then(|o| by_offset.binary_search_by_key(&o, |(at, _)| *at).ok())
        .and_then(|i| u32::try_from(i).ok())
        .unwrap_or(NO_BASE)
}

/// Which entries of `by_offset` a traversal must decode: the wanted ones and every base a
/// wanted one is made from; and the first, where gix's reading of the headers starts.
fn needed(by_offset: &[(u64, ObjectId)], bases: &[u32], wanted: &Wanted<'_>) -> Vec<bool> {
    let mut needed = vec![false; by_offset.len()];
    for (i, (_, id)) in by_offset.iter().enumerate() {
        if i > 0 && !wanted.contains(id) {
            continue;
        }
        // Up the chain until a base already marked (a damaged pack's cycle ends there too).
        let mut at = i;
        while !needed[at] {
            needed[at] = true;
            match bases[at] {
                NO_BASE => break,
                base => at = base as usize,
            }
        }
    }
    needed
}

/// `prefix/name`, or `name` at the root.
fn join(prefix: &BStr, name: &BStr) -> BString {
    let mut path = BString::from(Vec::with_capacity(prefix.len() + name.len() + 1));
    path.push_str(prefix);
    if !prefix.is_empty() {
        path.push(b'/');
    }
    path.push_str(name);
    path
}

/// An error unless an object read as `id` is of the `want`ed kind.
fn expect_kind(id: &gix::oid, found: Kind, want: Kind) -> Result<(), Warning> {
    if found == want {
        return Ok(());
    }
    Err(Warning {
        id: Some(id.to_owned()),
        message: format!("expected a {want}, found a {found}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wanted_claims_each_listed_id_once() {
        let id = |first: u8, last: u8| {
            let mut bytes = [0u8; 20];
            bytes[0] = first;
            bytes[1] = last % 3;
            bytes[19] = last;
            ObjectId::from_bytes_or_panic(&bytes)
        };
        let ids = vec![id(0, 1), id(0, 2), id(7, 0), id(255, 9)];
        let wanted = Wanted::new(&ids);
        for listed in &ids {
            assert!(wanted.claim(listed));
            assert!(!wanted.claim(listed), "claimed twice");
        }
        for other in [id(0, 3), id(1, 0), id(255, 0), id(254, 9)] {
            assert!(!wanted.claim(&other));
        }
    }

    #[test]
    fn only_wanted_entries_their_bases_and_the_first_are_needed() {
        let id = |n: u8| ObjectId::from_bytes_or_panic(&[n; 20]);
        // Entries 0..7 by offset: 2 is a delta of 1, 3 of 2, 5 of 4; 6 and 7 are each other's
        // base (a damaged pack).
        let by_offset: Vec<(u64, ObjectId)> =
            (0..8u8).map(|n| (u64::from(n) * 10, id(n))).collect();
        let bases = [NO_BASE, NO_BASE, 1, 2, NO_BASE, 4, 7, 6];
        let ids = [id(3), id(6)];
        let needed = needed(&by_offset, &bases, &Wanted::new(&ids));
        assert_eq!(
            needed,
            [true, true, true, true, false, false, true, true],
            "3 needs 2 and 1, 6 needs 7 (and the cycle stops there), 0 starts the pack"
        );
    }

    #[test]
    fn join_paths() {
        assert_eq!(join(b"".as_bstr(), b"a".as_bstr()), "a");
        assert_eq!(join(b"a/b".as_bstr(), b"c".as_bstr()), "a/b/c");
    }
}
