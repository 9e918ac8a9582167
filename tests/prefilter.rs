//! The fast paths must find exactly what the slow paths find: the keyword prefilter with its
//! windows against whole-input regex runs, and chunked reading against one-piece reading.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyscout::finding::{Chunk, Finding};
use keyscout::rules::{self, ConfigSource};
use keyscout::scan::Scanner;
use keyscout::source::read::{ReadOptions, read_chunks};

fn builtin() -> Arc<rules::RuleSet> {
    Arc::new(rules::load_with_examples(&ConfigSource::Builtin).expect("built-in rules load"))
}

fn scan(scanner: &Scanner, data: &[u8], path: Option<&str>) -> Vec<Finding> {
    let mut out = Vec::new();
    scanner.matcher().scan(&Chunk::whole(data, path), &mut out);
    out.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    out
}

fn fixture_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("fixtures readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out)
            } else {
                out.push(path)
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    files.sort();
    files
}

/// A deterministic pseudo-random generator, enough to place examples in noise.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn prefilter_finds_the_same_as_whole_input_runs_on_every_fixture() {
    let set = builtin();
    let fast = Scanner::new(set.clone());
    let slow = Scanner::new(set).without_prefilter();
    let files = fixture_files();
    assert!(files.len() >= 10);
    let mut total = 0;
    for file in files {
        let data = std::fs::read(&file).unwrap();
        let name = file.to_string_lossy();
        let found = scan(&fast, &data, Some(&name));
        assert_eq!(found, scan(&slow, &data, Some(&name)), "{name}");
        total += found.len();
    }
    assert!(total >= 10, "fixtures hold findings: {total}");
}

#[test]
fn prefilter_finds_the_same_on_every_rule_example_in_noise() {
    let set = builtin();
    let fast = Scanner::new(set.clone());
    let slow = Scanner::new(set.clone()).without_prefilter();
    let noise = [
        "let key = value; // token handling\n",
        "password_hash = sha256(x)\n",
        "  ",
        "\n",
        "https://example.com/path?q=1 ",
        "Zm9vYmFyYmF6cXV4",
        "-----",
        "secret",
        "\t\"api_key\": ",
    ];
    let examples: Vec<&str> = set
        .rules
        .iter()
        .flat_map(|r| r.examples.iter().chain(&r.negative_examples))
        .map(String::as_str)
        .collect();
    assert!(!examples.is_empty());
    let mut rng = Lcg(7);
    for round in 0..20 {
        let mut doc = String::new();
        for _ in 0..examples.len() {
            for _ in 0..rng.next() % 4 {
                doc.push_str(noise[rng.next() as usize % noise.len()]);
            }
            doc.push_str(examples[rng.next() as usize % examples.len()]);
        }
        let found = scan(&fast, doc.as_bytes(), Some("doc.txt"));
        assert_eq!(
            found,
            scan(&slow, doc.as_bytes(), Some("doc.txt")),
            "round {round}"
        );
        assert!(!found.is_empty());
    }
    // Each example alone, too.
    for example in examples {
        assert_eq!(
            scan(&fast, example.as_bytes(), None),
            scan(&slow, example.as_bytes(), None),
            "{example}"
        );
    }
}

#[test]
fn prefilter_finds_the_same_in_encoded_rule_examples() {
    use common::encode::{base64, hex, percent};
    let set = builtin();
    let fast = Scanner::new(set.clone());
    let slow = Scanner::new(set.clone()).without_prefilter();
    let mut rng = Lcg(11);
    let mut decoded = 0;
    for (i, rule) in set.rules.iter().enumerate() {
        let mut doc = String::from("config:\n");
        for example in rule.examples.iter().chain(&rule.negative_examples) {
            let bytes = example.as_bytes();
            let encoded = match (i + rng.next() as usize) % 5 {
                0 => base64(bytes, false, true),
                1 => base64(bytes, true, false),
                2 => hex(bytes),
                3 => percent(bytes),
                _ => base64(hex(bytes).as_bytes(), false, false),
            };
            doc.push_str(&format!("  value: \"{encoded}\" # {example:.10}\n"));
        }
        let found = scan(&fast, doc.as_bytes(), Some("doc.yaml"));
        assert_eq!(
            found,
            scan(&slow, doc.as_bytes(), Some("doc.yaml")),
            "{}",
            rule.id
        );
        decoded += found.iter().filter(|f| !f.decoded.is_empty()).count();
    }
    assert!(decoded > set.rules.len() / 2, "{decoded} decoded findings");
}

#[test]
fn chunked_reading_finds_the_same_as_one_piece() {
    let set = builtin();
    let scanner = Scanner::new(set);
    // All fixtures end to end, scanned in small chunks (smaller than a PEM key's lines).
    let mut all = Vec::new();
    for file in fixture_files() {
        all.extend(std::fs::read(file).unwrap());
        all.extend_from_slice(b"\n");
    }
    let whole = scan(&scanner, &all, Some("all"));
    let opts = ReadOptions {
        binary: true,
        chunk_size: 4096,
        overlap: 2048,
    };
    let mut chunked = Vec::new();
    let mut matcher = scanner.matcher();
    read_chunks(&all[..], Some("all"), &mut Vec::new(), &opts, |chunk| {
        matcher.scan(&chunk, &mut chunked)
    })
    .unwrap();
    chunked.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    assert_eq!(chunked, whole);
}

#[test]
fn strings_of_a_binary_read_in_chunks_are_those_of_one_piece() {
    let scanner = Scanner::new(builtin());
    // Every fixture, its lines alternately as ASCII and as UTF-16LE, between binary noise.
    let mut data = b"\x7fELF\0".to_vec();
    for (i, file) in fixture_files().into_iter().enumerate() {
        for (j, line) in std::fs::read(file)
            .unwrap()
            .split(|&b| b == b'\n')
            .enumerate()
        {
            if (i + j) % 2 == 0 {
                data.extend_from_slice(line);
            } else {
                data.extend(line.iter().flat_map(|&b| [b, 0]));
            }
            data.extend_from_slice(b"\n\0\x01\x02");
        }
    }
    let mut whole = Vec::new();
    let mut matcher = scanner.matcher();
    keyscout::source::strings::scan_whole(&data, Some("all"), |chunk| {
        matcher.scan(&chunk, &mut whole)
    });
    assert!(whole.len() >= 10, "{} findings", whole.len());
    assert!(whole.iter().all(|f| f.offset.is_some()));
    whole.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    let opts = ReadOptions {
        binary: false,
        chunk_size: 4096,
        overlap: 2048,
    };
    let mut chunked = Vec::new();
    read_chunks(&data[..], Some("all"), &mut Vec::new(), &opts, |chunk| {
        matcher.scan(&chunk, &mut chunked)
    })
    .unwrap();
    chunked.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    assert_eq!(chunked, whole);
}

#[test]
fn binary_with_and_without_prefilter_reports_the_same() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let run = |extra: &[&str]| {
        let mut args = vec!["dir", ".", "-f", "json", "-q"];
        args.extend_from_slice(extra);
        common::findings(&common::keyscout_in(&root, &args, None))
    };
    let fast = run(&[]);
    assert!(fast.len() >= 10);
    assert_eq!(fast, run(&["--no-prefilter"]));
}

#[test]
fn keyword_pass_finds_what_the_crates_own_search_finds() {
    let set = builtin();
    let keywords = set.keywords.as_ref().expect("built-in rules have keywords");
    let mut doc = Vec::new();
    for rule in &set.rules {
        for example in rule.examples.iter().chain(&rule.negative_examples) {
            doc.extend_from_slice(example.to_uppercase().as_bytes());
            doc.extend_from_slice(b" -- ");
            doc.extend_from_slice(example.as_bytes());
            doc.push(b'\n');
        }
    }
    let reference = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(keywords.patterns())
        .expect("keyword automaton");
    let mut want: Vec<(usize, usize, u32)> = reference
        .find_overlapping_iter(&doc)
        .map(|m| (m.end(), m.start(), m.pattern().as_u32()))
        .collect();
    want.sort_unstable();
    assert!(want.len() > 1000, "{} hits", want.len());
    // The NFA (small scans) and the DFA (past a few MiB), each walking two halves at once.
    for scanned in [0, u64::MAX] {
        let mut hits = Vec::new();
        keywords.find_all(scanned, &doc, &mut hits);
        let mut got: Vec<(usize, usize, u32)> =
            hits.iter().map(|h| (h.end, h.start, h.pattern)).collect();
        got.sort_unstable();
        assert_eq!(got, want, "scanned {scanned}");
    }
}

#[test]
fn windows_reach_as_far_as_a_match_can_on_each_side_of_its_keyword() {
    // A keyword that ends its match and one that starts it: a window too short on either side
    // would cut a match and find a shorter one, or none.
    let set = rules::load_text(
        "reach.toml",
        r#"
[[rules]]
id = "trailing"
regex = '''[a-z0-9]{8,40}@vault\.example'''
keywords = ["@vault.example"]

[[rules]]
id = "leading"
regex = '''tok_[a-z0-9]{8,40}'''
keywords = ["tok_"]
"#,
    )
    .expect("rules load");
    let set = Arc::new(set);
    let fast = Scanner::new(set.clone());
    let slow = Scanner::new(set).without_prefilter();
    let mut rng = Lcg(3);
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789 @._";
    for round in 0..200 {
        let mut doc = Vec::new();
        for _ in 0..(rng.next() % 6) {
            for _ in 0..(rng.next() % 60) {
                doc.push(alphabet[rng.next() as usize % alphabet.len()]);
            }
            let keyword: &[u8] = if rng.next().is_multiple_of(2) {
                b"@vault.example"
            } else {
                b"tok_"
            };
            doc.extend_from_slice(keyword);
        }
        let found = scan(&fast, &doc, Some("doc.txt"));
        assert_eq!(found, scan(&slow, &doc, Some("doc.txt")), "round {round}");
    }
}

/// A rule's search skips work where it can (`Compiled::search`): groups that all span the
/// whole match are not resolved, and a regex whose matches start with a literal is searched
/// for only where the literal occurs. On every example of every rule, alone and in noise, it
/// must find what a plain capture search finds, groups included.
#[test]
fn a_rules_search_finds_what_a_capture_search_finds() {
    use regex_automata::Input;
    let set = builtin();
    let (mut whole, mut prefixed) = (0, 0);
    for rule in &set.rules {
        let Some(Ok(compiled)) = rule.regex.as_ref().map(|p| p.compiled()) else {
            continue;
        };
        whole += usize::from(compiled.groups_are_match);
        prefixed += usize::from(compiled.prefix.is_some());
        let regex = &compiled.regex;
        let mut cache = regex.create_cache();
        let (mut want, mut got) = (regex.create_captures(), regex.create_captures());
        for example in &rule.examples {
            let noisy = format!("x = 1;\n{example}\n{example} y\n");
            for hay in [example.as_bytes(), noisy.as_bytes()] {
                let mut at = 0;
                loop {
                    let input = Input::new(hay).range(at..);
                    regex.search_captures(&input, &mut want);
                    compiled.search(&mut cache, &input, &mut got);
                    assert_eq!(want.get_match(), got.get_match(), "{}", rule.id);
                    for g in 0..want.group_len() {
                        assert_eq!(want.get_group(g), got.get_group(g), "{} group {g}", rule.id);
                    }
                    let Some(m) = want.get_match() else { break };
                    at = m.end().max(m.start() + 1);
                    if at > hay.len() {
                        break;
                    }
                }
            }
        }
    }
    // The private key blocks at least: one group around the whole regex, a literal first.
    assert!(whole >= 7 && prefixed >= 7, "{whole} {prefixed}");
}
