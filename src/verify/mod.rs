//! `--verify`: asks each provider whether a found secret is live, after the scan and before
//! the report. One request per distinct secret (findings that would send the same request
//! share one answer), at most `concurrency` in flight, a per-host rate limit, retries with
//! backoff on 429 and 5xx that honour `Retry-After`, a deadline per request and a bounded body.
//!
//! What is sent where is decided by the rule's `[rules.verify]` ([`crate::rules::verify`]
//! validates it: HTTPS, a literal host, a read-only method); [`request`] fills it in,
//! [`sigv4`] signs what AWS needs, [`gcp`] what a service-account key needs, [`http`] sends it. Which verifiers may run at all (built-in
//! ones, or from a rule file the user named) is the caller's decision, passed as `usable`.
//!
//! This module knows nothing of sources, the scanner or report formats.

mod gcp;
#[cfg(feature = "verify")]
mod http;
mod request;
mod sigv4;

use std::collections::{BTreeMap, HashMap};
#[cfg(feature = "verify")]
use std::sync::Mutex;
#[cfg(feature = "verify")]
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
#[cfg(feature = "verify")]
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::finding::{Assessment, Finding, Verification, VerifyStatus};
use crate::rules::{RuleSet, Verifier};

pub use request::Request;

/// How many candidate pairings (`{{rule:ID}}`) one finding may try.
const MAX_PAIRINGS: usize = 4;
/// First wait before a retry without `Retry-After`; it doubles with each try.
#[cfg(feature = "verify")]
const BACKOFF: Duration = Duration::from_millis(250);

/// How verification behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Deadline of one request, body included.
    pub timeout: Duration,
    /// Requests per second to one host.
    pub rate_per_host: f64,
    /// Tries after the first on 429, 5xx and connection failures.
    pub retries: u32,
    /// Longest `Retry-After` honoured; a longer one ends the tries with `error`.
    pub max_retry_after: Duration,
    /// Bytes of a response body read; the rest is cut.
    pub max_body: usize,
    /// Print each request and response on stderr, secrets masked.
    pub debug: bool,
    /// How long an answer in [`Memory`] stands before the secret is asked about again.
    pub ttl: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            concurrency: 4,
            timeout: Duration::from_secs(10),
            rate_per_host: 5.0,
            retries: 2,
            max_retry_after: Duration::from_secs(30),
            max_body: 64 << 10,
            debug: false,
            ttl: Duration::from_secs(24 * 3600),
        }
    }
}

/// What a run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Findings with a usable verifier.
    pub findings: usize,
    /// Distinct requests (one per distinct secret and pairing).
    pub distinct: usize,
    /// HTTP exchanges made, retries included.
    pub sent: usize,
    /// Most requests seen in flight at once.
    pub peak_in_flight: usize,
    /// Distinct requests answered from [`Memory`] instead of sent.
    pub remembered: usize,
    pub live: usize,
    pub invalid: usize,
    pub unknown: usize,
    pub error: usize,
}

/// Answers kept across runs (`--state`), each under a hash of the request that asked for it:
/// never the secret, nor anything it could be read back from short of guessing it.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
pub struct Memory {
    /// `sha256:HEX` of the request -> the answer.
    answers: BTreeMap<String, Remembered>,
}

/// One remembered answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Remembered {
    #[serde(flatten)]
    answer: Verification,
    /// When the provider gave it (Unix seconds).
    at: u64,
}

impl Memory {
    /// The answer for `key` if it is younger than `ttl` at `now`.
    fn recall(&self, key: &str, now: u64, ttl: Duration) -> Option<Verification> {
        let r = self.answers.get(key)?;
        let asked = format!(
            "remembered: asked at {}",
            crate::finding::rfc3339(r.at as i64)
        );
        (now.saturating_sub(r.at) < ttl.as_secs()).then(|| Verification {
            status: r.answer.status,
            detail: match r.answer.detail.as_str() {
                "" => asked,
                detail => format!("{detail} ({asked})"),
            },
        })
    }

    /// Keeps what the provider said (not `error`: no answer came).
    fn keep(&mut self, key: String, answer: &Verification, now: u64) {
        if answer.status != VerifyStatus::Error {
            let answer = answer.clone();
            self.answers.insert(key, Remembered { answer, at: now });
        }
    }

    /// Forgets the answers older than `ttl`.
    fn forget_before(&mut self, now: u64, ttl: Duration) {
        self.answers
            .retain(|_, r| now.saturating_sub(r.at) < ttl.as_secs());
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }
}

/// What a request is remembered by: a hash of it as built at time 0 (signed schemes sign the
/// time), so the same secret, pairing and verifier give the same key in every run.
fn memory_key(verifier: &Verifier, values: &request::Values<'_>) -> Option<String> {
    let req = request::build(verifier, values, 0).ok()?;
    let mut h = Sha256::new();
    h.update(b"keyscout verify 1\0");
    h.update(req.method.as_str());
    for part in [req.url.as_bytes(), &req.body] {
        h.update([0]);
        h.update(part);
    }
    for (name, value) in &req.headers {
        h.update([0]);
        h.update(name.to_ascii_lowercase());
        h.update(b":");
        h.update(value);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Some(format!("sha256:{hex}"))
}

/// Verifies every finding whose rule has a verifier that `usable` accepts, and records the
/// answer in its assessment. With `memory` (`--state`), an answer younger than `opts.ttl` is
/// used instead of asking again, and the new answers are kept. An error only when
/// verification cannot start (a bad `SSL_CERT_FILE`, a bad testing hook, a build without the
/// `verify` feature).
pub fn run(
    items: &mut [(Finding, Assessment)],
    rules: &RuleSet,
    usable: impl Fn(&Verifier) -> bool,
    opts: &Options,
    mut memory: Option<&mut Memory>,
) -> Result<Stats, String> {
    let by_id: HashMap<&str, &crate::rules::Rule> =
        rules.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());

    // Each finding's candidate requests, deduplicated into jobs.
    let mut jobs: Vec<(Request, &Verifier)> = Vec::new();
    let mut keys: Vec<Option<String>> = Vec::new();
    let mut job_of: HashMap<Request, usize> = HashMap::new();
    let mut wanted: Vec<(usize, Result<Vec<usize>, String>)> = Vec::new();
    for (i, (finding, _)) in items.iter().enumerate() {
        let Some(rule) = by_id.get(finding.rule_id.as_str()) else {
            continue;
        };
        let Some(verifier) = rule.verify.as_ref().filter(|v| usable(v)) else {
            continue;
        };
        if finding.secret.is_empty() {
            continue;
        }
        let caps = request::captures(rule, finding.matched.as_bytes());
        let pairings = pairings(verifier, finding, items);
        let mut mine = Vec::new();
        let mut failure = None;
        for paired in &pairings {
            let values = request::Values {
                secret: &finding.secret,
                matched: &finding.matched,
                captures: caps.as_ref().map(|c| (c, finding.matched.as_bytes())),
                paired,
            };
            match request::build(verifier, &values, now) {
                Ok(req) => {
                    let next = jobs.len();
                    let job = *job_of.entry(req.clone()).or_insert(next);
                    if job == next {
                        jobs.push((req, verifier));
                        keys.push(
                            memory
                                .is_some()
                                .then(|| memory_key(verifier, &values))
                                .flatten(),
                        );
                    }
                    mine.push(job);
                }
                Err(e) => failure = Some(e),
            }
        }
        let outcome = match (mine.is_empty(), failure) {
            (true, Some(e)) => Err(e),
            _ => Ok(mine),
        };
        wanted.push((i, outcome));
    }

    let mut stats = Stats {
        findings: wanted.len(),
        distinct: jobs.len(),
        ..Stats::default()
    };
    if wanted.is_empty() {
        return Ok(stats);
    }
    // What memory answers is not sent.
    let recalled: Vec<Option<Verification>> = keys
        .iter()
        .map(|k| {
            let k = k.as_deref()?;
            memory.as_ref()?.recall(k, now, opts.ttl)
        })
        .collect();
    let to_send: Vec<usize> = (0..jobs.len()).filter(|&j| recalled[j].is_none()).collect();
    stats.remembered = jobs.len() - to_send.len();
    let sent: Vec<(Request, &Verifier)> = to_send.iter().map(|&j| jobs[j].clone()).collect();
    let fresh = if sent.is_empty() {
        Vec::new()
    } else {
        send_all(&sent, opts, &mut stats)?
    };
    let mut answers = recalled;
    for (&j, answer) in to_send.iter().zip(fresh) {
        if let (Some(memory), Some(key)) = (memory.as_deref_mut(), keys[j].clone()) {
            memory.keep(key, &answer, now);
        }
        answers[j] = Some(answer);
    }
    if let Some(memory) = memory {
        memory.forget_before(now, opts.ttl);
    }
    let answers: Vec<Verification> = answers
        .into_iter()
        .map(|a| {
            a.unwrap_or(Verification {
                status: VerifyStatus::Error,
                detail: "no answer".into(),
            })
        })
        .collect();

    for (i, outcome) in wanted {
        let verification = match outcome {
            Err(e) => Verification {
                status: VerifyStatus::Unknown,
                detail: format!("not asked: {e}"),
            },
            Ok(mine) => best(mine.iter().map(|&j| &answers[j])),
        };
        match verification.status {
            VerifyStatus::Live => stats.live += 1,
            VerifyStatus::Invalid => stats.invalid += 1,
            VerifyStatus::Unknown => stats.unknown += 1,
            VerifyStatus::Error => stats.error += 1,
        }
        items[i].1.verification = Some(verification);
    }
    Ok(stats)
}

/// The secrets `{{rule:ID}}` may take for `finding`: those of other findings of rule ID in
/// the same file (and blob), up to [`MAX_PAIRINGS`] combinations. One empty pairing when the
/// verifier pairs with nothing.
fn pairings<'a>(
    verifier: &'a Verifier,
    finding: &Finding,
    items: &'a [(Finding, Assessment)],
) -> Vec<Vec<(&'a str, &'a str)>> {
    let mut ids: Vec<&str> = verifier.templates().flat_map(|t| t.rules()).collect();
    ids.sort_unstable();
    ids.dedup();
    let blob = |f: &Finding| f.git.as_ref().map(|g| g.blob.clone());
    let mut combos: Vec<Vec<(&str, &str)>> = vec![Vec::new()];
    for id in ids {
        let mut secrets: Vec<&str> = items
            .iter()
            .map(|(f, _)| f)
            .filter(|f| f.rule_id == id && f.path == finding.path && blob(f) == blob(finding))
            .map(|f| f.secret.as_str())
            .collect();
        secrets.sort_unstable();
        secrets.dedup();
        combos = combos
            .into_iter()
            .flat_map(|c| {
                secrets.iter().map(move |s| {
                    let mut c = c.clone();
                    c.push((id, *s));
                    c
                })
            })
            .take(MAX_PAIRINGS)
            .collect();
    }
    // No candidate: one pairing without it, which fails to build with a clear reason.
    if combos.is_empty() {
        combos.push(Vec::new());
    }
    combos
}

/// One finding's answer from its pairings' answers: live if any is, invalid only if all are.
fn best<'a>(answers: impl Iterator<Item = &'a Verification>) -> Verification {
    let answers: Vec<&Verification> = answers.collect();
    let rank = |s: VerifyStatus| match s {
        VerifyStatus::Live => 0,
        VerifyStatus::Unknown => 1,
        VerifyStatus::Error => 2,
        VerifyStatus::Invalid => 3,
    };
    answers
        .iter()
        .min_by_key(|v| rank(v.status))
        .map(|v| (*v).clone())
        .unwrap_or(Verification {
            status: VerifyStatus::Unknown,
            detail: "nothing to ask".into(),
        })
}

#[cfg(not(feature = "verify"))]
fn send_all(
    _jobs: &[(Request, &Verifier)],
    _opts: &Options,
    _stats: &mut Stats,
) -> Result<Vec<Verification>, String> {
    Err("this keyscout was built without the `verify` feature".into())
}

/// Runs every job on `concurrency` threads; answers in job order.
#[cfg(feature = "verify")]
fn send_all(
    jobs: &[(Request, &Verifier)],
    opts: &Options,
    stats: &mut Stats,
) -> Result<Vec<Verification>, String> {
    let client = http::Client::new(opts.timeout, opts.max_body)?;
    let limiter = RateLimiter::new(opts.rate_per_host);
    let next = AtomicUsize::new(0);
    let sent = AtomicUsize::new(0);
    let in_flight = AtomicUsize::new(0);
    let peak = AtomicUsize::new(0);
    let answers: Mutex<Vec<Option<Verification>>> = Mutex::new(vec![None; jobs.len()]);
    let workers = opts.concurrency.clamp(1, jobs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    let Some((req, verifier)) = jobs.get(j) else {
                        break;
                    };
                    let exchange = |req: &Request| {
                        limiter.wait(&req.host);
                        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        sent.fetch_add(1, Ordering::Relaxed);
                        let result = client.send(req);
                        in_flight.fetch_sub(1, Ordering::SeqCst);
                        if opts.debug {
                            debug(req, &result);
                        }
                        result
                    };
                    let mut answer = ask(|| exchange(req), verifier, opts);
                    // Rejected here: perhaps a key of the provider's other region.
                    let mut rejected_at = vec![req.host.clone()];
                    for other in &verifier.other_hosts {
                        if answer.status != VerifyStatus::Invalid {
                            break;
                        }
                        let moved = req.to_host(other);
                        let there = ask(|| exchange(&moved), verifier, opts);
                        answer = match there.status {
                            VerifyStatus::Invalid => {
                                rejected_at.push(other.clone());
                                answer
                            }
                            _ => Verification {
                                detail: format!("{} (at {other})", there.detail),
                                ..there
                            },
                        };
                    }
                    if rejected_at.len() > 1 && answer.status == VerifyStatus::Invalid {
                        answer.detail = format!("{} at {}", answer.detail, rejected_at.join(", "));
                    }
                    if let Ok(mut all) = answers.lock() {
                        all[j] = Some(answer);
                    }
                }
            });
        }
    });
    stats.sent = sent.into_inner();
    stats.peak_in_flight = peak.into_inner();
    let answers = answers.into_inner().unwrap_or_default();
    Ok(answers
        .into_iter()
        .map(|a| {
            a.unwrap_or(Verification {
                status: VerifyStatus::Error,
                detail: "no answer".into(),
            })
        })
        .collect())
}

/// One job with its retries: `exchange` makes one HTTP exchange.
#[cfg(feature = "verify")]
fn ask(
    mut exchange: impl FnMut() -> Result<http::Response, String>,
    verifier: &Verifier,
    opts: &Options,
) -> Verification {
    let mut tries = 0;
    loop {
        tries += 1;
        let last = tries > opts.retries;
        let wait = match exchange() {
            Ok(resp) if resp.status == 429 || resp.status >= 500 => {
                let after = retry_after(&resp.headers);
                if let Some(after) = after.filter(|a| *a > opts.max_retry_after) {
                    return error(format!(
                        "HTTP {}: the provider asks to wait {} s",
                        resp.status,
                        after.as_secs()
                    ));
                }
                if last {
                    return error(format!("HTTP {} after {tries} tries", resp.status));
                }
                after.unwrap_or(BACKOFF * 2u32.saturating_pow(tries - 1))
            }
            Ok(resp) => return judge(verifier, &resp),
            Err(e) if e == "timed out" || last => return error(e),
            Err(_) => BACKOFF * 2u32.saturating_pow(tries - 1),
        };
        std::thread::sleep(wait);
    }
}

#[cfg(feature = "verify")]
fn error(detail: String) -> Verification {
    Verification {
        status: VerifyStatus::Error,
        detail,
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not used by the APIs verified).
#[cfg(feature = "verify")]
fn retry_after(headers: &[(String, String)]) -> Option<Duration> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("retry-after"))
        .and_then(|(_, v)| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// What a response says: the verifier's `live`, then `invalid`; anything else is `unknown`.
#[cfg(feature = "verify")]
fn judge(v: &Verifier, r: &http::Response) -> Verification {
    let cut = if r.truncated { " (body cut)" } else { "" };
    if v.live.matches(r.status, &r.headers, &r.body) {
        let doc = serde_json::from_slice::<serde_json::Value>(&r.body).ok();
        let fields: Vec<String> = v
            .detail
            .iter()
            .filter_map(|path| {
                let value = crate::rules::verify::json_path(doc.as_ref()?, path)?;
                let shown = match value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Some(format!(
                    "{path}={}",
                    shown.chars().take(80).collect::<String>()
                ))
            })
            .collect();
        let detail = match fields.is_empty() {
            true => format!("HTTP {}{cut}", r.status),
            false => fields.join(", "),
        };
        return Verification {
            status: VerifyStatus::Live,
            detail,
        };
    }
    if v.invalid
        .iter()
        .any(|m| !m.status.is_empty() && m.matches(r.status, &r.headers, &r.body))
    {
        return Verification {
            status: VerifyStatus::Invalid,
            detail: format!("HTTP {}", r.status),
        };
    }
    let detail = if (300..400).contains(&r.status) {
        let to = r
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("location"))
            .map(|(_, l)| location_host(l))
            .unwrap_or_default();
        format!("HTTP {}: redirect to {to} not followed", r.status)
    } else {
        format!("HTTP {}: not an answer the verifier knows{cut}", r.status)
    };
    Verification {
        status: VerifyStatus::Unknown,
        detail,
    }
}

/// The host of a redirect's target (never its path or query, which may hold the secret).
#[cfg(feature = "verify")]
fn location_host(location: &str) -> String {
    match location.split_once("://") {
        Some((_, rest)) => rest
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default()
            .to_string(),
        None => "a path on the same host".into(),
    }
}

/// `--verify-debug`: the request and the answer on stderr, every value derived from the
/// secret masked.
#[cfg(feature = "verify")]
fn debug(req: &Request, result: &Result<http::Response, String>) {
    const SHOWN: [&str; 5] = [
        "accept",
        "content-type",
        "user-agent",
        "x-amz-date",
        "notion-version",
    ];
    let masked_url = mask_query_and_path(&req.url, &req.host);
    let headers: Vec<String> = req
        .headers
        .iter()
        .map(
            |(n, v)| match SHOWN.contains(&n.to_ascii_lowercase().as_str()) {
                true => format!("{n}: {v}"),
                false => format!("{n}: ****"),
            },
        )
        .collect();
    let answer = match result {
        Ok(r) => format!(
            "HTTP {} ({} bytes{})",
            r.status,
            r.body.len(),
            if r.truncated { ", cut" } else { "" }
        ),
        Err(e) => e.clone(),
    };
    eprintln!(
        "keyscout: verify: {} {masked_url} [{}] -> {answer}",
        req.method.as_str(),
        headers.join("; ")
    );
}

/// The URL with its path and query masked: they may carry the secret.
#[cfg(feature = "verify")]
fn mask_query_and_path(url: &str, host: &str) -> String {
    let origin = format!("https://{host}");
    match url.len() > origin.len() {
        true => format!("{origin}/****"),
        false => origin,
    }
}

/// Spaces requests to one host at least `1 / rate` seconds apart.
#[cfg(feature = "verify")]
struct RateLimiter {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

#[cfg(feature = "verify")]
impl RateLimiter {
    fn new(rate: f64) -> RateLimiter {
        let interval = if rate > 0.0 && rate.is_finite() {
            Duration::from_secs_f64(1.0 / rate)
        } else {
            Duration::ZERO
        };
        RateLimiter {
            interval,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Takes the host's next slot and sleeps until it comes.
    fn wait(&self, host: &str) {
        if self.interval.is_zero() {
            return;
        }
        let now = Instant::now();
        let slot = match self.next.lock() {
            Ok(mut next) => {
                let slot = next.get(host).copied().unwrap_or(now).max(now);
                next.insert(host.to_string(), slot + self.interval);
                slot
            }
            Err(_) => now,
        };
        if slot > now {
            std::thread::sleep(slot - now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "verify")]
    #[test]
    fn the_rate_limiter_spaces_requests_per_host() {
        let limiter = RateLimiter::new(20.0);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.wait("a.example");
        }
        // Five slots 50 ms apart: the fifth starts 200 ms after the first.
        assert!(
            start.elapsed() >= Duration::from_millis(195),
            "{:?}",
            start.elapsed()
        );
        let other = Instant::now();
        limiter.wait("b.example");
        assert!(
            other.elapsed() < Duration::from_millis(40),
            "another host waits for nothing"
        );
    }

    #[test]
    fn a_finding_is_live_if_any_pairing_is_and_invalid_only_if_all_are() {
        let v = |status| Verification {
            status,
            detail: String::new(),
        };
        let (live, invalid, unknown) = (
            v(VerifyStatus::Live),
            v(VerifyStatus::Invalid),
            v(VerifyStatus::Unknown),
        );
        assert_eq!(
            best([&invalid, &live].into_iter()).status,
            VerifyStatus::Live
        );
        assert_eq!(
            best([&invalid, &unknown].into_iter()).status,
            VerifyStatus::Unknown
        );
        assert_eq!(
            best([&invalid, &invalid].into_iter()).status,
            VerifyStatus::Invalid
        );
    }
}
