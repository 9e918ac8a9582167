//! What the report adds to each finding after the scan: the rule's remediation, and with
//! `--verify` the provider's answer. Decides which verifiers may run: built-in ones, and
//! those of a rule file the user named (`--config`, `$KEYSCOUT_CONFIG`); never those of a
//! `.keyscout.toml` or `.gitleaks.toml` found in the scanned tree, which a hostile
//! repository could have written to send its scanner's findings anywhere.

use std::collections::HashMap;
use std::time::Duration;

use super::args::{ScanArgs, VerifyArgs};
use super::output;
use crate::finding::{Assessment, Finding, VerifyStatus};
use crate::rules::{Rule, RuleSet};
use crate::triage::facts;
use crate::verify::{self, Options};

/// Each finding's rule, by id.
pub(super) struct Assessor<'a> {
    rules: HashMap<&'a str, &'a Rule>,
    now: u64,
}

impl<'a> Assessor<'a> {
    pub(super) fn new(set: &'a RuleSet) -> Self {
        Assessor {
            rules: set.rules.iter().map(|r| (r.id.as_str(), r)).collect(),
            now: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        }
    }

    /// Whether `finding` is of a rule tagged `companion`: kept only for `--verify`'s pairings,
    /// never reported.
    pub(super) fn companion(&self, finding: &Finding) -> bool {
        self.rules
            .get(finding.rule_id.as_str())
            .is_some_and(|r| r.companion)
    }

    /// What is known offline: the rule's remediation, and facts that lower the stakes.
    pub(super) fn assess(&self, finding: &Finding) -> Assessment {
        Assessment {
            remediation: self
                .rules
                .get(finding.rule_id.as_str())
                .map(|r| r.remediation.clone())
                .unwrap_or_default(),
            notes: facts::notes(&finding.rule_id, &finding.secret, self.now),
            verification: None,
        }
    }
}

/// `--state`'s remembered answers, and how long they stand (`--verify-ttl`).
pub(super) struct Remember<'a> {
    pub memory: &'a mut verify::Memory,
    pub ttl: Duration,
}

/// Whether the rule file was named by the user (so its verifiers may run): `--config`, or
/// the environment (`$KEYSCOUT_CONFIG`, or gitleaks' `$GITLEAKS_CONFIG`, which the scan reads too).
fn config_named(args: &ScanArgs) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    args.config.is_some() || set("KEYSCOUT_CONFIG") || set("GITLEAKS_CONFIG")
}

/// Runs `--verify` over `items` and drops what `--only-verified` leaves out.
pub(super) fn verify(
    args: &ScanArgs,
    set: &RuleSet,
    items: &mut Vec<(Finding, Assessment)>,
    memory: Option<Remember<'_>>,
) -> anyhow::Result<()> {
    let v: &VerifyArgs = &args.verify;
    let named = config_named(args);
    let skipped = set
        .rules
        .iter()
        .filter(|r| r.verify.as_ref().is_some_and(|v| !v.builtin && !named))
        .count();
    if skipped > 0 && !args.report.quiet {
        output::warn(&format!(
            "{skipped} verifier(s) from a rule file found in the scanned tree are not used: \
             --verify runs only built-in verifiers and those of a file named with --config or \
             $KEYSCOUT_CONFIG"
        ));
    }
    let opts = Options {
        concurrency: usize::from(v.verify_concurrency),
        timeout: Duration::from_secs(v.verify_timeout.max(1)),
        rate_per_host: v.verify_rate,
        debug: v.verify_debug,
        ttl: memory.as_ref().map_or(Options::default().ttl, |m| m.ttl),
        ..Options::default()
    };
    let stats = verify::run(
        items,
        set,
        |ver| ver.builtin || named,
        &opts,
        memory.map(|m| m.memory),
    )
    .map_err(|e| anyhow::anyhow!("--verify: {e}"))?;
    if !args.report.quiet {
        let remembered = match stats.remembered {
            0 => String::new(),
            n => format!(" ({n} answered from --state)"),
        };
        eprintln!(
            "keyscout: verified {} finding(s) with {} request(s) for {} distinct secret(s){remembered}: \
             {} live, {} invalid, {} unknown, {} error",
            stats.findings,
            stats.sent,
            stats.distinct,
            stats.live,
            stats.invalid,
            stats.unknown,
            stats.error
        );
    }
    if v.only_verified {
        items.retain(|(_, a)| {
            a.verification
                .as_ref()
                .is_some_and(|v| v.status == VerifyStatus::Live)
        });
    }
    Ok(())
}
