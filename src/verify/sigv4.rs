//! AWS Signature Version 4 over one request (the scheme STS `GetCallerIdentity` needs), as
//! AWS documents it: canonical request -> string to sign -> HMAC-SHA256 key chain. Pure: the
//! caller gives the time, so AWS's published test vectors pin it. HMAC is written here over
//! `sha2` rather than pulled in as one more crate.

use sha2::{Digest, Sha256};

/// What is signed, and with which credential.
pub struct Signing<'a> {
    pub method: &'a str,
    pub host: &'a str,
    /// The path, already percent-encoded as it goes on the wire (`/` when empty).
    pub path: &'a str,
    /// The raw query (`a=1&b=2`), possibly empty.
    pub query: &'a str,
    /// Headers to sign besides `host` and `x-amz-date`.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    pub key_id: &'a str,
    pub secret: &'a str,
    pub region: &'a str,
    pub service: &'a str,
    /// `YYYYMMDDTHHMMSSZ`.
    pub datetime: &'a str,
}

/// The `Authorization` header value.
pub fn authorization(s: &Signing<'_>) -> String {
    let mut headers: Vec<(String, String)> = s
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), collapse(v)))
        .chain([
            ("host".to_string(), s.host.to_string()),
            ("x-amz-date".to_string(), s.datetime.to_string()),
        ])
        .collect();
    headers.sort();
    let signed: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    let signed = signed.join(";");
    let canonical_headers: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let path = if s.path.is_empty() { "/" } else { s.path };
    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        s.method,
        path,
        canonical_query(s.query),
        canonical_headers,
        signed,
        hex(&Sha256::digest(s.body))
    );
    let date = s.datetime.get(..8).unwrap_or(s.datetime);
    let scope = format!("{date}/{}/{}/aws4_request", s.region, s.service);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        s.datetime,
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let key = [date, s.region, s.service, "aws4_request"]
        .iter()
        .fold(format!("AWS4{}", s.secret).into_bytes(), |key, part| {
            mac(&key, part.as_bytes())
        });
    let signature = hex(&mac(&key, to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed}, Signature={signature}",
        s.key_id
    )
}

/// HMAC-SHA256 (RFC 2104), on the SHA-256 the crate already has.
fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(data)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .to_vec()
}

/// Parameters sorted by name then value, each re-encoded the way AWS wants.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (encode(&decode(k)), encode(&decode(v)))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// AWS's URI encoding: everything but unreserved characters, `%XX` upper case.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Header values: trimmed, inner runs of spaces made one.
fn collapse(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `YYYYMMDDTHHMMSSZ` for seconds since the Unix epoch (UTC): RFC 3339 without its
/// separators, as SigV4 writes it.
pub fn amz_datetime(unix: u64) -> String {
    let seconds = i64::try_from(unix).unwrap_or(i64::MAX);
    crate::finding::rfc3339(seconds).replace(['-', ':'], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The credential, date, region and service of AWS's SigV4 test suite
    /// (aws-sig-v4-test-suite, as published with the SigV4 documentation).
    fn vector<'a>(method: &'a str, path: &'a str, query: &'a str) -> Signing<'a> {
        Signing {
            method,
            host: "example.amazonaws.com",
            path,
            query,
            headers: &[],
            body: b"",
            key_id: "AKIDEXAMPLE",
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            region: "us-east-1",
            service: "service",
            datetime: "20150830T123600Z",
        }
    }

    const PREFIX: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=";

    #[test]
    fn aws_published_test_vectors() {
        for (name, method, path, query, signature) in [
            (
                "get-vanilla",
                "GET",
                "/",
                "",
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            ),
            (
                "get-vanilla-query-order-key-case",
                "GET",
                "/",
                "Param2=value2&Param1=value1",
                "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
            ),
            (
                "get-utf8",
                "GET",
                "/%E1%88%B4",
                "",
                "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
            ),
            (
                "post-vanilla",
                "POST",
                "/",
                "",
                "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
            ),
        ] {
            assert_eq!(
                authorization(&vector(method, path, query)),
                format!("{PREFIX}{signature}"),
                "{name}"
            );
        }
    }

    #[test]
    fn extra_headers_are_signed_in_order() {
        let headers = vec![("Content-Type".to_string(), "  a   b ".to_string())];
        let mut s = vector("POST", "/", "");
        s.headers = &headers;
        let auth = authorization(&s);
        assert!(
            auth.contains("SignedHeaders=content-type;host;x-amz-date,"),
            "{auth}"
        );
        assert_ne!(auth, authorization(&vector("POST", "/", "")));
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            hex(&mac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn datetime_from_unix_seconds() {
        assert_eq!(amz_datetime(1_440_938_160), "20150830T123600Z");
        assert_eq!(amz_datetime(0), "19700101T000000Z");
        assert_eq!(amz_datetime(951_782_400), "20000229T000000Z");
    }
}
