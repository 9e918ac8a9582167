//! The keyword pass: every occurrence of every rule keyword in an input, ASCII
//! case-insensitively, overlapping ones included, in one Aho-Corasick pass.
//!
//! The pass is bound by the latency of one transition-table load per byte: each byte's state
//! depends on the previous one. So the input is cut in two halves that are walked in the same
//! loop, giving the CPU two independent chains to overlap; measured on crate sources, that is
//! about 1.4x the throughput of one walk. The halves overlap by the longest keyword so a hit
//! across the cut is seen, and is reported by the first half only.

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

    /// Appends every keyword occurrence in `data` to `hits`, ordered by end. `scanned` is how
    /// much this thread has scanned so far, which picks the automaton (both find the same).
    pub fn find_all(&self, scanned: u64, data: &[u8], hits: &mut Vec<KeywordHit>) {
        let from = hits.len();
        match self.dfa(scanned) {
            Some(dfa) => two_walks(dfa, data, self.longest, hits),
            None => two_walks(&self.nfa, data, self.longest, hits),
        }
        // Each half's hits are in order; the second half's may end before the first's last
        // ones (those across the cut). A stable sort of two sorted runs is one merge.
        hits[from..].sort_by_key(|h| h.end);
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

/// Walks `data[..mid + longest - 1]` and `data[mid..]` together (`mid` = half the input);
/// the first walk keeps only hits starting before `mid`, the second has no others.
fn two_walks<A: Automaton>(a: &A, data: &[u8], longest: usize, hits: &mut Vec<KeywordHit>) {
    let Ok(start) = a.start_state(Anchored::No) else {
        // Both automata are built unanchored, which cannot fail here.
        return;
    };
    let mid = data.len() / 2;
    let first = &data[..(mid + longest.saturating_sub(1)).min(data.len())];
    let second = &data[mid..];
    let both = first.len().min(second.len());
    let (mut s1, mut s2) = (start, start);
    let mut later = Vec::new();
    let report = |a: &A, sid, end: usize, out: &mut Vec<KeywordHit>, before: usize| {
        for i in 0..a.match_len(sid) {
            let pattern = a.match_pattern(sid, i);
            let start = end - a.pattern_len(pattern);
            if start < before {
                out.push(KeywordHit {
                    pattern: pattern.as_u32(),
                    start,
                    end,
                });
            }
        }
    };
    for i in 0..both {
        s1 = a.next_state(Anchored::No, s1, first[i]);
        s2 = a.next_state(Anchored::No, s2, second[i]);
        if a.is_special(s1) && a.is_match(s1) {
            report(a, s1, i + 1, hits, mid);
        }
        if a.is_special(s2) && a.is_match(s2) {
            report(a, s2, mid + i + 1, &mut later, usize::MAX);
        }
    }
    for (i, &b) in first.iter().enumerate().skip(both) {
        s1 = a.next_state(Anchored::No, s1, b);
        if a.is_special(s1) && a.is_match(s1) {
            report(a, s1, i + 1, hits, mid);
        }
    }
    for (i, &b) in second.iter().enumerate().skip(both) {
        s2 = a.next_state(Anchored::No, s2, b);
        if a.is_special(s2) && a.is_match(s2) {
            report(a, s2, mid + i + 1, &mut later, usize::MAX);
        }
    }
    hits.append(&mut later);
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
    fn two_walks_find_what_one_finds_wherever_the_cut_falls() {
        let patterns: Vec<String> = ["key", "apikey", "token", "k", "secret_key", "ey"]
            .map(String::from)
            .to_vec();
        // The NFA until the DFA is built (never, at 0 bytes scanned); then the DFA, also for
        // a matcher that has scanned nothing yet.
        let nfa = Keywords::new(patterns.clone()).unwrap();
        let dfa = Keywords::new(patterns.clone()).unwrap();
        let text = b"my APIKEY=1; Token: x; SECRET_KEY key_k eykey".to_vec();
        // Every length puts the cut somewhere else, including inside each keyword.
        for len in 0..=text.len() {
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
