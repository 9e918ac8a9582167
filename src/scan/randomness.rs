//! How random a value reads: the mean surprise, in bits per character, of each character
//! given the two before it, under a small character model of words and code identifiers
//! (`rules/charmodel.bin`, made by `benches/charmodel/train.py`). Identifiers, words and
//! paths read at 2 to 5 bits a character; keys and tokens at 6 and more. Unlike Shannon
//! entropy it sees order: `RedisModuleKey` and its letters shuffled have the same entropy,
//! but only the shuffle surprises the model.

const MODEL: &[u8] = include_bytes!("../../rules/charmodel.bin");
/// Symbols: 26 case-folded letters, 10 digits, one for everything else.
const N: usize = 37;
const OTHER: usize = 36;
const HEADER: usize = 6;
const TRIGRAMS: usize = N * N * N;

/// Mean surprise of `value`'s characters in bits (0 for an empty value).
pub fn surprise(value: &[u8]) -> f32 {
    if value.is_empty() || MODEL.len() < HEADER + TRIGRAMS + 6 {
        return 0.0;
    }
    let trigrams = &MODEL[HEADER..HEADER + TRIGRAMS];
    let case = &MODEL[HEADER + TRIGRAMS..];
    let (mut c2, mut c1) = (OTHER, OTHER);
    let mut previous_case = 2;
    let mut total = 0u32;
    for &b in value {
        let c = symbol(b);
        total += u32::from(trigrams[(c2 * N + c1) * N + c]);
        if c < 26 {
            let upper = usize::from(b.is_ascii_uppercase());
            total += u32::from(case[previous_case * 2 + upper]);
            previous_case = upper;
        } else {
            previous_case = 2;
        }
        (c2, c1) = (c1, c);
    }
    total as f32 / 16.0 / value.len() as f32
}

fn symbol(b: u8) -> usize {
    match b {
        b'a'..=b'z' => usize::from(b - b'a'),
        b'A'..=b'Z' => usize::from(b - b'A'),
        b'0'..=b'9' => 26 + usize::from(b - b'0'),
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_is_whole() {
        assert_eq!(&MODEL[..4], b"KSCM");
        assert_eq!(MODEL[5] as usize, N);
        assert_eq!(MODEL.len(), HEADER + TRIGRAMS + 6);
    }

    #[test]
    fn identifiers_and_words_read_as_ordinary() {
        for word in [
            "cluster_node_timeout",
            "homepage.hero.call_to_action",
            "bert-base-multilingual-uncased",
            "America/New_York",
            "AUTHENTICATION_BACKENDS",
            "mysecretpassword",
        ] {
            assert!(
                surprise(word.as_bytes()) < 4.5,
                "{word}: {}",
                surprise(word.as_bytes())
            );
        }
    }

    #[test]
    fn random_values_surprise() {
        for token in [
            "k3J9x!vQ2pZr8LmN4tW7yB1c",
            "Xq3vT9pL2mZ8kR5wN7yB4cJ6",
            "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        ] {
            assert!(
                surprise(token.as_bytes()) > 7.0,
                "{token}: {}",
                surprise(token.as_bytes())
            );
        }
    }

    #[test]
    fn order_matters_where_entropy_does_not() {
        let word = b"RedisModuleKey";
        let shuffled = b"dKeMyRoiedlsue";
        assert_eq!(
            crate::scan::entropy::shannon(word),
            crate::scan::entropy::shannon(shuffled)
        );
        assert!(surprise(shuffled) > surprise(word) + 2.0);
    }
}
