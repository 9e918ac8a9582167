//! Container images as a source: a `docker save` tarball, or an OCI image layout (a directory
//! holding `index.json` and `blobs/`, or its tar). [`open`] reads the manifests and each
//! image's config and lists the layers, each with its digest and the history entry that
//! created it; [`Store::open`] hands out a layer's blob as it is stored (gzip, zstd or plain
//! tar: the archive walker opens it, with its limits). Every layer is listed, so what a later
//! layer deletes (a whiteout) is still there to scan. Nothing here knows of rules.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

/// The largest manifest, index or config read (they are small JSON documents).
const MAX_JSON: u64 = 16 << 20;
/// Nested image indexes followed (an index of platforms names manifests).
const MAX_INDEX_DEPTH: usize = 4;
/// Members of an image tarball indexed: a bound on what a crafted tarball costs.
const MAX_MEMBERS: usize = 1_000_000;

/// What went wrong opening an image.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{0}: not a container image (no manifest.json or index.json)")]
    NotAnImage(String),
    #[error("{0}: a compressed image tarball; decompress it first (gunzip, zstd -d)")]
    Compressed(String),
    #[error("{path}: {message}")]
    Bad { path: String, message: String },
}

/// One image: its name, its config and its layers, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The tag or reference name it was saved under, else its config digest.
    pub name: String,
    pub config: Config,
    pub layers: Vec<Layer>,
}

/// The parts of an image config where credentials are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    pub digest: String,
    /// `KEY=VALUE` entries.
    pub env: Vec<String>,
    pub labels: Vec<(String, String)>,
    pub cmd: Vec<String>,
    pub entrypoint: Vec<String>,
    /// Each history entry's `created_by`: the Dockerfile instruction.
    pub history: Vec<String>,
}

/// One layer: where its blob is stored, its digest, and what created it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub digest: String,
    /// The blob's name in the [`Store`].
    pub blob: String,
    /// The `created_by` of the history entry that made this layer (empty if unknown).
    pub created_by: String,
}

/// Where an image's files are: a directory, or a tar file indexed by member name.
#[derive(Debug)]
pub enum Store {
    Dir(PathBuf),
    Tar {
        path: PathBuf,
        /// Member name -> (data offset, size).
        members: HashMap<String, (u64, u64)>,
    },
}

impl Store {
    fn describe(&self, name: &str) -> String {
        match self {
            Store::Dir(dir) => dir.join(name).display().to_string(),
            Store::Tar { path, .. } => format!("{}!{name}", path.display()),
        }
    }

    fn io(&self, name: &str, source: io::Error) -> ImageError {
        ImageError::Io {
            path: self.describe(name),
            source,
        }
    }

    /// The member `name` (a relative path with no `..`), as a reader.
    pub fn open(&self, name: &str) -> Result<Box<dyn Read + Send>, ImageError> {
        let not_found = || self.io(name, io::ErrorKind::NotFound.into());
        let clean = normalise(name).ok_or_else(not_found)?;
        match self {
            Store::Dir(dir) => {
                let file = File::open(dir.join(&clean)).map_err(|e| self.io(name, e))?;
                Ok(Box::new(file))
            }
            Store::Tar { path, members } => {
                let &(offset, size) = members.get(&clean).ok_or_else(not_found)?;
                let mut file = File::open(path).map_err(|e| self.io(name, e))?;
                file.seek(SeekFrom::Start(offset))
                    .map_err(|e| self.io(name, e))?;
                Ok(Box::new(file.take(size)))
            }
        }
    }

    fn exists(&self, name: &str) -> bool {
        match self {
            Store::Dir(dir) => dir.join(name).is_file(),
            Store::Tar { members, .. } => members.contains_key(name),
        }
    }

    /// The JSON document `name`, parsed.
    fn json<T: for<'de> Deserialize<'de>>(&self, name: &str) -> Result<T, ImageError> {
        let mut text = Vec::new();
        self.open(name)?
            .take(MAX_JSON + 1)
            .read_to_end(&mut text)
            .map_err(|e| self.io(name, e))?;
        if text.len() as u64 > MAX_JSON {
            return Err(self.bad(name, format!("larger than {} MiB", MAX_JSON >> 20)));
        }
        serde_json::from_slice(&text).map_err(|e| self.bad(name, format!("not valid JSON: {e}")))
    }

    fn bad(&self, name: &str, message: String) -> ImageError {
        ImageError::Bad {
            path: self.describe(name),
            message,
        }
    }
}

/// `name` as a plain relative path (`./` and empty parts dropped), or `None` if it leaves
/// its root.
fn normalise(name: &str) -> Option<String> {
    let mut parts = Vec::new();
    for part in Path::new(name).components() {
        match part {
            Component::Normal(p) => parts.push(p.to_str()?),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Opens the image(s) at `path`: a directory in OCI layout, or a tarball (`docker save`, or
/// an OCI layout in a tar).
pub fn open(path: &Path) -> Result<(Store, Vec<Image>), ImageError> {
    let given = path.display().to_string();
    let io = |source| ImageError::Io {
        path: given.clone(),
        source,
    };
    let store = if path.is_dir() {
        Store::Dir(path.to_path_buf())
    } else {
        let mut file = File::open(path).map_err(io)?;
        let mut magic = [0u8; 4];
        let n = file.read(&mut magic).map_err(io)?;
        if magic[..n].starts_with(&[0x1f, 0x8b]) || magic[..n] == [0x28, 0xb5, 0x2f, 0xfd] {
            return Err(ImageError::Compressed(given));
        }
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        Store::Tar {
            path: path.to_path_buf(),
            members: index_tar(file).map_err(io)?,
        }
    };
    let images = if store.exists("manifest.json") {
        docker_images(&store)?
    } else if store.exists("index.json") {
        let index: Index = store.json("index.json")?;
        let mut images = Vec::new();
        oci_images(&store, &index.manifests, 0, &mut images)?;
        images
    } else {
        return Err(ImageError::NotAnImage(given));
    };
    Ok((store, images))
}

/// Member names of a tar and where their data lies; links point at their target's data.
fn index_tar(file: File) -> io::Result<HashMap<String, (u64, u64)>> {
    let mut archive = tar::Archive::new(file);
    let mut members = HashMap::new();
    let mut links = Vec::new();
    for entry in archive.entries()? {
        let entry = entry?;
        if members.len() + links.len() >= MAX_MEMBERS {
            return Err(io::Error::other(format!(
                "more than {MAX_MEMBERS} members: not an image tarball"
            )));
        }
        let Some(name) = normalise(&String::from_utf8_lossy(&entry.path_bytes())) else {
            continue;
        };
        let kind = entry.header().entry_type();
        if kind.is_file() {
            members.insert(name, (entry.raw_file_position(), entry.size()));
        } else if kind.is_symlink() || kind.is_hard_link() {
            // `docker save` links a layer shared by two images to the first copy.
            if let Some(target) = entry.link_name_bytes() {
                let target = String::from_utf8_lossy(&target).into_owned();
                let target = if kind.is_symlink() {
                    let dir = Path::new(&name).parent().unwrap_or(Path::new(""));
                    dir.join(target).to_string_lossy().into_owned()
                } else {
                    target
                };
                links.push((name, target));
            }
        }
    }
    for (name, target) in links {
        let resolved = resolve_dots(&target).and_then(|t| members.get(&t).copied());
        if let Some(at) = resolved {
            members.insert(name, at);
        }
    }
    Ok(members)
}

/// `a/../b/./c` -> `b/c`; `None` if it climbs out.
fn resolve_dots(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// `docker save`'s `manifest.json`: one entry per image.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DockerManifest {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    #[serde(default)]
    layers: Vec<String>,
}

#[derive(Deserialize)]
struct Index {
    #[serde(default)]
    manifests: Vec<Descriptor>,
}

#[derive(Deserialize)]
struct Descriptor {
    digest: String,
    #[serde(default)]
    annotations: HashMap<String, String>,
}

/// An OCI image manifest, or an index of them.
#[derive(Deserialize)]
struct Manifest {
    #[serde(default, rename = "mediaType")]
    media_type: String,
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Vec<Descriptor>,
    #[serde(default)]
    manifests: Vec<Descriptor>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConfigFile {
    config: ContainerConfig,
    history: Vec<History>,
    rootfs: RootFs,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "PascalCase")]
struct ContainerConfig {
    env: Option<Vec<String>>,
    labels: Option<HashMap<String, String>>,
    cmd: Option<Vec<String>>,
    entrypoint: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct History {
    created_by: String,
    empty_layer: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RootFs {
    diff_ids: Vec<String>,
}

fn docker_images(store: &Store) -> Result<Vec<Image>, ImageError> {
    let manifests: Vec<DockerManifest> = store.json("manifest.json")?;
    let mut images = Vec::new();
    for m in manifests {
        let (config, file) = read_config(store, &m.config, digest_of_path(&m.config))?;
        let name = m
            .repo_tags
            .and_then(|tags| tags.into_iter().next())
            .unwrap_or_else(|| config.digest.clone());
        let layers = m
            .layers
            .iter()
            .enumerate()
            .map(|(i, blob)| Layer {
                // Newer `docker save` stores layers as OCI blobs, named by digest; older ones
                // as `<id>/layer.tar`, whose digest is the config's diff id.
                digest: digest_of_path(blob)
                    .or_else(|| file.rootfs.diff_ids.get(i).cloned())
                    .unwrap_or_else(|| blob.clone()),
                blob: blob.clone(),
                created_by: String::new(),
            })
            .collect();
        images.push(image(name, config, &file, layers));
    }
    Ok(images)
}

/// `blobs/sha256/HEX` (or `HEX.json`) -> `sha256:HEX`.
fn digest_of_path(path: &str) -> Option<String> {
    let mut parts = path.rsplit('/');
    let hex = parts.next()?;
    let hex = hex.strip_suffix(".json").unwrap_or(hex);
    let algorithm = parts.next().filter(|_| parts.next() == Some("blobs"));
    let algorithm = algorithm.unwrap_or("sha256");
    is_hex(hex).then(|| format!("{algorithm}:{hex}"))
}

fn is_hex(text: &str) -> bool {
    text.len() >= 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `sha256:HEX` -> `blobs/sha256/HEX`, refusing anything that is not a digest.
fn blob_path(store: &Store, digest: &str) -> Result<String, ImageError> {
    match digest.split_once(':') {
        Some((algorithm, hex))
            if !algorithm.is_empty()
                && algorithm.bytes().all(|b| b.is_ascii_alphanumeric())
                && is_hex(hex) =>
        {
            Ok(format!("blobs/{algorithm}/{hex}"))
        }
        _ => Err(store.bad("index.json", format!("`{digest}` is not a digest"))),
    }
}

fn oci_images(
    store: &Store,
    descriptors: &[Descriptor],
    depth: usize,
    images: &mut Vec<Image>,
) -> Result<(), ImageError> {
    for d in descriptors {
        // Attestations and signatures are manifests too; only images have a config and layers.
        let manifest: Manifest = store.json(&blob_path(store, &d.digest)?)?;
        if !manifest.manifests.is_empty() || manifest.media_type.contains("index") {
            if depth >= MAX_INDEX_DEPTH {
                return Err(store.bad("index.json", "image indexes nested too deep".into()));
            }
            oci_images(store, &manifest.manifests, depth + 1, images)?;
            continue;
        }
        let Some(config) = &manifest.config else {
            continue;
        };
        let (config, file) = read_config(
            store,
            &blob_path(store, &config.digest)?,
            Some(config.digest.clone()),
        )?;
        let name = [
            "org.opencontainers.image.ref.name",
            "io.containerd.image.name",
        ]
        .iter()
        .find_map(|k| d.annotations.get(*k).cloned())
        .unwrap_or_else(|| d.digest.clone());
        let layers = manifest
            .layers
            .iter()
            .map(|l| {
                Ok(Layer {
                    digest: l.digest.clone(),
                    blob: blob_path(store, &l.digest)?,
                    created_by: String::new(),
                })
            })
            .collect::<Result<_, ImageError>>()?;
        images.push(image(name, config, &file, layers));
    }
    Ok(())
}

fn read_config(
    store: &Store,
    name: &str,
    digest: Option<String>,
) -> Result<(Config, ConfigFile), ImageError> {
    let file: ConfigFile = store.json(name)?;
    let c = &file.config;
    let mut labels: Vec<(String, String)> =
        c.labels.clone().unwrap_or_default().into_iter().collect();
    labels.sort();
    let config = Config {
        digest: digest.unwrap_or_else(|| name.to_string()),
        env: c.env.clone().unwrap_or_default(),
        labels,
        cmd: c.cmd.clone().unwrap_or_default(),
        entrypoint: c.entrypoint.clone().unwrap_or_default(),
        history: file.history.iter().map(|h| h.created_by.clone()).collect(),
    };
    Ok((config, file))
}

/// The image, each layer given the `created_by` of the history entry that made it: the
/// entries that are not `empty_layer`, in order.
fn image(name: String, config: Config, file: &ConfigFile, mut layers: Vec<Layer>) -> Image {
    let makers = file.history.iter().filter(|h| !h.empty_layer);
    for (layer, made) in layers.iter_mut().zip(makers) {
        layer.created_by.clone_from(&made.created_by);
    }
    Image {
        name,
        config,
        layers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kept_inside_the_image() {
        assert_eq!(
            normalise("./blobs/sha256/ab").as_deref(),
            Some("blobs/sha256/ab")
        );
        assert_eq!(normalise("../etc/passwd"), None);
        assert_eq!(normalise("/etc/passwd"), None);
        assert_eq!(resolve_dots("a/../b/./c").as_deref(), Some("b/c"));
        assert_eq!(resolve_dots("../x"), None);
        let hex = "a".repeat(64);
        assert_eq!(
            digest_of_path(&format!("blobs/sha256/{hex}")),
            Some(format!("sha256:{hex}"))
        );
        assert_eq!(
            digest_of_path(&format!("{hex}.json")),
            Some(format!("sha256:{hex}"))
        );
        assert_eq!(digest_of_path("abc/layer.tar"), None);
        let store = Store::Dir(PathBuf::from("."));
        assert!(blob_path(&store, "sha256:../../etc").is_err());
        assert!(blob_path(&store, &format!("../x:{hex}")).is_err());
        assert_eq!(
            blob_path(&store, &format!("sha256:{hex}")).unwrap(),
            format!("blobs/sha256/{hex}")
        );
    }
}
