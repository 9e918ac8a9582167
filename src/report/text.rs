//! The readable report: rule, place, and the line with the secret highlighted.

use std::io::{self, Write};

use crate::finding::{Assessment, Finding, VerifyStatus};

/// Longest stretch of a line shown around the secret.
const MAX_SHOWN: usize = 160;

const BOLD_RED: &str = "\x1b[1;31m";
const CYAN: &str = "\x1b[36m";
const DIM: &str = "\x1b[2m";
const GREEN: &str = "\x1b[1;32m";
const RESET: &str = "\x1b[0m";

pub fn write(
    out: &mut dyn Write,
    findings: &[(Finding, Assessment)],
    color: bool,
) -> io::Result<()> {
    let paint = |code: &'static str| if color { code } else { "" };
    for (f, a) in findings {
        // `[live]`, `[invalid]`...: what the provider said, with --verify.
        let tag = match &a.verification {
            Some(v) => {
                let code = match v.status {
                    VerifyStatus::Live => BOLD_RED,
                    VerifyStatus::Invalid => GREEN,
                    VerifyStatus::Unknown | VerifyStatus::Error => DIM,
                };
                format!("{}[{}]{} ", paint(code), v.status.as_str(), paint(RESET))
            }
            None => String::new(),
        };
        writeln!(
            out,
            "{}{}:{}:{}{} {}{}{} {tag}{}",
            paint(CYAN),
            f.path,
            f.line,
            f.column,
            paint(RESET),
            paint(BOLD_RED),
            f.rule_id,
            paint(RESET),
            f.description
        )?;
        if let Some(git) = f.git.as_ref().filter(|g| !g.repository.is_empty()) {
            let repository = &git.repository;
            writeln!(
                out,
                "    {}repository {repository}{}",
                paint(DIM),
                paint(RESET)
            )?;
        }
        if let Some(commit) = f.introduced() {
            let short = commit.id.get(..12).unwrap_or(&commit.id);
            let subject = commit.message.lines().next().unwrap_or("");
            writeln!(
                out,
                "    {}commit {short} {} <{}> {}: {subject}{}",
                paint(DIM),
                commit.author,
                commit.email,
                commit.date,
                paint(RESET)
            )?;
        }
        if let Some(image) = &f.image {
            let mut line = format!("image {}", image.image);
            if !image.layer.is_empty() {
                line += &format!(" layer {}", image.layer);
            }
            if !image.created_by.is_empty() {
                line += &format!(": {}", head(&image.created_by, MAX_SHOWN));
            }
            writeln!(out, "    {}{line}{}", paint(DIM), paint(RESET))?;
        }
        let (before, secret, after) = shown_line(f);
        writeln!(
            out,
            "    {before}{}{secret}{}{after}",
            paint(BOLD_RED),
            paint(RESET)
        )?;
        if !f.decoded.is_empty() {
            writeln!(
                out,
                "    {}decoded ({}): {}{}",
                paint(DIM),
                f.decoded,
                head(&f.secret, MAX_SHOWN),
                paint(RESET)
            )?;
        }
        if let Some(why) = &f.why {
            writeln!(
                out,
                "    {}why: `{}` = {} {} value, randomness {:.1} bits/char{}",
                paint(DIM),
                why.name,
                if why.syntax.starts_with(['a', 'e']) {
                    "an"
                } else {
                    "a"
                },
                why.syntax,
                why.randomness,
                paint(RESET)
            )?;
        }
        writeln!(
            out,
            "    {}fingerprint: {}{}",
            paint(DIM),
            f.fingerprint,
            paint(RESET)
        )?;
        if let Some(v) = a.verification.as_ref().filter(|v| !v.detail.is_empty()) {
            let status = v.status.as_str();
            let detail = head(&v.detail, MAX_SHOWN);
            writeln!(out, "    {}{status}: {detail}{}", paint(DIM), paint(RESET))?;
        }
        for note in &a.notes {
            writeln!(out, "    {}note: {note}{}", paint(DIM), paint(RESET))?;
        }
        if !a.remediation.is_empty() {
            writeln!(out, "    remediation: {}", a.remediation)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The first line of the finding's context, cut to a readable width around the secret.
pub(super) fn shown_line(f: &Finding) -> (String, String, String) {
    // A finding read back from a report (`merge`) has no context: its match stands in.
    let (ctx, range) = match f.context.get(f.context_secret.clone()) {
        Some(s) if !s.is_empty() => (&f.context, f.context_secret.clone()),
        _ => match f.matched.find(&f.secret).filter(|_| !f.secret.is_empty()) {
            Some(at) => (&f.matched, at..at + f.secret.len()),
            None => return (String::new(), f.matched.clone(), String::new()),
        },
    };
    let Some(secret) = ctx.get(range.clone()) else {
        return (String::new(), f.matched.clone(), String::new());
    };
    let before = &ctx[..range.start];
    let before = before.rsplit('\n').next().unwrap_or(before);
    let after = &ctx[range.end..];
    let after = after.split('\n').next().unwrap_or(after);
    let secret = secret.split('\n').next().unwrap_or(secret);
    (
        tail(before.trim_start(), MAX_SHOWN / 2),
        head(secret, MAX_SHOWN),
        head(after.trim_end(), MAX_SHOWN / 2),
    )
}

fn head(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

fn tail(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let skip = s.char_indices().nth(n - max).map_or(0, |(at, _)| at);
    format!("…{}", &s[skip..])
}
