//! Scanning blobs: each once, in parallel, without a path. A blob a pack stores as a delta of
//! another wanted blob is scanned only in windows around what it does not copy from its base
//! ([`super::windows`]); the findings of its base that lie inside a copy are carried over
//! afterwards, once every blob is done. Windows are as wide as the longest match of the rules
//! that can match there: rules are put in [`Tiers`] by match length, and a tier's rules can
//! match in a window only if one of their keywords lies within that tier's reach. Where a
//! blob's keywords are is known from its base (the pack traversal hands a base over before
//! the blobs made from it): those a copy holds moved with it, plus the few found around what
//! changed. The same goes for every keyword occurrence while the base's are still held (the
//! `occurrences` module): neither the windows nor a delta scanned whole then search what it
//! copied.
//! A blob whose base was not scanned as text (binary, too large, unreadable, unwanted) is
//! scanned whole, and so is everything when a rule has no bounded match length or
//! [`Options::whole_blobs`] is set.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use aho_corasick::{AhoCorasick, MatchKind};
use gix::ObjectId;

use super::occurrences::{Occurrences, RECENT_OCCURRENCES, Recent, around, keep, merge_hits};
use super::{OnOutcome, Options, windows};
use crate::finding::{Chunk, Finding, head_of};
use crate::rules::KeywordHit;
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

/// Where the keywords of the upper tiers lie in a blob: (start, keyword), by start.
type Keywords = Arc<Vec<(usize, u32)>>;

/// What became of one blob.
enum Entry {
    /// Over the size limit, or binary: nothing found, nothing to carry.
    Skipped,
    Scanned {
        len: usize,
        hits: Vec<Hit>,
        /// Scanned in windows: what it copied from its base.
        delta: Option<Copied>,
        /// Whether it may hold findings once its base's are carried in (false only when it
        /// has none of its own and its base is known to have none).
        any: bool,
        /// Where the upper tiers' keywords lie in it (a text blob, with tiers).
        keywords: Option<Keywords>,
    },
}

/// The copies a windowed blob made from its base, long enough to hold a region (none kept
/// when the base is known to hold no finding).
struct Copied {
    base: ObjectId,
    base_len: usize,
    copies: Vec<Copy>,
}

/// The longest match of each tier but the last: a rule goes to the first tier its longest
/// match fits. Most rules fit the first (generic assignments and URLs, whose keywords are
/// everywhere, among them); a few tokens and connection strings the second; private key
/// blocks and JWTs (up to 16 KiB) the last. A window's width is a few times its margin, so
/// the windows around a change near which no keyword of a long rule lies have a short rule's
/// margin.
const TIER_BOUNDS: [usize; 2] = [512, 2048];

/// The rules of a set grouped by match length, for windowing delta blobs.
pub struct Tiers {
    /// Per tier, ascending: the longest match a rule of that tier or a lower one can make.
    pub margins: Vec<usize>,
    /// Each rule's tier, by id.
    tier_of: HashMap<String, usize>,
    /// The lowest tier a window may have: the highest holding a rule without keywords.
    floor: usize,
    /// The upper tiers' keywords alone, and each one's index in the scanner's keyword
    /// automaton (`None` when there are none): where a scanner without the prefilter reports
    /// no keyword, these are searched for.
    upper_keywords: Option<(AhoCorasick, Vec<u32>)>,
    /// Per keyword of the scanner's automaton: the tiers above the first listing it (bit `t`
    /// for tier `t`), and its length.
    keyword_tiers: Vec<u8>,
    keyword_len: Vec<usize>,
    /// The longest keyword of an upper tier.
    longest: usize,
    /// The longest keyword.
    longest_of_all: usize,
}

impl Tiers {
    /// `None` when some rule has no bounded match length, or has keywords that a match need
    /// not hold, or the upper tiers' keywords make no automaton (they are the scanner's
    /// own, so this does not happen): every blob is then scanned whole.
    pub fn new(scanner: &Scanner) -> Option<Tiers> {
        let set = scanner.rules();
        let tiers = TIER_BOUNDS.len() + 1;
        let mut longest_in = vec![0usize; tiers];
        let mut tier_of = HashMap::new();
        let mut floor = 0;
        let patterns = set
            .keywords
            .as_ref()
            .map(|k| k.patterns())
            .unwrap_or_default();
        let index: HashMap<&str, usize> = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i))
            .collect();
        let mut keyword_tiers = vec![0u8; patterns.len()];
        for rule in &set.rules {
            let Some(pattern) = &rule.regex else { continue };
            let (len, windowed) = pattern.window_shape();
            let len = len?;
            if !rule.keywords.is_empty() && !windowed {
                return None;
            }
            let tier = TIER_BOUNDS
                .iter()
                .position(|&bound| len <= bound)
                .unwrap_or(TIER_BOUNDS.len());
            longest_in[tier] = longest_in[tier].max(len);
            tier_of.insert(rule.id.clone(), tier);
            if rule.keywords.is_empty() {
                floor = floor.max(tier);
            } else if tier > 0 {
                for k in &rule.keywords {
                    // Every keyword is one of the automaton's: one that is not cannot be
                    // looked for, and nothing could be windowed.
                    keyword_tiers[*index.get(k.as_str())?] |= 1 << tier;
                }
            }
        }
        let mut margins = Vec::with_capacity(tiers);
        for len in longest_in {
            margins.push(len.max(margins.last().copied().unwrap_or(0)));
        }
        let keyword_len: Vec<usize> = patterns.iter().map(String::len).collect();
        let upper: Vec<u32> = (0..patterns.len() as u32)
            .filter(|&k| keyword_tiers[k as usize] != 0)
            .collect();
        let longest = upper
            .iter()
            .map(|&k| keyword_len[k as usize])
            .max()
            .unwrap_or(0);
        let longest_of_all = keyword_len.iter().copied().max().unwrap_or(0);
        let upper_keywords = if upper.is_empty() {
            None
        } else {
            let automaton = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(upper.iter().map(|&k| &patterns[k as usize]))
                .ok()?;
            Some((automaton, upper))
        };
        Some(Tiers {
            margins,
            tier_of,
            floor,
            upper_keywords,
            keyword_tiers,
            keyword_len,
            longest,
            longest_of_all,
        })
    }

    /// The margin of the region of `finding`: its rule's tier's, or for a decoded secret the
    /// first tier's (what decides it is the line of its encoded text).
    fn margin_of(&self, finding: &Finding) -> usize {
        let tier = if finding.decoded.is_empty() {
            self.tier_of.get(&finding.rule_id).copied().unwrap_or(0)
        } else {
            0
        };
        self.margins[tier.min(self.margins.len() - 1)]
    }

    /// The upper tiers' keywords among `hits` (found at `offset`), appended to `out`.
    fn upper(&self, hits: &[KeywordHit], offset: usize, out: &mut Vec<(usize, u32)>) {
        out.extend(
            hits.iter()
                .filter(|h| {
                    self.keyword_tiers
                        .get(h.pattern as usize)
                        .is_some_and(|t| *t != 0)
                })
                .map(|h| (offset + h.start, h.pattern)),
        );
    }

    /// Appends every occurrence of an upper tier's keyword in `data[range]` to `out`.
    fn find(&self, data: &[u8], range: Range<usize>, out: &mut Vec<(usize, u32)>) {
        let Some((automaton, ids)) = &self.upper_keywords else {
            return;
        };
        out.extend(
            automaton
                .find_overlapping_iter(&data[range.clone()])
                .map(|m| (range.start + m.start(), ids[m.pattern().as_usize()])),
        );
    }

    /// Where the upper tiers' keywords lie in a blob the scanner has just scanned whole, from
    /// what its prefilter found there; `None` without one.
    fn keywords_seen(&self, matcher: &Matcher<'_>) -> Option<Keywords> {
        let mut out = Vec::new();
        self.upper(matcher.keyword_hits()?, 0, &mut out);
        out.sort_unstable();
        Some(Arc::new(out))
    }

    /// Where the upper tiers' keywords lie in a whole blob.
    fn keywords_of(&self, data: &[u8]) -> Keywords {
        let mut out = Vec::new();
        self.find(data, 0..data.len(), &mut out);
        out.sort_unstable();
        Arc::new(out)
    }

    /// Those of a blob made by `copies` from a base where they lie at `base` that a copy
    /// holds whole, moved with it, by start. The others overlap a run (which no copy holds
    /// whole): the scan of the windows around the runs finds them.
    fn copied(&self, base: &[(usize, u32)], copies: &[Copy]) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        for c in copies {
            let from = base.partition_point(|&(s, _)| s < c.src);
            for &(s, k) in &base[from..] {
                if s >= c.src + c.len {
                    break;
                }
                if s + self.keyword_len[k as usize] <= c.src + c.len {
                    out.push((s - c.src + c.dst, k));
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// Appends those overlapping one of `runs` to `out`, found by a search of their own (for
    /// a scanner without the prefilter, whose windows find no keywords).
    fn in_runs(&self, data: &[u8], runs: &[Range<usize>], out: &mut Vec<(usize, u32)>) {
        for r in around(data.len(), runs, self.longest) {
            self.find(data, r, out);
        }
    }

    /// Every keyword occurrence in `data`, a blob made by `copies` from a base whose
    /// occurrences are `base`, in the order of [`Matcher::find_keywords`]: those a copy holds
    /// whole, moved with it, and those a search around `runs` finds (any other overlaps one).
    /// `None` without the prefilter.
    fn occurrences(
        &self,
        matcher: &mut Matcher<'_>,
        data: &[u8],
        base: &[(u32, u32)],
        copies: &[Copy],
        runs: &[Range<usize>],
    ) -> Option<Vec<KeywordHit>> {
        let end_of = |&(s, k): &(u32, u32)| s as usize + self.keyword_len[k as usize];
        // Copies are in blob order: so are the occurrences they hold.
        let mut copied = Vec::new();
        let mut at = 0;
        for c in copies {
            // Most copies take from just after the last one: look near it first.
            let before = |i: usize| base.get(i).is_some_and(|o| end_of(o) <= c.src);
            if at > 0 && !before(at - 1) {
                at = 0;
            }
            let mut step = 1;
            while before(at + step - 1) {
                at += step;
                step *= 2;
            }
            let from =
                at + base[at..(at + step).min(base.len())].partition_point(|o| end_of(o) <= c.src);
            at = from;
            for o in &base[from..] {
                let end = end_of(o);
                if end > c.src + c.len {
                    break;
                }
                if o.0 as usize >= c.src {
                    copied.push(KeywordHit {
                        pattern: o.1,
                        start: o.0 as usize - c.src + c.dst,
                        end: end - c.src + c.dst,
                    });
                }
            }
        }
        let mut searched = Vec::new();
        let stretches = around(data.len(), runs, self.longest_of_all);
        if !matcher.find_keywords_in(data, &stretches, &mut searched) {
            return None;
        }
        Some(merge_hits(copied, searched))
    }

    /// The margin the window around each of `runs` needs: that of the highest tier with a
    /// keyword within the window's reach for that tier, at least [`Tiers::floor`]'s.
    fn margins(&self, data: &[u8], runs: &[Range<usize>], keywords: &[(usize, u32)]) -> Vec<usize> {
        let mut out = vec![self.floor; runs.len()];
        for tier in self.floor + 1..self.margins.len() {
            let listed = |k: u32| self.keyword_tiers[k as usize] & (1 << tier) != 0;
            if !keywords.iter().any(|&(_, k)| listed(k)) {
                continue;
            }
            for (run, t) in runs.iter().zip(&mut out) {
                let reach = windows::reach(data, run.clone(), self.margins[tier]);
                let from = keywords.partition_point(|&(s, _)| s < reach.start);
                if keywords[from..]
                    .iter()
                    .take_while(|&&(s, _)| s < reach.end)
                    .any(|&(_, k)| listed(k))
                {
                    *t = tier;
                }
            }
        }
        out.into_iter().map(|t| self.margins[t]).collect()
    }
}

/// What a blob's base left for it: where its keywords lie, and whether it may hold findings.
#[derive(Clone)]
struct FromBase {
    keywords: Option<Keywords>,
    any: bool,
    /// Every keyword occurrence, while [`Recent`] holds them.
    occurrences: Option<Occurrences>,
}

/// Scans `blobs` (sorted, distinct), deltas in windows with `tiers` ([`Tiers::new`]); the
/// hits of each blob that has some, at its own offsets.
pub fn scan(
    repo: &Repo,
    scanner: &Scanner,
    options: &Options,
    blobs: &[ObjectId],
    tiers: Option<&Tiers>,
    outcome: OnOutcome<'_>,
    warn: OnWarning<'_>,
) -> HashMap<ObjectId, Vec<Hit>> {
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
    resolve(entries)
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
    let recent = &Mutex::new(Recent::new(RECENT_OCCURRENCES));
    let make_visitor = || {
        let mut matcher = scanner.matcher();
        let mut found = Vec::new();
        move |id: &gix::oid, data: &[u8], delta: Option<&Delta>| {
            // The base of a delta is a blob this scan reads (`read_blobs`).
            let delta = delta.filter(|_| windowed);
            // The traversal hands a base over before the blobs made from it.
            let from_base = delta.and_then(|d| {
                let entries = entries.lock().unwrap_or_else(|e| e.into_inner());
                let Some(Entry::Scanned { keywords, any, .. }) = entries.get(&d.base) else {
                    return None;
                };
                let recent = recent.lock().unwrap_or_else(|e| e.into_inner());
                Some(FromBase {
                    keywords: keywords.clone(),
                    any: *any,
                    occurrences: recent.get(&d.base),
                })
            });
            let blob = Blob {
                data,
                delta,
                from_base,
            };
            let (entry, occurrences) =
                scan_blob(options, &mut matcher, blob, tiers, &mut found, outcome);
            entries
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id.to_owned(), entry);
            if let Some(occurrences) = occurrences {
                let mut recent = recent.lock().unwrap_or_else(|e| e.into_inner());
                recent.put(id.to_owned(), occurrences);
            }
        }
    };
    let deltas = windowed && tiers.is_some();
    repo.read_blobs(blobs, deltas, options.threads, &make_visitor, warn);
}

/// One blob to scan, with how it was made from its base when it was.
struct Blob<'a> {
    data: &'a [u8],
    delta: Option<&'a Delta>,
    /// What its base left, when the base was scanned first.
    from_base: Option<FromBase>,
}

/// Scans one blob, in windows when it comes with a delta (and tiers); with every keyword
/// occurrence in it when they are known (a text blob scanned whole, or made from a base whose
/// occurrences were).
fn scan_blob(
    options: &Options,
    matcher: &mut Matcher<'_>,
    blob: Blob<'_>,
    tiers: Option<&Tiers>,
    found: &mut Vec<Finding>,
    outcome: OnOutcome<'_>,
) -> (Entry, Option<Occurrences>) {
    found.clear();
    let data = blob.data;
    let Some(admitted) = admit(options, data) else {
        return (Entry::Skipped, None);
    };
    // A binary blob is scanned whole, as its strings: never in windows of its raw bytes.
    let text = !strings_only(options, data);
    let Some(tiers) = tiers.filter(|_| text) else {
        return (
            scan_whole(options, matcher, data, None, None, found, outcome),
            None,
        );
    };
    let delta = blob
        .delta
        .map(|d| (d, windows::runs(data.len(), d.base_len, &d.copies)));
    // Where its keywords are, from its base's: no keyword pass over what it copies.
    let known = delta.as_ref().and_then(|(d, runs)| {
        let base = blob.from_base.as_ref()?.occurrences.as_ref()?;
        tiers.occurrences(matcher, data, base, &d.copies, runs)
    });
    let kept = known.as_ref().and_then(|k| keep(data.len(), k));
    // Windows that would cover most of the blob even at the smallest margin: scan it whole.
    let delta = delta.filter(|(_, runs)| !windows::surely_most(data.len(), runs, tiers.margins[0]));
    let inherited = blob.from_base.as_ref().and_then(|b| b.keywords.as_ref());
    let windowed = delta.zip(inherited).and_then(|((delta, runs), base)| {
        let copied = tiers.copied(base, &delta.copies);
        scan_windows(matcher, data, &runs, copied, tiers, known.as_deref(), found)
            .map(|k| (delta, k))
    });
    let Some((delta, keywords)) = windowed else {
        let entry = scan_whole(
            options,
            matcher,
            data,
            Some(tiers),
            known.as_deref(),
            found,
            outcome,
        );
        // Read from the scan.
        let keywords = tiers
            .keywords_seen(matcher)
            .unwrap_or_else(|| tiers.keywords_of(data));
        let kept = kept.or_else(|| keep(data.len(), matcher.keyword_hits()?));
        return (entry.with_keywords(keywords), kept);
    };
    outcome(admitted);
    let hits = hits(data, found, |f| tiers.margin_of(f));
    // Nothing to carry from a base known to hold no finding.
    let base_any = blob.from_base.as_ref().is_none_or(|b| b.any);
    // A region is longer than twice the smallest margin: only longer copies can carry one.
    let copies = if base_any {
        let shortest = tiers.margins[0];
        delta
            .copies
            .iter()
            .filter(|c| c.len > 2 * shortest)
            .copied()
            .collect()
    } else {
        Vec::new()
    };
    let entry = Entry::Scanned {
        len: data.len(),
        any: base_any || !hits.is_empty(),
        hits,
        delta: Some(Copied {
            base: delta.base,
            base_len: delta.base_len,
            copies,
        }),
        keywords: Some(keywords),
    };
    (entry, kept)
}

/// Scans a blob made from its base in windows around `runs`, each as wide as the upper tiers'
/// keywords near it require, into `found`; `None` when the windows would cover most of it.
/// Returns where the upper tiers' keywords lie in it: `copied` (those its copies hold whole)
/// and those the scan met.
///
/// The windows are planned from `copied` alone, and a keyword in a run (rare: `eyJ`,
/// `BEGIN ... PRIVATE KEY`) that asks for a wider one is found by the scan itself, which is then
/// made again with the wider windows. This spares a keyword search of every run of its own.
/// With `known` (every keyword occurrence in the blob, in order) the windows make no keyword
/// pass.
fn scan_windows(
    matcher: &mut Matcher<'_>,
    data: &[u8],
    runs: &[Range<usize>],
    copied: Vec<(usize, u32)>,
    tiers: &Tiers,
    known: Option<&[KeywordHit]>,
    found: &mut Vec<Finding>,
) -> Option<Keywords> {
    let mut margins = tiers.margins(data, runs, &copied);
    let head = head_of(data);
    let mut in_window = Vec::new();
    loop {
        found.clear();
        let plan = windows::plan_runs(data, runs, &margins)?;
        let mut keywords = copied.clone();
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
                head,
            };
            match known {
                Some(known) => {
                    // Those whole in the window, at its offsets.
                    let from = known.partition_point(|h| h.end <= w.data.start);
                    in_window.clear();
                    in_window.extend(
                        known[from..]
                            .iter()
                            .take_while(|h| h.end <= w.data.end)
                            .filter(|h| h.start >= w.data.start)
                            .map(|h| KeywordHit {
                                start: h.start - w.data.start,
                                end: h.end - w.data.start,
                                ..*h
                            }),
                    );
                    matcher.scan_with_hits(&chunk, &in_window, found);
                }
                None => matcher.scan(&chunk, found),
            }
            // A window holds its runs and the longest keyword's length around them.
            if let Some(hits) = matcher.keyword_hits() {
                tiers.upper(hits, w.data.start, &mut keywords);
            }
        }
        if matcher.keyword_hits().is_none() {
            tiers.in_runs(data, runs, &mut keywords);
        }
        keywords.sort_unstable();
        keywords.dedup();
        // The second plan's windows meet the same keywords (any other lies in a copy): at most
        // one more round. (Margins only grow, up to the last tier's, so this ends regardless.)
        let wanted = tiers.margins(data, runs, &keywords);
        if wanted == margins {
            return Some(Arc::new(keywords));
        }
        margins = wanted;
    }
}

/// Scans one blob whole (as its strings when binary); a text blob with its keyword
/// occurrences when they are `known` (in order).
fn scan_whole(
    options: &Options,
    matcher: &mut Matcher<'_>,
    data: &[u8],
    tiers: Option<&Tiers>,
    known: Option<&[KeywordHit]>,
    found: &mut Vec<Finding>,
    outcome: OnOutcome<'_>,
) -> Entry {
    let scanned = match known {
        Some(hits) => admit(options, data).inspect(|_| {
            matcher.scan_with_hits(&Chunk::whole(data, None), hits, found);
        }),
        None => scan_one(options, matcher, data, None, found),
    };
    match scanned {
        Some(o @ Outcome::Scanned { .. }) => {
            outcome(o);
            let hits = hits(data, found, |f| tiers.map_or(0, |t| t.margin_of(f)));
            Entry::Scanned {
                len: data.len(),
                any: !hits.is_empty(),
                hits,
                delta: None,
                keywords: None,
            }
        }
        Some(o) => {
            outcome(o);
            Entry::Skipped
        }
        None => Entry::Skipped,
    }
}

impl Entry {
    /// Records where the upper tiers' keywords lie in a blob scanned as text.
    fn with_keywords(mut self, found: Keywords) -> Entry {
        if let Entry::Scanned { keywords, .. } = &mut self {
            *keywords = Some(found);
        }
        self
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

/// `found` (made on `data`) with where each lies, each region as wide as `margin` says.
fn hits(data: &[u8], found: &mut Vec<Finding>, margin: impl Fn(&Finding) -> usize) -> Vec<Hit> {
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
            let (region, start, end) = windows::region(data, span.clone(), margin(&finding));
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
fn resolve(mut entries: HashMap<ObjectId, Entry>) -> HashMap<ObjectId, Vec<Hit>> {
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
                        Some(Entry::Scanned {
                            len, hits, delta, ..
                        }) => {
                            let from = delta.as_ref().and_then(|d| {
                                let base_hits = done.get(&d.base)?;
                                Some(carry(base_hits, d, len))
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

/// The hits of a base that a blob made from it holds, at the blob's offsets: those whose
/// region one copy holds whole.
fn carry(base_hits: &[Hit], copied: &Copied, len: usize) -> Vec<Hit> {
    let mut out = Vec::new();
    for hit in base_hits {
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
    fn built_in_rules_allow_delta_aware_scans_in_tiers() {
        let set = crate::rules::load(&crate::rules::ConfigSource::Builtin).unwrap();
        let scanner = Scanner::new(Arc::new(set));
        let tiers = Tiers::new(&scanner).expect("every built-in rule has a bounded length");
        assert_eq!(tiers.margins.len(), TIER_BOUNDS.len() + 1);
        assert!(tiers.margins[0] <= TIER_BOUNDS[0], "{:?}", tiers.margins);
        assert!(tiers.margins.windows(2).all(|m| m[0] <= m[1]));
        // Every built-in rule has keywords: no tier is always in force.
        assert_eq!(tiers.floor, 0);
        assert!(
            tiers.margins[2] > 8192,
            "private key blocks: {:?}",
            tiers.margins
        );
        // A word common in code that summons a wide window costs every history scan: `auth`
        // (in `author`) once did, over nearly every change of tokio's history.
        let keywords = scanner.rules().keywords.as_ref();
        let patterns = keywords.map(|k| k.patterns()).unwrap_or_default();
        for word in [
            "auth", "key", "token", "secret", "password", "pwd", "kty", "jf", "curl",
        ] {
            let wide =
                (patterns.iter().zip(&tiers.keyword_tiers)).any(|(p, t)| p == word && *t != 0);
            assert!(
                !wide,
                "`{word}` is a keyword of a rule longer than {}",
                TIER_BOUNDS[0]
            );
        }
        assert_eq!(tiers.keywords_of(b"x = 'eyJhbGciOi'").len(), 1);
        assert!(
            tiers
                .keywords_of(b"fn main() { println!(\"hello\"); }")
                .is_empty()
        );
    }

    /// An insert, then a copy of a range of the base.
    type Piece<'a> = (&'a [u8], Option<Range<usize>>);

    /// `base` with `pieces` put together: the blob and its copies.
    fn made_of(base: &[u8], pieces: &[Piece<'_>]) -> (Vec<u8>, Vec<Copy>) {
        let mut data = Vec::new();
        let mut copies = Vec::new();
        for (insert, copy) in pieces {
            data.extend_from_slice(insert);
            if let Some(r) = copy {
                copies.push(Copy {
                    src: r.start,
                    dst: data.len(),
                    len: r.len(),
                });
                data.extend_from_slice(&base[r.clone()]);
            }
        }
        (data, copies)
    }

    #[test]
    fn keywords_of_a_windowed_scan_are_those_of_a_search_of_the_whole_blob() {
        let set = Arc::new(crate::rules::load(&crate::rules::ConfigSource::Builtin).unwrap());
        let fast = Scanner::new(set.clone());
        let slow = Scanner::new(set).without_prefilter();
        let tiers = Tiers::new(&fast).unwrap();
        // Long copies of filler around the changes keep the windows, 7 and 4 margins of the
        // last tier before and after, from covering the blob.
        let filler = b"0123456789012345678901234567890123456789\n".repeat(15_000);
        let core = b"aaaa eyJhbG bbbb Bearer cccc -----BEGIN RSA PRIVATE KEY----- dddd";
        let base = [&filler[..], core, &filler[..]].concat();
        let at = filler.len();
        // Copies of the core's pieces in another order, with inserts that hold keywords and a
        // seam that makes one ("bea" inserted before a copy starting "rer").
        // And a secret assigned, written in pieces so that this file holds none.
        let assigned = format!(
            "xx eyJ \n{}_key = \"{}{}\"\n",
            "api", "Xq9vLm2pKX", "pbeSdCoaKSm7Tz"
        );
        let pieces: [(&[u8], Option<Range<usize>>); 6] = [
            (b"", Some(0..at)),
            (b"", Some(at + 17..at + 30)),
            (assigned.as_bytes(), None),
            (b"", Some(at..at + 12)),
            (b"bea", None),
            (b"sl.u.", Some(at + 20..base.len())),
        ];
        let (data, copies) = made_of(&base, &pieces);
        let runs = windows::runs(data.len(), base.len(), &copies);
        let whole = tiers.keywords_of(&data);
        assert!(whole.len() >= 4, "{whole:?}");
        // With the prefilter the windows' scan finds those in the runs; without, a search.
        for scanner in [&fast, &slow] {
            let mut matcher = scanner.matcher();
            let mut found = Vec::new();
            let copied = tiers.copied(&tiers.keywords_of(&base), &copies);
            let keywords = scan_windows(
                &mut matcher,
                &data,
                &runs,
                copied.clone(),
                &tiers,
                None,
                &mut found,
            );
            assert_eq!(keywords, Some(whole.clone()));
            // Told every keyword occurrence, the windows find the same without looking.
            let mut all = Vec::new();
            if matcher.find_keywords(&data, &mut all) {
                let mut told = Vec::new();
                let again = scan_windows(
                    &mut matcher,
                    &data,
                    &runs,
                    copied,
                    &tiers,
                    Some(&all),
                    &mut told,
                );
                assert_eq!(again, keywords);
                assert_eq!(told, found);
                assert_eq!(found.len(), 1, "{found:?}");
            }
        }
    }

    #[test]
    fn keywords_from_a_base_and_around_the_runs_are_those_of_a_search_of_the_whole_blob() {
        let set = Arc::new(crate::rules::load(&crate::rules::ConfigSource::Builtin).unwrap());
        let scanner = Scanner::new(set.clone());
        let tiers = Tiers::new(&scanner).unwrap();
        let mut matcher = scanner.matcher();
        let search = |matcher: &mut Matcher<'_>, data: &[u8]| {
            let mut hits = Vec::new();
            assert!(matcher.find_keywords(data, &mut hits));
            hits
        };
        // Keywords that overlap and nest (`key`, `api_key`, `secret_key`), the longest, and
        // text between, so that copies and seams cut through them anywhere.
        let patterns = set.keywords.as_ref().unwrap().patterns();
        let longest = patterns.iter().max_by_key(|p| p.len()).unwrap();
        let words: [&[u8]; 9] = [
            b"api_key",
            b"secret_key=",
            b" x ",
            b"token",
            b"Bearer ",
            b"eyJhbGciOi",
            b"\n",
            longest.as_bytes(),
            b"password",
        ];
        let mut x = 11u64;
        let mut next = |n: usize| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as usize % n
        };
        for round in 0..300 {
            let base: Vec<u8> = (0..40)
                .flat_map(|_| words[next(words.len())].to_vec())
                .collect();
            let mut pieces: Vec<(Vec<u8>, Option<Range<usize>>)> = Vec::new();
            for _ in 0..1 + next(6) {
                let insert = match next(3) {
                    0 => Vec::new(),
                    1 => words[next(words.len())].to_vec(),
                    _ => base[..next(8)].to_vec(),
                };
                let start = next(base.len());
                let copy = (next(4) > 0).then(|| start..start + next(base.len() - start) + 1);
                pieces.push((insert, copy));
            }
            let pieces: Vec<(&[u8], Option<Range<usize>>)> =
                pieces.iter().map(|(i, c)| (&i[..], c.clone())).collect();
            let (data, copies) = made_of(&base, &pieces);
            let runs = windows::runs(data.len(), base.len(), &copies);
            let from_base = keep(base.len(), &search(&mut matcher, &base)).unwrap();
            let known = tiers.occurrences(&mut matcher, &data, &from_base, &copies, &runs);
            assert_eq!(
                known,
                Some(search(&mut matcher, &data)),
                "round {round}: {:?}",
                String::from_utf8_lossy(&data)
            );
        }
        // The longest keyword with only its last byte, or only its first, in a run.
        let n = longest.len();
        let base = [b"xx", longest.as_bytes(), b"yy"].concat();
        let cases: [&[Piece<'_>]; 2] = [
            &[(b"", Some(0..n + 1)), (&longest.as_bytes()[n - 1..], None)],
            &[(&longest.as_bytes()[..1], Some(3..n + 4))],
        ];
        for pieces in cases {
            let (data, copies) = made_of(&base, pieces);
            let runs = windows::runs(data.len(), base.len(), &copies);
            let from_base = keep(base.len(), &search(&mut matcher, &base)).unwrap();
            let known = tiers.occurrences(&mut matcher, &data, &from_base, &copies, &runs);
            let want = search(&mut matcher, &data);
            assert!(want.iter().any(|h| h.end - h.start == n));
            assert_eq!(known, Some(want));
        }
        // Without the prefilter no keyword is searched for.
        let slow = Scanner::new(set).without_prefilter();
        let (data, copies) = made_of(b"api_key", &[(b"token", Some(0..7))]);
        let runs = windows::runs(data.len(), 7, &copies);
        assert_eq!(
            tiers.occurrences(&mut slow.matcher(), &data, &[], &copies, &runs),
            None
        );
    }

    #[test]
    fn a_keyword_met_in_a_run_rescans_with_the_windows_it_asks_for() {
        let set = Arc::new(crate::rules::load(&crate::rules::ConfigSource::Builtin).unwrap());
        let scanner = Scanner::new(set);
        let tiers = Tiers::new(&scanner).unwrap();
        // A private key's body and footer, 3.9 KB, without its header, amid code.
        let mut body = String::new();
        let mut state = 7u32;
        for _ in 0..60 {
            for _ in 0..64 {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                body.push(
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                        [(state >> 26) as usize] as char,
                );
            }
            body.push('\n');
        }
        let code = "let x = 1;\n".repeat(50_000);
        let base = format!("{code}{body}-----END RSA PRIVATE KEY-----\n{code}").into_bytes();
        // The change inserts the header: the key now reaches 3.9 KB past it, further than a
        // window of the first tier's margin (4 margins after its run), and nothing in the
        // base asked for more.
        let at = code.len();
        let header: &[u8] = b"-----BEGIN RSA PRIVATE KEY-----\n";
        let pieces = [(&b""[..], Some(0..at)), (header, Some(at..base.len()))];
        let (data, copies) = made_of(&base, &pieces);
        let runs = windows::runs(data.len(), base.len(), &copies);
        let scan = |copied: Vec<(usize, u32)>| {
            let mut found = Vec::new();
            let keywords = scan_windows(
                &mut scanner.matcher(),
                &data,
                &runs,
                copied,
                &tiers,
                None,
                &mut found,
            );
            (keywords, found)
        };
        let copied = tiers.copied(&tiers.keywords_of(&base), &copies);
        assert!(copied.is_empty());
        // Planned from the copies (then again, wider), or right the first time.
        let (keywords, found) = scan(copied);
        let (known, planned) = scan(tiers.keywords_of(&data).to_vec());
        assert_eq!(keywords, Some(tiers.keywords_of(&data)));
        assert_eq!(keywords, known);
        assert_eq!(found, planned);
        assert!(
            found.iter().any(|f| f.rule_id == "private-key-rsa"),
            "{found:?}"
        );
    }

    #[test]
    fn keywords_read_from_a_whole_scan_are_those_of_a_search() {
        let set = Arc::new(crate::rules::load(&crate::rules::ConfigSource::Builtin).unwrap());
        let scanner = Scanner::new(set.clone());
        let tiers = Tiers::new(&scanner).unwrap();
        let mut matcher = scanner.matcher();
        let data = b"auth = 'x'\nBearer eyJhbGciOiJIUzI1NiJ9 and a PASSWORD in a url://u:p@h\n\
            echo ZXlKaGJHY2lPaUpJVXpJMU5pSjku | base64 -d # sl.u. jf config {\"kty\": \"EC\"}\n";
        let mut found = Vec::new();
        let options = Options::default();
        scan_one(&options, &mut matcher, data, None, &mut found).unwrap();
        let seen = tiers.keywords_seen(&matcher).unwrap();
        assert_eq!(seen, tiers.keywords_of(data));
        assert!(seen.len() >= 5, "{seen:?}");
        // Without the prefilter the scan looks for no keyword: they are searched for.
        let slow = Scanner::new(set).without_prefilter();
        let mut matcher = slow.matcher();
        scan_one(&options, &mut matcher, data, None, &mut found).unwrap();
        assert!(tiers.keywords_seen(&matcher).is_none());
    }

    #[test]
    fn a_keyword_of_a_long_rule_near_a_change_widens_the_windows_there() {
        let set = crate::rules::load(&crate::rules::ConfigSource::Builtin).unwrap();
        let scanner = Scanner::new(Arc::new(set));
        let tiers = Tiers::new(&scanner).unwrap();
        let (short, long) = (tiers.margins[0], tiers.margins[2]);
        let line = b"0123456789012345678901234567890123456789\n";
        let mut data: Vec<u8> = line.repeat(25_000);
        let runs = vec![80_000..80_010, 900_000..900_010];
        let margins = |data: &[u8]| tiers.margins(data, &runs, &tiers.keywords_of(data));
        assert_eq!(margins(&data), vec![short, short]);
        // A private key header 20 KB after the first change: within the last tier's reach
        // of that change only.
        data[100_000..100_021].copy_from_slice(b"BEGIN RSA PRIVATE KEY");
        assert_eq!(margins(&data), vec![long, short]);
        // The windows of both, and a whole scan when they would cover most of the blob.
        let plan = windows::plan_runs(&data, &runs, &margins(&data)).unwrap();
        assert_eq!(plan.len(), 2);
        assert!(plan[0].data.end > 100_021, "{plan:?}");
        // About 7 margins before the change and 4 after, plus a few lines.
        assert!(plan[1].data.len() < 12 * short + 400, "{plan:?}");
        assert!(windows::plan_runs(&data[..120_000], &runs[..1], &[long]).is_none());
    }
}
