//! Word splitting and normalisation, shared by rule terms and comments so both sides compare alike.
//!
//! A word is a maximal run of alphanumeric characters (any script), with the combining marks that follow
//! them; an apostrophe (`'`, `’`, `ʼ`) between two alphanumerics stays inside the word and is dropped
//! from its normal form (`don't` → `dont`, `it’s` → `its`). Everything else separates words. `.`, `!`,
//! `?`, `;`, `…`, a line break and the CJK full stops also end a sentence: phrases and negation do not
//! reach across them.
//!
//! The normal form of a word: Unicode NFKD, combining marks removed, lowercased, plus a few letters that do
//! not decompose folded by hand (`ß` → `ss`, `ø` → `o`, `ł` → `l`, `æ` → `ae`, `œ` → `oe`, `đ`/`ð` → `d`,
//! `þ` → `th`, `ı` → `i`). So `Café`, `CAFE` and `cafe` are one word.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// One word of a text: where it is in the original and where its normal form is in the scratch buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    /// Byte offsets of the word in the original text.
    pub start: u32,
    pub end: u32,
    /// Byte range of the normal form in the buffer passed to [`tokenize`].
    pub norm_start: u32,
    pub norm_end: u32,
    /// Sentence number (0-based) of the word.
    pub sentence: u32,
    /// Whether the word negates what follows (`not`, `never`, `don't`, …). [`tokenize`] sets it only for
    /// `n't` forms; the tagger adds the word list.
    pub negator: bool,
}

impl Token {
    pub fn norm<'b>(&self, buf: &'b str) -> &'b str {
        &buf[self.norm_start as usize..self.norm_end as usize]
    }
}

/// Negating words, in normal form (apostrophes dropped). Any word written with `n't` also negates.
const NEGATORS: &[&str] = &[
    "not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without", "cannot", "cant", "dont", "doesnt",
    "didnt", "isnt", "arent", "wasnt", "werent", "wont", "wouldnt", "couldnt", "shouldnt", "havent", "hasnt", "hadnt",
    "aint", "hardly", "barely",
];

pub(crate) fn is_negator(norm: &str) -> bool {
    NEGATORS.contains(&norm)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

pub(crate) fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '\n' | '\u{2026}' | '\u{3002}' | '\u{FF01}' | '\u{FF1F}')
}

/// Appends the normal form of `word` to `out`.
pub(crate) fn normalize_word_into(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.extend(word.bytes().filter(|&b| b != b'\'').map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    for c in word.nfkd() {
        if is_combining_mark(c) || is_apostrophe(c) {
            continue;
        }
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'þ' | 'Þ' => out.push_str("th"),
            'ı' => out.push('i'),
            _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            _ => out.extend(c.to_lowercase().filter(|&l| !is_combining_mark(l))),
        }
    }
}

/// The normal form of one word (see the module docs).
pub fn normalize_word(word: &str) -> String {
    let mut s = String::with_capacity(word.len());
    normalize_word_into(word, &mut s);
    s
}

/// The normal forms of all words of `text`, joined by single spaces (for display and tests).
pub fn normalize(text: &str) -> String {
    let mut buf = String::new();
    let mut tokens = Vec::new();
    tokenize(text, &mut buf, &mut tokens);
    tokens.iter().map(|t| t.norm(&buf)).collect::<Vec<_>>().join(" ")
}

/// The character at byte `i` (a char boundary) and its length; ASCII without decoding.
#[inline]
pub(crate) fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        (char::from(b), 1)
    } else {
        let c = text[i..].chars().next().unwrap_or(' ');
        (c, c.len_utf8())
    }
}

#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// Splits `text` into words, writing their normal forms into `buf` (cleared first) and the words into
/// `tokens` (cleared first). `Token::negator` is set only for words written with `n't`; callers add
/// [`is_negator`] of the normal form (the tagger caches it per word).
pub(crate) fn tokenize(text: &str, buf: &mut String, tokens: &mut Vec<Token>) {
    buf.clear();
    tokens.clear();
    let len = text.len();
    let mut sentence: u32 = 0;
    let mut i = 0;
    while i < len {
        let (c, cl) = char_at(text, i);
        if !is_word_char(c) {
            if ends_sentence(c) {
                sentence += 1;
            }
            i += cl;
            continue;
        }
        let start = i;
        i += cl;
        let mut prev = c;
        let mut ascii = c.is_ascii();
        let mut apostrophe = false;
        let mut nt = false;
        while i < len {
            let (d, dl) = char_at(text, i);
            if is_word_char(d) || (!d.is_ascii() && is_combining_mark(d)) {
                prev = d;
                ascii &= d.is_ascii();
                i += dl;
            } else if is_apostrophe(d) && i + dl < len {
                // Inside the word only when a letter or digit follows.
                let (e, el) = char_at(text, i + dl);
                if !is_word_char(e) {
                    break;
                }
                nt |= matches!(prev, 'n' | 'N') && matches!(e, 't' | 'T');
                apostrophe = true;
                ascii &= d.is_ascii() && e.is_ascii();
                prev = e;
                i += dl + el;
            } else {
                break;
            }
        }
        let word = &text[start..i];
        let norm_start = buf.len();
        if ascii && !apostrophe {
            buf.push_str(word);
            buf[norm_start..].make_ascii_lowercase();
        } else {
            normalize_word_into(word, buf);
        }
        if buf.len() == norm_start {
            continue;
        }
        tokens.push(Token {
            start: start as u32,
            end: i as u32,
            norm_start: norm_start as u32,
            norm_end: buf.len() as u32,
            sentence,
            negator: nt && buf.ends_with("nt"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, &str, u32, bool)> {
        let mut buf = String::new();
        let mut toks = Vec::new();
        tokenize(text, &mut buf, &mut toks);
        toks.iter()
            .map(|t| {
                let norm = t.norm(&buf).to_string();
                let neg = t.negator || is_negator(&norm);
                (norm, &text[t.start as usize..t.end as usize], t.sentence, neg)
            })
            .collect()
    }

    #[test]
    fn accents_case_and_ligatures_fold_to_one_form() {
        assert_eq!(normalize_word("Café"), "cafe");
        assert_eq!(normalize_word("CAFE\u{301}"), "cafe", "decomposed input too");
        assert_eq!(normalize_word("Straße"), "strasse");
        assert_eq!(normalize_word("Øresund"), "oresund");
        assert_eq!(normalize_word("Łódź"), "lodz");
        assert_eq!(normalize_word("ﬁle"), "file", "NFKD splits the fi ligature");
        assert_eq!(normalize_word("İstanbul"), "istanbul");
    }

    #[test]
    fn apostrophes_join_words_and_mark_nt_negation() {
        let w = words("I don't think it’s 'great'. Couldn’t care");
        let norms: Vec<&str> = w.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(norms, ["i", "dont", "think", "its", "great", "couldnt", "care"]);
        assert!(w[1].3, "don't negates");
        assert!(w[5].3, "couldn’t negates (n't rule)");
        assert!(!w[3].3, "it's does not");
        assert_eq!(w[4].1, "great", "quotes are not part of the word");
        assert_eq!(w[4].2, 0);
        assert_eq!(w[5].2, 1, "the full stop starts sentence 1");
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Zoë's café — très bien";
        for (_, orig, _, _) in words(text) {
            assert!(text.contains(orig));
        }
        let w = words(text);
        assert_eq!(w[0].1, "Zoë's");
        assert_eq!(w[0].0, "zoes");
        assert_eq!(w[2].0, "tres");
    }

    #[test]
    fn normalize_joins_words() {
        assert_eq!(normalize("  Hello,   WORLD!! 2FA/SSO "), "hello world 2fa sso");
        assert_eq!(normalize("…"), "");
    }
}
