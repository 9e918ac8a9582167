//! JSON (one document) and JSON Lines (one finding per line).

use std::io::{self, Write};

use serde::Serialize;

use super::Summary;
use crate::finding::{Assessment, Finding};

#[derive(Serialize)]
struct Document<'a> {
    tool: Tool,
    findings: Vec<Assessed<'a>>,
    summary: SummaryJson,
}

/// A finding with its assessment's fields beside its own.
#[derive(Serialize)]
pub(super) struct Assessed<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    #[serde(flatten)]
    assessment: &'a Assessment,
}

impl<'a> Assessed<'a> {
    pub(super) fn new(finding: &'a Finding, assessment: &'a Assessment) -> Self {
        Assessed {
            finding,
            assessment,
        }
    }
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// Totals without timings, so that two scans of the same tree give the same document.
#[derive(Serialize)]
struct SummaryJson {
    findings: usize,
    files: u64,
    bytes: u64,
    skipped_binary: u64,
    errors: u64,
}

pub fn write_document(
    out: &mut dyn Write,
    findings: &[(Finding, Assessment)],
    summary: &Summary,
) -> io::Result<()> {
    let doc = Document {
        tool: Tool {
            name: "keyscout",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: findings.iter().map(|(f, a)| Assessed::new(f, a)).collect(),
        summary: SummaryJson {
            findings: findings.len(),
            files: summary.files,
            bytes: summary.bytes,
            skipped_binary: summary.skipped_binary,
            errors: summary.errors,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

pub fn write_line(
    out: &mut dyn Write,
    finding: &Finding,
    assessment: &Assessment,
) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &Assessed::new(finding, assessment))?;
    writeln!(out)
}
