//! The baseline file `keyscout baseline` writes: the fingerprints of a scan, deduplicated and
//! sorted, one per line under a fixed comment, with no timestamp and no line number, so that
//! it changes only when findings do and merges line by line. `triage::baseline` reads it.

use std::collections::BTreeSet;
use std::io::{self, Write};

const HEADER: &str = "\
# keyscout baseline: findings reported before, suppressed by `--baseline FILE`.
# One fingerprint per line, PATH:RULE_ID:HASH16 (the first 16 hex digits of the secret's SHA-256).
# Regenerate with `keyscout baseline FILE`; do not edit by hand.
";

/// Writes `fingerprints` as a baseline file. A fingerprint holding a line break (a path with
/// one) cannot be written and is left out, so its finding stays reported.
pub fn write<'a>(
    out: &mut dyn Write,
    fingerprints: impl IntoIterator<Item = &'a str>,
) -> io::Result<()> {
    let sorted: BTreeSet<&str> = fingerprints
        .into_iter()
        .filter(|fp| !fp.contains(['\n', '\r']))
        .collect();
    out.write_all(HEADER.as_bytes())?;
    for fp in sorted {
        writeln!(out, "{fp}")?;
    }
    Ok(())
}
