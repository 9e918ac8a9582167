//! Offline checksums that some token formats carry, so a scanner can tell a real token from
//! a string that only looks like one.

/// A checksum scheme a rule's secret must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// GitHub's (and npm's) format: `PREFIX_` + body + 6 base62 digits of the body's CRC32,
    /// zero-padded, digits `0-9A-Za-z`.
    Base62Crc32,
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Checksum {
    /// The scheme named in a rule file.
    pub fn parse(name: &str) -> Option<Checksum> {
        match name {
            "base62-crc32" => Some(Checksum::Base62Crc32),
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
        }
    }
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
}
