//! What a rule's regex shape tells the prefilter: its longest possible match, and whether
//! every match must contain one of the rule's keywords. When both hold, the scanner may run
//! the regex only in a window around each keyword hit and still find exactly what a scan of
//! the whole input finds.

use regex_syntax::hir::{Class, Hir, HirKind};

/// True when every match of `hir` contains one of `keywords` (lowercase), ASCII
/// case-insensitively.
pub(super) fn contains_keyword(hir: &Hir, keywords: &[String]) -> bool {
    match hir.kind() {
        HirKind::Literal(lit) => has_keyword(&lit.0.to_ascii_lowercase(), keywords),
        HirKind::Capture(cap) => contains_keyword(&cap.sub, keywords),
        HirKind::Repetition(rep) => rep.min >= 1 && contains_keyword(&rep.sub, keywords),
        HirKind::Alternation(alts) => alts.iter().all(|h| contains_keyword(h, keywords)),
        HirKind::Concat(items) => {
            // Runs of literals and small classes spell words: `(?i)aws` is [Aa][Ww][Ss], and
            // `(?:sk|rk)_live_` may become [rs]k_live_. A run holds every spelling it allows.
            let mut run: Vec<Vec<u8>> = vec![Vec::new()];
            for item in items {
                match spellings(item) {
                    Some(next) if run.len() * next.len() <= MAX_SPELLINGS => {
                        run = cross(&run, &next);
                    }
                    next => {
                        if all_have_keyword(&run, keywords) || contains_keyword(item, keywords) {
                            return true;
                        }
                        run = next.unwrap_or_else(|| vec![Vec::new()]);
                    }
                }
            }
            all_have_keyword(&run, keywords)
        }
        HirKind::Empty | HirKind::Class(_) | HirKind::Look(_) => false,
    }
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
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .expect("valid pattern");
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        contains_keyword(&hir, &keywords)
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
            r"(?i)(?:key|secret)\s*=\s*(\w{20})",
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
}
