//! The keyword pass: every occurrence of every rule keyword in an input, ASCII
//! case-insensitively, overlapping ones included, in one Aho-Corasick pass.
//!
//! The pass is bound by the latency of one transition-table load per byte: each byte's state
//! depends on the previous one. So the input is cut in pieces that are walked four at a time
//! in the same loop, giving the CPU independent chains to overlap; a walk that ends takes the
//! next piece. Each piece runs into the next by the longest keyword but one, so a hit across a
//! cut is seen, and is reported by the piece it starts in only. Several stretches of one input
//! (the changes of a blob) are walked as pieces of one pass.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous;
use aho_corasick::{Anchored, BuildError, MatchKind};

use super::keyword_dfa::KeywordDfa;

/// Input scanned (by one thread) before the keyword DFA pays for its build time.
const DFA_AFTER_BYTES: u64 = 4 << 20;

/// One occurrence of keyword `pattern` at `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeywordHit {
    pub pattern: u32,
    pub start: usize,
    pub end: usize,
}

/// The keyword automata: a contiguous NFA, built at load in a couple of milliseconds, serves
/// small scans (a pre-commit hook); a DFA, several times as fast per byte but slower to
/// build, is built from it once a thread has scanned enough to repay it, and serves every
/// thread from then on.
#[derive(Debug)]
pub struct Keywords {
    patterns: Vec<String>,
    longest: usize,
    nfa: contiguous::NFA,
    dfa: OnceLock<Option<KeywordDfa>>,
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
        self.find_in(scanned, data, std::slice::from_ref(&(0..data.len())), hits);
    }

    /// As [`Keywords::find_all`], for the occurrences that lie whole in one of `ranges` of
    /// `data` (disjoint and ascending), at their places in `data`.
    pub fn find_in(
        &self,
        scanned: u64,
        data: &[u8],
        ranges: &[Range<usize>],
        hits: &mut Vec<KeywordHit>,
    ) {
        let from = hits.len();
        match self.dfa(scanned) {
            Some(dfa) => walk(dfa, data, ranges, self.longest, hits),
            None => walk(&self.nfa, data, ranges, self.longest, hits),
        }
        // Each piece's hits are in order (of those ending together, the automaton reports the
        // longest first), and the pieces walked together interleave them. A stable sort merges
        // sorted runs in linear time.
        hits[from..].sort_by_key(|h| (h.end, h.start, h.pattern));
    }

    fn dfa(&self, scanned: u64) -> Option<&KeywordDfa> {
        // Once built, by any thread, it serves every input: a history scan's visitors each
        // start from nothing scanned.
        if let Some(built) = self.dfa.get() {
            return built.as_ref();
        }
        if scanned < DFA_AFTER_BYTES {
            return None;
        }
        self.dfa
            .get_or_init(|| KeywordDfa::new(&self.nfa, &self.patterns))
            .as_ref()
    }
}

/// What a walk needs of an automaton: both step alike, and a match state reports (keyword,
/// length) pairs, longest first.
pub(super) trait Walk {
    type State: Copy;
    fn start(&self) -> Option<Self::State>;
    fn step(&self, state: Self::State, byte: u8) -> Self::State;
    fn matched(&self, state: Self::State) -> bool;
    fn each_hit(&self, state: Self::State, f: impl FnMut(u32, usize));
}

impl Walk for contiguous::NFA {
    type State = StateID;

    fn start(&self) -> Option<StateID> {
        // Built unanchored, which cannot fail here.
        self.start_state(Anchored::No).ok()
    }

    #[inline(always)]
    fn step(&self, state: StateID, byte: u8) -> StateID {
        self.next_state(Anchored::No, state, byte)
    }

    #[inline(always)]
    fn matched(&self, state: StateID) -> bool {
        self.is_special(state) && Automaton::is_match(self, state)
    }

    fn each_hit(&self, state: StateID, mut f: impl FnMut(u32, usize)) {
        for i in 0..self.match_len(state) {
            let pattern = self.match_pattern(state, i);
            f(pattern.as_u32(), self.pattern_len(pattern));
        }
    }
}

/// How many pieces are walked at once.
const LANES: usize = 4;

/// A range is cut in up to [`LANES`] pieces of at least this many bytes, so that the overlap
/// each piece reads twice (the longest keyword but one) stays small beside it. Small ranges
/// are one piece each, and walked beside other ranges' pieces.
const PIECE_MIN: usize = 256;

/// A stretch of the input one walk reads: `at..end`, reporting the hits that start before
/// `owns_to` (after it they are the next piece's).
struct Piece<S> {
    at: usize,
    end: usize,
    owns_to: usize,
    state: S,
}

/// Walks every range of `data` in pieces, [`LANES`] at a time while there are as many.
fn walk<A: Walk>(
    a: &A,
    data: &[u8],
    ranges: &[Range<usize>],
    longest: usize,
    hits: &mut Vec<KeywordHit>,
) {
    let Some(start) = a.start() else {
        return;
    };
    let overlap = longest.saturating_sub(1);
    let mut pieces = ranges.iter().flat_map(|r| {
        let n = (r.len() / PIECE_MIN).clamp(1, LANES);
        let cut = move |k: usize| r.start + r.len() * k / n;
        (0..n).map(move |k| Piece {
            at: cut(k),
            end: (cut(k + 1) + overlap).min(r.end),
            owns_to: cut(k + 1),
            state: start,
        })
    });
    let mut lanes: Vec<Piece<A::State>> = Vec::with_capacity(LANES);
    loop {
        while lanes.len() < LANES {
            match pieces.next() {
                Some(p) if p.at < p.end => lanes.push(p),
                Some(_) => {}
                None => break,
            }
        }
        match lanes.len() {
            0 => return,
            1 => advance::<A, 1>(a, data, &mut lanes, hits),
            2 | 3 => advance::<A, 2>(a, data, &mut lanes, hits),
            _ => advance::<A, LANES>(a, data, &mut lanes, hits),
        }
        lanes.retain(|p| p.at < p.end);
    }
}

/// Walks the first `N` of `lanes` together until the shortest ends.
fn advance<A: Walk, const N: usize>(
    a: &A,
    data: &[u8],
    lanes: &mut [Piece<A::State>],
    hits: &mut Vec<KeywordHit>,
) {
    let lanes = &mut lanes[..N];
    let steps = lanes.iter().map(|p| p.end - p.at).min().unwrap_or(0);
    let heads: [&[u8]; N] = std::array::from_fn(|k| &data[lanes[k].at..lanes[k].at + steps]);
    let mut states: [A::State; N] = std::array::from_fn(|k| lanes[k].state);
    let mut i = 0;
    while i < steps {
        i = step_until_match(a, &heads, &mut states, i);
        for (piece, &state) in lanes.iter().zip(&states) {
            if a.matched(state) {
                let end = piece.at + i;
                a.each_hit(state, |pattern, len| {
                    let start = end - len;
                    if start < piece.owns_to {
                        hits.push(KeywordHit {
                            pattern,
                            start,
                            end,
                        });
                    }
                });
            }
        }
    }
    for (piece, state) in lanes.iter_mut().zip(states) {
        piece.at += steps;
        piece.state = state;
    }
}

/// Steps every walk from byte `i` of its head (all as long) until one reaches a match state
/// or the heads end, and returns how many bytes of each were read. Its own function, with the
/// states copied in, so they stay in registers: the reports after it need memory.
#[inline(always)]
fn step_until_match<A: Walk, const N: usize>(
    a: &A,
    heads: &[&[u8]; N],
    states: &mut [A::State; N],
    mut i: usize,
) -> usize {
    let mut s = *states;
    let end = heads.first().map_or(0, |h| h.len());
    while i < end {
        let mut any = false;
        for k in 0..N {
            s[k] = a.step(s[k], heads[k][i]);
            any |= a.matched(s[k]);
        }
        i += 1;
        if any {
            break;
        }
    }
    *states = s;
    i
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
        hits.sort_by_key(|h| (h.end, h.start, h.pattern));
        hits
    }

    fn sorted(mut hits: Vec<KeywordHit>) -> Vec<KeywordHit> {
        hits.sort_by_key(|h| (h.end, h.pattern));
        hits
    }

    /// Both automata, as `find_in` runs them, on `ranges` of `data`.
    fn both(keywords: &Keywords, data: &[u8], ranges: &[Range<usize>]) -> [Vec<KeywordHit>; 2] {
        [0, u64::MAX].map(|scanned| {
            let mut hits = Vec::new();
            keywords.find_in(scanned, data, ranges, &mut hits);
            hits
        })
    }

    #[test]
    fn pieces_find_what_one_search_finds_wherever_the_cuts_fall() {
        let patterns: Vec<String> = ["key", "apikey", "token", "k", "secret_key", "ey"]
            .map(String::from)
            .to_vec();
        let keywords = Keywords::new(patterns.clone()).unwrap();
        let line = b"my APIKEY=1; Token: x; SECRET_KEY key_k eykey ";
        let text: Vec<u8> = line.iter().cycle().take(1200).copied().collect();
        // From one piece to four, with the cuts at every place of the line, inside each
        // keyword too.
        for len in (PIECE_MIN - 50)..text.len() {
            let data = &text[..len];
            let want = reference(&patterns, data);
            for got in both(&keywords, data, std::slice::from_ref(&(0..len))) {
                assert_eq!(got, want, "len {len}");
            }
        }
    }

    /// Bytes of every kind for the keywords below: one no keyword holds (`x`), letters in
    /// either case, and bytes past ASCII (`\u{e9}` is matched exactly, `\u{c9}` is not it).
    const ALPHABET: &[u8] = "aAbB-\u{e9}\u{c9}x".as_bytes();

    proptest::proptest! {
        #[test]
        fn ranges_find_the_occurrences_that_lie_whole_in_them(
            picks in proptest::collection::vec(0..ALPHABET.len(), 0..3000),
            gaps in proptest::collection::vec((0usize..200, 0usize..1500), 0..12),
        ) {
            let patterns: Vec<String> = ["ab", "ba", "abab", "b-a", "\u{e9}a", "aaaaaaab"]
                .map(String::from)
                .to_vec();
            let keywords = Keywords::new(patterns.clone()).unwrap();
            let data: Vec<u8> = picks.iter().map(|&i| ALPHABET[i]).collect();
            // Disjoint ascending ranges, some empty, some next to each other.
            let mut ranges = Vec::new();
            let mut at = 0;
            for (gap, len) in gaps {
                let start = (at + gap).min(data.len());
                let end = (start + len).min(data.len());
                ranges.push(start..end);
                at = end;
            }
            let mut want = Vec::new();
            for r in &ranges {
                for h in reference(&patterns, &data[r.clone()]) {
                    want.push(KeywordHit {
                        start: h.start + r.start,
                        end: h.end + r.start,
                        ..h
                    });
                }
            }
            want.sort_by_key(|h| (h.end, h.start, h.pattern));
            for got in both(&keywords, &data, &ranges) {
                proptest::prop_assert_eq!(got, want.clone());
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
