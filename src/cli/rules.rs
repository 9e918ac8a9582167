//! `keyscout rules list` and `keyscout rules check`.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use crate::finding::{Chunk, Finding};
use crate::rules::{self, ConfigSource, Rule, RuleSet};
use crate::scan::Scanner;

fn load(config: Option<&Path>) -> anyhow::Result<RuleSet> {
    let source = match config {
        Some(path) => ConfigSource::File(path.to_path_buf()),
        None => ConfigSource::Builtin,
    };
    rules::load_with_examples(&source).map_err(anyhow::Error::new)
}

pub fn list(config: Option<&Path>) -> anyhow::Result<u8> {
    let set = load(config)?;
    let mut out = std::io::stdout().lock();
    for rule in &set.rules {
        writeln!(
            out,
            "{}\t{}\t[{}]\t{}:{}\t{}\t{}\t{}\t{}",
            rule.id,
            rule.keywords.join(","),
            rule.tags.join(","),
            rule.origin.file,
            rule.origin.line,
            // Whether the prefilter can confine the regex to windows around keyword hits.
            if rule
                .regex
                .as_ref()
                .and_then(|p| p.compiled().ok())
                .is_some_and(|c| c.reach.is_some())
            {
                "windowed"
            } else {
                "whole-input"
            },
            rule.confidence.as_str(),
            // Where `--verify` asks about its secrets, or `-`.
            rule.verify
                .as_ref()
                .map_or("-".to_string(), |v| format!("verify:{}", v.host)),
            rule.description
        )?;
    }
    out.flush()?;
    Ok(0)
}

/// One example that did not behave.
#[derive(Debug, PartialEq)]
pub struct Failure {
    pub file: String,
    pub line: usize,
    pub rule_id: String,
    pub message: String,
}

/// Runs every rule's examples (each must yield a finding of that rule at the rule's own
/// confidence) and negative examples (none may; one downgraded by a failed checksum is fine)
/// through the whole rule set, as a scan would.
pub fn failures(set: Arc<RuleSet>) -> Vec<Failure> {
    let scanner = Scanner::new(set);
    let mut matcher = scanner.matcher();
    let mut found: Vec<Finding> = Vec::new();
    let mut failures = Vec::new();
    for rule in &scanner.rules().rules {
        let patterns = rule.regex.iter().chain(&rule.path).chain(
            rule.allowlists
                .iter()
                .flat_map(|a| a.paths.iter().chain(&a.regexes)),
        );
        if let Some(err) = patterns.filter_map(|p| p.regex().err()).next() {
            failures.push(Failure {
                file: rule.origin.file.clone(),
                line: rule.origin.line,
                rule_id: rule.id.clone(),
                message: format!("regex cannot be built: {err}"),
            });
            continue;
        }
        let mut fires = |example: &str| {
            found.clear();
            matcher.scan(&Chunk::whole(example.as_bytes(), None), &mut found);
            found
                .iter()
                .any(|f| f.rule_id == rule.id && f.confidence == rule.confidence.as_str())
        };
        for example in &rule.examples {
            if !fires(example) {
                failures.push(failure(rule, example, "example is not found"));
            }
        }
        for example in &rule.negative_examples {
            if fires(example) {
                failures.push(failure(rule, example, "negative example is found"));
            }
        }
    }
    failures
}

fn failure(rule: &Rule, example: &str, what: &str) -> Failure {
    let shown: String = example.trim().chars().take(80).collect();
    Failure {
        file: rule.origin.file.clone(),
        line: rule.line_of_example(example),
        rule_id: rule.id.clone(),
        message: format!("{what}: {shown}"),
    }
}

pub fn check(config: Option<&Path>) -> anyhow::Result<u8> {
    let set = Arc::new(load(config)?);
    let rules = set.rules.len();
    let examples: usize = set
        .rules
        .iter()
        .map(|r| r.examples.len() + r.negative_examples.len())
        .sum();
    let without = set.rules.iter().filter(|r| r.examples.is_empty()).count();
    let failures = failures(set);
    for f in &failures {
        eprintln!("{}:{}: rule `{}`: {}", f.file, f.line, f.rule_id, f.message);
    }
    println!(
        "{rules} rules, {examples} examples checked, {} failure(s){}",
        failures.len(),
        if without > 0 {
            format!(" ({without} rule(s) without examples)")
        } else {
            String::new()
        }
    );
    Ok(if failures.is_empty() { 0 } else { 1 })
}
