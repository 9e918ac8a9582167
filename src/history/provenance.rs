//! One finding per secret: the findings of bare blobs turned into findings at a path and a
//! commit. A finding stands at each place (commit, path) that introduced its blob where its
//! rule's `path` and the allowlists let it stand ([`Scanner::holds_at`]); per fingerprint
//! (path, rule, secret) it is reported once, at the oldest commit of the selection, with how
//! many commits introduced a version holding it and, on request, every other place.

use std::collections::{BTreeMap, HashMap};

use gix::ObjectId;

use super::blobs::{self, Hit};
use crate::finding::{Finding, GitOrigin, GitPlace};
use crate::scan::{Scanner, each_overlap};
use crate::source::git::{Commit, CommitInfo, OnWarning, Place, Repo};

/// Where one fingerprint was introduced, and the finding to report at the first place.
struct Seen<'a> {
    /// (commit index, place), in no order until sorted.
    at: Vec<(usize, &'a Place)>,
    /// The oldest place's finding: commit index, blob, the finding (and whether it is a
    /// carried hit, whose line is not yet this blob's).
    first: (usize, ObjectId, Hit),
}

/// The findings of `found` (hits by blob) at their first places among `places` (computed
/// from `commits`). A blob with hits and no place is reported with its id as path when
/// `unplaced` keeps it (a tag naming a tree or blob, `--all-objects`), else dropped: no
/// commit of the selection reaches it.
#[allow(clippy::too_many_arguments)]
pub fn findings(
    repo: &Repo,
    scanner: &Scanner,
    commits: &[Commit],
    places: &[Place],
    found: &HashMap<ObjectId, Vec<Hit>>,
    unplaced: &dyn Fn(&ObjectId) -> bool,
    all_provenance: bool,
    warn: OnWarning<'_>,
) -> Vec<Finding> {
    let set = scanner.rules();
    let path_only = |path: &str| {
        set.path_only.iter().any(|&r| {
            set.rules[r as usize]
                .path
                .as_ref()
                .is_some_and(|re| re.is_match(path.as_bytes()))
        })
    };
    let mut by_blob: HashMap<ObjectId, Vec<&Place>> = HashMap::new();
    for place in places {
        if found.contains_key(&place.blob) || path_only(&place.path) {
            by_blob.entry(place.blob).or_default().push(place);
        }
    }
    let commit_id = |i: usize| commits[i].id.to_string();
    let mut seen: BTreeMap<Key, Seen<'_>> = BTreeMap::new();
    let mut out = Vec::new();
    let mut blobs: Vec<&ObjectId> = by_blob.keys().chain(found.keys()).collect();
    blobs.sort_unstable();
    blobs.dedup();
    for blob in blobs {
        let at = by_blob.get(blob).map(Vec::as_slice).unwrap_or_default();
        let hits = found.get(blob).map(Vec::as_slice).unwrap_or_default();
        if at.is_empty() {
            if unplaced(blob) {
                out.extend(unplaced_findings(repo, *blob, hits, warn));
            }
            continue;
        }
        let hiders = hiders(scanner, hits);
        let mut stands = vec![false; hits.len()];
        for place in at {
            let commit = commit_id(place.commit);
            for (stand, hit) in stands.iter_mut().zip(hits) {
                *stand = scanner.holds_at(&hit.finding, &place.path, Some(&commit));
            }
            for (i, hit) in hits.iter().enumerate() {
                if stands[i] && !hiders[i].iter().any(|&j| stands[j]) {
                    let f = &hit.finding;
                    let key = (place.path.clone(), f.rule_id.clone(), f.secret.clone());
                    note(&mut seen, key, place, *blob, hit);
                }
            }
            if path_only(&place.path) {
                let mut here = Vec::new();
                scanner.path_findings(&place.path, Some(&commit), &mut here);
                for finding in here {
                    let key = (place.path.clone(), finding.rule_id.clone(), String::new());
                    let hit = Hit {
                        finding,
                        span: 0..0,
                        region: 0..0,
                        edges: (false, false),
                        carried: false,
                    };
                    note(&mut seen, key, place, *blob, &hit);
                }
            }
        }
    }
    let mut infos = Infos {
        repo,
        commits,
        known: HashMap::new(),
        warn,
    };
    for ((path, _, _), mut s) in seen {
        s.at.sort_by_key(|(c, _)| *c);
        s.at.dedup_by_key(|(c, _)| *c);
        let (commit, blob, mut hit) = s.first;
        if hit.carried {
            match repo.blob(&blob) {
                Ok(data) => blobs::relocate(&mut hit, &data),
                Err(w) => warn(w),
            }
        }
        let places = if all_provenance {
            s.at.iter()
                .filter(|(c, _)| *c != commit)
                .map(|(c, p)| {
                    let info = infos.get(*c);
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
        let mut f = hit.finding;
        f.fingerprint = Finding::fingerprint(&path, &f.rule_id, f.secret.as_bytes());
        f.path = path;
        f.git = Some(Box::new(GitOrigin {
            repository: String::new(),
            introduced: Some(infos.get(commit).clone()),
            blob: blob.to_string(),
            also_in: s.at.len().saturating_sub(1),
            occurrences: s.at.len(),
            places,
        }));
        out.push(f);
    }
    out
}

/// For each hit of a blob, the hits that hide it wherever both stand: a specific rule's on an
/// overlapping secret, which a generic one gives way to ([`Scanner::gives_way`]). A blob is
/// scanned without a path, where a path-scoped rule may yet not stand, so this is decided at
/// each place.
fn hiders(scanner: &Scanner, hits: &[Hit]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..hits.len()).collect();
    order.sort_by_key(|&i| hits[i].span.start);
    let mut hiders = vec![Vec::new(); hits.len()];
    each_overlap(
        &order,
        |&i| hits[i].span.clone(),
        |a, b| {
            let (i, j) = (order[a], order[b]);
            let (x, y) = (&hits[i].finding, &hits[j].finding);
            if scanner.gives_way(x, y) {
                hiders[i].push(j);
            } else if scanner.gives_way(y, x) {
                hiders[j].push(i);
            }
        },
    );
    hiders
}

/// A fingerprint: path, rule, secret.
type Key = (String, String, String);

/// Notes that `hit` of `blob` stands at `place`.
fn note<'p>(
    seen: &mut BTreeMap<Key, Seen<'p>>,
    key: Key,
    place: &'p Place,
    blob: ObjectId,
    hit: &Hit,
) {
    let c = place.commit;
    let entry = seen.entry(key).or_insert_with(|| Seen {
        at: Vec::new(),
        first: (c, blob, hit.clone()),
    });
    if (c, hit.span.start) < (entry.first.0, entry.first.2.span.start) {
        entry.first = (c, blob, hit.clone());
    }
    entry.at.push((c, place));
}

/// The findings of a blob no commit introduces, each (rule, secret) once, with the blob's id
/// as path.
fn unplaced_findings(
    repo: &Repo,
    blob: ObjectId,
    hits: &[Hit],
    warn: OnWarning<'_>,
) -> Vec<Finding> {
    let mut data = None;
    let mut out: Vec<Finding> = Vec::new();
    for hit in hits {
        let f = &hit.finding;
        if out
            .iter()
            .any(|o| o.rule_id == f.rule_id && o.secret == f.secret)
        {
            continue;
        }
        let mut hit = hit.clone();
        if hit.carried {
            let data = data.get_or_insert_with(|| repo.blob(&blob).map_err(warn).ok());
            if let Some(data) = data {
                blobs::relocate(&mut hit, data);
            }
        }
        let mut f = hit.finding;
        f.path = blob.to_string();
        f.fingerprint = Finding::fingerprint(&f.path, &f.rule_id, f.secret.as_bytes());
        f.git = Some(Box::new(GitOrigin {
            repository: String::new(),
            introduced: None,
            blob: blob.to_string(),
            also_in: 0,
            occurrences: 0,
            places: Vec::new(),
        }));
        out.push(f);
    }
    out
}

/// Author, date and message of the commits findings name, read once each.
struct Infos<'a> {
    repo: &'a Repo,
    commits: &'a [Commit],
    known: HashMap<usize, CommitInfo>,
    warn: OnWarning<'a>,
}

impl Infos<'_> {
    fn get(&mut self, commit: usize) -> &CommitInfo {
        let (repo, commits, warn) = (self.repo, self.commits, self.warn);
        self.known.entry(commit).or_insert_with(|| {
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
}
