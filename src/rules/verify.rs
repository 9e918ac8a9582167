//! `[rules.verify]` compiled: the request a verifier sends (method, URL, headers, body as
//! [`Template`]s over the secret) and the [`ResponseMatcher`]s that tell a live secret from a
//! rejected one. Validation here is what makes verification safe by construction: the URL is
//! `https://` and its host is literal (a template cannot choose where a secret goes), and the
//! method is read-only. Sending is `crate::verify`'s business, not this module's.

use serde_json::Value;

use super::syntax::{ResponseSyntax, VerifySyntax};

/// How the request is made: plain templates, or a signed scheme done in code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyKind {
    Http,
    /// AWS Signature Version 4 over the request, with the key id from `key_id`.
    AwsSigV4 {
        key_id: Template,
        region: String,
        service: String,
    },
    /// A GCP service-account key file: an RS256-signed JWT assertion, exchanged at Google's
    /// token endpoint (the verifier's URL) for an access token of `scope`.
    GcpServiceAccount {
        scope: String,
    },
}

/// A read-only HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Head,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
        }
    }
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    /// `{{secret}}`: the finding's secret.
    Secret,
    /// `{{N}}`: capture group N of the rule's regex over the finding's match.
    Group(usize),
    /// `{{name}}`: a named capture group.
    Named(String),
    /// `{{rule:ID}}`: the secret of a finding of rule ID in the same file.
    Rule(String),
}

/// Text with `{{...}}` placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    pub parts: Vec<Part>,
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| format!("unclosed `{{{{` in `{text}`"))?;
            let name = after[..close].trim();
            parts.push(placeholder(name)?);
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { parts })
    }

    /// The rule ids this template takes secrets from.
    pub fn rules(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Rule(id) => Some(id.as_str()),
            _ => None,
        })
    }
}

fn placeholder(name: &str) -> Result<Part, String> {
    if name == "secret" {
        return Ok(Part::Secret);
    }
    if let Some(id) = name.strip_prefix("rule:") {
        let id = id.trim();
        if id.is_empty() {
            return Err("`{{rule:}}` needs a rule id".into());
        }
        return Ok(Part::Rule(id.to_string()));
    }
    if let Ok(n) = name.parse::<usize>() {
        return Ok(Part::Group(n));
    }
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Ok(Part::Named(name.to_string()));
    }
    Err(format!(
        "unknown placeholder `{{{{{name}}}}}` (known: secret, N, a group name, rule:ID)"
    ))
}

/// What a response must show; every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseMatcher {
    pub status: Vec<u16>,
    pub body: Vec<String>,
    /// Dotted JSON path and expected value.
    pub json: Vec<(String, Value)>,
    /// Lowercase header name and a text its value contains.
    pub headers: Vec<(String, String)>,
}

impl ResponseMatcher {
    /// Whether `status`, `headers` and `body` satisfy every condition.
    pub fn matches(&self, status: u16, headers: &[(String, String)], body: &[u8]) -> bool {
        if !self.status.is_empty() && !self.status.contains(&status) {
            return false;
        }
        let text = String::from_utf8_lossy(body);
        if !self.body.iter().all(|b| text.contains(b.as_str())) {
            return false;
        }
        let header_ok = |(name, want): &(String, String)| {
            headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case(name) && v.contains(want.as_str()))
        };
        if !self.headers.iter().all(header_ok) {
            return false;
        }
        if self.json.is_empty() {
            return true;
        }
        let Ok(doc) = serde_json::from_slice::<Value>(body) else {
            return false;
        };
        self.json
            .iter()
            .all(|(path, want)| json_path(&doc, path) == Some(want))
    }

    fn is_empty(&self) -> bool {
        self.status.is_empty()
            && self.body.is_empty()
            && self.json.is_empty()
            && self.headers.is_empty()
    }
}

/// The value at a dotted path (`team.name`, `items.0.id`).
pub fn json_path<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(doc, |v, key| match v {
        Value::Object(map) => map.get(key),
        Value::Array(items) => items.get(key.parse::<usize>().ok()?),
        _ => None,
    })
}

/// A compiled `[rules.verify]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Verifier {
    pub kind: VerifyKind,
    pub method: Method,
    pub url: Template,
    /// The literal host (and port, when given) of `url`: the only place the secret goes.
    pub host: String,
    pub headers: Vec<(String, Template)>,
    pub body: Option<Template>,
    pub basic_auth: Option<(Template, Template)>,
    pub live: ResponseMatcher,
    /// Any of these says the provider rejected the secret.
    pub invalid: Vec<ResponseMatcher>,
    pub detail: Vec<String>,
    /// Other regional hosts of the provider, asked when `host` says `invalid`.
    pub other_hosts: Vec<String>,
    /// Written in a built-in pack (else in a rule file the user named, or one found in the
    /// scanned tree, which `--verify` never uses).
    pub builtin: bool,
    /// Where the table is written, for messages.
    pub file: String,
    pub line: usize,
}

impl Verifier {
    /// The rules whose findings fill the URL's host label (`{{rule:ID}}` before the domain).
    pub fn url_host_rules(&self) -> impl Iterator<Item = &str> {
        let templated = self.host.starts_with("*.");
        self.url
            .parts
            .iter()
            .take_while(move |p| templated && !matches!(p, Part::Text(t) if t.contains('.')))
            .filter_map(|p| match p {
                Part::Rule(id) => Some(id.as_str()),
                _ => None,
            })
    }

    /// Every template, for checks that look at all of them.
    pub fn templates(&self) -> impl Iterator<Item = &Template> {
        let key_id = match &self.kind {
            VerifyKind::AwsSigV4 { key_id, .. } => Some(key_id),
            _ => None,
        };
        std::iter::once(&self.url)
            .chain(self.headers.iter().map(|(_, t)| t))
            .chain(&self.body)
            .chain(self.basic_auth.iter().flat_map(|(u, p)| [u, p]))
            .chain(key_id)
    }
}

/// Compiles and validates one `[rules.verify]` table; the error is the message alone (the
/// caller names file, rule and line).
pub fn compile(
    s: VerifySyntax,
    builtin: bool,
    file: &str,
    line: usize,
) -> Result<Verifier, String> {
    let method = match s.method.as_deref().map(str::to_ascii_uppercase).as_deref() {
        None | Some("GET") => Method::Get,
        Some("HEAD") => Method::Head,
        Some("POST") => Method::Post,
        Some(other) => {
            return Err(format!(
                "method `{other}` is not read-only (use GET, HEAD, or a POST the provider documents as read-only)"
            ));
        }
    };
    let host = https_host(&s.url)?;
    let url = Template::parse(&s.url).map_err(|e| format!("url: {e}"))?;
    let mut headers = Vec::new();
    for (name, value) in &s.headers {
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
        {
            return Err(format!("header name `{name}` is not a token"));
        }
        let value = Template::parse(value).map_err(|e| format!("header `{name}`: {e}"))?;
        headers.push((name.clone(), value));
    }
    let body = s
        .body
        .as_deref()
        .map(Template::parse)
        .transpose()
        .map_err(|e| format!("body: {e}"))?;
    let basic_auth = match s.basic_auth.as_deref() {
        None => None,
        Some([user, password]) => Some((
            Template::parse(user).map_err(|e| format!("basic_auth: {e}"))?,
            Template::parse(password).map_err(|e| format!("basic_auth: {e}"))?,
        )),
        Some(_) => return Err("basic_auth is [user, password]".into()),
    };
    let kind = match s.kind.as_deref() {
        None | Some("http") => VerifyKind::Http,
        Some("aws-sigv4") => VerifyKind::AwsSigV4 {
            key_id: Template::parse(
                s.key_id
                    .as_deref()
                    .ok_or("aws-sigv4 needs `key_id` (e.g. \"{{rule:aws-access-key-id}}\")")?,
            )
            .map_err(|e| format!("key_id: {e}"))?,
            region: s.region.clone().unwrap_or_else(|| "us-east-1".into()),
            service: s
                .service
                .clone()
                .ok_or("aws-sigv4 needs `service` (e.g. \"sts\")")?,
        },
        Some("gcp-service-account") => {
            if method != Method::Post || s.body.is_some() {
                return Err(
                    "gcp-service-account is a POST whose body is made in code (no `body`)".into(),
                );
            }
            VerifyKind::GcpServiceAccount {
                scope: s
                    .scope
                    .clone()
                    .ok_or("gcp-service-account needs `scope` (an OAuth scope)")?,
            }
        }
        Some(other) => {
            return Err(format!(
                "kind `{other}` is not http, aws-sigv4 or gcp-service-account"
            ));
        }
    };
    let sigv4 = matches!(kind, VerifyKind::AwsSigV4 { .. });
    if !sigv4 && (s.key_id.is_some() || s.region.is_some() || s.service.is_some()) {
        return Err("key_id, region and service belong to kind = \"aws-sigv4\"".into());
    }
    if !matches!(kind, VerifyKind::GcpServiceAccount { .. }) && s.scope.is_some() {
        return Err("scope belongs to kind = \"gcp-service-account\"".into());
    }
    let live = s.live.map(matcher).transpose()?.unwrap_or_default();
    if live.is_empty() {
        return Err("a verifier needs a `live` matcher (status, body, json or headers)".into());
    }
    let mut other_hosts = Vec::new();
    for other in &s.other_hosts {
        let h = https_host(&format!("https://{other}/"))
            .map_err(|_| format!("other_hosts: `{other}` is not a plain host"))?;
        if h.starts_with("*.") || h != other.to_ascii_lowercase() {
            return Err(format!("other_hosts: `{other}` is not a plain host"));
        }
        other_hosts.push(h);
    }
    if !other_hosts.is_empty() && (kind != VerifyKind::Http || host.starts_with("*.")) {
        return Err(
            "other_hosts needs kind = \"http\" and a literal host (signatures and templated hosts name their host)"
                .into(),
        );
    }
    let invalid = s
        .invalid
        .map(|i| i.into_vec().into_iter().map(matcher).collect())
        .transpose()?
        .unwrap_or_default();
    Ok(Verifier {
        kind,
        method,
        url,
        host,
        headers,
        body,
        basic_auth,
        live,
        invalid,
        detail: s.detail,
        other_hosts,
        builtin,
        file: file.to_string(),
        line,
    })
}

fn matcher(s: ResponseSyntax) -> Result<ResponseMatcher, String> {
    if let Some(bad) = s.status.iter().find(|&&c| !(100..=599).contains(&c)) {
        return Err(format!("status {bad} is not an HTTP status"));
    }
    let json = s
        .json
        .into_iter()
        .map(|(path, value)| {
            serde_json::to_value(&value)
                .map(|v| (path.clone(), v))
                .map_err(|e| format!("json `{path}`: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ResponseMatcher {
        status: s.status,
        body: s.body,
        json,
        headers: s
            .headers
            .into_iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v))
            .collect(),
    })
}

/// The literal `host[:port]` of an `https://` URL; an error for any other scheme, a host
/// with a placeholder or user info, or no host. One form takes a placeholder: a first label
/// filled (wholly or in part) from a capture group or a companion rule's finding under the
/// provider's literal domain (`https://us{{dc}}.api.mailchimp.com/`), returned as
/// `*.api.mailchimp.com`; the filled label must then be one DNS label, so the request stays
/// under that domain.
pub fn https_host(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .ok_or_else(|| format!("url `{url}` is not https://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.contains("{{") {
        return label_host(url, authority);
    }
    if authority.contains('}') {
        return Err(format!(
            "url `{url}`: the host must be written out, not a template"
        ));
    }
    if authority.is_empty() || authority.contains('@') || authority.contains(char::is_whitespace) {
        return Err(format!("url `{url}` has no plain host"));
    }
    Ok(authority.to_ascii_lowercase())
}

/// `x{{group}}y.domain` -> `*.domain`: one placeholder, in the first label only.
fn label_host(url: &str, authority: &str) -> Result<String, String> {
    let bad = |why: &str| format!("url `{url}`: {why}");
    let open = authority.find("{{").unwrap_or(0);
    let close = authority[open..]
        .find("}}")
        .map(|c| open + c)
        .ok_or_else(|| bad("unclosed `{{`"))?;
    let name = authority[open + 2..close].trim();
    if name == "secret" {
        return Err(bad(
            "only a capture group or a companion rule may fill the host's first label, never the secret",
        ));
    }
    let dot = authority[close..]
        .find('.')
        .map(|d| close + d)
        .ok_or_else(|| bad("a templated label needs a literal domain after it"))?;
    let plain = |l: &str| l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let (before, after) = (&authority[..open], &authority[close + 2..dot]);
    let labels: Vec<&str> = authority[dot + 1..].split('.').collect();
    if before.contains('.') || !plain(before) || !plain(after) {
        return Err(bad("only the host's first label may be templated"));
    }
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty() || !plain(l)) {
        return Err(bad(
            "a templated first label must sit under a literal domain of two labels or more",
        ));
    }
    Ok(format!("*.{}", authority[dot + 1..].to_ascii_lowercase()))
}

/// Whether `label` is one DNS label: letters, digits and inner hyphens, 1 to 63 of them.
pub fn is_dns_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(url: &str) -> VerifySyntax {
        VerifySyntax {
            url: url.into(),
            live: Some(ResponseSyntax {
                status: vec![200],
                ..ResponseSyntax::default()
            }),
            ..VerifySyntax::default()
        }
    }

    #[test]
    fn templates_parse_every_placeholder() {
        let t = Template::parse("Bearer {{secret}} {{ 2 }}/{{user}}:{{rule:aws-access-key-id}}")
            .unwrap();
        assert_eq!(
            t.parts,
            vec![
                Part::Text("Bearer ".into()),
                Part::Secret,
                Part::Text(" ".into()),
                Part::Group(2),
                Part::Text("/".into()),
                Part::Named("user".into()),
                Part::Text(":".into()),
                Part::Rule("aws-access-key-id".into()),
            ]
        );
        assert!(
            Template::parse("{{secret")
                .unwrap_err()
                .contains("unclosed")
        );
        assert!(
            Template::parse("{{se cret}}")
                .unwrap_err()
                .contains("unknown placeholder")
        );
    }

    #[test]
    fn only_https_urls_with_a_literal_host() {
        assert_eq!(
            https_host("https://API.github.com/user").unwrap(),
            "api.github.com"
        );
        assert_eq!(
            https_host("https://h.example:8443").unwrap(),
            "h.example:8443"
        );
        assert!(https_host("http://api.github.com/user").is_err());
        assert!(https_host("https://{{secret}}.example.com/").is_err());
        assert!(https_host("https://{{1}}/x").is_err());
        assert!(https_host("https://user@evil.example/").is_err());
        assert!(https_host("https:///path").is_err());
        assert_eq!(
            https_host("https://{{dc}}.api.mailchimp.com/3.0/").unwrap(),
            "*.api.mailchimp.com"
        );
        assert!(https_host("https://{{secret}}.api.example.com/").is_err());
        assert!(https_host("https://{{dc}}.com/").is_err());
        assert!(https_host("https://{{dc}}.{{x}}.example.com/").is_err());
        assert_eq!(
            https_host("https://us{{n}}.api.mailchimp.com/").unwrap(),
            "*.api.mailchimp.com"
        );
        assert!(https_host("https://a.{{dc}}.example.com/").is_err());
        assert!(https_host("https://{{dc}}.example.com:{{p}}/").is_err());
        assert!(is_dns_label("us6") && is_dns_label("my-shop"));
        assert!(
            !is_dns_label("a.b")
                && !is_dns_label("-a")
                && !is_dns_label("")
                && !is_dns_label("a%2Eb")
        );
        assert!(
            compile(
                syntax("https://api.example.com/x?k={{secret}}"),
                false,
                "f",
                1
            )
            .is_ok()
        );
    }

    #[test]
    fn methods_that_change_things_are_refused() {
        for method in ["DELETE", "PUT", "PATCH"] {
            let mut s = syntax("https://api.example.com/");
            s.method = Some(method.into());
            let err = compile(s, false, "f", 1).unwrap_err();
            assert!(err.contains("not read-only"), "{err}");
        }
        let mut s = syntax("https://api.example.com/");
        s.live = None;
        assert!(compile(s, false, "f", 1).unwrap_err().contains("`live`"));
    }

    #[test]
    fn matchers_check_status_body_json_and_headers() {
        let m = ResponseMatcher {
            status: vec![200],
            body: vec!["\"ok\"".into()],
            json: vec![
                ("ok".into(), Value::Bool(true)),
                ("team.name".into(), "acme".into()),
            ],
            headers: vec![("x-kind".into(), "user".into())],
        };
        let headers = vec![("X-Kind".to_string(), "a user".to_string())];
        let body = br#"{"ok": true, "team": {"name": "acme"}}"#;
        assert!(m.matches(200, &headers, body));
        assert!(!m.matches(201, &headers, body));
        assert!(!m.matches(200, &[], body));
        assert!(!m.matches(200, &headers, br#"{"ok": false, "team": {"name": "acme"}}"#));
        assert!(!m.matches(200, &headers, b"not json \"ok\""));
    }

    /// The API hosts of the providers the built-in verifiers ask, each taken from that
    /// provider's API reference. A built-in verifier may send a secret nowhere else.
    const PROVIDER_HOSTS: &[&str] = &[
        "*.algolia.net",
        "*.api.mailchimp.com",
        "*.myshopify.com",
        "*.okta.com",
        "a.klaviyo.com",
        "api.airtable.com",
        "api.aiven.io",
        "api.anthropic.com",
        "api.ap1.datadoghq.com",
        "api.ap2.datadoghq.com",
        "api.assemblyai.com",
        "api.astra.datastax.com",
        "api.au.intercom.io",
        "api.axiom.co",
        "api.bitrise.io",
        "api.box.com",
        "api.brevo.com",
        "api.buildkite.com",
        "api.calendly.com",
        "api.cerebras.ai",
        "api.clerk.com",
        "api.clickup.com",
        "api.cloudflare.com",
        "api.cloudsmith.io",
        "api.cohere.com",
        "api.contentful.com",
        "api.datadoghq.com",
        "api.datadoghq.eu",
        "api.ddog-gov.com",
        "api.deepgram.com",
        "api.deepseek.com",
        "api.digitalocean.com",
        "api.doppler.com",
        "api.dropboxapi.com",
        "api.elevenlabs.io",
        "api.eu.intercom.io",
        "api.eu.mailgun.net",
        "api.eu.newrelic.com",
        "api.eu.opsgenie.com",
        "api.eu.sparkpost.com",
        "api.eu1.honeycomb.io",
        "api.fastly.com",
        "api.figma.com",
        "api.firecrawl.dev",
        "api.fireworks.ai",
        "api.flutterwave.com",
        "api.getpostman.com",
        "api.gitbook.com",
        "api.github.com",
        "api.gocardless.com",
        "api.goshippo.com",
        "api.groq.com",
        "api.heroku.com",
        "api.hetzner.cloud",
        "api.honeycomb.io",
        "api.hubapi.com",
        "api.intercom.io",
        "api.lemonsqueezy.com",
        "api.line.me",
        "api.linear.app",
        "api.linode.com",
        "api.mailersend.com",
        "api.mailgun.net",
        "api.mapbox.com",
        "api.miro.com",
        "api.mistral.ai",
        "api.mollie.com",
        "api.netlify.com",
        "api.newrelic.com",
        "api.ngrok.com",
        "api.notion.com",
        "api.openai.com",
        "api.opsgenie.com",
        "api.pagerduty.com",
        "api.paystack.co",
        "api.pinecone.io",
        "api.pinterest.com",
        "api.postmarkapp.com",
        "api.pulumi.com",
        "api.render.com",
        "api.replicate.com",
        "api.rollbar.com",
        "api.sendgrid.com",
        "api.smartsheet.com",
        "api.snyk.io",
        "api.sparkpost.com",
        "api.stability.ai",
        "api.statuspage.io",
        "api.stripe.com",
        "api.supabase.com",
        "api.tailscale.com",
        "api.telegram.org",
        "api.telnyx.com",
        "api.together.xyz",
        "api.transferwise.com",
        "api.travis-ci.com",
        "api.trello.com",
        "api.twilio.com",
        "api.typeform.com",
        "api.uptimerobot.com",
        "api.us3.datadoghq.com",
        "api.us5.datadoghq.com",
        "api.vercel.com",
        "api.vultr.com",
        "api.webflow.com",
        "api.workos.com",
        "api.x.ai",
        "app.asana.com",
        "app.harness.io",
        "app.launchdarkly.com",
        "app.loops.so",
        "app.terraform.io",
        "app.vssps.visualstudio.com",
        "circleci.com",
        "connect.mailerlite.com",
        "connect.squareup.com",
        "console.neon.tech",
        "crates.io",
        "cronitor.io",
        "discord.com",
        "gitee.com",
        "gitlab.com",
        "graph.facebook.com",
        "graph.instagram.com",
        "hex.pm",
        "huggingface.co",
        "iam.cloud.ibm.com",
        "id.twitch.tv",
        "login.yandex.ru",
        "mailtrap.io",
        "oauth2.googleapis.com",
        "openrouter.ai",
        "registry.npmjs.org",
        "rest.messagebird.com",
        "rubygems.org",
        "sentry.io",
        "slack.com",
        "sts.amazonaws.com",
        "uptime.betterstack.com",
        "webexapis.com",
    ];

    /// POSTs the providers document as read-only: a whoami, a token check or exchange.
    const READ_ONLY_POSTS: &[(&str, &str)] = &[
        ("api.dropboxapi.com", "/2/users/get_current_account"),
        ("api.linear.app", "/graphql"),
        ("api.uptimerobot.com", "/v2/getAccountDetails"),
        ("gitlab.com", "/api/v4/runners/verify"),
        ("iam.cloud.ibm.com", "/identity/token"),
        ("oauth2.googleapis.com", "/token"),
        ("slack.com", "/api/auth.test"),
        ("sts.amazonaws.com", "/"),
    ];

    #[test]
    fn every_builtin_verifier_is_https_to_its_provider_and_read_only() {
        let set = crate::rules::load(&crate::rules::ConfigSource::Builtin).unwrap();
        let mut count = 0;
        for rule in &set.rules {
            let Some(v) = &rule.verify else { continue };
            count += 1;
            assert!(v.builtin, "{}", rule.id);
            assert!(
                PROVIDER_HOSTS.contains(&v.host.as_str()),
                "{}: host {}",
                rule.id,
                v.host
            );
            for other in &v.other_hosts {
                assert!(
                    PROVIDER_HOSTS.contains(&other.as_str()),
                    "{}: other host {other}",
                    rule.id
                );
            }
            // A templated first label: the literal domain follows it, from its first dot.
            let (first, host) = match v.host.strip_prefix('*') {
                Some(domain) => match v.url.parts.get(2) {
                    Some(Part::Text(t)) => (&t[t.find('.').unwrap_or(0)..], domain.to_string()),
                    _ => panic!("{}: no literal domain after the label", rule.id),
                },
                None => match v.url.parts.first() {
                    Some(Part::Text(t)) => (t.as_str(), format!("https://{}", v.host)),
                    _ => panic!("{}: url starts with a placeholder", rule.id),
                },
            };
            assert!(first.starts_with(&host), "{}", rule.id);
            if v.method == Method::Post {
                let path = first[host.len()..].split(['?', '{']).next().unwrap_or("");
                let path = if path.is_empty() { "/" } else { path };
                assert!(
                    READ_ONLY_POSTS.contains(&(v.host.as_str(), path)),
                    "{}: POST {}{} is not a documented read-only call",
                    rule.id,
                    v.host,
                    path
                );
            }
            // A verifier pairs only with rules that exist.
            for id in v.templates().flat_map(|t| t.rules()) {
                assert!(
                    set.rules.iter().any(|r| r.id == id),
                    "{}: pairs with unknown {id}",
                    rule.id
                );
            }
        }
        assert!(count >= 150, "{count} built-in verifiers");
    }

    #[test]
    fn every_builtin_rule_says_how_to_remediate() {
        let set = crate::rules::load(&crate::rules::ConfigSource::Builtin).unwrap();
        for rule in &set.rules {
            assert!(
                rule.remediation.len() > 20,
                "{} has no remediation",
                rule.id
            );
        }
    }
}
