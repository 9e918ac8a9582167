//! Repositories named by a clone URL: which strings are URLs, where their bare clone lives
//! under the clone directory, and cloning or fetching it with gix.
//!
//! A clone mirrors the origin's branches and tags (`refs/heads/*`, `refs/tags/*`); nothing is
//! checked out. The clone is created and reopened isolated from system and global
//! configuration, as [`super::git::Repo`] opens repositories, so nothing the origin or the
//! user's configuration names (hooks, credential helpers, url rewrites) is run. `file://`
//! URLs are served by the `git-upload-pack` program and `ssh://` ones by `ssh`, as for git;
//! `https://` needs the `https` cargo feature. This module knows nothing of scanning.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use gix::remote::Direction;
use sha2::{Digest, Sha256};

use super::git::GitError;

/// The refs a clone mirrors.
const REFSPECS: [&str; 2] = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/// Whether `spec` names a clone URL rather than a path: a path that exists is a path;
/// otherwise `scheme://...` or scp-like `[user@]host:path` is a URL.
pub fn is_url(spec: &str) -> bool {
    if Path::new(spec).exists() {
        return false;
    }
    if let Some((scheme, _)) = spec.split_once("://") {
        return !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    }
    // `host:path`, but not `C:\dir` nor `./a:b`.
    match spec.split_once(':') {
        Some((host, path)) => host.len() > 1 && !host.contains('/') && !path.is_empty(),
        None => false,
    }
}

/// Where the bare clone of `url` lives under `clone_dir`: a readable name from the URL's
/// last parts and a hash of the whole URL, so that two URLs never share a clone.
pub fn clone_path(clone_dir: &Path, url: &str) -> PathBuf {
    let hash = Sha256::digest(url.as_bytes());
    let readable: String = url
        .rsplit(['/', ':'])
        .filter(|part| !part.is_empty())
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let readable = readable.trim_end_matches(".git").trim_start_matches('.');
    let suffix: String = hash[..6].iter().map(|b| format!("{b:02x}")).collect();
    clone_dir.join(format!("{readable}-{suffix}.git"))
}

/// What [`sync`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synced {
    Cloned,
    Fetched,
}

/// Clones `url` bare into `path`, or, when a clone is there already, fetches into it.
pub fn sync(url: &str, path: &Path) -> Result<Synced, GitError> {
    let failed = |message: String| GitError::Read {
        what: url.to_string(),
        message,
    };
    let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
    if cfg!(not(feature = "https")) && matches!(scheme, "http" | "https") {
        return Err(failed(
            "cloning over HTTP(S) needs keyscout built with `--features https`".into(),
        ));
    }
    let interrupt = AtomicBool::new(false);
    if path.exists() {
        let options = gix::open::Options::isolated();
        let repo = gix::open_opts(path, options).map_err(|e| GitError::NotARepository {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let remote = repo
            .remote_at_without_url_rewrite(url)
            .and_then(|r| r.with_refspecs(REFSPECS, Direction::Fetch))
            .map_err(|e| failed(e.to_string()))?;
        remote
            .connect(Direction::Fetch)
            .map_err(|e| failed(format!("connecting: {e}")))?
            .prepare_fetch(gix::progress::Discard, Default::default())
            .map_err(|e| failed(format!("fetching: {e}")))?
            .receive(gix::progress::Discard, &interrupt)
            .map_err(|e| failed(format!("fetching: {e}")))?;
        return Ok(Synced::Fetched);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| GitError::Read {
            what: parent.display().to_string(),
            message: e.to_string(),
        })?;
    }
    let mut prepare = gix::clone::PrepareFetch::new(
        url,
        path,
        gix::create::Kind::Bare,
        gix::create::Options::default(),
        gix::open::Options::isolated(),
    )
    .map_err(|e| failed(e.to_string()))?
    .configure_remote(|remote| remote.with_refspecs(REFSPECS, Direction::Fetch));
    // A failed clone removes its directory when `prepare` drops.
    prepare
        .fetch_only(gix::progress::Discard, &interrupt)
        .map_err(|e| failed(format!("cloning: {e}")))?;
    Ok(Synced::Cloned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths() {
        assert!(is_url("https://github.com/org/repo.git"));
        assert!(is_url("file:///tmp/x"));
        assert!(is_url("git@github.com:org/repo.git"));
        assert!(!is_url("some/dir"));
        assert!(!is_url("."));
        assert!(!is_url("C:\\repo"));
    }

    #[test]
    fn clone_paths_are_readable_and_distinct() {
        let dir = Path::new("/c");
        let a = clone_path(dir, "https://github.com/org/repo.git");
        let b = clone_path(dir, "ssh://git@example.com/org/repo.git");
        assert!(a.to_string_lossy().starts_with("/c/org-repo-"), "{a:?}");
        assert!(a.to_string_lossy().ends_with(".git"));
        assert_ne!(a, b);
    }
}
