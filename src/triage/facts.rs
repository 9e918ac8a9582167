//! Facts about a secret that need no network and make a finding matter less: a JWT whose
//! `exp` is past, a value shaped like a provider's documented example or test-mode key, a
//! key that is public by design. Each is a note on the finding with its reason; the finding
//! stays reported, for a person to judge.

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
    if secret.contains("EXAMPLE") {
        notes.push("contains EXAMPLE, as providers' documented example values do".into());
    }
    let test_mode = ["sk_test_", "rk_test_", "pk_test_", "whsec_test_"];
    if test_mode.iter().any(|p| secret.starts_with(p)) {
        notes.push("a test-mode key: it reaches no live data or money".into());
    }
    let public = secret.starts_with("pk.")
        || secret.starts_with("pk_live_")
        || secret.contains("-----BEGIN PUBLIC KEY-----")
        || secret.starts_with("ssh-rsa ")
        || secret.starts_with("ssh-ed25519 ");
    if public || rule_id.ends_with("-public-token") {
        notes.push("a public key or token, meant to be shipped to clients".into());
    }
    notes
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
    }
}
