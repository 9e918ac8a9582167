//! Where bytes come from: the file-system walker ([`fs`]) and the chunked reader every
//! source shares ([`read`]), which also serves stdin. Sources know nothing of rules.

pub mod fs;
pub mod read;
