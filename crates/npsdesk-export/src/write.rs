//! CSV and XLSX writers for [`Table`]. Files are written beside the target and renamed into place, so a
//! failed export never leaves half a file under the user's name.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::table::{Cell, Table};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{}: a table is exported as .csv or .xlsx", .0.display())]
    UnknownKind(PathBuf),
    #[error("cannot write {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("cannot write the workbook {}: {source}", path.display())]
    Xlsx { path: PathBuf, source: rust_xlsxwriter::XlsxError },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

impl FileKind {
    /// From the file name's extension (case-insensitive).
    pub fn from_path(path: &Path) -> Option<FileKind> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(FileKind::Csv),
            "xlsx" => Some(FileKind::Xlsx),
            _ => None,
        }
    }
}

/// A cell a spreadsheet could take for a formula (OWASP CSV injection): it starts with `= + - @`, tab or CR.
pub fn is_hazardous(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The CSV form of a text cell: a leading `'` when it is hazardous.
pub fn neutralise(s: &str) -> String {
    if is_hazardous(s) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// The table as CSV text (no BOM): RFC 4180 quoting, text neutralised, numbers in full precision, dates as
/// `YYYY-MM-DD HH:MM:SS` (what spreadsheets read as dates).
pub fn to_csv(t: &Table) -> String {
    let mut o = String::new();
    for (i, c) in t.columns.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        csv_field(&mut o, &neutralise(c));
    }
    o.push('\n');
    for row in &t.rows {
        for (i, c) in row.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            match c {
                Cell::Empty => {}
                Cell::Text(s) => csv_field(&mut o, &neutralise(s)),
                Cell::Int(v) => o.push_str(&v.to_string()),
                Cell::Num(v) => o.push_str(&v.to_string()),
                Cell::Bool(v) => o.push_str(if *v { "true" } else { "false" }),
                Cell::DateTime(d) => csv_field(&mut o, &neutralise(&d.replacen('T', " ", 1))),
            }
        }
        o.push('\n');
    }
    o
}

/// Writes beside the target and renames into place: a failed write never leaves half a file under the
/// user's name (nor a part file).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let io = |source| ExportError::Io { path: path.to_path_buf(), source };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.part"));
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
}

/// CSV in UTF-8 with a BOM, so Excel opens accents and emoji correctly.
pub fn write_csv(t: &Table, path: &Path) -> Result<(), ExportError> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(to_csv(t).as_bytes());
    write_atomically(path, &bytes)
}

/// Excel's limits on a sheet name.
fn sheet_name(name: &str) -> String {
    let clean: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if clean.trim().is_empty() {
        "Sheet1".into()
    } else {
        clean
    }
}

/// One sheet: a bold, frozen header row; numbers and booleans as such; dates as real Excel dates; text as
/// string cells, the hazardous ones with the quote prefix.
pub fn write_xlsx(t: &Table, path: &Path) -> Result<(), ExportError> {
    let x = |source| ExportError::Xlsx { path: path.to_path_buf(), source };
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&t.name)).map_err(x)?;
    let bold = Format::new().set_bold();
    let quoted = Format::new().set_quote_prefix();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let mut widths: Vec<usize> = t.columns.iter().map(|c| c.chars().count()).collect();
    for (c, name) in t.columns.iter().enumerate() {
        let c = c as u16;
        if is_hazardous(name) {
            ws.write_string_with_format(0, c, name, &quoted).map_err(x)?;
            ws.set_cell_format(0, c, &bold.clone().set_quote_prefix()).map_err(x)?;
        } else {
            ws.write_string_with_format(0, c, name, &bold).map_err(x)?;
        }
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            let shown = match cell {
                Cell::Empty => 0,
                Cell::Text(s) => {
                    if is_hazardous(s) {
                        ws.write_string_with_format(r, col, s, &quoted).map_err(x)?;
                    } else {
                        ws.write_string(r, col, s).map_err(x)?;
                    }
                    s.chars().count()
                }
                Cell::Int(v) => {
                    ws.write_number(r, col, *v as f64).map_err(x)?;
                    6
                }
                Cell::Num(v) => {
                    ws.write_number(r, col, *v).map_err(x)?;
                    8
                }
                Cell::Bool(v) => {
                    ws.write_boolean(r, col, *v).map_err(x)?;
                    5
                }
                Cell::DateTime(d) => match ExcelDateTime::parse_from_str(d) {
                    Ok(dt) => {
                        // A date alone (a due or renewal date) is shown without a time.
                        let f = if d.len() == 10 { &day } else { &date };
                        ws.write_datetime_with_format(r, col, &dt, f).map_err(x)?;
                        16
                    }
                    // Not a date after all: keep the text.
                    Err(_) => {
                        ws.write_string_with_format(r, col, d, &quoted).map_err(x)?;
                        d.chars().count()
                    }
                },
            };
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(shown);
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0).map_err(x)?;
    }
    ws.set_freeze_panes(1, 0).map_err(x)?;
    let bytes = wb.save_to_buffer().map_err(x)?;
    write_atomically(path, &bytes)
}

/// Writes CSV or XLSX by the file's extension.
pub fn write_table(t: &Table, path: &Path) -> Result<FileKind, ExportError> {
    let kind = FileKind::from_path(path).ok_or_else(|| ExportError::UnknownKind(path.to_path_buf()))?;
    match kind {
        FileKind::Csv => write_csv(t, path)?,
        FileKind::Xlsx => write_xlsx(t, path)?,
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazardous_cells_get_a_quote_and_fields_are_quoted_only_when_needed() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(s), format!("'{s}"), "{s:?}");
        }
        for s in ["Pro", "1-2", " =x", "", "'=already"] {
            assert_eq!(neutralise(s), s, "{s:?}");
        }
        let mut t = Table::new("T", vec!["=name".into(), "b".into()]);
        t.push(vec![Cell::text("a,\"b\"\nc"), Cell::Num(-12.5)]);
        t.push(vec![Cell::Empty, Cell::DateTime("2025-03-01T10:30:00".into())]);
        t.push(vec![Cell::Bool(true), Cell::Int(-3)]);
        assert_eq!(to_csv(&t), "'=name,b\n\"a,\"\"b\"\"\nc\",-12.5\n,2025-03-01 10:30:00\ntrue,-3\n");
    }

    #[test]
    fn the_kind_follows_the_extension_and_a_failed_write_leaves_nothing() {
        assert_eq!(FileKind::from_path(Path::new("a.CSV")), Some(FileKind::Csv));
        assert_eq!(FileKind::from_path(Path::new("a.xlsx")), Some(FileKind::Xlsx));
        assert_eq!(FileKind::from_path(Path::new("a.xls")), None);
        let t = Table::new("T", vec!["a".into()]);
        assert!(matches!(write_table(&t, Path::new("/tmp/x.pdf")), Err(ExportError::UnknownKind(_))));
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no/such/dir/t.csv");
        assert!(matches!(write_table(&t, &missing), Err(ExportError::Io { .. })));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no part file left behind");
        assert_eq!(sheet_name("Q3 [board]: NPS/plan?"), "Q3 board NPSplan");
        assert_eq!(sheet_name("::"), "Sheet1");
    }
}
