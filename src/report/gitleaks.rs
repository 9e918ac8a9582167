//! gitleaks' JSON report: an array of objects with gitleaks 8's field names and meanings
//! (`EndColumn` inclusive, `Fingerprint` as `COMMIT:FILE:RULE:LINE` or `FILE:RULE:LINE`), so
//! that tools written for gitleaks' output read keyscout's. Rule ids are keyscout's own. With
//! `--verify`, one more field at the end, `Verification` (`Status`, `Detail`); without it the
//! objects hold gitleaks' fields only.

use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{Assessment, Finding, Verification};

/// One finding as gitleaks writes it, fields in its order.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GitleaksFinding<'a> {
    #[serde(rename = "RuleID")]
    rule_id: &'a str,
    description: &'a str,
    start_line: usize,
    end_line: usize,
    start_column: usize,
    end_column: usize,
    #[serde(rename = "Match")]
    matched: &'a str,
    secret: &'a str,
    file: &'a str,
    symlink_file: &'a str,
    commit: &'a str,
    entropy: f32,
    author: &'a str,
    email: &'a str,
    date: &'a str,
    message: &'a str,
    tags: &'a [String],
    fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification: Option<Verified<'a>>,
}

/// `--verify`'s answer, in gitleaks' casing.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Verified<'a> {
    status: &'static str,
    detail: &'a str,
}

impl<'a> From<&'a Verification> for Verified<'a> {
    fn from(v: &'a Verification) -> Self {
        Verified {
            status: v.status.as_str(),
            detail: &v.detail,
        }
    }
}

pub fn write(out: &mut dyn Write, findings: &[(Finding, Assessment)]) -> io::Result<()> {
    let items: Vec<GitleaksFinding<'_>> = findings.iter().map(|(f, a)| convert(f, a)).collect();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut *out,
        serde_json::ser::PrettyFormatter::with_indent(b" "),
    );
    items.serialize(&mut ser)?;
    writeln!(out)
}

fn convert<'a>(f: &'a Finding, a: &'a Assessment) -> GitleaksFinding<'a> {
    let commit = f.introduced();
    let id = commit.map_or("", |c| c.id.as_str());
    let fingerprint = if id.is_empty() {
        format!("{}:{}:{}", f.path, f.rule_id, f.line)
    } else {
        format!("{id}:{}:{}:{}", f.path, f.rule_id, f.line)
    };
    GitleaksFinding {
        rule_id: &f.rule_id,
        description: &f.description,
        start_line: f.line,
        end_line: f.end_line,
        start_column: f.column,
        // gitleaks' end column is the secret's last character; keyscout's is one past it.
        end_column: f.end_column.saturating_sub(1).max(f.column),
        matched: &f.matched,
        secret: &f.secret,
        file: &f.path,
        symlink_file: "",
        commit: id,
        entropy: f.entropy as f32,
        author: commit.map_or("", |c| c.author.as_str()),
        email: commit.map_or("", |c| c.email.as_str()),
        date: commit.map_or("", |c| c.date.as_str()),
        message: commit.map_or("", |c| c.message.as_str()),
        tags: &f.tags,
        fingerprint,
        verification: a.verification.as_ref().map(Verified::from),
    }
}
