//! The command line's side of triage: reads the ignore files and the baseline a scan applies
//! (`--ignore-file` or `.keyscoutignore`, `.gitleaksignore`, `--baseline`), lists stale
//! entries, and runs `keyscout ignore` and `keyscout baseline`. What the entries mean is
//! [`crate::triage`]'s.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};

use super::args::{BaselineArgs, IgnoreArgs, ScanArgs};
use super::scan::Counters;
use super::{EXIT_ERROR, output, scan};
use crate::report::{self, Format};
use crate::triage::ignore::{Entry, IgnoreFile, Syntax};
use crate::triage::{Triage, baseline};

/// The ignore files and baseline for a scan whose root is `root`. A file named on the command
/// line that cannot be read stops the scan; a line that is not an entry is an error (counted,
/// so the exit code is 2) and the scan goes on with the other entries.
pub(super) fn load(args: &ScanArgs, root: &Path, counters: &Counters) -> anyhow::Result<Triage> {
    // `.keyscoutignore` rather than `./.keyscoutignore` in messages.
    let at_root = |name: &str| {
        if root == Path::new(".") {
            PathBuf::from(name)
        } else {
            root.join(name)
        }
    };
    let mut files = Vec::new();
    if args.ignore_file.is_empty() {
        files.push((at_root(".keyscoutignore"), Syntax::Keyscout, false));
    }
    for path in &args.ignore_file {
        files.push((path.clone(), Syntax::Keyscout, true));
    }
    // gitleaks' -i names the file, or a directory holding one.
    files.push(match &args.gitleaks_ignore_path {
        Some(path) if path.is_dir() => (path.join(".gitleaksignore"), Syntax::Gitleaks, false),
        Some(path) => (path.clone(), Syntax::Gitleaks, true),
        None => (at_root(".gitleaksignore"), Syntax::Gitleaks, false),
    });
    let mut triage = Triage::default();
    for (path, syntax, given) in files {
        let Some(text) = read(&path, given, counters)? else {
            continue;
        };
        let (file, errors) = IgnoreFile::parse(&path.display().to_string(), &text, syntax);
        for err in errors {
            counters.error(&err.to_string());
        }
        triage.add_ignore_file(file);
    }
    if let Some(path) = &args.baseline
        && let Some(text) = read(path, true, counters)?
    {
        let (fingerprints, errors) = baseline::parse(&path.display().to_string(), &text);
        for err in errors {
            counters.error(&err.to_string());
        }
        triage.add_baseline(fingerprints);
    }
    Ok(triage)
}

/// The file's text; `None` when it is missing and was not `given`, or cannot be read (an error).
fn read(path: &Path, given: bool, counters: &Counters) -> anyhow::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(err) if given => Err(anyhow!("{}: {err}", path.display())),
        Err(err) if err.kind() == ErrorKind::NotFound => Ok(None),
        Err(err) => {
            counters.error(&format!("{}: {err}", path.display()));
            Ok(None)
        }
    }
}

/// `--report-stale-ignores`: the entries that matched nothing, on stderr.
pub(super) fn report_stale(args: &ScanArgs, triage: &Triage) {
    if args.report_stale_ignores {
        for (file, line, entry) in triage.stale() {
            eprintln!("keyscout: stale ignore: {file}:{line}: {entry}");
        }
    }
}

/// `keyscout ignore`: appends the entries not already in the file.
pub(super) fn ignore(args: IgnoreArgs) -> anyhow::Result<u8> {
    let reason = args.reason.as_deref().map(str::trim);
    if reason.is_some_and(|r| r.contains(['\n', '\r'])) {
        bail!("--reason must be one line");
    }
    let mut new = Vec::new();
    for arg in &args.entries {
        let entry = arg.trim();
        Entry::parse(entry, Syntax::Keyscout).map_err(|e| anyhow!("`{entry}`: {e}"))?;
        new.push(entry);
    }
    let path = &args.ignore_file;
    let name = path.display().to_string();
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == ErrorKind::NotFound => String::new(),
        Err(err) => bail!("{name}: {err}"),
    };
    let (file, errors) = IgnoreFile::parse(&name, &existing, Syntax::Keyscout);
    for err in &errors {
        output::warn(&err.to_string());
    }
    let mut known: std::collections::HashSet<&str> =
        file.entries.iter().map(|l| l.text.as_str()).collect();
    let mut text = String::new();
    if !existing.is_empty() && !existing.ends_with('\n') {
        text.push('\n');
    }
    let mut added = 0;
    for entry in &new {
        if !known.insert(entry) {
            continue;
        }
        text += entry;
        if let Some(reason) = reason.filter(|r| !r.is_empty()) {
            text += " # ";
            text += reason;
        }
        text.push('\n');
        added += 1;
    }
    if added > 0 {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .with_context(|| format!("writing {name}"))?;
    }
    eprintln!(
        "keyscout: {added} entr{} added to {name}, {} already there",
        if added == 1 { "y" } else { "ies" },
        new.len() - added
    );
    Ok(if errors.is_empty() { 0 } else { EXIT_ERROR })
}

/// `keyscout baseline`: scans like `keyscout dir` and writes the fingerprints, or converts a
/// report (`--from`). Findings do not make it fail; errors do.
pub(super) fn baseline(args: BaselineArgs) -> anyhow::Result<u8> {
    let BaselineArgs {
        file,
        from,
        mut dir,
    } = args;
    if dir.scan.report.output.is_some() || dir.scan.report.format != Format::Text {
        bail!("keyscout baseline writes FILE: -o and -f do not apply");
    }
    let Some(from) = from else {
        dir.scan.report.format = Format::Baseline;
        dir.scan.report.output = Some(file);
        dir.scan.report.exit_code = 0;
        return scan::dir(dir);
    };
    let name = from.display().to_string();
    let text = std::fs::read_to_string(&from).with_context(|| format!("reading {name}"))?;
    let (fingerprints, errors) = baseline::parse(&name, &text);
    for err in &errors {
        output::warn(&err.to_string());
    }
    let mut out = output::open(Some(&file))?;
    report::baseline::write(&mut out, fingerprints.iter().map(String::as_str))
        .and_then(|()| out.flush())
        .with_context(|| format!("writing {}", file.display()))?;
    if !dir.scan.report.quiet {
        eprintln!(
            "keyscout: {} fingerprint(s) from {name} written to {}",
            fingerprints.len(),
            file.display()
        );
    }
    Ok(if errors.is_empty() { 0 } else { EXIT_ERROR })
}
