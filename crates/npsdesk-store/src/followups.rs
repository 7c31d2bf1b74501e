//! Follow-up work kept in the workspace: the detractor (and optionally passive) queue and promoter asks.
//!
//! An item is a response of the survey whose current score is in the follow-up range (0–6, or 0–8 with
//! passives), or a response someone has already worked on. Its id is the response's id. Items are not written
//! at import: an untouched item is read from its response (made at the time of the import that wrote the
//! response, due [`add_business_days`] later by the workspace's SLA), and it gets a `followup` row the first
//! time a person changes it ([`Workspace::update_followup`], one transaction that also appends to its log).
//! So, with no work at import time (an earlier design that wrote every item in the import's transaction cost
//! 3.5 s of a 1M-row import):
//!
//! - a re-import of the same file, or a new wave, keeps every status, owner and note (the rows are keyed by
//!   the response, which a re-import updates in place);
//! - when a later wave (or switching passives off) moves a respondent out of the range, an untouched item is
//!   no longer an item, and a worked one stays and reads "score changed" (its score when first worked on is
//!   kept);
//! - a later wave that replaces an untouched response restarts its clock (made at that import).

use chrono::{NaiveDate, NaiveDateTime};
use npsdesk_core::{
    add_business_days, FollowupCounts, FollowupEvent, FollowupEventKind, FollowupItem, FollowupList, FollowupQuery,
    FollowupSettings, FollowupSort, FollowupStatus, FollowupUpdate, PromoterAsk, PromoterCounts, PromoterList,
    PromoterRow, PromoterUpdate,
};
use rusqlite::{params, Connection, OptionalExtension};

use crate::accounts::AccountBook;
use crate::{pack, Result, StoreError, Workspace};

/// Longest owner name and note accepted (a note is a paragraph, not a document).
const MAX_OWNER_CHARS: usize = 200;
const MAX_NOTE_CHARS: usize = 20_000;

pub(crate) fn local_time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

pub(crate) fn settings(conn: &Connection) -> Result<FollowupSettings> {
    Ok(conn.query_row("SELECT sla_business_days, include_passives FROM followup_setting WHERE id = 1", [], |r| {
        Ok(FollowupSettings { sla_business_days: r.get(0)?, include_passives: r.get(1)? })
    })?)
}

/// `import.imported_at` (UTC, as SQLite's `datetime('now')` writes it) as local time.
fn import_time_local(utc: &str) -> Option<NaiveDateTime> {
    let t = NaiveDateTime::parse_from_str(utc, "%Y-%m-%d %H:%M:%S").ok()?;
    Some(t.and_utc().with_timezone(&chrono::Local).naive_local())
}

/// When an untouched item was made (its response's import, local time) and when it is due.
fn made_and_due(imported_at: Option<&str>, sla: u32) -> (String, String) {
    let made = imported_at.and_then(import_time_local).unwrap_or_else(|| chrono::Local::now().naive_local());
    (local_time(made), add_business_days(made.date(), sla).format("%Y-%m-%d").to_string())
}

/// How to read the account cell of a survey's responses.
struct AccountCells {
    position: Option<usize>,
    comment_pos: Option<usize>,
    values: Option<Vec<String>>,
}

impl AccountCells {
    fn of(ws: &Workspace, survey_id: i64) -> Result<AccountCells> {
        let (comment_pos, values) = ws.packing(survey_id)?;
        let name = ws.account_column(survey_id)?.unwrap_or_else(|| "Custom Data 1".to_string());
        let position = crate::resolve_column(&ws.columns(survey_id)?, &name).map(|c| c.position as usize);
        Ok(AccountCells { position, comment_pos, values })
    }

    fn read(&self, blob: &[u8], key: &str) -> Option<String> {
        let want = self.position?;
        let mut out = None;
        pack::for_each_cell_as(blob, self.comment_pos, crate::read::packing(&self.values, key), |pos, text| {
            if pos == want && !text.trim().is_empty() {
                out = Some(text.trim().to_string());
            }
        });
        out
    }
}

fn today_string(today: NaiveDate) -> String {
    today.format("%Y-%m-%d").to_string()
}

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::InvalidInput(message.into())
}

/// A row of `followup` joined with its response, before the log is read.
struct Row {
    item: FollowupItem,
    created: Option<NaiveDateTime>,
    first_contact: Option<NaiveDateTime>,
}

/// An item's status, owner, due date, outcome and first-contact time, as stored.
type Current = (String, Option<String>, String, Option<String>, Option<String>);

fn parse_local(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok()
}

impl Workspace {
    pub fn followup_settings(&self) -> Result<FollowupSettings> {
        settings(self.conn())
    }

    /// Saves the settings. Items are read through them, so switching passives on lists their items at once
    /// and switching it off drops the untouched ones (worked ones stay); a new SLA applies to untouched items.
    pub fn set_followup_settings(&mut self, s: FollowupSettings) -> Result<FollowupSettings> {
        if s.sla_business_days > FollowupSettings::MAX_SLA {
            return Err(invalid(format!(
                "the follow-up SLA is 0 to {} business days, not {}",
                FollowupSettings::MAX_SLA,
                s.sla_business_days
            )));
        }
        self.conn()
            .execute(
                "UPDATE followup_setting SET sla_business_days = ?1, include_passives = ?2 WHERE id = 1",
                params![s.sla_business_days, s.include_passives],
            )
            .map_err(|e| crate::classify_store(e.into(), self.path()))?;
        self.followup_settings()
    }

    /// Every item of the survey (or the one of response `only`) with its response, in no particular order
    /// (the log not read yet): responses in the range, and responses with a `followup` row whatever their score.
    fn followup_rows(&self, survey_id: i64, only: Option<i64>, today: NaiveDate) -> Result<Vec<Row>> {
        let cells = AccountCells::of(self, survey_id)?;
        let book = AccountBook::load(self)?;
        let s = settings(self.conn())?;
        let today = today_string(today);
        // One scan of the survey's responses, a primary-key probe of `followup` and `import` each.
        // One item is found by its primary key; `?2 IS NULL OR r.id = ?2` would scan the survey for it.
        let which = if only.is_some() { "r.id = ?2 AND r.survey_id = ?1" } else { "r.survey_id = ?1 AND ?2 IS NULL" };
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT r.id, r.respondent_key, r.score, f.score_at_creation, r.comment, r.responded_at,
                    f.status, f.owner, f.due, f.created_at, f.first_contact_at, f.outcome, r.cells, i.imported_at,
                    f.response_id IS NOT NULL
             FROM response r
             LEFT JOIN followup f ON f.response_id = r.id
             LEFT JOIN import i ON i.id = r.import_id
             WHERE {which} AND (r.score <= ?3 OR f.response_id IS NOT NULL)"
        ))?;
        let mut rows = stmt.query(params![survey_id, only, s.max_score()])?;
        let mut out = Vec::new();
        // Untouched items of one import share their times: worked out once per import, not per item.
        let mut times: std::collections::HashMap<Option<String>, (String, String)> = Default::default();
        while let Some(r) = rows.next()? {
            let key: String = r.get(1)?;
            let blob: &[u8] = match r.get_ref(12)? {
                rusqlite::types::ValueRef::Blob(b) => b,
                _ => &[],
            };
            let account = cells.read(blob, &key);
            let worked: bool = r.get(14)?;
            let score: Option<u8> = r.get(2)?;
            let (status, owner, due, created_at, first_contact_at, outcome, score_at_creation) = if worked {
                let status_text: String = r.get(6)?;
                (
                    FollowupStatus::parse(&status_text).unwrap_or(FollowupStatus::Open),
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, Option<String>>(11)?,
                    r.get::<_, u8>(3)?,
                )
            } else {
                let imported_at: Option<String> = r.get(13)?;
                let (made, due) = times
                    .entry(imported_at)
                    .or_insert_with_key(|at| made_and_due(at.as_deref(), s.sla_business_days))
                    .clone();
                (FollowupStatus::Open, None, due, made, None, None, score.unwrap_or(0))
            };
            out.push(Row {
                created: parse_local(&created_at),
                first_contact: first_contact_at.as_deref().and_then(parse_local),
                item: FollowupItem {
                    id: r.get(0)?,
                    response_id: r.get(0)?,
                    respondent_id: key,
                    arr: account.as_deref().and_then(|a| book.find(a)).and_then(|i| i.arr),
                    account,
                    score,
                    score_at_creation,
                    score_changed: score != Some(score_at_creation),
                    comment: r.get(4)?,
                    responded_at: crate::read::iso(r.get(5)?),
                    status,
                    next: status.next(),
                    owner,
                    overdue: status.is_waiting() && due < today,
                    due,
                    created_at,
                    first_contact_at,
                    outcome,
                    notes: Vec::new(),
                    events: Vec::new(),
                },
            });
        }
        Ok(out)
    }

    fn fill_log(&self, item: &mut FollowupItem) -> Result<()> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT at, kind, text FROM followup_event WHERE followup_id = ?1 ORDER BY id")?;
        let events = stmt
            .query_map([item.id], |r| {
                let kind: String = r.get(1)?;
                Ok(FollowupEvent {
                    at: r.get(0)?,
                    kind: FollowupEventKind::parse(&kind).unwrap_or(FollowupEventKind::Note),
                    text: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        item.notes = events.iter().filter(|e| e.kind == FollowupEventKind::Note).cloned().collect();
        item.events = events;
        Ok(())
    }

    /// The queue of a survey: the items `q` selects, sorted and paged, with counts over all items.
    pub fn followups(&self, survey_id: i64, q: &FollowupQuery, today: NaiveDate) -> Result<FollowupList> {
        self.survey(survey_id)?;
        let rows = self.followup_rows(survey_id, None, today)?;
        let mut counts = FollowupCounts { total: rows.len() as u32, ..FollowupCounts::default() };
        let mut hours: Vec<f64> = Vec::new();
        for row in &rows {
            let it = &row.item;
            match it.status {
                FollowupStatus::Open => counts.open += 1,
                FollowupStatus::Contacted => counts.contacted += 1,
                FollowupStatus::Resolved => counts.resolved += 1,
                FollowupStatus::WontFix => counts.wont_fix += 1,
            }
            counts.overdue += u32::from(it.overdue);
            counts.score_changed += u32::from(it.score_changed);
            if let (Some(c), Some(f)) = (row.created, row.first_contact) {
                hours.push((f - c).num_seconds().max(0) as f64 / 3600.0);
            }
        }
        counts.median_hours_to_first_contact = median(&mut hours);

        let owner = q.owner.as_deref().map(str::trim);
        let mut items: Vec<FollowupItem> = rows
            .into_iter()
            .map(|r| r.item)
            .filter(|it| q.status.is_empty() || q.status.contains(&it.status))
            .filter(|it| match owner {
                None => true,
                Some("") => it.owner.is_none(),
                Some(o) => it.owner.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(o)),
            })
            .filter(|it| q.account.as_deref().is_none_or(|a| it.account.as_deref() == Some(a.trim())))
            .filter(|it| !q.overdue_only || it.overdue)
            .collect();
        let oldest = |a: &FollowupItem, b: &FollowupItem| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id));
        match q.sort {
            FollowupSort::OldestOpen => items.sort_by(|a, b| {
                (!a.status.is_waiting())
                    .cmp(&!b.status.is_waiting())
                    .then_with(|| if a.status.is_waiting() { oldest(a, b) } else { a.due.cmp(&b.due) })
                    .then(a.id.cmp(&b.id))
            }),
            FollowupSort::Due => items.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| oldest(a, b))),
            FollowupSort::AccountValue => items.sort_by(|a, b| {
                let arr = |x: &FollowupItem| x.arr.unwrap_or(-1.0);
                arr(b).total_cmp(&arr(a)).then_with(|| oldest(a, b))
            }),
            FollowupSort::Score => {
                items.sort_by(|a, b| a.score.unwrap_or(11).cmp(&b.score.unwrap_or(11)).then_with(|| oldest(a, b)))
            }
        }
        let matching = items.len() as u32;
        let start = (q.offset as usize).min(items.len());
        let end = q.limit.map_or(items.len(), |l| (start + l as usize).min(items.len()));
        let mut page: Vec<FollowupItem> = items.drain(start..end).collect();
        for it in &mut page {
            self.fill_log(it)?;
        }
        Ok(FollowupList {
            items: page,
            matching,
            counts,
            settings: self.followup_settings()?,
            today: today_string(today),
        })
    }

    /// One item with its log (`id` is its response's id).
    pub fn followup(&self, id: i64, today: NaiveDate) -> Result<FollowupItem> {
        let survey_id: i64 = self
            .conn()
            .query_row("SELECT survey_id FROM response WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NoFollowup(id))?;
        let mut item = self.followup_rows(survey_id, Some(id), today)?.pop().ok_or(StoreError::NoFollowup(id))?.item;
        self.fill_log(&mut item)?;
        Ok(item)
    }

    /// Applies a person's change to an item in one transaction, logging each field that changed. A status
    /// change must be allowed by [`FollowupStatus::can_move_to`]; leaving "open" for the first time sets the
    /// first-contact time.
    pub fn update_followup(&mut self, id: i64, u: &FollowupUpdate, now: NaiveDateTime) -> Result<FollowupItem> {
        if u.is_empty() {
            return Err(invalid("nothing to change: give a status, owner, due date, outcome or note"));
        }
        let owner = u.owner.as_deref().map(str::trim);
        if owner.is_some_and(|o| o.chars().count() > MAX_OWNER_CHARS) {
            return Err(invalid(format!("an owner is at most {MAX_OWNER_CHARS} characters")));
        }
        let note = u.note.as_deref().map(str::trim);
        if note == Some("") {
            return Err(invalid("the note is empty"));
        }
        let outcome = u.outcome.as_deref().map(str::trim);
        for text in [note, outcome].into_iter().flatten() {
            if text.chars().count() > MAX_NOTE_CHARS {
                return Err(invalid(format!("a note or outcome is at most {MAX_NOTE_CHARS} characters")));
            }
        }
        let due = match u.due.as_deref().map(str::trim) {
            None => None,
            Some(d) => Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| invalid(format!("the due date {d:?} is not a date like 2026-11-25")))?
                    .format("%Y-%m-%d")
                    .to_string(),
            ),
        };
        let at = local_time(now);
        let path = self.path.clone();
        // The item as it reads now (an untouched one has no row yet): its row is written with these values.
        let before = self.followup(id, now.date())?;
        let run = |conn: &mut Connection| -> Result<()> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO followup (response_id, survey_id, created_at, score_at_creation, due)
                 SELECT r.id, r.survey_id, ?2, ?3, ?4 FROM response r WHERE r.id = ?1
                 ON CONFLICT (response_id) DO NOTHING",
                params![id, before.created_at, before.score_at_creation, before.due],
            )?;
            let current: Option<Current> = tx
                .query_row(
                    "SELECT status, owner, due, outcome, first_contact_at FROM followup WHERE response_id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()?;
            let (status, old_owner, old_due, old_outcome, first_contact) = current.ok_or(StoreError::NoFollowup(id))?;
            let from = FollowupStatus::parse(&status).unwrap_or(FollowupStatus::Open);
            let log = |kind: FollowupEventKind, text: &str| -> Result<()> {
                tx.execute(
                    "INSERT INTO followup_event (followup_id, at, kind, text) VALUES (?1, ?2, ?3, ?4)",
                    params![id, at, kind.as_str(), text],
                )?;
                Ok(())
            };
            if let Some(to) = u.status.filter(|to| *to != from) {
                if !from.can_move_to(to) {
                    let next: Vec<&str> = from.next().into_iter().map(FollowupStatus::label).collect();
                    return Err(StoreError::Transition {
                        id,
                        from: from.label(),
                        to: to.label(),
                        allowed: next.join(", "),
                    });
                }
                let first = if from == FollowupStatus::Open && first_contact.is_none() { Some(&at) } else { None };
                tx.execute(
                    "UPDATE followup SET status = ?2, first_contact_at = coalesce(first_contact_at, ?3) WHERE response_id = ?1",
                    params![id, to.as_str(), first],
                )?;
                log(FollowupEventKind::Status, &format!("{} → {}", from.label(), to.label()))?;
            }
            if let Some(o) =
                owner.filter(|o| Some(*o) != old_owner.as_deref() && !(o.is_empty() && old_owner.is_none()))
            {
                tx.execute(
                    "UPDATE followup SET owner = ?2 WHERE response_id = ?1",
                    params![id, (!o.is_empty()).then_some(o)],
                )?;
                log(FollowupEventKind::Owner, if o.is_empty() { "owner cleared" } else { o })?;
            }
            if let Some(d) = due.as_deref().filter(|d| *d != old_due) {
                tx.execute("UPDATE followup SET due = ?2 WHERE response_id = ?1", params![id, d])?;
                log(FollowupEventKind::Due, &format!("due {old_due} → {d}"))?;
            }
            if let Some(o) =
                outcome.filter(|o| Some(*o) != old_outcome.as_deref() && !(o.is_empty() && old_outcome.is_none()))
            {
                tx.execute(
                    "UPDATE followup SET outcome = ?2 WHERE response_id = ?1",
                    params![id, (!o.is_empty()).then_some(o)],
                )?;
                log(FollowupEventKind::Outcome, if o.is_empty() { "outcome cleared" } else { o })?;
            }
            if let Some(n) = note {
                log(FollowupEventKind::Note, n)?;
            }
            tx.commit()?;
            Ok(())
        };
        run(&mut self.conn).map_err(|e| crate::classify_store(e, path.as_deref()))?;
        self.followup(id, now.date())
    }

    /// Promoters (9–10) of the survey who left a comment, newest first, with their ask.
    pub fn promoters(
        &self,
        survey_id: i64,
        asks: &[PromoterAsk],
        offset: u32,
        limit: Option<u32>,
    ) -> Result<PromoterList> {
        self.promoter_list(survey_id, asks, offset, limit, None)
    }

    /// [`Workspace::promoters`], or only the promoter of response `only` (found by its primary key; the
    /// counts are then of that one row).
    fn promoter_list(
        &self,
        survey_id: i64,
        asks: &[PromoterAsk],
        offset: u32,
        limit: Option<u32>,
        only: Option<i64>,
    ) -> Result<PromoterList> {
        self.survey(survey_id)?;
        let cells = AccountCells::of(self, survey_id)?;
        let book = AccountBook::load(self)?;
        let which = if only.is_some() { "r.id = ?2 AND r.survey_id = ?1" } else { "r.survey_id = ?1 AND ?2 IS NULL" };
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT r.id, r.respondent_key, r.score, r.comment, r.responded_at,
                    coalesce(p.ask, 'not_asked'), p.owner, p.note, p.updated_at, r.cells
             FROM response r LEFT JOIN promoter_ask p ON p.response_id = r.id
             WHERE {which} AND r.score >= 9 AND trim(coalesce(r.comment, '')) <> ''
             ORDER BY r.responded_at IS NULL, r.responded_at DESC, r.id DESC"
        ))?;
        let mut rows = stmt.query(params![survey_id, only])?;
        let mut counts = PromoterCounts::default();
        let mut items = Vec::new();
        let mut matching = 0u32;
        let end = limit.map_or(u32::MAX, |l| offset.saturating_add(l));
        while let Some(r) = rows.next()? {
            let ask_text: String = r.get(5)?;
            let ask = PromoterAsk::parse(&ask_text).unwrap_or(PromoterAsk::NotAsked);
            counts.total += 1;
            match ask {
                PromoterAsk::NotAsked => counts.not_asked += 1,
                PromoterAsk::Asked => counts.asked += 1,
                PromoterAsk::Agreed => counts.agreed += 1,
                PromoterAsk::Declined => counts.declined += 1,
            }
            if !asks.is_empty() && !asks.contains(&ask) {
                continue;
            }
            matching += 1;
            if matching <= offset || matching > end {
                continue;
            }
            let key: String = r.get(1)?;
            let blob: &[u8] = match r.get_ref(9)? {
                rusqlite::types::ValueRef::Blob(b) => b,
                _ => &[],
            };
            let account = cells.read(blob, &key);
            items.push(PromoterRow {
                response_id: r.get(0)?,
                respondent_id: key,
                arr: account.as_deref().and_then(|a| book.find(a)).and_then(|i| i.arr),
                account,
                score: r.get(2)?,
                comment: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                responded_at: crate::read::iso(r.get(4)?),
                ask,
                owner: r.get(6)?,
                note: r.get(7)?,
                updated_at: r.get(8)?,
            });
        }
        Ok(PromoterList { items, matching, counts })
    }

    /// Records a promoter's ask (a response of 9–10 with a comment).
    pub fn update_promoter(&mut self, response_id: i64, u: &PromoterUpdate, now: NaiveDateTime) -> Result<PromoterRow> {
        let found: Option<(i64, Option<u8>, Option<String>)> = self
            .conn()
            .query_row("SELECT survey_id, score, comment FROM response WHERE id = ?1", [response_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (survey_id, score, comment) = found.ok_or_else(|| invalid(format!("no response with id {response_id}")))?;
        if score.is_none_or(|s| s < 9) || comment.as_deref().is_none_or(|c| c.trim().is_empty()) {
            return Err(invalid(format!(
                "response {response_id} is not a promoter with a comment (score {})",
                score.map_or("none".to_string(), |s| s.to_string())
            )));
        }
        let clean = |s: Option<&String>, max: usize, what: &str| -> Result<Option<Option<String>>> {
            match s.map(|s| s.trim()) {
                None => Ok(None),
                Some(t) if t.chars().count() > max => Err(invalid(format!("{what} is at most {max} characters"))),
                Some("") => Ok(Some(None)),
                Some(t) => Ok(Some(Some(t.to_string()))),
            }
        };
        let owner = clean(u.owner.as_ref(), MAX_OWNER_CHARS, "an owner")?;
        let note = clean(u.note.as_ref(), MAX_NOTE_CHARS, "a note")?;
        let path = self.path.clone();
        self.conn()
            .execute(
                "INSERT INTO promoter_ask (response_id, ask, owner, note, updated_at)
                 VALUES (?1, coalesce(?2, 'not_asked'), ?4, ?6, ?7)
                 ON CONFLICT (response_id) DO UPDATE SET
                   ask = coalesce(?2, ask),
                   owner = CASE WHEN ?3 THEN ?4 ELSE owner END,
                   note = CASE WHEN ?5 THEN ?6 ELSE note END,
                   updated_at = ?7",
                params![
                    response_id,
                    u.ask.map(PromoterAsk::as_str),
                    owner.is_some(),
                    owner.clone().flatten(),
                    note.is_some(),
                    note.clone().flatten(),
                    local_time(now)
                ],
            )
            .map_err(|e| crate::classify_store(e.into(), path.as_deref()))?;
        let list = self.promoter_list(survey_id, &[], 0, None, Some(response_id))?;
        list.items.into_iter().find(|p| p.response_id == response_id).ok_or_else(|| invalid("the promoter vanished"))
    }
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 })
}
