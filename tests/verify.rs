//! `--verify` against real HTTPS servers on 127.0.0.1 (a test CA made in the test, reached
//! through the `KEYSCOUT_VERIFY_CONNECT` testing hook and `SSL_CERT_FILE`), one server
//! behaviour per test: live, invalid, 429 then live, 500, a timeout, a redirect to another
//! host, a huge body, a slow body. Nothing here reaches beyond loopback.

mod common;
#[path = "common/https.rs"]
mod https;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Dir, code, stderr, stdout};
use https::{Reply, Seen, Server};
use serde_json::Value;

const HOST: &str = "api.provider.test";

/// A rule file the user names with --config: a made-up token format and its verifier.
fn rules(extra: &str) -> String {
    format!(
        r#"
[[rules]]
id = "test-token"
description = "Test provider token"
remediation = "Revoke it at https://provider.test/tokens"
regex = '''\b(tok_[a-z0-9]{{20}})\b'''
keywords = ["tok_"]

[rules.verify]
url = "https://{HOST}/v1/whoami"
headers = {{ Authorization = "Bearer {{{{secret}}}}" }}
detail = ["user"]
{extra}
[rules.verify.live]
status = [200]
json = {{ ok = true }}

[rules.verify.invalid]
status = [401]
"#
    )
}

/// `tok_` + 20 characters naming the scenario (padded with `0`).
fn token(name: &str) -> String {
    format!("tok_{name:0<20}")
}

fn run(dir: &Dir, server: &Server, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyscout"));
    cmd.args(args)
        .current_dir(dir.path())
        .env_remove("KEYSCOUT_CONFIG")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env(
            "KEYSCOUT_VERIFY_CONNECT",
            server.connect_env(&[HOST, "api.github.com"]),
        )
        .env("SSL_CERT_FILE", server.ca_file())
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run keyscout")
}

/// The provider: the token after `Bearer ` picks the behaviour.
fn provider(req: &Seen, n: usize) -> Reply {
    let auth = req.header("authorization").unwrap_or_default();
    let live = Reply::new(200, r#"{"ok": true, "user": "octo"}"#);
    match auth.strip_prefix("Bearer tok_").unwrap_or_default() {
        t if t.starts_with("live") => live,
        t if t.starts_with("dead") => Reply::new(401, r#"{"ok": false, "error": "bad token"}"#),
        t if t.starts_with("busy") && n == 0 => Reply::new(429, "{}").header("Retry-After", "1"),
        t if t.starts_with("busy") => live,
        t if t.starts_with("down") => Reply::new(500, "oops"),
        t if t.starts_with("slow") => Reply {
            delay: Duration::from_secs(5),
            ..live
        },
        t if t.starts_with("move") => {
            Reply::new(302, "").header("Location", "https://collector.evil.test/steal?t=x")
        }
        t if t.starts_with("huge") => {
            let mut body = br#"{"ok": true, "user": "octo", "pad": ""#.to_vec();
            body.resize(8 << 20, b'x');
            Reply::new(200, body)
        }
        t if t.starts_with("drip") => Reply {
            trickle: Some(Duration::from_millis(400)),
            ..Reply::new(
                200,
                format!(
                    r#"{{"user": "octo", "pad": "{}", "ok": true}}"#,
                    "x".repeat(100)
                ),
            )
        },
        t if t.starts_with("odd") => Reply::new(418, "teapot"),
        _ => Reply::new(400, "{}"),
    }
}

/// Scans a tree holding `tokens` with --verify and the test rules; the JSON findings.
fn verify(tokens: &[&str], args: &[&str]) -> (Server, Vec<Value>, Output) {
    let server = Server::start(&[HOST, "api.github.com"], provider);
    let dir = Dir::new();
    dir.write("rules.toml", rules(""));
    let body: String = tokens
        .iter()
        .map(|t| format!("key = {}\n", token(t)))
        .collect();
    dir.write("app/config.env", body);
    let mut all = vec!["dir", "app", "-c", "rules.toml", "-f", "json", "--verify"];
    all.extend_from_slice(args);
    let out = run(&dir, &server, &all, &[]);
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(&out), stderr(&out)));
    let findings = doc["findings"].as_array().cloned().unwrap_or_default();
    (server, findings, out)
}

fn verification(f: &Value) -> (String, String) {
    (
        f["verification"]["status"]
            .as_str()
            .unwrap_or("none")
            .to_string(),
        f["verification"]["detail"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    )
}

#[test]
fn a_live_secret_is_reported_live_with_the_account_and_sent_only_where_the_rule_says() {
    let (server, findings, out) = verify(&["live"], &[]);
    assert_eq!(findings.len(), 1, "{}", stderr(&out));
    assert_eq!(
        verification(&findings[0]),
        ("live".into(), "user=octo".into())
    );
    assert_eq!(
        findings[0]["remediation"],
        "Revoke it at https://provider.test/tokens"
    );
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("GET", "/v1/whoami")
    );
    assert_eq!(seen[0].header("host"), Some(HOST));
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {}", token("live")).as_str())
    );
    // Found with --verify: exit 1 as for any finding; a summary on stderr.
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("1 live, 0 invalid"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_rejected_secret_is_invalid() {
    let (_, findings, _) = verify(&["dead"], &[]);
    assert_eq!(
        verification(&findings[0]),
        ("invalid".into(), "HTTP 401".into())
    );
}

#[test]
fn an_answer_the_verifier_does_not_know_is_unknown() {
    let (_, findings, _) = verify(&["odd"], &[]);
    assert_eq!(verification(&findings[0]).0, "unknown");
    assert!(verification(&findings[0]).1.contains("HTTP 418"));
}

#[test]
fn too_many_requests_waits_for_retry_after_then_gets_the_answer() {
    let (server, findings, _) = verify(&["busy"], &[]);
    assert_eq!(verification(&findings[0]).0, "live");
    let seen = server.requests();
    assert_eq!(seen.len(), 2, "one 429, one retry");
    let gap = seen[1].at - seen[0].at;
    assert!(
        gap >= Duration::from_millis(950),
        "Retry-After: 1 honoured, waited {gap:?}"
    );
}

#[test]
fn a_server_error_is_retried_with_backoff_then_reported_as_error() {
    let (server, findings, _) = verify(&["down"], &[]);
    assert_eq!(
        verification(&findings[0]),
        ("error".into(), "HTTP 500 after 3 tries".into())
    );
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    assert!(
        seen[2].at - seen[1].at > seen[1].at - seen[0].at,
        "backoff grows"
    );
}

#[test]
fn a_slow_provider_times_out() {
    let started = Instant::now();
    let (_, findings, _) = verify(&["slow"], &["--verify-timeout", "1"]);
    assert_eq!(
        verification(&findings[0]),
        ("error".into(), "timed out".into())
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_redirect_to_another_host_is_not_followed() {
    let (server, findings, _) = verify(&["move"], &[]);
    assert_eq!(
        verification(&findings[0]),
        (
            "unknown".into(),
            "HTTP 302: redirect to collector.evil.test not followed".into()
        )
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_huge_body_is_cut() {
    let started = Instant::now();
    let (_, findings, _) = verify(&["huge"], &[]);
    // The JSON is cut before it closes, so the `ok` field cannot be read: not live.
    assert_eq!(verification(&findings[0]).0, "unknown");
    assert!(
        verification(&findings[0]).1.contains("(body cut)"),
        "{:?}",
        verification(&findings[0])
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_slow_body_is_cut_by_the_deadline() {
    let started = Instant::now();
    let (_, findings, _) = verify(&["drip"], &["--verify-timeout", "1"]);
    let (status, _) = verification(&findings[0]);
    assert_ne!(status, "live", "half a body proves nothing");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn each_distinct_secret_is_asked_once() {
    let (server, findings, out) = verify(&["live", "live", "dead", "live"], &[]);
    assert_eq!(findings.len(), 4);
    assert_eq!(server.requests().len(), 2, "{}", stderr(&out));
}

#[test]
fn only_verified_keeps_the_live_findings() {
    let (_, findings, out) = verify(&["live", "dead", "odd"], &["--only-verified"]);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["secret"], token("live"));
    assert_eq!(code(&out), 1);
    let (_, findings, out) = verify(&["dead"], &["--only-verified"]);
    assert!(findings.is_empty());
    assert_eq!(code(&out), 0);
}

#[test]
fn without_the_test_ca_the_connection_is_refused() {
    let server = Server::start(&[HOST], provider);
    let dir = Dir::new();
    dir.write("rules.toml", rules(""));
    dir.write("app/a.env", format!("k = {}\n", token("live")));
    let other = Dir::new();
    let ca = other.write(
        "other-ca.pem",
        std::fs::read(Server::start(&[HOST], provider).ca_file()).unwrap(),
    );
    let out = run(
        &dir,
        &server,
        &["dir", "app", "-c", "rules.toml", "-f", "json", "--verify"],
        &[("SSL_CERT_FILE", ca.to_str().unwrap())],
    );
    let f = &common::findings(&out)[0];
    assert_eq!(f["verification"]["status"], "error");
    assert!(
        f["verification"]["detail"]
            .as_str()
            .unwrap()
            .contains("TLS"),
        "{f}"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_rule_file_found_in_the_scanned_tree_sends_nothing() {
    let server = Server::start(&[HOST], provider);
    let dir = Dir::new();
    dir.write(".keyscout.toml", rules(""));
    dir.write("a.env", format!("k = {}\n", token("live")));
    let out = run(&dir, &server, &["dir", ".", "-f", "json", "--verify"], &[]);
    let findings = common::findings(&out);
    assert_eq!(findings.len(), 1, "the repository's rule still finds");
    assert!(findings[0].get("verification").is_none());
    assert!(server.requests().is_empty());
    assert!(stderr(&out).contains("not used"), "{}", stderr(&out));
    // The same file named with --config (or $KEYSCOUT_CONFIG) is the user's choice.
    let out = run(
        &dir,
        &server,
        &["dir", ".", "-f", "json", "--verify"],
        &[("KEYSCOUT_CONFIG", ".keyscout.toml")],
    );
    assert_eq!(verification(&common::findings(&out)[0]).0, "live");
}

#[test]
fn without_verify_nothing_is_sent() {
    let server = Server::start(&[HOST], provider);
    let dir = Dir::new();
    dir.write("rules.toml", rules(""));
    dir.write("a.env", format!("k = {}\n", token("live")));
    let out = run(
        &dir,
        &server,
        &["dir", ".", "-c", "rules.toml", "-f", "json"],
        &[],
    );
    let findings = common::findings(&out);
    assert!(findings[0].get("verification").is_none());
    assert_eq!(
        findings[0]["remediation"],
        "Revoke it at https://provider.test/tokens"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn text_shows_a_tag_and_sarif_raises_the_level_of_a_live_secret() {
    let server = Server::start(&[HOST], provider);
    let dir = Dir::new();
    dir.write("rules.toml", rules(""));
    dir.write(
        "a.env",
        format!("a = {}\nb = {}\n", token("live"), token("dead")),
    );
    let args = [
        "dir",
        ".",
        "-c",
        "rules.toml",
        "--verify",
        "--color",
        "never",
    ];
    let text = stdout(&run(&dir, &server, &args, &[]));
    assert!(
        text.contains("test-token [live] Test provider token"),
        "{text}"
    );
    assert!(
        text.contains("test-token [invalid] Test provider token"),
        "{text}"
    );
    assert!(
        text.contains("remediation: Revoke it at https://provider.test/tokens"),
        "{text}"
    );
    let mut sarif_args = args.to_vec();
    sarif_args.extend(["-f", "sarif"]);
    let sarif: Value =
        serde_json::from_slice(&run(&dir, &server, &sarif_args, &[]).stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let levels: Vec<(&str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["properties"]["keyscout"]["verification"]["status"]
                    .as_str()
                    .unwrap(),
                r["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(levels.contains(&("live", "error")), "{levels:?}");
    assert!(levels.contains(&("invalid", "note")), "{levels:?}");
    let help = sarif["runs"][0]["tool"]["driver"]["rules"][0]["help"]["text"]
        .as_str()
        .unwrap();
    assert!(
        help.contains("Revoke it at https://provider.test/tokens"),
        "{help}"
    );
}

#[test]
fn debug_output_masks_the_secret() {
    let (_, _, out) = verify(&["live"], &["--verify-debug"]);
    let err = stderr(&out);
    assert!(
        err.contains("keyscout: verify: GET https://api.provider.test/****"),
        "{err}"
    );
    assert!(err.contains("Authorization: ****"), "{err}");
    assert!(!err.contains(&token("live")), "{err}");
    let (_, _, out) = verify(&["live"], &[]);
    assert!(
        !stderr(&out).contains("keyscout: verify:"),
        "quiet without --verify-debug"
    );
}

#[test]
fn the_concurrency_and_per_host_rate_limits_hold() {
    let server = Server::start(&[HOST], |_, _| Reply {
        delay: Duration::from_millis(100),
        ..Reply::new(200, r#"{"ok": true}"#)
    });
    let dir = Dir::new();
    dir.write("rules.toml", rules(""));
    let body: String = (0..12)
        .map(|i| format!("k = {}\n", token(&format!("live{i:02}"))))
        .collect();
    dir.write("a.env", body);
    let args = [
        "dir",
        ".",
        "-c",
        "rules.toml",
        "-f",
        "json",
        "--verify",
        "--verify-concurrency",
        "2",
        "--verify-rate",
        "20",
    ];
    let out = run(&dir, &server, &args, &[]);
    assert_eq!(common::findings(&out).len(), 12);
    let seen = server.requests();
    assert_eq!(seen.len(), 12);
    let mut times: Vec<Instant> = seen.iter().map(|s| s.at).collect();
    times.sort();
    // The limiter spaces the starts 50 ms apart; the server stamps a request after its TLS
    // handshake, which a loaded machine delays by a few ms either way. So: no burst (no two
    // within 10 ms), and over the run no more than 20 a second.
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(10),
            "20/s: {:?}",
            pair[1] - pair[0]
        );
    }
    let span = times[times.len() - 1] - times[0];
    assert!(
        span >= Duration::from_millis(11 * 50 * 95 / 100),
        "20/s: {span:?}"
    );
    assert!(server.peak.load(std::sync::atomic::Ordering::SeqCst) <= 2);
}

#[test]
fn the_builtin_github_verifier_asks_the_user_endpoint() {
    let server = Server::start(&["api.github.com"], |req, _| {
        match req.header("authorization") {
            Some(a) if a.starts_with("Bearer ghp_") && req.path == "/user" => {
                Reply::new(200, r#"{"login": "octocat", "id": 1}"#)
            }
            _ => Reply::new(401, r#"{"message": "Bad credentials"}"#),
        }
    });
    let dir = Dir::new();
    dir.write(
        "a.env",
        format!("GITHUB_TOKEN={}\n", common::fake::github_pat()),
    );
    let out = run(&dir, &server, &["dir", ".", "-f", "json", "--verify"], &[]);
    let findings = common::findings(&out);
    let gh: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule_id"] == "github-pat")
        .collect();
    assert_eq!(gh.len(), 1, "{}", stderr(&out));
    assert_eq!(verification(gh[0]), ("live".into(), "login=octocat".into()));
    assert!(
        gh[0]["remediation"]
            .as_str()
            .unwrap()
            .contains("github.com")
    );
}

/// The benchmark (README "Verification"): 1,000 distinct secrets against a local server that
/// takes 20 ms an answer; verifications per second, peak memory (with /usr/bin/time), and the
/// concurrency and per-host rate limits as the server saw them. Run with
/// `cargo test --test verify -- --ignored --nocapture bench`.
#[test]
#[ignore]
fn bench_1000_findings() {
    let server = Server::start(&[HOST], |_, _| Reply {
        delay: Duration::from_millis(20),
        ..Reply::new(200, r#"{"ok": true, "user": "octo"}"#)
    });
    let dir = Dir::new();
    dir.write("rules.toml", rules(""));
    let body: String = (0..1000)
        .map(|i| format!("k = {}\n", token(&format!("b{i:04}"))))
        .collect();
    dir.write("app/a.env", body);
    for (concurrency, rate) in [("8", "1000"), ("16", "200")] {
        let server_before = server.requests().len();
        let started = Instant::now();
        let out = Command::new("/usr/bin/time")
            .args(["-f", "peak-rss-kb %M", env!("CARGO_BIN_EXE_keyscout")])
            .args(["dir", "app", "-c", "rules.toml", "-f", "json", "--verify"])
            .args(["--verify-concurrency", concurrency, "--verify-rate", rate])
            .current_dir(dir.path())
            .env("KEYSCOUT_VERIFY_CONNECT", server.connect_env(&[HOST]))
            .env("SSL_CERT_FILE", server.ca_file())
            .env_remove("HTTPS_PROXY")
            .output()
            .expect("run keyscout under /usr/bin/time");
        let seconds = started.elapsed().as_secs_f64();
        let findings = common::findings(&out);
        let live = findings
            .iter()
            .filter(|f| f["verification"]["status"] == "live")
            .count();
        let seen = server.requests()[server_before..].to_vec();
        let mut times: Vec<Instant> = seen.iter().map(|s| s.at).collect();
        times.sort();
        // Most requests the server saw in any one second.
        let busiest = (0..times.len())
            .map(|i| {
                times[i..]
                    .iter()
                    .take_while(|t| **t - times[i] < Duration::from_secs(1))
                    .count()
            })
            .max()
            .unwrap_or(0);
        let rss = stderr(&out)
            .lines()
            .find_map(|l| l.strip_prefix("peak-rss-kb ").map(str::to_string))
            .unwrap_or_default();
        println!(
            "concurrency {concurrency}, rate {rate}/s: {} findings, {live} live, {} requests in {seconds:.2} s = {:.0} verifications/s; peak RSS {rss} KiB; server saw at most {} connections at once and {busiest} requests in one second",
            findings.len(),
            seen.len(),
            seen.len() as f64 / seconds,
            server.peak.load(std::sync::atomic::Ordering::SeqCst),
        );
        assert_eq!((findings.len(), live, seen.len()), (1000, 1000, 1000));
        assert!(server.peak.load(std::sync::atomic::Ordering::SeqCst) <= 16);
        let rate: f64 = rate.parse().unwrap();
        // The limiter hands out slots 1/rate apart; the server timestamps after TLS and
        // parsing, so allow some jitter below the interval.
        assert!(
            seconds >= 999.0 / rate * 0.95,
            "rate limit held: {seconds:.2} s"
        );
    }
}

#[test]
fn a_bad_verifier_is_an_error_naming_file_rule_and_line() {
    let dir = Dir::new();
    let text = rules("").replace(&format!("https://{HOST}"), "http://collector.test");
    dir.write("rules.toml", text);
    dir.write("a.env", "k = tok_aaaaaaaaaaaaaaaaaaaa\n");
    let out = common::keyscout_in(dir.path(), &["dir", ".", "-c", "rules.toml"], None);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("rules.toml:9: rule `test-token`: verify: url `http://collector.test/v1/whoami` is not https://"),
        "{err}"
    );
}

#[test]
fn aws_keys_are_verified_as_a_pair_with_a_sigv4_signed_get_caller_identity() {
    let server = Server::start(&["sts.amazonaws.com"], |req, _| {
        let auth = req.header("authorization").unwrap_or_default();
        let body = String::from_utf8_lossy(&req.body).into_owned();
        if req.method == "POST"
            && body == "Action=GetCallerIdentity&Version=2011-06-15"
            && auth.starts_with(&format!(
                "AWS4-HMAC-SHA256 Credential={}/",
                common::fake::aws_key_id()
            ))
            && auth.contains("/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=")
        {
            Reply::new(200, "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/dev</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>")
        } else {
            Reply::new(403, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code></Error></ErrorResponse>")
        }
    });
    let dir = Dir::new();
    dir.write(
        "creds.env",
        format!(
            "AWS_ACCESS_KEY_ID={}\nAWS_SECRET_ACCESS_KEY=Zq3LmT7xWv4RbN8cYs1HdJ6pUe9fKk2Gh5Tr0PaB\n",
            common::fake::aws_key_id()
        ),
    );
    let out = run(
        &dir,
        &server,
        &["dir", ".", "-f", "json", "--verify"],
        &[(
            "KEYSCOUT_VERIFY_CONNECT",
            &server.connect_env(&["sts.amazonaws.com"]),
        )],
    );
    let findings = common::findings(&out);
    let secret: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule_id"] == "aws-secret-access-key")
        .collect();
    assert_eq!(secret.len(), 1, "{}", stderr(&out));
    assert_eq!(verification(secret[0]).0, "live", "{}", stderr(&out));
    assert_eq!(server.requests().len(), 1);
}

/// A fresh RSA key made with `openssl` (`.ci/run` installs it): its PKCS#8 PEM and its public
/// key as ring reads it. `None`, with a message, when openssl is missing.
fn rsa_key(dir: &Dir, name: &str) -> Option<(String, Vec<u8>)> {
    let path = dir.path().join(format!("{name}.pem"));
    let made = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
        ])
        .arg(&path)
        .output();
    if !made.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: `openssl` is not installed");
        return None;
    }
    let pem = std::fs::read_to_string(&path).expect("read key");
    std::fs::remove_file(&path).expect("remove key");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body).unwrap();
    let pair = ring::signature::RsaKeyPair::from_pkcs8(&der).expect("openssl made PKCS#8 RSA");
    let public = ring::signature::KeyPair::public_key(&pair)
        .as_ref()
        .to_vec();
    Some((pem, public))
}

/// A service-account key file as Google writes it, with Google's field order.
fn key_file(email: &str, key_id: &str, pem: &str, token_uri: &str) -> String {
    let project = "acme-test-project";
    serde_json::to_string_pretty(&serde_json::json!({
        "type": "service_account",
        "project_id": project,
        "private_key_id": key_id,
        "private_key": pem,
        "client_email": email,
        "client_id": "104938275610293847561",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "universe_domain": "googleapis.com",
    }))
    .unwrap()
}

#[test]
fn gcp_service_account_keys_are_verified_with_a_signed_jwt_at_googles_token_endpoint() {
    const TOKEN_HOST: &str = "oauth2.googleapis.com";
    let dir = Dir::new();
    let mut keys = std::collections::HashMap::new();
    let accounts = [
        ("live", "5f0e2a9c41d87b3e6a0c9d2f18e47b65c3a9d0e1"),
        ("deleted", "a7c31e95d2b8406f7e1a3c5d9b2e8f4a06c1d73b"),
        ("down", "0d9e4b7a2c61f8e35a9d1c0b7e4f2a8d63c5b19e"),
        ("hostile", "e3b8d1f6a0c4927d5e1b8a3f6c0d9e2b7a4f1c85"),
    ];
    for (name, key_id) in accounts {
        let Some((pem, public)) = rsa_key(&dir, name) else {
            return;
        };
        let email = format!("{name}@acme-test-project.iam.gserviceaccount.com");
        // The hostile file names another token endpoint: the assertion still goes to Google.
        let token_uri = match name {
            "hostile" => "https://collector.evil.test/token",
            _ => "https://oauth2.googleapis.com/token",
        };
        dir.write(
            &format!("keys/{name}.json"),
            key_file(&email, key_id, &pem, token_uri),
        );
        keys.insert(email, public);
    }
    // Google's token endpoint, played: the assertion's signature checked with the public key
    // of the account it names, then the claims Google requires.
    let server = Server::start(&[TOKEN_HOST], move |req, _| {
        let body = String::from_utf8_lossy(&req.body).into_owned();
        let form: std::collections::HashMap<&str, &str> = body
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .collect();
        let Some(jwt) = form.get("assertion") else {
            return Reply::new(418, "no assertion");
        };
        let parts: Vec<&str> = jwt.split('.').collect();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let decode = |p: &str| base64::Engine::decode(&b64, p).unwrap_or_default();
        let header: Value = serde_json::from_slice(&decode(parts[0])).unwrap_or_default();
        let claims: Value = serde_json::from_slice(&decode(parts[1])).unwrap_or_default();
        let iss = claims["iss"].as_str().unwrap_or_default();
        let Some(public) = keys.get(iss) else {
            return Reply::new(418, "unknown account");
        };
        let key = ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            public,
        );
        let signed = format!("{}.{}", parts[0], parts[1]);
        let exp = claims["exp"].as_u64().unwrap_or(0);
        let iat = claims["iat"].as_u64().unwrap_or(u64::MAX);
        let well_formed = req.method == "POST"
            && req.path == "/token"
            && req.header("content-type") == Some("application/x-www-form-urlencoded")
            && form.get("grant_type")
                == Some(&"urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer")
            && header["alg"] == "RS256"
            && claims["aud"] == "https://oauth2.googleapis.com/token"
            && claims["scope"] == "https://www.googleapis.com/auth/cloud-platform.read-only"
            && exp == iat + 3600
            && key.verify(signed.as_bytes(), &decode(parts[2])).is_ok();
        if !well_formed {
            return Reply::new(418, "bad assertion");
        }
        match iss.split('@').next() {
            Some("live" | "hostile") => Reply::new(
                200,
                r#"{"access_token": "ya29.test", "expires_in": 3599, "token_type": "Bearer"}"#,
            ),
            Some("deleted") => Reply::new(
                400,
                r#"{"error": "invalid_grant", "error_description": "Invalid JWT Signature."}"#,
            ),
            _ => Reply::new(500, "backend error"),
        }
    });
    let out = run(
        &dir,
        &server,
        &["dir", "keys", "-f", "json", "--verify"],
        &[(
            "KEYSCOUT_VERIFY_CONNECT",
            &server.connect_env(&[TOKEN_HOST]),
        )],
    );
    let findings = common::findings(&out);
    let mut seen: Vec<(String, String)> = findings
        .iter()
        .filter(|f| f["rule_id"] == "gcp-service-account-key")
        .map(|f| {
            let file = f["path"].as_str().unwrap_or_default().to_string();
            (file, verification(f).0)
        })
        .collect();
    seen.sort();
    let want = |f: &str, s: &str| (format!("{f}.json"), s.to_string());
    assert_eq!(
        seen,
        vec![
            want("deleted", "invalid"),
            want("down", "error"),
            want("hostile", "live"),
            want("live", "live"),
        ],
        "{}",
        stderr(&out)
    );
    let requests = server.requests();
    // One each, the 500 retried twice; every one to Google's host, none refused as malformed.
    assert_eq!(requests.len(), 6, "{}", stderr(&out));
    assert!(
        requests
            .iter()
            .all(|r| r.header("host") == Some(TOKEN_HOST))
    );
}

#[test]
fn with_state_a_secret_is_asked_about_once_within_the_ttl_and_only_its_hash_is_kept() {
    let server = Server::start(&[HOST, "api.github.com"], provider);
    let work = Dir::new();
    let repo = work.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    common::git(&repo, &["init", "-q"]);
    work.write("rules.toml", rules(""));
    let live = token("live");
    let dead = token("dead");
    work.write("repo/a.env", format!("key = {live}\nold = {dead}\n"));
    common::git(&repo, &["add", "."]);
    common::git(&repo, &["commit", "-qm", "one"]);
    let scan = |extra: &[&str]| {
        let mut args = vec!["git", "repo", "-c", "rules.toml", "-f", "json", "--verify"];
        args.extend_from_slice(&["--state", "state.json"]);
        args.extend_from_slice(extra);
        let out = run(&work, &server, &args, &[]);
        let mut found: Vec<(String, String, String)> = common::findings(&out)
            .iter()
            .map(|f| {
                let (status, detail) = verification(f);
                (
                    f["path"].as_str().unwrap_or_default().to_string(),
                    status,
                    detail,
                )
            })
            .collect();
        found.sort();
        (found, out)
    };

    let (first, out) = scan(&[]);
    assert_eq!(first.len(), 2, "{}", stderr(&out));
    assert_eq!(
        server.requests().len(),
        2,
        "one request per distinct secret"
    );
    let state = std::fs::read_to_string(work.path().join("state.json")).unwrap();
    assert!(
        !state.contains(&live[4..]) && !state.contains(&dead[4..]),
        "{state}"
    );
    assert_eq!(state.matches("sha256:").count(), 2, "{state}");

    // A later commit leaks the same secrets again: the answers come from the state.
    work.write("repo/b.env", format!("again = {live}\nold = {dead}\n"));
    common::git(&repo, &["add", "."]);
    common::git(&repo, &["commit", "-qm", "two"]);
    let (second, out) = scan(&[]);
    assert_eq!(server.requests().len(), 2, "nothing asked again");
    assert_eq!(
        second
            .iter()
            .map(|(f, s, _)| (f.as_str(), s.as_str()))
            .collect::<Vec<_>>(),
        [("b.env", "invalid"), ("b.env", "live")]
    );
    assert!(
        second.iter().all(|(_, _, d)| d.contains("remembered")),
        "{second:?}"
    );
    assert!(
        stderr(&out).contains("2 answered from --state"),
        "{}",
        stderr(&out)
    );

    // A TTL of 0 asks again: two distinct secrets, two requests, whatever the findings.
    let (third, out) = scan(&["--all", "--verify-ttl", "0"]);
    assert_eq!(third.len(), 4, "{}", stderr(&out));
    assert_eq!(server.requests().len(), 4);
    assert!(third.iter().all(|(_, _, d)| !d.contains("remembered")));
}

#[test]
fn every_report_format_carries_the_verification() {
    let server = Server::start(&[HOST, "api.github.com"], provider);
    let dir = Dir::new();
    dir.write("rules.toml", rules(""));
    dir.write(
        "app/config.env",
        format!("a = {}\nb = {}\n", token("live"), token("dead")),
    );
    let report = |format: &str| {
        let args = [
            "dir",
            "app",
            "-c",
            "rules.toml",
            "--verify",
            "-q",
            "-f",
            format,
        ];
        let out = run(&dir, &server, &args, &[]);
        assert_eq!(code(&out), 1, "{format}: {}", stderr(&out));
        stdout(&out)
    };

    // CSV: four more columns at the end.
    let csv = report("csv");
    assert!(!csv.contains('"'), "no cell here needs quoting: {csv}");
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let col = |name: &str| rows[0].iter().position(|h| *h == name).unwrap();
    let mut got: Vec<(&str, &str, &str)> = rows[1..]
        .iter()
        .map(|r| {
            (
                r[col("verification")],
                r[col("verification_detail")],
                r[col("remediation")],
            )
        })
        .collect();
    got.sort();
    let fix = "Revoke it at https://provider.test/tokens";
    assert_eq!(
        got,
        [("invalid", "HTTP 401", fix), ("live", "user=octo", fix)]
    );

    // JUnit: the status in the failure's message, the answer and the remediation in its text.
    let junit = report("junit");
    assert!(
        junit.contains(r#"message="test-token: Test provider token [live]""#),
        "{junit}"
    );
    assert!(junit.contains(r#"message="test-token: Test provider token [invalid]""#));
    assert!(
        junit.contains("verification: live user=octo&#10;"),
        "{junit}"
    );
    assert!(junit.contains(&format!("remediation: {fix}")));

    // gitleaks' JSON: one more object at the end of each finding.
    let gitleaks: Vec<Value> = serde_json::from_str(&report("gitleaks-json")).unwrap();
    let mut got: Vec<(String, String)> = gitleaks
        .iter()
        .map(|f| {
            let v = &f["Verification"];
            (v["Status"].to_string(), v["Detail"].to_string())
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (r#""invalid""#.into(), r#""HTTP 401""#.into()),
            (r#""live""#.into(), r#""user=octo""#.into())
        ]
    );

    // HTML: the data the page's script reads.
    let html = report("html");
    let start = html
        .find(r#"<script type="application/json" id="data">"#)
        .unwrap();
    let json = &html[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    let data: Value = serde_json::from_str(json).unwrap();
    let mut checks: Vec<String> = data["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}|{}", c[0].as_str().unwrap(), c[1].as_str().unwrap()))
        .collect();
    checks.sort();
    assert_eq!(checks, ["invalid|HTTP 401", "live|user=octo"]);
    assert_eq!(data["rules"][0][2], fix);
}

#[test]
fn a_second_value_fills_the_host_label_or_pairs_a_key_with_its_companion() {
    const MAILCHIMP: &str = "us6.api.mailchimp.com";
    const DATADOG: &str = "api.datadoghq.com";
    let api_key = "3f7a2c9e1b5d8f0a4c6e2b9d7f1a3c5e";
    let app_key = "9c4e1a7f3b8d2e6c0a5f9b3d7e1c4a8f2b6d0e3a";
    let server = Server::start(&[MAILCHIMP, DATADOG], move |req, _| {
        let host = req.header("host").unwrap_or_default();
        match (host, req.path.as_str()) {
            (MAILCHIMP, "/3.0/") => match req.header("authorization") {
                Some(a) if a.starts_with("Basic ") => Reply::new(
                    200,
                    r#"{"account_id": "8d3a1b", "account_name": "Acme Shop"}"#,
                ),
                _ => Reply::new(401, r#"{"title": "API Key Invalid"}"#),
            },
            (DATADOG, "/api/v2/validate_keys")
                if req.header("dd-api-key") == Some(api_key)
                    && req.header("dd-application-key") == Some(app_key) =>
            {
                Reply::new(200, r#"{"status": "ok"}"#)
            }
            (DATADOG, _) => Reply::new(403, r#"{"errors": ["Forbidden"]}"#),
            _ => Reply::new(404, "{}"),
        }
    });
    let dir = Dir::new();
    dir.write(
        "mail.env",
        "MAILCHIMP_API_KEY=27a3a9e95b748aba9ecd7ef6c3479bb2-us6\n",
    );
    dir.write(
        "dd.env",
        format!("DD_API_KEY={api_key}\nDD_APP_KEY={app_key}\n"),
    );
    // An application key with no API key beside it: nothing to ask with.
    dir.write(
        "lonely.env",
        "DD_APP_KEY=b5470eaac8616728d8f12eab6637271cf4127c36\n",
    );
    let out = run(
        &dir,
        &server,
        &["dir", ".", "-f", "json", "--verify"],
        &[(
            "KEYSCOUT_VERIFY_CONNECT",
            &server.connect_env(&[MAILCHIMP, DATADOG]),
        )],
    );
    let findings = common::findings(&out);
    let of = |rule: &str, path: &str| {
        findings
            .iter()
            .find(|f| f["rule_id"] == rule && f["path"] == path)
            .map(verification)
            .unwrap_or_else(|| panic!("no {rule} in {path}: {}", stderr(&out)))
    };
    assert_eq!(
        of("mailchimp-api-key", "mail.env"),
        ("live".into(), "account_name=Acme Shop".into())
    );
    assert_eq!(of("datadog-application-key", "dd.env").0, "live");
    let lonely = of("datadog-application-key", "lonely.env");
    assert_eq!(lonely.0, "unknown");
    assert!(lonely.1.contains("datadog-api-key"), "{lonely:?}");
    let hosts: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("host").unwrap_or_default().to_string())
        .collect();
    assert!(hosts.contains(&MAILCHIMP.to_string()), "{hosts:?}");
}

#[test]
fn companion_values_name_the_shop_org_or_account_and_are_never_reported() {
    const SHOP: &str = "acme-outdoor.myshopify.com";
    const OKTA: &str = "acme.okta.com";
    const TWILIO: &str = "api.twilio.com";
    const ALGOLIA: &str = "pv7qx3lz2m-dsn.algolia.net";
    let algolia_key = "d990dc1f45a212b786d0454321a83222";
    let shop_token = "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";
    let okta_token = "00TDh053CsJCduQ6kyhixvR6UuZOKanRJdHL57QGGH";
    let sid = "AC10c6582d9bcfec6ab044069da4413394";
    let twilio_token = "b0342c1a45a16170bb0aa927dd94e4b5";
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{sid}:{twilio_token}")
        )
    );
    let server = Server::start(&[SHOP, OKTA, TWILIO, ALGOLIA], move |req, _| {
        let host = req.header("host").unwrap_or_default().to_ascii_lowercase();
        let host = host.as_str();
        let auth = req.header("authorization").unwrap_or_default();
        match (host, req.path.as_str()) {
            (SHOP, "/admin/oauth/access_scopes.json")
                if req.header("x-shopify-access-token") == Some(shop_token) =>
            {
                Reply::new(200, r#"{"access_scopes": [{"handle": "read_orders"}]}"#)
            }
            (OKTA, "/api/v1/users/me") if auth == format!("SSWS {okta_token}") => Reply::new(
                200,
                r#"{"id": "00u1", "profile": {"login": "ops@acme.test"}}"#,
            ),
            (ALGOLIA, path)
                if path == format!("/1/keys/{algolia_key}")
                    && req.header("x-algolia-application-id") == Some("PV7QX3LZ2M")
                    && req.header("x-algolia-api-key") == Some(algolia_key) =>
            {
                Reply::new(200, r#"{"value": "d990", "acl": ["search", "addObject"]}"#)
            }
            (TWILIO, path)
                if path == format!("/2010-04-01/Accounts/{sid}.json") && auth == basic =>
            {
                Reply::new(
                    200,
                    r#"{"sid": "AC10", "friendly_name": "Acme", "status": "active"}"#,
                )
            }
            _ => Reply::new(401, r#"{"errors": "unauthorized"}"#),
        }
    });
    let dir = Dir::new();
    dir.write(
        "shop.env",
        format!("SHOPIFY_SHOP={SHOP}\nSHOPIFY_ACCESS_TOKEN={shop_token}\n"),
    );
    // Okta's developer site is no org: only acme is asked.
    dir.write(
        "okta.env",
        format!(
            "# see https://developer.okta.com/docs/\nOKTA_ORG_URL=https://{OKTA}\nOKTA_API_TOKEN={okta_token}\n"
        ),
    );
    dir.write(
        "twilio.env",
        format!("TWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN={twilio_token}\n"),
    );
    dir.write(
        "algolia.env",
        format!("ALGOLIA_APP_ID=PV7QX3LZ2M\nALGOLIA_ADMIN_API_KEY={algolia_key}\n"),
    );
    // A token with no shop beside it: nothing to ask.
    dir.write(
        "lonely.env",
        "SHOPIFY_ACCESS_TOKEN=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\n",
    );
    let connect = server.connect_env(&[SHOP, OKTA, TWILIO, ALGOLIA]);
    let out = run(
        &dir,
        &server,
        &["dir", ".", "-f", "json", "--verify"],
        &[("KEYSCOUT_VERIFY_CONNECT", &connect)],
    );
    let findings = common::findings(&out);
    let mut got: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| {
            let (status, detail) = verification(f);
            (f["rule_id"].as_str().unwrap().to_string(), status, detail)
        })
        .collect();
    got.sort();
    let row = |r: &str, s: &str, d: &str| (r.to_string(), s.to_string(), d.to_string());
    assert_eq!(
        got,
        [
            row(
                "algolia-admin-api-key",
                "live",
                r#"acl=["search","addObject"]"#
            ),
            row("okta-api-token", "live", "profile.login=ops@acme.test"),
            row("shopify-access-token", "live", "HTTP 200"),
            row(
                "shopify-access-token",
                "unknown",
                "not asked: no `shopify-shop-domain` finding in the same file to pair with"
            ),
            row(
                "twilio-auth-token",
                "live",
                "friendly_name=Acme, status=active"
            ),
        ],
        "{}",
        stderr(&out)
    );
    let hosts: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("host").unwrap_or_default().to_string())
        .collect();
    assert_eq!(hosts.len(), 4, "{hosts:?}");

    // Without --verify the companions are not reported either.
    let plain = common::findings(&run(&dir, &server, &["dir", ".", "-f", "json"], &[]));
    assert!(
        plain.iter().all(|f| ![
            "shopify-shop-domain",
            "okta-org-domain",
            "twilio-account-sid"
        ]
        .contains(&f["rule_id"].as_str().unwrap())),
        "{plain:?}"
    );
    assert_eq!(plain.len(), 5);
}

#[test]
fn a_host_label_may_come_only_from_a_companion_rule() {
    let dir = Dir::new();
    let text = rules("").replace(
        &format!("https://{HOST}/v1/whoami"),
        "https://{{rule:test-token}}.provider.test/v1/whoami",
    );
    dir.write("rules.toml", text);
    dir.write("a.env", "k = tok_aaaaaaaaaaaaaaaaaaaa\n");
    let out = common::keyscout_in(dir.path(), &["dir", ".", "-c", "rules.toml"], None);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains(
            "the host's label comes from `test-token`, which is not a rule tagged `companion`"
        ),
        "{}",
        stderr(&out)
    );
}

/// `--state` answers (README "Verification"): 1,000 distinct secrets in a repository, a first
/// run that asks about each, a second that finds them again in a new commit and asks nothing.
/// Run with `cargo test --test verify -- --ignored --nocapture bench_state`.
#[test]
#[ignore]
fn bench_state_remembers_1000_answers() {
    let server = Server::start(&[HOST], |_, _| Reply {
        delay: Duration::from_millis(20),
        ..Reply::new(200, r#"{"ok": true, "user": "octo"}"#)
    });
    let work = Dir::new();
    let repo = work.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    common::git(&repo, &["init", "-q"]);
    work.write("rules.toml", rules(""));
    let body: String = (0..1000)
        .map(|i| format!("k = {}\n", token(&format!("s{i:04}"))))
        .collect();
    work.write("repo/a.env", &body);
    common::git(&repo, &["add", "."]);
    common::git(&repo, &["commit", "-qm", "one"]);
    let scan = || {
        let started = Instant::now();
        let args = [
            "git",
            "repo",
            "-c",
            "rules.toml",
            "-f",
            "json",
            "--verify",
            "--state",
            "state.json",
            "--verify-concurrency",
            "16",
            "--verify-rate",
            "1000",
        ];
        let out = run(&work, &server, &args, &[]);
        (
            started.elapsed().as_secs_f64(),
            common::findings(&out).len(),
        )
    };
    let (first, n1) = scan();
    let asked = server.requests().len();
    work.write("repo/b.env", &body);
    common::git(&repo, &["add", "."]);
    common::git(&repo, &["commit", "-qm", "two"]);
    let (second, n2) = scan();
    let state = std::fs::metadata(work.path().join("state.json"))
        .unwrap()
        .len();
    println!(
        "first run: {n1} findings, {asked} requests in {first:.2} s; second run: {n2} findings, {} requests in {second:.2} s; state file {state} bytes",
        server.requests().len() - asked
    );
    assert_eq!(
        (n1, n2, asked, server.requests().len()),
        (1000, 1000, 1000, 1000)
    );
}

#[test]
fn a_secret_rejected_by_one_region_is_asked_in_the_others_before_it_is_invalid() {
    const EU: &str = "eu.provider.test";
    let server = Server::start(&[HOST, EU], |req, _| {
        let host = req.header("host").unwrap_or_default();
        let auth = req.header("authorization").unwrap_or_default();
        match (host, auth.strip_prefix("Bearer tok_").unwrap_or_default()) {
            (EU, t) if t.starts_with("euro") => {
                Reply::new(200, r#"{"ok": true, "user": "eurostar"}"#)
            }
            (HOST, t) if t.starts_with("live") => {
                Reply::new(200, r#"{"ok": true, "user": "octo"}"#)
            }
            _ => Reply::new(401, "{}"),
        }
    });
    let dir = Dir::new();
    dir.write("rules.toml", rules(&format!("other_hosts = [\"{EU}\"]")));
    let body: String = ["live", "euro", "dead"]
        .iter()
        .map(|t| format!("key = {}\n", token(t)))
        .collect();
    dir.write("app/config.env", body);
    let out = run(
        &dir,
        &server,
        &["dir", "app", "-c", "rules.toml", "-f", "json", "--verify"],
        &[("KEYSCOUT_VERIFY_CONNECT", &server.connect_env(&[HOST, EU]))],
    );
    let mut got: Vec<(String, String)> = common::findings(&out).iter().map(verification).collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("invalid".into(), format!("HTTP 401 at {HOST}, {EU}")),
            ("live".into(), format!("user=eurostar (at {EU})")),
            ("live".into(), "user=octo".into()),
        ],
        "{}",
        stderr(&out)
    );
    // live: 1; euro: 2; dead: 2.
    assert_eq!(server.requests().len(), 5);
}
