//! Replays every committed fuzz input (`fuzz/corpus/TARGET/`, what `cargo fuzz cmin` kept, and
//! `fuzz/regressions/TARGET/`, each input that once crashed, hung or blew up a target) through
//! the targets' own entry points in `keyscout::fuzzing`, on stable: each must return.

use std::path::Path;

type Target = fn(&[u8]);

const TARGETS: &[(&str, Target)] = &[
    ("rules_toml", keyscout::fuzzing::rules_toml),
    ("engine", keyscout::fuzzing::engine),
    ("decoders", keyscout::fuzzing::decoders),
    ("archive", keyscout::fuzzing::archive),
    ("image", keyscout::fuzzing::image),
    ("git_objects", keyscout::fuzzing::git_objects),
    ("report", keyscout::fuzzing::report),
    ("triage_files", keyscout::fuzzing::triage_files),
    ("verify_response", keyscout::fuzzing::verify_response),
];

/// Runs each file under `fuzz/KIND/TARGET/` through its target; how many ran.
fn replay(kind: &str, name: &str, target: Target) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(name);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let run = std::panic::catch_unwind(|| target(&data));
        assert!(run.is_ok(), "{} panics", file.display());
    }
    files.len()
}

#[test]
fn every_corpus_input_runs_through_its_target() {
    for (name, target) in TARGETS {
        let n = replay("corpus", name, *target);
        assert!(n > 0, "no corpus for fuzz target {name}");
    }
}

#[test]
fn every_regression_input_runs_through_its_target() {
    for (name, target) in TARGETS {
        replay("regressions", name, *target);
    }
}

#[test]
fn every_fuzz_target_has_an_entry_here() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    let mut listed: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            path.file_stem().unwrap().to_string_lossy().into_owned()
        })
        .collect();
    listed.sort();
    let mut here: Vec<String> = TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    here.sort();
    assert_eq!(listed, here);
}
