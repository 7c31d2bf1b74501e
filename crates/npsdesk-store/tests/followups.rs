//! The follow-up queue, promoter asks and the accounts file, through real imports into a workspace file:
//! item creation and due dates, status transitions, survival across re-imports and later waves, the
//! passives setting, counts (overdue, median time to first contact), promoters, and the accounts import.

use std::path::{Path, PathBuf};

use chrono::{Duration, Local, NaiveDate, NaiveDateTime};
use npsdesk_core::{
    add_business_days, FollowupQuery, FollowupSettings, FollowupSort, FollowupStatus, FollowupUpdate, PromoterAsk,
    PromoterUpdate,
};
use npsdesk_import::ImportOptions;
use npsdesk_store::{ImportControl, StoreError, Workspace};

const HEADER: &str = "Respondent ID,Collector ID,Start Date,End Date,Custom Data 1,How likely is it that you would recommend Acme to a friend or colleague?,What is the primary reason for your score?\r\n,,,,,Response,Open-Ended Response\r\n";

/// A SurveyMonkey export of `(respondent, account, score, comment)` rows, one day apart from the 1st of
/// `month` 2025 (a later wave is dated later, so its answers replace the earlier ones).
fn export_in(month: u32, dir: &Path, name: &str, rows: &[(&str, &str, u8, &str)]) -> PathBuf {
    let mut text = HEADER.to_string();
    for (i, (id, account, score, comment)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{id},C1,{month:02}/{d:02}/2025 09:00:00 AM,{month:02}/{d:02}/2025 09:05:00 AM,{account},{score},\"{comment}\"\r\n",
            d = i + 1
        ));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn export(dir: &Path, name: &str, rows: &[(&str, &str, u8, &str)]) -> PathBuf {
    export_in(3, dir, name, rows)
}

fn import(ws: &mut Workspace, path: &Path) -> npsdesk_core::ImportReport {
    ws.import_file(path, &ImportOptions::default(), &mut |_| ImportControl::Continue).unwrap()
}

const WAVE_1: &[(&str, &str, u8, &str)] = &[
    ("r1", "Globex", 3, "Too slow"),
    ("r2", "Initech", 6, "Pricey"),
    ("r3", "Initech", 7, "Fine"),
    ("r4", "Globex", 9, "Love the support team"),
    ("r5", "Umbrella", 0, "Broken sync"),
    ("r6", "Umbrella", 10, ""),
];

fn all(ws: &Workspace, today: NaiveDate) -> Vec<npsdesk_core::FollowupItem> {
    ws.followups(1, &FollowupQuery::default(), today).unwrap().items
}

fn by_respondent<'a>(items: &'a [npsdesk_core::FollowupItem], id: &str) -> Option<&'a npsdesk_core::FollowupItem> {
    items.iter().find(|i| i.respondent_id == id)
}

fn today() -> NaiveDate {
    Local::now().date_naive()
}

fn at(item: &npsdesk_core::FollowupItem, hours: i64) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(&item.created_at, "%Y-%m-%dT%H:%M:%S").unwrap() + Duration::hours(hours)
}

#[test]
fn detractors_get_items_due_after_the_sla_in_business_days() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
    import(&mut ws, &export(dir.path(), "w1.csv", WAVE_1));
    let items = all(&ws, today());
    let mut who: Vec<&str> = items.iter().map(|i| i.respondent_id.as_str()).collect();
    who.sort();
    assert_eq!(who, ["r1", "r2", "r5"], "the three detractors (0–6), not the passive or the promoters");
    let due = add_business_days(today(), 2).format("%Y-%m-%d").to_string();
    for i in &items {
        assert_eq!((i.status, i.due.as_str(), i.overdue), (FollowupStatus::Open, due.as_str(), false));
        assert!(!i.score_changed && i.owner.is_none() && i.events.is_empty());
    }
    let r1 = by_respondent(&items, "r1").unwrap();
    assert_eq!((r1.account.as_deref(), r1.score, r1.comment.as_deref()), (Some("Globex"), Some(3), Some("Too slow")));
    assert_eq!(r1.responded_at.as_deref(), Some("2025-03-01T09:05:00"));
    assert_eq!(r1.next, [FollowupStatus::Contacted, FollowupStatus::Resolved, FollowupStatus::WontFix]);

    // Work on r1 fixes its due date; a 3-day SLA then applies to the untouched items.
    let r1_id = r1.id;
    let note = FollowupUpdate { note: Some("seen".into()), ..Default::default() };
    ws.update_followup(r1_id, &note, Local::now().naive_local()).unwrap();
    ws.set_followup_settings(FollowupSettings { sla_business_days: 3, include_passives: false }).unwrap();
    import(&mut ws, &export(dir.path(), "w2.csv", &[("r7", "Hooli", 4, "Meh")]));
    let items = all(&ws, today());
    let three = add_business_days(today(), 3).format("%Y-%m-%d").to_string();
    assert_eq!(by_respondent(&items, "r7").unwrap().due, three);
    assert_eq!(by_respondent(&items, "r2").unwrap().due, three);
    assert_eq!(by_respondent(&items, "r1").unwrap().due, due, "a worked item keeps its due date");
    // An SLA beyond the bound is refused.
    let e = ws.set_followup_settings(FollowupSettings { sla_business_days: 61, include_passives: false });
    assert!(matches!(e, Err(StoreError::InvalidInput(_))), "{e:?}");
    // Nothing to follow up: a promoter's response is not an item.
    let e = ws.update_followup(by_respondent_response(&ws, "r4"), &note, Local::now().naive_local());
    assert!(matches!(e, Err(StoreError::NoFollowup(_))), "{e:?}");
}

/// The response id of a promoter with a comment.
fn by_respondent_response(ws: &Workspace, id: &str) -> i64 {
    let p = ws.promoters(1, &[], 0, None).unwrap();
    p.items.iter().find(|p| p.respondent_id == id).map(|p| p.response_id).unwrap()
}

#[test]
fn status_changes_follow_the_rules_and_are_logged() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
    import(&mut ws, &export(dir.path(), "w1.csv", WAVE_1));
    let items = all(&ws, today());
    let r1 = by_respondent(&items, "r1").unwrap().clone();

    let contacted = ws
        .update_followup(
            r1.id,
            &FollowupUpdate {
                status: Some(FollowupStatus::Contacted),
                owner: Some(" Dana ".into()),
                note: Some("Called, slow exports on big projects".into()),
                ..Default::default()
            },
            at(&r1, 5),
        )
        .unwrap();
    assert_eq!(contacted.status, FollowupStatus::Contacted);
    assert_eq!(contacted.owner.as_deref(), Some("Dana"), "trimmed");
    assert_eq!(contacted.first_contact_at, Some(at(&r1, 5).format("%Y-%m-%dT%H:%M:%S").to_string()));
    let kinds: Vec<&str> = contacted.events.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(kinds, ["open → contacted", "Dana", "Called, slow exports on big projects"]);
    assert_eq!(contacted.notes.len(), 1);
    assert_eq!(contacted.next, [FollowupStatus::Resolved, FollowupStatus::WontFix]);

    // Contacted cannot go back to open; the refusal names what is allowed and changes nothing.
    let e = ws.update_followup(
        r1.id,
        &FollowupUpdate { status: Some(FollowupStatus::Open), note: Some("oops".into()), ..Default::default() },
        at(&r1, 6),
    );
    match e {
        Err(StoreError::Transition { from, to, allowed, .. }) => {
            assert_eq!((from, to, allowed.as_str()), ("contacted", "open", "resolved, won't fix"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ws.followup(r1.id, today()).unwrap().events.len(), 3, "the refused note was not written either");

    // Resolved with an outcome; a second contact later does not move the first-contact time; reopen works.
    let resolved = ws
        .update_followup(
            r1.id,
            &FollowupUpdate {
                status: Some(FollowupStatus::Resolved),
                outcome: Some("Moved to the new export engine".into()),
                ..Default::default()
            },
            at(&r1, 30),
        )
        .unwrap();
    assert_eq!(resolved.outcome.as_deref(), Some("Moved to the new export engine"));
    assert_eq!(resolved.first_contact_at, contacted.first_contact_at);
    assert_eq!(resolved.next, [FollowupStatus::Open]);
    let reopened = ws.update_followup(
        r1.id,
        &FollowupUpdate { status: Some(FollowupStatus::Open), ..Default::default() },
        at(&r1, 40),
    );
    assert_eq!(reopened.unwrap().status, FollowupStatus::Open);

    // Bad input: nothing to change, an empty note, a due date that is not a date, an unknown item.
    for (u, id) in [
        (FollowupUpdate::default(), r1.id),
        (FollowupUpdate { note: Some("  ".into()), ..Default::default() }, r1.id),
        (FollowupUpdate { due: Some("next week".into()), ..Default::default() }, r1.id),
    ] {
        assert!(matches!(ws.update_followup(id, &u, at(&r1, 41)), Err(StoreError::InvalidInput(_))), "{u:?}");
    }
    let e = ws.update_followup(999, &FollowupUpdate { note: Some("x".into()), ..Default::default() }, at(&r1, 41));
    assert!(matches!(e, Err(StoreError::NoFollowup(999))), "{e:?}");
}

#[test]
fn counts_overdue_and_the_median_time_to_first_contact() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
    import(&mut ws, &export(dir.path(), "w1.csv", WAVE_1));
    let items = all(&ws, today());
    let (r1, r2) = (by_respondent(&items, "r1").unwrap().clone(), by_respondent(&items, "r2").unwrap().clone());
    let contact = FollowupUpdate { status: Some(FollowupStatus::Contacted), ..Default::default() };
    ws.update_followup(r1.id, &contact, at(&r1, 5)).unwrap();
    ws.update_followup(r2.id, &contact, at(&r2, 25)).unwrap();

    // The day after the due date: the one still open (r5) is overdue; contacted ones are not.
    let due = NaiveDate::parse_from_str(&r1.due, "%Y-%m-%d").unwrap();
    let later = ws.followups(1, &FollowupQuery::default(), due + Duration::days(1)).unwrap();
    let c = &later.counts;
    assert_eq!((c.total, c.open, c.contacted, c.resolved, c.wont_fix, c.overdue), (3, 1, 2, 0, 0, 1));
    // Median of 5 h and 25 h is 15 h.
    assert_eq!(c.median_hours_to_first_contact, Some(15.0));
    let overdue_only =
        ws.followups(1, &FollowupQuery { overdue_only: true, ..Default::default() }, due + Duration::days(1)).unwrap();
    assert_eq!(overdue_only.items.iter().map(|i| i.respondent_id.as_str()).collect::<Vec<_>>(), ["r5"]);
    assert_eq!(overdue_only.matching, 1);
    // On the due date itself nothing is overdue yet.
    assert_eq!(ws.followups(1, &FollowupQuery::default(), due).unwrap().counts.overdue, 0);

    // Oldest open first: the open one leads; filters by status and owner; paging.
    let q = FollowupQuery { sort: FollowupSort::OldestOpen, ..Default::default() };
    assert_eq!(ws.followups(1, &q, today()).unwrap().items[0].respondent_id, "r5");
    let q = FollowupQuery { status: vec![FollowupStatus::Contacted], limit: Some(1), offset: 1, ..Default::default() };
    let page = ws.followups(1, &q, today()).unwrap();
    assert_eq!((page.matching, page.items.len()), (2, 1));
    let q = FollowupQuery { owner: Some(String::new()), ..Default::default() };
    assert_eq!(ws.followups(1, &q, today()).unwrap().matching, 3, "nobody owns any item yet");
    let q = FollowupQuery { sort: FollowupSort::Score, ..Default::default() };
    let scores: Vec<Option<u8>> = ws.followups(1, &q, today()).unwrap().items.iter().map(|i| i.score).collect();
    assert_eq!(scores, [Some(0), Some(3), Some(6)]);
}

#[test]
fn reimports_and_later_waves_keep_the_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.npsdesk");
    let mut ws = Workspace::open(&path).unwrap();
    let w1 = export(dir.path(), "w1.csv", WAVE_1);
    import(&mut ws, &w1);
    let items = all(&ws, today());
    let r1 = by_respondent(&items, "r1").unwrap().clone();
    let worked = ws
        .update_followup(
            r1.id,
            &FollowupUpdate { owner: Some("Dana".into()), note: Some("Left a voicemail".into()), ..Default::default() },
            at(&r1, 2),
        )
        .unwrap();

    // The same file again: the same items, the work intact.
    let before: Vec<_> = all(&ws, today());
    import(&mut ws, &w1);
    assert_eq!(ws.followup(r1.id, today()).unwrap(), worked);
    let mut again = all(&ws, today());
    let mut before = before;
    before.sort_by_key(|i| i.id);
    again.sort_by_key(|i| i.id);
    assert_eq!(again, before);
    drop(ws);

    // A later wave (reopened from the file): r1 (worked) and r2 (untouched) become promoters, r5 stays a
    // detractor, r8 is a new detractor.
    let mut ws = Workspace::open(&path).unwrap();
    let w2 = export_in(
        4,
        dir.path(),
        "w2.csv",
        &[
            ("r1", "Globex", 10, "Fixed now"),
            ("r2", "Initech", 9, "Better"),
            ("r5", "Umbrella", 2, "Still broken"),
            ("r8", "Hooli", 5, ""),
        ],
    );
    import(&mut ws, &w2);
    let items = all(&ws, today());
    assert_eq!(items.len(), 3, "r1 (worked), r5, r8");
    let r1_now = by_respondent(&items, "r1").expect("a worked item stays");
    assert!(r1_now.score_changed && r1_now.score == Some(10) && r1_now.score_at_creation == 3);
    assert_eq!(r1_now.notes, worked.notes);
    assert_eq!(r1_now.owner.as_deref(), Some("Dana"));
    assert!(by_respondent(&items, "r2").is_none(), "an untouched item whose respondent left the range disappears");
    let r5 = by_respondent(&items, "r5").unwrap();
    // 0 → 2, untouched: the item reads the new answer (and its clock restarts at this import); only worked
    // items keep the score they were worked on with.
    assert!(!r5.score_changed && r5.score == Some(2) && r5.score_at_creation == 2, "{r5:?}");
    assert!(by_respondent(&items, "r8").is_some());
    assert_eq!(ws.followups(1, &FollowupQuery::default(), today()).unwrap().counts.score_changed, 1);
    assert!(ws.check().unwrap().ok);
}

#[test]
fn passives_get_items_when_the_setting_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
    import(&mut ws, &export(dir.path(), "w1.csv", WAVE_1));
    ws.set_followup_settings(FollowupSettings { sla_business_days: 2, include_passives: true }).unwrap();
    let items = all(&ws, today());
    assert_eq!(items.len(), 4);
    assert_eq!(by_respondent(&items, "r3").unwrap().score, Some(7));
    // Off again: the untouched passive item goes, the detractors stay.
    ws.set_followup_settings(FollowupSettings::default()).unwrap();
    let items = all(&ws, today());
    assert_eq!(items.len(), 3);
    assert!(by_respondent(&items, "r3").is_none());
}

#[test]
fn promoters_with_comments_and_their_asks() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
    import(&mut ws, &export(dir.path(), "w1.csv", WAVE_1));
    let list = ws.promoters(1, &[], 0, None).unwrap();
    // r4 (9, a comment) only: r6 is a 10 without a comment.
    assert_eq!(list.items.iter().map(|p| p.respondent_id.as_str()).collect::<Vec<_>>(), ["r4"]);
    assert_eq!((list.counts.total, list.counts.not_asked), (1, 1));
    let r4 = &list.items[0];
    assert_eq!((r4.ask, r4.account.as_deref()), (PromoterAsk::NotAsked, Some("Globex")));
    let now = Local::now().naive_local();
    let asked = ws
        .update_promoter(
            r4.response_id,
            &PromoterUpdate {
                ask: Some(PromoterAsk::Agreed),
                owner: Some("Sam".into()),
                note: Some("G2 review".into()),
            },
            now,
        )
        .unwrap();
    assert_eq!(
        (asked.ask, asked.owner.as_deref(), asked.note.as_deref()),
        (PromoterAsk::Agreed, Some("Sam"), Some("G2 review"))
    );
    // A change of the ask alone keeps the owner and note.
    let declined = ws.update_promoter(
        r4.response_id,
        &PromoterUpdate { ask: Some(PromoterAsk::Declined), ..Default::default() },
        now,
    );
    assert_eq!(declined.unwrap().owner.as_deref(), Some("Sam"));
    let list = ws.promoters(1, &[PromoterAsk::Declined], 0, None).unwrap();
    assert_eq!((list.matching, list.counts.declined, list.counts.not_asked), (1, 1, 0));
    // A detractor is not a promoter.
    let r1 = by_respondent(&all(&ws, today()), "r1").unwrap().response_id;
    let e = ws.update_promoter(r1, &PromoterUpdate { ask: Some(PromoterAsk::Asked), ..Default::default() }, now);
    assert!(matches!(e, Err(StoreError::InvalidInput(_))), "{e:?}");
}

#[test]
fn the_accounts_file_is_read_all_or_nothing_and_matched_by_id_or_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&dir.path().join("w.npsdesk")).unwrap();
    import(&mut ws, &export(dir.path(), "w1.csv", WAVE_1));
    let now = Local::now().naive_local();
    let good = dir.path().join("accounts.csv");
    // Excel-style: a BOM, semicolons, day-first dates (31/12 decides), thousands separators.
    std::fs::write(
        &good,
        "\u{feff}Account ID;Account Name;Renewal Date;ARR;CSM\r\nACC-1;Globex;31/12/2026;\"120.000\";Dana\r\nUmbrella;;01/02/2027;$45k;\r\n;;;;\r\n",
    )
    .unwrap();
    let report = ws.import_accounts(&good, now).unwrap();
    assert_eq!((report.rows, report.added, report.updated), (2, 2, 0));
    let infos = ws.account_infos().unwrap();
    assert_eq!(infos.len(), 2);
    assert_eq!(infos[0].id, "ACC-1");
    assert_eq!((infos[0].renewal_date.as_deref(), infos[0].arr), (Some("2026-12-31"), Some(120_000.0)));
    assert_eq!((infos[1].renewal_date.as_deref(), infos[1].arr), (Some("2027-02-01"), Some(45_000.0)));
    // Globex (by name) and Umbrella (by id) carry their ARR into the queue; sort by account value.
    let q = FollowupQuery { sort: FollowupSort::AccountValue, ..Default::default() };
    let items = ws.followups(1, &q, today()).unwrap().items;
    let order: Vec<(&str, Option<f64>)> = items.iter().map(|i| (i.respondent_id.as_str(), i.arr)).collect();
    assert_eq!(order, [("r1", Some(120_000.0)), ("r5", Some(45_000.0)), ("r2", None)]);
    assert_eq!(ws.account_info("  globex ").unwrap().map(|i| i.id), Some("ACC-1".to_string()));

    // A bad ARR on line 3: the error names the file and line, and nothing of the file is written.
    let before = ws.fingerprint().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,name,arr\nACC-1,Globex,999\nACC-2,Initech,lots\n").unwrap();
    let e = ws.import_accounts(&bad, now).unwrap_err();
    let message = e.to_string();
    assert!(message.contains("bad.csv, line 3") && message.contains("\"lots\""), "{message}");
    assert_eq!(ws.fingerprint().unwrap(), before);
    // A repeated id and a file without an id or name column are refused too.
    std::fs::write(&bad, "id,arr\nA,1\na,2\n").unwrap();
    assert!(ws.import_accounts(&bad, now).unwrap_err().to_string().contains("line 3"));
    std::fs::write(&bad, "colour,size\nred,2\n").unwrap();
    assert!(ws.import_accounts(&bad, now).unwrap_err().to_string().contains("no id or name column"));
    assert_eq!(ws.fingerprint().unwrap(), before);
    // The same file again updates.
    let report = ws.import_accounts(&good, now).unwrap();
    assert_eq!((report.added, report.updated), (0, 2));
}
