//! rules/COVERAGE.md maps every rule of the peers' default rule sets to a keyscout rule or a
//! reason. It is generated (benches/coverage/gen_coverage.py), but read by people and edited
//! through notes: these tests keep it true to the rules that exist.

use std::collections::HashSet;

fn coverage() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/COVERAGE.md"))
        .expect("rules/COVERAGE.md is readable")
}

/// (section, peer rule, keyscout column, how) of each mapping row.
fn rows(text: &str) -> Vec<(String, String, String, String)> {
    let mut section = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            section = title.to_string();
            continue;
        }
        let cells: Vec<&str> = line.split(" | ").collect();
        if section.is_empty() || cells.len() != 3 || !line.starts_with("| `") {
            continue;
        }
        let peer_rule = cells[0].trim_start_matches("| ").trim_matches('`');
        let how = cells[2].trim_end_matches(" |");
        out.push((
            section.clone(),
            peer_rule.to_string(),
            cells[1].to_string(),
            how.to_string(),
        ));
    }
    out
}

/// The text between backticks, in order.
fn quoted(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

#[test]
fn every_keyscout_rule_named_in_coverage_exists() {
    let set = keyscout::rules::load(&keyscout::rules::ConfigSource::Builtin)
        .expect("built-in rules load");
    let ids: HashSet<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    let text = coverage();
    let rows = rows(&text);
    let mut named = 0;
    for (section, peer_rule, keyscout, how) in &rows {
        if how == "note" {
            // a reason may name rules too, always in backticks
            for id in quoted(keyscout).into_iter().filter(|q| !q.contains(' ')) {
                if id.contains('-') && !id.starts_with("--") && !id.contains('.') {
                    assert!(
                        ids.contains(id),
                        "{section} `{peer_rule}`: no keyscout rule `{id}`"
                    );
                }
            }
            continue;
        }
        for id in quoted(keyscout) {
            assert!(
                ids.contains(id),
                "{section} `{peer_rule}`: no keyscout rule `{id}`"
            );
            named += 1;
        }
    }
    assert!(named > 1000, "only {named} keyscout rules named");
}

#[test]
fn every_peer_rule_has_a_rule_or_a_reason() {
    let text = coverage();
    let rows = rows(&text);
    let sections: HashSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    for peer in ["gitleaks", "Betterleaks", "Kingfisher", "Nosey Parker"] {
        assert!(sections.contains(peer), "no section for {peer}");
        let n = rows.iter().filter(|r| r.0 == peer).count();
        assert!(n >= 100, "{peer}: only {n} rules listed");
    }
    for (section, peer_rule, keyscout, how) in &rows {
        assert!(
            ["example", "regex", "provider", "note", "none"].contains(&how.as_str()),
            "{section} `{peer_rule}`: unknown how `{how}`"
        );
        assert!(
            !keyscout.trim().is_empty(),
            "{section} `{peer_rule}`: neither a rule nor a reason"
        );
        if how != "note" && how != "none" {
            assert!(
                !quoted(keyscout).is_empty(),
                "{section} `{peer_rule}`: `{how}` names no rule"
            );
        }
    }
}
