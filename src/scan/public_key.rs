//! Public key material written as hex or base64: what a value's leading bytes show to be a
//! public key or a certificate, which a name such as `testKeyHex` or `signingKey` does not
//! make a secret.
//!
//! Two encodings are recognised, by structure that random bytes match by chance less than
//! once in thirty thousand (OpenPGP's three bytes; DER's far less often):
//! - DER: a `SubjectPublicKeyInfo` (a sequence whose first element is the algorithm, with an
//!   RSA, EC, DSA, Ed25519 or X25519 key id) or an X.509 certificate (a sequence, a sequence,
//!   then the explicit version `[0] INTEGER`). Private keys (PKCS#1, PKCS#8, SEC1) open with
//!   an INTEGER version instead, and an encrypted PKCS#8 key names a cipher, not a key type.
//! - OpenPGP: a first packet that is a public key or public subkey (tags 6 and 14), of version
//!   1 to 5, whose algorithm byte is a known one. A secret key ring starts with tag 5.

use base64::Engine;

/// How many leading bytes are decoded: enough for every structure read here.
const PREFIX: usize = 48;

/// Whether `value`, as hex or base64, starts with a public key or a certificate.
pub fn public_key(value: &[u8]) -> bool {
    decode_prefix(value).is_some_and(|b| der_public(&b) || pgp_public(&b))
}

/// Whether `value` is hex of DER that opens with an algorithm identifier (a sequence whose
/// first element is a sequence that starts with an object identifier), after an optional
/// `<n>:` tag and before an optional `:<id>` (Dovecot's `2:3058...:185a...`): a public key of
/// any algorithm, or an OCSP CertID. No private key is written so: PKCS #1 and #8 open with a
/// version number.
pub fn der_identified(value: &[u8]) -> bool {
    let mut fields = value.split(|&b| b == b':');
    let first = fields.next().unwrap_or(value);
    let hex = match fields.next() {
        Some(der) if first.iter().all(u8::is_ascii_digit) => der,
        _ => first,
    };
    hex.len() >= 40
        && hex.iter().all(u8::is_ascii_hexdigit)
        && decode_prefix(hex)
            .is_some_and(|b| algorithm_first(&b).is_some_and(|at| b.get(at) == Some(&0x06)))
}

/// The first [`PREFIX`] bytes of a hex or base64 (standard or URL-safe) value.
fn decode_prefix(value: &[u8]) -> Option<Vec<u8>> {
    if value.len() >= 16 && value.iter().all(u8::is_ascii_hexdigit) {
        let n = value.len().min(2 * PREFIX) & !1;
        return value[..n]
            .chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
            .collect();
    }
    // Whole groups of four characters before any padding decode on their own.
    let value = value
        .strip_suffix(b"==")
        .or(value.strip_suffix(b"="))
        .unwrap_or(value);
    let n = value.len().min(PREFIX / 3 * 4) & !3;
    let text: Vec<u8> = value[..n]
        .iter()
        .map(|&b| match b {
            b'-' => b'+',
            b'_' => b'/',
            b => b,
        })
        .collect();
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(text)
        .ok()
}

/// After a DER tag at `at`: where its contents start.
fn der_contents(b: &[u8], at: usize) -> Option<usize> {
    match *b.get(at + 1)? {
        0x81 => Some(at + 3),
        0x82 => Some(at + 4),
        0x83 => Some(at + 5),
        n if n < 0x80 => Some(at + 2),
        _ => None,
    }
}

fn der_public(b: &[u8]) -> bool {
    const KEY_TYPES: &[&[u8]] = &[
        b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", // rsaEncryption
        b"\x06\x07\x2a\x86\x48\xce\x3d\x02\x01",         // id-ecPublicKey
        b"\x06\x07\x2a\x86\x48\xce\x38\x04\x01",         // id-dsa
        b"\x06\x03\x2b\x65\x70",                         // Ed25519
        b"\x06\x03\x2b\x65\x6e",                         // X25519
    ];
    let Some(first) = algorithm_first(b) else {
        return false;
    };
    let rest = b.get(first..).unwrap_or_default();
    KEY_TYPES.iter().any(|t| rest.starts_with(t)) || rest.starts_with(b"\xa0\x03\x02\x01")
}

/// In DER that opens with a sequence within a sequence (where a `SubjectPublicKeyInfo` has its
/// algorithm and a certificate its `TBSCertificate`): where the inner one's contents start.
fn algorithm_first(b: &[u8]) -> Option<usize> {
    if b.first() != Some(&0x30) {
        return None;
    }
    let inner = der_contents(b, 0)?;
    if b.get(inner) != Some(&0x30) {
        return None;
    }
    der_contents(b, inner)
}

fn pgp_public(b: &[u8]) -> bool {
    let Some(&head) = b.first() else {
        return false;
    };
    if head & 0x80 == 0 {
        return false;
    }
    // New format: the tag in six bits and a length of one, two or five bytes; old format:
    // the tag in four bits and a length of one, two or four bytes.
    let (tag, body) = if head & 0x40 != 0 {
        let len_bytes = match b.get(1) {
            Some(0..=191) => 1,
            Some(192..=223) => 2,
            Some(255) => 5,
            _ => return false,
        };
        (head & 0x3f, 1 + len_bytes)
    } else {
        let len_bytes = match head & 3 {
            0 => 1,
            1 => 2,
            2 => 4,
            _ => return false,
        };
        ((head >> 2) & 0x0f, 1 + len_bytes)
    };
    // Version, four bytes of creation time (up to v3: and two of validity), then the
    // algorithm.
    const ALGORITHMS: &[u8] = &[1, 2, 3, 16, 17, 18, 19, 22, 25, 26, 27, 28];
    let algorithm_at = match b.get(body) {
        Some(1..=3) => body + 7,
        Some(4 | 5) => body + 5,
        _ => return false,
    };
    matches!(tag, 6 | 14) && b.get(algorithm_at).is_some_and(|a| ALGORITHMS.contains(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_that_opens_with_an_algorithm_is_identified_in_hex_only() {
        // Dovecot's tagged public key, an OCSP CertID (SHA-1's identifier first).
        let spki = "3058301006072a8648ce3d020106052b81040023034400030152e5d6c8c46a4d0e96f2d0e7b3";
        assert!(der_identified(format!("2:{spki}:185a7212").as_bytes()));
        assert!(der_identified(
            b"303b300906052b0e03021a050004148a83e0060faff709ca7e9b95522a2e81635fda0a0414f652"
        ));
        // A PKCS #8 private key opens with its version; the same key in base64 is not read.
        assert!(!der_identified(
            b"3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420"
        ));
        assert!(!der_identified(
            b"MFgwEAYHKoZIzj0CAQYFK4EEACMDRAADAVLl1sjEak0OlvLQ57O2"
        ));
    }

    #[test]
    fn public_keys_and_certificates_in_hex_and_base64() {
        // SubjectPublicKeyInfo: RSA and Ed25519, base64; a certificate's first bytes.
        assert!(public_key(
            b"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo"
        ));
        assert!(public_key(
            b"MCowBQYDK2VwAyEAgxhXK83jo/aJPgftH+R2lgkkQSXXuW4p/0B07FBPy0c="
        ));
        assert!(public_key(
            b"MIIDdzCCAl+gAwIBAqFqojyBa0JnBaXxfDniXqC9ZEdpa0lWVr0LddWv1VNe"
        ));
        // OpenPGP public key packets in hex: old format (v4 RSA), new format, v4 EdDSA, v1.
        assert!(public_key(
            b"988d04585c19e7010400420dd5d2e5c5d8bc6046a3996f241df3c3205206"
        ));
        assert!(public_key(
            b"c6c04d04ec40bcfc0108008e2aea69716303b6d0af2e1700ffbaa0d5c899"
        ));
        assert!(public_key(
            b"983304bdd6dc2716092b06010401da470f01012522cec3d0b19b8e76b655"
        ));
        assert!(public_key(
            b"988d01b92aa5b50000010400d2f54fd79861b5e1bd4532addd687c517344"
        ));
    }

    #[test]
    fn private_keys_and_random_values_are_not_public() {
        // PKCS#1 and PKCS#8 private keys; an OpenPGP secret key ring (tag 5).
        assert!(!public_key(
            b"3082025d0201000281810086c8d695f0f9b7bad9d02ffb493039f0709018"
        ));
        let pkcs8 = b"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8c"; // keyscout:allow
        assert!(!public_key(pkcs8));
        assert!(!public_key(
            b"9501e104196860581104009123376b34446553eea3ae67c295dfd905a864"
        ));
        // Random tokens, hex and base64, and short values.
        assert!(!public_key(b"9f8e7d6c5b4a39281706f5e4d3c2b1a0"));
        assert!(!public_key(b"Xq3vT9pL2mZ8kR5wN7yB4cJ6"));
        assert!(!public_key(b"98"));
        assert!(!public_key(b""));
    }
}
