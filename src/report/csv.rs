//! CSV: a header row, then one row per finding (RFC 4180: fields quoted when they hold a
//! comma, a quote or a line break, quotes doubled, CRLF line ends). A cell a spreadsheet
//! would read as a formula (one starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return) is prefixed with `'`, so that opening a report runs nothing. The last columns are
//! what was learnt after the scan: `--verify`'s answer, the rule's remediation, triage notes.

use std::io::{self, Write};

use crate::finding::{Assessment, Finding};

const HEADER: [&str; 25] = [
    "rule_id",
    "confidence",
    "description",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "secret",
    "match",
    "entropy",
    "tags",
    "fingerprint",
    "decoded",
    "repository",
    "commit",
    "author",
    "email",
    "date",
    "message",
    "blob",
    "verification",
    "verification_detail",
    "remediation",
    "notes",
];

pub fn write(out: &mut dyn Write, findings: &[(Finding, Assessment)]) -> io::Result<()> {
    write_row(out, HEADER.iter().copied())?;
    for (f, a) in findings {
        let git = f.git.as_deref();
        let commit = f.introduced();
        let numbers = [f.line, f.column, f.end_line, f.end_column].map(|n| n.to_string());
        let entropy = format!("{:.3}", f.entropy);
        let tags = f.tags.join(" ");
        let notes = a.notes.join("; ");
        let verification = a.verification.as_ref();
        let cells: [&str; 25] = [
            &f.rule_id,
            &f.confidence,
            &f.description,
            &f.path,
            &numbers[0],
            &numbers[1],
            &numbers[2],
            &numbers[3],
            &f.secret,
            &f.matched,
            &entropy,
            &tags,
            &f.fingerprint,
            &f.decoded,
            git.map_or("", |g| g.repository.as_str()),
            commit.map_or("", |c| c.id.as_str()),
            commit.map_or("", |c| c.author.as_str()),
            commit.map_or("", |c| c.email.as_str()),
            commit.map_or("", |c| c.date.as_str()),
            commit.map_or("", |c| c.message.as_str()),
            git.map_or("", |g| g.blob.as_str()),
            verification.map_or("", |v| v.status.as_str()),
            verification.map_or("", |v| v.detail.as_str()),
            &a.remediation,
            &notes,
        ];
        write_row(out, cells.into_iter())?;
    }
    Ok(())
}

fn write_row<'a>(out: &mut dyn Write, cells: impl Iterator<Item = &'a str>) -> io::Result<()> {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_cell(out, cell)?;
    }
    out.write_all(b"\r\n")
}

fn write_cell(out: &mut dyn Write, cell: &str) -> io::Result<()> {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = cell.contains([',', '"', '\r', '\n']);
    if quote {
        out.write_all(b"\"")?;
    }
    if formula {
        out.write_all(b"'")?;
    }
    out.write_all(cell.replace('"', "\"\"").as_bytes())?;
    if quote {
        out.write_all(b"\"")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> String {
        let mut out = Vec::new();
        write_cell(&mut out, text).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn quoting_and_formula_guard() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("-----BEGIN"), "'-----BEGIN");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("+x,y"), "\"'+x,y\"");
        assert_eq!(cell("a=b"), "a=b");
    }
}
