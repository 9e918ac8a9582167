//! The keyword pass: every occurrence of every rule keyword in an input, ASCII
//! case-insensitively, overlapping ones included, in one Aho-Corasick pass.
//!
//! The pass is bound by the latency of one transition-table load per byte: each byte's state
//! depends on the previous one. So the input is cut in up to four slices that are walked in the
//! same loop, giving the CPU independent chains to overlap. Each slice runs into the next by
//! the longest keyword but one, so a hit across a cut is seen, and is reported by the slice it
//! starts in only.

use std::sync::OnceLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous;
use aho_corasick::{Anchored, BuildError, MatchKind, StartKind, dfa};

/// Input scanned (by one thread) before the keyword DFA pays for its build time.
const DFA_AFTER_BYTES: u64 = 4 << 20;

/// Above this many keywords a full DFA costs more memory and build time than it saves.
const DFA_MAX_KEYWORDS: usize = 3000;

/// One occurrence of keyword `pattern` at `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeywordHit {
    pub pattern: u32,
    pub start: usize,
    pub end: usize,
}

/// The keyword automata: a contiguous NFA, built at load in a couple of milliseconds, serves
/// small scans (a pre-commit hook); a DFA, about twice as fast per byte but several times
/// slower to build, is built once a thread has scanned enough to repay it, and serves every
/// thread from then on.
#[derive(Debug)]
pub struct Keywords {
    patterns: Vec<String>,
    longest: usize,
    nfa: contiguous::NFA,
    dfa: OnceLock<Option<dfa::DFA>>,
}

impl Keywords {
    /// `patterns` are lowercase.
    pub(super) fn new(patterns: Vec<String>) -> Result<Keywords, BuildError> {
        let nfa = contiguous::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)?;
        Ok(Keywords {
            longest: patterns.iter().map(String::len).max().unwrap_or(0),
            patterns,
            nfa,
            dfa: OnceLock::new(),
        })
    }

    /// The keywords, by pattern index.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Appends every keyword occurrence in `data` to `hits`, ordered by end, then start, then
    /// keyword. `scanned` is how much this thread has scanned so far, which picks the
    /// automaton (both find the same).
    pub fn find_all(&self, scanned: u64, data: &[u8], hits: &mut Vec<KeywordHit>) {
        let from = hits.len();
        match self.dfa(scanned) {
            Some(dfa) => walk(dfa, data, self.longest, hits),
            None => walk(&self.nfa, data, self.longest, hits),
        }
        // Each slice's hits are in order (of those ending together, the automaton reports the
        // longest first); a later slice's may end before an earlier one's last ones (those
        // across the cut). A stable sort merges a few sorted runs in linear time.
        hits[from..].sort_by_key(|h| (h.end, h.start, h.pattern));
    }

    fn dfa(&self, scanned: u64) -> Option<&dfa::DFA> {
        // Once built, by any thread, it serves every input: a history scan's visitors each
        // start from nothing scanned.
        if let Some(built) = self.dfa.get() {
            return built.as_ref();
        }
        if scanned < DFA_AFTER_BYTES || self.patterns.len() > DFA_MAX_KEYWORDS {
            return None;
        }
        self.dfa
            .get_or_init(|| {
                dfa::Builder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .start_kind(StartKind::Unanchored)
                    .build(&self.patterns)
                    .ok()
            })
            .as_ref()
    }
}

/// Walks `data` in as many slices as pay for their overlaps: measured on C source, four
/// walks are 1.9x one walk's throughput from a few kilobytes on, two walks 1.4x from a hundred
/// bytes on.
fn walk<A: Automaton>(a: &A, data: &[u8], longest: usize, hits: &mut Vec<KeywordHit>) {
    match data.len() {
        0..128 => walks::<A, 1>(a, data, longest, hits),
        128..1024 => walks::<A, 2>(a, data, longest, hits),
        _ => walks::<A, 4>(a, data, longest, hits),
    }
}

/// Walks `data` as `N` slices together, slice `k` starting at `k * len / N` and running
/// `longest - 1` bytes into the next one; each walk keeps only the hits that start in its own
/// slice, so a hit across a cut is reported once.
fn walks<A: Automaton, const N: usize>(
    a: &A,
    data: &[u8],
    longest: usize,
    hits: &mut Vec<KeywordHit>,
) {
    let Ok(start) = a.start_state(Anchored::No) else {
        // Both automata are built unanchored, which cannot fail here.
        return;
    };
    let cut = |k: usize| data.len() * k / N;
    let slices: [&[u8]; N] = std::array::from_fn(|k| {
        &data[cut(k)..(cut(k + 1) + longest.saturating_sub(1)).min(data.len())]
    });
    let mut found: [Vec<KeywordHit>; N] = std::array::from_fn(|_| Vec::new());
    let report = |sid, k: usize, end: usize, out: &mut Vec<KeywordHit>| {
        for i in 0..a.match_len(sid) {
            let pattern = a.match_pattern(sid, i);
            let start = end - a.pattern_len(pattern);
            if k + 1 == N || start < cut(k + 1) {
                out.push(KeywordHit {
                    pattern: pattern.as_u32(),
                    start,
                    end,
                });
            }
        }
    };
    // All walks step together while every slice has bytes left (all but the last are the
    // same length, give or take one); then each finishes alone.
    let together = slices.iter().map(|s| s.len()).min().unwrap_or(0);
    let mut states = [start; N];
    // One index steps all N slices: no one slice's iterator can drive the loop.
    #[allow(clippy::needless_range_loop)]
    for i in 0..together {
        for k in 0..N {
            states[k] = a.next_state(Anchored::No, states[k], slices[k][i]);
            if a.is_special(states[k]) && a.is_match(states[k]) {
                report(states[k], k, cut(k) + i + 1, &mut found[k]);
            }
        }
    }
    for (k, state) in states.into_iter().enumerate() {
        let mut s = state;
        for (i, &b) in slices[k].iter().enumerate().skip(together) {
            s = a.next_state(Anchored::No, s, b);
            if a.is_special(s) && a.is_match(s) {
                report(s, k, cut(k) + i + 1, &mut found[k]);
            }
        }
    }
    for f in &mut found {
        hits.append(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;

    /// The crate's own overlapping search, ordered as `find_all` orders.
    fn reference(patterns: &[String], data: &[u8]) -> Vec<KeywordHit> {
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(patterns)
            .unwrap();
        let mut hits: Vec<KeywordHit> = ac
            .find_overlapping_iter(data)
            .map(|m| KeywordHit {
                pattern: m.pattern().as_u32(),
                start: m.start(),
                end: m.end(),
            })
            .collect();
        hits.sort_by_key(|h| h.end);
        hits
    }

    fn sorted(mut hits: Vec<KeywordHit>) -> Vec<KeywordHit> {
        hits.sort_by_key(|h| (h.end, h.pattern));
        hits
    }

    #[test]
    fn every_walk_count_finds_what_one_walk_finds_wherever_the_cuts_fall() {
        let patterns: Vec<String> = ["key", "apikey", "token", "k", "secret_key", "ey"]
            .map(String::from)
            .to_vec();
        let keywords = Keywords::new(patterns.clone()).unwrap();
        let dfa = Keywords::new(patterns.clone()).unwrap();
        let dfa = dfa.dfa(u64::MAX).unwrap();
        let text = b"my APIKEY=1; Token: x; SECRET_KEY key_k eykey".to_vec();
        // Every length puts the cuts somewhere else, including inside each keyword.
        for len in 0..=text.len() {
            let data = &text[..len];
            let want = sorted(reference(&patterns, data));
            let check = |got: Vec<KeywordHit>, walks: usize| {
                assert_eq!(sorted(got), want, "len {len}, {walks} walks");
            };
            for (run, n) in [
                (walks::<contiguous::NFA, 1> as fn(&_, &[u8], _, &mut _), 1),
                (walks::<contiguous::NFA, 2>, 2),
                (walks::<contiguous::NFA, 4>, 4),
            ] {
                let mut got = Vec::new();
                run(&keywords.nfa, data, keywords.longest, &mut got);
                check(got, n);
            }
            for (run, n) in [
                (walks::<dfa::DFA, 1> as fn(&_, &[u8], _, &mut _), 1),
                (walks::<dfa::DFA, 2>, 2),
                (walks::<dfa::DFA, 4>, 4),
            ] {
                let mut got = Vec::new();
                run(dfa, data, keywords.longest, &mut got);
                check(got, n);
            }
        }
    }

    #[test]
    fn find_all_orders_hits_by_end_at_every_size_and_with_either_automaton() {
        let patterns: Vec<String> = ["key", "apikey", "token", "secret_key", "ey"]
            .map(String::from)
            .to_vec();
        // The NFA until the DFA is built (never, at 0 bytes scanned); then the DFA, also for
        // a matcher that has scanned nothing yet.
        let nfa = Keywords::new(patterns.clone()).unwrap();
        let dfa = Keywords::new(patterns.clone()).unwrap();
        let line = b"my APIKEY=1; Token: x; SECRET_KEY key_k eykey\n";
        let text: Vec<u8> = line.iter().cycle().take(line.len() * 60).copied().collect();
        // Sizes that take one, two and four walks.
        for len in [50, 127, 128, 500, 1023, 1024, 1025, text.len()] {
            let data = &text[..len];
            let want = reference(&patterns, data);
            for (keywords, scanned) in [(&nfa, 0), (&dfa, u64::MAX), (&dfa, 0)] {
                let mut got = Vec::new();
                keywords.find_all(scanned, data, &mut got);
                assert!(got.windows(2).all(|w| w[0].end <= w[1].end), "unordered");
                assert_eq!(sorted(got), sorted(want.clone()), "len {len}");
            }
        }
        assert!(nfa.dfa.get().is_none());
        assert!(dfa.dfa.get().is_some_and(Option::is_some));
    }

    #[test]
    fn hits_are_appended() {
        let keywords = Keywords::new(vec!["ab".into()]).unwrap();
        let mut hits = vec![KeywordHit {
            pattern: 9,
            start: 100,
            end: 102,
        }];
        keywords.find_all(0, b"xxab", &mut hits);
        assert_eq!(hits.len(), 2);
        assert_eq!((hits[1].start, hits[1].end), (2, 4));
    }
}
