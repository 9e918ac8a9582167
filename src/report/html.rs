//! One self-contained HTML page: the findings as JSON inside the page, read by an inline
//! script that draws the summary (counts by rule, confidence and repository; for history
//! scans a chart of when the leaks were introduced) and a table to sort, filter and search.
//! Nothing leaves the page: no link to a stylesheet, script, font or image, and a
//! Content-Security-Policy that forbids any request. The table draws only the rows in view,
//! so a report of 100,000 findings opens in about a second.
//!
//! With `--verify`, each row carries the provider's answer (a badge, a summary card, a
//! filter), and the detail of a finding its remediation and triage notes.
//!
//! Secrets are in the page (masked until a click shows one); with `--redact` the reporter
//! has masked them before they get here, and the page offers nothing to show.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use super::Summary;
use super::text::shown_line;
use crate::finding::{Assessment, Finding};

const STYLE: &str = include_str!("html/page.css");
const SCRIPT: &str = include_str!("html/page.js");
/// No request of any kind; only the inline style and script run.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; \
                   img-src data:; form-action 'none'; base-uri 'none'";

/// What the script reads: strings that repeat (rules, paths, repositories) once each, and
/// one array per finding.
#[derive(Serialize)]
struct Data<'a> {
    title: String,
    version: &'static str,
    redacted: bool,
    files: u64,
    bytes: u64,
    errors: u64,
    suppressed: u64,
    /// `[id, description, remediation]`.
    rules: Vec<(&'a str, &'a str, &'a str)>,
    paths: Vec<&'a str>,
    repos: Vec<&'a str>,
    rows: Vec<Row<'a>>,
    /// Beside each row: `--verify`'s status (`""` when not verified), its detail, the notes;
    /// empty when no row has any.
    checks: Vec<(&'static str, &'a str, &'a [String])>,
}

/// rule, path, line, column, confidence (0 low, 1 medium, 2 high), repository (-1: none),
/// commit, date, author, message, text before the secret, secret, text after, fingerprint,
/// decoded, tags.
type Row<'a> = (
    usize,
    usize,
    usize,
    usize,
    u8,
    i64,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    String,
    String,
    String,
    &'a str,
    &'a str,
    String,
);

/// Interns strings into a list, each once, in order of first appearance.
#[derive(Default)]
struct Interner<'a> {
    index: HashMap<&'a str, usize>,
    list: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn get(&mut self, s: &'a str) -> usize {
        *self.index.entry(s).or_insert_with(|| {
            self.list.push(s);
            self.list.len() - 1
        })
    }
}

pub fn write(
    out: &mut dyn Write,
    findings: &[(Finding, Assessment)],
    summary: &Summary,
    root: &Path,
    redacted: bool,
) -> io::Result<()> {
    let mut rules = Interner::default();
    let mut descriptions = Vec::new();
    let mut checks = Vec::with_capacity(findings.len());
    let mut paths = Interner::default();
    let mut repos = Interner::default();
    let mut rows = Vec::with_capacity(findings.len());
    for (f, a) in findings {
        let rule = rules.get(&f.rule_id);
        if rule == descriptions.len() {
            descriptions.push((f.description.as_str(), a.remediation.as_str()));
        }
        checks.push(match &a.verification {
            Some(v) => (v.status.as_str(), v.detail.as_str(), a.notes.as_slice()),
            None => ("", "", a.notes.as_slice()),
        });
        let repo = match f.git.as_deref() {
            Some(g) if !g.repository.is_empty() => repos.get(&g.repository) as i64,
            _ => -1,
        };
        let commit = f.introduced();
        let (before, secret, after) = shown_line(f);
        rows.push((
            rule,
            paths.get(&f.path),
            f.line,
            f.column,
            match f.confidence.as_str() {
                "high" => 2,
                "medium" => 1,
                _ => 0,
            },
            repo,
            commit.map_or("", |c| c.id.as_str()),
            commit.map_or("", |c| c.date.as_str()),
            commit.map_or("", |c| c.author.as_str()),
            commit.map_or("", |c| c.message.lines().next().unwrap_or("")),
            before,
            secret,
            after,
            f.fingerprint.as_str(),
            f.decoded.as_str(),
            f.tags.join(" "),
        ));
    }
    if checks.iter().all(|(s, _, n)| s.is_empty() && n.is_empty()) {
        checks.clear();
    }
    let data = Data {
        // `.` says little in a title: the directory's full path.
        title: std::fs::canonicalize(root)
            .unwrap_or_else(|_| root.to_path_buf())
            .display()
            .to_string(),
        version: env!("CARGO_PKG_VERSION"),
        redacted,
        files: summary.files,
        bytes: summary.bytes,
        errors: summary.errors,
        suppressed: summary.suppressed,
        rules: rules
            .list
            .into_iter()
            .zip(descriptions)
            .map(|(id, (description, remediation))| (id, description, remediation))
            .collect(),
        paths: paths.list,
        repos: repos.list,
        rows,
        checks,
    };
    let json = serde_json::to_string(&data)?;
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"en\"><head><meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<title>keyscout: {} finding(s) in {}</title>",
        findings.len(),
        escape(&data.title)
    )?;
    writeln!(out, "<style>{STYLE}</style></head><body>")?;
    writeln!(out, "{BODY}")?;
    // `<` only ever appears inside JSON strings, where `\u003c` means the same: the data can
    // then never close its script element.
    write!(out, "<script type=\"application/json\" id=\"data\">")?;
    out.write_all(json.replace('<', "\\u003c").as_bytes())?;
    writeln!(out, "</script>")?;
    writeln!(out, "<script>{SCRIPT}</script>")?;
    writeln!(out, "</body></html>")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page's skeleton; the script fills it.
const BODY: &str = r#"<header>
  <h1><span class="logo">keyscout</span> <span id="title"></span></h1>
  <p id="subtitle"></p>
</header>
<main>
<section id="summary" aria-label="Summary"></section>
<section id="findings" aria-label="Findings">
  <div class="toolbar">
    <input id="q" type="search" placeholder="Search rule, path, line, commit…" aria-label="Search">
    <select id="f-rule" aria-label="Rule"><option value="">All rules</option></select>
    <select id="f-conf" aria-label="Confidence"><option value="">Any confidence</option>
      <option value="2">high</option><option value="1">medium</option><option value="0">low</option></select>
    <select id="f-repo" aria-label="Repository"><option value="">All repositories</option></select>
    <select id="f-verify" aria-label="Verification"><option value="">Any verification</option>
      <option>live</option><option>invalid</option><option>unknown</option><option>error</option></select>
    <input id="f-path" type="search" placeholder="Path contains…" aria-label="Path">
    <button id="reset" type="button">Reset</button>
    <span id="count" role="status"></span>
  </div>
  <div class="grid" role="table" aria-label="Findings">
    <div class="head" role="row">
      <button role="columnheader" data-sort="conf">Confidence</button>
      <button role="columnheader" data-sort="rule">Rule</button>
      <button role="columnheader" data-sort="path">Location</button>
      <button role="columnheader" data-sort="repo" class="c-repo">Repository</button>
      <button role="columnheader" data-sort="date" class="c-date">Introduced</button>
      <span role="columnheader" class="c-ctx-h">Line</span>
    </div>
    <div id="viewport" role="rowgroup"><div id="spacer"></div></div>
  </div>
  <div id="detail" hidden></div>
</section>
</main>
<noscript><p>This report needs JavaScript to show its findings.</p></noscript>"#;
