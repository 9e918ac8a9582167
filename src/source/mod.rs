//! Where bytes come from: the file-system walker ([`fs`]), git history and the staged index
//! ([`git`]; [`delta`] reads git's delta instructions, [`integrity`] checks pack entries
//! against their index), clone URLs cloned and fetched
//! ([`remote`]), the members of archives ([`archive`]), container images ([`image`]), and the
//! chunked reader every source shares ([`read`]), which also serves stdin and hands binary
//! inputs on as their printable strings ([`strings`]).
//! Sources know nothing of rules.

pub mod archive;
pub mod delta;
pub mod fs;
pub mod git;
pub mod image;
pub mod integrity;
pub mod read;
pub mod remote;
pub mod strings;
