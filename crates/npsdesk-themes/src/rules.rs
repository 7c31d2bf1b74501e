//! The rule-set schema (JSON or TOML), its validation and the built-in rule set.

use std::collections::HashMap;
use std::fmt;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::locate;
use crate::text::tokenize;

/// The label of a comment that no theme matches. No theme may take this name.
pub const UNCATEGORIZED: &str = "Uncategorized";

/// Most `all` terms one theme may have (they are tracked in a 64-bit mask).
pub const MAX_ALL_TERMS: usize = 64;
/// Most themes one rule set may have (theme ids are `u16`).
pub const MAX_THEMES: usize = 4096;
/// Longest accepted regex source, in bytes.
pub const MAX_REGEX_LEN: usize = 1000;
/// Compiled-size limit of one regex (the `regex` crate's `size_limit`), in bytes.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

const BUILTIN_TOML: &str = include_str!("../rules/builtin.toml");

/// The text format of a rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Toml,
}

impl Format {
    /// The format named by a file's extension (`.json`, `.toml`), if any.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }
}

/// A rule set as written (the documented schema; see RULES.md). Serialises back to the same shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetDef {
    /// Compare unquoted terms and words by their Snowball stem (default true).
    #[serde(default = "yes")]
    pub stemming: bool,
    /// The stemmer's language (default `english`).
    #[serde(default = "english")]
    pub language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub themes: Vec<ThemeDef>,
}

/// One theme as written.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// At least one of these terms (or of `regex`) must match.
    #[serde(default)]
    pub any: Vec<String>,
    /// Every one of these terms must match too.
    #[serde(default)]
    pub all: Vec<String>,
    /// Any of these terms excludes the theme.
    #[serde(default)]
    pub none: Vec<String>,
    /// Skip term matches preceded within 3 words (same sentence) by a negator.
    #[serde(default)]
    pub negation: bool,
    /// Regular expressions (case-insensitive, on the original text) that count as `any` terms.
    #[serde(default)]
    pub regex: Vec<String>,
}

fn yes() -> bool {
    true
}

fn english() -> String {
    "english".to_string()
}

/// A problem in a rule set, with the position of the offending element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RuleError {
    /// 1-based line; 0 when the rule set was not parsed from text ([`RuleSet::from_def`]).
    #[ts(type = "number")]
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    #[ts(type = "number")]
    pub column: usize,
    /// The element's path (`themes[2].any[1]`); empty for syntax errors.
    pub path: String,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}, column {}: ", self.line, self.column)?;
        }
        f.write_str(&self.message)?;
        if !self.path.is_empty() {
            write!(f, " (at {})", self.path)?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleError {}

/// Which condition of a theme a term belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lane {
    Any,
    All,
    None,
}

/// A parsed term: one or more words (a phrase), compared by stem or exactly, the last maybe a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The term as written in the rule set.
    pub text: String,
    /// The normal forms of its words.
    pub words: Vec<String>,
    /// Quoted: compare words exactly (no stemming).
    pub exact: bool,
    /// Ends in `*`: the last word is a prefix of the normal form.
    pub prefix: bool,
}

impl Term {
    /// Parses one term (see RULES.md). The error is a message without position.
    pub fn parse(text: &str) -> Result<Term, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err("empty term".into());
        }
        let (body, exact) = if let Some(rest) = trimmed.strip_prefix('"') {
            match rest.strip_suffix('"') {
                Some(inner) if !inner.contains('"') => (inner, true),
                Some(_) => return Err(format!("stray quote in {trimmed:?}: quote a whole phrase once")),
                None if rest.ends_with("\"*") => {
                    return Err(format!("bad wildcard position in {trimmed:?}: put * inside the quotes"))
                }
                None => return Err(format!("unbalanced quote in {trimmed:?}")),
            }
        } else {
            if trimmed.contains('"') {
                return Err(format!("stray quote in {trimmed:?}: quote a whole phrase once"));
            }
            (trimmed, false)
        };
        let body = body.trim();
        let (body, prefix) = match body.find('*') {
            None => (body, false),
            Some(i) if i + 1 == body.len() => (&body[..i], true),
            Some(_) => return Err(format!("bad wildcard position in {trimmed:?}: * may only end the term")),
        };
        if prefix && body.trim().is_empty() {
            return Err(format!("bad wildcard position in {trimmed:?}: * needs at least 2 letters before it"));
        }
        if prefix && body.ends_with(|c: char| !c.is_alphanumeric()) {
            return Err(format!("bad wildcard position in {trimmed:?}: * must follow a letter or digit"));
        }
        let mut buf = String::new();
        let mut toks = Vec::new();
        tokenize(body, &mut buf, &mut toks);
        let words: Vec<String> = toks.iter().map(|t| t.norm(&buf).to_string()).collect();
        if words.is_empty() {
            return Err(format!(
                "empty term {trimmed:?}: it has no letters or digits{}",
                if prefix { " before *" } else { "" }
            ));
        }
        if prefix && words.last().is_some_and(|w| w.chars().count() < 2) {
            return Err(format!("bad wildcard position in {trimmed:?}: * needs at least 2 letters before it"));
        }
        Ok(Term { text: text.to_string(), words, exact, prefix })
    }
}

/// A validated theme.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub parent: Option<String>,
    pub description: Option<String>,
    pub any: Vec<Term>,
    pub all: Vec<Term>,
    pub none: Vec<Term>,
    pub negation: bool,
    pub regex: Vec<Regex>,
}

/// Snowball languages of rust-stemmers, by their rule-set names.
const LANGUAGES: &[(&str, rust_stemmers::Algorithm)] = &[
    ("arabic", rust_stemmers::Algorithm::Arabic),
    ("danish", rust_stemmers::Algorithm::Danish),
    ("dutch", rust_stemmers::Algorithm::Dutch),
    ("english", rust_stemmers::Algorithm::English),
    ("finnish", rust_stemmers::Algorithm::Finnish),
    ("french", rust_stemmers::Algorithm::French),
    ("german", rust_stemmers::Algorithm::German),
    ("greek", rust_stemmers::Algorithm::Greek),
    ("hungarian", rust_stemmers::Algorithm::Hungarian),
    ("italian", rust_stemmers::Algorithm::Italian),
    ("norwegian", rust_stemmers::Algorithm::Norwegian),
    ("portuguese", rust_stemmers::Algorithm::Portuguese),
    ("romanian", rust_stemmers::Algorithm::Romanian),
    ("russian", rust_stemmers::Algorithm::Russian),
    ("spanish", rust_stemmers::Algorithm::Spanish),
    ("swedish", rust_stemmers::Algorithm::Swedish),
    ("tamil", rust_stemmers::Algorithm::Tamil),
    ("turkish", rust_stemmers::Algorithm::Turkish),
];

/// A validated rule set: what [`crate::Matcher::new`] compiles.
#[derive(Debug, Clone)]
pub struct RuleSet {
    def: RuleSetDef,
    language: rust_stemmers::Algorithm,
    themes: Vec<Theme>,
}

impl RuleSet {
    /// The built-in B2B SaaS customer-success rule set (`rules/builtin.toml`).
    pub fn builtin() -> RuleSet {
        match check(BUILTIN_TOML, Format::Toml) {
            Ok(r) => r,
            // The built-in set is tested; an error here is a bug in this crate, not in user input.
            Err(e) => panic!("the built-in rule set is invalid: {e:?}"),
        }
    }

    /// The source text of the built-in rule set (TOML), e.g. as a starting point for a custom set.
    pub fn builtin_source() -> &'static str {
        BUILTIN_TOML
    }

    /// Validates a rule set built in code. Errors carry paths but no positions (line 0).
    pub fn from_def(def: RuleSetDef) -> Result<RuleSet, Vec<RuleError>> {
        validate(def).map_err(|errs| {
            errs.into_iter().map(|(path, message)| RuleError { line: 0, column: 0, path, message }).collect()
        })
    }

    /// The rule set as written.
    pub fn def(&self) -> &RuleSetDef {
        &self.def
    }

    pub fn stemming(&self) -> bool {
        self.def.stemming
    }

    pub fn language(&self) -> &str {
        &self.def.language
    }

    pub(crate) fn algorithm(&self) -> rust_stemmers::Algorithm {
        self.language
    }

    /// Themes in declaration order; a theme's index is its [`crate::ThemeId`].
    pub fn themes(&self) -> &[Theme] {
        &self.themes
    }
}

/// Parses and validates a rule set. On failure, returns every problem found, each with its line and column:
/// a syntax or type error alone (from serde_json / toml), else all semantic errors.
pub fn check(text: &str, format: Format) -> Result<RuleSet, Vec<RuleError>> {
    let def: RuleSetDef = match format {
        Format::Json => serde_json::from_str(text).map_err(|e| {
            vec![RuleError { line: e.line(), column: e.column(), path: String::new(), message: e.to_string() }]
        })?,
        Format::Toml => toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |s| locate::line_col(text, s.start));
            vec![RuleError { line, column, path: String::new(), message: e.message().trim().to_string() }]
        })?,
    };
    validate(def).map_err(|errs| {
        let offsets = match format {
            Format::Json => locate::json_offsets(text),
            Format::Toml => locate::toml_offsets(text),
        };
        errs.into_iter()
            .map(|(path, message)| {
                // Fall back to the nearest recorded ancestor (e.g. `language` when it was defaulted).
                let mut p = path.as_str();
                let offset = loop {
                    if let Some(&o) = offsets.get(p) {
                        break Some(o);
                    }
                    match p.rfind(['.', '[']) {
                        Some(i) => p = &p[..i],
                        None => break offsets.get("").copied(),
                    }
                };
                let (line, column) = offset.map_or((0, 0), |o| locate::line_col(text, o));
                RuleError { line, column, path, message }
            })
            .collect()
    })
}

type PathErrors = Vec<(String, String)>;

fn validate(def: RuleSetDef) -> Result<RuleSet, PathErrors> {
    let mut errs: PathErrors = Vec::new();
    let lang_key = def.language.trim().to_ascii_lowercase();
    let language = match LANGUAGES.iter().find(|(n, _)| *n == lang_key) {
        Some((_, a)) => *a,
        None => {
            let names: Vec<&str> = LANGUAGES.iter().map(|(n, _)| *n).collect();
            errs.push((
                "language".into(),
                format!("unknown language {:?}; one of: {}", def.language, names.join(", ")),
            ));
            rust_stemmers::Algorithm::English
        }
    };
    if def.themes.is_empty() {
        errs.push(("themes".into(), "the rule set has no themes".into()));
    }
    if def.themes.len() > MAX_THEMES {
        errs.push(("themes".into(), format!("too many themes ({}; at most {MAX_THEMES})", def.themes.len())));
    }

    // Names: non-empty, unique (case-insensitive), not the reserved bucket.
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (i, t) in def.themes.iter().enumerate() {
        let name = t.name.trim();
        let path = format!("themes[{i}].name");
        if name.is_empty() {
            errs.push((path, "empty theme name".into()));
            continue;
        }
        if name.eq_ignore_ascii_case(UNCATEGORIZED) {
            errs.push((path, format!("{UNCATEGORIZED:?} is reserved for comments no theme matches")));
            continue;
        }
        match by_name.get(&name.to_lowercase()) {
            Some(&j) => errs.push((path, format!("duplicate theme name {name:?} (already used by themes[{j}])"))),
            None => {
                by_name.insert(name.to_lowercase(), i);
            }
        }
    }

    // Parents: known, not self, no cycles.
    let parent_idx: Vec<Option<usize>> = def
        .themes
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let p = t.parent.as_deref()?.trim();
            let path = format!("themes[{i}].parent");
            match by_name.get(&p.to_lowercase()) {
                Some(&j) if j == i => {
                    errs.push((path, format!("parent cycle: {p:?} is its own parent")));
                    None
                }
                Some(&j) => Some(j),
                None => {
                    errs.push((path, format!("unknown parent theme {p:?}")));
                    None
                }
            }
        })
        .collect();
    let mut in_reported_cycle = vec![false; def.themes.len()];
    for start in 0..def.themes.len() {
        let mut chain = vec![start];
        let mut cur = start;
        while let Some(p) = parent_idx[cur] {
            if p == start {
                if !in_reported_cycle[start] {
                    for &k in &chain {
                        in_reported_cycle[k] = true;
                    }
                    let names: Vec<&str> =
                        chain.iter().chain(std::iter::once(&start)).map(|&k| def.themes[k].name.trim()).collect();
                    errs.push((format!("themes[{start}].parent"), format!("parent cycle: {}", names.join(" → "))));
                }
                break;
            }
            if chain.contains(&p) || chain.len() > def.themes.len() {
                break; // a cycle not through `start`: reported from its own members
            }
            chain.push(p);
            cur = p;
        }
    }
    let mut has_child = vec![false; def.themes.len()];
    for p in parent_idx.iter().flatten() {
        has_child[*p] = true;
    }

    let mut themes = Vec::with_capacity(def.themes.len());
    for (i, t) in def.themes.iter().enumerate() {
        let lane = |terms: &[String], key: &str, errs: &mut PathErrors| -> Vec<Term> {
            terms
                .iter()
                .enumerate()
                .filter_map(|(j, s)| match Term::parse(s) {
                    Ok(term) => Some(term),
                    Err(m) => {
                        errs.push((format!("themes[{i}].{key}[{j}]"), m));
                        None
                    }
                })
                .collect()
        };
        let any = lane(&t.any, "any", &mut errs);
        let all = lane(&t.all, "all", &mut errs);
        let none = lane(&t.none, "none", &mut errs);
        if t.all.len() > MAX_ALL_TERMS {
            errs.push((
                format!("themes[{i}].all"),
                format!("too many all terms ({}; at most {MAX_ALL_TERMS})", t.all.len()),
            ));
        }
        let mut regex = Vec::new();
        for (j, src) in t.regex.iter().enumerate() {
            let path = format!("themes[{i}].regex[{j}]");
            match compile_regex(src) {
                Ok(r) => regex.push(r),
                Err(m) => errs.push((path, m)),
            }
        }
        if t.any.is_empty() && t.all.is_empty() && t.regex.is_empty() && !has_child[i] {
            errs.push((
                format!("themes[{i}]"),
                format!(
                    "theme {:?} has no any, all or regex terms and no child themes: it can never match",
                    t.name.trim()
                ),
            ));
        }
        themes.push(Theme {
            name: t.name.trim().to_string(),
            parent: t.parent.as_ref().map(|p| p.trim().to_string()),
            description: t.description.clone(),
            any,
            all,
            none,
            negation: t.negation,
            regex,
        });
    }
    // Canonical parent spelling (the parent's own name), so lookups by name are exact.
    for (i, p) in parent_idx.iter().enumerate() {
        if let Some(p) = p {
            themes[i].parent = Some(themes[*p].name.clone());
        }
    }
    if errs.is_empty() {
        Ok(RuleSet { def, language, themes })
    } else {
        Err(errs)
    }
}

fn compile_regex(src: &str) -> Result<Regex, String> {
    if src.is_empty() {
        return Err("empty regex: it would match every comment".into());
    }
    if src.len() > MAX_REGEX_LEN {
        return Err(format!("regex too large ({} bytes; at most {MAX_REGEX_LEN})", src.len()));
    }
    let re = RegexBuilder::new(src)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => {
                format!("regex too large: it compiles to more than {limit} bytes")
            }
            e => format!("invalid regex: {}", e.to_string().lines().last().unwrap_or("syntax error").trim()),
        })?;
    if re.is_match("") {
        return Err(format!("regex {src:?} matches the empty string, so it would match every comment"));
    }
    Ok(re)
}
