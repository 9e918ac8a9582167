//! Where keywords lie in the blobs of a history scan, kept for the blobs made from them: a
//! blob stored as a delta takes its base's occurrences that a copy holds whole, and searches
//! only around what changed ([`super::blobs`]). Bounded: [`Recent`] keeps the last ones.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;
use std::sync::Arc;

use gix::ObjectId;

use crate::rules::KeywordHit;

/// Every keyword occurrence in a text blob, (start, keyword), in the order of
/// [`Matcher::find_keywords`](crate::scan::Matcher::find_keywords): a blob made from it needs
/// no keyword pass over what it copies.
pub type Occurrences = Arc<Vec<(u32, u32)>>;

/// Keyword occurrences [`Recent`] holds at most (8 bytes each): on redis's and nginx's
/// histories, enough for all blobs stored as deltas but one to find their base's.
pub const RECENT_OCCURRENCES: usize = 1 << 19;

/// The keyword occurrences of the blobs scanned last, for the blobs made from them: the
/// traversal hands a base over shortly before them. A blob whose base's are gone makes its
/// own keyword pass.
pub struct Recent {
    by_id: HashMap<ObjectId, Occurrences>,
    order: VecDeque<ObjectId>,
    held: usize,
    limit: usize,
}

impl Recent {
    pub fn new(limit: usize) -> Recent {
        Recent {
            by_id: HashMap::new(),
            order: VecDeque::new(),
            held: 0,
            limit,
        }
    }

    /// The occurrences of blob `id`, while held.
    pub fn get(&self, id: &ObjectId) -> Option<Occurrences> {
        self.by_id.get(id).cloned()
    }

    pub fn put(&mut self, id: ObjectId, occurrences: Occurrences) {
        self.held += occurrences.len();
        match self.by_id.insert(id, occurrences) {
            Some(old) => self.held -= old.len(),
            None => self.order.push_back(id),
        }
        while self.held > self.limit {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(old) = self.by_id.remove(&oldest) {
                self.held -= old.len();
            }
        }
    }
}

/// `runs` (ascending) each widened by a keyword's length but one on both sides, within a blob
/// of `len` bytes, merged where they meet: a keyword occurrence overlapping a run lies whole
/// in one of them.
pub fn around(len: usize, runs: &[Range<usize>], longest: usize) -> Vec<Range<usize>> {
    let reach = longest.saturating_sub(1);
    let mut out: Vec<Range<usize>> = Vec::new();
    for run in runs {
        let r = run.start.saturating_sub(reach)..(run.end + reach).min(len);
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Two lists of keyword hits in the order of
/// [`Matcher::find_keywords`](crate::scan::Matcher::find_keywords) as one, each hit once (a
/// copy that holds a keyword near a run has it found both ways).
pub fn merge_hits(a: Vec<KeywordHit>, b: Vec<KeywordHit>) -> Vec<KeywordHit> {
    let key = |h: &KeywordHit| (h.end, h.start, h.pattern);
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if key(x) == key(y) => {
                b.next();
                a.next()
            }
            (Some(x), Some(y)) if key(x) < key(y) => a.next(),
            (Some(_), Some(_)) | (None, Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, None) => return out,
        };
        out.extend(next);
    }
}

/// A text blob's keyword hits (in the order of
/// [`Matcher::find_keywords`](crate::scan::Matcher::find_keywords)) kept for the blobs made
/// from it; `None` past 4 GiB.
pub fn keep(len: usize, hits: &[KeywordHit]) -> Option<Occurrences> {
    u32::try_from(len).ok()?;
    Some(Arc::new(
        hits.iter().map(|h| (h.start as u32, h.pattern)).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_occurrences_are_dropped_oldest_first_past_the_limit() {
        let id = |b: u8| ObjectId::from_bytes_or_panic(&[b; 20]);
        let of = |n: u32| Arc::new((0..n).map(|i| (i, 0)).collect::<Vec<_>>());
        let mut recent = Recent::new(10);
        recent.put(id(1), of(6));
        recent.put(id(2), of(3));
        assert_eq!(recent.held, 9);
        recent.put(id(3), of(4));
        assert!(!recent.by_id.contains_key(&id(1)));
        assert!(recent.by_id.contains_key(&id(2)) && recent.by_id.contains_key(&id(3)));
        assert_eq!(recent.held, 7);
        // Put again, counted once.
        recent.put(id(3), of(5));
        assert_eq!((recent.held, recent.order.len()), (8, 2));
    }
}
