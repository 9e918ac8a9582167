//! The keyword automaton as one flat transition table, for long inputs.
//!
//! The keyword pass waits on one table load per byte. `aho-corasick`'s DFA spends a bounds
//! check and a separate test for special states on each; this table, built from the same
//! automaton, holds every transition at `state + class` of a power-of-two-sized slice (so the
//! index is masked, not checked) and numbers match states first (so one compare tells a
//! match). On real source it walks about 1.5x as fast.

use std::collections::HashMap;

use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous;

use super::keywords::Walk;

/// Tables larger than this are not built: the NFA serves instead.
const MAX_TABLE_BYTES: usize = 64 << 20;

/// A DFA over byte classes: states are premultiplied row offsets into `trans`.
#[derive(Debug)]
pub(super) struct KeywordDfa {
    /// Each byte's class: the bytes of the keywords (either case of a letter together), and
    /// one class for every other byte, which no keyword holds and which all act alike.
    classes: [u16; 256],
    /// Row `state` (a multiple of the stride) holds the next state for each class; the length
    /// is a power of two, so `trans[(state + class) & mask]` never leaves it.
    trans: Vec<u32>,
    mask: usize,
    start: u32,
    /// States below this are match states.
    matching: u32,
    shift: u32,
    /// Per match state (by row number), its range in `found`.
    spans: Vec<(u32, u32)>,
    /// The (keyword, length) pairs each match state reports, in the NFA's order.
    found: Vec<(u32, usize)>,
}

impl KeywordDfa {
    /// Determinizes `nfa` (unanchored, ASCII case-insensitive, built from `patterns`); `None`
    /// when the table would be too large.
    pub(super) fn new(nfa: &contiguous::NFA, patterns: &[String]) -> Option<KeywordDfa> {
        let (classes, reps) = byte_classes(patterns);
        let stride = reps.len().next_power_of_two();
        let shift = stride.trailing_zeros();
        let start = nfa.start_state(Anchored::No).ok()?;

        // Every reachable state, breadth first, with its transitions as NFA states.
        let mut index: HashMap<StateID, usize> = HashMap::from([(start, 0)]);
        let mut states = vec![start];
        let mut rows: Vec<StateID> = Vec::new();
        let mut at = 0;
        while let Some(&sid) = states.get(at) {
            at += 1;
            for &byte in &reps {
                let next = nfa.next_state(Anchored::No, sid, byte);
                index.entry(next).or_insert_with(|| {
                    states.push(next);
                    states.len() - 1
                });
                rows.push(next);
            }
            if states.len().checked_mul(stride)?.checked_mul(4)? > MAX_TABLE_BYTES {
                return None;
            }
        }

        // Match states first, each group in the order found.
        let mut order: Vec<usize> = (0..states.len()).collect();
        order.sort_by_key(|&i| !nfa.matched(states[i]));
        let mut row_of = vec![0u32; states.len()];
        for (row, &i) in order.iter().enumerate() {
            row_of[i] = u32::try_from(row).ok()?;
        }
        let premultiplied = |i: usize| row_of[i].checked_mul(stride as u32);

        let size = (states.len() * stride).next_power_of_two();
        let mut trans = vec![0u32; size];
        let mut spans = Vec::new();
        let mut found = Vec::new();
        for (row, &i) in order.iter().enumerate() {
            let sid = states[i];
            for (class, next) in rows[i * reps.len()..(i + 1) * reps.len()]
                .iter()
                .enumerate()
            {
                trans[row * stride + class] = premultiplied(*index.get(next)?)?;
            }
            if nfa.matched(sid) {
                let from = found.len() as u32;
                nfa.each_hit(sid, |pattern, len| found.push((pattern, len)));
                spans.push((from, found.len() as u32));
            }
        }
        Some(KeywordDfa {
            classes,
            trans,
            mask: size - 1,
            start: premultiplied(0)?,
            matching: u32::try_from(spans.len())
                .ok()?
                .checked_mul(stride as u32)?,
            shift,
            spans,
            found,
        })
    }
}

impl Walk for KeywordDfa {
    type State = u32;

    fn start(&self) -> Option<u32> {
        Some(self.start)
    }

    #[inline(always)]
    fn step(&self, state: u32, byte: u8) -> u32 {
        let at = state as usize + usize::from(self.classes[usize::from(byte)]);
        self.trans[at & self.mask]
    }

    #[inline(always)]
    fn matched(&self, state: u32) -> bool {
        state < self.matching
    }

    fn each_hit(&self, state: u32, mut f: impl FnMut(u32, usize)) {
        let (from, to) = self.spans[(state >> self.shift) as usize];
        for &(pattern, len) in &self.found[from as usize..to as usize] {
            f(pattern, len);
        }
    }
}

/// Each byte's class, and one representative byte per class: one class per byte the keywords
/// hold (matched ASCII case-insensitively, so both cases of a letter share one), and, if any
/// byte is left, class 0 for all the others, which send every state back to the start.
fn byte_classes(patterns: &[String]) -> ([u16; 256], Vec<u8>) {
    let mut used = [false; 256];
    for b in patterns.iter().flat_map(|p| p.bytes()) {
        used[usize::from(b.to_ascii_lowercase())] = true;
        used[usize::from(b.to_ascii_uppercase())] = true;
    }
    let mut classes = [0u16; 256];
    let mut reps = Vec::new();
    if let Some(other) = used.iter().position(|u| !u) {
        reps.push(other as u8);
    }
    for b in (0..=255u8).filter(|b| used[usize::from(*b)] && !b.is_ascii_uppercase()) {
        classes[usize::from(b)] = reps.len() as u16;
        reps.push(b);
    }
    for b in b'A'..=b'Z' {
        classes[usize::from(b)] = classes[usize::from(b.to_ascii_lowercase())];
    }
    (classes, reps)
}
