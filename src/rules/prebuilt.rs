//! The built-in packs as build.rs parses them: every rule and global allowlist of a pack with
//! where it is written, serialized as JSON and embedded beside the pack's TOML. A scan decodes
//! this instead of running the TOML parser on the packs, which was a quarter of a small
//! scan's start-up (a pre-commit hook's). Rules carry no examples here: `rules check` and the
//! tests parse the TOML, which has them.
//!
//! build.rs compiles this file too (with [`super::syntax`]), so both sides share one form.

use serde::{Deserialize, Serialize};

use super::syntax::{AllowlistSyntax, RuleSyntax, VerifySyntax};

/// One pack, in the order written.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Pack {
    pub rules: Vec<PackRule>,
    /// The global allowlists: `[allowlist]`, then each `[[allowlists]]`.
    pub allowlists: Vec<PackAllowlist>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PackRule {
    /// Byte offset of the rule's table in the pack's TOML, and its 1-based line.
    pub offset: usize,
    pub line: usize,
    /// Without `examples`, `negative_examples` and `verify` (see [`PackRule::verify`]).
    pub syntax: RuleSyntax,
    pub verify: Option<PackVerify>,
}

/// `[rules.verify]` and its line: a span does not survive JSON.
#[derive(Debug, Serialize, Deserialize)]
pub struct PackVerify {
    pub line: usize,
    pub syntax: Box<VerifySyntax>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PackAllowlist {
    pub offset: usize,
    pub line: usize,
    pub syntax: AllowlistSyntax,
}
