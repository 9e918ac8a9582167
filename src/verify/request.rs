//! From a verifier and one finding to the exact request sent: templates filled with the
//! secret, the rule's capture groups and paired secrets (`{{rule:ID}}`), Basic auth encoded,
//! and the signed schemes signed. Values put into the URL are percent-encoded and header
//! values may not break a line, so a secret cannot change where the request goes.

use base64::Engine;
use regex_automata::util::captures::Captures;

use crate::rules::verify::{Part, Template};
use crate::rules::{Method, Rule, Verifier, VerifyKind};

/// One request, ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Request {
    pub method: Method,
    pub url: String,
    /// The verifier's literal host: the only host this request may reach.
    pub host: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The same request to another host of the provider (a literal `other_hosts` entry).
    pub fn to_host(&self, host: &str) -> Request {
        let rest = self
            .url
            .strip_prefix("https://")
            .and_then(|r| r.get(self.host.len()..))
            .unwrap_or("/");
        Request {
            url: format!("https://{host}{rest}"),
            host: host.to_string(),
            ..self.clone()
        }
    }
}

/// What templates are filled from.
pub struct Values<'a> {
    pub secret: &'a str,
    /// The finding's whole match (a service-account key file's JSON object).
    pub matched: &'a str,
    /// The rule's capture groups over the finding's match.
    pub captures: Option<(&'a Captures, &'a [u8])>,
    /// `{{rule:ID}}` -> the secret of a finding of that rule in the same file.
    pub paired: &'a [(&'a str, &'a str)],
}

/// Runs the rule's regex over `matched` for `{{N}}` and `{{name}}`.
pub fn captures(rule: &Rule, matched: &[u8]) -> Option<Captures> {
    let regex = rule.regex.as_ref()?.regex().ok()?;
    let mut caps = regex.create_captures();
    regex.captures(matched, &mut caps);
    caps.is_match().then_some(caps)
}

fn render(t: &Template, v: &Values<'_>, in_url: bool) -> Result<String, String> {
    let mut out = String::new();
    for part in &t.parts {
        let value: String = match part {
            Part::Text(text) => {
                out.push_str(text);
                continue;
            }
            Part::Secret => v.secret.to_string(),
            Part::Group(n) => group(v, |c| c.get_group(*n), &n.to_string())?,
            Part::Named(name) => group(v, |c| c.get_group_by_name(name), name)?,
            Part::Rule(id) => v
                .paired
                .iter()
                .find(|(rule, _)| rule == id)
                .map(|(_, s)| s.to_string())
                .ok_or_else(|| format!("no `{id}` finding in the same file to pair with"))?,
        };
        if in_url {
            out.push_str(&url_encode(&value));
        } else {
            out.push_str(&value);
        }
    }
    Ok(out)
}

fn group(
    v: &Values<'_>,
    get: impl Fn(&Captures) -> Option<regex_automata::Span>,
    name: &str,
) -> Result<String, String> {
    let (caps, haystack) = v.captures.ok_or("the rule's regex does not match again")?;
    let span = get(caps).ok_or_else(|| format!("capture group `{name}` did not match"))?;
    Ok(String::from_utf8_lossy(&haystack[span.range()]).into_owned())
}

/// Percent-encodes all but unreserved characters and `:` (Telegram-style `ID:TOKEN` paths).
fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The host of `url` when its first label was filled in: that label must be one DNS label
/// directly under `domain`.
fn filled_host(url: &str, domain: &str) -> Result<String, String> {
    let rest = url.strip_prefix("https://").unwrap_or(url);
    let authority = rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())].to_ascii_lowercase();
    match authority
        .strip_suffix(domain)
        .and_then(|l| l.strip_suffix('.'))
    {
        Some(label) if crate::rules::verify::is_dns_label(label) => Ok(authority),
        _ => Err(format!(
            "the host's first label is not one DNS label under {domain}"
        )),
    }
}

/// Builds the request for one finding; `unix_time` signs the signed schemes.
pub fn build(verifier: &Verifier, v: &Values<'_>, unix_time: u64) -> Result<Request, String> {
    let url = render(&verifier.url, v, true)?;
    let host = match verifier.host.strip_prefix("*.") {
        Some(domain) => filled_host(&url, domain)?,
        None => verifier.host.clone(),
    };
    let mut headers = Vec::new();
    for (name, template) in &verifier.headers {
        headers.push((name.clone(), render(template, v, false)?));
    }
    if let Some((user, password)) = &verifier.basic_auth {
        let pair = format!(
            "{}:{}",
            render(user, v, false)?,
            render(password, v, false)?
        );
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        headers.push(("Authorization".into(), format!("Basic {encoded}")));
    }
    if headers
        .iter()
        .any(|(_, value)| value.contains(['\r', '\n', '\0']))
    {
        return Err("a header value would hold a line break".into());
    }
    let body = match (&verifier.body, &verifier.kind) {
        (_, VerifyKind::GcpServiceAccount { scope }) => {
            gcp_body(v.matched, &url, scope, unix_time)?
        }
        (Some(t), _) => render(t, v, false)?.into_bytes(),
        (None, _) => Vec::new(),
    };
    if let VerifyKind::AwsSigV4 {
        key_id,
        region,
        service,
    } = &verifier.kind
    {
        let key_id = render(key_id, v, false)?;
        let datetime = super::sigv4::amz_datetime(unix_time);
        let after_host = url
            .strip_prefix("https://")
            .and_then(|rest| rest.find('/').map(|at| &rest[at..]))
            .unwrap_or("/");
        let (path, query) = after_host.split_once('?').unwrap_or((after_host, ""));
        let auth = super::sigv4::authorization(&super::sigv4::Signing {
            method: verifier.method.as_str(),
            host: &host,
            path,
            query,
            headers: &headers,
            body: &body,
            key_id: &key_id,
            secret: v.secret,
            region,
            service,
            datetime: &datetime,
        });
        headers.push(("X-Amz-Date".into(), datetime));
        headers.push(("Authorization".into(), auth));
    }
    Ok(Request {
        method: verifier.method,
        url,
        host,
        headers,
        body,
    })
}

/// The JWT bearer grant for the key file in `matched`, for the token endpoint `url`.
#[cfg(feature = "verify")]
fn gcp_body(matched: &str, url: &str, scope: &str, unix_time: u64) -> Result<Vec<u8>, String> {
    let key = super::gcp::key_file(matched)?;
    Ok(super::gcp::token_request(&key, url, scope, unix_time)?.into_bytes())
}

#[cfg(not(feature = "verify"))]
fn gcp_body(matched: &str, _url: &str, _scope: &str, _unix_time: u64) -> Result<Vec<u8>, String> {
    super::gcp::key_file(matched)?;
    Err("this keyscout was built without the `verify` feature".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::syntax::{ResponseSyntax, VerifySyntax};
    use crate::rules::verify::compile;

    fn verifier(url: &str, headers: &[(&str, &str)]) -> Verifier {
        let s = VerifySyntax {
            url: url.into(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            live: Some(ResponseSyntax {
                status: vec![200],
                ..ResponseSyntax::default()
            }),
            ..VerifySyntax::default()
        };
        compile(s, true, "t", 1).unwrap()
    }

    fn values(secret: &str) -> Values<'_> {
        Values {
            secret,
            matched: secret,
            captures: None,
            paired: &[],
        }
    }

    #[test]
    fn a_secret_cannot_move_the_request_to_another_host() {
        let v = verifier("https://api.example.com/check/{{secret}}?q={{secret}}", &[]);
        let r = build(&v, &values("x/../@evil.example#?a=b&c"), 0).unwrap();
        assert_eq!(
            r.url,
            "https://api.example.com/check/x%2F..%2F%40evil.example%23%3Fa%3Db%26c?q=x%2F..%2F%40evil.example%23%3Fa%3Db%26c"
        );
        assert_eq!(r.host, "api.example.com");
    }

    #[test]
    fn headers_are_filled_and_may_not_break_lines() {
        let v = verifier(
            "https://api.example.com/",
            &[("Authorization", "Bearer {{secret}}")],
        );
        let r = build(&v, &values("tok123"), 0).unwrap();
        assert_eq!(
            r.headers,
            vec![("Authorization".into(), "Bearer tok123".into())]
        );
        assert!(build(&v, &values("tok\r\nHost: evil"), 0).is_err());
    }

    #[test]
    fn a_filled_host_label_stays_one_label_under_the_providers_domain() {
        let v = verifier("https://{{1}}.api.example.com/v1/{{secret}}", &[]);
        let caps = |text: &str| {
            let re = regex_automata::meta::Regex::new(r"k-([a-z0-9.%-]+)").unwrap();
            let mut c = re.create_captures();
            re.captures(text.as_bytes(), &mut c);
            c
        };
        let build_with = |text: &str| {
            let c = caps(text);
            let values = Values {
                secret: "s",
                matched: text,
                captures: Some((&c, text.as_bytes())),
                paired: &[],
            };
            build(&v, &values, 0)
        };
        let r = build_with("k-us6").unwrap();
        assert_eq!(
            (r.host.as_str(), r.url.as_str()),
            ("us6.api.example.com", "https://us6.api.example.com/v1/s")
        );
        for hostile in ["k-evil.example", "k-evil.example%", "k--x", "k-"] {
            assert!(build_with(hostile).is_err(), "{hostile}");
        }
    }

    #[test]
    fn a_request_moves_to_another_region_whole() {
        let v = verifier(
            "https://api.example.com/v1/me?k={{secret}}",
            &[("X-Key", "{{secret}}")],
        );
        let r = build(&v, &values("t"), 0).unwrap();
        let eu = r.to_host("api.eu.example.com");
        assert_eq!(eu.url, "https://api.eu.example.com/v1/me?k=t");
        assert_eq!(
            (eu.host.as_str(), eu.headers.clone()),
            ("api.eu.example.com", r.headers)
        );
    }

    #[test]
    fn a_missing_pair_or_group_is_an_error_not_a_guess() {
        let v = verifier("https://api.example.com/{{rule:some-id}}", &[]);
        assert!(build(&v, &values("s"), 0).unwrap_err().contains("some-id"));
        let paired = [("some-id", "ID42")];
        let with = Values {
            secret: "s",
            matched: "s",
            captures: None,
            paired: &paired,
        };
        assert_eq!(
            build(&v, &with, 0).unwrap().url,
            "https://api.example.com/ID42"
        );
        let v = verifier("https://api.example.com/{{2}}", &[]);
        assert!(build(&v, &values("s"), 0).is_err());
    }
}
