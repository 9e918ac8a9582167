//! `keyscout image`: wires the image source to the scanner. Each image's config is scanned
//! entry by entry (`Env`, labels, `Cmd`, `Entrypoint`, each history entry's `created_by`);
//! each layer, in parallel, goes through the archive walker as `--archives` does (its limits
//! and zip-bomb guards, gzip, zstd or plain tar), its files named
//! `IMAGE.tar!sha256:0123456789ab!etc/app.env`. Findings carry the image, the layer digest and
//! the instruction that made the layer. A layer two images share is scanned once.

use std::collections::HashSet;
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;

use super::archives::{Archives, Input};
use super::args::ImageArgs;
use super::scan::{Counters, finish, load_scanner, report, threads};
use crate::finding::{Chunk, Finding, ImageOrigin};
use crate::scan::{Matcher, Scanner};
use crate::source::archive::Limits;
use crate::source::image::{self as source, Image, Layer, Store};
use crate::source::read::{Outcome, ReadOptions};

pub fn image(args: ImageArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let cwd = std::env::current_dir().context("finding the current directory")?;
    let scanner = load_scanner(&args.scan, &cwd)?;
    let counters = Counters::default();
    let triage = super::triage::load(&args.scan, &cwd, &counters)?;
    let read_opts = ReadOptions {
        binary: args.scan.binary,
        ..ReadOptions::default()
    };
    let archives = Archives {
        limits: Limits {
            max_entry_size: args.max_file_size,
            ..Limits::default()
        },
        scanner: &scanner,
        read_opts: &read_opts,
        counters: &counters,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads(&args.scan))
        .build()
        .context("starting worker threads")?;
    let mut found = Vec::new();
    for path in &args.paths {
        let given = path.display().to_string();
        let (store, images) = match source::open(path) {
            Ok(opened) => opened,
            Err(err) => {
                counters.error(&err.to_string());
                continue;
            }
        };
        let mut scanned = HashSet::new();
        for image in &images {
            found.extend(config(&given, image, &scanner, &counters));
            let layers: Vec<&Layer> = image
                .layers
                .iter()
                .filter(|l| scanned.insert(l.digest.clone()))
                .collect();
            let per_layer: Vec<Vec<Finding>> = pool.install(|| {
                layers
                    .par_iter()
                    .map_init(
                        || (scanner.matcher(), Vec::new()),
                        |(matcher, buf), layer| {
                            let scan = LayerScan {
                                given: &given,
                                store: &store,
                                archives: &archives,
                            };
                            scan.layer(image, layer, matcher, buf)
                        },
                    )
                    .collect()
            });
            found.extend(per_layer.into_iter().flatten());
        }
    }
    let reported = report(
        &args.scan,
        scanner.rules(),
        triage,
        &counters,
        [found],
        None,
    )?;
    counters.rule_errors(scanner.rules());
    finish(&args.scan, reported, counters.summary(started), &cwd)
}

/// `sha256:0123456789ab`: a digest short enough for a path, long enough to tell layers apart.
fn short(digest: &str) -> &str {
    let end = digest.find(':').map_or(12, |i| i + 13);
    digest.get(..end).unwrap_or(digest)
}

struct LayerScan<'a> {
    given: &'a str,
    store: &'a Store,
    archives: &'a Archives<'a>,
}

impl LayerScan<'_> {
    fn layer(
        &self,
        image: &Image,
        layer: &Layer,
        matcher: &mut Matcher<'_>,
        buf: &mut Vec<u8>,
    ) -> Vec<Finding> {
        let mut reader = match self.store.open(&layer.blob) {
            Ok(reader) => reader,
            Err(err) => {
                self.archives
                    .counters
                    .error(&format!("layer {}: {err}", layer.digest));
                return Vec::new();
            }
        };
        let name = format!("{}!{}", self.given, short(&layer.digest));
        let mut found = Vec::new();
        self.archives
            .scan(Input::Reader(&mut reader), &name, matcher, buf, &mut found);
        for f in &mut found {
            f.image = Some(Box::new(ImageOrigin {
                image: image.name.clone(),
                layer: layer.digest.clone(),
                created_by: layer.created_by.clone(),
            }));
        }
        found
    }
}

/// The findings of an image's config, each entry scanned as a file named
/// `IMAGE.tar!config!Env` (one variable a line), `!config!Labels`, `!config!Cmd`,
/// `!config!Entrypoint`, `!config!history/N`. A secret an `ENV` instruction set is in `Env`
/// and in that instruction: reported once, in `Env`, with the instruction.
fn config(given: &str, image: &Image, scanner: &Scanner, counters: &Counters) -> Vec<Finding> {
    let mut matcher = scanner.matcher();
    let c = &image.config;
    let labels: Vec<String> = c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut entries = vec![
        ("Env".to_string(), c.env.join("\n")),
        ("Labels".to_string(), labels.join("\n")),
        ("Cmd".to_string(), c.cmd.join(" ")),
        ("Entrypoint".to_string(), c.entrypoint.join(" ")),
    ];
    entries.extend(
        c.history
            .iter()
            .enumerate()
            .map(|(i, h)| (format!("history/{i}"), h.clone())),
    );
    let mut out: Vec<Finding> = Vec::new();
    let mut bytes = 0;
    for (entry, text) in entries {
        if text.is_empty() {
            continue;
        }
        bytes += text.len() as u64;
        let path = format!("{given}!config!{entry}");
        if scanner.rules().path_allowed(&path) {
            continue;
        }
        let mut here = Vec::new();
        matcher.scan(&Chunk::whole(text.as_bytes(), Some(&path)), &mut here);
        let from_history = entry.starts_with("history/");
        for mut f in here {
            let seen = out
                .iter()
                .any(|o| o.rule_id == f.rule_id && o.secret == f.secret && !o.secret.is_empty());
            if from_history && seen {
                continue;
            }
            let created_by = if from_history {
                text.clone()
            } else {
                c.history
                    .iter()
                    .find(|h| !f.secret.is_empty() && h.contains(&f.secret))
                    .cloned()
                    .unwrap_or_default()
            };
            f.image = Some(Box::new(ImageOrigin {
                image: image.name.clone(),
                layer: String::new(),
                created_by,
            }));
            out.push(f);
        }
    }
    counters.record(Outcome::Scanned { bytes });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_digests() {
        let d = format!("sha256:{}", "0123456789abcdef".repeat(4));
        assert_eq!(short(&d), "sha256:0123456789ab");
        assert_eq!(short("odd"), "odd");
    }
}
