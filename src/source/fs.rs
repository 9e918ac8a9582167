//! The file-system source: a parallel walk (the `ignore` crate, as ripgrep) that hands each
//! regular file to a per-thread visitor. By default every file is visited, hidden and
//! git-ignored ones too, but never the `.git` directory, and symlinks are not followed.

use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkState};

#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Honour `.gitignore`, `.ignore` and git's excludes.
    pub gitignore: bool,
    pub follow_symlinks: bool,
    /// Skip files larger than this many bytes.
    pub max_file_size: Option<u64>,
    pub threads: usize,
}

/// One file to scan.
pub struct FileEntry<'a> {
    /// Where to open it.
    pub path: &'a Path,
    /// How reports name it: relative to the walk's root, `/`-separated.
    pub name: String,
}

/// Something the walk could not do; the walk goes on.
pub struct WalkError {
    pub path: Option<PathBuf>,
    pub message: String,
}

/// Walks `root` on `opts.threads` threads. `visitor` is called once per thread to make that
/// thread's visitor; `on_error` receives what could not be walked; `on_skip` receives files
/// over the size limit.
pub fn walk<V>(
    root: &Path,
    opts: &WalkOptions,
    visitor: &(dyn Fn() -> V + Sync),
    on_error: &(dyn Fn(WalkError) + Sync),
) where
    V: FnMut(FileEntry<'_>) + Send,
{
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .parents(opts.gitignore)
        .ignore(opts.gitignore)
        .git_ignore(opts.gitignore)
        .git_global(opts.gitignore)
        .git_exclude(opts.gitignore)
        .require_git(false)
        .follow_links(opts.follow_symlinks)
        .threads(opts.threads)
        .filter_entry(|e| !(e.file_name() == ".git" && e.file_type().is_some_and(|t| t.is_dir())));
    let root_is_file = root.is_file();

    builder.build_parallel().run(|| {
        let mut visit = visitor();
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    on_error(WalkError {
                        path: error_path(&err),
                        message: err.to_string(),
                    });
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            if let Some(max) = opts.max_file_size {
                match entry.metadata() {
                    Ok(meta) if meta.len() > max => return WalkState::Continue,
                    Ok(_) => {}
                    Err(err) => {
                        on_error(WalkError {
                            path: Some(entry.path().into()),
                            message: err.to_string(),
                        });
                        return WalkState::Continue;
                    }
                }
            }
            let name = display_name(root, entry.path(), root_is_file);
            visit(FileEntry {
                path: entry.path(),
                name,
            });
            WalkState::Continue
        })
    });
}

/// `path` relative to `root`, with `/` separators; a root that is a file keeps its name.
fn display_name(root: &Path, path: &Path, root_is_file: bool) -> String {
    let relative = if root_is_file {
        path
    } else {
        path.strip_prefix(root).unwrap_or(path)
    };
    let name = relative.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        name.into_owned()
    } else {
        name.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}
