//! What is staged: the index compared with HEAD's tree, as git does it.
//!
//! A directory whose tree in the index is HEAD's tree there holds nothing staged and is passed
//! over. The index's tree of a directory is the one its cached tree records where that is
//! valid (after a commit, all but the directories of what was staged since); elsewhere (a fresh
//! clone, `git commit -a`'s temporary index) it is hashed from the index entries, which costs
//! a SHA-1 of a few dozen bytes per entry where reading HEAD's tree there costs a look-up and
//! an inflate. Only the trees of HEAD on the way to a changed path are read. A directory
//! whose tree cannot be hashed (a conflict, an intent-to-add entry) is compared entry by
//! entry, so a wrong hash only costs time: a false match would take a SHA-1 collision.

use std::ops::Range;

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};
use gix::index::extension::Tree as CachedTree;
use gix::objs::Kind;

use super::{GitError, MAX_TREE_DEPTH, Repo, StagedFile};

/// The staged files of `index` (those differing from HEAD's tree `head`, all of them without
/// one), in the index's order.
pub(super) fn compare(
    repo: &Repo,
    index: &gix::index::File,
    head: Option<ObjectId>,
) -> Result<Vec<StagedFile>, GitError> {
    // A conflict's stages are not staged yet.
    let entries: Vec<&gix::index::Entry> = (index.entries().iter())
        .filter(|e| e.stage_raw() == 0)
        .collect();
    let mut walk = Walk::new(repo, index, &entries, head);
    walk.dir(0..entries.len(), 0, head, index.tree(), 0)?;
    Ok(walk.staged)
}

struct Walk<'a, 'r> {
    index: &'a gix::index::File,
    /// Sorted by path: a directory's entries are contiguous.
    entries: &'a [&'a gix::index::Entry],
    head: HeadTree<'r>,
    root: Option<ObjectId>,
    /// Trees hashed from the entries, by (first entry, length of the directory's path).
    hashed: std::collections::HashMap<(usize, usize), Option<ObjectId>>,
    staged: Vec<StagedFile>,
}

impl<'a, 'r> Walk<'a, 'r> {
    fn new(
        repo: &'r Repo,
        index: &'a gix::index::File,
        entries: &'a [&'a gix::index::Entry],
        root: Option<ObjectId>,
    ) -> Self {
        Walk {
            index,
            entries,
            head: HeadTree {
                repo,
                dirs: std::collections::HashMap::new(),
                paths: std::collections::HashMap::new(),
            },
            root,
            hashed: std::collections::HashMap::new(),
            staged: Vec::new(),
        }
    }

    fn path(&self, i: usize) -> &'a BStr {
        let (entries, index) = (self.entries, self.index);
        entries[i].path(index)
    }

    /// The cached tree of the subdirectory `name` of the directory cached as `cache`.
    fn child<'c>(cache: Option<&'c CachedTree>, name: &[u8]) -> Option<&'c CachedTree> {
        cache.and_then(|c| c.children.iter().find(|c| c.name.as_slice() == name))
    }

    /// The end of the entries from `start` that lie in the subdirectory `name` of the
    /// directory whose path is `prefix` bytes long.
    fn end_of(&self, start: usize, end: usize, prefix: usize, name: &[u8]) -> usize {
        let at = prefix + name.len();
        start
            + self.entries[start..end].partition_point(|e| {
                let path = e.path(self.index);
                path.get(prefix..at) == Some(name) && path.get(at) == Some(&b'/')
            })
    }

    /// Compares the entries `range`, those under the directory whose path is their first
    /// `prefix` bytes, with HEAD's tree `head` there (`None`: HEAD has none).
    fn dir(
        &mut self,
        range: Range<usize>,
        prefix: usize,
        head: Option<ObjectId>,
        cache: Option<&CachedTree>,
        depth: usize,
    ) -> Result<(), GitError> {
        if head.is_some() && self.tree_id(range.clone(), prefix, cache, depth) == head {
            return Ok(());
        }
        let mut i = range.start;
        while i < range.end {
            let path = self.path(i);
            let rest = &path[prefix..];
            match rest.find_byte(b'/') {
                Some(slash) if depth < MAX_TREE_DEPTH => {
                    let name = &rest[..slash];
                    let end = self.end_of(i, range.end, prefix, name);
                    let sub = match head {
                        Some(tree) => self.head.entry(tree, name)?.filter(|e| e.0).map(|e| e.2),
                        None => None,
                    };
                    let sub_cache = Self::child(cache, name);
                    self.dir(i..end, prefix + slash + 1, sub, sub_cache, depth + 1)?;
                    i = end;
                }
                found => {
                    self.file(i, path, found.is_none().then_some(rest), head)?;
                    i += 1;
                }
            }
        }
        Ok(())
    }

    /// Entry `i` at `path`: named `here` in the directory whose HEAD tree is `head`, or
    /// deeper than trees nest (looked up from the root).
    fn file(
        &mut self,
        i: usize,
        path: &BStr,
        here: Option<&[u8]>,
        head: Option<ObjectId>,
    ) -> Result<(), GitError> {
        let entry = self.entries[i];
        let is_blob = (entry.mode.to_tree_entry_mode()).is_some_and(|m| m.is_blob_or_symlink());
        if !is_blob {
            return Ok(());
        }
        let old = match (here, head, self.root) {
            (Some(name), Some(tree), _) => {
                self.head.entry(tree, name)?.filter(|e| e.1).map(|e| e.2)
            }
            (None, _, Some(root)) => self.head.blob_at(root, path)?,
            _ => None,
        };
        if old != Some(entry.id) {
            self.staged.push(StagedFile {
                path: path.to_str_lossy().into_owned(),
                new: entry.id,
                old,
            });
        }
        Ok(())
    }

    /// The id of the tree the entries `range` make of the directory whose path is their first
    /// `prefix` bytes: its cached tree's where valid, else hashed; `None` when they make none.
    fn tree_id(
        &mut self,
        range: Range<usize>,
        prefix: usize,
        cache: Option<&CachedTree>,
        depth: usize,
    ) -> Option<ObjectId> {
        if let Some(cached) = cache.filter(|c| c.num_entries.is_some()) {
            return Some(cached.id);
        }
        if depth >= MAX_TREE_DEPTH {
            return None;
        }
        if let Some(known) = self.hashed.get(&(range.start, prefix)) {
            return *known;
        }
        let id = self.hash_tree(range.clone(), prefix, cache, depth);
        self.hashed.insert((range.start, prefix), id);
        id
    }

    /// The id of the tree object git would write for the entries `range` (`tree_id`'s
    /// arguments): index order within a directory is git's tree order.
    fn hash_tree(
        &mut self,
        range: Range<usize>,
        prefix: usize,
        cache: Option<&CachedTree>,
        depth: usize,
    ) -> Option<ObjectId> {
        let (mut tree, mut octal) = (Vec::new(), Default::default());
        let mut i = range.start;
        while i < range.end {
            let rest = &self.path(i)[prefix..];
            let (mode, name, id) = match rest.find_byte(b'/') {
                Some(slash) => {
                    let name = &rest[..slash];
                    let end = self.end_of(i, range.end, prefix, name);
                    let sub_cache = Self::child(cache, name);
                    let id = self.tree_id(i..end, prefix + slash + 1, sub_cache, depth + 1)?;
                    i = end;
                    (&b"40000"[..], name, id)
                }
                None => {
                    let entry = self.entries[i];
                    let intent_to_add = entry
                        .flags
                        .contains(gix::index::entry::Flags::INTENT_TO_ADD);
                    if intent_to_add || rest.is_empty() {
                        return None;
                    }
                    i += 1;
                    let mode = entry.mode.to_tree_entry_mode()?.as_bytes(&mut octal);
                    (mode.as_bytes(), rest, entry.id)
                }
            };
            tree.extend_from_slice(mode);
            tree.push(b' ');
            tree.extend_from_slice(name);
            tree.push(0);
            tree.extend_from_slice(id.as_bytes());
        }
        let hash = self.head.repo.local.object_hash();
        gix::objs::compute_hash(hash, Kind::Tree, &tree).ok()
    }
}

/// HEAD's trees, decoded on demand and kept by id, their entries sorted by name for a binary
/// search; and, for entries deeper than trees nest, each directory's tree by path.
struct HeadTree<'r> {
    repo: &'r Repo,
    dirs: std::collections::HashMap<ObjectId, Vec<(BString, bool, bool, ObjectId)>>,
    paths: std::collections::HashMap<BString, Option<ObjectId>>,
}

impl HeadTree<'_> {
    fn entries(&mut self, tree: ObjectId) -> Result<&[(BString, bool, bool, ObjectId)], GitError> {
        if !self.dirs.contains_key(&tree) {
            let mut entries = self
                .repo
                .entries(&tree)
                .map_err(|w| GitError::read("reading HEAD", w))?;
            entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            self.dirs.insert(tree, entries);
        }
        Ok(self.dirs.get(&tree).map(Vec::as_slice).unwrap_or_default())
    }

    /// The entry `name` of `tree`: (is_tree, is_blob, id).
    fn entry(
        &mut self,
        tree: ObjectId,
        name: &[u8],
    ) -> Result<Option<(bool, bool, ObjectId)>, GitError> {
        let entries = self.entries(tree)?;
        Ok(entries
            .binary_search_by(|e| e.0.as_slice().cmp(name))
            .ok()
            .map(|i| (entries[i].1, entries[i].2, entries[i].3)))
    }

    /// The blob at `path` under `root`, if there is one.
    fn blob_at(&mut self, root: ObjectId, path: &BStr) -> Result<Option<ObjectId>, GitError> {
        let (dir, name) = match path.rfind_byte(b'/') {
            Some(at) => (&path[..at], &path[at + 1..]),
            None => (&path[..0], path),
        };
        let tree = match self.paths.get(dir) {
            Some(&known) => known,
            None => {
                let mut current = Some(root);
                for part in dir.split_str("/").filter(|_| !dir.is_empty()) {
                    let Some(tree) = current else { break };
                    current = self.entry(tree, part)?.filter(|e| e.0).map(|e| e.2);
                }
                self.paths.insert(dir.to_owned(), current);
                current
            }
        };
        match tree {
            Some(tree) => Ok(self.entry(tree, name)?.filter(|e| e.1).map(|e| e.2)),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
            .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }

    fn write(dir: &Path, path: &str, text: &str) {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// The slow path: every entry of the index looked up in HEAD from the root.
    fn every_entry(repo: &Repo, index: &gix::index::File, root: ObjectId) -> Vec<String> {
        let mut head = HeadTree {
            repo,
            dirs: std::collections::HashMap::new(),
            paths: std::collections::HashMap::new(),
        };
        let mut out = Vec::new();
        for entry in index.entries().iter().filter(|e| e.stage_raw() == 0) {
            if !(entry.mode.to_tree_entry_mode()).is_some_and(|m| m.is_blob_or_symlink()) {
                continue;
            }
            let path = entry.path(index);
            if head.blob_at(root, path).unwrap() != Some(entry.id) {
                out.push(path.to_string());
            }
        }
        out
    }

    fn paths(files: Vec<StagedFile>) -> Vec<String> {
        files.into_iter().map(|f| f.path).collect()
    }

    #[test]
    fn hashed_and_cached_trees_find_what_every_entry_compared_finds() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q"]);
        // Names that sort around a directory's: "a" beside "a-b", "a.b", "a0" and "a/".
        for path in [
            "a-b", "a.b", "a0", "a/x", "a/b/y", "a/b-c/z", "b/c/d/e", "top", "x/y",
        ] {
            write(dir, path, &format!("{path}\n"));
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink("top", dir.join("link")).unwrap();
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-qm", "base"]);
        let head = || {
            let repo = Repo::open(dir).unwrap();
            let root = repo.local.head_tree_id().unwrap().detach();
            (repo, root)
        };
        let read = || {
            let index_path = dir.join(".git/index");
            let options = gix::index::decode::Options::default();
            gix::index::File::at(&index_path, gix::hash::Kind::Sha1, false, options).unwrap()
        };
        let check = |expected: &[&str]| {
            let (repo, root) = head();
            let mut index = read();
            let slow = every_entry(&repo, &index, root);
            assert_eq!(slow, expected);
            assert_eq!(
                paths(compare(&repo, &index, Some(root)).unwrap()),
                slow,
                "cached"
            );
            index.remove_tree();
            assert_eq!(
                paths(compare(&repo, &index, Some(root)).unwrap()),
                slow,
                "hashed"
            );
        };
        // Right after the commit: nothing.
        check(&[]);
        // Hashed as git does: the committed index hashes to HEAD's tree, none of it read.
        let trees_read = |expect: &[&str]| {
            let (repo, root) = head();
            let mut index = read();
            index.remove_tree();
            let entries: Vec<_> = index.entries().iter().collect();
            let mut walk = Walk::new(&repo, &index, &entries, Some(root));
            walk.dir(0..entries.len(), 0, Some(root), None, 0).unwrap();
            assert_eq!(paths(walk.staged), expect);
            walk.head.dirs.len()
        };
        assert_eq!(trees_read(&[]), 0);
        // Changed, added and removed files, an executable bit (same blob: nothing to scan),
        // a new directory, an intent-to-add file.
        write(dir, "a/b/y", "changed\n");
        write(dir, "a.b", "changed\n");
        write(dir, "b/c/d/new", "new\n");
        write(dir, "n/m/o", "new dir\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = dir.join("x/y");
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        write(dir, "later", "intent\n");
        git(dir, &["add", "a/b/y", "a.b", "b/c/d/new", "n/m/o", "x/y"]);
        git(dir, &["rm", "-q", "--cached", "a/b-c/z"]);
        git(dir, &["add", "-N", "later"]);
        check(&["a.b", "a/b/y", "b/c/d/new", "later", "n/m/o"]);
        // A file replaced by a directory of the same name, and a submodule's entry.
        git(dir, &["rm", "-q", "--cached", "top"]);
        write(dir, "top2/top", "was a file\n");
        git(dir, &["add", "top2/top"]);
        let blob = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
        git(
            dir,
            &[
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("160000,{blob},sub"),
            ],
        );
        check(&["a.b", "a/b/y", "b/c/d/new", "later", "n/m/o", "top2/top"]);
        // After a commit of all that, only the intent-to-add entry, which a commit leaves out.
        git(dir, &["commit", "-qm", "more"]);
        check(&["later"]);
        // The intent-to-add entry keeps the root from hashing: HEAD's root is read, and no
        // tree under it.
        assert_eq!(trees_read(&["later"]), 1);
    }
}
