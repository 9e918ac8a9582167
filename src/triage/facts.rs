//! Facts about a secret that need no network and make a finding matter less: a JWT whose
//! `exp` is past or that is not signed at all, a provider's documented example value, a
//! test-mode or sandbox key, a key that is public by design (a public key, a certificate, a
//! publishable token). Each is a note on the finding with its reason; the finding stays
//! reported, for a person to judge.

use base64::Engine;

/// The notes for one secret of rule `rule_id`, at `now` (Unix seconds).
pub fn notes(rule_id: &str, secret: &str, now: u64) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(exp) = jwt_exp(secret).filter(|&exp| exp < now) {
        let days = (now - exp) / 86_400;
        let ago = match days {
            0 => "less than a day".to_string(),
            n => format!("{n} day(s)"),
        };
        notes.push(format!(
            "JWT expired {ago} ago (exp {exp}): it no longer authenticates, unless its signing key is what matters"
        ));
    }
    if jwt_header(secret).is_some_and(|h| h.get("alg").and_then(|a| a.as_str()) == Some("none")) {
        notes.push("an unsigned JWT (alg none): anyone can make one, it proves nothing".into());
    }
    if secret.contains("EXAMPLE") {
        notes.push("contains EXAMPLE, as providers' documented example values do".into());
    } else if let Some(whose) = DOCUMENTED
        .iter()
        .find(|(value, _)| secret.contains(value))
        .map(|(_, whose)| whose)
    {
        notes.push(format!(
            "{whose}'s documented example value, published in its docs"
        ));
    }
    if TEST_MODE.iter().any(|p| secret.starts_with(p)) {
        notes.push("a test-mode or sandbox key: it reaches no live data or money".into());
    }
    let public = PUBLIC_PREFIXES.iter().any(|p| secret.starts_with(p))
        || PUBLIC_PEM.iter().any(|p| secret.contains(p));
    if public || rule_id.ends_with("-public-token") {
        notes.push("a public key or token, meant to be shipped to clients".into());
    }
    notes
}

/// Values providers publish in their documentation, and whose they are.
const DOCUMENTED: &[(&str, &str)] = &[
    // The signature of the HS256 token jwt.io shows by default (secret `your-256-bit-secret`).
    ("SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "jwt.io"),
    // The test keys of Stripe's API reference.
    ("sk_test_4eC39HqLyjWDarjtT1zdp7dc", "Stripe"),
    ("pk_test_TYooMQauvdEDq54NiTphI7jx", "Stripe"),
];

/// Prefixes of keys that work only against a provider's test mode or sandbox.
const TEST_MODE: &[&str] = &[
    "sk_test_",
    "rk_test_",
    "pk_test_",
    "whsec_test_",
    "rzp_test_",
    "FLWSECK_TEST-",
    "sk_sbox_",
    "duffel_test_",
    "api_sandbox",
    "access-sandbox-",
    "processor-sandbox-",
    "klarna_test_api_",
    "ak_test_",
    "access_token$sandbox$",
];

/// Prefixes of public keys and of tokens meant for clients.
const PUBLIC_PREFIXES: &[&str] = &[
    "pk.",
    "pk_live_",
    "ssh-rsa ",
    "ssh-dss ",
    "ssh-ed25519 ",
    "ecdsa-sha2-",
    "sk-ssh-ed25519@openssh.com ",
    "sk-ecdsa-sha2-",
];

/// PEM blocks that hold public material only.
const PUBLIC_PEM: &[&str] = &[
    "-----BEGIN PUBLIC KEY-----",
    "-----BEGIN RSA PUBLIC KEY-----",
    "-----BEGIN PGP PUBLIC KEY BLOCK-----",
    "-----BEGIN CERTIFICATE-----",
    "-----BEGIN OPENSSH PUBLIC KEY-----",
];

/// The decoded header of a JWT-shaped secret.
fn jwt_header(secret: &str) -> Option<serde_json::Value> {
    let header = secret.split('.').next()?;
    if !header.starts_with("eyJ") || secret.split('.').count() != 3 {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The `exp` claim of a JWT (`header.payload.signature`, base64url), if it has one.
fn jwt_exp(secret: &str) -> Option<u64> {
    let mut parts = secret.split('.');
    let (header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !header.starts_with("eyJ") {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("exp")?.as_f64().map(|e| e.max(0.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!(
            "{}.{}.c2lnbmF0dXJl",
            enc(r#"{"alg":"HS256","typ":"JWT"}"#),
            enc(claims)
        )
    }

    #[test]
    fn an_expired_jwt_is_noted_and_a_current_one_is_not() {
        let now = 1_700_000_000;
        let old = notes("jwt", &jwt(r#"{"sub":"1","exp":1600000000}"#), now);
        assert_eq!(old.len(), 1);
        assert!(old[0].starts_with("JWT expired 1157 day(s) ago"), "{old:?}");
        assert!(notes("jwt", &jwt(r#"{"sub":"1","exp":1800000000}"#), now).is_empty());
        assert!(notes("jwt", &jwt(r#"{"sub":"1"}"#), now).is_empty());
        assert!(notes("jwt", "eyJhbGciOi.not-base64!.x", now).is_empty());
    }

    #[test]
    fn examples_test_mode_and_public_keys_are_noted() {
        assert_eq!(
            notes("aws-access-key-id", "AKIAIOSFODNN7EXAMPLE", 0).len(),
            1
        );
        assert!(notes("stripe-secret-key", "sk_test_51Habcdef", 0)[0].contains("test-mode"));
        assert!(notes("mapbox-public-token", "pk.eyJ1IjoiYSJ9.abc", 0)[0].contains("public"));
        assert!(notes("stripe-secret-key", "sk_live_51Habcdef", 0).is_empty());
        assert!(notes("razorpay-key", "rzp_test_AbCdEf0123456789", 0)[0].contains("sandbox"));
        assert!(notes("ssh", "ecdsa-sha2-nistp256 AAAAE2VjZHNh", 0)[0].contains("public"));
        assert!(notes("pem", "-----BEGIN CERTIFICATE-----\nMIIB\n", 0)[0].contains("public"));
    }

    #[test]
    fn documented_examples_and_unsigned_jwts_are_noted() {
        let jwt_io = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assert_eq!(
            notes("jwt", jwt_io, 0),
            ["jwt.io's documented example value, published in its docs"]
        );
        let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let unsigned = format!("{}.{}.", enc(r#"{"alg":"none"}"#), enc(r#"{"sub":"1"}"#));
        assert!(notes("jwt", &unsigned, 0)[0].contains("unsigned"));
        assert!(notes("jwt", &jwt(r#"{"sub":"1"}"#), 0).is_empty());
    }
}
