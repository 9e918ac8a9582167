//! Keeps deploy/ honest: every keyscout command line in its manifests and notes parses with
//! this build's command-line definition, and each manifest's number of shards is the same
//! where it is written twice (the N of `--shard K/N`, and `completions` or the matrix).

use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser};
use keyscout::cli::args::Cli;

/// Every file under deploy/, sorted.
fn deploy_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read deploy/") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `${{ expr }}`, `${VAR}` and `$VAR` replaced by `0`: a shard index, as the runner gives it.
fn substitute(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let skip = if let Some(expr) = tail.strip_prefix("{{") {
            expr.find("}}").map_or(tail.len(), |end| 2 + end + 2)
        } else if let Some(var) = tail.strip_prefix('{') {
            var.find('}').map_or(tail.len(), |end| 1 + end + 1)
        } else {
            tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len())
        };
        out.push('0');
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out
}

/// Words as a POSIX shell splits them (quotes and backslashes; no expansions).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                w.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// `keyscout SUBCOMMAND ...` command lines in `text` (lines joined at a trailing `\`), as
/// words, cut at the first shell operator.
fn command_lines(text: &str) -> Vec<Vec<String>> {
    let subcommands: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let mut joined = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        match line.trim_end().strip_suffix('\\') {
            Some(part) => current.push_str(part),
            None => {
                current.push_str(line);
                joined.push(std::mem::take(&mut current));
            }
        }
    }
    let mut commands = Vec::new();
    for line in joined {
        let words = shell_words(&substitute(&line));
        let Some(at) = words.iter().position(|w| w == "keyscout") else {
            continue;
        };
        if !words.get(at + 1).is_some_and(|w| subcommands.contains(w)) {
            continue;
        }
        let command: Vec<String> = words[at..]
            .iter()
            .take_while(|w| !["&&", "||", ";", "|", ">", "2>"].contains(&w.as_str()))
            .cloned()
            .collect();
        commands.push(command);
    }
    commands
}

/// (file under deploy/, subcommand) of every command line found, and the lines.
fn all_commands() -> Vec<(String, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    let mut all = Vec::new();
    for file in deploy_files() {
        let text = std::fs::read_to_string(&file).expect("deploy files are text");
        let name = file
            .strip_prefix(&root)
            .expect("under deploy/")
            .to_string_lossy()
            .into_owned();
        for command in command_lines(&text) {
            all.push((name.clone(), command));
        }
    }
    all
}

#[test]
fn the_command_lines_are_found() {
    let found: Vec<(String, String)> = all_commands()
        .into_iter()
        .map(|(file, words)| (file, words[1].clone()))
        .collect();
    let expected = [
        ("github-actions/keyscout-org.yml", "git"),
        ("github-actions/keyscout-org.yml", "merge"),
        ("kubernetes/README.md", "merge"),
        ("kubernetes/job.yaml", "git"),
        ("kubernetes/merge-job.yaml", "merge"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
#[ignore = "needs the org branch (keyscout git REPO... --repos-from --clone-dir --state --shard --stats)"]
fn every_command_line_parses() {
    let failures: Vec<String> = all_commands()
        .into_iter()
        .filter_map(|(file, words)| {
            let err = Cli::try_parse_from(&words).err()?;
            Some(format!("deploy/{file}: `{}`:\n{err}", words.join(" ")))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn merge_command_lines_parse_already() {
    for (file, words) in all_commands() {
        if words[1] == "merge" {
            let parsed = Cli::try_parse_from(&words);
            assert!(parsed.is_ok(), "deploy/{file}: {words:?}: {parsed:?}");
        }
    }
}

/// The N of every `--shard K/N` in `words`.
fn shard_counts(words: &[String]) -> Vec<u32> {
    words
        .windows(2)
        .filter(|w| w[0] == "--shard")
        .map(|w| {
            let (_, n) = w[1].split_once('/').expect("--shard K/N");
            n.parse().expect("N is a number")
        })
        .collect()
}

/// The number after `key:` on the line that starts with it (YAML scalar), or the length of
/// the flow list after it (`[0, 1, 2]`).
fn yaml_count(text: &str, key: &str) -> u32 {
    let line = text
        .lines()
        .find_map(|l| l.trim().strip_prefix(key))
        .unwrap_or_else(|| panic!("no `{key}`"))
        .trim();
    match line.strip_prefix('[') {
        Some(list) => list.trim_end_matches(']').split(',').count() as u32,
        None => line.parse().expect("a number"),
    }
}

#[test]
fn the_number_of_shards_agrees_within_each_manifest() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    for (file, key) in [
        ("kubernetes/job.yaml", "completions:"),
        ("github-actions/keyscout-org.yml", "shard:"),
    ] {
        let text = std::fs::read_to_string(root.join(file)).expect("manifest");
        let jobs = yaml_count(&text, key);
        let counts: Vec<u32> = command_lines(&text)
            .iter()
            .flat_map(|w| shard_counts(w))
            .collect();
        assert_eq!(counts, [jobs], "{file}");
    }
    let job = std::fs::read_to_string(root.join("kubernetes/job.yaml")).expect("job");
    assert_eq!(
        yaml_count(&job, "parallelism:"),
        yaml_count(&job, "completions:")
    );
    assert!(job.contains("completionMode: Indexed"));
}

#[test]
fn shell_words_and_substitution() {
    assert_eq!(
        shell_words(&substitute(
            r#"exec keyscout git --shard "${JOB_COMPLETION_INDEX}/4" -o 'a b' x\ y"#
        )),
        [
            "exec", "keyscout", "git", "--shard", "0/4", "-o", "a b", "x y"
        ]
    );
    assert_eq!(
        substitute("--shard ${{ matrix.shard }}/4 $N."),
        "--shard 0/4 0."
    );
}
