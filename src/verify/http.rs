//! The HTTPS client: ureq on rustls. HTTPS only, redirects never followed (a 3xx is an
//! answer, not a new destination), one deadline for the whole exchange, the body read up to a
//! bound. Proxies come from `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` (ureq's reading of them),
//! trusted roots from `SSL_CERT_FILE` when it is set, else the bundled Mozilla roots.
//!
//! Testing hook: `KEYSCOUT_VERIFY_CONNECT=host=127.0.0.1:PORT[,host=...]` connects to a
//! loopback address instead of what DNS says for `host`, keeping the host for TLS and the
//! `Host` header. Only loopback addresses are accepted, so it can only point at this machine.

use std::collections::HashMap;
use std::io::Read;
use std::net::SocketAddr;
use std::time::Duration;

use ureq::Agent;
use ureq::config::Config;
use ureq::http;
use ureq::tls::{PemItem, RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use super::request::Request;

/// The environment variable of the testing hook.
pub const CONNECT_ENV: &str = "KEYSCOUT_VERIFY_CONNECT";

/// A response, its body cut at the client's bound.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body was longer than the bound.
    pub truncated: bool,
}

pub struct Client {
    agent: Agent,
    max_body: usize,
}

impl Client {
    pub fn new(timeout: Duration, max_body: usize) -> Result<Client, String> {
        let mut tls = TlsConfig::builder();
        if let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) {
            let shown = std::path::Path::new(&path).display().to_string();
            let pem = std::fs::read(&path).map_err(|e| format!("SSL_CERT_FILE {shown}: {e}"))?;
            let certs: Vec<_> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(format!("SSL_CERT_FILE {shown}: no PEM certificate in it"));
            }
            tls = tls.root_certs(RootCerts::new_with_certs(&certs));
        }
        let config = Config::builder()
            .https_only(true)
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(timeout))
            .user_agent(concat!(
                "keyscout/",
                env!("CARGO_PKG_VERSION"),
                " (secret verification)"
            ))
            .tls_config(tls.build())
            .build();
        let resolver = Loopback::from_env()?;
        Ok(Client {
            agent: Agent::with_parts(config, DefaultConnector::default(), resolver),
            max_body,
        })
    }

    /// Sends `r`; an error only when no response came.
    pub fn send(&self, r: &Request) -> Result<Response, String> {
        let mut builder = http::Request::builder()
            .method(r.method.as_str())
            .uri(r.url.as_str());
        for (name, value) in &r.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let request = builder
            .body(r.body.clone())
            .map_err(|e| format!("bad request: {e}"))?;
        let response = self.agent.run(request).map_err(describe)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let limit = self.max_body as u64 + 1;
        let read = response
            .into_body()
            .into_reader()
            .take(limit)
            .read_to_end(&mut body);
        // A body cut short by the deadline still says something: keep what came.
        if let Err(e) = read
            && body.is_empty()
        {
            return Err(format!("reading the response: {e}"));
        }
        let truncated = body.len() > self.max_body;
        body.truncate(self.max_body);
        Ok(Response {
            status,
            headers,
            body,
            truncated,
        })
    }
}

/// An error as the user should read it, without the URL (which may hold the secret).
fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "timed out".into(),
        // rustls reports a certificate it does not trust as invalid data.
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => format!("TLS: {io}"),
        ureq::Error::Io(io) => format!("connection: {}", io.kind()),
        ureq::Error::Tls(t) => format!("TLS: {t}"),
        ureq::Error::Rustls(t) => format!("TLS: {t}"),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        other => {
            let text = other.to_string();
            // Messages that quote the URL are cut to their kind.
            text.split(':')
                .next()
                .unwrap_or("request failed")
                .to_string()
        }
    }
}

/// DNS, except for the hosts the testing hook sends to loopback.
#[derive(Debug)]
struct Loopback {
    map: HashMap<String, SocketAddr>,
    dns: DefaultResolver,
}

impl Loopback {
    fn from_env() -> Result<Loopback, String> {
        let mut map = HashMap::new();
        if let Ok(spec) = std::env::var(CONNECT_ENV) {
            for entry in spec.split(',').filter(|e| !e.trim().is_empty()) {
                let (host, addr) = entry
                    .split_once('=')
                    .ok_or_else(|| format!("{CONNECT_ENV}: `{entry}` is not HOST=IP:PORT"))?;
                let addr: SocketAddr = addr
                    .trim()
                    .parse()
                    .map_err(|_| format!("{CONNECT_ENV}: `{addr}` is not IP:PORT"))?;
                if !addr.ip().is_loopback() {
                    return Err(format!("{CONNECT_ENV}: {addr} is not a loopback address"));
                }
                map.insert(host.trim().to_ascii_lowercase(), addr);
            }
        }
        Ok(Loopback {
            map,
            dns: DefaultResolver::default(),
        })
    }
}

impl Resolver for Loopback {
    fn resolve(
        &self,
        uri: &http::Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or_default().to_ascii_lowercase();
        match self.map.get(&host) {
            Some(addr) => {
                let mut addrs = self.empty();
                addrs.push(*addr);
                Ok(addrs)
            }
            None => self.dns.resolve(uri, config, timeout),
        }
    }
}
