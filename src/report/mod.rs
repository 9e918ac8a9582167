//! Reports: one file per format behind one [`Reporter`]. JSON Lines streams each finding as it
//! arrives; the whole-document formats (text, JSON, SARIF, CSV, JUnit, HTML, gitleaks' JSON)
//! sort and write at [`Reporter::finish`].

pub mod baseline;
mod csv;
mod gitleaks;
mod html;
mod json;
mod junit;
pub mod read;
mod sarif;
mod text;

use std::io::{self, Write};

use crate::finding::{Assessment, Finding};

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable, with the secret highlighted (colour only on a terminal).
    Text,
    /// One JSON object: `{"findings": [...], ...}`.
    Json,
    /// One finding per line, written as found.
    Jsonl,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// CSV with a header row, for spreadsheets (formula-like cells are prefixed with ').
    Csv,
    /// JUnit XML: one failed test case per finding, for CI test dashboards.
    Junit,
    /// One self-contained HTML page: a summary, and a table to sort, filter and search.
    Html,
    /// gitleaks' JSON report (its field names), for tools written for gitleaks.
    GitleaksJson,
    /// The fingerprints, sorted, one per line: the file `keyscout baseline` writes.
    #[value(skip)]
    Baseline,
}

/// What a report says about the scan as a whole.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub files: u64,
    pub bytes: u64,
    pub skipped_binary: u64,
    pub errors: u64,
    /// Findings suppressed by ignore files and the baseline.
    pub suppressed: u64,
    pub seconds: f64,
}

/// Writes findings in one format.
pub struct Reporter {
    format: Format,
    out: Box<dyn Write + Send>,
    findings: Vec<(Finding, Assessment)>,
    color: bool,
    redact: Option<u8>,
    count: u64,
    /// `-v`: each finding also written as text here as it arrives, coloured or not.
    echo: Option<(Box<dyn Write + Send>, bool)>,
}

impl Reporter {
    pub fn new(
        format: Format,
        out: Box<dyn Write + Send>,
        color: bool,
        redact: Option<u8>,
    ) -> Self {
        Reporter {
            format,
            out,
            findings: Vec::new(),
            color,
            redact,
            count: 0,
            echo: None,
        }
    }

    /// Also writes each finding as text to `echo` as it arrives.
    pub fn with_echo(mut self, echo: Box<dyn Write + Send>, color: bool) -> Self {
        self.echo = Some((echo, color));
        self
    }

    /// Takes one finding.
    pub fn finding(&mut self, finding: Finding) -> io::Result<()> {
        self.assessed(finding, Assessment::default())
    }

    /// Takes one finding with what was learnt about it after the scan.
    pub fn assessed(&mut self, mut finding: Finding, assessment: Assessment) -> io::Result<()> {
        if let Some(percent) = self.redact {
            finding.redact(percent);
        }
        self.count += 1;
        let pair = (finding, assessment);
        if let Some((echo, color)) = self.echo.as_mut() {
            text::write(echo, std::slice::from_ref(&pair), *color)?;
        }
        match self.format {
            Format::Jsonl => json::write_line(&mut self.out, &pair.0, &pair.1),
            _ => {
                self.findings.push(pair);
                Ok(())
            }
        }
    }

    /// How many findings were reported.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Writes what is left and flushes.
    pub fn finish(mut self, summary: &Summary, root: &std::path::Path) -> io::Result<()> {
        if let Some((echo, _)) = self.echo.as_mut() {
            echo.flush()?;
        }
        let mut findings = std::mem::take(&mut self.findings);
        findings.sort_by(|a, b| a.0.order_key().cmp(&b.0.order_key()));
        let (out, color, redact) = (&mut self.out, self.color, self.redact.is_some());
        match self.format {
            Format::Text => text::write(out, &findings, color),
            Format::Json => json::write_document(out, &findings, summary),
            Format::Jsonl => Ok(()),
            Format::Sarif => sarif::write(out, &findings, root),
            Format::Csv => csv::write(out, &findings),
            Format::Junit => junit::write(out, &findings, summary),
            Format::Html => html::write(out, &findings, summary, root, redact),
            Format::GitleaksJson => gitleaks::write(out, &findings),
            Format::Baseline => {
                baseline::write(out, findings.iter().map(|(f, _)| f.fingerprint.as_str()))
            }
        }?;
        self.out.flush()
    }
}
