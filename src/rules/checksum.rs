//! Offline checksums that some token formats carry, so a scanner can tell a real token from
//! a string that only looks like one.

/// A checksum scheme a rule's secret must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// GitHub's (and npm's) format: `PREFIX_` + body + 6 base62 digits of the body's CRC32,
    /// zero-padded, digits `0-9A-Za-z`.
    Base62Crc32,
    /// A NATS nkey seed: 58 base32 digits (RFC 4648, unpadded) of 2 prefix bytes (`S` and the
    /// key type), the 32-byte Ed25519 seed and the CRC16/XMODEM of those 34 bytes, little
    /// endian.
    NkeySeed,
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Checksum {
    /// The scheme named in a rule file.
    pub fn parse(name: &str) -> Option<Checksum> {
        match name {
            "base62-crc32" => Some(Checksum::Base62Crc32),
            "nkey-seed" => Some(Checksum::NkeySeed),
            _ => None,
        }
    }

    /// Whether `secret` carries a valid checksum.
    pub fn verify(self, secret: &[u8]) -> bool {
        match self {
            Checksum::Base62Crc32 => {
                let body_start = memchr::memrchr(b'_', secret).map_or(0, |i| i + 1);
                let Some(split) = secret.len().checked_sub(6).filter(|&s| s > body_start) else {
                    return false;
                };
                let (body, check) = (&secret[body_start..split], &secret[split..]);
                base62_crc32(body) == check
            }
            Checksum::NkeySeed => nkey_seed_checks(secret),
        }
    }
}

/// Whether `secret` is a well-formed nkey seed whose CRC16 holds.
fn nkey_seed_checks(secret: &[u8]) -> bool {
    let Some(raw) = base32(secret).filter(|raw| raw.len() == 36) else {
        return false;
    };
    // The first 5 bits spell `S`; the next 8 are the key type's own prefix byte.
    const SEED: u8 = 18 << 3;
    if raw[0] & 0xf8 != SEED {
        return false;
    }
    let (payload, check) = raw.split_at(34);
    crc16_xmodem(payload) == u16::from_le_bytes([check[0], check[1]])
}

/// RFC 4648 base32, upper case, unpadded; trailing bits that make no whole byte are dropped.
fn base32(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in text {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'2'..=b'7' => b - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection.
fn crc16_xmodem(data: &[u8]) -> u16 {
    let mut crc = 0u16;
    for &b in data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The 6-digit base62 CRC32 of `body`.
pub fn base62_crc32(body: &[u8]) -> [u8; 6] {
    let mut n = crc32fast::hash(body);
    let mut out = [b'0'; 6];
    for digit in out.iter_mut().rev() {
        *digit = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_token_checksums() {
        // The body and checksum of an expired, revoked token that write-ups of GitHub's format
        // use; the token is put together here so that this file holds none.
        let body = "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ";
        assert_eq!(&base62_crc32(body.as_bytes()), b"0mLq17");
        let token = |body: &str, check: &str| format!("ghp_{body}{check}").into_bytes();
        let scheme = Checksum::Base62Crc32;
        assert!(scheme.verify(&token(body, "0mLq17")));
        assert!(!scheme.verify(&token(body, "0mLq18")));
        assert!(!scheme.verify(&token(&body.replace('J', "K"), "0mLq17")));
        assert!(!scheme.verify(b"ghp_0mLq1"));
        assert!(!scheme.verify(b""));
    }

    /// RFC 4648 base32 without padding, written apart from the decoder under test.
    fn base32_encode(raw: &[u8]) -> String {
        const DIGITS: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let bits: Vec<u8> = raw
            .iter()
            .flat_map(|b| (0..8).rev().map(move |i| (b >> i) & 1))
            .collect();
        bits.chunks(5)
            .map(|c| {
                let v = (0..5).fold(0, |v, i| v << 1 | c.get(i).copied().unwrap_or(0));
                DIGITS[v as usize] as char
            })
            .collect()
    }

    /// An invented seed of key type `kind` (the public prefix byte) over `fill`.
    fn seed(kind: u8, fill: u8) -> String {
        let mut raw = vec![(18 << 3) | (kind >> 5), (kind & 31) << 3];
        raw.extend((0..32u8).map(|i| i.wrapping_mul(37) ^ fill));
        let crc = crc16_xmodem(&raw);
        raw.extend(crc.to_le_bytes());
        base32_encode(&raw)
    }

    #[test]
    fn crc16_xmodem_check_value() {
        assert_eq!(crc16_xmodem(b"123456789"), 0x31c3);
        assert_eq!(crc16_xmodem(b""), 0);
    }

    #[test]
    fn nkey_seeds_checksum() {
        let scheme = Checksum::NkeySeed;
        for (kind, prefix) in [(20 << 3, "SU"), (0, "SA"), (14 << 3, "SO"), (13 << 3, "SN")] {
            let good = seed(kind, 0x5a);
            assert_eq!(good.len(), 58);
            assert!(good.starts_with(prefix), "{good}");
            assert!(scheme.verify(good.as_bytes()), "{good}");
            let mut bad = good.clone().into_bytes();
            bad[30] = if bad[30] == b'A' { b'B' } else { b'A' };
            assert!(!scheme.verify(&bad));
            assert!(!scheme.verify(&good.as_bytes()[..57]));
            assert!(!scheme.verify(good.to_lowercase().as_bytes()));
        }
        // A public key (one prefix byte) is no seed.
        let mut public = vec![20 << 3];
        public.extend([7u8; 32]);
        let crc = crc16_xmodem(&public);
        public.extend(crc.to_le_bytes());
        assert!(!scheme.verify(base32_encode(&public).as_bytes()));
    }
}
