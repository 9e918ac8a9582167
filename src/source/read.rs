//! Reading an input in bounded memory: small inputs in one piece, large ones as overlapping
//! chunks that start at line boundaries, so that a match across a boundary is seen whole and
//! reported once.

use std::io::{self, Read};

use super::strings::Extracted;
use crate::finding::{Chunk, HEAD_LEN, head_of};

/// Bytes looked at to decide whether an input is binary, as git does.
pub const BINARY_SNIFF: usize = 8 * 1024;

#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Scan the raw bytes of inputs with a NUL byte in their first 8 KiB, rather than their
    /// printable strings.
    pub binary: bool,
    /// Bytes each chunk owns.
    pub chunk_size: usize,
    /// Bytes of context shared with each neighbour: the longest match seen whole across a
    /// chunk boundary.
    pub overlap: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            binary: false,
            chunk_size: 8 << 20,
            overlap: 64 << 10,
        }
    }
}

/// What became of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Scanned { bytes: u64 },
    SkippedBinary,
}

/// Whether `head` (an input's first bytes) looks binary.
pub fn is_binary(head: &[u8]) -> bool {
    memchr::memchr(0, &head[..head.len().min(BINARY_SNIFF)]).is_some()
}

/// Reads `reader` into `buf` chunk by chunk, handing each chunk to `scan`: the bytes, or for a
/// binary input (unless `opts.binary`), their printable strings.
pub fn read_chunks<R: Read>(
    mut reader: R,
    path: Option<&str>,
    buf: &mut Vec<u8>,
    opts: &ReadOptions,
    mut scan: impl FnMut(Chunk<'_>),
) -> io::Result<Outcome> {
    let overlap = opts.overlap.min(opts.chunk_size);
    let capacity = opts.chunk_size + overlap;
    buf.clear();
    let mut own_start = 0;
    let mut first_line = 1;
    let mut total = 0u64;
    let mut offset = 0u64;
    let mut strings: Option<Extracted> = None;
    let (mut head, mut head_len) = ([0u8; HEAD_LEN], 0);
    let mut first = true;
    loop {
        let eof = fill(&mut reader, buf, capacity + own_start, &mut total)?;
        if std::mem::take(&mut first) {
            let first_bytes = head_of(buf);
            head_len = first_bytes.len();
            head[..head_len].copy_from_slice(first_bytes);
            if !opts.binary && is_binary(buf) {
                strings = Some(Extracted::default());
            }
        }
        let own_end = if eof { buf.len() } else { buf.len() - overlap };
        let own = own_start..own_end;
        match &mut strings {
            Some(extracted) => {
                extracted.extract(buf);
                let runs = extracted.strings(buf);
                scan(extracted.chunk(&runs, own, first_line, offset, path));
            }
            None => scan(Chunk {
                data: buf,
                own,
                first_line,
                path,
                offset,
                strings: None,
                head: &head[..head_len],
            }),
        }
        if eof {
            return Ok(Outcome::Scanned { bytes: total });
        }

        // Keep up to `overlap` bytes before the next chunk's own part, from a line start.
        let floor = own_end.saturating_sub(overlap);
        let keep_from =
            memchr::memchr(b'\n', &buf[floor..own_end]).map_or(floor, |i| floor + i + 1);
        first_line += memchr::memchr_iter(b'\n', &buf[..keep_from]).count();
        offset += keep_from as u64;
        buf.drain(..keep_from);
        own_start = own_end - keep_from;
    }
}

/// Reads until `buf` holds `want` bytes or the input ends; true at end of input.
fn fill<R: Read>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    want: usize,
    total: &mut u64,
) -> io::Result<bool> {
    while buf.len() < want {
        let before = buf.len();
        let n = reader
            .by_ref()
            .take((want - before) as u64)
            .read_to_end(buf)?;
        *total += n as u64;
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(
        input: &[u8],
        chunk_size: usize,
        overlap: usize,
    ) -> Vec<(Vec<u8>, std::ops::Range<usize>, usize)> {
        let opts = ReadOptions {
            binary: true,
            chunk_size,
            overlap,
        };
        let mut out = Vec::new();
        read_chunks(input, None, &mut Vec::new(), &opts, |c| {
            out.push((c.data.to_vec(), c.own.clone(), c.first_line))
        })
        .unwrap();
        out
    }

    #[test]
    fn owned_parts_tile_the_input_exactly_once() {
        let input: Vec<u8> = (0..5000)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let got = chunks(&input, 1000, 100);
        assert!(got.len() > 30);
        let mut rebuilt = Vec::new();
        for (data, own, first_line) in &got {
            rebuilt.extend_from_slice(&data[own.clone()]);
            // every chunk starts at a line start, and knows its line number
            assert!(data.starts_with(format!("line {}\n", first_line - 1).as_bytes()));
        }
        assert_eq!(rebuilt, input);
    }

    #[test]
    fn small_input_is_one_chunk_and_binary_is_read_as_strings() {
        assert_eq!(chunks(b"abc", 1000, 100), vec![(b"abc".to_vec(), 0..3, 1)]);
        let opts = ReadOptions::default();
        let mut seen = Vec::new();
        let input = &b"PK\0\x03 a long string\0\x01"[..];
        let outcome = read_chunks(input, None, &mut Vec::new(), &opts, |c| {
            seen.push((c.data.to_vec(), c.own.clone(), c.strings.is_some()))
        })
        .unwrap();
        assert_eq!(outcome, Outcome::Scanned { bytes: 20 });
        assert_eq!(seen, vec![(b" a long string\n".to_vec(), 0..15, true)]);
    }
}
