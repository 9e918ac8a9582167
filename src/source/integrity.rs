//! Whether the bytes a pack traversal decoded are the ones the pack was written with. gix's
//! traversal, run without its (costly) object-id checks, neither looks at zlib's adler32 nor at
//! whether a stream filled its buffer: a flipped byte in a blob's compressed data can decode to
//! other bytes without an error. Each entry is checked against the CRC32 its index (v2) keeps
//! of the entry's bytes (header and compressed data), and a delta built on a corrupt entry is
//! corrupt too. Indexes of version 1 keep no CRC32: their entries pass unchecked.
//!
//! The traversal hands over an object only after its base, so a base's verdict is known before
//! its deltas are checked.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use gix::ObjectId;
use gix::odb::pack;

/// The most deflate can expand its input (a stream of maximal back-references).
const MAX_INFLATE_RATIO: u64 = 1032;

/// Checks the entries of one pack, from any thread.
pub struct PackIntegrity<'a> {
    map: &'a [u8],
    /// Every entry's offset, sorted: an entry ends where the next begins.
    by_offset: &'a [(u64, ObjectId)],
    /// Where the last entry ends (the pack's trailing checksum follows).
    end: u64,
    index: &'a pack::index::File,
    /// Offsets of the entries found corrupt.
    bad: Mutex<HashSet<u64>>,
    any_bad: AtomicBool,
}

impl<'a> PackIntegrity<'a> {
    /// `by_offset` lists every entry of `index` by pack offset, sorted; `map` is the pack.
    pub fn new(
        map: &'a [u8],
        by_offset: &'a [(u64, ObjectId)],
        index: &'a pack::index::File,
    ) -> Self {
        let trailer = index.object_hash().len_in_bytes();
        PackIntegrity {
            map,
            by_offset,
            end: map.len().saturating_sub(trailer) as u64,
            index,
            bad: Mutex::new(HashSet::default()),
            any_bad: AtomicBool::new(false),
        }
    }

    /// Entries whose header declares more bytes than their compressed data can hold (deflate
    /// expands at most 1032 to 1): a forged size that would have the decoder allocate it.
    /// Each is remembered as corrupt and returned with why; also returned, the largest size a
    /// plausible entry declares, a bound for every allocation the pack's decoding makes.
    /// `release` is called every `release_every` entries, to drop the pages read so far, and
    /// `each` with the position in `by_offset` and the header of every entry that has one.
    pub fn implausible_sizes(
        &self,
        release_every: usize,
        mut release: impl FnMut(),
        mut each: impl FnMut(usize, &pack::data::Entry),
    ) -> (Vec<(u64, ObjectId, String)>, usize) {
        let mut found = Vec::new();
        let mut largest = 0u64;
        let every = release_every.max(1);
        for (i, (offset, id)) in self.by_offset.iter().enumerate() {
            if i % every == every - 1 {
                release();
            }
            let end = self.by_offset.get(i + 1).map_or(self.end, |(o, _)| *o);
            let Some(bytes) = usize::try_from(*offset)
                .ok()
                .and_then(|o| self.map.get(o..))
            else {
                continue;
            };
            let Ok(entry) = pack::data::Entry::from_bytes(bytes, *offset, self.index.object_hash())
            else {
                continue;
            };
            each(i, &entry);
            let compressed = end.saturating_sub(entry.data_offset);
            let declared = entry.decompressed_size;
            if declared > compressed.saturating_mul(MAX_INFLATE_RATIO) + 64 {
                self.mark_bad(*offset);
                found.push((
                    *offset,
                    *id,
                    format!(
                        "the entry at offset {offset} declares {declared} bytes in {compressed} \
                         compressed bytes"
                    ),
                ));
            } else {
                largest = largest.max(declared);
            }
        }
        (found, usize::try_from(largest).unwrap_or(usize::MAX))
    }

    fn mark_bad(&self, offset: u64) {
        self.bad
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(offset);
        self.any_bad.store(true, Ordering::Release);
    }

    /// Checks the entry at `offset`, which the index says has `crc32`: why it is corrupt, if
    /// it is. A corrupt entry is remembered, for the deltas built on it.
    pub fn check(&self, offset: u64, crc32: Option<u32>) -> Result<(), String> {
        let verdict = self
            .own_bytes(offset, crc32)
            .and_then(|()| self.base(offset));
        if verdict.is_err() {
            self.mark_bad(offset);
        }
        verdict
    }

    fn own_bytes(&self, offset: u64, crc32: Option<u32>) -> Result<(), String> {
        let Some(want) = crc32 else {
            return Ok(());
        };
        let Ok(i) = self.by_offset.binary_search_by_key(&offset, |(o, _)| *o) else {
            return Err(format!("no entry of the index starts at offset {offset}"));
        };
        let end = self.by_offset.get(i + 1).map_or(self.end, |(o, _)| *o);
        let bytes = usize::try_from(offset)
            .ok()
            .zip(usize::try_from(end).ok())
            .and_then(|(start, end)| self.map.get(start..end))
            .ok_or_else(|| format!("the entry at offset {offset} runs past the end of the pack"))?;
        let got = crc32fast::hash(bytes);
        if got != want {
            return Err(format!(
                "the entry at offset {offset} does not match its CRC32 in the index \
                 ({got:08x}, expected {want:08x})"
            ));
        }
        Ok(())
    }

    /// An error if the entry at `offset` is a delta on an entry found corrupt.
    fn base(&self, offset: u64) -> Result<(), String> {
        if !self.any_bad.load(Ordering::Acquire) {
            return Ok(());
        }
        let Some(bytes) = usize::try_from(offset).ok().and_then(|o| self.map.get(o..)) else {
            return Ok(());
        };
        let Ok(entry) = pack::data::Entry::from_bytes(bytes, offset, self.index.object_hash())
        else {
            return Ok(());
        };
        let corrupt_base = base_offset(&entry, self.index).filter(|b| {
            self.bad
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .contains(b)
        });
        match corrupt_base {
            Some(b) => Err(format!(
                "the entry at offset {offset} is a delta on the corrupt entry at offset {b}"
            )),
            None => Ok(()),
        }
    }
}

/// Where the base of the delta `entry` starts in its pack (the one `index` lists): `None` for
/// an entry stored whole, or a base the pack does not hold.
pub fn base_offset(entry: &pack::data::Entry, index: &pack::index::File) -> Option<u64> {
    match entry.header {
        pack::data::entry::Header::OfsDelta { base_distance } => {
            entry.checked_base_pack_offset(base_distance)
        }
        pack::data::entry::Header::RefDelta { base_id } => {
            index.lookup(base_id).map(|i| index.pack_offset_at_index(i))
        }
        _ => None,
    }
}
