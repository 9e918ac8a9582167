//! Git's pack delta format, read for what it says about an object's bytes: which ranges were
//! copied from its base, and from where. The inserted bytes are the gaps between copies.
//!
//! A delta is two sizes (base, result; little-endian base-128 varints) and then instructions:
//! a byte with the high bit set copies from the base (bits 0-3 say which of four offset bytes
//! follow, bits 4-6 which of three size bytes; a size of 0 means 0x10000), a byte 1-127
//! inserts that many literal bytes, and 0 is reserved.

use gix::ObjectId;

/// A range of an object's bytes copied from its base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copy {
    /// Where the bytes start in the base.
    pub src: usize,
    /// Where they land in the object.
    pub dst: usize,
    pub len: usize,
}

/// How a blob stored as a delta was made from its base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    pub base: ObjectId,
    /// The size of the base.
    pub base_len: usize,
    /// In object order, not overlapping.
    pub copies: Vec<Copy>,
}

/// Reads the copy instructions of `delta` into `out`, consecutive copies of consecutive bytes
/// as one; the sizes of its base and of the object it makes. Errors on a truncated or
/// malformed delta.
pub fn copies(delta: &[u8], out: &mut Vec<Copy>) -> Result<(usize, usize), String> {
    let mut at = 0;
    let base_size = varint(delta, &mut at)?;
    let size = varint(delta, &mut at)?;
    let mut dst = 0usize;
    let first = out.len();
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            let mut src = 0usize;
            for i in 0..4 {
                if op & (1 << i) != 0 {
                    src |= usize::from(*delta.get(at).ok_or("truncated copy")?) << (8 * i);
                    at += 1;
                }
            }
            let mut len = 0usize;
            for i in 0..3 {
                if op & (0x10 << i) != 0 {
                    len |= usize::from(*delta.get(at).ok_or("truncated copy")?) << (8 * i);
                    at += 1;
                }
            }
            if len == 0 {
                len = 0x10000;
            }
            match out[first..].last_mut() {
                // Git splits a long copy into copies of at most 64 KiB: they are one copy of
                // the base's bytes, and the seams between them are no change.
                Some(last) if last.dst + last.len == dst && last.src + last.len == src => {
                    last.len += len;
                }
                _ => out.push(Copy { src, dst, len }),
            }
            dst += len;
        } else if op != 0 {
            dst += usize::from(op);
            at += usize::from(op);
        } else {
            return Err("reserved delta instruction 0".into());
        }
    }
    if at > delta.len() || dst != size {
        return Err(format!("delta makes {dst} bytes, expected {size}"));
    }
    if out
        .iter()
        .any(|c| c.src.checked_add(c.len).is_none_or(|end| end > base_size))
    {
        return Err("delta copies past the end of its base".into());
    }
    Ok((base_size, size))
}

fn varint(data: &[u8], at: &mut usize) -> Result<usize, String> {
    let mut value = 0usize;
    let mut shift = 0;
    loop {
        let byte = *data.get(*at).ok_or("truncated delta header")?;
        *at += 1;
        if shift < usize::BITS {
            value |= usize::from(byte & 0x7f) << shift;
        }
        shift += 7;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies `delta` to `base` instruction by instruction, the slow way.
    fn apply(base: &[u8], delta: &[u8]) -> Vec<u8> {
        let mut at = 0;
        varint(delta, &mut at).unwrap();
        varint(delta, &mut at).unwrap();
        let mut out = Vec::new();
        while at < delta.len() {
            let op = delta[at];
            at += 1;
            if op & 0x80 != 0 {
                let mut field = |bits: u8, shift: usize| {
                    let mut v = 0usize;
                    for i in 0..bits {
                        if op & (1 << (shift + i as usize)) != 0 {
                            v |= usize::from(delta[at]) << (8 * i);
                            at += 1;
                        }
                    }
                    v
                };
                let src = field(4, 0);
                let len = match field(3, 4) {
                    0 => 0x10000,
                    n => n,
                };
                out.extend_from_slice(&base[src..src + len]);
            } else {
                out.extend_from_slice(&delta[at..at + op as usize]);
                at += op as usize;
            }
        }
        out
    }

    /// What `copies` says `delta` copies lands where the slow way puts it.
    fn check(base: &[u8], delta: &[u8]) -> Vec<Copy> {
        let mut found = Vec::new();
        copies(delta, &mut found).unwrap();
        let object = apply(base, delta);
        for c in &found {
            assert_eq!(&object[c.dst..c.dst + c.len], &base[c.src..c.src + c.len]);
        }
        found
    }

    #[test]
    fn copies_and_inserts_rebuild_the_object() {
        let base = b"0123456789abcdefghij";
        // sizes 20 and 13; copy base[2..7]; insert "XYZ"; copy base[15..20].
        let delta = [
            20,
            13,
            0x80 | 0x01 | 0x10,
            2,
            5,
            3,
            b'X',
            b'Y',
            b'Z',
            0x91,
            15,
            5,
        ];
        let mut out = Vec::new();
        assert_eq!(copies(&delta, &mut out), Ok((20, 13)));
        assert_eq!(
            out,
            vec![
                Copy {
                    src: 2,
                    dst: 0,
                    len: 5
                },
                Copy {
                    src: 15,
                    dst: 8,
                    len: 5
                }
            ]
        );
        assert_eq!(apply(base, &delta), b"23456XYZfghij");
        assert_eq!(check(base, &delta), out);
    }

    #[test]
    fn consecutive_copies_of_consecutive_bytes_are_one() {
        let base = b"0123456789abcdefghij";
        // copy base[0..4]; copy base[4..9]; insert "X"; copy base[9..12]; copy base[0..2].
        let delta = [20, 15, 0x91, 0, 4, 0x91, 4, 5, 1, b'X', 0x91, 9, 3, 0x90, 2];
        let copy = |src, dst, len| Copy { src, dst, len };
        assert_eq!(
            check(base, &delta),
            vec![copy(0, 0, 9), copy(9, 10, 3), copy(0, 13, 2)]
        );
        assert_eq!(apply(base, &delta), b"012345678X9ab01");
    }

    #[test]
    fn size_zero_means_64k_and_bad_deltas_are_errors() {
        let mut out = Vec::new();
        // 0x10000 = [0x80, 0x80, 0x04] as a varint; copy with no size byte.
        assert_eq!(
            copies(&[0x80, 0x80, 0x04, 0x80, 0x80, 0x04, 0x80], &mut out),
            Ok((0x10000, 0x10000))
        );
        assert_eq!(out[0].len, 0x10000);
        for bad in [
            &[5u8, 3, 0x91, 1][..],
            &[5, 1, 0],
            &[5, 2, 1, b'a'],
            &[0x80],
            &[5, 3, 0x91, 4, 3],
        ] {
            assert!(copies(bad, &mut Vec::new()).is_err(), "{bad:?}");
        }
    }
}
