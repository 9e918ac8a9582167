//! benches/creddata: the builder on a real git mirror and a made-up markup, the real binary on
//! what it builds, and the scorer's line counting on a small truth whose figures are known.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{Dir, code, fake, git, stderr};
use serde_json::Value;

fn bench(script: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/creddata")
        .join(script)
}

fn python(script: &str, args: &[&str], cwd: &Path) -> Output {
    Command::new("python3")
        .arg(bench(script))
        .args(args)
        .current_dir(cwd)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python3")
}

/// The value of a Python expression over `sys.argv[1]`, to name things as CredData does.
fn py_eval(expr: &str, arg: &str) -> String {
    let out = Command::new("python3")
        .args([
            "-c",
            &format!("import binascii, hashlib, sys; print({expr})"),
            arg,
        ])
        .output()
        .expect("run python3");
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read json")).expect("parse json")
}

fn truth_line(path: &str, line: (u32, u32), label: &str, category: &str, extra: &str) -> String {
    format!(
        r#"{{"path": "{path}", "line_start": {}, "line_end": {}, "label": "{label}", "category": "{category}", "value_start": -1, "value_end": -1, "id": 1, "repo": "0000000a"{extra}}}"#,
        line.0, line.1
    ) + "\n"
}

/// Six labelled lines, one row of a file the builder could not find, and reports of four formats.
fn scored(dir: &Dir) -> Value {
    let file = "data/0000000a/_/11111111.py";
    let truth = [
        truth_line(file, (3, 3), "T", "Password", ""),
        truth_line(file, (3, 3), "F", "Key", ""), // a true row beside: the line is true
        truth_line(file, (5, 5), "F", "Password", ""),
        truth_line(file, (7, 7), "Template", "Token", ""),
        truth_line(file, (10, 14), "T", "PEM Private Key", ""),
        truth_line(file, (20, 20), "T", "Secret:Token", ""),
        truth_line(file, (30, 30), "T", "Password", r#", "file_missing": true"#),
    ]
    .concat();
    dir.write("truth.jsonl", truth);
    // keyscout: paths relative to the data folder; a span hit; an unlabelled line twice; a
    // LICENSE finding (ignored); one without a line.
    let f =
        |path: &str, line: &str| format!(r#"{{"rule_id": "r", "path": "{path}", "line": {line}}}"#);
    let ks = [
        f("0000000a/_/11111111.py", "3"),
        f("0000000a/_/11111111.py", "5"),
        f("0000000a/_/11111111.py", "12"),
        f("0000000a/_/11111111.py", "40"),
        f("0000000a/_/11111111.py", "40"),
        f("0000000a/LICENSE", "3"),
        f("0000000a/_/11111111.py", "null"),
    ];
    dir.write(
        "keyscout.json",
        format!(r#"{{"findings": [{}]}}"#, ks.join(",")),
    );
    dir.write(
        "gitleaks.json",
        format!(
            r#"[{{"RuleID": "g", "File": "/scan/root/{file}", "StartLine": 7}}, {{"RuleID": "g", "File": "{file}", "StartLine": 20}}]"#
        ),
    );
    dir.write(
        "betterleaks.json",
        format!(r#"{{"findings": [{{"rule_id": "b", "location": {{"path": "./{file}", "start_line": 30}}}}]}}"#),
    );
    dir.write(
        "kingfisher.jsonl",
        format!(r#"{{"rule": {{"id": "k"}}, "finding": {{"path": "{file}", "line": 20}}}}"#) + "\n",
    );
    let out = python(
        "score.py",
        &[
            "--truth",
            "truth.jsonl",
            "keyscout=keyscout.json",
            "gitleaks=gitleaks.json",
            "betterleaks=betterleaks.json",
            "kingfisher=kingfisher.jsonl",
            "--by-category",
            "--json",
            "scores.json",
        ],
        dir.path(),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    read_json(&dir.path().join("scores.json"))
}

#[test]
fn scorer_counts_labelled_lines_as_creddata_does() {
    let dir = Dir::new();
    let s = scored(&dir);
    assert_eq!(s["lines"]["T"], 3, "the missing file's row is left out");
    let ks = &s["results"]["keyscout"]["overall"];
    let counts: Vec<u64> = [
        "findings",
        "TP",
        "FP",
        "FP_F",
        "FP_Tmpl",
        "FN",
        "unlabelled",
        "no_line",
    ]
    .iter()
    .map(|k| ks[*k].as_u64().expect(k))
    .collect();
    assert_eq!(counts, [6, 2, 1, 1, 0, 1, 1, 1]);
    let close = |v: &Value, want: f64| (v.as_f64().expect("number") - want).abs() < 1e-9;
    assert!(close(&ks["precision"], 2.0 / 3.0) && close(&ks["recall"], 2.0 / 3.0));
    assert!(close(&ks["f1"], 2.0 / 3.0) && close(&ks["prec_all"], 0.5));

    let cats = &s["results"]["keyscout"]["categories"];
    assert_eq!(
        (&cats["Password"]["found"], &cats["Password"]["true"]),
        (&1.into(), &1.into())
    );
    assert_eq!(cats["Password"]["fp"], 1);
    assert_eq!(
        cats["Key"]["fp"], 0,
        "a false row on a true line is no false positive"
    );
    assert_eq!(cats["PEM Private Key"]["found"], 1);
    assert_eq!(
        (&cats["Token"]["found"], &cats["Token"]["true"]),
        (&0.into(), &1.into())
    );

    let gl = &s["results"]["gitleaks"]["overall"];
    assert_eq!(
        (&gl["TP"], &gl["FP_Tmpl"], &gl["FN"]),
        (&1.into(), &1.into(), &2.into())
    );
    assert_eq!(s["results"]["gitleaks"]["categories"]["Secret"]["found"], 1);
    let bl = &s["results"]["betterleaks"]["overall"];
    assert_eq!(
        (&bl["TP"], &bl["unlabelled"]),
        (&0.into(), &1.into()),
        "missing file's line"
    );
    assert_eq!(s["results"]["kingfisher"]["overall"]["TP"], 1);
}

#[test]
fn scorer_lists_what_the_first_report_misses_per_category() {
    let dir = Dir::new();
    scored(&dir);
    let text: String = (1..=40).map(|n| format!("line{n} = value{n}\n")).collect();
    dir.write("data/0000000a/_/11111111.py", text);
    let args = [
        "--truth",
        "truth.jsonl",
        "keyscout=keyscout.json",
        "gitleaks=gitleaks.json",
        "--misses",
        "m",
    ];
    let out = python("score.py", &args, dir.path());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let read = |name: &str| std::fs::read_to_string(dir.path().join("m").join(name)).expect(name);
    let token = read("Token.txt");
    assert!(
        token.contains("data/0000000a/_/11111111.py:20  line20 = value20"),
        "{token}"
    );
    let password = read("Password.txt");
    assert!(
        password.contains("r  data/0000000a/_/11111111.py:5 [F]  line5 = value5"),
        "{password}"
    );
    assert!(!password.contains(":3 "), "line 3 was found: {password}");
    assert!(
        !dir.path().join("m/PEM_Private_Key.txt").exists(),
        "nothing missed, nothing flagged"
    );
}

#[test]
fn scorer_names_a_missing_truth_and_a_broken_report() {
    let dir = Dir::new();
    let out = python(
        "score.py",
        &["--truth", "nope.jsonl", "k=k.json"],
        dir.path(),
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("nope.jsonl"), "{}", stderr(&out));
    dir.write(
        "truth.jsonl",
        truth_line("data/0000000a/_/1.py", (1, 1), "T", "Key", ""),
    );
    dir.write("k.json", "{not json\n");
    let out = python(
        "score.py",
        &["--truth", "truth.jsonl", "k=k.json"],
        dir.path(),
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("k.json:1"), "{}", stderr(&out));
}

/// A CredData-like checkout naming one file of a real git mirror at its first commit.
struct Fixture {
    dir: Dir,
    rid: String,
    data_path: String,
}

fn fixture() -> Fixture {
    let dir = Dir::new();
    let repo = dir.path().join("mirrors/acme+widgets/repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    git(&repo, &["init", "-q"]);
    let src = "src/test/Config.PY";
    let token = fake::github_pat();
    let body = format!("import os\r\nTOKEN = \"{token}\"\rname = \"widget\"\n");
    dir.write(&format!("mirrors/acme+widgets/repo/{src}"), &body);
    dir.write("mirrors/acme+widgets/repo/README.md", "widgets\n");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    let commit = git(&repo, &["rev-parse", "HEAD"]);
    // Later history changes the file: the builder must take the dataset's commit.
    dir.write(&format!("mirrors/acme+widgets/repo/{src}"), "changed\n");
    git(&repo, &["commit", "-q", "-am", "second"]);

    let key = format!("{commit}{}", "0".repeat(24));
    let rid = py_eval("'%08x' % binascii.crc32(bytes.fromhex(sys.argv[1]))", &key);
    let fid = py_eval("hashlib.sha256(sys.argv[1].encode()).hexdigest()[:8]", src);
    // word_in_path order decides the scope: ./src/test/config holds test, /src and conf.
    let data_path = format!("data/{rid}/test/src/conf/{fid}.py");
    dir.write(
        "CredData/word_in_path.json",
        r#"["test", "/src", "/doc/", "conf"]"#,
    );
    dir.write(
        "CredData/snapshot.json",
        format!(r#"{{"{key}": "https://github.com/acme/widgets.git"}}"#),
    );
    let head = "Id,FileID,Domain,RepoName,FilePath,LineStart,LineEnd,GroundTruth,ValueStart,ValueEnd,CryptographyKey,PredefinedPattern,Category";
    dir.write(
        &format!("CredData/meta/{rid}.csv"),
        format!(
            "{head}\n7,{fid},GitHub,{rid},{data_path},2,2,T,9,{},,,Token\n8,{fid},GitHub,{rid},{data_path},3,3,F,8,14,,,Password\n9,deadbeef,GitHub,{rid},data/{rid}/_/deadbeef.txt,1,1,X,0,5,,,Key\n",
            9 + token.len()
        ),
    );
    dir.write(
        "repos.txt",
        format!("# one\n{rid}  https://github.com/acme/widgets\n"),
    );
    Fixture {
        dir,
        rid,
        data_path,
    }
}

#[test]
fn builder_rebuilds_files_from_the_mirror_and_keyscout_finds_the_true_line() {
    let fx = fixture();
    let root = fx.dir.path();
    let out = python(
        "build.py",
        &[
            "--creddata",
            "CredData",
            "--mirrors",
            "mirrors",
            "--out",
            "built",
            "--repos",
            "repos.txt",
        ],
        root,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let built = root.join("built");
    let text = std::fs::read_to_string(built.join(&fx.data_path)).expect("built file");
    let token = fake::github_pat();
    assert_eq!(
        text,
        format!("import os\nTOKEN = \"{token}\"\nname = \"widget\"\n")
    );
    let truth: Vec<Value> = std::fs::read_to_string(built.join("truth.jsonl"))
        .expect("truth")
        .lines()
        .map(|l| serde_json::from_str(l).expect("row"))
        .collect();
    assert_eq!(truth.len(), 3);
    let row = |id: u64| truth.iter().find(|r| r["id"] == id).expect("row");
    assert_eq!(
        (&row(7)["label"], &row(7)["file_missing"]),
        (&"T".into(), &false.into())
    );
    assert_eq!(row(9)["label"], "Template");
    assert_eq!(
        row(9)["file_missing"],
        true,
        "no file of that FileID in the repository"
    );
    let line = text.lines().nth(1).expect("line 2");
    let (vs, ve) = (
        row(7)["value_start"].as_u64().expect("vs"),
        row(7)["value_end"].as_u64().expect("ve"),
    );
    assert_eq!(
        &line[vs as usize..ve as usize],
        token,
        "offsets refer to the normalised text"
    );
    let summary = &read_json(&built.join("build.json"))["summary"];
    assert_eq!(
        (&summary["repos_built"], &summary["files"]),
        (&1.into(), &1.into())
    );

    // The real binary on the built data, scored: the token's line is the one true positive.
    let ks = common::keyscout_in(
        &built,
        &[
            "dir",
            "data",
            "-f",
            "json",
            "-o",
            "ks.json",
            "--exit-code",
            "0",
            "-q",
        ],
        None,
    );
    assert_eq!(code(&ks), 0, "{}", stderr(&ks));
    let out = python(
        "score.py",
        &[
            "--truth",
            "truth.jsonl",
            "keyscout=ks.json",
            "--json",
            "s.json",
        ],
        &built,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let s = &read_json(&built.join("s.json"))["results"]["keyscout"]["overall"];
    assert_eq!(
        (&s["TP"], &s["FN"], &s["FP"]),
        (&1.into(), &0.into(), &0.into())
    );
    assert_eq!(fx.rid.len(), 8);
}

#[test]
fn builder_refuses_to_write_into_a_work_tree_and_names_unknown_repos() {
    let fx = fixture();
    let root = fx.dir.path();
    git(root, &["init", "-q"]);
    let out = python(
        "build.py",
        &[
            "--creddata",
            "CredData",
            "--mirrors",
            "mirrors",
            "--out",
            "inside",
            "--repos",
            "repos.txt",
        ],
        root,
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("inside a git work tree"),
        "{}",
        stderr(&out)
    );
    assert!(!root.join("inside").exists());

    fx.dir.write("other.txt", "0badf00d\n");
    let out = python(
        "build.py",
        &[
            "--creddata",
            "CredData",
            "--mirrors",
            "mirrors",
            "--out",
            "/nonexistent-keyscout/x",
            "--repos",
            "other.txt",
        ],
        root,
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("0badf00d"), "{}", stderr(&out));
}
