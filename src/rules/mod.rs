//! Rules: TOML rule files as written ([`syntax`]), their loading and merging (`[extend]`,
//! [`load`]), and the compiled, validated [`RuleSet`] ([`compile`]) with its keyword
//! prefilter tables and the keyword pass ([`keywords`]), and each rule's `[rules.verify]`
//! ([`verify`]: validated here, sent by `crate::verify`). The built-in packs under `rules/` are
//! embedded by [`builtin`], pre-parsed at build time ([`prebuilt`]).
//!
//! This module knows nothing of files being scanned, git or reports.

pub mod builtin;
mod checksum;
mod compile;
mod decodes;
mod error;
mod keyword_dfa;
mod keywords;
mod load;
mod prebuilt;
mod shape;
pub mod syntax;
pub mod verify;

pub use checksum::Checksum;
pub use compile::{
    Allowlist, Assignment, Candidate, Compiled, Condition, Confidence, Pattern, Regex, RegexTarget,
    Rule, RuleSet,
};
pub use decodes::{Decodes, placeholder_pair};
pub use error::RuleError;
pub use keywords::{KeywordHit, Keywords};
pub use load::{ConfigSource, discover, load, load_text, load_with_examples};
pub use shape::Reach;
pub use verify::{Method, Verifier, VerifyKind};
