//! `npsdesk demo`: writes a realistic synthetic SurveyMonkey export, the same survey as the project's
//! generator (`shared/tools/gen_surveymonkey.py`): "All responses, expanded" layout with two header rows, the
//! nine metadata columns, the NPS question with its end labels, a "why?" comment, plan, region, a support
//! question, CSAT and a multiple-choice feature question with an "Other" text. Respondents belong to accounts
//! (plan, region, a company effect on the score); responses span 8 quarters from 2024-Q4 with a trend and one
//! incident quarter; comments are built from the same topic sentences, short answers, foreign phrases and
//! emoji. Rows are newest first, as SurveyMonkey writes them.
//!
//! The random source is our own (xoshiro256++ seeded by SplitMix64), so the same `--rows` and `--seed` give
//! byte-identical files, but not the Python generator's bytes.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

/// More rows than this is a mistake, not a benchmark (the timeline alone would take 4 bytes a row).
pub const MAX_ROWS: u64 = 100_000_000;

/// `npsdesk demo --rows N --out FILE [--seed S]`.
pub fn run(rows: u64, out: &Path, seed: u64) -> Result<ExitCode> {
    anyhow::ensure!(rows <= MAX_ROWS, "--rows {rows}: at most {MAX_ROWS} rows");
    let file = std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    write_export(&mut w, rows, seed).with_context(|| format!("cannot write {}", out.display()))?;
    w.flush().with_context(|| format!("cannot write {}", out.display()))?;
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!("wrote {rows} responses to {} ({:.1} MB, seed {seed})", out.display(), bytes as f64 / 1e6);
    Ok(ExitCode::SUCCESS)
}

// ------------------------------------------------------------------------------------------ random source

/// xoshiro256++ (Blackman & Vigna), seeded through SplitMix64: small, fast, and stable across platforms and
/// versions (the output of a seed must never change).
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng { s: [next(), next(), next(), next()] }
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    fn random(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in 0..n (n > 0), by a 128-bit multiply (the bias is below 2⁻³², irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in lo..=hi.
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn choice<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    fn word(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.below(xs.len() as u64) as usize]
    }

    /// An index drawn with the given (positive) weights.
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.random() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// Normal (Box–Muller).
    fn gauss(&mut self, mu: f64, sigma: f64) -> f64 {
        let u1 = 1.0 - self.random();
        let u2 = self.random();
        mu + sigma * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

// ------------------------------------------------------------------------------------------ survey

const META_COLUMNS: [&str; 9] = [
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
];
const Q_NPS: &str = "How likely is it that you would recommend Acme to a friend or colleague?";
const Q_REASON: &str = "What is the primary reason for your score?";
const Q_PLAN: &str = "Which plan are you on?";
const Q_REGION: &str = "Region";
const Q_CONTACT: &str = "When did you last contact support?";
const Q_CSAT: &str = "How satisfied are you with Acme overall?";
const Q_FEATURES: &str = "Which features do you use?";
const OTHER_LABEL: &str = "Other (please specify)";
const NPS_LABELS: [&str; 11] =
    ["0 - Not at all likely", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10 - Extremely likely"];

const PLANS: [&str; 4] = ["Free", "Starter", "Pro", "Enterprise"];
const REGIONS: [&str; 4] = ["NA", "EMEA", "APAC", "LATAM"];
const PLAN_ACCOUNT_W: [f64; 4] = [0.55, 0.27, 0.13, 0.05];
const PLAN_RESP_W: [f64; 4] = [1.0, 1.4, 2.2, 5.0];
const REGION_W: [f64; 4] = [0.45, 0.30, 0.17, 0.08];

// Score model: latent mean by plan, region, account and quarter (trend plus one incident quarter).
const BASE_MEAN: f64 = 7.85;
const PLAN_OFF: [f64; 4] = [-1.0, -0.3, 0.35, 0.9];
const REGION_OFF: [f64; 4] = [0.15, 0.0, -0.15, 0.3];
const TREND_PER_Q: f64 = 0.09;
/// The quarter with an outage: a dip, and more reliability and performance complaints.
const INCIDENT_Q: usize = 5;
const INCIDENT_DIP: f64 = -0.6;

/// The survey runs 8 quarters from 2024-Q4.
const START_YEAR: i64 = 2024;
const START_QUARTER: i64 = 4;
const QUARTERS: usize = 8;

/// Polarity of a comment: 0 positive, 1 neutral, 2 negative (the index into `GENERIC`, `SHORT`, `FOREIGN`).
const POS: usize = 0;
const NEUTRAL: usize = 1;
const NEG: usize = 2;

fn header_rows() -> [Vec<&'static str>; 2] {
    let mut row1: Vec<&str> = META_COLUMNS.to_vec();
    let mut row2 = vec![""; META_COLUMNS.len()];
    for (q, sub) in [
        (Q_NPS, "Response"),
        (Q_REASON, "Open-Ended Response"),
        (Q_PLAN, "Response"),
        (Q_REGION, "Response"),
        (Q_CONTACT, "Response"),
        (Q_CSAT, "Response"),
    ] {
        row1.push(q);
        row2.push(sub);
    }
    for (i, opt) in FEATURES.iter().chain([OTHER_LABEL].iter()).enumerate() {
        row1.push(if i == 0 { Q_FEATURES } else { "" });
        row2.push(opt);
    }
    [row1, row2]
}

// ------------------------------------------------------------------------------------------ calendar

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// Seconds since 1970 (wall clock, no zone) of the first day of the k-th quarter from the start.
fn quarter_start(k: usize) -> i64 {
    let idx = (START_QUARTER - 1) + k as i64;
    let (y, q) = (START_YEAR + idx / 4, idx % 4);
    days_from_civil(y, 3 * q + 1, 1) * 86_400
}

/// SurveyMonkey's US format: `06/30/2025 02:05:09 PM`.
fn write_date(out: &mut String, secs: i64) {
    use std::fmt::Write as _;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    let (h, mi, s) = (sod / 3600, sod / 60 % 60, sod % 60);
    let h12 = if h % 12 == 0 { 12 } else { h % 12 };
    let _ = write!(out, "{m:02}/{d:02}/{y} {h12:02}:{mi:02}:{s:02} {}", if h < 12 { "AM" } else { "PM" });
}

// ------------------------------------------------------------------------------------------ text

/// Lower-case a sentence's first letter unless it starts with "I" or an acronym.
fn lc_first(s: &str) -> String {
    let head = s.split(' ').next().unwrap_or("").trim_end_matches([',', '.']);
    let acronym =
        head.chars().count() > 1 && head.chars().any(char::is_uppercase) && !head.chars().any(char::is_lowercase);
    if head == "I" || acronym {
        return s.to_string();
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// ASCII letters and digits of a name for e-mail addresses: accents dropped, letters without an ASCII base
/// (ø, ł, ı) left out, as NFKD-then-ASCII does.
fn ascii_slug(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| {
            let base = match c {
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
                'ç' | 'č' | 'ć' => 'c',
                'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ễ' | 'ệ' => 'e',
                'ì' | 'í' | 'î' | 'ï' => 'i',
                'ñ' | 'ń' => 'n',
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ō' => 'o',
                'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
                'ý' | 'ÿ' => 'y',
                'ś' | 'š' => 's',
                'ź' | 'ż' | 'ž' => 'z',
                c => c,
            };
            base.is_ascii_alphanumeric().then_some(base)
        })
        .collect()
}

// ------------------------------------------------------------------------------------------ generator

struct Account {
    name: String,
    plan: usize,
    region: usize,
    domain: String,
    /// The account's effect on its respondents' scores.
    effect: f64,
}

struct Gen {
    r: Rng,
    accounts: Vec<Account>,
    /// Cumulative respondent weights of the accounts.
    acc_cum: Vec<f64>,
    weblink: i64,
    email_collectors: Vec<i64>,
}

impl Gen {
    fn new(seed: u64, rows: u64) -> Gen {
        let mut r = Rng::new(seed);
        let n_acc = (rows / 20).clamp(40, 25_000);
        let mut accounts = Vec::with_capacity(n_acc as usize);
        let mut acc_cum = Vec::with_capacity(n_acc as usize);
        let mut seen = std::collections::HashMap::<String, u32>::new();
        let mut total = 0.0;
        for _ in 0..n_acc {
            let plan = r.weighted(&PLAN_ACCOUNT_W);
            let region = r.weighted(&REGION_W);
            let root = *r.choice(COMPANY_ROOTS);
            let kind = *r.choice(COMPANY_KINDS);
            let suffix = *r.choice(COMPANY_SUFFIX[region]);
            let mut name = if suffix.starts_with(',') {
                format!("{root} {kind}{suffix}")
            } else {
                format!("{root} {kind} {suffix}").trim().to_string()
            };
            let k = seen.entry(name.clone()).or_insert(0);
            *k += 1;
            if *k > 1 {
                name = format!("{name} ({k})");
            }
            let slug_kind: String = ascii_slug(kind).chars().take(6).collect();
            let domain = format!("{}{slug_kind}.{}", ascii_slug(root), r.choice(EMAIL_TLD[region]));
            let effect = r.gauss(0.0, 0.45);
            accounts.push(Account { name, plan, region, domain, effect });
            total += PLAN_RESP_W[plan] * (0.3 + 1.4 * r.random());
            acc_cum.push(total);
        }
        let weblink = r.int(400_000_000, 409_999_999);
        let email_collectors =
            (0..QUARTERS as i64).map(|k| r.int(410_000_000 + k * 1_000_000, 410_999_999 + k * 1_000_000)).collect();
        Gen { r, accounts, acc_cum, weblink, email_collectors }
    }

    /// Start times, ascending, in seconds after the first quarter's start; more responses in later quarters.
    fn timestamps(&mut self, rows: u64) -> Vec<u32> {
        let r = &mut self.r;
        let qw: Vec<f64> = (0..QUARTERS).map(|k| 1.06f64.powi(k as i32) * (0.9 + 0.2 * r.random())).collect();
        let t0 = quarter_start(0);
        let mut out: Vec<u32> = (0..rows)
            .map(|_| {
                let k = r.weighted(&qw);
                let (start, end) = (quarter_start(k), quarter_start(k + 1));
                let day = r.below(((end - start) / 86_400) as u64) as i64;
                let sec = if r.random() < 0.75 { r.int(8 * 3600, 19 * 3600 - 1) } else { r.int(0, 86_399) };
                (start - t0 + day * 86_400 + sec) as u32
            })
            .collect();
        out.sort_unstable();
        out
    }

    fn pick_account(&mut self) -> &Account {
        let x = self.r.random() * self.acc_cum.last().copied().unwrap_or(0.0);
        let i = self.acc_cum.partition_point(|c| *c < x).min(self.accounts.len() - 1);
        &self.accounts[i]
    }

    fn pick_topic(&mut self, negative: bool, plan: usize, qk: usize) -> usize {
        let base = if negative { &W_NEG } else { &W_POS };
        let mut ws = [0.0; 12];
        for (t, w) in ws.iter_mut().enumerate() {
            *w = base[t] * PLAN_TOPIC_BOOST[plan][t];
            // reliability (9) and performance (4) complaints triple in the incident quarter
            if qk == INCIDENT_Q && negative && (t == 9 || t == 4) {
                *w *= 3.0;
            }
        }
        self.r.weighted(&ws)
    }

    /// A topic sentence with its placeholders filled: {i} integration, {p} person, {f} feature, {d}
    /// duration, {m} price.
    fn fill(&mut self, tpl: &str) -> String {
        if !tpl.contains('{') {
            return tpl.to_string();
        }
        let r = &mut self.r;
        let i = *r.choice(INTEGS);
        let others: Vec<&str> = INTEGS.iter().copied().filter(|x| *x != i).collect();
        let i2 = *r.choice(&others);
        tpl.replace("{i2}", i2)
            .replace("{i}", i)
            .replace("{p}", r.word(PEOPLE))
            .replace("{f}", r.word(FEATS))
            .replace("{d}", r.word(DURS))
            .replace("{m}", r.word(PRICES))
    }

    fn comment(&mut self, score: Option<u8>, plan: usize, qk: usize) -> String {
        let p_empty = match score {
            None => 0.6,
            Some(0..=6) => 0.22,
            Some(7..=8) => 0.40,
            Some(_) => 0.30,
        };
        if self.r.random() < p_empty {
            return String::new();
        }
        let pol = match score {
            None => self.r.below(3) as usize,
            Some(0..=6) => NEG,
            Some(7..=8) => NEUTRAL,
            Some(_) => POS,
        };
        let u = self.r.random();
        if u < 0.22 {
            let mut text = self.r.choice(SHORT[pol]).to_string();
            if self.r.random() < 0.25 {
                if pol == POS {
                    text.push('!');
                } else if self.r.random() < 0.5 {
                    text.push('.');
                }
            }
            return self.decorate(text, pol);
        }
        if u < 0.25 {
            let text = self.r.choice(FOREIGN[pol]).to_string();
            return self.decorate(text, pol);
        }
        let target = *self.r.choice(&[5, 8, 12, 16, 22, 30, 42, 55]);
        let mut sentences: Vec<String> = Vec::new();
        let mut words = 0;
        let mut first = true;
        while words < target && sentences.len() < 6 {
            let sub = if pol == NEUTRAL {
                if sentences.len().is_multiple_of(2) {
                    POS
                } else {
                    NEG
                }
            } else if self.r.random() < 0.85 {
                pol
            } else if pol == NEG {
                POS
            } else {
                NEG
            };
            let mut s = if self.r.random() < 0.15 {
                self.r.choice(GENERIC[pol]).to_string()
            } else {
                let topic = self.pick_topic(sub == NEG, plan, qk);
                let tpl = *self.r.choice(TEMPLATES[topic][usize::from(sub == NEG)]);
                self.fill(tpl)
            };
            if sentences.contains(&s) {
                words += 1; // people rarely repeat themselves; try another
                continue;
            }
            if first {
                let op = if self.r.random() < 0.3 { *self.r.choice(OPENERS) } else { "" };
                if !op.is_empty() {
                    s = format!("{op}{}", lc_first(&s));
                }
                first = false;
            } else if pol == NEUTRAL && sentences.len() == 1 && self.r.random() < 0.5 {
                s = format!("{} {}", self.r.choice(JOIN_MIXED).trim(), lc_first(&s));
            }
            words += s.split_whitespace().count();
            sentences.push(s);
        }
        // keep at most 56 words (decoration may add up to 4), dropping sentences from the end
        while sentences.len() > 1 && sentences.iter().map(|s| s.split_whitespace().count()).sum::<usize>() > 56 {
            sentences.pop();
        }
        let sep =
            if sentences.len() > 1 && self.r.random() < 0.08 { *self.r.choice(&["\n", "\n\n", "\n- "]) } else { " " };
        let mut text = sentences.join(sep);
        if self.r.random() < 0.04 {
            text = text.to_lowercase();
        }
        self.decorate(text, pol)
    }

    fn decorate(&mut self, mut text: String, pol: usize) -> String {
        let x = self.r.random();
        if x < 0.07 {
            let pool = match pol {
                POS => EMOJI_POS,
                NEG => EMOJI_NEG,
                _ => EMOJI,
            };
            let e = *self.r.choice(pool);
            let times = *self.r.choice(&[1, 1, 1, 2, 3]);
            text.push(' ');
            text.push_str(&e.repeat(times));
        } else if x < 0.09 {
            text.push(' ');
            text.push_str(self.r.word(FOREIGN[pol]));
        }
        if self.r.random() < 0.03 {
            text.push(' '); // trailing space, as people type
        }
        text
    }

    fn ip(&mut self) -> String {
        let a = loop {
            let a = self.r.int(1, 223);
            if ![10, 100, 127, 169, 172, 192].contains(&a) {
                break a;
            }
        };
        format!("{a}.{}.{}.{}", self.r.int(0, 255), self.r.int(0, 255), self.r.int(1, 254))
    }
}

/// Appends one CSV field, quoted when it holds a comma, a quote or a line break (Python's QUOTE_MINIMAL).
fn push_field(line: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        line.push('"');
        line.push_str(&field.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(field);
    }
}

fn push_row<'a>(line: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        push_field(line, f);
    }
    line.push_str("\r\n");
}

/// Writes the export (UTF-8 with BOM, CRLF) of `rows` responses.
pub fn write_export<W: Write>(w: &mut W, rows: u64, seed: u64) -> std::io::Result<()> {
    let mut g = Gen::new(seed, rows);
    let stamps = g.timestamps(rows);
    let t0 = quarter_start(0);
    let qstarts: Vec<i64> = (0..QUARTERS).map(|k| quarter_start(k) - t0).collect();
    // Respondent ids grow with time; rows are written newest first, so the ids count down.
    let mut id = 10_000_000_000 + g.r.int(1_000_000, 900_000_000) + 4_500 * rows as i64;

    let mut line = String::with_capacity(4096);
    line.push('\u{feff}');
    for row in header_rows() {
        push_row(&mut line, row);
    }
    w.write_all(line.as_bytes())?;

    let mut qk = QUARTERS - 1;
    let (mut start_s, mut end_s) = (String::new(), String::new());
    for &secs in stamps.iter().rev() {
        let secs = i64::from(secs);
        while qk > 0 && secs < qstarts[qk] {
            qk -= 1;
        }
        let start = t0 + secs;
        let end = start + g.r.gauss(5.0, 0.8).exp() as i64 + 20;
        id -= g.r.int(1, 9000);

        let account = g.pick_account();
        let (mut name, plan, region, domain, effect) =
            (account.name.clone(), account.plan, account.region, account.domain.clone(), account.effect);
        let is_email = g.r.random() < 0.55;
        let collector = if is_email { g.email_collectors[qk] } else { g.weblink };
        let (first_name, last_name, email, ip);
        if is_email {
            first_name = *g.r.choice(FIRST_NAMES);
            last_name = *g.r.choice(LAST_NAMES);
            email = format!("{}.{}@{domain}", ascii_slug(first_name), ascii_slug(last_name));
            ip = if g.r.random() < 0.9 { g.ip() } else { String::new() };
        } else {
            (first_name, last_name, email) = ("", "", String::new());
            ip = g.ip();
            if g.r.random() < 0.03 {
                name.clear(); // web link opened without the account parameter
            }
        }

        let trend = TREND_PER_Q * qk as f64 + if qk == INCIDENT_Q { INCIDENT_DIP } else { 0.0 };
        let mu = BASE_MEAN + PLAN_OFF[plan] + REGION_OFF[region] + effect + trend;
        let score = if g.r.random() < 0.015 {
            None
        } else {
            let mut s = g.r.gauss(mu, 2.1).round().clamp(0.0, 10.0) as u8;
            if g.r.random() < 0.012 {
                s = *g.r.choice(&[0, 0, 1, 2]); // the angry tail: a few zeros and ones
            }
            Some(s)
        };

        let partial = g.r.random() < 0.02; // left the survey after the comment
        let comment = g.comment(score, plan, qk);
        let (plan_a, region_a, contact, csat);
        let mut feats = [""; 6];
        if partial {
            (plan_a, region_a, contact, csat) = ("", "", "", "");
        } else {
            (plan_a, region_a) = (PLANS[plan], REGIONS[region]);
            let s = score.unwrap_or(7);
            let cw: [f64; 5] = match s {
                0..=6 => [0.30, 0.30, 0.18, 0.10, 0.12],
                7..=8 => [0.15, 0.25, 0.22, 0.18, 0.20],
                _ => [0.12, 0.22, 0.22, 0.20, 0.24],
            };
            contact = CONTACT_CHOICES[g.r.weighted(&cw)];
            let cs = (1.0 + f64::from(s) / 10.0 * 4.0 + g.r.gauss(0.0, 0.7)).round() as i64;
            csat = if g.r.random() > 0.01 { CSAT_LABELS[(cs - 1).clamp(0, 4) as usize] } else { "" };
            for (j, f) in feats.iter_mut().take(5).enumerate() {
                if g.r.random() < FEATURE_P[plan][j] {
                    *f = FEATURES[j];
                }
            }
            if g.r.random() < 0.05 {
                feats[5] = *g.r.choice(OTHER_TEXTS);
            }
        }

        line.clear();
        start_s.clear();
        end_s.clear();
        write_date(&mut start_s, start);
        write_date(&mut end_s, end);
        let (id_s, collector_s) = (id.to_string(), collector.to_string());
        let nps = score.map_or("", |s| NPS_LABELS[usize::from(s)]);
        let fields = [
            id_s.as_str(),
            collector_s.as_str(),
            &start_s,
            &end_s,
            &ip,
            &email,
            first_name,
            last_name,
            &name,
            nps,
            &comment,
            plan_a,
            region_a,
            contact,
            csat,
        ];
        push_row(&mut line, fields.into_iter().chain(feats));
        w.write_all(line.as_bytes())?;
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------ vocabulary
// Copied from the Python generator (shared/tools/gen_surveymonkey.py), same order.

const FIRST_NAMES: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "Michael",
    "Jennifer",
    "David",
    "Linda",
    "Priya",
    "Arjun",
    "Wei",
    "Mei",
    "Kenji",
    "Yuki",
    "Olivia",
    "Noah",
    "Emma",
    "Liam",
    "Sofia",
    "Mateo",
    "José",
    "María",
    "Zoë",
    "Björn",
    "Siobhán",
    "François",
    "Chloé",
    "Jürgen",
    "Łukasz",
    "Søren",
    "Ana",
    "João",
    "Fatima",
    "Omar",
    "Aisha",
    "Chinedu",
    "Ngozi",
    "Lars",
    "Ingrid",
    "Dmitri",
    "Anya",
    "Thanh",
    "Minh",
    "Hyun-woo",
    "Ji-yeon",
    "Sean",
    "Aoife",
    "Raúl",
    "Inés",
];
const LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Patel",
    "Sharma",
    "Wang",
    "Li",
    "Tanaka",
    "Sato",
    "O'Brien",
    "Müller",
    "Schmidt",
    "Fernández",
    "González",
    "Silva",
    "Santos",
    "Nguyễn",
    "Kim",
    "Park",
    "Dubois",
    "Lefèvre",
    "Nowak",
    "Kowalski",
    "Jensen",
    "Hansen",
    "Ivanova",
    "Okafor",
    "Adeyemi",
    "Haddad",
    "Rossi",
    "Bianchi",
    "Van der Berg",
    "MacDonald",
    "Smith-Jones",
    "Çelik",
    "Yılmaz",
    "Andersson",
    "Ødegaard",
];
const COMPANY_ROOTS: &[&str] = &[
    "Northwind",
    "Bluefin",
    "Redwood",
    "Quantum",
    "Pixel",
    "Harbor",
    "Summit",
    "Cobalt",
    "Juniper",
    "Falcon",
    "Meridian",
    "Evergreen",
    "Atlas",
    "Nimbus",
    "Vertex",
    "Lighthouse",
    "Orchard",
    "Granite",
    "Silverline",
    "Keystone",
    "Müller",
    "Øresund",
    "São Bento",
    "Łódź",
    "Zürich",
    "Nordlys",
    "Kōbe",
    "Andes",
    "Pampa",
    "Sakura",
    "Monsoon",
    "Baobab",
    "Tundra",
    "Sirocco",
    "Copper",
    "Willow",
    "Aurora",
    "Beacon",
    "Cascade",
    "Delta",
    "Ember",
];
const COMPANY_KINDS: &[&str] = &[
    "Labs",
    "Systems",
    "Analytics",
    "Logistics",
    "Foods",
    "Health",
    "Software",
    "Consulting",
    "Media",
    "Retail",
    "Energy",
    "Capital",
    "Robotics",
    "Studios",
    "Partners",
    "Group",
    "Works",
    "Cloud",
    "Bank",
    "Insurance",
    "& Sons",
];
const INTEGS: &[&str] = &["Salesforce", "Slack", "HubSpot", "Jira", "Zapier", "Microsoft Teams", "Google Sheets"];
const PEOPLE: &[&str] = &["Zoë", "José", "Priya", "Björn", "Siobhán", "Kenji", "Sam", "Maria", "Chloé", "Raúl"];
const FEATS: &[&str] = &["dashboards", "reports", "exports", "alerts", "segments", "benchmarks", "filters"];
const DURS: &[&str] = &["two days", "a week", "three weeks", "48 hours", "over a month", "10 days"];
const PRICES: &[&str] = &["$49/month", "$1,200 a year", "€99/mo", "£30 per seat", "R$ 250", "¥5,000"];
const OPENERS: &[&str] = &["Honestly, ", "Overall, ", "To be fair, ", "In short: ", "Well, ", "Tbh ", ""];
const JOIN_MIXED: &[&str] = &[" But ", " However, ", " On the other hand, ", " That said, "];
const EMOJI: &[&str] = &["👍", "🙂", "😀", "🚀", "🙏", "❤️", "😡", "👎", "🤷", "🔥", "💯", "😕"];
const EMOJI_POS: &[&str] = &["👍", "🙂", "😀", "🚀", "🙏", "❤️", "🔥", "💯"];
const EMOJI_NEG: &[&str] = &["😡", "👎", "😕", "🤷"];
const OTHER_TEXTS: &[&str] = &[
    "Webhooks",
    "SSO",
    "Audit log",
    "Exports to Excel",
    "Zapier",
    "Custom fields",
    "Alerts, scheduled emails",
    "White-label reports",
    "Benchmarks",
    "SFTP export",
    "Widgets \"embedded\" on our intranet",
    "Anonymisation",
    "Traducción automática",
];
const CONTACT_CHOICES: &[&str] = &[
    "Within the last week",
    "Within the last month",
    "1-3 months ago",
    "More than 3 months ago",
    "I have never contacted support",
];
const CSAT_LABELS: &[&str] =
    &["1 - Very dissatisfied", "2 - Dissatisfied", "3 - Neutral", "4 - Satisfied", "5 - Very satisfied"];
const FEATURES: &[&str] = &["Dashboards", "Reports", "API", "Integrations", "Mobile app"];
/// Company suffixes by region (NA, EMEA, APAC, LATAM).
const COMPANY_SUFFIX: [&[&str]; 4] = [
    &["Inc.", ", Inc.", "LLC", "Corp.", "Co.", ""],
    &["GmbH", "Ltd", "S.A.", "AB", "B.V.", "S.r.l.", "plc", "AG", "& Co. KG", ""],
    &["Pty Ltd", "K.K.", "Pte. Ltd.", "Ltd", "Co., Ltd.", ""],
    &["S.A. de C.V.", "Ltda.", "S.A.", "SpA", "S.R.L.", ""],
];
const EMAIL_TLD: [&[&str]; 4] = [
    &["com", "us", "io"],
    &["de", "co.uk", "fr", "se", "eu", "com"],
    &["com.au", "jp", "sg", "in", "com"],
    &["com.br", "mx", "cl", "com"],
];
/// Sentence templates per topic (order of `TOPICS`): [positive, negative].
const TEMPLATES: [[&[&str]; 2]; 12] = [
    // support
    [
        &[
            "Your support team is amazing, {p} solved my issue in minutes.",
            "Customer service is fast and friendly.",
            "Every support ticket I opened was answered the same day.",
            "The agents actually understand the product, which is rare.",
            "{p} from support went above and beyond for us.",
            "Whenever we get stuck, the folks on chat sort it out quickly.",
            "Great help desk, very responsive.",
        ],
        &[
            "Support takes {d} to answer a simple question.",
            "My ticket was closed without a fix, twice.",
            "Customer service keeps sending canned answers.",
            "Support told me \"it's on the roadmap\" three times now.",
            "Nobody from support followed up after the escalation.",
            "The chat agents just paste links to articles.",
            "It is impossible to reach a human when something breaks.",
        ],
    ],
    // onboarding
    [
        &[
            "Onboarding was smooth and {p} made the setup painless.",
            "We were up and running in a few days, the setup wizard is great.",
            "The training sessions for our team were really useful.",
            "Getting started was easy even for non-technical colleagues.",
            "Implementation went better than expected.",
        ],
        &[
            "Onboarding took {d} longer than promised.",
            "The initial setup is confusing and nobody walked us through it.",
            "Training materials are outdated, our new hires struggle.",
            "Implementation dragged on and we had to chase the team for answers.",
            "Getting started requires way too many steps.",
        ],
    ],
    // pricing
    [
        &[
            "Pricing is fair for what you get.",
            "Good value for money compared to the alternatives.",
            "The Pro plan at {m} pays for itself.",
            "Billing is transparent, no surprises.",
        ],
        &[
            "Too expensive for a small team, {m} is a lot.",
            "The price went up again this year without any new value.",
            "Pricing per seat makes it hard to roll out to the whole company.",
            "Billing charged us twice and it took {d} to get a refund.",
            "The free tier limits are too tight to evaluate properly.",
            "Costs keep creeping up with every renewal.",
            "We can't justify the subscription anymore.",
        ],
    ],
    // bugs
    [
        &["When we report a bug it gets fixed quickly.", "Very few glitches compared to what we used before."],
        &[
            "Too many bugs, the export is broken half the time.",
            "The app crashes when I open large reports.",
            "We keep hitting the same error on the {f} page.",
            "Buggy releases, something breaks after every update.",
            "Filters randomly reset, it's really annoying.",
            "There is a glitch with time zones that corrupts our numbers.",
            "Charts show \"NaN\" for some segments, still not fixed.",
        ],
    ],
    // performance
    [
        &[
            "It's fast, even with our big data sets.",
            "Performance has improved a lot lately.",
            "Dashboards load quickly now.",
        ],
        &[
            "Very slow to load, reports take minutes.",
            "Performance is terrible once you have more than a few thousand rows.",
            "The UI lags constantly, especially on {f}.",
            "Load times are getting worse every month.",
            "Everything feels sluggish compared to last year.",
        ],
    ],
    // integrations
    [
        &[
            "The {i} integration saves us hours every week.",
            "Love that it integrates with {i} and {i2}.",
            "The API is well designed and easy to work with.",
            "Syncing with {i} just works.",
        ],
        &[
            "The {i} integration breaks every few weeks.",
            "No native integration with {i}, which is a deal breaker.",
            "The API is poorly documented and rate limits are too strict.",
            "Data from {i} does not sync reliably.",
            "We had to build our own connector for {i}.",
        ],
    ],
    // documentation
    [
        &[
            "The documentation is clear and full of examples.",
            "The knowledge base answered most of my questions.",
            "Great tutorials and guides.",
        ],
        &[
            "Documentation is outdated and missing key details.",
            "The docs don't match what the product actually does.",
            "I couldn't find anything useful in the knowledge base.",
            "Please write a proper guide for admins.",
        ],
    ],
    // ui
    [
        &[
            "Clean, intuitive interface.",
            "The new dashboard design is beautiful.",
            "Very easy to use, my whole team picked it up.",
            "The UI is simple and gets out of the way.",
            "Navigation makes sense, everything is where I expect it.",
        ],
        &[
            "The interface is cluttered and confusing.",
            "The \"new\" navigation is worse than the old one.",
            "Clunky UI, too many clicks to do basic things.",
            "The layout changed again and nobody can find anything.",
            "Hard to use for people who are not analysts.",
        ],
    ],
    // features
    [
        &[
            "Has every feature we need, especially {f}.",
            "The segmentation features are excellent.",
            "Love the new {f}, exactly what we asked for.",
            "Functionality keeps getting better with every release.",
            "It does everything we need and more.",
        ],
        &[
            "Missing basic features like scheduled exports.",
            "Feature requests sit on the roadmap for years.",
            "We need better {f}, the current functionality is too limited.",
            "Lacks the custom fields we need.",
            "Competitors have more capabilities for the same price.",
        ],
    ],
    // reliability
    [
        &[
            "Rock solid, we've never had downtime.",
            "Very reliable, it just works.",
            "Uptime has been excellent all year.",
        ],
        &[
            "There was another outage last week during our board meeting.",
            "Too much downtime this quarter.",
            "The service was unavailable for hours and status page said nothing.",
            "Not reliable enough for a tool we depend on daily.",
            "Data went missing after the last incident.",
            "Frequent outages make us look bad in front of clients.",
        ],
    ],
    // mobile
    [
        &[
            "The mobile app is great for checking results on the go.",
            "I use it on my phone all the time.",
            "The iOS app is surprisingly good.",
        ],
        &[
            "The mobile app is basically unusable.",
            "The Android app crashes on login.",
            "No offline mode on the phone app.",
        ],
    ],
    // security
    [
        &[
            "SSO setup was easy and our security team is happy.",
            "Permissions are granular, which our compliance people love.",
            "GDPR paperwork was handled quickly.",
        ],
        &[
            "SSO only on Enterprise is a joke.",
            "Permissions are too coarse for our security requirements.",
            "We still don't have SAML and 2FA is optional.",
            "Our compliance review flagged missing audit logs.",
        ],
    ],
];
/// By polarity: positive, neutral, negative.
const GENERIC: [&[&str]; 3] = [
    &[
        "Great product.",
        "Keep up the good work!",
        "Does exactly what we need.",
        "Best tool we've used for this.",
        "Highly recommend it.",
        "Love it.",
        "Our team relies on it every day.",
        "Excellent overall.",
    ],
    &[
        "It's fine.",
        "Works okay for our needs.",
        "Good but not great.",
        "Nothing special, but it does the job.",
        "Some room for improvement.",
        "We're still evaluating it.",
    ],
    &[
        "Not worth it for us right now.",
        "We are looking at alternatives.",
        "Disappointed overall.",
        "Used to be better.",
        "Honestly, I expected more.",
        "Would not recommend at the moment.",
    ],
];
/// By polarity: positive, neutral, negative.
const SHORT: [&[&str]; 3] = [
    &[
        "Great support!",
        "Love it",
        "Easy to use",
        "Great product",
        "Fast and reliable",
        "Awesome",
        "very good",
        "Excellent service",
        "Works great",
    ],
    &["ok", "Fine", "It's ok", "Decent", "Good enough", "meh", "N/A", "-", "no comment"],
    &[
        "Too expensive",
        "Buggy",
        "Slow",
        "Bad support",
        "Not reliable",
        "Too complicated",
        "Missing features",
        "Terrible",
    ],
];
/// By polarity: positive, neutral, negative.
const FOREIGN: [&[&str]; 3] = [
    &[
        "Très bien, merci.",
        "Sehr gut, danke.",
        "¡Excelente servicio!",
        "Muito bom.",
        "非常に使いやすいです。",
        "Очень удобно.",
        "Bardzo dobry produkt.",
        "Grazie mille.",
        "Tack för hjälpen.",
        "Çok iyi.",
    ],
    &["Ça va.", "Geht so.", "Más o menos.", "まあまあです。", "Nada mal."],
    &[
        "Trop cher.",
        "Zu langsam, leider.",
        "Muy caro para lo que ofrece.",
        "Não recomendo.",
        "サポートが遅い。",
        "Слишком дорого.",
        "Très décevant.",
    ],
];
const W_NEG: [f64; 12] = [2.5, 1.0, 3.0, 3.0, 2.8, 1.2, 1.2, 1.5, 2.5, 2.0, 0.8, 0.5];
const W_POS: [f64; 12] = [3.5, 1.5, 1.0, 0.2, 1.2, 2.0, 1.0, 2.5, 2.5, 1.2, 0.8, 0.6];
/// Topic weight multipliers by plan (order of `PLANS`).
const PLAN_TOPIC_BOOST: [[f64; 12]; 4] = [
    [1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.3, 1.0, 1.0, 0.3],
    [1.0, 1.3, 1.4, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    [1.0, 1.0, 1.0, 1.0, 1.2, 1.3, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    [1.3, 1.0, 0.6, 1.0, 1.0, 1.6, 1.0, 1.0, 1.0, 1.0, 1.0, 3.0],
];
const FEATURE_P: [[f64; 5]; 4] = [
    [0.8, 0.35, 0.05, 0.1, 0.3],
    [0.85, 0.55, 0.15, 0.3, 0.35],
    [0.9, 0.75, 0.4, 0.55, 0.4],
    [0.92, 0.85, 0.65, 0.75, 0.45],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips_and_formats_like_surveymonkey() {
        for days in [-1, 0, 59, 365, 10_957, 20_000, 20_454] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(days_from_civil(2024, 10, 1)), (2024, 10, 1));
        let mut s = String::new();
        write_date(&mut s, days_from_civil(2025, 6, 30) * 86_400 + 14 * 3600 + 5 * 60 + 9);
        assert_eq!(s, "06/30/2025 02:05:09 PM");
        s.clear();
        write_date(&mut s, days_from_civil(2025, 1, 2) * 86_400 + 5);
        assert_eq!(s, "01/02/2025 12:00:05 AM", "midnight is 12 AM");
        assert_eq!(quarter_start(1), days_from_civil(2025, 1, 1) * 86_400, "2024-Q4 is followed by 2025-Q1");
    }

    #[test]
    fn text_helpers_follow_the_python_generator() {
        assert_eq!(lc_first("The API is great."), "the API is great.");
        assert_eq!(lc_first("SSO only on Enterprise."), "SSO only on Enterprise.");
        assert_eq!(lc_first("I use it."), "I use it.");
        assert_eq!(ascii_slug("Jürgen"), "jurgen");
        assert_eq!(ascii_slug("Søren"), "sren");
        assert_eq!(ascii_slug("São Bento"), "saobento");
        assert_eq!(ascii_slug("Hyun-woo"), "hyunwoo");
        let mut line = String::new();
        push_row(&mut line, ["a", "b,c", "say \"hi\"", "x\ny", ""]);
        assert_eq!(line, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",\r\n");
    }

    #[test]
    fn same_seed_same_bytes_and_every_row_has_every_column() {
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        write_export(&mut a, 300, 7).unwrap();
        write_export(&mut b, 300, 7).unwrap();
        write_export(&mut c, 300, 8).unwrap();
        assert_eq!(a, b, "a seed fixes the bytes");
        assert_ne!(a, c, "another seed, another file");
        let text = String::from_utf8(a).unwrap();
        assert!(text.starts_with("\u{feff}Respondent ID,Collector ID,"));
        // 2 header rows + 300 rows; comments may hold line breaks, so count the quoted-aware way.
        let (mut rows, mut quoted, mut fields, mut widths) = (0, false, 1, Vec::new());
        let mut chars = text.chars().peekable();
        while let Some(ch) = chars.next() {
            match ch {
                '"' => quoted = !quoted,
                ',' if !quoted => fields += 1,
                '\r' if !quoted && chars.peek() == Some(&'\n') => {
                    chars.next();
                    rows += 1;
                    widths.push(fields);
                    fields = 1;
                }
                _ => {}
            }
        }
        assert_eq!(rows, 302);
        assert!(widths.iter().all(|w| *w == 21), "21 columns in every row");
    }
}
