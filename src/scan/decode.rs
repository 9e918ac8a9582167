//! Decoding: secrets hidden in base64 (standard or URL-safe, padded or not), hex and
//! percent-encoding. [`spans`] finds the stretches of an input that look encoded, [`decode`]
//! decodes one and keeps it only when it is mostly printable text, and
//! [`Matcher::scan_decoded`] scans what they hold with the same matcher, a few levels deep,
//! reporting each finding at the encoded text with the chain of decodings that revealed it.
//!
//! Cheap on ordinary text: runs of the base64 alphabet shorter than [`MIN_BASE64`] are
//! skipped without looking at most of their bytes, and a decoding is abandoned at its first
//! few non-text bytes (random data, images, hashes). It does not look at line-wrapped base64
//! (each line is decoded on its own), `0x`/`\x` hex or UTF-16.

use std::ops::Range;

use super::{Matcher, line_span};
use crate::finding::{Chunk, Finding};

/// Shortest base64 run decoded (padding not counted): 18 bytes of text. A shorter minimum
/// means more places to look: 20 instead of 24 costs a registry scan 1.8% more instructions.
pub const MIN_BASE64: usize = 24;
/// Shortest hex run decoded: 16 bytes of text.
pub const MIN_HEX: usize = 32;
/// Fewest `%XX` escapes in a percent-encoded span.
pub const MIN_ESCAPES: usize = 2;

/// How a span is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Base64,
    Hex,
    Percent,
}

impl Encoding {
    /// The name used in a finding's `decoded` chain.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Hex => "hex",
            Encoding::Percent => "percent",
        }
    }
}

/// A stretch of input that looks encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub range: Range<usize>,
    pub encoding: Encoding,
}

const BASE64: u8 = 1;
const HEX: u8 = 2;
const UPPER: u8 = 4;
const LOWER: u8 = 8;
/// Left as they are in a percent-encoded URL or form value.
const URL: u8 = 16;

/// Character classes, one flag set per byte.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let mut f = 0;
        if c.is_ascii_uppercase() {
            f |= BASE64 | UPPER | URL;
        }
        if c.is_ascii_lowercase() {
            f |= BASE64 | LOWER | URL;
        }
        if c.is_ascii_digit() {
            f |= BASE64 | URL;
        }
        if c.is_ascii_hexdigit() {
            f |= HEX;
        }
        if matches!(c, b'+' | b'/' | b'-' | b'_') {
            f |= BASE64 | URL;
        }
        if matches!(
            c,
            b'.' | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'*'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'?'
                | b'#'
        ) {
            f |= URL;
        }
        t[b] = f;
        b += 1;
    }
    t
};

/// The value of a base64 digit in either alphabet, or 0xFF.
static BASE64_VALUE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 26 {
        t[b'A' as usize + i] = i as u8;
        t[b'a' as usize + i] = 26 + i as u8;
        i += 1;
    }
    let mut d = 0;
    while d < 10 {
        t[b'0' as usize + d] = 52 + d as u8;
        d += 1;
    }
    t[b'+' as usize] = 62;
    t[b'-' as usize] = 62;
    t[b'/' as usize] = 63;
    t[b'_' as usize] = 63;
    t
};

fn is(b: u8, class: u8) -> bool {
    CLASS[b as usize] & class != 0
}

/// The spans of `data` that look encoded: base64 and hex runs first, then percent-encoded
/// spans, each list ascending. A percent-encoded span may overlap a run.
pub fn spans(data: &[u8]) -> impl Iterator<Item = Span> + '_ {
    runs(data).chain(percent_spans(data))
}

/// Maximal runs of the base64 alphabet (with their `=` padding) that are hex of an even
/// length >= [`MIN_HEX`], or base64 >= [`MIN_BASE64`] mixing upper and lower case.
fn runs(data: &[u8]) -> impl Iterator<Item = Span> + '_ {
    // Every byte in `from..known` is in the alphabet.
    let (mut from, mut known) = (0, 0);
    std::iter::from_fn(move || {
        loop {
            // Most text holds no run that long: skip it a block at a time. (No run of
            // MIN_BASE64 starts in the block's first `STEP` bytes; one that starts there and
            // is shorter ends before `from + STEP + MIN_BASE64 - 1` and, cut at the new
            // `from`, is still too short.)
            const STEP: usize = 64 - MIN_BASE64 + 1;
            while let Some(block) = data.get(from..).and_then(|d| d.first_chunk::<64>()) {
                let starts = run_starts(alphabet_bits(block));
                if starts != 0 {
                    // The first start: the byte before it is not in the alphabet.
                    from += starts.trailing_zeros() as usize;
                    break;
                }
                from += STEP;
            }
            // A run at least MIN_BASE64 long that starts at `from` or later covers `probe`.
            // Reading back from it, the last byte not in the alphabet moves `from` past it:
            // the bytes before it are never read, those after it not read again.
            let probe = from + MIN_BASE64 - 1;
            if probe >= data.len() {
                return None;
            }
            let unknown = known.max(from);
            if let Some(at) = data[unknown..=probe].iter().rposition(|&b| !is(b, BASE64)) {
                from = unknown + at + 1;
                known = probe + 1;
                continue;
            }
            let start = from;
            let mut end = probe + 1;
            while end < data.len() && is(data[end], BASE64) {
                end += 1;
            }
            from = end + 1;
            known = from;
            let run = &data[start..end];
            if run.iter().all(|&b| is(b, HEX)) {
                if run.len() >= MIN_HEX && run.len().is_multiple_of(2) {
                    return Some(Span {
                        range: start..end,
                        encoding: Encoding::Hex,
                    });
                }
                continue;
            }
            let classes = run.iter().fold(0, |acc, &b| acc | CLASS[b as usize]);
            if classes & UPPER == 0 || classes & LOWER == 0 {
                continue;
            }
            let padding = data[end..]
                .iter()
                .take(2)
                .take_while(|&&b| b == b'=')
                .count();
            return Some(Span {
                range: start..end + padding,
                encoding: Encoding::Base64,
            });
        }
    })
}

/// Bit `i` set: `block[i]` is in the base64 alphabet. Comparisons into bytes of 0 or 1 rather
/// than [`CLASS`] lookups, so that the compiler tests 16 bytes at a time (8 GB/s, against
/// 0.4 GB/s setting bit by bit); a multiply then gathers each 8 bytes' ones into 8 bits.
fn alphabet_bits(block: &[u8; 64]) -> u64 {
    let mut ones = [0u8; 64];
    for (one, &b) in ones.iter_mut().zip(block) {
        let letter = (b | 0x20).wrapping_sub(b'a') < 26;
        let digit = b.wrapping_sub(b'0') < 10;
        let sign = (b == b'+') | (b == b'/') | (b == b'-') | (b == b'_');
        *one = u8::from(letter | digit | sign);
    }
    // Byte `j` of `eight` (0 or 1) lands alone on bit `56 + j` of the product.
    let gather =
        |eight: &[u8; 8]| u64::from_le_bytes(*eight).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    let (eights, _) = ones.as_chunks::<8>();
    eights
        .iter()
        .enumerate()
        .fold(0, |bits, (k, eight)| bits | gather(eight) << (8 * k))
}

/// Bit `i` set: bits `i..i + MIN_BASE64` of `bits` are all set.
fn run_starts(bits: u64) -> u64 {
    let two = bits & bits >> 1;
    let four = two & two >> 2;
    let eight = four & four >> 4;
    let sixteen = eight & eight >> 8;
    const _: () = assert!(MIN_BASE64 == 24);
    sixteen & sixteen >> 8
}

/// Stretches of URL characters holding at least [`MIN_ESCAPES`] `%XX` escapes.
fn percent_spans(data: &[u8]) -> impl Iterator<Item = Span> + '_ {
    let escape_at = |i: usize| {
        data.get(i + 1).is_some_and(|&b| is(b, HEX)) && data.get(i + 2).is_some_and(|&b| is(b, HEX))
    };
    let mut from = 0;
    std::iter::from_fn(move || {
        loop {
            let at = from + memchr::memchr(b'%', data.get(from..)?)?;
            if !escape_at(at) {
                from = at + 1;
                continue;
            }
            let mut start = at;
            while start > from && is(data[start - 1], URL) {
                start -= 1;
            }
            let mut end = at;
            let mut escapes = 0;
            while end < data.len() {
                if data[end] == b'%' && escape_at(end) {
                    escapes += 1;
                    end += 3;
                } else if is(data[end], URL) {
                    end += 1;
                } else {
                    break;
                }
            }
            from = end;
            if escapes >= MIN_ESCAPES {
                return Some(Span {
                    range: start..end,
                    encoding: Encoding::Percent,
                });
            }
        }
    })
}

/// Collects decoded bytes, giving up as soon as they stop looking like text: more than one
/// byte in ten (plus one) that is not printable ASCII, tab or newline.
struct Text<'a> {
    out: &'a mut Vec<u8>,
    bad: usize,
}

impl Text<'_> {
    fn push(&mut self, b: u8) -> bool {
        self.out.push(b);
        if !(b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            self.bad += 1;
        }
        self.bad <= 1 + self.out.len() / 10
    }
}

/// Decodes `encoded` into `out` (cleared first); `false` when it is not valid in that
/// encoding or does not decode to mostly printable text.
pub fn decode(encoded: &[u8], encoding: Encoding, out: &mut Vec<u8>) -> bool {
    out.clear();
    let mut text = Text { out, bad: 0 };
    let whole = match encoding {
        Encoding::Base64 => {
            let mut acc = 0u32;
            let mut bits = 0;
            encoded
                .iter()
                .take_while(|&&b| b != b'=')
                .map(|&b| BASE64_VALUE[b as usize])
                .all(|v| {
                    if v == 0xFF {
                        return false;
                    }
                    acc = (acc << 6 | u32::from(v)) & 0xFFFF;
                    bits += 6;
                    if bits < 8 {
                        return true;
                    }
                    bits -= 8;
                    text.push((acc >> bits) as u8)
                })
        }
        Encoding::Hex => {
            encoded.len().is_multiple_of(2)
                && encoded.chunks_exact(2).all(|pair| {
                    match (hex_value(pair[0]), hex_value(pair[1])) {
                        (Some(hi), Some(lo)) => text.push(hi << 4 | lo),
                        _ => false,
                    }
                })
        }
        Encoding::Percent => {
            let mut i = 0;
            let mut ok = true;
            while ok && i < encoded.len() {
                let escaped = match encoded.get(i + 1..i + 3) {
                    Some(&[h, l]) if encoded[i] == b'%' => hex_value(h).zip(hex_value(l)),
                    _ => None,
                };
                ok = match escaped {
                    Some((hi, lo)) => {
                        i += 3;
                        text.push(hi << 4 | lo)
                    }
                    None => {
                        i += 1;
                        text.push(encoded[i - 1])
                    }
                };
            }
            ok
        }
    };
    whole && text.bad * 10 <= text.out.len() && !text.out.is_empty()
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

impl Matcher<'_> {
    /// Decodes the encoded-looking spans that start in `chunk`'s own range and scans what they
    /// hold, `depth` levels deep. Each finding is placed at its encoded span, with the chain
    /// of decodings, unless a finding of `out[direct..]` (this chunk's) already reports that
    /// secret there.
    pub(super) fn scan_decoded(
        &mut self,
        chunk: &Chunk<'_>,
        depth: u8,
        direct: usize,
        out: &mut Vec<Finding>,
    ) {
        let mut buf = Vec::new();
        let mut found = Vec::new();
        for span in spans(chunk.data) {
            if !chunk.own.contains(&span.range.start)
                || !decode(&chunk.data[span.range.clone()], span.encoding, &mut buf)
            {
                continue;
            }
            self.scan_depth(&Chunk::whole(&buf, chunk.path), depth - 1, None, &mut found);
            if found.is_empty() {
                continue;
            }
            let line = line_span(chunk.data, &span.range);
            if self.scanner.allows_inline(&chunk.data[line.clone()]) {
                found.clear();
                continue;
            }
            let place = Place::new(chunk, line, span.range.clone());
            for mut f in found.drain(..) {
                place.relocate(&mut f, span.encoding);
                if !out[direct..].iter().any(|o| same_place(o, &f)) {
                    out.push(f);
                }
            }
        }
    }
}

/// Same rule, same secret, overlapping positions.
fn same_place(a: &Finding, b: &Finding) -> bool {
    a.rule_id == b.rule_id
        && a.secret == b.secret
        && (a.line, a.column) < (b.end_line, b.end_column)
        && (b.line, b.column) < (a.end_line, a.end_column)
}

/// Where an encoded span sits in its input, as a finding reports it.
struct Place {
    offset: u64,
    line: usize,
    column: usize,
    end_column: usize,
    context: String,
    context_span: Range<usize>,
}

impl Place {
    /// `span` (no newline in it) on the line `line` of `chunk`.
    fn new(chunk: &Chunk<'_>, line: Range<usize>, span: Range<usize>) -> Self {
        let data = chunk.data;
        let lossy = |r: Range<usize>| String::from_utf8_lossy(&data[r]).into_owned();
        let before = lossy(line.start..span.start);
        let encoded = lossy(span.clone());
        let after = lossy(span.end..line.end.max(span.end));
        let column = super::chars(&data[line.start..span.start]) + 1;
        Place {
            offset: chunk.offset + span.start as u64,
            line: chunk.first_line + memchr::memchr_iter(b'\n', &data[..span.start]).count(),
            column,
            end_column: column + encoded.len(),
            context_span: before.len()..before.len() + encoded.len(),
            context: before + &encoded + &after,
        }
    }

    /// Moves a finding made on the decoded bytes onto the encoded span.
    fn relocate(&self, f: &mut Finding, encoding: Encoding) {
        f.offset = Some(self.offset);
        f.line = self.line;
        f.end_line = self.line;
        f.column = self.column;
        f.end_column = self.end_column;
        f.context.clone_from(&self.context);
        f.context_secret = self.context_span.clone();
        f.decoded = if f.decoded.is_empty() {
            encoding.name().to_string()
        } else {
            format!("{}>{}", encoding.name(), f.decoded)
        };
        f.tags.retain(|t| !t.starts_with("decoded:"));
        f.tags.push(format!("decoded:{}", f.decoded));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(data: &str) -> Vec<(String, Encoding)> {
        spans(data.as_bytes())
            .map(|s| (data[s.range].to_string(), s.encoding))
            .collect()
    }

    fn decoded(encoded: &str, encoding: Encoding) -> Option<String> {
        let mut out = Vec::new();
        decode(encoded.as_bytes(), encoding, &mut out)
            .then(|| String::from_utf8(out).expect("text is ASCII here"))
    }

    #[test]
    fn finds_base64_in_both_alphabets_padded_or_not() {
        // "a fairly long secret value!" and "a secret?>>>value~~~" (URL-safe: `-`, `_`).
        let std = "YSBmYWlybHkgbG9uZyBzZWNyZXQgdmFsdWUh";
        let url = "YSBzZWNyZXQ_Pj4-dmFsdWV-fn4";
        let text = format!("x = \"{std}\"; y='{url}==' z=dGV4dA==\n");
        assert_eq!(
            found(&text),
            vec![
                (std.to_string(), Encoding::Base64),
                (format!("{url}=="), Encoding::Base64)
            ]
        );
        assert_eq!(
            decoded(std, Encoding::Base64).as_deref(),
            Some("a fairly long secret value!")
        );
        assert_eq!(
            decoded(&format!("{url}=="), Encoding::Base64).as_deref(),
            Some("a secret?>>>value~~~")
        );
    }

    #[test]
    fn finds_hex_of_even_length_only() {
        let hex = "61206c6f6e6720656e6f7567682068657820737472696e67"; // "a long enough hex string"
        let text = format!("h={hex} odd={}1 short=616263", hex);
        assert_eq!(found(&text), vec![(hex.to_string(), Encoding::Hex)]);
        assert_eq!(
            decoded(hex, Encoding::Hex).as_deref(),
            Some("a long enough hex string")
        );
        assert_eq!(decoded(&hex[1..], Encoding::Hex), None);
    }

    #[test]
    fn finds_percent_encoded_spans_with_several_escapes() {
        let text = "url=\"postgres%3A%2F%2Fuser%3Apw%40db\" one%20escape 100%";
        assert_eq!(
            found(text),
            vec![(
                "postgres%3A%2F%2Fuser%3Apw%40db".to_string(),
                Encoding::Percent
            )]
        );
        assert_eq!(
            decoded("postgres%3A%2F%2Fuser%3Apw%40db", Encoding::Percent).as_deref(),
            Some("postgres://user:pw@db")
        );
        assert_eq!(decoded("%89%50%4E%47%0D%0A%1A%0A", Encoding::Percent), None);
    }

    #[test]
    fn skips_identifiers_words_and_rulers() {
        let text = "some_long_snake_case_identifier SCREAMING_CONSTANT_NAME_HERE \
                    ------------------------------------ /usr/local/lib/python3/site-packages";
        assert_eq!(found(text), vec![]);
    }

    #[test]
    fn rejects_garbage_binary_and_invalid_utf8() {
        // CamelCase passes the alphabet check but decodes to bytes that are not text.
        assert_eq!(found("DeserializeOwnedVisitorImpl").len(), 1);
        assert_eq!(
            decoded("DeserializeOwnedVisitorImpl", Encoding::Base64),
            None
        );
        // A PNG header, and invalid UTF-8 (0xC3 0x28).
        assert_eq!(
            decoded("iVBORw0KGgoAAAANSUhEUgAAAAE", Encoding::Base64),
            None
        );
        assert_eq!(
            decoded("c328c328c328c328c328c328c328c328", Encoding::Hex),
            None
        );
        // Not in the alphabet at all.
        assert_eq!(decoded("not base64 at all!!", Encoding::Base64), None);
        assert_eq!(decoded("zz", Encoding::Hex), None);
        assert_eq!(decoded("", Encoding::Percent), None);
    }

    #[test]
    fn odd_lengths_decode_what_is_whole() {
        // 24 characters decode whole; a 25th carries 6 bits, not a byte, and is dropped.
        assert_eq!(
            decoded("dGhpcyBpcyBzb21lIHRleHQx", Encoding::Base64).as_deref(),
            Some("this is some text1")
        );
        assert_eq!(
            decoded("dGhpcyBpcyBzb21lIHRleHQxZ", Encoding::Base64).as_deref(),
            Some("this is some text1")
        );
        assert_eq!(decoded("%41%4", Encoding::Percent).as_deref(), Some("A%4"));
    }

    #[test]
    fn huge_runs_are_found_whole_and_abandoned_early() {
        let mut data = b"x=".to_vec();
        data.extend(std::iter::repeat_n(b"iVBORw0KGgoAAAANSUhEUgAA".as_slice(), 100_000).flatten());
        data.extend_from_slice(b"==\n");
        let all: Vec<Span> = spans(&data).collect();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].range, 2..data.len() - 1);
        let mut out = Vec::new();
        assert!(!decode(
            &data[all[0].range.clone()],
            Encoding::Base64,
            &mut out
        ));
        assert!(out.len() < 16, "gave up after {} bytes", out.len());
        // A long run of text decodes whole.
        let text = "secret text. ".repeat(10_000);
        let hex: String = text.bytes().map(|b| format!("{b:02x}")).collect();
        assert_eq!(decoded(&hex, Encoding::Hex).as_deref(), Some(text.as_str()));
    }

    #[test]
    fn nesting_stops_at_the_depth_limit() {
        use crate::rules::{ConfigSource, load};
        use crate::scan::Scanner;
        let hex = |t: &str| t.bytes().map(|b| format!("{b:02x}")).collect::<String>();
        let percent = |t: &str| t.bytes().map(|b| format!("%{b:02X}")).collect::<String>();
        let token = format!("ghp_{}{}", "9fZkq2LmT7xWv4RbN8cYs1HdJ6pUe3", "0fdjfo");
        // Three encodings deep: hex of percent-encoding of hex.
        let input = format!("x = {}\n", hex(&percent(&hex(&token))));
        let rules = std::sync::Arc::new(load(&ConfigSource::Builtin).expect("built-in rules"));
        let found = |depth: u8| {
            let scanner = Scanner::new(rules.clone()).with_decode_depth(depth);
            let mut out = Vec::new();
            let chunk = Chunk::whole(input.as_bytes(), Some("a.txt"));
            scanner.matcher().scan(&chunk, &mut out);
            out.into_iter()
                .map(|f| (f.secret, f.decoded, f.column, f.end_column))
                .collect::<Vec<_>>()
        };
        let end = 5 + input.trim_end().len() - 4;
        assert_eq!(
            found(3),
            vec![(token.clone(), "hex>percent>hex".into(), 5, end)]
        );
        assert_eq!(found(4), found(3));
        assert_eq!(found(2), vec![]);
        assert_eq!(found(0), vec![]);
    }

    #[test]
    fn skipping_finds_the_same_runs_as_reading_every_byte() {
        let naive = |data: &[u8]| -> Vec<Range<usize>> {
            let mut out = Vec::new();
            let mut i = 0;
            while i < data.len() {
                let start = i;
                while i < data.len() && is(data[i], BASE64) {
                    i += 1;
                }
                if i - start >= MIN_BASE64 {
                    out.push(start..i);
                }
                i += 1;
            }
            out
        };
        let mut x = 7u64;
        for round in 0..4000 {
            // Past a few blocks, so that skipping them is tried.
            let len = round % 301 + 1;
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    // Mostly letters, so that long runs happen.
                    b"aB3/ZkQ9-_mWxY7 =\n"
                        [(x >> 33) as usize % if round % 2 == 0 { 16 } else { 18 }]
                })
                .collect();
            // Without their padding.
            let found: Vec<Range<usize>> = runs(&data)
                .map(|s| {
                    let unpadded = data[s.range.clone()].iter().take_while(|&&b| b != b'=');
                    s.range.start..s.range.start + unpadded.count()
                })
                .collect();
            let expected: Vec<Range<usize>> = naive(&data)
                .into_iter()
                .filter(|r| {
                    let run = &data[r.clone()];
                    let c = run.iter().fold(0, |acc, &b| acc | CLASS[b as usize]);
                    if run.iter().all(|&b| is(b, HEX)) {
                        run.len() >= MIN_HEX && run.len().is_multiple_of(2)
                    } else {
                        c & UPPER != 0 && c & LOWER != 0
                    }
                })
                .collect();
            assert_eq!(found, expected, "{:?}", String::from_utf8_lossy(&data));
        }
    }

    #[test]
    fn block_bits_agree_with_the_class_table() {
        for b in 0..=255u8 {
            let want = if is(b, BASE64) { u64::MAX } else { 0 };
            assert_eq!(alphabet_bits(&[b; 64]), want, "byte {b}");
            // Alone among others, at each place.
            for i in 0..64 {
                let mut block = [if is(b, BASE64) { b' ' } else { b'a' }; 64];
                block[i] = b;
                assert_eq!(alphabet_bits(&block), !want ^ (1 << i), "byte {b} at {i}");
            }
        }
        let mut x = 3u64;
        for _ in 0..2000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Long runs of ones are what matters: AND a few draws' worth of zeros away.
            let bits = !(x & x.rotate_left(17) & x.rotate_left(41));
            let naive = (0..64).fold(0u64, |acc, i| {
                let all = i + MIN_BASE64 <= 64 && (i..i + MIN_BASE64).all(|j| bits >> j & 1 == 1);
                acc | (u64::from(all) << i)
            });
            assert_eq!(run_starts(bits), naive, "{bits:064b}");
        }
    }

    #[test]
    fn runs_at_the_edges_of_the_input() {
        let run = "YSBmYWlybHkgbG9uZyBzZWNyZXQgdmFsdWUh";
        assert_eq!(found(run).len(), 1);
        assert_eq!(found(&run[..MIN_BASE64 - 1]), vec![]);
        assert_eq!(found(""), vec![]);
        assert_eq!(found("%4"), vec![]);
        assert_eq!(
            found("%41%42"),
            vec![("%41%42".to_string(), Encoding::Percent)]
        );
    }
}
