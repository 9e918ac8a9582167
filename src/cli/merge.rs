//! `keyscout merge REPORT...`: reads each report ([`crate::report::read`]), keeps one finding
//! per identity (fingerprint, repository, commit, blob), and writes them sorted, in any
//! format: the shards of a scaled-out scan, or overlapping runs, become one report.
//!
//! Of duplicates the first read is kept (reports in the order given). An input that cannot be
//! read, or an entry in it that cannot, is named on stderr; the rest is merged and the exit
//! code is 2.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use super::args::MergeArgs;
use super::output;
use crate::finding::{Assessment, Finding};
use crate::report::Summary;
use crate::report::read::{self, Identity};

pub fn merge(args: MergeArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let mut summary = Summary::default();
    let mut errors = 0;
    let mut read_count = 0;
    let mut merged: BTreeMap<Identity, (Finding, Assessment)> = BTreeMap::new();
    for path in &args.reports {
        let report = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| read::read(&bytes));
        let report = match report {
            Ok(report) => report,
            Err(err) => {
                output::warn(&format!("{}: {err}", path.display()));
                errors += 1;
                continue;
            }
        };
        for problem in &report.problems {
            output::warn(&format!("{}: {problem}", path.display()));
        }
        errors += report.problems.len() as u64;
        if let Some(totals) = report.summary {
            summary.files += totals.files;
            summary.bytes += totals.bytes;
            summary.skipped_binary += totals.skipped_binary;
            summary.errors += totals.errors;
        }
        for found in report.findings {
            read_count += 1;
            merged
                .entry(found.identity)
                .or_insert((found.finding, found.assessment));
        }
    }
    summary.errors += errors;
    summary.seconds = started.elapsed().as_secs_f64();

    // By place (as every report sorts), then identity: the same bytes whatever the order of
    // the inputs, in every format.
    let mut findings: Vec<(Identity, (Finding, Assessment))> = merged.into_iter().collect();
    findings.sort_by(|(a_id, (a, _)), (b_id, (b, _))| {
        (a.order_key(), a_id).cmp(&(b.order_key(), b_id))
    });
    let mut reporter = args.report.reporter()?;
    for (_, (finding, assessment)) in findings {
        reporter
            .assessed(finding, assessment)
            .with_context(|| args.report.writing())?;
    }
    let count = reporter.count();
    // Paths in the findings are relative to what each input scanned; SARIF anchors them at
    // the working directory.
    reporter
        .finish(&summary, Path::new("."))
        .with_context(|| args.report.writing())?;
    if !args.report.quiet {
        let mut line = format!(
            "keyscout: {count} finding(s) from {} report(s), {} duplicate(s) removed",
            args.reports.len(),
            read_count - count
        );
        if errors > 0 {
            line += &format!(", {errors} error(s)");
        }
        eprintln!("{line}");
    }
    Ok(args.report.exit_code(errors, count))
}
