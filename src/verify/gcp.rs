//! GCP service-account keys: the key file's fields read from the finding's match
//! (`client_email`, `private_key`, `universe_domain`), and the RS256-signed JWT that Google's
//! token endpoint exchanges for an access token (the OAuth 2.0 JWT bearer grant Google
//! documents for server-to-server applications). The assertion goes to the verifier's URL,
//! Google's documented endpoint, whatever `token_uri` the file names: a hostile key file cannot
//! choose where its signed assertion is sent.

#[cfg(feature = "verify")]
use base64::Engine;

/// What the request needs from a key file.
#[derive(Debug, PartialEq, Eq)]
pub struct KeyFile {
    pub client_email: String,
    /// The PEM text, newlines decoded.
    pub private_key: String,
}

/// Reads a key file's fields from `text` (the JSON object, or as much of it as was matched):
/// each `"name": "value"` is found by name and its value decoded as a JSON string, so a file
/// with its fields in any order, or one not quite JSON around them, still reads.
pub fn key_file(text: &str) -> Result<KeyFile, String> {
    if let Some(universe) = field(text, "universe_domain")
        && universe != "googleapis.com"
    {
        return Err(format!(
            "the key belongs to universe `{universe}`, not Google's public cloud"
        ));
    }
    let client_email = field(text, "client_email").ok_or("no client_email in the key file")?;
    let private_key = field(text, "private_key").ok_or("no private_key in the key file")?;
    Ok(KeyFile {
        client_email,
        private_key,
    })
}

/// The JSON string value of the first `"name"` key in `text`.
fn field(text: &str, name: &str) -> Option<String> {
    let quoted = format!("\"{name}\"");
    let mut from = 0;
    while let Some(at) = text[from..].find(&quoted) {
        let after = &text[from + at + quoted.len()..];
        if let Some(rest) = after.trim_start().strip_prefix(':') {
            let mut values = serde_json::Deserializer::from_str(rest.trim_start()).into_iter();
            if let Some(Ok(serde_json::Value::String(s))) = values.next() {
                return Some(s);
            }
        }
        from += at + quoted.len();
    }
    None
}

/// The request body: the JWT bearer grant with an assertion for `key`, issued at `now`, for
/// `audience` (the token endpoint) and `scope`.
#[cfg(feature = "verify")]
pub fn token_request(
    key: &KeyFile,
    audience: &str,
    scope: &str,
    now: u64,
) -> Result<String, String> {
    let jwt = assertion(key, audience, scope, now)?;
    Ok(format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={jwt}"
    ))
}

/// `header.claims.signature`, RS256 with the key file's private key, valid for an hour.
#[cfg(feature = "verify")]
fn assertion(key: &KeyFile, audience: &str, scope: &str, now: u64) -> Result<String, String> {
    use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let claims = serde_json::json!({
        "iss": key.client_email,
        "scope": scope,
        "aud": audience,
        "iat": now,
        "exp": now + 3600,
    });
    let claims = b64.encode(claims.to_string());
    let signed = format!("{header}.{claims}");
    let (label, der) = pem(&key.private_key)?;
    let pair = match label.as_str() {
        "PRIVATE KEY" => RsaKeyPair::from_pkcs8(&der),
        "RSA PRIVATE KEY" => RsaKeyPair::from_der(&der),
        other => return Err(format!("private_key is a PEM `{other}`, not an RSA key")),
    }
    .map_err(|e| format!("private_key is not a usable RSA key ({e})"))?;
    let mut signature = vec![0; pair.public().modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        signed.as_bytes(),
        &mut signature,
    )
    .map_err(|_| "signing the assertion failed".to_string())?;
    Ok(format!("{signed}.{}", b64.encode(signature)))
}

/// The label and bytes of the first PEM block in `text`.
#[cfg(feature = "verify")]
fn pem(text: &str) -> Result<(String, Vec<u8>), String> {
    let begin = text.find("-----BEGIN ").ok_or("private_key is not PEM")?;
    let rest = &text[begin + 11..];
    let label_end = rest.find("-----").ok_or("private_key is not PEM")?;
    let label = rest[..label_end].to_string();
    let body = &rest[label_end + 5..];
    let end = body
        .find("-----END ")
        .ok_or("private_key has no END line")?;
    let b64: String = body[..end]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| "private_key's PEM body is not base64".to_string())?;
    Ok((label, der))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_in_any_order_and_decoded() {
        let text = r#"{"private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "note": "\"client_email\": \"decoy\"",
            "client_email": "sa@p.iam.gserviceaccount.com", "type": "service_account"}"#;
        let key = key_file(text).unwrap();
        assert_eq!(key.client_email, "sa@p.iam.gserviceaccount.com");
        assert_eq!(
            key.private_key,
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        );
        assert!(
            key_file(r#"{"client_email": "a@b"}"#)
                .unwrap_err()
                .contains("private_key")
        );
    }

    #[test]
    fn a_key_of_another_universe_is_not_sent_to_google() {
        let text = r#"{"client_email": "a@b", "private_key": "x", "universe_domain": "example.sovereign"}"#;
        assert!(key_file(text).unwrap_err().contains("universe"));
        let text =
            r#"{"client_email": "a@b", "private_key": "x", "universe_domain": "googleapis.com"}"#;
        assert!(key_file(text).is_ok());
    }

    #[cfg(feature = "verify")]
    #[test]
    fn pem_blocks_are_decoded() {
        let (label, der) =
            pem("-----BEGIN PRIVATE KEY-----\nAQID\nBA==\n-----END PRIVATE KEY-----\n").unwrap();
        assert_eq!((label.as_str(), der), ("PRIVATE KEY", vec![1, 2, 3, 4]));
        assert!(pem("no pem").is_err());
    }

    #[cfg(feature = "verify")]
    #[test]
    fn a_key_that_is_not_rsa_is_a_clear_error() {
        let key = KeyFile {
            client_email: "a@b".into(),
            private_key: "-----BEGIN PRIVATE KEY-----\nAQID\n-----END PRIVATE KEY-----\n".into(),
        };
        let err = token_request(&key, "https://oauth2.googleapis.com/token", "s", 0).unwrap_err();
        assert!(err.contains("not a usable RSA key"), "{err}");
    }
}
