//! The one error type of rule loading: it always names the file, and the rule id and line
//! where they are known.

use std::fmt;

/// An invalid rule file or rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleError {
    /// The rule file, as the user named it (or `rules/NAME.toml` for a built-in pack).
    pub file: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// The rule's id, where the error belongs to one rule.
    pub rule_id: Option<String>,
    pub message: String,
}

impl RuleError {
    pub fn new(file: &str, line: Option<usize>, rule_id: Option<&str>, message: String) -> Self {
        RuleError {
            file: file.to_string(),
            line,
            rule_id: rule_id.map(str::to_string),
            message,
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(id) = &self.rule_id {
            write!(f, ": rule `{id}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for RuleError {}

/// 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count() + 1
}
