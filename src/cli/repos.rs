//! The repositories of one `keyscout git` run: those given on the command line and in
//! `--repos-from`, each a path or a clone URL, cut down to one `--shard K/N`.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::source::remote;

/// One repository, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSpec {
    /// The path or URL exactly as given: what findings, the state file and shards name.
    pub given: String,
    /// Set for a clone URL.
    pub url: bool,
}

impl RepoSpec {
    pub fn new(given: &str) -> Self {
        RepoSpec {
            given: given.to_string(),
            url: remote::is_url(given),
        }
    }
}

/// `--shard K/N`: the K-th of N disjoint parts, K counted from 0 (as Kubernetes'
/// `JOB_COMPLETION_INDEX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}`: expected K/N with 0 <= K < N, e.g. 0/4");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether `repo` falls in this shard: the first 8 bytes of the SHA-256 of the string as
    /// given, modulo N. The same on every machine and in every release.
    pub fn holds(&self, repo: &str) -> bool {
        let hash = Sha256::digest(repo.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&hash[..8]);
        u64::from_be_bytes(first) % self.count == self.index
    }
}

/// The repositories to scan: `given`, then the lines of `from`, duplicates dropped (first
/// kept), only those of `shard`; `.` when none is given at all.
pub fn list(
    given: &[String],
    from: Option<&Path>,
    shard: Option<Shard>,
) -> anyhow::Result<Vec<RepoSpec>> {
    let mut all: Vec<String> = given.to_vec();
    if let Some(file) = from {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading --repos-from {}", file.display()))?;
        all.extend(parse_list(&text));
    } else if all.is_empty() {
        all.push(".".to_string());
    }
    let mut seen = std::collections::HashSet::new();
    Ok(all
        .into_iter()
        .filter(|r| seen.insert(r.clone()))
        .filter(|r| shard.is_none_or(|s| s.holds(r)))
        .map(|r| RepoSpec::new(&r))
        .collect())
}

/// One repository a line; blank lines and `#` comments skipped, spaces trimmed.
fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_once(" #").map_or(l, |(before, _)| before).trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The default clone directory: `$XDG_CACHE_HOME/keyscout/repos`, else
/// `~/.cache/keyscout/repos`, else `.keyscout-repos` here.
pub fn default_clone_dir() -> PathBuf {
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(cache) = env("XDG_CACHE_HOME") {
        return cache.join("keyscout").join("repos");
    }
    match env("HOME") {
        Some(home) => home.join(".cache").join("keyscout").join("repos"),
        None => PathBuf::from(".keyscout-repos"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!("1/3".parse(), Ok(Shard { index: 1, count: 3 }));
        assert!("3/3".parse::<Shard>().is_err());
        assert!("1".parse::<Shard>().is_err());
        assert!("a/2".parse::<Shard>().is_err());
        let shards: Vec<Shard> = (0..3).map(|k| Shard { index: k, count: 3 }).collect();
        for i in 0..50 {
            let repo = format!("https://example.com/org/repo{i}.git");
            assert_eq!(shards.iter().filter(|s| s.holds(&repo)).count(), 1);
        }
    }

    #[test]
    fn repo_lists_skip_comments_and_blank_lines() {
        let text = "# org\nrepo-a\n\n  repo-b   # the second\n#repo-c\n";
        assert_eq!(parse_list(text), vec!["repo-a", "repo-b"]);
    }
}
