//! `--state FILE`: what a `keyscout git` run scanned in each repository (its ref tips) and
//! with what (a fingerprint of the rules and of the options that change findings), so that
//! the next run scans only what is new. Read whole at the start, written whole at the end,
//! atomically (a temporary file renamed over the old one). With `--verify` it also keeps the
//! providers' answers, so that a secret is not asked about again within `--verify-ttl`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::rules::RuleSet;

/// The format written; a file of another version is ignored (everything is scanned again).
const VERSION: u32 = 1;

/// The whole state file.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct State {
    version: u32,
    /// By repository, as given.
    repositories: BTreeMap<String, RepoState>,
    /// `--verify` answers, by a hash of the request (never the secret), for `--verify-ttl`.
    #[serde(default, skip_serializing_if = "crate::verify::Memory::is_empty")]
    pub verified: crate::verify::Memory,
}

/// What was scanned in one repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoState {
    /// [`fingerprint`] of the scan.
    pub rules: String,
    /// The object ids the refs and HEAD pointed at (tags peeled), sorted.
    pub tips: Vec<String>,
}

impl State {
    /// Reads `path`; a missing file is an empty state.
    pub fn load(path: &Path) -> anyhow::Result<State> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let state: State = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a keyscout state file", path.display()))?;
        Ok(if state.version == VERSION {
            state
        } else {
            State::default()
        })
    }

    pub fn get(&self, repo: &str) -> Option<&RepoState> {
        self.repositories.get(repo)
    }

    pub fn set(&mut self, repo: &str, state: RepoState) {
        self.repositories.insert(repo.to_string(), state);
    }

    /// Writes the state to a temporary file next to `path`, then renames it over `path`: a
    /// crash leaves the old state or the new one, never half of one.
    pub fn save(&mut self, path: &Path) -> anyhow::Result<()> {
        self.version = VERSION;
        let state = &*self;
        let name = path
            .file_name()
            .map_or("state".into(), |n| n.to_string_lossy());
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let context = || format!("writing {}", path.display());
        let write = || -> std::io::Result<()> {
            let mut file = std::fs::File::create(&tmp)?;
            serde_json::to_writer_pretty(&mut file, state)?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            std::fs::rename(&tmp, path)
        };
        if let Err(e) = write() {
            let _ = std::fs::remove_file(&tmp);
            return Err(e).with_context(context);
        }
        Ok(())
    }
}

/// A hash of the rules as loaded (the text of every file a rule came from, plus
/// `config_file`'s own text for allowlists), of `options` (those that change what is found)
/// and of keyscout's version: when it changes, earlier scans say nothing about now.
pub fn fingerprint(set: &RuleSet, config_file: Option<&Path>, options: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update([0]);
    hasher.update(options.as_bytes());
    let files: BTreeMap<&str, &str> = set
        .rules
        .iter()
        .map(|r| (r.origin.file.as_str(), &*r.origin.text))
        .collect();
    for (file, text) in files {
        hasher.update([0]);
        hasher.update(file.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
    }
    if let Some(bytes) = config_file.and_then(|f| std::fs::read(f).ok()) {
        hasher.update([1]);
        hasher.update(&bytes);
    }
    hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
