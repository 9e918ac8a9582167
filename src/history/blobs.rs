//! Scanning blobs: each once, in parallel, without a path. A blob a pack stores as a delta of
//! another wanted blob is scanned only in windows around what it does not copy from its base
//! ([`super::windows`]); the findings of its base that lie inside a copy are carried over
//! afterwards, once every blob is done. Rules whose matches can be long (private key blocks,
//! JWTs) would make every window most of a file: a blob holding one of their keywords is
//! scanned whole instead ([`Tiers`]). A blob whose base was not scanned as text (binary,
//! too large, unreadable, unwanted) is scanned whole, and so is everything when a rule has no
//! bounded match length or [`Options::whole_blobs`] is set.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;

use gix::ObjectId;

use super::{OnOutcome, Options, windows};
use crate::finding::{Chunk, Finding};
use crate::scan::{Matcher, Scanner};
use crate::source::delta::{Copy, Delta};
use crate::source::git::{OnWarning, Repo};
use crate::source::read::{Outcome, is_binary};
use crate::source::strings;

/// A finding in a blob, with where it lies there.
#[derive(Debug, Clone)]
pub struct Hit {
    pub finding: Finding,
    /// The bytes of the match's secret (the encoded text, for a decoded secret).
    pub span: Range<usize>,
    /// The bytes that decide the finding ([`windows::region`]).
    pub region: Range<usize>,
    /// Whether the region reaches the start and the end of the blob.
    pub edges: (bool, bool),
    /// Carried from a base: `finding`'s line and columns are the base's, not this blob's.
    pub carried: bool,
}

/// What became of one blob.
enum Entry {
    /// Over the size limit, or binary: nothing found, nothing to carry.
    Skipped,
    Scanned {
        len: usize,
        hits: Vec<Hit>,
        /// Scanned in windows: what it copied from its base.
        delta: Option<Copied>,
    },
}

/// The copies a windowed blob made from its base, long enough to hold a region.
struct Copied {
    base: ObjectId,
    base_len: usize,
    copies: Vec<Copy>,
}

/// Rules longer than this are "long": a blob holding none of their keywords (they all have
/// some, and every match holds one) is scanned in windows of the short rules' margin; one that
/// holds one is scanned whole. A margin of 16 KiB (PGP keys, JWTs) would make every window
/// most of a typical file; a lower bound would make long rules with common keywords (`jf`,
/// `sl.`, `password`, `curl`) send most blobs to a whole scan.
const SHORT: usize = 1536;

/// How delta blobs are windowed for a rule set.
pub struct Tiers {
    /// The longest match a short rule can make.
    pub margin: usize,
    /// The ids of the long rules: their findings are never carried from a base.
    pub long: Vec<String>,
    /// The keywords of the long rules, ASCII case-insensitively; `None` when there are none.
    pub long_keywords: Option<aho_corasick::AhoCorasick>,
}

impl Tiers {
    /// `None` when some rule has no bounded match length, or is long without keywords: every
    /// blob is then scanned whole.
    pub fn new(scanner: &Scanner) -> Option<Tiers> {
        let mut margin = 0;
        let mut long = Vec::new();
        let mut keywords: Vec<&str> = Vec::new();
        for rule in &scanner.rules().rules {
            let Some(pattern) = &rule.regex else { continue };
            let len = pattern.max_len()?;
            if len <= SHORT {
                margin = margin.max(len);
            } else if rule.keywords.is_empty() {
                return None;
            } else {
                long.push(rule.id.clone());
                keywords.extend(rule.keywords.iter().map(String::as_str));
            }
        }
        keywords.sort_unstable();
        keywords.dedup();
        let long_keywords = if keywords.is_empty() {
            None
        } else {
            Some(
                // A DFA: this runs over every delta blob, and a few dozen keywords make the
                // default automaton several times slower.
                aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&keywords)
                    .ok()?,
            )
        };
        Some(Tiers {
            margin,
            long,
            long_keywords,
        })
    }

    /// Whether `data` may hold a match of a long rule.
    fn long_may_match(&self, data: &[u8]) -> bool {
        self.long_keywords
            .as_ref()
            .is_some_and(|ac| ac.is_match(data))
    }
}

/// Scans `blobs` (sorted, distinct); the hits of each blob that has some, at its own offsets.
pub fn scan(
    repo: &Repo,
    scanner: &Scanner,
    options: &Options,
    blobs: &[ObjectId],
    outcome: OnOutcome<'_>,
    warn: OnWarning<'_>,
) -> HashMap<ObjectId, Vec<Hit>> {
    let tiers = if options.whole_blobs {
        None
    } else {
        Tiers::new(scanner)
    };
    let tiers = tiers.as_ref();
    let entries: Mutex<HashMap<ObjectId, Entry>> = Mutex::new(HashMap::new());
    read(
        repo, scanner, options, blobs, tiers, true, &entries, outcome, warn,
    );
    let mut entries = entries.into_inner().unwrap_or_else(|e| e.into_inner());
    // A blob scanned in windows needs its base's findings: when the base was not scanned as
    // text, scan it whole now.
    let orphans: Vec<ObjectId> = {
        let mut ids: Vec<ObjectId> = entries
            .iter()
            .filter_map(|(id, entry)| match entry {
                Entry::Scanned { delta: Some(d), .. }
                    if !matches!(entries.get(&d.base), Some(Entry::Scanned { .. })) =>
                {
                    Some(*id)
                }
                _ => None,
            })
            .collect();
        ids.sort_unstable();
        ids
    };
    if !orphans.is_empty() {
        // Their outcomes were recorded when first read.
        let silent = |_: Outcome| {};
        let again = Mutex::new(HashMap::new());
        read(
            repo, scanner, options, &orphans, tiers, false, &again, &silent, warn,
        );
        entries.extend(again.into_inner().unwrap_or_else(|e| e.into_inner()));
    }
    let long = tiers.map(|t| t.long.as_slice()).unwrap_or_default();
    resolve(entries, long)
}

/// Reads and scans `blobs` into `entries`; with tiers and `windowed`, deltas in windows.
#[allow(clippy::too_many_arguments)]
fn read(
    repo: &Repo,
    scanner: &Scanner,
    options: &Options,
    blobs: &[ObjectId],
    tiers: Option<&Tiers>,
    windowed: bool,
    entries: &Mutex<HashMap<ObjectId, Entry>>,
    outcome: OnOutcome<'_>,
    warn: OnWarning<'_>,
) {
    let make_visitor = || {
        let mut matcher = scanner.matcher();
        let mut found = Vec::new();
        move |id: &gix::oid, data: &[u8], delta: Option<&Delta>| {
            // Only a delta of a blob this scan reads can be scanned in windows.
            let delta = delta.filter(|d| windowed && blobs.binary_search(&d.base).is_ok());
            let entry = scan_blob(
                options,
                &mut matcher,
                data,
                tiers,
                delta,
                &mut found,
                outcome,
            );
            let mut entries = entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.insert(id.to_owned(), entry);
        }
    };
    let deltas = windowed && tiers.is_some();
    repo.read_blobs(blobs, deltas, options.threads, &make_visitor, warn);
}

/// Scans one blob, in windows when it comes with a delta (and a margin).
fn scan_blob(
    options: &Options,
    matcher: &mut Matcher<'_>,
    data: &[u8],
    tiers: Option<&Tiers>,
    delta: Option<&Delta>,
    found: &mut Vec<Finding>,
    outcome: OnOutcome<'_>,
) -> Entry {
    found.clear();
    let margin = tiers.map(|t| t.margin);
    // A binary blob is scanned whole, as its strings: never in windows of its raw bytes.
    let text = !strings_only(options, data);
    let plan = tiers
        .zip(delta.filter(|_| text))
        .and_then(|(tiers, delta)| {
            let windows = windows::plan(data, delta.base_len, &delta.copies, tiers.margin)?;
            // Most blobs hold no keyword of a long rule: checking costs far less than a scan.
            (!tiers.long_may_match(data)).then_some((tiers.margin, delta, windows))
        });
    let Some((margin, delta, plan)) = plan else {
        return match scan_one(options, matcher, data, None, found) {
            Some(o @ Outcome::Scanned { .. }) => {
                outcome(o);
                Entry::Scanned {
                    len: data.len(),
                    hits: hits(data, found, margin.unwrap_or(0)),
                    delta: None,
                }
            }
            Some(o) => {
                outcome(o);
                Entry::Skipped
            }
            None => Entry::Skipped,
        };
    };
    match admit(options, data) {
        Some(o @ Outcome::Scanned { .. }) => outcome(o),
        Some(o) => {
            outcome(o);
            return Entry::Skipped;
        }
        None => return Entry::Skipped,
    }
    let mut first_line = 1;
    let mut counted = 0;
    for w in &plan {
        first_line += memchr::memchr_iter(b'\n', &data[counted..w.data.start]).count();
        counted = w.data.start;
        let chunk = Chunk {
            data: &data[w.data.clone()],
            own: w.own.start - w.data.start..w.own.end - w.data.start,
            first_line,
            path: None,
            offset: w.data.start as u64,
            strings: None,
        };
        matcher.scan(&chunk, found);
    }
    // A region shorter than twice the margin cannot fit a copy: only longer ones can carry.
    let copies = delta
        .copies
        .iter()
        .filter(|c| c.len > 2 * margin)
        .copied()
        .collect();
    Entry::Scanned {
        len: data.len(),
        hits: hits(data, found, margin),
        delta: Some(Copied {
            base: delta.base,
            base_len: delta.base_len,
            copies,
        }),
    }
}

/// Whether a blob is scanned at all, as `keyscout dir` decides for a file: `None` when it is
/// over the size limit. A binary blob is scanned too, as its printable strings.
fn admit(options: &Options, data: &[u8]) -> Option<Outcome> {
    if options
        .max_file_size
        .is_some_and(|max| data.len() as u64 > max)
    {
        return None;
    }
    Some(Outcome::Scanned {
        bytes: data.len() as u64,
    })
}

/// Whether a blob is binary and scanned as its printable strings (without `--binary`).
fn strings_only(options: &Options, data: &[u8]) -> bool {
    !options.binary && is_binary(data)
}

/// Scans one blob whole, as `keyscout dir` scans a file: `None` when it is over the size
/// limit.
pub fn scan_one(
    options: &Options,
    matcher: &mut Matcher<'_>,
    data: &[u8],
    path: Option<&str>,
    out: &mut Vec<Finding>,
) -> Option<Outcome> {
    let outcome = admit(options, data)?;
    if let Outcome::Scanned { .. } = outcome {
        if strings_only(options, data) {
            strings::scan_whole(data, path, |chunk| matcher.scan(&chunk, out));
        } else {
            matcher.scan(&Chunk::whole(data, path), out);
        }
    }
    Some(outcome)
}

/// `found` (made on `data`) with where each lies.
fn hits(data: &[u8], found: &mut Vec<Finding>, margin: usize) -> Vec<Hit> {
    if found.is_empty() {
        return Vec::new();
    }
    let at: Vec<(usize, usize, usize, usize)> = found
        .iter()
        .map(|f| (f.line, f.column, f.end_line, f.end_column))
        .collect();
    let spans = windows::spans(data, &at);
    found
        .drain(..)
        .zip(spans)
        .map(|(finding, span)| {
            let (region, start, end) = windows::region(data, span.clone(), margin);
            Hit {
                finding,
                span,
                region,
                edges: (start, end),
                carried: false,
            }
        })
        .collect()
}

/// Every blob's hits: its own, plus those carried from its base (resolved base first).
fn resolve(mut entries: HashMap<ObjectId, Entry>, long: &[String]) -> HashMap<ObjectId, Vec<Hit>> {
    let mut done: HashMap<ObjectId, Vec<Hit>> = HashMap::new();
    let ids: Vec<ObjectId> = entries.keys().copied().collect();
    for id in ids {
        // The chain of bases still to resolve, this blob first.
        let mut chain = vec![id];
        while let Some(&top) = chain.last() {
            if done.contains_key(&top) {
                chain.pop();
                continue;
            }
            let base = match entries.get(&top) {
                Some(Entry::Scanned { delta: Some(d), .. }) => Some(d.base),
                _ => None,
            };
            match base {
                // A chain that comes back on itself (a damaged pack) stops here.
                Some(base) if !done.contains_key(&base) && !chain.contains(&base) => {
                    chain.push(base);
                }
                _ => {
                    let hits = match entries.remove(&top) {
                        Some(Entry::Scanned { len, hits, delta }) => {
                            let from = delta.as_ref().and_then(|d| {
                                let base_hits = done.get(&d.base)?;
                                Some(carry(base_hits, d, len, long))
                            });
                            merge(hits, from.unwrap_or_default())
                        }
                        _ => Vec::new(),
                    };
                    done.insert(top, hits);
                    chain.pop();
                }
            }
        }
    }
    done.retain(|_, hits| !hits.is_empty());
    done
}

/// The hits of a base that a blob made from it holds, at the blob's offsets. Long rules'
/// hits are not carried: a blob scanned in windows holds none of their keywords.
fn carry(base_hits: &[Hit], copied: &Copied, len: usize, long: &[String]) -> Vec<Hit> {
    let mut out = Vec::new();
    for hit in base_hits {
        if long.contains(&hit.finding.rule_id) {
            continue;
        }
        for shift in windows::carried(&hit.region, hit.edges, copied.base_len, len, &copied.copies)
        {
            let moved = |r: &Range<usize>| {
                r.start.saturating_add_signed(shift)..r.end.saturating_add_signed(shift)
            };
            out.push(Hit {
                finding: hit.finding.clone(),
                span: moved(&hit.span),
                region: moved(&hit.region),
                // A copy carries a region reaching an edge only to the same edge.
                edges: hit.edges,
                carried: true,
            });
        }
    }
    out
}

/// A blob's own hits and those carried in, each once, in span order.
fn merge(mut own: Vec<Hit>, carried: Vec<Hit>) -> Vec<Hit> {
    for hit in carried {
        let known = own.iter().any(|h| {
            h.span == hit.span
                && h.finding.rule_id == hit.finding.rule_id
                && h.finding.secret == hit.finding.secret
        });
        if !known {
            own.push(hit);
        }
    }
    own.sort_by(|a, b| (a.span.start, &a.finding.rule_id).cmp(&(b.span.start, &b.finding.rule_id)));
    own
}

/// Puts the line and columns of a carried hit right, from the bytes of its blob.
pub fn relocate(hit: &mut Hit, data: &[u8]) {
    let (line, column) = windows::line_column(data, hit.span.start);
    let (end_line, end_column) = windows::end_line_column(data, hit.span.clone());
    let f = &mut hit.finding;
    (f.line, f.column, f.end_line, f.end_column) = (line, column, end_line, end_column);
    hit.carried = false;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn built_in_rules_allow_delta_aware_scans_with_a_short_margin() {
        let set = crate::rules::load(&crate::rules::ConfigSource::Builtin).unwrap();
        let scanner = Scanner::new(Arc::new(set));
        let tiers = Tiers::new(&scanner).expect("every built-in rule has a bounded length");
        assert!(tiers.margin <= SHORT, "{}", tiers.margin);
        // The long rules all have keywords, which a blob must hold for them to match.
        assert!(!tiers.long.is_empty());
        let long = tiers.long_keywords.as_ref().unwrap();
        assert!(long.is_match(b"x = 'eyJhbGciOi'"));
        assert!(!long.is_match(b"fn main() { println!(\"hello\"); }"));
    }
}
