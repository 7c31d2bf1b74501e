//! The accounts file: one line per account from the CRM (id, name, renewal date, ARR, owner), imported with
//! `npsdesk accounts import` or the Accounts tab. It is matched to a survey's account cells by id, then by
//! name, ignoring case and outer spaces, so an export that names accounts ("Acme Corp") and a CRM file that
//! keys them ("ACC-001", "Acme Corp") meet.
//!
//! The import is all or nothing: a line with no id, an ARR that is not an amount, a renewal date that is not a
//! date, or an id repeated in the file stops it with the file, the line and the reason, and nothing is written.
//! A listed account is replaced by the file's line (the file is the CRM's truth); accounts not in the file stay.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDateTime;
use npsdesk_core::{AccountInfo, AccountsImportReport};
use npsdesk_import::dates::{infer_order, DateParser};
use rusqlite::params;

use crate::followups::local_time;
use crate::{Result, StoreError, Workspace};

/// Largest accounts file read (a CRM export of every account is a few MB).
const MAX_FILE_BYTES: u64 = 64 << 20;

/// The accounts file in memory, looked up by id or name (lower-cased, trimmed).
pub struct AccountBook {
    infos: Vec<AccountInfo>,
    by_key: HashMap<String, usize>,
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl AccountBook {
    pub fn load(ws: &Workspace) -> Result<AccountBook> {
        let infos = ws.account_infos()?;
        let mut by_key = HashMap::new();
        // Names first, then ids over them: an id match wins when a name equals another account's id.
        for (i, info) in infos.iter().enumerate() {
            if let Some(n) = &info.name {
                by_key.entry(key(n)).or_insert(i);
            }
        }
        for (i, info) in infos.iter().enumerate() {
            by_key.insert(key(&info.id), i);
        }
        Ok(AccountBook { infos, by_key })
    }

    pub fn find(&self, account: &str) -> Option<&AccountInfo> {
        self.by_key.get(&key(account)).map(|i| &self.infos[*i])
    }
}

/// Which column of the file holds which field.
#[derive(Default)]
struct Columns {
    id: Option<usize>,
    name: Option<usize>,
    renewal: Option<usize>,
    arr: Option<usize>,
    owner: Option<usize>,
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

impl Columns {
    fn detect(header: &[String]) -> Columns {
        let mut c = Columns::default();
        for (i, h) in header.iter().enumerate() {
            let h = squash(h);
            let slot = match h.as_str() {
                "id" | "accountid" | "account" | "customerid" | "companyid" | "accountkey" => &mut c.id,
                "name" | "accountname" | "company" | "companyname" | "customer" | "customername" => &mut c.name,
                "arr" | "annualrecurringrevenue" | "acv" | "arrusd" | "arreur" | "revenue" => &mut c.arr,
                "owner" | "accountowner" | "csm" | "csowner" | "customersuccessmanager" => &mut c.owner,
                _ if h.contains("renewal") => &mut c.renewal,
                _ => continue,
            };
            slot.get_or_insert(i);
        }
        c
    }
}

/// An amount as CRMs write it: `120000`, `120,000.50`, `120.000,50`, `$120k`, `€1.2M`, `USD 5 000`.
pub(crate) fn parse_amount(text: &str) -> Option<f64> {
    let mut t: String = text.trim().to_string();
    for code in ["USD", "EUR", "GBP", "usd", "eur", "gbp"] {
        t = t.replace(code, "");
    }
    t.retain(|c| !matches!(c, '$' | '€' | '£' | '¥' | ' ' | '\u{a0}' | '\u{202f}' | '_' | '\''));
    let mut factor = 1.0;
    if let Some(last) = t.chars().last() {
        match last {
            'k' | 'K' => factor = 1e3,
            'm' | 'M' => factor = 1e6,
            _ => {}
        }
        if factor != 1.0 {
            t.pop();
        }
    }
    let (comma, dot) = (t.rfind(','), t.rfind('.'));
    let normal = match (comma, dot) {
        (Some(c), Some(d)) if c > d => t.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => t.replace(',', ""),
        // One kind of separator: groups of exactly three digits after it are thousands (`120,000`,
        // `120.000`: an amount of money with three decimals does not occur), anything else is decimal.
        (Some(_), None) | (None, Some(_)) => {
            let sep = if comma.is_some() { ',' } else { '.' };
            let groups: Vec<&str> = t.split(sep).collect();
            let thousands = (1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3);
            if thousands {
                t.replace(sep, "")
            } else if groups.len() == 2 {
                t.replace(sep, ".")
            } else {
                return None;
            }
        }
        _ => t,
    };
    if normal.is_empty() || !normal.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let v: f64 = normal.parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v * factor)
}

/// The file's text: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252 (an Excel "CSV" on Windows).
fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding.decode_without_bom_handling(&bytes[bom..]).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

impl Workspace {
    /// Every account of the accounts file, by id.
    pub fn account_infos(&self) -> Result<Vec<AccountInfo>> {
        let mut stmt =
            self.conn().prepare_cached("SELECT id, name, renewal_date, arr, owner FROM account_info ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(AccountInfo {
                id: r.get(0)?,
                name: r.get(1)?,
                renewal_date: r.get(2)?,
                arr: r.get(3)?,
                owner: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The accounts file's line for an account cell (by id, then name).
    pub fn account_info(&self, account: &str) -> Result<Option<AccountInfo>> {
        Ok(AccountBook::load(self)?.find(account).cloned())
    }

    /// Imports an accounts CSV (see the module documentation): all lines or none.
    pub fn import_accounts(&mut self, path: &Path, now: NaiveDateTime) -> Result<AccountsImportReport> {
        let file = path.display().to_string();
        let fail = |line: u64, reason: String| StoreError::AccountsFile { file: file.clone(), line, reason };
        let io = |e: std::io::Error| fail(0, e.to_string());
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > MAX_FILE_BYTES {
            return Err(fail(
                0,
                format!("{size} bytes is more than an accounts file can be ({MAX_FILE_BYTES} at most)"),
            ));
        }
        let text = decode(&std::fs::read(path).map_err(io)?);
        let first = text.lines().next().unwrap_or_default();
        let delimiter =
            [b',', b';', b'\t'].into_iter().max_by_key(|d| first.bytes().filter(|b| b == d).count()).unwrap_or(b',');
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                fail(line, e.to_string())
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            records.push((line, rec.iter().map(|c| c.trim().to_string()).collect::<Vec<String>>()));
        }
        let Some((_, header)) = records.first().cloned() else {
            return Err(fail(
                1,
                "the file is empty: a header line (id, name, renewal date, ARR, owner) comes first".into(),
            ));
        };
        let cols = Columns::detect(&header);
        let id_col = cols.id.or(cols.name).ok_or_else(|| {
            fail(
                1,
                format!(
                    "no id or name column; the header is {}: name one column id (or account) or name",
                    header.iter().map(|h| format!("{h:?}")).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let cell = |row: &[String], c: Option<usize>| c.and_then(|c| row.get(c)).filter(|v| !v.is_empty()).cloned();
        let body: Vec<&(u64, Vec<String>)> =
            records[1..].iter().filter(|(_, r)| r.iter().any(|c| !c.is_empty())).collect();
        // Renewal dates written 03/04/2026 are read in the order the whole column shows.
        let order = infer_order(
            body.iter().filter_map(|(_, r)| cell(r, cols.renewal)).collect::<Vec<_>>().iter().map(String::as_str),
        )
        .order;
        let dates = DateParser::new(order);
        let mut infos: Vec<AccountInfo> = Vec::new();
        let mut seen: HashMap<String, u64> = HashMap::new();
        for (line, row) in &body {
            let line = *line;
            let id = cell(row, Some(id_col))
                .ok_or_else(|| fail(line, format!("the account has no {:?}", header[id_col])))?;
            if let Some(before) = seen.insert(key(&id), line) {
                return Err(fail(line, format!("account {id:?} is already on line {before}")));
            }
            let arr = match cell(row, cols.arr) {
                None => None,
                Some(a) => Some(parse_amount(&a).ok_or_else(|| fail(line, format!("ARR {a:?} is not an amount")))?),
            };
            let renewal_date = match cell(row, cols.renewal) {
                None => None,
                Some(d) => Some(
                    dates
                        .parse(&d)
                        .ok_or_else(|| fail(line, format!("renewal date {d:?} is not a date")))?
                        .format("%Y-%m-%d")
                        .to_string(),
                ),
            };
            infos.push(AccountInfo {
                name: cell(row, cols.name).filter(|_| cols.id.is_some()),
                id,
                renewal_date,
                arr,
                owner: cell(row, cols.owner),
            });
        }
        let at = local_time(now);
        let store_path = self.path.clone();
        let run = |conn: &mut rusqlite::Connection| -> Result<(u32, u32)> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let (mut added, mut updated) = (0u32, 0u32);
            {
                let mut exists = tx.prepare("SELECT 1 FROM account_info WHERE id = ?1")?;
                let mut upsert = tx.prepare(
                    "INSERT INTO account_info (id, name, renewal_date, arr, owner, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (id) DO UPDATE SET name = ?2, renewal_date = ?3, arr = ?4, owner = ?5, imported_at = ?6",
                )?;
                for i in &infos {
                    if exists.exists([&i.id])? {
                        updated += 1;
                    } else {
                        added += 1;
                    }
                    upsert.execute(params![i.id, i.name, i.renewal_date, i.arr, i.owner, at])?;
                }
            }
            tx.commit()?;
            Ok((added, updated))
        };
        let (added, updated) = run(&mut self.conn).map_err(|e| crate::classify_store(e, store_path.as_deref()))?;
        let named = |c: Option<usize>, field: &str| c.map(|c| format!("{field} ← {:?}", header[c]));
        Ok(AccountsImportReport {
            file,
            rows: infos.len() as u32,
            added,
            updated,
            columns: [
                named(Some(id_col), "id"),
                named(cols.id.and(cols.name), "name"),
                named(cols.renewal, "renewal date"),
                named(cols.arr, "ARR"),
                named(cols.owner, "owner"),
            ]
            .into_iter()
            .flatten()
            .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_crms_write_them() {
        let cases = [
            ("120000", Some(120000.0)),
            ("120,000", Some(120000.0)),
            ("1,200,000.50", Some(1200000.5)),
            ("1.200.000,50", Some(1200000.5)),
            ("12,5", Some(12.5)),
            ("120.000", Some(120000.0)),
            ("99.5", Some(99.5)),
            ("1.2.3", None),
            ("$120k", Some(120000.0)),
            ("€1.2M", Some(1200000.0)),
            ("USD 5 000", Some(5000.0)),
            ("abc", None),
            ("-5", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_amount(text), want, "{text:?}");
        }
    }
}
