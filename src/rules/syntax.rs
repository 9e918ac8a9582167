//! Rule files as written: serde structs with exactly the gitleaks v8 field names, plus our
//! additions (`examples`, `negative_examples`). Nothing here is validated or compiled; see
//! [`super::compile`] for that. build.rs compiles this file too, to serialize the built-in
//! packs ([`super::prebuilt`]).

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// A whole rule file (`.gitleaks.toml`, `.keyscout.toml`, or a built-in pack).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigSyntax {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub extend: Option<ExtendSyntax>,
    #[serde(default)]
    pub rules: Vec<Spanned<RuleSyntax>>,
    /// gitleaks v8.25+ global allowlists.
    #[serde(default)]
    pub allowlists: Vec<Spanned<AllowlistSyntax>>,
    /// The older single global `[allowlist]` table, still accepted by gitleaks.
    #[serde(default)]
    pub allowlist: Option<Spanned<AllowlistSyntax>>,
    /// gitleaks' optional minimum version; accepted and ignored.
    #[serde(default, rename = "minVersion")]
    pub min_version: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtendSyntax {
    #[serde(default, rename = "useDefault")]
    pub use_default: bool,
    pub path: Option<String>,
    #[serde(default, rename = "disabledRules")]
    pub disabled_rules: Vec<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSyntax {
    pub id: String,
    #[serde(default)]
    pub description: String,
    /// Where and how to revoke or rotate this kind of credential (keyscout addition).
    pub remediation: Option<String>,
    pub regex: Option<String>,
    #[serde(default, rename = "secretGroup")]
    pub secret_group: Option<usize>,
    pub entropy: Option<f64>,
    /// The least mean surprise, in bits per character under the character model, that the
    /// secret must reach: words and identifiers read low, keys high (keyscout addition).
    pub randomness: Option<f64>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub path: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// `high`, `medium` or `low`: how sure a match is a live secret (keyscout addition).
    pub confidence: Option<String>,
    /// A checksum the secret carries (`base62-crc32`); a secret that fails it is reported at
    /// low confidence (keyscout addition).
    pub checksum: Option<String>,
    /// `secret` or `password`: the regex finds `NAME = VALUE` candidates (named groups
    /// `name` and `value`) that the generic detector judges in context (keyscout addition).
    pub assignment: Option<String>,
    /// What the secret must decode to (`basic-auth`); a match that does not is no finding
    /// (keyscout addition).
    pub decodes: Option<String>,
    #[serde(default)]
    pub allowlists: Vec<AllowlistSyntax>,
    /// The older single per-rule `[rules.allowlist]` table.
    #[serde(default)]
    pub allowlist: Option<AllowlistSyntax>,
    /// Deprecated gitleaks field; accepted and ignored (it never had an effect on matching).
    #[serde(default, rename = "skipReport")]
    pub skip_report: bool,
    /// Inputs that must produce a finding of this rule (keyscout addition).
    #[serde(default)]
    pub examples: Vec<String>,
    /// Inputs that must not produce a finding of this rule (keyscout addition).
    #[serde(default)]
    pub negative_examples: Vec<String>,
    /// How `--verify` asks the provider whether a found secret is live (keyscout addition).
    /// Boxed: most rules have none, and loading moves every rule a few times. Not serialized:
    /// a span cannot be decoded from JSON, so the built-in packs' pre-parsed form carries it
    /// beside the rule, with its line ([`super::prebuilt`]).
    #[serde(default, skip_serializing)]
    pub verify: Option<Spanned<Box<VerifySyntax>>>,
}

/// `[rules.verify]`: one read-only request to the provider, as templates over the secret.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VerifySyntax {
    /// `http` (the default), `aws-sigv4` or `gcp-service-account`.
    pub kind: Option<String>,
    /// `GET` (the default), `HEAD` or `POST`.
    pub method: Option<String>,
    pub url: String,
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    pub body: Option<String>,
    /// `[user, password]` templates for HTTP Basic authentication.
    pub basic_auth: Option<Vec<String>>,
    /// `aws-sigv4`: the access key id template (usually `{{rule:aws-access-key-id}}`).
    pub key_id: Option<String>,
    /// `aws-sigv4`: region and service of the signature.
    pub region: Option<String>,
    pub service: Option<String>,
    /// `gcp-service-account`: the OAuth scope the signed assertion asks for.
    pub scope: Option<String>,
    /// What a response says when the secret works.
    pub live: Option<ResponseSyntax>,
    /// What a response says when the provider rejects the secret: one matcher, or a list of
    /// them (`[[rules.verify.invalid]]`) of which any may hold.
    #[serde(default)]
    pub invalid: Option<OneOrMany<ResponseSyntax>>,
    /// JSON fields of a live response shown as the detail (`login`, `team.name`).
    #[serde(default)]
    pub detail: Vec<String>,
    /// The provider's other regional API hosts: a secret the URL's host rejects is asked
    /// there too, and is invalid only if every one rejects it.
    #[serde(default)]
    pub other_hosts: Vec<String>,
}

/// A table or an array of tables.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

/// A response matcher: every condition given must hold.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSyntax {
    /// Any of these statuses.
    #[serde(default)]
    pub status: Vec<u16>,
    /// Texts the body contains, all of them.
    #[serde(default)]
    pub body: Vec<String>,
    /// JSON fields (dotted paths) and the values they must have.
    #[serde(default)]
    pub json: std::collections::BTreeMap<String, toml::Value>,
    /// Headers (names any case) and a text their value contains.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSyntax {
    #[serde(default)]
    pub description: String,
    /// `OR` (default) or `AND`.
    pub condition: Option<String>,
    #[serde(default)]
    pub commits: Vec<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub regexes: Vec<String>,
    /// `secret` (default), `match` or `line`.
    #[serde(rename = "regexTarget")]
    pub regex_target: Option<String>,
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Global allowlists only: the rule ids this allowlist applies to (empty: all rules).
    #[serde(default, rename = "targetRules")]
    pub target_rules: Vec<String>,
}
