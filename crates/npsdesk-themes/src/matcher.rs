//! The compiled rule set: tags a comment in one pass over its words.
//!
//! Compilation indexes every term by its first word: quoted terms (and all terms when stemming is off) in a
//! hash map of normal forms, unquoted terms in a hash map of Snowball stems, wildcard terms in a sorted
//! prefix table. Tagging splits the comment once, looks each distinct word up once (a [`Tagger`] caches the
//! answer per word, so the stemmer runs once per distinct word, not per occurrence), checks the remaining
//! words of phrase hits in place, and updates the per-theme any/all/none state of only the themes touched.
//! All regexes of all themes run as one `RegexSet`. Cost: O(words + hits), independent of the theme count.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use rust_stemmers::Stemmer;
use serde::{Deserialize, Serialize};

use crate::rules::{Lane, RuleSet, Term, REGEX_SIZE_LIMIT, UNCATEGORIZED};
use crate::text::{char_at, ends_sentence, is_negator, is_word_char, tokenize, Token};

/// Index of a theme in its rule set (declaration order).
pub type ThemeId = u16;

/// The themes of one comment: sorted, distinct theme ids, parents included. Empty = uncategorized.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ThemeSet(Vec<ThemeId>);

impl ThemeSet {
    /// A set from any ids (sorted and deduplicated here).
    pub fn from_ids(ids: impl IntoIterator<Item = ThemeId>) -> ThemeSet {
        let mut v: Vec<ThemeId> = ids.into_iter().collect();
        v.sort_unstable();
        v.dedup();
        ThemeSet(v)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn contains(&self, id: ThemeId) -> bool {
        self.0.binary_search(&id).is_ok()
    }
    pub fn iter(&self) -> impl Iterator<Item = ThemeId> + '_ {
        self.0.iter().copied()
    }
    pub fn as_slice(&self) -> &[ThemeId] {
        &self.0
    }
}

/// A theme of a compiled matcher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeInfo {
    pub id: ThemeId,
    pub name: String,
    pub parent: Option<ThemeId>,
}

/// One term match in a comment: which theme, which term (as written; the pattern for regexes), and where,
/// as byte offsets into the original comment (`&comment[start..end]` is the matched text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    pub theme: ThemeId,
    pub term: String,
    pub lane: Lane,
    pub start: usize,
    pub end: usize,
}

/// FxHash (rustc's): a fast, non-cryptographic hash for short words. Rule sets and comments are the user's
/// own data, so hash flooding is not a concern here.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

const NO_KEY: u32 = u32::MAX;
/// A tagger's word cache is cleared when it grows past this many distinct words.
const CACHE_CAP: usize = 200_000;

/// How a phrase word after the first is compared with a comment word.
#[derive(Debug, Clone)]
enum PWord {
    Exact(Box<str>),
    Stem(u32),
    Prefix(Box<str>),
}

#[derive(Debug, Clone)]
struct CTerm {
    theme: ThemeId,
    lane: Lane,
    all_bit: u8,
    text: Box<str>,
    rest: Vec<PWord>,
}

#[derive(Debug, Clone)]
struct CTheme {
    ancestors: Vec<ThemeId>,
    negation: bool,
    has_any: bool,
    all_full: u64,
}

/// A compiled rule set. Build once ([`Matcher::new`]), then tag any number of comments from any threads.
pub struct Matcher {
    info: Vec<ThemeInfo>,
    themes: Vec<CTheme>,
    terms: Vec<CTerm>,
    stemmer: Option<Stemmer>,
    exact: FxMap<Box<str>, Vec<u32>>,
    stems: FxMap<Box<str>, Vec<u32>>,
    prefixes: Vec<(Box<str>, u32)>,
    max_prefix_len: usize,
    phrase_keys: FxMap<Box<str>, u32>,
    regexes: Vec<(Regex, ThemeId)>,
    regex_set: Option<RegexSet>,
    any_negation: bool,
    /// A hash of the rule set as written: equal for equal rule sets, so callers can cache tags per rule set.
    fingerprint: u64,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("themes", &self.info.len())
            .field("terms", &self.terms.len())
            .field("stemming", &self.stemmer.is_some())
            .field("regexes", &self.regexes.len())
            .finish()
    }
}

impl Matcher {
    /// Compiles a validated rule set.
    pub fn new(rules: &RuleSet) -> Matcher {
        let themes_src = rules.themes();
        let id_of: HashMap<&str, ThemeId> =
            themes_src.iter().enumerate().map(|(i, t)| (t.name.as_str(), i as ThemeId)).collect();
        let info: Vec<ThemeInfo> = themes_src
            .iter()
            .enumerate()
            .map(|(i, t)| ThemeInfo {
                id: i as ThemeId,
                name: t.name.clone(),
                parent: t.parent.as_deref().and_then(|p| id_of.get(p).copied()),
            })
            .collect();
        let stemmer = rules.stemming().then(|| Stemmer::create(rules.algorithm()));
        let mut m = Matcher {
            themes: Vec::with_capacity(info.len()),
            info,
            terms: Vec::new(),
            stemmer,
            exact: FxMap::default(),
            stems: FxMap::default(),
            prefixes: Vec::new(),
            max_prefix_len: 0,
            phrase_keys: FxMap::default(),
            regexes: Vec::new(),
            regex_set: None,
            any_negation: false,
            fingerprint: {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                serde_json::to_string(rules.def()).unwrap_or_default().hash(&mut h);
                h.finish()
            },
        };
        for (i, t) in themes_src.iter().enumerate() {
            let id = i as ThemeId;
            let mut ancestors = Vec::new();
            let mut cur = m.info[i].parent;
            // Validation rules out cycles; the bound only guards against a bug turning into a hang.
            while let Some(p) = cur {
                if ancestors.len() > m.info.len() {
                    break;
                }
                ancestors.push(p);
                cur = m.info[usize::from(p)].parent;
            }
            let all_full = if t.all.is_empty() { 0 } else { u64::MAX >> (64 - t.all.len()) };
            m.themes.push(CTheme {
                ancestors,
                negation: t.negation,
                has_any: !t.any.is_empty() || !t.regex.is_empty(),
                all_full,
            });
            m.any_negation |= t.negation;
            for term in &t.any {
                m.add_term(id, Lane::Any, 0, term);
            }
            for (b, term) in t.all.iter().enumerate() {
                m.add_term(id, Lane::All, b as u8, term);
            }
            for term in &t.none {
                m.add_term(id, Lane::None, 0, term);
            }
            for re in &t.regex {
                m.regexes.push((re.clone(), id));
            }
        }
        m.prefixes.sort();
        if !m.regexes.is_empty() {
            // One automaton for all patterns; if the union is too big, fall back to the regexes one by one.
            m.regex_set = RegexSetBuilder::new(m.regexes.iter().map(|(r, _)| r.as_str()))
                .case_insensitive(true)
                .size_limit(REGEX_SIZE_LIMIT * 8)
                .dfa_size_limit(REGEX_SIZE_LIMIT * 8)
                .build()
                .ok();
        }
        m
    }

    /// Equal for matchers compiled from equal rule sets (within one process): a cache key for tags.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The built-in rule set, compiled.
    pub fn builtin() -> Matcher {
        Matcher::new(&RuleSet::builtin())
    }

    fn stem_of(&self, word: &str) -> String {
        match &self.stemmer {
            Some(s) => s.stem(word).into_owned(),
            None => word.to_string(),
        }
    }

    fn add_term(&mut self, theme: ThemeId, lane: Lane, all_bit: u8, term: &Term) {
        let stemmed = self.stemmer.is_some() && !term.exact;
        let last = term.words.len() - 1;
        let mut rest = Vec::with_capacity(last);
        for (k, w) in term.words.iter().enumerate().skip(1) {
            rest.push(if k == last && term.prefix {
                PWord::Prefix(w.as_str().into())
            } else if stemmed {
                let key = self.stem_of(w);
                let next = self.phrase_keys.len() as u32;
                PWord::Stem(*self.phrase_keys.entry(key.into()).or_insert(next))
            } else {
                PWord::Exact(w.as_str().into())
            });
        }
        let id = self.terms.len() as u32;
        self.terms.push(CTerm { theme, lane, all_bit, text: term.text.as_str().into(), rest });
        let first = &term.words[0];
        if term.prefix && last == 0 {
            self.max_prefix_len = self.max_prefix_len.max(first.len());
            self.prefixes.push((first.as_str().into(), id));
        } else if stemmed {
            let key = self.stem_of(first);
            self.stems.entry(key.into()).or_default().push(id);
        } else {
            self.exact.entry(first.as_str().into()).or_default().push(id);
        }
    }

    /// Terms whose first word matches the normal-form word `norm` (appended to `hits`), and the word's
    /// phrase key (its stem's id among phrase words, or `NO_KEY`).
    fn lookup(&self, norm: &str, hits: &mut Vec<u32>) -> u32 {
        if let Some(v) = self.exact.get(norm) {
            hits.extend_from_slice(v);
        }
        let mut key = NO_KEY;
        if let Some(st) = &self.stemmer {
            let s = st.stem(norm);
            if let Some(v) = self.stems.get(s.as_ref()) {
                hits.extend_from_slice(v);
            }
            if let Some(&k) = self.phrase_keys.get(s.as_ref()) {
                key = k;
            }
        }
        if !self.prefixes.is_empty() {
            let ends = norm.char_indices().map(|(i, _)| i).skip(1).chain(std::iter::once(norm.len()));
            for end in ends.take_while(|&e| e <= self.max_prefix_len) {
                let cand = &norm[..end];
                let from = self.prefixes.partition_point(|(p, _)| p.as_ref() < cand);
                for (p, id) in &self.prefixes[from..] {
                    if p.as_ref() != cand {
                        break;
                    }
                    hits.push(*id);
                }
            }
        }
        key
    }

    /// The themes, in rule-set order (index = id).
    pub fn themes(&self) -> &[ThemeInfo] {
        &self.info
    }

    /// The id of the theme with this exact name.
    pub fn theme_id(&self, name: &str) -> Option<ThemeId> {
        self.info.iter().find(|t| t.name == name).map(|t| t.id)
    }

    /// The name of a theme id (panics on an id not from this matcher).
    pub fn theme_name(&self, id: ThemeId) -> &str {
        &self.info[usize::from(id)].name
    }

    /// Theme names of a set, or [`UNCATEGORIZED`] alone for an empty set.
    pub fn labels(&self, set: &ThemeSet) -> Vec<&str> {
        if set.is_empty() {
            vec![UNCATEGORIZED]
        } else {
            set.iter().map(|id| self.theme_name(id)).collect()
        }
    }

    /// A tagger with its own word cache, for tagging many comments on one thread.
    pub fn tagger(&self) -> Tagger<'_> {
        Tagger {
            m: self,
            buf: String::new(),
            tokens: Vec::new(),
            words: Vec::new(),
            short: FxMap::default(),
            long: FxMap::default(),
            arena: Vec::new(),
            scratch: Vec::new(),
            negated: Vec::new(),
            state: vec![ThemeState::default(); self.info.len()],
            touched: Vec::new(),
            raw: Vec::new(),
        }
    }

    /// The themes of one comment (parents included; empty = uncategorized).
    pub fn tag(&self, comment: &str) -> ThemeSet {
        self.tagger().tag(comment)
    }

    /// Which term of which theme matched where, for the themes the comment gets directly (a parent reached
    /// only through a child has no matches of its own). Sorted by position.
    pub fn explain(&self, comment: &str) -> Vec<Match> {
        self.tagger().explain(comment)
    }

    /// Tags many comments, on up to two threads. Result `i` belongs to `comments[i]`.
    pub fn tag_all<S: AsRef<str> + Sync>(&self, comments: &[S]) -> Vec<ThemeSet> {
        self.par_map(comments, |c| c.as_ref().len(), |t, c| t.tag(c.as_ref()))
    }

    /// Tags every comment of a [`Corpus`] (tokenised once, whatever the rules): each distinct word is looked
    /// up once, then each comment is a pass over integer word ids. `texts[i]` is comment `i` as given to
    /// [`Corpus::new`] (regex terms run on the original text). Same result as [`Matcher::tag_all`].
    pub fn tag_corpus<S: AsRef<str> + Sync>(&self, corpus: &Corpus, texts: &[S]) -> Vec<ThemeSet> {
        assert_eq!(corpus.len(), texts.len(), "the corpus was built from these texts");
        let mut words = CorpusWords { entries: Vec::with_capacity(corpus.ends.len()), arena: Vec::new() };
        self.look_up_new_words(corpus, &mut words);
        let patterns: Vec<&str> = self.regexes.iter().map(|(r, _)| r.as_str()).collect();
        let regex_bits = corpus.regex_bits(&patterns, texts);
        let index: Vec<usize> = (0..texts.len()).collect();
        let weight = |&i: &usize| texts[i].as_ref().len();
        self.par_map(&index, weight, |t, &i| {
            t.tag_tokenised(corpus, corpus.tokens_of(i), &words, Some((regex_bits.as_slice(), i)), texts[i].as_ref())
        })
    }

    /// Tags many comments once, on up to two threads: the same result as [`Matcher::tag_all`] and
    /// [`Matcher::tag_corpus`], for a rule set applied once (a report). Each thread splits its comments into
    /// words as [`Corpus::new`] does (its fast byte-wise split) and tags each comment as soon as it is split,
    /// keeping only the vocabulary. A corpus keeps every comment's words as well (8 bytes a word, 120 MB
    /// at 1M comments), which pays off only when the same comments are tagged again with other rules.
    pub fn tag_once<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<ThemeSet> {
        par_chunks(
            texts,
            |t| t.as_ref().len(),
            |chunk| {
                let mut tagger = self.tagger();
                let mut vocabulary = Corpus::default();
                let mut index = WordIndex::default();
                let mut words = CorpusWords { entries: Vec::new(), arena: Vec::new() };
                let (mut buf, mut tokens) = (String::new(), Vec::new());
                chunk
                    .iter()
                    .map(|text| {
                        let text = text.as_ref();
                        vocabulary.toks.clear();
                        vocabulary.push_comment(&mut index, text, &mut buf, &mut tokens);
                        self.look_up_new_words(&vocabulary, &mut words);
                        tagger.tag_tokenised(&vocabulary, &vocabulary.toks, &words, None, text)
                    })
                    .collect()
            },
        )
    }

    /// Looks up the vocabulary words of `corpus` that `words` has no entry for yet (the words added since).
    fn look_up_new_words(&self, corpus: &Corpus, words: &mut CorpusWords) {
        let mut hits = Vec::new();
        for w in words.entries.len() as u32..corpus.ends.len() as u32 {
            let norm = corpus.word(w);
            hits.clear();
            let key = self.lookup(norm, &mut hits);
            words.entries.push(WordEntry {
                start: words.arena.len() as u32,
                len: hits.len() as u32,
                key,
                negator: is_negator(norm),
            });
            words.arena.extend_from_slice(&hits);
        }
    }

    /// Tags the comments of responses: `None` for a response without comment (absent or blank), so the
    /// result feeds [`crate::theme_report`] directly.
    pub fn tag_responses<S: AsRef<str> + Sync>(&self, comments: &[Option<S>]) -> Vec<Option<ThemeSet>> {
        let weight = |c: &Option<S>| c.as_ref().map_or(0, |c| c.as_ref().len());
        self.par_map(comments, weight, |t, c| {
            let c = c.as_ref()?.as_ref();
            (!c.trim().is_empty()).then(|| t.tag(c))
        })
    }

    /// `f` over `items`, with a tagger per thread (see [`par_chunks`]).
    fn par_map<T: Sync, R: Send>(
        &self,
        items: &[T],
        weight: impl Fn(&T) -> usize,
        f: impl Fn(&mut Tagger<'_>, &T) -> R + Sync,
    ) -> Vec<R> {
        par_chunks(items, weight, |chunk| {
            let mut t = self.tagger();
            chunk.iter().map(|c| f(&mut t, c)).collect()
        })
    }
}

/// `run` over `items` in two parts on two threads, results in order, split where half the `weight` (the text
/// length) is reached: a dictionary's comments come in first-seen order, short common ones first, so half the
/// items can be a third of the work. One part on one thread for few items or one core.
fn par_chunks<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    run: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(2);
    if threads < 2 || items.len() < 1024 {
        return run(items);
    }
    let (a, b) = items.split_at(weighted_middle(items, weight));
    let (mut out, rest) = npsdesk_core::par::join(|| run(a), || run(b));
    out.extend(rest);
    out
}

/// Where to split `items` (at least 2) in two so each part has about half the total `weight`: after the
/// item that reaches half, never leaving a part empty.
fn weighted_middle<T>(items: &[T], weight: impl Fn(&T) -> usize) -> usize {
    let total: usize = items.iter().map(&weight).sum();
    let mut seen = 0;
    items
        .iter()
        .position(|item| {
            seen += weight(item);
            seen * 2 >= total
        })
        .map_or(items.len() / 2, |i| (i + 1).clamp(1, items.len().saturating_sub(1).max(1)))
}

/// Word → vocabulary id while a corpus is built. Words of up to 16 bytes (nearly all) are keyed by their
/// packed `u128` (see [`pack`]): hashing and comparing is then two multiplies and one compare.
#[derive(Default)]
struct WordIndex {
    short: FxMap<u128, u32>,
    long: FxMap<Box<str>, u32>,
}

/// Comments split into words once, independent of any rule set: the normal form of each distinct word
/// (the vocabulary) and, per comment, its words as vocabulary ids with their sentence numbers. A rule editor's
/// preview re-tags the same comments on every edit; with the corpus only the vocabulary is looked up again.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Normal forms of the vocabulary, concatenated; word `w` ends at `ends[w]`.
    buf: String,
    ends: Vec<u32>,
    /// Per token: (word id, with `NEGATOR_FLAG` for an `n't` form; sentence number).
    toks: Vec<(u32, u32)>,
    /// The tokens after `toks`, when the comments were split on two threads: the second thread's own array,
    /// its word ids renumbered in place. Appending it to `toks` instead touched as much fresh memory again,
    /// on one thread: 0.7 s of page faults at 5M comments on the project's VM.
    tail_toks: Vec<(u32, u32)>,
    /// Comment `i`'s tokens end at `comment_ends[i]`, counted across `toks` then `tail_toks` (a comment's
    /// tokens are all in one of them).
    comment_ends: Vec<u32>,
    /// Per regex pattern (all compiled case-insensitively): which comments it matches, one bit each. An edit
    /// rarely touches the regexes, and running them over the texts is a third of tagging.
    regex_hits: std::sync::Mutex<HashMap<String, std::sync::Arc<Vec<u64>>>>,
}

/// The most regex patterns a corpus remembers hits for (a few KB each per 64k comments).
const REGEX_CACHE_CAP: usize = 1024;

const NEGATOR_FLAG: u32 = 1 << 31;

/// Comments below this many are split into words on one thread (two threads cost more than they save).
const CORPUS_PARALLEL_MIN: usize = 20_000;

impl Corpus {
    /// Splits `comments` into words. Large sets are split in two halves on two threads, each with its own
    /// vocabulary; the second half's words are then renumbered into the first's, which gives exactly the ids
    /// of one pass (first-seen order), so the result does not depend on the split.
    pub fn new<S: AsRef<str> + Sync>(comments: &[S]) -> Corpus {
        if comments.len() < CORPUS_PARALLEL_MIN {
            return Corpus::one_pass(comments, 0).0;
        }
        // Split at half the text, not half the comments: a dictionary lists its values in first-seen order,
        // and the short common comments come first (half the comments was a third of the text at 1M).
        let (head, tail) = comments.split_at(weighted_middle(comments, |c| c.as_ref().len()));
        let tail_comments = tail.len();
        let ((mut c, mut index), (mut t, _)) = npsdesk_core::par::join(
            // The head's comment ends get room for the tail's, which are appended to them below.
            || Corpus::one_pass(head, tail_comments),
            || Corpus::one_pass(tail, 0),
        );
        let renumber: Vec<u32> = (0..t.ends.len()).map(|w| c.intern(&mut index, t.word(w as u32))).collect();
        for (w, _) in &mut t.toks {
            *w = renumber[(*w & !NEGATOR_FLAG) as usize] | (*w & NEGATOR_FLAG);
        }
        let offset = c.toks.len() as u32;
        c.comment_ends.extend(t.comment_ends.iter().map(|e| e + offset));
        c.tail_toks = t.toks;
        c
    }

    /// The id of word `norm`, adding it to the vocabulary (and `index`) when new.
    fn intern(&mut self, index: &mut WordIndex, norm: &str) -> u32 {
        if let Some(key) = pack(norm) {
            return self.intern_packed(index, key, norm.len());
        }
        let next = self.ends.len() as u32;
        let id = match index.long.get(norm) {
            Some(&id) => id,
            None => *index.long.entry(norm.into()).or_insert(next),
        };
        if id == next {
            self.buf.push_str(norm);
            self.ends.push(self.buf.len() as u32);
        }
        id
    }

    /// One thread's pass: the corpus of `comments` and its word index, with room for the ends of `more`
    /// comments besides.
    ///
    /// Room for the tokens expected, up front: a quarter of the bytes, plus one a comment (English words and
    /// the separators after them average 5–6 bytes), so the array is rarely grown, and then once. Grown by
    /// doubling from nothing, the token array of 5M comments (hundreds of MB) was copied and faulted in
    /// again at each step.
    fn one_pass<S: AsRef<str>>(comments: &[S], more: usize) -> (Corpus, WordIndex) {
        let mut c = Corpus::default();
        let bytes: usize = comments.iter().map(|t| t.as_ref().len()).sum::<usize>();
        c.toks.reserve(bytes / 4 + comments.len());
        c.comment_ends.reserve(comments.len() + more);
        let mut index = WordIndex::default();
        let (mut buf, mut tokens) = (String::new(), Vec::new());
        for text in comments {
            c.push_comment(&mut index, text.as_ref(), &mut buf, &mut tokens);
            c.comment_ends.push(c.toks.len() as u32);
        }
        (c, index)
    }

    /// Adds the words of one comment, exactly as [`tokenize`] splits and normalises them (a test compares the
    /// two), but reading ASCII bytes without decoding characters and keying words of up to 16 bytes by their
    /// packed form as it goes: splitting was half the time of a `themes` report at 1M comments. Non-ASCII
    /// characters between words (emoji, currency signs, dashes) are skipped in place; from the first word
    /// that touches one (`café`, `it’s`), the rest of the comment goes through [`tokenize`] (`buf` and
    /// `tokens` are its scratch space).
    fn push_comment(&mut self, index: &mut WordIndex, text: &str, buf: &mut String, tokens: &mut Vec<Token>) {
        let bytes = text.as_bytes();
        let len = bytes.len();
        let mut sentence: u32 = 0;
        let mut i = 0;
        while i < len {
            let b = bytes[i];
            if b >= 0x80 {
                let (c, cl) = char_at(text, i);
                if is_word_char(c) {
                    return self.push_tokenized(index, &text[i..], sentence, buf, tokens);
                }
                sentence += u32::from(ends_sentence(c));
                i += cl;
                continue;
            }
            if !b.is_ascii_alphanumeric() {
                sentence += u32::from(ends_sentence(char::from(b)));
                i += 1;
                continue;
            }
            let start = i;
            // The normal form so far: its first 16 bytes packed little-endian (as `pack` does), its length.
            let mut key = u128::from(b.to_ascii_lowercase());
            let mut n = 1;
            let mut prev = b;
            let mut nt = false;
            i += 1;
            while i < len {
                let mut d = bytes[i];
                let mut step = 1;
                if d == b'\'' && i + 1 < len {
                    // An apostrophe between two letters or digits stays in the word, dropped from its form.
                    let e = bytes[i + 1];
                    if !e.is_ascii_alphanumeric() && e < 0x80 {
                        break;
                    }
                    nt |= matches!(prev, b'n' | b'N') && matches!(e, b't' | b'T');
                    (d, step) = (e, 2);
                }
                if d >= 0x80 {
                    // `é`, a combining mark, `’`, or an apostrophe before one of them: decoding needed.
                    return self.push_tokenized(index, &text[start..], sentence, buf, tokens);
                }
                if !d.is_ascii_alphanumeric() {
                    break;
                }
                if n < 16 {
                    key |= u128::from(d.to_ascii_lowercase()) << (8 * n);
                }
                n += 1;
                prev = d;
                i += step;
            }
            let id = if n <= 16 {
                self.intern_packed(index, key, n)
            } else {
                buf.clear();
                buf.extend(
                    bytes[start..i].iter().filter(|&&c| c != b'\'').map(|&c| char::from(c.to_ascii_lowercase())),
                );
                self.intern(index, buf)
            };
            // `n't` negates only when the normal form ends in "nt" (`don't`, not `n'tx`): the last two bytes.
            let negator = nt && self.word(id).ends_with("nt");
            self.toks.push((id | if negator { NEGATOR_FLAG } else { 0 }, sentence));
        }
    }

    /// The rest of a comment (from a word's start) through [`tokenize`], its sentences counted from `sentence`.
    fn push_tokenized(
        &mut self,
        index: &mut WordIndex,
        rest: &str,
        sentence: u32,
        buf: &mut String,
        tokens: &mut Vec<Token>,
    ) {
        tokenize(rest, buf, tokens);
        for t in tokens.iter() {
            let id = self.intern(index, t.norm(buf));
            self.toks.push((id | if t.negator { NEGATOR_FLAG } else { 0 }, sentence + t.sentence));
        }
    }

    /// The id of the word of `len` (≤ 16) bytes packed in `key` (see [`pack`]), adding it when new.
    #[inline]
    fn intern_packed(&mut self, index: &mut WordIndex, key: u128, len: usize) -> u32 {
        let next = self.ends.len() as u32;
        let id = *index.short.entry(key).or_insert(next);
        if id == next {
            // The packed bytes are the word's own: the UTF-8 of a normal form, or ASCII from `push_comment`.
            let word = key.to_le_bytes();
            self.buf.push_str(std::str::from_utf8(&word[..len]).expect("a packed word is UTF-8"));
            self.ends.push(self.buf.len() as u32);
        }
        id
    }

    /// For each pattern, the bitset of the comments (`texts`, the corpus's own) it matches: from the cache,
    /// else from one pass of a set of the missing patterns.
    fn regex_bits<S: AsRef<str>>(&self, patterns: &[&str], texts: &[S]) -> Vec<std::sync::Arc<Vec<u64>>> {
        let mut cache = self.regex_hits.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut missing: Vec<&str> = patterns.iter().copied().filter(|p| !cache.contains_key(*p)).collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            if cache.len() + missing.len() > REGEX_CACHE_CAP {
                cache.clear();
            }
            let words = texts.len().div_ceil(64);
            let mut bits = vec![vec![0u64; words]; missing.len()];
            let set = RegexSetBuilder::new(&missing)
                .case_insensitive(true)
                .size_limit(REGEX_SIZE_LIMIT * 8)
                .dfa_size_limit(REGEX_SIZE_LIMIT * 8)
                .build();
            for (i, t) in texts.iter().enumerate() {
                let t = t.as_ref();
                let mut mark = |k: usize| bits[k][i / 64] |= 1 << (i % 64);
                match &set {
                    Ok(set) => set.matches(t).into_iter().for_each(&mut mark),
                    // Too big together: one by one (each was checked to compile alone).
                    Err(_) => (0..missing.len())
                        .filter(|&k| {
                            RegexBuilder::new(missing[k]).case_insensitive(true).build().is_ok_and(|r| r.is_match(t))
                        })
                        .for_each(&mut mark),
                }
            }
            for (p, b) in missing.iter().zip(bits) {
                cache.insert((*p).to_string(), std::sync::Arc::new(b));
            }
        }
        patterns.iter().map(|p| cache[*p].clone()).collect()
    }

    /// Number of comments.
    pub fn len(&self) -> usize {
        self.comment_ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.comment_ends.is_empty()
    }

    /// Distinct words.
    pub fn vocabulary(&self) -> usize {
        self.ends.len()
    }

    /// The normal form of vocabulary word `w`.
    pub fn word(&self, w: u32) -> &str {
        let (a, b) = self.span(w);
        &self.buf[a as usize..b as usize]
    }

    /// The vocabulary ids of comment `i`'s words, in order.
    pub fn words_of(&self, i: usize) -> impl Iterator<Item = u32> + '_ {
        self.tokens_of(i).iter().map(|&(w, _)| w & !NEGATOR_FLAG)
    }

    /// Approximate heap size in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.buf.len()
            + 4 * self.ends.len()
            + 8 * (self.toks.len() + self.tail_toks.len())
            + 4 * self.comment_ends.len()
    }

    /// Comment `i`'s tokens: (word id with `NEGATOR_FLAG`, sentence number) each.
    fn tokens_of(&self, i: usize) -> &[(u32, u32)] {
        let from = if i == 0 { 0 } else { self.comment_ends[i - 1] as usize };
        let to = self.comment_ends[i] as usize;
        match from.checked_sub(self.toks.len()) {
            Some(tail_from) => &self.tail_toks[tail_from..to - self.toks.len()],
            None => &self.toks[from..to],
        }
    }

    fn span(&self, word: u32) -> (u32, u32) {
        let w = word as usize;
        (if w == 0 { 0 } else { self.ends[w - 1] }, self.ends[w])
    }
}

/// A matcher's lookups of a corpus's vocabulary: word `w`'s hits are `arena[entries[w].start..][..len]`.
struct CorpusWords {
    entries: Vec<WordEntry>,
    arena: Vec<u32>,
}

/// What a word's lookup found: its hits are `arena[start..start + len]`.
#[derive(Debug, Clone, Copy)]
struct WordEntry {
    start: u32,
    len: u32,
    /// Phrase key of the word's stem, or `NO_KEY`.
    key: u32,
    negator: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct ThemeState {
    touched: bool,
    any: bool,
    none: bool,
    all: u64,
}

/// Per-thread tagging state: scratch buffers and a cache of word lookups (normal form → first-word hits).
pub struct Tagger<'m> {
    m: &'m Matcher,
    buf: String,
    tokens: Vec<Token>,
    /// Per token: its cached lookup.
    words: Vec<WordEntry>,
    /// Words of up to 16 bytes, packed into a `u128` (normal forms never contain NUL, so zero padding is
    /// unambiguous): hashing and comparing a key is then two multiplies and one compare, no `memcmp`.
    short: FxMap<u128, WordEntry>,
    long: FxMap<Box<str>, WordEntry>,
    arena: Vec<u32>,
    scratch: Vec<u32>,
    negated: Vec<bool>,
    state: Vec<ThemeState>,
    touched: Vec<ThemeId>,
    /// Matches of the current comment when explaining: (term id or regex index | REGEX_FLAG, start, end).
    raw: Vec<(u32, usize, usize)>,
}

const REGEX_FLAG: u32 = 1 << 31;

/// A word of at most 16 bytes as one integer (see `Tagger::short`).
#[inline]
fn pack(word: &str) -> Option<u128> {
    let b = word.as_bytes();
    if b.len() > 16 {
        return None;
    }
    let mut a = [0u8; 16];
    a[..b.len()].copy_from_slice(b);
    Some(u128::from_le_bytes(a))
}

impl Tagger<'_> {
    /// The themes of one comment (see [`Matcher::tag`]).
    pub fn tag(&mut self, comment: &str) -> ThemeSet {
        self.run(comment, false)
    }

    /// Term matches of one comment (see [`Matcher::explain`]).
    pub fn explain(&mut self, comment: &str) -> Vec<Match> {
        let direct = self.run(comment, true);
        let m = self.m;
        let mut out: Vec<Match> = self
            .raw
            .iter()
            .filter_map(|&(id, start, end)| {
                let (theme, term, lane) = if id & REGEX_FLAG != 0 {
                    let (re, theme) = &m.regexes[(id & !REGEX_FLAG) as usize];
                    (*theme, re.as_str().to_string(), Lane::Any)
                } else {
                    let t = &m.terms[id as usize];
                    (t.theme, t.text.to_string(), t.lane)
                };
                direct.contains(theme).then_some(Match { theme, term, lane, start, end })
            })
            .collect();
        out.sort_by_key(|h| (h.start, h.end, h.theme));
        out.dedup();
        out
    }

    /// Tags `text`. With `explain`, records raw matches and returns only the directly matched themes.
    fn run(&mut self, text: &str, explain: bool) -> ThemeSet {
        let m = self.m;
        self.raw.clear();
        if self.short.len() + self.long.len() > CACHE_CAP {
            self.short.clear();
            self.long.clear();
            self.arena.clear();
        }
        tokenize(text, &mut self.buf, &mut self.tokens);

        // Pass 1: look every word up (cached).
        self.words.clear();
        for tok in &mut self.tokens {
            let norm = tok.norm(&self.buf);
            let packed = pack(norm);
            let cached = match packed {
                Some(k) => self.short.get(&k),
                None => self.long.get(norm),
            };
            let entry = match cached {
                Some(&e) => e,
                None => {
                    self.scratch.clear();
                    let key = m.lookup(norm, &mut self.scratch);
                    let e = WordEntry {
                        start: self.arena.len() as u32,
                        len: self.scratch.len() as u32,
                        key,
                        negator: is_negator(norm),
                    };
                    self.arena.extend_from_slice(&self.scratch);
                    match packed {
                        Some(k) => self.short.insert(k, e),
                        None => self.long.insert(norm.into(), e),
                    };
                    e
                }
            };
            tok.negator |= entry.negator;
            self.words.push(entry);
        }

        let arena = std::mem::take(&mut self.arena);
        let buf = std::mem::take(&mut self.buf);
        let out = self.finish(text, &buf, &arena, explain, None);
        self.arena = arena;
        self.buf = buf;
        out
    }

    /// Passes 2 and 3 over `self.tokens` / `self.words` (filled by the caller): negation, phrase
    /// confirmation, theme state, regexes. `buf` holds the tokens' normal forms and `arena` the words' hits.
    /// `regex_bits`: the regexes' matches per comment precomputed (pattern `k` matches when bit `i` of
    /// `regex_bits[k]` is set), instead of running them on `text`.
    fn finish(
        &mut self,
        text: &str,
        buf: &str,
        arena: &[u32],
        explain: bool,
        regex_bits: Option<(&[std::sync::Arc<Vec<u64>>], usize)>,
    ) -> ThemeSet {
        let m = self.m;
        // Negation: a word is negated when a negator precedes it within 3 words in the same sentence.
        if m.any_negation {
            self.negated.clear();
            let mut last_neg: Option<usize> = None;
            for (i, tok) in self.tokens.iter().enumerate() {
                let neg = last_neg.is_some_and(|j| i - j <= 3 && self.tokens[j].sentence == tok.sentence);
                self.negated.push(neg);
                if tok.negator {
                    last_neg = Some(i);
                }
            }
        }

        // Pass 2: confirm phrase hits and update the touched themes.
        for i in 0..self.tokens.len() {
            let WordEntry { start: hs, len: hl, .. } = self.words[i];
            for h in hs..hs + hl {
                let id = arena[h as usize];
                let term = &m.terms[id as usize];
                let Some(last) = self.phrase_end(buf, i, &term.rest) else { continue };
                let theme = &m.themes[usize::from(term.theme)];
                if theme.negation && term.lane != Lane::None && self.negated[i] {
                    continue;
                }
                let st = &mut self.state[usize::from(term.theme)];
                if !st.touched {
                    st.touched = true;
                    self.touched.push(term.theme);
                }
                match term.lane {
                    Lane::Any => st.any = true,
                    Lane::All => st.all |= 1 << term.all_bit,
                    Lane::None => st.none = true,
                }
                if explain && term.lane != Lane::None {
                    self.raw.push((id, self.tokens[i].start as usize, self.tokens[last].end as usize));
                }
            }
        }

        // Regexes: one pass of the set, then (to explain) the matching ones for positions.
        if !m.regexes.is_empty() {
            let matched: Vec<usize> = match (regex_bits, &m.regex_set) {
                (Some((bits, i)), _) => {
                    (0..m.regexes.len()).filter(|&k| bits[k][i / 64] >> (i % 64) & 1 == 1).collect()
                }
                (None, Some(set)) => set.matches(text).into_iter().collect(),
                (None, None) => (0..m.regexes.len()).filter(|&k| m.regexes[k].0.is_match(text)).collect(),
            };
            for k in matched {
                let (re, theme) = &m.regexes[k];
                let st = &mut self.state[usize::from(*theme)];
                if !st.touched {
                    st.touched = true;
                    self.touched.push(*theme);
                }
                st.any = true;
                if explain {
                    for found in re.find_iter(text) {
                        self.raw.push((k as u32 | REGEX_FLAG, found.start(), found.end()));
                    }
                }
            }
        }

        let mut out: Vec<ThemeId> = Vec::new();
        for &id in &self.touched {
            let st = std::mem::take(&mut self.state[usize::from(id)]);
            let th = &m.themes[usize::from(id)];
            let matched = !st.none && (st.any || !th.has_any) && st.all & th.all_full == th.all_full;
            if matched {
                out.push(id);
                if !explain {
                    out.extend_from_slice(&th.ancestors);
                }
            }
        }
        self.touched.clear();
        ThemeSet::from_ids(out)
    }

    /// Tags a comment split into words already: `toks` as a [`Corpus`] keeps them (word id with
    /// `NEGATOR_FLAG`, sentence), ids of `vocabulary`'s words, whose lookups are `words`. `regex_bits`: the
    /// regexes' matches precomputed, with the comment's index in them.
    fn tag_tokenised(
        &mut self,
        vocabulary: &Corpus,
        toks: &[(u32, u32)],
        words: &CorpusWords,
        regex_bits: Option<(&[std::sync::Arc<Vec<u64>>], usize)>,
        text: &str,
    ) -> ThemeSet {
        self.tokens.clear();
        self.words.clear();
        for &(w, sentence) in toks {
            let word = w & !NEGATOR_FLAG;
            let entry = words.entries[word as usize];
            let (norm_start, norm_end) = vocabulary.span(word);
            self.tokens.push(Token {
                start: 0,
                end: 0,
                norm_start,
                norm_end,
                sentence,
                negator: w & NEGATOR_FLAG != 0 || entry.negator,
            });
            self.words.push(entry);
        }
        self.finish(text, &vocabulary.buf, &words.arena, false, regex_bits)
    }

    /// The index of the last token of the phrase starting at token `i` whose later words are `rest`,
    /// if the following tokens (in the same sentence) match them.
    fn phrase_end(&self, buf: &str, i: usize, rest: &[PWord]) -> Option<usize> {
        let last = i + rest.len();
        if last >= self.tokens.len() {
            return None;
        }
        let sentence = self.tokens[i].sentence;
        for (k, w) in rest.iter().enumerate() {
            let j = i + 1 + k;
            let tok = &self.tokens[j];
            if tok.sentence != sentence {
                return None;
            }
            let ok = match w {
                PWord::Exact(s) => tok.norm(buf) == s.as_ref(),
                PWord::Prefix(s) => tok.norm(buf).starts_with(s.as_ref()),
                PWord::Stem(key) => self.words[j].key == *key,
            };
            if !ok {
                return None;
            }
        }
        Some(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weighted_middle_halves_the_weight_and_leaves_no_part_empty() {
        let len = |s: &&str| s.len();
        assert_eq!(weighted_middle(&["a", "b", "c", "d"], len), 2);
        assert_eq!(weighted_middle(&["a", "b", "c", "dddddddd"], len), 3);
        assert_eq!(weighted_middle(&["aaaaaaaa", "b", "c", "d"], len), 1);
        assert_eq!(weighted_middle(&["", ""], len), 1);
        assert_eq!(weighted_middle(&["", "", "", "x"], len), 3);
    }

    #[test]
    fn the_corpus_word_split_equals_tokenize() {
        // Random texts built from the characters that matter (apostrophes, n't, sentence ends, digits, case,
        // and non-ASCII letters, marks, apostrophes, separators and sentence ends that send a comment's rest
        // through `tokenize`): every comment's words, ids, negation flags and sentences must be what
        // `tokenize` alone gives.
        let alphabet: Vec<char> = "aB9' .!?;\nnNtT-,xYz'''aaaaabbbbéß’…😀€\u{301}ÉñØ".chars().collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut comments: Vec<String> = (0..20_000)
            .map(|_| {
                let n = (next() % 40) as usize;
                (0..n).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect()
            })
            .collect();
        comments.extend(
            [
                "Don't",
                "it's",
                "a'",
                "'a",
                "a'é",
                "x'y'z",
                "CAN'T stop. Won't!",
                "Café isn't ok",
                "abcdefghijklmnopq",
                "ab😀cd",
            ]
            .map(String::from),
        );
        comments.push("Abcdefghijklmnopqrstuvwxyz; abcdefghijklmnopqrstuvwxyz".into());
        comments.push("ABCDEFGHIJKLMNOP. abcdefghijklmno don'tabcdefghijklm".into());
        let (corpus, _) = Corpus::one_pass(&comments, 0);
        let mut ids: HashMap<String, u32> = HashMap::new();
        let (mut buf, mut tokens) = (String::new(), Vec::new());
        let mut expected = Vec::new();
        for text in &comments {
            tokenize(text, &mut buf, &mut tokens);
            for t in &tokens {
                let next_id = ids.len() as u32;
                let id = *ids.entry(t.norm(&buf).to_string()).or_insert(next_id);
                expected.push((id | if t.negator { NEGATOR_FLAG } else { 0 }, t.sentence));
            }
        }
        assert_eq!(corpus.toks, expected);
        assert_eq!(corpus.vocabulary(), ids.len());
        for (word, &id) in &ids {
            assert_eq!(corpus.word(id), word);
        }
        assert!(expected.iter().any(|(w, _)| w & NEGATOR_FLAG != 0), "the texts have a negated form");
        assert!(expected.iter().any(|&(_, s)| s > 2), "and several sentences");
    }

    #[test]
    fn a_corpus_split_over_two_threads_equals_one_pass() {
        // Above the threshold, with words first seen in either half, negated forms and repeats.
        let words = ["slow", "Billing", "isn't", "great", "refund", "app", "support", "crashes", "ñandú", "price"];
        let comments: Vec<String> = (0..CORPUS_PARALLEL_MIN as u64 + 501)
            .map(|i| {
                let k = i.wrapping_mul(2654435761) % 9973;
                let mut text = format!("{} {}. ", words[(k % 10) as usize], words[(k / 10 % 10) as usize]);
                if i > CORPUS_PARALLEL_MIN as u64 / 2 {
                    text.push_str(&format!("late{} word{}", k % 37, i % 3));
                }
                text
            })
            .collect();
        let split = Corpus::new(&comments);
        let (one, _) = Corpus::one_pass(&comments, 0);
        assert_eq!(split.buf, one.buf);
        assert_eq!(split.ends, one.ends);
        assert!(!split.tail_toks.is_empty(), "the second thread's tokens are a segment of their own");
        let joined: Vec<(u32, u32)> = split.toks.iter().chain(&split.tail_toks).copied().collect();
        assert_eq!(joined, one.toks);
        assert_eq!(split.comment_ends, one.comment_ends);
        for i in 0..comments.len() {
            assert_eq!(split.tokens_of(i), one.tokens_of(i), "comment {i}");
        }
        assert!(one.toks.iter().any(|(w, _)| w & NEGATOR_FLAG != 0), "the set has a negated form");
    }

    #[test]
    fn tagging_once_on_two_threads_equals_tagging_each_comment() {
        // Enough comments for two threads, each with its own vocabulary; words first seen in either half,
        // `n't` forms, a word over 16 bytes, a phrase, and accents (the slow split).
        let words = ["slow", "Billing", "isn't", "great", "refund", "app", "support", "crashes", "ñandú", "price"];
        let comments: Vec<String> = (0..5_000u64)
            .map(|i| {
                let k = i.wrapping_mul(2654435761) % 9973;
                let mut text = format!("{} {}. ", words[(k % 10) as usize], words[(k / 10 % 10) as usize]);
                if i % 7 == 0 {
                    text.push_str("Customer support never answered; incomprehensibilities abound");
                }
                text
            })
            .collect();
        let m = Matcher::builtin();
        let once = m.tag_once(&comments);
        assert_eq!(once, m.tag_all(&comments));
        assert!(once.iter().filter(|t| !t.is_empty()).count() > comments.len() / 2, "most comments get a theme");
    }
}
