//! Checks on what a rule's secret decodes to, for formats whose encoded text cannot tell a
//! credential from an ordinary word by its shape: `Authorization: Basic` is followed by
//! base64 of `user:password`, and so is `Basic Authentication` by a word in the base64
//! alphabet; a Grafana API key is base64 of JSON, and so is a Power BI report's public link.
//! A match whose secret fails its rule's check is no finding.

/// What a rule's secret must decode to (`decodes = "..."` in a rule file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decodes {
    /// Base64 (standard alphabet, padding optional) of `user:password` as HTTP Basic
    /// authentication sends it: UTF-8 text without control characters, a non-empty user,
    /// a colon, and a password that is not a placeholder.
    BasicAuth,
    /// Base64 of a Grafana legacy API key's JSON, `{"k":"<key>","n":"<name>","id":<org>}`:
    /// other JSON that opens with a `"k"` member (a Power BI report's published link,
    /// `{"k":"<uuid>","t":"<tenant>","c":6}`) is none.
    GrafanaKey,
}

impl Decodes {
    /// The check named in a rule file.
    pub fn parse(name: &str) -> Option<Decodes> {
        match name {
            "basic-auth" => Some(Decodes::BasicAuth),
            "grafana-key" => Some(Decodes::GrafanaKey),
            _ => None,
        }
    }

    /// Whether `secret` decodes to what this check requires.
    pub fn accepts(self, secret: &[u8]) -> bool {
        match self {
            Decodes::BasicAuth => base64_text(secret).is_some_and(|text| is_user_password(&text)),
            Decodes::GrafanaKey => base64_text(secret).is_some_and(|text| {
                let members = |m: &[&str]| m.iter().all(|m| text.contains(m));
                text.starts_with("{\"k\":\"") && members(&["\"n\":\"", "\"id\":"])
            }),
        }
    }
}

/// Whether `secret` is base64 of `user:password` whose password is a stand-in
/// (`dXNlcm5hbWU6cGFzc3dvcmQ=`, `username:password`): what the Basic rule rejects, as a value
/// of any other rule.
pub fn placeholder_pair(secret: &[u8]) -> bool {
    base64_text(secret).is_some_and(|text| {
        pair(&text).is_some_and(|(user, password)| !user.is_empty() && is_placeholder(password))
    })
}

/// Standard base64 of UTF-8 text, decoded.
fn base64_text(secret: &[u8]) -> Option<String> {
    base64(secret).and_then(|raw| String::from_utf8(raw).ok())
}

/// `text` cut at its first colon into user and password, when it holds no control character.
fn pair(text: &str) -> Option<(&str, &str)> {
    if text.chars().any(char::is_control) {
        return None;
    }
    text.split_once(':')
}

/// `user:password` with a real-looking password. A final newline is forgiven: `echo`
/// without `-n` piped to `base64` adds one.
fn is_user_password(text: &str) -> bool {
    let text = text
        .strip_suffix('\n')
        .map_or(text, |t| t.strip_suffix('\r').unwrap_or(t));
    // (A JWT's header, `{"alg":"HS256",...}`, holds colons too.)
    !text.starts_with('{')
        && pair(text).is_some_and(|(user, password)| {
            !user.trim().is_empty() && !password.trim().is_empty() && !is_placeholder(password)
        })
}

/// Passwords that documentation and templates write in place of a real one.
fn is_placeholder(password: &str) -> bool {
    let lower = password.to_ascii_lowercase();
    // (`my password`, written as words.)
    let joined = lower.replace(' ', "");
    let templated = ["${", "$(", "{{", "<", "%s", "%(", "#{"]
        .iter()
        .any(|m| lower.contains(m))
        || lower.starts_with('$');
    let one_char_repeated = lower.len() >= 3 && lower.bytes().all(|b| b == lower.as_bytes()[0]);
    let words = [
        "password",
        "changeme",
        "change_me",
        "example",
        "placeholder",
        "yourpassword",
        "your_password",
        "your-password",
        "mypassword",
        "redacted",
        "foo",
        "bar",
        "baz",
        // What a language writes for no value, as a client formats unset credentials
        // (`None:None` from Python).
        "none",
        "null",
        "nil",
        "undefined",
    ];
    // Counting runs (`123456`) and constants (`CLIENT_SECRET`, also with escaped punctuation
    // after it: `CLIENT_SECRET%3F`). (A test pair such as `user:pass` is still a committed
    // credential.)
    let counting = lower.starts_with("1234");
    let name = password.split('%').next().unwrap_or(password);
    let constant = name.contains('_')
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    // The name of one in any case, `client_secret`, `clientSecret`, `wrong-password`, or a
    // mock's, `mock-oauth-token`. (`test_secret` is a test's password.)
    let parts = crate::scan::words(name.as_bytes());
    let named = parts.len() >= 2
        && matches!(
            parts[0].as_str(),
            "client" | "app" | "api" | "consumer" | "wrong" | "bad" | "my" | "your" | "mock"
        )
        && parts.last().is_some_and(|last| {
            matches!(
                last.as_str(),
                "secret" | "password" | "passwd" | "pass" | "token" | "key"
            )
        });
    templated
        || one_char_repeated
        || words.contains(&joined.as_str())
        || counting
        || constant
        || named
}

/// Decodes standard base64, padded or not; `None` for any other byte or a length that no
/// encoding has.
fn base64(text: &[u8]) -> Option<Vec<u8>> {
    let body = text.strip_suffix(b"==").or_else(|| text.strip_suffix(b"="));
    let body = body.unwrap_or(text);
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in body {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Standard base64 with padding, written independently of the decoder under test.
    fn encode(raw: &[u8]) -> String {
        const DIGITS: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in raw.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(DIGITS[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn base64_round_trips_every_length_padded_or_not() {
        let raw: Vec<u8> = (0..=255u8).rev().collect();
        for len in 0..40 {
            let encoded = encode(&raw[..len]);
            assert_eq!(
                base64(encoded.as_bytes()),
                Some(raw[..len].to_vec()),
                "{len}"
            );
            let bare = encoded.trim_end_matches('=');
            assert_eq!(base64(bare.as_bytes()), Some(raw[..len].to_vec()), "{len}");
        }
        assert_eq!(base64(b"abcde"), None);
        assert_eq!(base64(b"ab-_"), None);
        assert_eq!(base64(b"a=bc"), None);
    }

    #[test]
    fn basic_auth_needs_user_colon_real_password() {
        let check = |text: &str| Decodes::BasicAuth.accepts(encode(text.as_bytes()).as_bytes());
        assert!(check("deploy:Xk9pQ2vL7mZr"));
        assert!(check("svc-orders@acme.io:a:b:c"));
        assert!(check("ci:P4ss wörd"));
        assert!(check("deploy:Xk9pQ2vL7mZr\n"));
        assert!(!check("deploy"));
        assert!(!check(":Xk9pQ2vL7mZr"));
        assert!(!check("deploy:"));
        assert!(!check("user:password"));
        assert!(!check("admin:PASSWORD"));
        assert!(!check("api:${API_TOKEN}"));
        assert!(!check("api:<token>"));
        assert!(!check("api:{{ token }}"));
        assert!(!check("api:xxxxxxxx"));
        assert!(!check("foo:bar"));
        assert!(!check("1:123456"));
        assert!(!check("CLIENT_ID:CLIENT_SECRET"));
        assert!(!check("CLIENT_ID%3F:CLIENT_SECRET%3F%3F"));
        assert!(!check("client_id:client_secret"));
        assert!(!check("client_id:wrong_secret"));
        assert!(!check("clientId:clientSecret"));
        assert!(!check("clientId:clientSecret="));
        assert!(!check("client-id:client-secret"));
        assert!(!check("user:mock-oauth-token"));
        assert!(check("client_id:s3cret_2019"));
        assert!(check("test_client:test_secret"));
        // A committed test pair is still a credential.
        assert!(check("user:pass"));
        assert!(check("tobi:ferret"));
        assert!(!check("None:None"));
        assert!(!check("user:undefined"));
        assert!(!check("line\nbreak:Xk9pQ2vL7mZr"));
        assert!(!check("deploy:Xk9pQ2vL7mZr\n\n"));
        assert!(!check(r#"{"alg":"HS256","typ":"JWT"}"#));
        assert!(!Decodes::BasicAuth.accepts(b"Authentication"));
        assert!(!Decodes::BasicAuth.accepts(&[0xff, 0xfe]));
    }

    #[test]
    fn placeholder_pairs_are_base64_of_a_stand_in_password() {
        let pair = |text: &str| placeholder_pair(encode(text.as_bytes()).as_bytes());
        assert!(pair("username:password"));
        assert!(pair("admin:changeme"));
        assert!(pair("my username:my password"));
        assert!(!pair("deploy:Xk9pQ2vL7mZr"));
        assert!(!pair(":password"));
        assert!(!pair("password"));
        assert!(!placeholder_pair(b"not base64!"));
    }

    #[test]
    fn grafana_keys_are_base64_of_their_json() {
        let check = |text: &str| Decodes::GrafanaKey.accepts(encode(text.as_bytes()).as_bytes());
        assert!(check(
            r#"{"k":"Qm3xT8vLp2RwZc9YhN4sJd7KfA1gBe6U","n":"ci","id":1}"#
        ));
        assert!(!check(
            r#"{"k":"7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f","t":"1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9","c":8}"#
        ));
        assert!(!check(r#"{"k":"Qm3xT8vLp2RwZc9YhN4sJd7KfA1gBe6U"}"#));
        assert!(!Decodes::GrafanaKey.accepts(b"eyJrIjoi!"));
    }

    #[test]
    fn names_in_rule_files() {
        assert_eq!(Decodes::parse("basic-auth"), Some(Decodes::BasicAuth));
        assert_eq!(Decodes::parse("grafana-key"), Some(Decodes::GrafanaKey));
        assert_eq!(Decodes::parse("base64"), None);
    }
}
