//! Triage: the findings a team has already looked at. Ignore files ([`ignore`]) name them by
//! fingerprint, by secret hash, or by path glob and rule (and gitleaks' `.gitleaksignore` by
//! commit, path, rule and line); a baseline ([`baseline`]) is the set of fingerprints of an
//! earlier scan. [`Triage`] holds both, says for each finding whether it is suppressed, and
//! counts what each ignore entry matched, for `--report-stale-ignores`. It works on text and
//! findings; reading the files and printing are the command line's. Inline `keyscout:allow`
//! comments and rule allowlists are judged earlier, by the scanner. [`facts`] notes what can be
//! told offline that makes a finding matter less (an expired JWT, an example or test-mode key).

pub mod baseline;
pub mod facts;
pub mod ignore;

use std::collections::HashSet;

use crate::finding::{Finding, secret_sha256};
use ignore::IgnoreFile;

/// The ignore files and the baseline a scan applies.
#[derive(Debug, Default)]
pub struct Triage {
    files: Vec<IgnoreFile>,
    baseline: HashSet<String>,
}

impl Triage {
    pub fn add_ignore_file(&mut self, file: IgnoreFile) {
        self.files.push(file);
    }

    pub fn add_baseline(&mut self, fingerprints: HashSet<String>) {
        self.baseline.extend(fingerprints);
    }

    /// Whether `finding` is suppressed. Every ignore entry that matches it is counted, so that
    /// an entry shadowed by another is not reported stale.
    pub fn suppresses(&mut self, finding: &Finding) -> bool {
        let mut hash = None;
        let mut secret_hash = || {
            hash.get_or_insert_with(|| secret_sha256(finding.secret.as_bytes()))
                .clone()
        };
        let mut suppressed = self.baseline.contains(&finding.fingerprint);
        for listed in self.files.iter_mut().flat_map(|f| f.entries.iter_mut()) {
            if listed.entry.matches(finding, &mut secret_hash) {
                listed.hits += 1;
                suppressed = true;
            }
        }
        suppressed
    }

    /// The ignore entries that matched no finding: `(file, line, entry)`.
    pub fn stale(&self) -> impl Iterator<Item = (&str, usize, &str)> {
        self.files.iter().flat_map(|f| {
            f.entries
                .iter()
                .filter(|l| l.hits == 0)
                .map(|l| (f.name.as_str(), l.line, l.text.as_str()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ignore::Syntax;
    use super::*;

    fn finding(path: &str, rule: &str, secret: &str) -> Finding {
        Finding {
            rule_id: rule.into(),
            path: path.into(),
            line: 3,
            column: 1,
            end_line: 3,
            end_column: 1,
            secret: secret.into(),
            matched: secret.into(),
            confidence: "high".into(),
            fingerprint: Finding::fingerprint(path, rule, secret.as_bytes()),
            ..Finding::default()
        }
    }

    #[test]
    fn each_entry_kind_suppresses_its_findings_and_stale_ones_are_listed() {
        let a = finding("src/a.py", "r1", "s3cr3t-one");
        let b = finding("tests/b.py", "r2", "s3cr3t-two");
        let c = finding("c.py", "r3", "s3cr3t-three");
        let d = finding("d.py", "r4", "s3cr3t-four");
        let text = format!(
            "# header\n{}  # reviewed\nsecret-sha256:{}\nglob:tests/**:*\nglob:*.py:nope\n",
            a.fingerprint,
            secret_sha256(b"s3cr3t-three"),
        );
        let (file, errors) = IgnoreFile::parse("ig", &text, Syntax::Keyscout);
        assert!(errors.is_empty(), "{errors:?}");
        let (gl, errors) = IgnoreFile::parse("gl", "d.py:r4:3\nd.py:r4:4\n", Syntax::Gitleaks);
        assert!(errors.is_empty(), "{errors:?}");
        let mut triage = Triage::default();
        triage.add_ignore_file(file);
        triage.add_ignore_file(gl);
        for f in [&a, &b, &c, &d] {
            assert!(triage.suppresses(f), "{}", f.path);
        }
        assert!(!triage.suppresses(&finding("src/b.py", "r1", "other")));
        let stale: Vec<_> = triage.stale().collect();
        assert_eq!(
            stale,
            vec![("ig", 5, "glob:*.py:nope"), ("gl", 2, "d.py:r4:4")]
        );
    }

    #[test]
    fn a_baseline_suppresses_its_fingerprints() {
        let a = finding("a", "r", "x1");
        let mut triage = Triage::default();
        triage.add_baseline([a.fingerprint.clone()].into());
        assert!(triage.suppresses(&a));
        assert!(!triage.suppresses(&finding("a", "r", "x2")));
        assert_eq!(triage.stale().count(), 0);
    }
}
