//! `--archives`: wires the archive source to the matcher, member by member, as `keyscout dir`
//! wires files: the same chunked reader, binary check and path allowlists, with the member's
//! full `archive!member` path.

use std::fs::File;
use std::io::Read;

use super::scan::Counters;
use crate::finding::{Chunk, Finding};
use crate::scan::{Matcher, Scanner};
use crate::source::archive::{self, Entry, Limits, Problem};
use crate::source::read::{ReadOptions, read_chunks};

/// An input that may be an archive.
pub(super) enum Input<'a> {
    File(File),
    Reader(&'a mut dyn Read),
}

/// What every archive scan of one command shares.
pub(super) struct Archives<'a> {
    pub limits: Limits,
    pub scanner: &'a Scanner,
    pub read_opts: &'a ReadOptions,
    pub counters: &'a Counters,
}

impl Archives<'_> {
    /// Scans `input` (named `name`): each member if it is an archive, else the input itself.
    pub fn scan(
        &self,
        input: Input<'_>,
        name: &str,
        matcher: &mut Matcher<'_>,
        buf: &mut Vec<u8>,
        found: &mut Vec<Finding>,
    ) {
        let mut visit = |entry: Entry<'_>| {
            if self.scanner.rules().path_allowed(entry.path) {
                return Ok(());
            }
            let scan = |chunk: Chunk<'_>| matcher.scan(&chunk, found);
            let outcome = read_chunks(entry.reader, Some(entry.path), buf, self.read_opts, scan)?;
            self.counters.record(outcome);
            Ok(())
        };
        let mut problem = |p: Problem| self.counters.error(&format!("{}: {}", p.path, p.message));
        match input {
            Input::File(file) => {
                archive::visit_file(file, name, &self.limits, &mut visit, &mut problem)
            }
            Input::Reader(reader) => {
                archive::visit_reader(reader, name, &self.limits, &mut visit, &mut problem)
            }
        }
    }
}
