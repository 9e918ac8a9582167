//! What is staged for the next commit (the pre-commit hook): the index against HEAD, each
//! changed file scanned with its path, and only findings on lines HEAD does not have kept, so
//! an old secret elsewhere in a touched file does not block an unrelated commit.

use crate::finding::Finding;
use crate::scan::Scanner;
use crate::source::git::{GitError, OnWarning, Repo, StagedFile, Warning};

use super::{OnOutcome, Options, blobs};

/// The findings on added or changed lines of the staged files.
pub fn scan(
    repo: &Repo,
    scanner: &Scanner,
    options: &Options,
    outcome: OnOutcome<'_>,
    warn: OnWarning<'_>,
) -> Result<Vec<Finding>, GitError> {
    Ok(scan_files(
        repo,
        repo.staged()?,
        scanner,
        options,
        outcome,
        warn,
    ))
}

/// The findings on added or changed lines of `files`, what [`Repo::staged`] listed (read
/// while the rules load, by a caller that can).
pub fn scan_files(
    repo: &Repo,
    files: Vec<StagedFile>,
    scanner: &Scanner,
    options: &Options,
    outcome: OnOutcome<'_>,
    warn: OnWarning<'_>,
) -> Vec<Finding> {
    let mut matcher = scanner.matcher();
    let mut out = Vec::new();
    let mut found = Vec::new();
    let unreadable = |path: &str, w: Warning| {
        warn(Warning {
            id: None,
            message: format!("{path}: {w}"),
        })
    };
    for file in files {
        if scanner.rules().path_allowed(&file.path) {
            continue;
        }
        let data = match repo.blob(&file.new) {
            Ok(data) => data,
            Err(w) => {
                unreadable(&file.path, w);
                continue;
            }
        };
        found.clear();
        match blobs::scan_one(options, &mut matcher, &data, Some(&file.path), &mut found) {
            Some(o) => outcome(o),
            None => continue,
        }
        if found.is_empty() {
            continue;
        }
        if let Some(old) = &file.old {
            let old = match repo.blob(old) {
                Ok(old) => old,
                Err(w) => {
                    unreadable(&file.path, w);
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
    out
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
