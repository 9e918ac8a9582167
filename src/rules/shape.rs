//! What a rule's regex shape tells the prefilter: its longest possible match, how far a
//! match can reach on either side of a keyword it must contain, and what the keyword's
//! occurrence in a match looks like. When the reach is bounded, the scanner may run the regex
//! only in a window around each keyword hit and still find exactly what a scan of the whole
//! input finds; a hit that cannot be that occurrence opens no window ([`Guards`]).

use regex_automata::{Anchored, Input, meta};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// How far a match reaches around the keyword occurrence every match of a regex contains:
/// it starts at most `before` bytes before that occurrence ends, and ends at most `after`
/// bytes after it starts.
///
/// A window `hit.end - before .. hit.start + after` around each keyword hit then holds every
/// match whole: each match holds such an occurrence, which the keyword pass reports. A regex
/// whose keyword comes first (`ghp_...`, `secret ... = value`) reaches far only forwards, so
/// its windows are about half as wide as two longest matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    pub before: usize,
    pub after: usize,
}

/// The reach of every match of `hir` around a keyword of `keywords` (lowercase, matched ASCII
/// case-insensitively) that it must contain; `None` when a match may hold none, or may be
/// unbounded around it.
pub(super) fn keyword_reach(hir: &Hir, keywords: &[String]) -> Option<Reach> {
    reach_in(hir, keywords, Around::whole(), &mut Guards::default())
}

/// [`keyword_reach`], and the [`Guards`] of the occurrences it is measured from.
pub(super) fn keyword_windows(hir: &Hir, keywords: &[String]) -> Option<(Reach, Guards)> {
    let mut guards = Guards::default();
    let reach = reach_in(hir, keywords, Around::whole(), &mut guards)?;
    Some((reach, guards))
}

/// [`keyword_reach`] of `hir` where `around` is what lies next to it in the whole regex,
/// noting in `guards` what each occurrence the reach is measured from looks like.
fn reach_in(hir: &Hir, keywords: &[String], around: Around, guards: &mut Guards) -> Option<Reach> {
    match hir.kind() {
        HirKind::Literal(lit) => {
            let lower = lit.0.to_ascii_lowercase();
            guards.unknown(&lower, keywords);
            has_keyword(&lower, keywords).then(|| Reach::within(lit.0.len()))
        }
        HirKind::Capture(cap) => reach_in(&cap.sub, keywords, around, guards),
        // The first copy holds one; the others follow it.
        HirKind::Repetition(rep) if rep.min >= 1 => {
            let sub = reach_in(&rep.sub, keywords, Around::default(), guards)?;
            let more = rep.max?.checked_sub(1)? as usize;
            let after = sub
                .after
                .checked_add(more.checked_mul(rep.sub.properties().maximum_len()?)?)?;
            Some(Reach { after, ..sub })
        }
        HirKind::Alternation(alts) => alts.iter().try_fold(Reach::within(0), |reach, alt| {
            let alt = reach_in(alt, keywords, around.clone(), guards)?;
            Some(Reach {
                before: reach.before.max(alt.before),
                after: reach.after.max(alt.after),
            })
        }),
        HirKind::Concat(items) => concat_reach(items, keywords, around, guards),
        HirKind::Repetition(_) | HirKind::Empty | HirKind::Class(_) | HirKind::Look(_) => None,
    }
}

impl Reach {
    /// A keyword somewhere inside `len` bytes that make up the whole match.
    fn within(len: usize) -> Reach {
        Reach {
            before: len,
            after: len,
        }
    }
}

/// The reach of a concatenation around the first of its parts that must hold a keyword.
fn concat_reach(
    items: &[Hir],
    keywords: &[String],
    outside: Around,
    guards: &mut Guards,
) -> Option<Reach> {
    // Runs of literals and small classes spell words: `(?i)aws` is [Aa][Ww][Ss], and
    // `(?:sk|rk)_live_` may become [rs]k_live_. A run holds every spelling it allows.
    let longest = |items: &[Hir]| {
        items.iter().try_fold(0usize, |sum, h| {
            sum.checked_add(h.properties().maximum_len()?)
        })
    };
    // The part `items[from..to]` holds the keyword, with `inner` its reach inside the part.
    let around = |from: usize, to: usize, inner: Reach| {
        Some(Reach {
            before: longest(&items[..from])?.checked_add(inner.before)?,
            after: inner.after.checked_add(longest(&items[to..])?)?,
        })
    };
    // What lies next to `items[from..to]`, within this concatenation or outside it.
    let next_to = |from: usize, to: usize| Around {
        before: edge(&items[..from], true, outside.before),
        after: edge(&items[to..], false, outside.after),
        rest: outside
            .rest
            .as_ref()
            .map(|rest| items[to..].iter().chain(rest).cloned().collect()),
    };
    let mut run: Vec<Vec<u8>> = vec![Vec::new()];
    let mut run_start = 0;
    for (i, item) in items.iter().enumerate() {
        match spellings(item, true) {
            Some(next) if run.len() * next.len() <= MAX_SPELLINGS => {
                run = cross(&run, &next);
            }
            next => {
                if all_have_keyword(&run, keywords) {
                    let part = &items[run_start..i];
                    guards.run(part, &run, keywords, next_to(run_start, i));
                    return around(run_start, i, Reach::within(longest(part)?));
                }
                if let Some(inner) = reach_in(item, keywords, next_to(i, i + 1), guards) {
                    return around(i, i + 1, inner);
                }
                (run, run_start) = match next {
                    Some(next) => (next, i),
                    None => (vec![Vec::new()], i + 1),
                };
            }
        }
    }
    if all_have_keyword(&run, keywords) {
        let part = &items[run_start..];
        guards.run(part, &run, keywords, next_to(run_start, items.len()));
        return around(run_start, items.len(), Reach::within(longest(part)?));
    }
    None
}

/// How many spellings of a run are followed before it is cut.
const MAX_SPELLINGS: usize = 64;

/// Every `a` followed by every `b`.
fn cross(a: &[Vec<u8>], b: &[Vec<u8>]) -> Vec<Vec<u8>> {
    a.iter()
        .flat_map(|x| b.iter().map(move |y| [x.as_slice(), y].concat()))
        .collect()
}

fn all_have_keyword(run: &[Vec<u8>], keywords: &[String]) -> bool {
    run.iter().all(|r| has_keyword(r, keywords))
}

fn has_keyword(run: &[u8], keywords: &[String]) -> bool {
    keywords
        .iter()
        .any(|k| !k.is_empty() && memchr::memmem::find(run, k.as_bytes()).is_some())
}

/// The spellings of a literal, or of a class of a few ASCII characters: lowercase when
/// `lower`, else as written.
fn spellings(hir: &Hir, lower: bool) -> Option<Vec<Vec<u8>>> {
    let fold = |bytes: &[u8]| {
        if lower {
            bytes.to_ascii_lowercase()
        } else {
            bytes.to_vec()
        }
    };
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![fold(&lit.0)]),
        HirKind::Capture(cap) => spellings(&cap.sub, lower),
        // `_?` and `(?:or)?`: the word with and without it.
        HirKind::Repetition(rep) if rep.min == 0 && rep.max == Some(1) => {
            let mut all = spellings(&rep.sub, lower)?;
            all.push(Vec::new());
            (all.len() <= MAX_SPELLINGS).then_some(all)
        }
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for alt in alts {
                all.extend(spellings(alt, lower)?);
            }
            (all.len() <= MAX_SPELLINGS).then_some(all)
        }
        HirKind::Concat(items) => {
            let mut all = vec![Vec::new()];
            for item in items {
                let next = spellings(item, lower)?;
                if all.len() * next.len() > MAX_SPELLINGS {
                    return None;
                }
                all = cross(&all, &next);
            }
            Some(all)
        }
        HirKind::Class(class) => {
            let mut bytes: Vec<u32> = match class {
                Class::Bytes(c) => c
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .take(9)
                    .map(u32::from)
                    .collect(),
                Class::Unicode(c) => c
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .take(9)
                    .map(u32::from)
                    .collect(),
            };
            if bytes.len() > 8 || bytes.iter().any(|&b| b > 0x7f) {
                return None;
            }
            for b in bytes.iter_mut().filter(|_| lower) {
                *b = u32::from((*b as u8).to_ascii_lowercase());
            }
            bytes.sort_unstable();
            bytes.dedup();
            Some(bytes.into_iter().map(|b| vec![b as u8]).collect())
        }
        _ => None,
    }
}

/// A set of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct ByteSet([u64; 4]);

impl ByteSet {
    const ALL: ByteSet = ByteSet([u64::MAX; 4]);

    fn of(bytes: &[u8]) -> ByteSet {
        let mut set = ByteSet::default();
        for &b in bytes {
            set.insert(b);
        }
        set
    }

    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    fn union(self, other: ByteSet) -> ByteSet {
        ByteSet(std::array::from_fn(|i| self.0[i] | other.0[i]))
    }

    fn intersect(self, other: ByteSet) -> ByteSet {
        ByteSet(std::array::from_fn(|i| self.0[i] & other.0[i]))
    }

    /// Every byte but ASCII letters, digits and `_`.
    fn non_word() -> ByteSet {
        let mut set = ByteSet::ALL;
        for b in (b'0'..=b'9')
            .chain(b'A'..=b'Z')
            .chain(b'a'..=b'z')
            .chain([b'_'])
        {
            set.0[usize::from(b >> 6)] &= !(1 << (b & 63));
        }
        set
    }
}

/// What a match may hold just outside a part of its regex on one side: the bytes there
/// (`None`: any), and whether a word-boundary assertion stands right at that side.
#[derive(Debug, Clone, Copy, Default)]
struct Edge {
    bytes: Option<ByteSet>,
    boundary: bool,
}

/// What lies next to a part of a regex: the edges before and after it, and the parts a match
/// goes on with after it (`None`: not followed, inside a repetition).
#[derive(Debug, Clone, Default)]
struct Around {
    before: Edge,
    after: Edge,
    rest: Option<Vec<Hir>>,
}

impl Around {
    /// Around the whole regex: nothing known of either side, nothing after it.
    fn whole() -> Around {
        Around {
            rest: Some(Vec::new()),
            ..Around::default()
        }
    }
}

/// The edge that `items` make on one side of what follows them (`before`) or precedes them,
/// with `outer` beyond them where they may match nothing.
fn edge(items: &[Hir], before: bool, outer: Edge) -> Edge {
    let adjacent = if before { items.last() } else { items.first() };
    let Some(adjacent) = adjacent else {
        return outer;
    };
    let (bytes, open) = seq_ends(items, before);
    Edge {
        bytes: if open {
            outer.bytes.map(|o| o.union(bytes))
        } else {
            Some(bytes)
        },
        boundary: matches!(adjacent.kind(), HirKind::Look(look) if word_boundary(*look, before)),
    }
}

/// Whether `look` says the byte on the side of it away from a word character is no word
/// character: before a word when `before`, else after one.
fn word_boundary(look: Look, before: bool) -> bool {
    match look {
        Look::WordAscii | Look::WordUnicode => true,
        Look::WordStartAscii
        | Look::WordStartUnicode
        | Look::WordStartHalfAscii
        | Look::WordStartHalfUnicode => before,
        Look::WordEndAscii
        | Look::WordEndUnicode
        | Look::WordEndHalfAscii
        | Look::WordEndHalfUnicode => !before,
        _ => false,
    }
}

/// The bytes a match of `items` can end with (`before`: it precedes something) or begin
/// with, and whether it can match nothing there.
fn seq_ends(items: &[Hir], before: bool) -> (ByteSet, bool) {
    let mut order: Vec<&Hir> = items.iter().collect();
    if before {
        order.reverse();
    }
    let mut all = ByteSet::default();
    for item in order {
        let (bytes, open) = ends(item, before);
        all = all.union(bytes);
        if !open {
            return (all, false);
        }
    }
    (all, true)
}

/// [`seq_ends`] of one part. An anchor at the input's edge means no byte there (an edge is
/// always let through), a line anchor a line break; other assertions consume nothing and are
/// seen through.
fn ends(hir: &Hir, before: bool) -> (ByteSet, bool) {
    match hir.kind() {
        HirKind::Empty => (ByteSet::default(), true),
        HirKind::Literal(lit) => match if before { lit.0.last() } else { lit.0.first() } {
            Some(&b) => (ByteSet::of(&[b]), false),
            None => (ByteSet::default(), true),
        },
        HirKind::Class(class) => (class_bytes(class), false),
        HirKind::Look(look) => match (look, before) {
            (Look::Start, true) | (Look::End, false) => (ByteSet::default(), false),
            (Look::StartLF, true) | (Look::EndLF, false) => (ByteSet::of(b"\n"), false),
            (Look::StartCRLF, true) | (Look::EndCRLF, false) => (ByteSet::of(b"\r\n"), false),
            _ => (ByteSet::default(), true),
        },
        HirKind::Capture(cap) => ends(&cap.sub, before),
        HirKind::Repetition(rep) => {
            let (bytes, open) = ends(&rep.sub, before);
            (bytes, open || rep.min == 0)
        }
        HirKind::Alternation(alts) => alts.iter().fold((ByteSet::default(), false), |acc, alt| {
            let (bytes, open) = ends(alt, before);
            (acc.0.union(bytes), acc.1 || open)
        }),
        HirKind::Concat(items) => seq_ends(items, before),
    }
}

/// The bytes of a class; any non-ASCII character stands for every byte of 0x80 and above.
fn class_bytes(class: &Class) -> ByteSet {
    let mut set = ByteSet::default();
    let mut add = |start: u32, end: u32| {
        for b in start..=end.min(0xFF) {
            set.insert(b as u8);
        }
    };
    match class {
        Class::Bytes(c) => c
            .iter()
            .for_each(|r| add(u32::from(r.start()), u32::from(r.end()))),
        Class::Unicode(c) => c.iter().for_each(|r| {
            let (start, end) = (u32::from(r.start()), u32::from(r.end()));
            add(start.min(0x80), end.min(0x7F));
            if end >= 0x80 {
                add(0x80, 0xFF);
            }
        }),
    }
    set
}

/// What a keyword hit must look like to be the keyword occurrence a match's reach is measured
/// from: the scanner opens no window for one that cannot be. In C, `cf->` fills a file and
/// is no `CF_API_TOKEN`; `otherwise` holds no word `wise`.
///
/// Per keyword, the shapes its occurrence can take (`None`: any, which also stands for a
/// keyword the regex holds in a way not followed); a keyword not listed opens windows as
/// before. A shape may name what a match must go on with after the run (`rests`, as regexes
/// in `checks` once built): `key` in `RedisModuleKey *key;` is followed by no assignment, and
/// opens no window for the generic rules.
#[derive(Debug, Clone, Default)]
pub struct Guards {
    keywords: Vec<(String, Option<Vec<Shape>>)>,
    rests: Vec<Hir>,
    checks: Vec<meta::Regex>,
}

/// One shape of a keyword's occurrence: inside the run of literals and small classes that
/// holds it, spelt `spelling` (with case when `exact`, else compared ASCII
/// case-insensitively), starting `offset` bytes before the keyword, with a byte of `before`
/// just before the run and of `after` just after it unless the input ends there, and what
/// follows the run matching `rests[rest]` from there.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shape {
    spelling: Vec<u8>,
    exact: bool,
    offset: usize,
    before: Option<ByteSet>,
    after: Option<ByteSet>,
    rest: Option<usize>,
}

/// More shapes than this for one keyword: any occurrence will do.
const MAX_SHAPES: usize = 64;

/// The rest of a match after a run is checked only when it can be longer than this (a
/// shorter one is searched in its window about as fast), and only its first parts up to
/// [`CHECKED_HEAD`] bytes: the name and the operator of an assignment, which is what ordinary
/// code lacks. The whole rest, checked for every rule, made regexes that took 50 MB more on
/// a history of crate sources.
const CHECKED_REST: usize = 256;
const CHECKED_HEAD: usize = 128;

/// Whether a match of `parts` can be longer than `len` bytes.
fn longer_than(parts: &[Hir], len: usize) -> bool {
    parts
        .iter()
        .try_fold(0usize, |sum, h| {
            sum.checked_add(h.properties().maximum_len()?)
        })
        .is_none_or(|max| max > len)
}

/// The first of `parts` whose matches together are at most [`CHECKED_HEAD`] bytes long.
fn head(parts: &[Hir]) -> &[Hir] {
    let mut sum = 0usize;
    let n = parts
        .iter()
        .take_while(|h| {
            sum = h
                .properties()
                .maximum_len()
                .map_or(usize::MAX, |len| sum.saturating_add(len));
            sum <= CHECKED_HEAD
        })
        .count();
    &parts[..n]
}

impl Guards {
    /// Whether the hit of `keyword` at `start` in `data` can be a match's occurrence.
    pub fn admits(&self, keyword: &str, data: &[u8], start: usize) -> bool {
        match self.keywords.iter().find(|(k, _)| k == keyword) {
            Some((_, Some(shapes))) => shapes.iter().any(|s| s.admits(data, start, &self.checks)),
            _ => true,
        }
    }

    /// Builds the regexes of what must follow a run; if one cannot be built, none is checked.
    pub fn build(&mut self, build: impl Fn(&Hir) -> Result<meta::Regex, String>) {
        self.checks = self
            .rests
            .iter()
            .map(build)
            .collect::<Result<_, _>>()
            .unwrap_or_default();
    }

    /// The keywords `text` (lowercase) holds, in a part of the regex not followed further:
    /// any occurrence of those will do.
    fn unknown(&mut self, text: &[u8], keywords: &[String]) {
        for k in keywords {
            if !k.is_empty() && memchr::memmem::find(text, k.as_bytes()).is_some() {
                self.set(k, None);
            }
        }
    }

    /// The shapes of each keyword in the run `part`, spelt `run` (lowercase), with
    /// `around` next to it.
    fn run(&mut self, part: &[Hir], run: &[Vec<u8>], keywords: &[String], around: Around) {
        let exact = seq_spellings(part);
        let (spellings, exact) = match &exact {
            Some(written) => (written.as_slice(), true),
            None => (run, false),
        };
        // What a match goes on with after the run, the same for every spelling.
        let rest = match &around.rest {
            Some(parts) if longer_than(parts, CHECKED_REST) && !head(parts).is_empty() => {
                let rest = Hir::concat(head(parts).to_vec());
                Some(match self.rests.iter().position(|r| *r == rest) {
                    Some(i) => i,
                    None => {
                        self.rests.push(rest);
                        self.rests.len() - 1
                    }
                })
            }
            _ => None,
        };
        let word = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        // A word boundary next to a word character: the byte across it is none.
        let side = |edge: Edge, at: Option<&u8>| match edge.bytes {
            _ if edge.boundary && word(at) => Some(
                edge.bytes
                    .unwrap_or(ByteSet::ALL)
                    .intersect(ByteSet::non_word()),
            ),
            bytes => bytes,
        };
        for spelling in spellings {
            let before = side(around.before, spelling.first());
            let after = side(around.after, spelling.last());
            let lower = spelling.to_ascii_lowercase();
            for k in keywords.iter().filter(|k| !k.is_empty()) {
                for offset in memchr::memmem::find_iter(&lower, k.as_bytes()) {
                    self.add(
                        k,
                        Shape {
                            spelling: spelling.clone(),
                            exact,
                            offset,
                            before,
                            after,
                            rest,
                        },
                    );
                }
            }
        }
    }

    fn add(&mut self, keyword: &str, shape: Shape) {
        match self.keywords.iter_mut().find(|(k, _)| k == keyword) {
            Some((_, None)) => {}
            Some((_, Some(shapes))) if shapes.len() >= MAX_SHAPES => self.set(keyword, None),
            Some((_, Some(shapes))) => {
                if !shapes.contains(&shape) {
                    shapes.push(shape);
                }
            }
            None => self.keywords.push((keyword.to_string(), Some(vec![shape]))),
        }
    }

    fn set(&mut self, keyword: &str, shapes: Option<Vec<Shape>>) {
        match self.keywords.iter_mut().find(|(k, _)| k == keyword) {
            Some(entry) => entry.1 = shapes,
            None => self.keywords.push((keyword.to_string(), shapes)),
        }
    }
}

impl Shape {
    fn admits(&self, data: &[u8], start: usize, checks: &[meta::Regex]) -> bool {
        let Some(at) = start.checked_sub(self.offset) else {
            return false;
        };
        let end = at + self.spelling.len();
        let Some(word) = data.get(at..end) else {
            return false;
        };
        let spelt = if self.exact {
            word == self.spelling.as_slice()
        } else {
            word.eq_ignore_ascii_case(&self.spelling)
        };
        spelt
            && self
                .before
                .is_none_or(|b| at == 0 || b.contains(data[at - 1]))
            && self
                .after
                .is_none_or(|a| end == data.len() || a.contains(data[end]))
            && self.rest.and_then(|i| checks.get(i)).is_none_or(|rest| {
                rest.is_match(Input::new(data).range(end..).anchored(Anchored::Yes))
            })
    }
}

/// The spellings of a run of parts as written, case included; `None` past
/// [`MAX_SPELLINGS`].
fn seq_spellings(part: &[Hir]) -> Option<Vec<Vec<u8>>> {
    part.iter().try_fold(vec![Vec::new()], |all, item| {
        let next = spellings(item, false)?;
        (all.len() * next.len() <= MAX_SPELLINGS).then(|| cross(&all, &next))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, keywords: &[&str]) -> bool {
        reach(pattern, keywords).is_some()
    }

    /// `pattern` parsed as the rules are, and `keywords` owned.
    fn parsed(pattern: &str, keywords: &[&str]) -> (Hir, Vec<String>) {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .expect("valid pattern");
        (hir, keywords.iter().map(|k| k.to_string()).collect())
    }

    fn reach(pattern: &str, keywords: &[&str]) -> Option<Reach> {
        let (hir, keywords) = parsed(pattern, keywords);
        keyword_reach(&hir, &keywords)
    }

    #[test]
    fn literal_prefixes_contain_their_keyword() {
        assert!(check(r"\b(ghp_[A-Za-z0-9]{36})\b", &["ghp_"]));
        assert!(check(r"(?i)aws.{0,20}([A-Za-z0-9/+]{40})", &["aws"]));
        assert!(check(
            r"(?:sk|rk)_live_[0-9a-zA-Z]{24}",
            &["sk_live_", "rk_live_"]
        ));
        assert!(check(
            r"(?i)secret_?access_?key.{0,9}(\w{20})",
            &[
                "secretaccesskey",
                "secret_access_key",
                "secret_accesskey",
                "secretaccess_key"
            ]
        ));
        assert!(check(
            r"(?i)(?:key|secret)\s{0,3}=\s{0,3}(\w{20})",
            &["key", "secret"]
        ));
    }

    #[test]
    fn optional_or_missing_keywords_are_not_contained() {
        assert!(!check(r"(?:ghp_)?[A-Za-z0-9]{36}", &["ghp_"]));
        assert!(!check(r"(?:sk|xk)_live_[0-9]{4}", &["sk_live_"]));
        assert!(!check(
            r"(?i)secret_?access_?key.{0,9}(\w{20})",
            &["secretaccesskey", "secret_access_key"]
        ));
        assert!(!check(r"[A-Za-z0-9]{40}", &["aws"]));
        assert!(!check(r"(?:sk_live_|[0-9]{10})", &["sk_live_"]));
        assert!(!check(r"(?i)(?:key|token)=(\w+)", &["key"]));
    }

    #[test]
    fn reach_is_short_on_the_side_of_a_leading_keyword() {
        // `ghp_` ends 4 bytes after the match starts; the match ends 40 after it starts.
        assert_eq!(
            reach(r"\b(ghp_[A-Za-z0-9]{36})\b", &["ghp_"]),
            Some(Reach {
                before: 4,
                after: 40
            })
        );
        // Up to 3 bytes of name before the run `key=` or `pwd=`, 10 of value after it.
        assert_eq!(
            reach(r"\w{0,3}(?:key|pwd)=\w{1,10}", &["key", "pwd"]),
            Some(Reach {
                before: 7,
                after: 14
            })
        );
        // A trailing keyword: far only backwards.
        assert_eq!(
            reach(r"[0-9]{10}@example\.com", &["@example.com"]),
            Some(Reach {
                before: 22,
                after: 12
            })
        );
        // Repeated: the first copy's keyword, with the other copies after it.
        assert_eq!(
            reach(r"(?:ab[0-9]){2,3}", &["ab"]),
            Some(Reach {
                before: 2,
                after: 9
            })
        );
        // Unbounded on one side of the keyword: no window.
        assert_eq!(reach(r"[0-9]+token", &["token"]), None);
        assert_eq!(reach(r"token[0-9]+", &["token"]), None);
    }

    /// Whether each `(text, keyword)` hit (the keyword's first occurrence in the text) may
    /// begin a match of `pattern`.
    fn admitted(pattern: &str, keywords: &[&str], hits: &[(String, &str)]) -> Vec<bool> {
        let (hir, keywords) = parsed(pattern, keywords);
        let (_, mut guards) = keyword_windows(&hir, &keywords).expect("windowed");
        guards.build(|rest| {
            meta::Regex::builder()
                .syntax(regex_automata::util::syntax::Config::new().utf8(false))
                .build_from_hir(rest)
                .map_err(|e| e.to_string())
        });
        hits.iter()
            .map(|(text, k)| {
                let start = text.to_ascii_lowercase().find(k).expect("keyword in text");
                guards.admits(k, text.as_bytes(), start)
            })
            .collect()
    }

    #[test]
    fn guards_let_through_what_a_match_can_hold_and_nothing_else() {
        let v40 = "a".repeat(40);
        // The byte after the run, from a part outside the alternation holding it: C's `cf->`
        // is no Cloudflare variable.
        let cloudflare = r"(?i)(?:cloudflare|(?:^|[^a-z])cf[_.-])[\w.(-]{0,20}?token\s?=(\w{40})";
        let texts = [
            (format!("x = cf->token={v40}"), "cf-"),
            (format!("CF-API-TOKEN={v40}"), "cf-"),
            (format!("export CF_TOKEN={v40}"), "cf_"),
            // `[^a-z]` lets `_` through before `cf`.
            (format!("ngx_cf_token={v40}"), "cf_"),
            (format!("CLOUDFLARE_API_TOKEN={v40}"), "cloudflare"),
        ];
        assert_eq!(
            admitted(cloudflare, &["cloudflare", "cf_", "cf-", "cf."], &texts),
            [false, true, true, true, true]
        );
        // Case as written, and word boundaries on both sides.
        let v42 = "A1".repeat(21);
        let texts = [
            (format!("version_{v42}"), "ion_"),
            (format!(" ion_{v42}"), "ion_"),
            (format!(" ION_{v42}"), "ion_"),
            (format!("ion_{v42}"), "ion_"),
        ];
        assert_eq!(
            admitted(r"\b(ion_[A-Za-z0-9]{42})\b", &["ion_"], &texts),
            [false, true, false, true]
        );
        let telnyx = format!("{}_{}", "0A".repeat(16), "b".repeat(22));
        let texts = [
            (format!("(KEY{telnyx}"), "key"),
            (format!("key{telnyx}"), "key"),
            ("KEYS".to_string(), "key"),
            (format!("xKEY{telnyx}"), "key"),
        ];
        assert_eq!(
            admitted(
                r"(?:^|[^A-Za-z0-9+/_-])(KEY[0-9A-F]{32}_[A-Za-z0-9]{22})",
                &["key"],
                &texts
            ),
            [true, false, false, false]
        );
        // A run longer than the keyword: the keyword at its offset in it.
        let texts = [
            ("api_KEY=x".to_string(), "key"),
            ("key: x".to_string(), "key"),
            ("PWD=1".to_string(), "pwd"),
        ];
        assert_eq!(
            admitted(r"(?i)\w{0,3}(?:key|pwd)=\w{1,10}", &["key", "pwd"], &texts),
            [true, false, true]
        );
        // A line anchor: a line break or the input's start before the run.
        let texts = [
            ("token=abcdefgh".to_string(), "token"),
            ("a\ntoken=abcdefgh".to_string(), "token"),
            ("my_token=abcdefgh".to_string(), "token"),
        ];
        assert_eq!(
            admitted(r"(?m)^token=(\w{8})", &["token"], &texts),
            [true, true, false]
        );
        // The rest of a match after the run, when it is long, up to the value: an assignment
        // of a quoted value.
        let texts = [
            ("RedisModuleKey *key;".to_string(), "key"),
            ("api_key = 'abcdefgh'".to_string(), "key"),
            ("key = x".to_string(), "key"),
            ("TOKEN_1=\"abcdefgh\"".to_string(), "token"),
        ];
        assert_eq!(
            admitted(
                r#"(?i)[\w.-]{0,10}?(?:key|token)[\w.-]{0,5}[ \t]{0,2}=[ \t]{0,2}['"](\w{8,300})"#,
                &["key", "token"],
                &texts
            ),
            [false, true, false, true]
        );
    }
}
