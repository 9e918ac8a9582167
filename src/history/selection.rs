//! What part of a repository's history a scan covers: everything the refs reach, one branch,
//! or the commits of a range (`A..B`, `--since`, or what is new since an earlier scan).

use gix::ObjectId;

use crate::source::git::{GitError, OnWarning, Repo, Tip};

/// What part of the history to scan.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Everything the tips reach.
    Reachable(Vec<Tip>),
    /// Only what the commits reachable from `tips` and not from `hidden` introduced.
    Range {
        tips: Vec<ObjectId>,
        hidden: Vec<ObjectId>,
    },
}

/// What the user asked for: at most one of these is set (the command line makes sure).
#[derive(Debug, Clone, Copy, Default)]
pub struct Asked<'a> {
    /// `A..B` (B defaults to HEAD).
    pub range: Option<&'a str>,
    /// `REV`: the commits of `REV..HEAD`, or `REV..branch` with `branch`.
    pub since: Option<&'a str>,
    pub branch: Option<&'a str>,
}

/// Why a selection cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    #[error("--range `{0}`: expected A..B")]
    Range(String),
    #[error("`{0}` does not name a commit")]
    NotACommit(String),
    #[error(transparent)]
    Git(#[from] GitError),
}

/// The selection `asked` names in `repo`; every ref and HEAD when nothing is asked.
pub fn resolve(
    repo: &Repo,
    asked: Asked<'_>,
    warn: OnWarning<'_>,
) -> Result<Selection, SelectionError> {
    let commit = |rev: &str| -> Result<ObjectId, SelectionError> {
        match repo.resolve(rev)? {
            Tip::Commit(id) => Ok(id),
            _ => Err(SelectionError::NotACommit(rev.to_string())),
        }
    };
    if let Some(range) = asked.range {
        let Some((from, to)) = range.split_once("..") else {
            return Err(SelectionError::Range(range.to_string()));
        };
        if from.is_empty() || to.starts_with('.') {
            return Err(SelectionError::Range(range.to_string()));
        }
        let to = if to.is_empty() { "HEAD" } else { to };
        return Ok(Selection::Range {
            tips: vec![commit(to)?],
            hidden: vec![commit(from)?],
        });
    }
    if let Some(since) = asked.since {
        let to = asked.branch.unwrap_or("HEAD");
        return Ok(Selection::Range {
            tips: vec![commit(to)?],
            hidden: vec![commit(since)?],
        });
    }
    if let Some(branch) = asked.branch {
        return Ok(Selection::Reachable(vec![repo.resolve(branch)?]));
    }
    Ok(Selection::Reachable(repo.ref_tips(warn)?))
}

/// The object a tip names.
pub fn tip_id(tip: &Tip) -> ObjectId {
    match tip {
        Tip::Commit(id) | Tip::Tree(id) | Tip::Blob(id) => *id,
    }
}

/// What is new since the refs pointed at `old`: the commits reachable from `tips` and not
/// from `old`; everything, when a tag names a tree or blob it did not.
pub fn since(tips: &[Tip], old: &[ObjectId]) -> Selection {
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
        hidden: old.to_vec(),
    }
}
