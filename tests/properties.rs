//! Property tests (proptest, with shrinking) of the fast paths against their slow references,
//! on documents made of the rules' own examples, keywords in random case, and noise: the
//! keyword pass against a plain case-insensitive search, the windowed (prefiltered) engine
//! against whole-input regex runs, and chunked reads against whole reads. The delta-aware
//! history scan against `--whole-blobs` on random repositories is in tests/history.rs.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use keyscout::finding::{Chunk, Finding};
use keyscout::rules::{self, ConfigSource, KeywordHit, RuleSet};
use keyscout::scan::Scanner;
use keyscout::source::read::{ReadOptions, read_chunks};
use proptest::prelude::*;

fn builtin() -> &'static Arc<RuleSet> {
    static SET: OnceLock<Arc<RuleSet>> = OnceLock::new();
    SET.get_or_init(|| {
        Arc::new(rules::load_with_examples(&ConfigSource::Builtin).expect("built-in rules"))
    })
}

fn fast() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| Scanner::new(builtin().clone()))
}

fn slow() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| Scanner::new(builtin().clone()).without_prefilter())
}

/// The pieces documents are made of: every rule example (positive and negative) of one line,
/// every keyword, and noise.
fn pieces() -> &'static Vec<String> {
    static P: OnceLock<Vec<String>> = OnceLock::new();
    P.get_or_init(|| {
        let set = builtin();
        let mut out: Vec<String> = set
            .rules
            .iter()
            .flat_map(|r| r.examples.iter().chain(&r.negative_examples))
            .filter(|e| !e.contains('\n') && e.len() < 200)
            .cloned()
            .collect();
        out.extend(set.keywords.iter().flat_map(|k| k.patterns().to_vec()));
        out.extend(
            [
                "\n", " ", "=", "\"", "'", ": ", "key", "token", "%41", "Zm9v", "0a1b", "é", "\t",
                "x",
            ]
            .map(String::from),
        );
        out
    })
}

/// A document of up to `n` pieces, each with its letters' case flipped or not.
fn document(n: usize) -> impl Strategy<Value = Vec<u8>> {
    let count = pieces().len();
    prop::collection::vec((0..count, any::<bool>(), any::<u8>()), 0..n).prop_map(|picks| {
        let mut doc = Vec::new();
        for (i, flip_case, noise) in picks {
            let piece = &pieces()[i];
            if flip_case {
                doc.extend(piece.bytes().map(|b| {
                    if b.is_ascii_lowercase() {
                        b.to_ascii_uppercase()
                    } else {
                        b.to_ascii_lowercase()
                    }
                }));
            } else {
                doc.extend_from_slice(piece.as_bytes());
            }
            // Noise bytes, but no NUL: see `a_nul_in_a_line_...` below.
            if noise % 5 == 0 && noise != 0 {
                doc.push(noise);
            }
        }
        doc
    })
}

/// Every occurrence of every keyword, by a plain search at each position.
fn plain_search(patterns: &[String], data: &[u8]) -> Vec<(usize, usize, u32)> {
    let mut out = Vec::new();
    for (p, pattern) in patterns.iter().enumerate() {
        let pat = pattern.as_bytes();
        if pat.is_empty() || pat.len() > data.len() {
            continue;
        }
        for start in 0..=data.len() - pat.len() {
            if data[start..start + pat.len()].eq_ignore_ascii_case(pat) {
                out.push((start, start + pat.len(), p as u32));
            }
        }
    }
    out.sort_unstable();
    out
}

fn sorted(hits: &[KeywordHit]) -> Vec<(usize, usize, u32)> {
    let mut v: Vec<_> = hits.iter().map(|h| (h.start, h.end, h.pattern)).collect();
    v.sort_unstable();
    v
}

fn scan(scanner: &Scanner, data: &[u8]) -> Vec<Finding> {
    let mut out = Vec::new();
    scanner
        .matcher()
        .scan(&Chunk::whole(data, Some("doc.txt")), &mut out);
    out.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn keyword_pass_finds_what_a_plain_search_finds(doc in document(60)) {
        let keywords = builtin().keywords.as_ref().expect("built-in rules have keywords");
        let want = plain_search(keywords.patterns(), &doc);
        // Both automata: the NFA for small scans, the DFA once a thread has scanned enough.
        for scanned in [0u64, 1 << 40] {
            let mut hits = Vec::new();
            keywords.find_all(scanned, &doc, &mut hits);
            prop_assert!(hits.windows(2).all(|w| w[0].end <= w[1].end), "not ordered by end");
            prop_assert_eq!(&sorted(&hits), &want, "scanned {}", scanned);
        }
    }

    #[test]
    fn windowed_rules_find_what_whole_input_runs_find(doc in document(40)) {
        prop_assert_eq!(scan(fast(), &doc), scan(slow(), &doc));
    }

    #[test]
    fn chunked_reads_find_what_whole_reads_find(
        lines in prop::collection::vec(document(6), 1..40),
        chunk_size in 1024usize..3000,
    ) {
        // Lines shorter than the overlap (which is at most a chunk): every match (none spans
        // lines here) is seen whole by the chunk that owns its start.
        let mut doc = Vec::new();
        for line in lines {
            let line: Vec<u8> = line.into_iter().filter(|&b| b != b'\n').take(300).collect();
            doc.extend_from_slice(&line);
            doc.push(b'\n');
        }
        let read = |opts: &ReadOptions| {
            let mut found = Vec::new();
            let mut matcher = fast().matcher();
            let mut buf = Vec::new();
            read_chunks(&doc[..], Some("doc.txt"), &mut buf, opts, |chunk| {
                matcher.scan(&chunk, &mut found)
            })
            .expect("reading from memory");
            found
        };
        let whole = read(&ReadOptions { binary: true, ..ReadOptions::default() });
        let chunked = read(&ReadOptions { binary: true, chunk_size, overlap: 1024 });
        // Compared by rule, line and secret, generic rules included: a specific rule's match
        // that starts in the next chunk hides a generic finding of this one, as in a whole
        // read. Not by column: a secret that appears twice on one long line can be reported
        // once more by a chunk that starts inside the line (a known duplicate, with that
        // chunk's column), but nothing is lost and nothing new is found.
        let lines_only = |found: &[Finding]| -> BTreeSet<(String, usize, String)> {
            found
                .iter()
                .map(|f| (f.rule_id.clone(), f.line, f.secret.clone()))
                .collect()
        };
        prop_assert_eq!(lines_only(&chunked), lines_only(&whole));
    }
}
