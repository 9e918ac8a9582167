//! The printable strings of binary bytes, as text the scanner can take: runs of printable
//! ASCII (tab and line breaks included, so that a PEM block or a config file stored in a
//! database stays whole) and of UTF-16LE text in the ASCII range, at least [`MIN_LEN`]
//! characters long, one run per line of the text, in the order they appear in the bytes.
//! The chunk carries where each run lies ([`Strings`]), so that the scanner reports a match
//! at its byte offset in the input and never one that joins two runs.

use std::ops::Range;

use crate::finding::{Chunk, Strings, TextRun};

/// Characters a run needs to be kept: shorter ones are mostly noise in compiled code, and
/// hold no credential.
pub const MIN_LEN: usize = 8;

/// The text and runs extracted from one piece of binary bytes; reused from input to input.
#[derive(Debug, Default)]
pub struct Extracted {
    text: Vec<u8>,
    runs: Vec<TextRun>,
}

/// Whether `b` belongs to a run.
const fn printable(b: u8) -> bool {
    matches!(b, b' '..=b'~' | b'\t' | b'\n' | b'\r')
}

const PRINTABLE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = printable(b as u8);
        b += 1;
    }
    table
};

impl Extracted {
    /// Extracts the runs of `bytes`, replacing what was there.
    pub fn extract(&mut self, bytes: &[u8]) {
        self.text.clear();
        self.runs.clear();
        let mut narrow = Vec::new();
        ascii_runs(bytes, &mut narrow);
        let mut wide = Vec::new();
        utf16_runs(bytes, &mut wide);
        // Both lists ascend and never overlap (a wide run alternates with NUL bytes, a
        // narrow one has none): merge them by position.
        let (mut n, mut w) = (narrow.into_iter().peekable(), wide.into_iter().peekable());
        loop {
            let take_wide = match (n.peek(), w.peek()) {
                (Some(a), Some(b)) => b.start < a.start,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (None, None) => break,
            };
            let (range, wide) = if take_wide {
                (w.next(), true)
            } else {
                (n.next(), false)
            };
            let Some(range) = range else { break };
            let text = self.text.len();
            if wide {
                self.text.extend(bytes[range.clone()].iter().step_by(2));
            } else {
                self.text.extend_from_slice(&bytes[range.clone()]);
            }
            let len = self.text.len() - text;
            self.text.push(b'\n');
            self.runs.push(TextRun {
                text,
                at: range.start,
                len,
                wide,
            });
        }
    }

    /// The extracted text.
    pub fn text(&self) -> &[u8] {
        &self.text
    }

    /// The first text position whose byte lies at or after `pos` in the bytes.
    fn text_pos(&self, pos: usize) -> usize {
        let i = self.runs.partition_point(|r| r.end() <= pos);
        match self.runs.get(i) {
            None => self.text.len(),
            Some(r) if r.at >= pos => r.text,
            Some(r) => {
                let stride = if r.wide { 2 } else { 1 };
                r.text + (pos - r.at).div_ceil(stride)
            }
        }
    }

    /// Where the runs lie in `bytes` (the bytes given to [`Extracted::extract`]).
    pub fn strings<'a>(&'a self, bytes: &'a [u8]) -> Strings<'a> {
        Strings {
            bytes,
            runs: &self.runs,
        }
    }

    /// The chunk to scan for binary bytes `bytes` at `offset` in their input, starting at
    /// line `first_line`, whose matches starting in `own` (positions in the bytes) belong to
    /// it. `strings` comes from [`Extracted::strings`].
    pub fn chunk<'a>(
        &'a self,
        strings: &'a Strings<'a>,
        own: Range<usize>,
        first_line: usize,
        offset: u64,
        path: Option<&'a str>,
    ) -> Chunk<'a> {
        Chunk {
            data: &self.text,
            own: self.text_pos(own.start)..self.text_pos(own.end),
            first_line,
            path,
            offset,
            strings: Some(strings),
            head: b"",
        }
    }
}

/// Scans the strings of a whole binary input in memory (a git blob): `scan` gets one chunk.
pub fn scan_whole(bytes: &[u8], path: Option<&str>, scan: impl FnOnce(Chunk<'_>)) {
    let mut extracted = Extracted::default();
    extracted.extract(bytes);
    let strings = extracted.strings(bytes);
    scan(extracted.chunk(&strings, 0..bytes.len(), 1, 0, path));
}

/// Runs of at least [`MIN_LEN`] printable bytes.
fn ascii_runs(bytes: &[u8], out: &mut Vec<Range<usize>>) {
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (PRINTABLE[usize::from(b)], start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= MIN_LEN {
                    out.push(s..i);
                }
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start.filter(|s| bytes.len() - s >= MIN_LEN) {
        out.push(s..bytes.len());
    }
}

/// Runs of at least [`MIN_LEN`] printable characters in UTF-16LE (each a printable byte then
/// a NUL), at even or odd offsets, as byte ranges.
fn utf16_runs(bytes: &[u8], out: &mut Vec<Range<usize>>) {
    // A wide character is a byte before a NUL: jump from NUL to NUL.
    let mut i = 0;
    while let Some(nul) = memchr::memchr(0, bytes.get(i + 1..).unwrap_or_default()) {
        let at = i + nul;
        let mut end = at;
        while is_wide(bytes, end) {
            end += 2;
        }
        if (end - at) / 2 >= MIN_LEN {
            out.push(at..end);
        }
        i = end.max(at + 1);
    }
}

/// Whether a printable UTF-16LE character in the ASCII range starts at `i`.
fn is_wide(bytes: &[u8], i: usize) -> bool {
    bytes
        .get(i..i + 2)
        .is_some_and(|c| PRINTABLE[usize::from(c[0])] && c[1] == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn runs(bytes: &[u8]) -> Vec<(String, usize, bool)> {
        let mut e = Extracted::default();
        e.extract(bytes);
        e.runs
            .iter()
            .map(|r| {
                let text = &e.text[r.text..r.text + r.len];
                (String::from_utf8(text.to_vec()).unwrap(), r.at, r.wide)
            })
            .collect()
    }

    #[test]
    fn finds_ascii_and_utf16_runs_at_their_offsets() {
        let mut bytes = b"\x00\x01short\x00long enough run\xff".to_vec();
        let wide_at = bytes.len();
        bytes.extend(utf16("wide text here"));
        bytes.extend(b"\x00\x00\x03");
        // An odd offset, and a wide run too short to keep.
        bytes.push(7);
        let odd_at = bytes.len();
        bytes.extend(utf16("odd offset!"));
        bytes.extend(b"\x05\x05");
        bytes.extend(utf16("tiny"));
        bytes.extend(b"\x05tail of it");
        assert_eq!(
            runs(&bytes),
            vec![
                ("long enough run".into(), 8, false),
                ("wide text here".into(), wide_at, true),
                ("odd offset!".into(), odd_at, true),
                ("tail of it".into(), bytes.len() - 10, false),
            ]
        );
        assert!(runs(b"").is_empty());
        assert!(runs(b"\x00\x00\x00").is_empty());
        assert_eq!(runs(b"exactly8"), vec![("exactly8".into(), 0, false)]);
    }

    #[test]
    fn utf16_matches_a_byte_by_byte_reference() {
        // Pseudo-random bytes over a small alphabet: every transition, many times.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200 {
            let bytes: Vec<u8> = (0..400)
                .map(|_| [0u8, b'a', 0xff, b'\n', 0, b'b'][(next() % 6) as usize])
                .collect();
            let mut got = Vec::new();
            utf16_runs(&bytes, &mut got);
            assert_eq!(got, reference_utf16(&bytes), "{bytes:?}");
        }
    }

    /// The plain reading: at each byte, a run if a wide character starts there.
    fn reference_utf16(bytes: &[u8]) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let mut end = i;
            while is_wide(bytes, end) {
                end += 2;
            }
            if (end - i) / 2 >= MIN_LEN {
                out.push(i..end);
            }
            i = end.max(i + 1);
        }
        out
    }

    #[test]
    fn own_range_maps_to_text_positions() {
        let mut bytes = b"\x00\x00aaaaaaaa\x00\x00".to_vec(); // run at 2..10
        bytes.extend(utf16("bbbbbbbb")); // run at 12..28
        let mut e = Extracted::default();
        e.extract(&bytes);
        assert_eq!(e.text, b"aaaaaaaa\nbbbbbbbb\n");
        assert_eq!(e.text_pos(0), 0);
        assert_eq!(e.text_pos(5), 3);
        assert_eq!(e.text_pos(10), 9);
        assert_eq!(e.text_pos(13), 10);
        assert_eq!(e.text_pos(14), 10);
        assert_eq!(e.text_pos(28), 18);
    }
}
