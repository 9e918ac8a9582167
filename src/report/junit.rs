//! JUnit XML, as CI test dashboards (Jenkins, GitLab, Azure, CircleCI) read it: one
//! `testsuite` named keyscout holding one failed `testcase` per finding (classname the rule,
//! name the place, a `failure` whose text says what was found), or one passing test case when
//! nothing was. The failure's text also carries `--verify`'s answer (and its message the status,
//! `[live]`), the rule's remediation and triage notes. Characters XML 1.0 cannot hold are
//! written as U+FFFD.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::Summary;
use crate::finding::{Assessment, Finding};

pub fn write(
    out: &mut dyn Write,
    findings: &[(Finding, Assessment)],
    summary: &Summary,
) -> io::Result<()> {
    let n = findings.len();
    let time = format!("{:.3}", summary.seconds);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="keyscout" tests="{tests}" failures="{n}" errors="0" time="{time}">"#,
        tests = n.max(1)
    )?;
    writeln!(
        out,
        r#"  <testsuite name="keyscout" tests="{tests}" failures="{n}" errors="0" skipped="0" time="{time}">"#,
        tests = n.max(1)
    )?;
    if findings.is_empty() {
        writeln!(
            out,
            r#"    <testcase classname="keyscout" name="no leaked secrets" time="0"/>"#
        )?;
    }
    for (f, a) in findings {
        let place = format!("{}:{}:{}", f.path, f.line, f.column);
        let status = a
            .verification
            .as_ref()
            .map_or(String::new(), |v| format!(" [{}]", v.status.as_str()));
        writeln!(
            out,
            r#"    <testcase classname="keyscout.{}" name="{} at {}" file="{}" line="{}" time="0">"#,
            escape(&f.rule_id),
            escape(&f.rule_id),
            escape(&place),
            escape(&f.path),
            f.line
        )?;
        writeln!(
            out,
            r#"      <failure message="{}" type="{}">{}</failure>"#,
            escape(&format!("{}: {}{status}", f.rule_id, f.description)),
            escape(&f.rule_id),
            escape(&details(f, a, &place))
        )?;
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// The failure's text: where, what, (for git scans) which commit, and what was learnt after.
fn details(f: &Finding, a: &Assessment, place: &str) -> String {
    let mut text = format!(
        "{place}: {} ({} confidence)\nsecret: {}\nfingerprint: {}\n",
        f.description, f.confidence, f.secret, f.fingerprint
    );
    if let Some(git) = f.git.as_deref().filter(|g| !g.repository.is_empty()) {
        let _ = writeln!(text, "repository: {}", git.repository);
    }
    if let Some(c) = f.introduced() {
        let subject = c.message.lines().next().unwrap_or("");
        let _ = writeln!(
            text,
            "commit: {} {} <{}> {}: {subject}",
            c.id, c.author, c.email, c.date
        );
    }
    if !f.decoded.is_empty() {
        let _ = writeln!(text, "decoded: {}", f.decoded);
    }
    if let Some(v) = &a.verification {
        let _ = writeln!(text, "verification: {} {}", v.status.as_str(), v.detail);
    }
    for note in &a.notes {
        let _ = writeln!(text, "note: {note}");
    }
    if !a.remediation.is_empty() {
        let _ = writeln!(text, "remediation: {}", a.remediation);
    }
    text
}

/// Escapes text for an attribute or element; drops what XML 1.0 cannot hold at all.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Line breaks and tabs survive in attributes only as references.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0's `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(
            escape("a\u{0}b\u{1b}c\u{FFFE}"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}"
        );
        assert_eq!(escape("a\nb"), "a&#10;b");
    }
}
