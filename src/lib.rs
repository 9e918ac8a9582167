//! keyscout finds leaked credentials in files.
//!
//! Data flows one way: a **source** ([`source`]) walks files or reads stdin and cuts each input
//! into [`finding::Chunk`]s; the **scanner** ([`scan`]) runs the compiled **rules** ([`rules`])
//! over each chunk (keyword prefilter, then regex, entropy and allowlists) and yields
//! [`finding::Finding`]s; a **report** ([`report`]) writes them as text, JSON, JSON Lines,
//! SARIF, CSV, JUnit, HTML or gitleaks' JSON, less the findings that ignore files and a
//! baseline name ([`triage`]).
//! [`history`] scans a git repository's history with those stages (each blob once, a delta
//! only where it differs from its base, one finding per secret at its first commit).
//! The [`cli`] wires the stages together; the stages do not know each other.

pub mod cli;
pub mod finding;
#[doc(hidden)]
pub mod fuzzing;
pub mod history;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod triage;
pub mod verify;
