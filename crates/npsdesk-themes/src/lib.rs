//! npsdesk-themes: keyword theme rules for NPS comments (pure Rust: no IO, no tauri, no polars, no SQLite).
//!
//! 1. **Rule sets** ([`check`], [`RuleSet`]): JSON or TOML, one schema (documented in `RULES.md`):
//!
//!    ```toml
//!    stemming = true          # compare unquoted terms by Snowball stem (default true)
//!    language = "english"     # stemmer language (default english)
//!
//!    [[themes]]
//!    name = "Billing"
//!    parent = "Commercial"    # optional; a child match implies the parent
//!    any = ["invoice", "billing", "refund*", '"charged twice"']   # one must match
//!    all = []                 # each must match too
//!    none = ["no billing issues"]   # any of these excludes the theme
//!    negation = false         # skip matches after not/no/never/n't within 3 words
//!    regex = []               # case-insensitive regexes on the original text, counted as `any`
//!
//!    [[themes]]
//!    name = "Commercial"      # a pure parent may have no terms
//!    ```
//!
//!    Terms: a word (`invoice`, matches `invoices` by stem), a phrase (`customer service`, consecutive
//!    words in one sentence), a prefix (`refund*`, on the normal form), a quoted exact form (`"charged twice"`,
//!    no stemming). Case and accents never matter (NFKD, marks stripped, lowercase). [`check`] reports every
//!    problem with its line and column: syntax and type errors from serde_json / toml, then empty or
//!    duplicate names, unknown parents, parent cycles, empty terms, misplaced `*`, invalid or too-large
//!    regexes, unknown languages, themes that can never match.
//! 2. **Matching** ([`Matcher`]): compiles a rule set once; [`Matcher::tag`] returns a comment's
//!    [`ThemeSet`] (parents rolled up, empty = [`UNCATEGORIZED`]) in one pass over its words whatever the
//!    number of themes; [`Matcher::explain`] says which term matched where (byte offsets in the original
//!    text); [`Matcher::tag_all`] / [`Matcher::tag_responses`] tag many comments on two threads.
//! 3. **Built-in rules** ([`RuleSet::builtin`], `rules/builtin.toml`): a B2B SaaS customer-success taxonomy.
//! 4. **Metrics** ([`theme_report`]): per theme mentions, share, P/A/D counts, theme NPS with adjusted-Wald
//!    interval, share of detractor comments, impact on the NPS with a bootstrap interval; coverage.
//!
//! ```
//! use npsdesk_themes::{check, Format, Matcher};
//!
//! let rules = check(r#"{"themes": [{"name": "Billing", "any": ["invoice", "refund*"]}]}"#, Format::Json).unwrap();
//! let m = Matcher::new(&rules);
//! let tags = m.tag("They still haven't REFUNDED the second invoice");
//! assert_eq!(m.labels(&tags), ["Billing"]);
//! let hits = m.explain("Refunds take weeks");
//! assert_eq!((hits[0].start, hits[0].end), (0, 7));
//! ```

mod locate;
mod matcher;
mod metrics;
mod rules;
mod search;
mod text;

pub use matcher::{Corpus, Match, Matcher, Tagger, ThemeId, ThemeInfo, ThemeSet};
pub use metrics::{impact, theme_report, ImpactOptions, ResponseTags, SplitMix64, ThemeReport, ThemeStats};
pub use rules::{
    check, Format, Lane, RuleError, RuleSet, RuleSetDef, Term, Theme, ThemeDef, MAX_ALL_TERMS, MAX_REGEX_LEN,
    MAX_THEMES, REGEX_SIZE_LIMIT, UNCATEGORIZED,
};
pub use search::{Scratch, TextSearch};
pub use text::{normalize, normalize_word};
