//! Free-text search over comments, with the same word rules as theme terms (see [`crate::text`]): every
//! word of the query must begin a word of the comment, case and accents ignored. So `refund` finds
//! "Refunds", `cafe` finds "Café", and `slow sync` finds "Sync is so slow" (words in any order).

use crate::text::{tokenize, Token};

/// A compiled search. Build once per query, then test any number of comments.
#[derive(Debug, Clone)]
pub struct TextSearch {
    /// Normal forms of the query's words, deduplicated.
    words: Vec<String>,
}

impl TextSearch {
    /// `None` when the query has no words (only spaces or punctuation): such a search filters nothing.
    pub fn new(query: &str) -> Option<TextSearch> {
        let (mut buf, mut tokens) = (String::new(), Vec::new());
        tokenize(query, &mut buf, &mut tokens);
        let mut words: Vec<String> = tokens.iter().map(|t| t.norm(&buf).to_string()).collect();
        words.sort();
        words.dedup();
        words.truncate(64); // one bit per word in `word_bits`
        (!words.is_empty()).then_some(TextSearch { words })
    }

    /// Byte spans (in `text`) of the comment's words that a query word begins, in text order; `None` unless
    /// every query word begins at least one of them.
    pub fn spans(&self, text: &str, scratch: &mut Scratch) -> Option<Vec<(usize, usize)>> {
        tokenize(text, &mut scratch.buf, &mut scratch.tokens);
        let mut found = vec![false; self.words.len()];
        let mut spans = Vec::new();
        for t in &scratch.tokens {
            let norm = t.norm(&scratch.buf);
            let mut hit = false;
            for (w, f) in self.words.iter().zip(found.iter_mut()) {
                if norm.starts_with(w.as_str()) {
                    *f = true;
                    hit = true;
                }
            }
            if hit {
                spans.push((t.start as usize, t.end as usize));
            }
        }
        found.iter().all(|f| *f).then_some(spans)
    }

    /// Which query words (bit `k` for the `k`-th) the normal-form word `norm` begins with. With a
    /// [`crate::Corpus`], compute it once per vocabulary word and OR it over a comment's words: the comment
    /// matches when all bits are set ([`TextSearch::all_bits`]).
    pub fn word_bits(&self, norm: &str) -> u64 {
        self.words
            .iter()
            .take(64)
            .enumerate()
            .filter(|(_, w)| norm.starts_with(w.as_str()))
            .fold(0, |b, (k, _)| b | 1 << k)
    }

    /// The bits of [`TextSearch::word_bits`] that must all be set for a match.
    pub fn all_bits(&self) -> u64 {
        let n = self.words.len().min(64);
        if n == 64 {
            u64::MAX
        } else {
            (1u64 << n) - 1
        }
    }

    /// Whether every query word begins a word of `text`.
    pub fn is_match(&self, text: &str, scratch: &mut Scratch) -> bool {
        self.spans(text, scratch).is_some()
    }
}

/// Reusable buffers for [`TextSearch::spans`] (one per thread).
#[derive(Debug, Default)]
pub struct Scratch {
    buf: String,
    tokens: Vec<Token>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(q: &str, text: &str) -> Option<Vec<&'static str>> {
        let text: &'static str = Box::leak(text.to_string().into_boxed_str());
        TextSearch::new(q)?.spans(text, &mut Scratch::default()).map(|v| v.iter().map(|&(a, b)| &text[a..b]).collect())
    }

    #[test]
    fn every_query_word_must_begin_a_comment_word() {
        assert_eq!(spans("refund", "Two REFUNDS, one refund."), Some(vec!["REFUNDS", "refund"]));
        assert_eq!(spans("slow sync", "Sync is so slow"), Some(vec!["Sync", "slow"]));
        assert_eq!(spans("slow sync", "Sync is fast"), None);
        // A query word inside (not at the start of) a comment word does not match.
        assert_eq!(spans("fund", "refunds"), None);
    }

    #[test]
    fn word_bits_over_a_corpus_agree_with_the_text_search() {
        let texts = ["Sync is so slow", "Slow support", "syncing slowly, café", "nothing", ""];
        let corpus = crate::Corpus::new(&texts);
        for q in ["slow sync", "caf", "s", "nothing at all"] {
            let s = TextSearch::new(q).unwrap();
            let bits: Vec<u64> = (0..corpus.vocabulary() as u32).map(|w| s.word_bits(corpus.word(w))).collect();
            for (i, t) in texts.iter().enumerate() {
                let got = corpus.words_of(i).fold(0, |b, w| b | bits[w as usize]) == s.all_bits();
                assert_eq!(got, s.is_match(t, &mut Scratch::default()), "{q:?} in {t:?}");
            }
        }
    }

    #[test]
    fn case_accents_and_apostrophes_fold_like_theme_terms() {
        assert_eq!(spans("cafe", "Le CAFÉ était froid"), Some(vec!["CAFÉ"]));
        assert_eq!(spans("dont", "I don't like it"), Some(vec!["don't"]));
        assert!(TextSearch::new("  ,.; ").is_none());
    }
}
