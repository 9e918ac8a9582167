//! Reports: one file per format behind one [`Reporter`]. JSON Lines streams each finding as it
//! arrives; the whole-document formats (text, JSON, SARIF) sort and write at [`Reporter::finish`].

pub mod baseline;
mod json;
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
        }
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
        match self.format {
            Format::Jsonl => json::write_line(&mut self.out, &finding, &assessment),
            _ => {
                self.findings.push((finding, assessment));
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
        self.findings
            .sort_by(|a, b| a.0.order_key().cmp(&b.0.order_key()));
        match self.format {
            Format::Text => text::write(&mut self.out, &self.findings, self.color),
            Format::Json => json::write_document(&mut self.out, &self.findings, summary),
            Format::Jsonl => Ok(()),
            Format::Sarif => sarif::write(&mut self.out, &self.findings, root),
            Format::Baseline => baseline::write(
                &mut self.out,
                self.findings.iter().map(|(f, _)| f.fingerprint.as_str()),
            ),
        }?;
        self.out.flush()
    }
}
