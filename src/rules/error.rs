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

/// The lines of many offsets into one text (every rule of a pack): one pass over the text,
/// then a binary search each, where `line_of` for each would read the text once per rule.
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    pub(crate) fn new(text: &str) -> Lines {
        Lines(memchr::memchr_iter(b'\n', text.as_bytes()).collect())
    }

    /// The same as `line_of(text, offset)`.
    pub(crate) fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|&newline| newline < offset) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_agree_with_line_of_at_every_offset() {
        for text in [
            "",
            "a",
            "\n",
            "a\nb",
            "a\n\nb\n",
            "\n\nx = 1\n[[rules]]\nid = 'a'\n",
        ] {
            let lines = Lines::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    lines.of(offset),
                    line_of(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }
}
