//! Where the report goes (stdout or a 0600 file), whether to colour it, and stderr messages.

use std::fs::OpenOptions;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;

use anyhow::Context;

use super::EXIT_ERROR;
use super::args::{Color, ReportArgs};
use crate::report::{Format, Reporter};

impl ReportArgs {
    /// A reporter writing where, and as, these options say.
    pub fn reporter(&self) -> anyhow::Result<Reporter> {
        let out = open(self.output.as_deref())?;
        let color = use_color(self.color, self.output.is_some());
        let reporter = Reporter::new(self.format, out, color, self.redact);
        // -v: findings as text besides the report, where the report is not.
        Ok(match (self.verbose, &self.output) {
            (false, _) => reporter,
            (true, Some(_)) => {
                let color = use_color(self.color, false);
                reporter.with_echo(Box::new(io::stdout()), color)
            }
            (true, None) if self.format == Format::Text => reporter,
            (true, None) => {
                let color = self.color == Color::Always;
                reporter.with_echo(Box::new(io::stderr()), color)
            }
        })
    }

    /// What a failed write of the report says: `writing the report to FILE` (or stdout).
    pub fn writing(&self) -> String {
        match &self.output {
            Some(path) => format!("writing the report to {}", path.display()),
            None => "writing the report to stdout".to_string(),
        }
    }

    /// 2 after an error, else `--exit-code` when something was reported, else 0.
    pub fn exit_code(&self, errors: u64, findings: u64) -> u8 {
        if errors > 0 {
            EXIT_ERROR
        } else if findings > 0 {
            self.exit_code
        } else {
            0
        }
    }
}

/// Opens the report destination: `path` created with mode 0600 (it will hold secrets), or
/// stdout.
pub fn open(path: Option<&Path>) -> anyhow::Result<Box<dyn Write + Send>> {
    let Some(path) = path else {
        return Ok(Box::new(BufWriter::new(io::stdout())));
    };
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    // An existing file keeps its old mode through `open`: tighten it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("setting the mode of {}", path.display()))?;
    }
    Ok(Box::new(BufWriter::new(file)))
}

/// Colour for the text report: on a terminal unless NO_COLOR is set, or as forced.
pub fn use_color(choice: Color, to_file: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            !to_file && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

pub fn warn(message: &str) {
    eprintln!("keyscout: warning: {message}");
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}
