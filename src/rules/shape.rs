//! What a rule's regex shape tells the prefilter: its longest possible match, and how far a
//! match can reach on either side of a keyword it must contain. When both are bounded, the
//! scanner may run the regex only in a window around each keyword hit and still find exactly
//! what a scan of the whole input finds.

use regex_syntax::hir::{Class, Hir, HirKind};

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
    match hir.kind() {
        HirKind::Literal(lit) => {
            has_keyword(&lit.0.to_ascii_lowercase(), keywords).then(|| Reach::within(lit.0.len()))
        }
        HirKind::Capture(cap) => keyword_reach(&cap.sub, keywords),
        // The first copy holds one; the others follow it.
        HirKind::Repetition(rep) if rep.min >= 1 => {
            let sub = keyword_reach(&rep.sub, keywords)?;
            let more = rep.max?.checked_sub(1)? as usize;
            let after = sub
                .after
                .checked_add(more.checked_mul(rep.sub.properties().maximum_len()?)?)?;
            Some(Reach { after, ..sub })
        }
        HirKind::Alternation(alts) => alts.iter().try_fold(Reach::within(0), |reach, alt| {
            let alt = keyword_reach(alt, keywords)?;
            Some(Reach {
                before: reach.before.max(alt.before),
                after: reach.after.max(alt.after),
            })
        }),
        HirKind::Concat(items) => concat_reach(items, keywords),
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
fn concat_reach(items: &[Hir], keywords: &[String]) -> Option<Reach> {
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
    let mut run: Vec<Vec<u8>> = vec![Vec::new()];
    let mut run_start = 0;
    for (i, item) in items.iter().enumerate() {
        match spellings(item) {
            Some(next) if run.len() * next.len() <= MAX_SPELLINGS => {
                run = cross(&run, &next);
            }
            next => {
                if all_have_keyword(&run, keywords) {
                    return around(run_start, i, Reach::within(longest(&items[run_start..i])?));
                }
                if let Some(inner) = keyword_reach(item, keywords) {
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
        return around(
            run_start,
            items.len(),
            Reach::within(longest(&items[run_start..])?),
        );
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

/// The lowercase spellings of a literal, or of a class of a few ASCII characters.
fn spellings(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![lit.0.to_ascii_lowercase()]),
        HirKind::Capture(cap) => spellings(&cap.sub),
        // `_?` and `(?:or)?`: the word with and without it.
        HirKind::Repetition(rep) if rep.min == 0 && rep.max == Some(1) => {
            let mut all = spellings(&rep.sub)?;
            all.push(Vec::new());
            (all.len() <= MAX_SPELLINGS).then_some(all)
        }
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for alt in alts {
                all.extend(spellings(alt)?);
            }
            (all.len() <= MAX_SPELLINGS).then_some(all)
        }
        HirKind::Concat(items) => {
            let mut all = vec![Vec::new()];
            for item in items {
                let next = spellings(item)?;
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
            for b in &mut bytes {
                *b = u32::from((*b as u8).to_ascii_lowercase());
            }
            bytes.sort_unstable();
            bytes.dedup();
            Some(bytes.into_iter().map(|b| vec![b as u8]).collect())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, keywords: &[&str]) -> bool {
        reach(pattern, keywords).is_some()
    }

    fn reach(pattern: &str, keywords: &[&str]) -> Option<Reach> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .expect("valid pattern");
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
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
}
