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
            // Runs of single characters, such as `(?i)aws` = [Aa][Ww][Ss], spell words.
            let mut run = Vec::new();
            for item in items {
                match folded_literal(item) {
                    Some(bytes) => run.extend_from_slice(&bytes),
                    None => {
                        if has_keyword(&run, keywords) || contains_keyword(item, keywords) {
                            return true;
                        }
                        run.clear();
                    }
                }
            }
            has_keyword(&run, keywords)
        }
        HirKind::Empty | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

fn has_keyword(run: &[u8], keywords: &[String]) -> bool {
    keywords
        .iter()
        .any(|k| !k.is_empty() && memchr::memmem::find(run, k.as_bytes()).is_some())
}

/// The lowercase bytes an item stands for, when it is a literal or a class of one letter in
/// both cases (what `(?i)` makes of a letter).
fn folded_literal(hir: &Hir) -> Option<Vec<u8>> {
    match hir.kind() {
        HirKind::Literal(lit) => Some(lit.0.to_ascii_lowercase()),
        HirKind::Class(class) => {
            let bytes: Vec<u8> = match class {
                Class::Bytes(c) => c.iter().flat_map(|r| r.start()..=r.end()).take(3).collect(),
                Class::Unicode(c) => c
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .take(3)
                    .map(|ch| u8::try_from(u32::from(ch)).unwrap_or(0x80))
                    .collect(),
            };
            match bytes.as_slice() {
                [b] if b.is_ascii() => Some(vec![b.to_ascii_lowercase()]),
                [a, b] if a.is_ascii() && a.eq_ignore_ascii_case(b) => {
                    Some(vec![a.to_ascii_lowercase()])
                }
                _ => None,
            }
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
            r"(?i)(?:key|secret)\s*=\s*(\w{20})",
            &["key", "secret"]
        ));
    }

    #[test]
    fn optional_or_missing_keywords_are_not_contained() {
        assert!(!check(r"(?:ghp_)?[A-Za-z0-9]{36}", &["ghp_"]));
        assert!(!check(r"[A-Za-z0-9]{40}", &["aws"]));
        assert!(!check(r"(?:sk_live_|[0-9]{10})", &["sk_live_"]));
        assert!(!check(r"(?i)(?:key|token)=(\w+)", &["key"]));
    }
}
