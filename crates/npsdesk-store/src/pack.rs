//! The packed cells of a response: every cell of the export row except the comment (stored in its own
//! column), in order. Two formats, chosen per survey (`survey.cells_format`):
//!
//! - **Format 1** (surveys created before migration `20261125090000`): each cell is a LEB128 length followed
//!   by its UTF-8 bytes. Length-prefixed, so any text round-trips (separators or quotes inside answers need no
//!   escaping), and an empty cell costs one byte.
//! - **Format 2** (every survey created since): each cell starts with a LEB128 tag `t`. An even tag is a cell
//!   written inline: `t / 2` bytes of UTF-8 follow. An odd tag refers to a value stored elsewhere: code
//!   `t / 2` = 0 is the response's `respondent_key`, code c ≥ 1 is row c of the survey's
//!   `survey_cell_value`. Repeated short answers (plan, region, choice labels) so cost one byte a cell.
//!
//! Codes are given at import ([`CellCoder`]) to the values of columns whose sampled values repeat, most
//! frequent first, up to fixed limits (so the dictionary, and an import's memory, stay bounded).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// `survey.cells_format` of format 1 (every cell inline).
pub const FORMAT_INLINE: i64 = 1;
/// `survey.cells_format` of format 2 (dictionary codes and the respondent key by reference).
pub const FORMAT_CODED: i64 = 2;

/// Longest value given a code.
const MAX_VALUE_BYTES: usize = 64;
/// Codes of one survey, at most.
const MAX_CODES: usize = 16 * 1024;
/// New codes one column may take in one import (a column that only looked repetitive in the sample).
const MAX_NEW_CODES_PER_COLUMN: u32 = 1024;

pub fn pack(cells: &[String], skip: Option<usize>, out: &mut Vec<u8>) {
    out.clear();
    pack_append(cells.iter().map(String::as_str), skip, out);
}

/// [`pack`] from borrowed cells, appended to `out` (several rows can share one buffer).
pub fn pack_append<'a>(cells: impl IntoIterator<Item = &'a str>, skip: Option<usize>, out: &mut Vec<u8>) {
    for (i, c) in cells.into_iter().enumerate() {
        if Some(i) == skip {
            continue;
        }
        put_varint(out, c.len() as u64);
        out.extend_from_slice(c.as_bytes());
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v & 0x7f) as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The LEB128 number at `blob[*i..]`, moving `i` past it; `None` when cut short or too long.
fn get_varint(blob: &[u8], i: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *blob.get(*i)?;
        *i += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
        if shift > 35 {
            return None;
        }
    }
}

/// How the cells of a row are packed, with what decoding them needs.
#[derive(Debug, Clone, Copy)]
pub enum Packing<'a> {
    /// Format 1.
    Inline,
    /// Format 2: the survey's values (code c at index c − 1) and this row's respondent key (code 0).
    Coded { values: &'a [String], key: &'a str },
}

/// Calls `f(position, text)` for every packed cell of a format 1 blob, with positions counted as in the export
/// (the comment's position is skipped). Stops early and returns `None` on a malformed blob.
pub fn for_each_cell<'a>(blob: &'a [u8], skip: Option<usize>, f: impl FnMut(usize, &'a str)) -> Option<()> {
    for_each_cell_as(blob, skip, Packing::Inline, f)
}

/// [`for_each_cell`] for a blob in either format.
pub fn for_each_cell_as<'a>(
    blob: &'a [u8],
    skip: Option<usize>,
    packing: Packing<'a>,
    f: impl FnMut(usize, &'a str),
) -> Option<()> {
    for_each_cell_where(blob, skip, packing, |_| true, f)
}

/// [`for_each_cell_as`] for the cells at the positions `want` accepts only: the others are stepped over
/// without being decoded (their UTF-8 is not checked either).
pub fn for_each_cell_where<'a>(
    blob: &'a [u8],
    skip: Option<usize>,
    packing: Packing<'a>,
    want: impl Fn(usize) -> bool,
    mut f: impl FnMut(usize, &'a str),
) -> Option<()> {
    let mut i = 0;
    let mut pos = 0;
    while i < blob.len() {
        if Some(pos) == skip {
            pos += 1;
        }
        let tag = get_varint(blob, &mut i)?;
        let len = match packing {
            Packing::Inline => tag,
            Packing::Coded { values, key } if tag & 1 == 1 => {
                if want(pos) {
                    let text = match tag >> 1 {
                        0 => key,
                        code => values.get(usize::try_from(code - 1).ok()?)?.as_str(),
                    };
                    f(pos, text);
                }
                pos += 1;
                continue;
            }
            Packing::Coded { .. } => tag >> 1,
        };
        let end = i.checked_add(usize::try_from(len).ok()?)?;
        let bytes = blob.get(i..end)?;
        if want(pos) {
            f(pos, std::str::from_utf8(bytes).ok()?);
        }
        i = end;
        pos += 1;
    }
    Some(())
}

/// The whole export row back from a format 1 blob, the comment re-inserted at its position.
pub fn unpack(blob: &[u8], comment_pos: Option<usize>, comment: Option<&str>) -> Option<Vec<String>> {
    unpack_as(blob, comment_pos, comment, Packing::Inline)
}

/// [`unpack`] for a blob in either format.
pub fn unpack_as(
    blob: &[u8],
    comment_pos: Option<usize>,
    comment: Option<&str>,
    packing: Packing<'_>,
) -> Option<Vec<String>> {
    let mut cells = Vec::new();
    for_each_cell_as(blob, comment_pos, packing, |pos, text| {
        while cells.len() < pos {
            cells.push(comment.unwrap_or_default().to_string());
        }
        cells.push(text.to_string());
    })?;
    if let Some(p) = comment_pos {
        if cells.len() == p {
            cells.push(comment.unwrap_or_default().to_string());
        }
    }
    Some(cells)
}

/// FxHash (rustc's hasher): the dictionary is probed for several cells of every row, with short keys that
/// are no attack surface (they come from the file being imported).
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(c.try_into().expect("8 bytes"))).wrapping_mul(K);
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(last) ^ rest.len() as u64).wrapping_mul(K);
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Packs rows in format 2 for one import: knows the survey's codes, gives new ones, and says which values
/// are new (to be written to `survey_cell_value` with the rows, in the same transaction).
pub struct CellCoder {
    codes: HashMap<Box<str>, u32, BuildHasherDefault<FxHasher>>,
    /// Codes the survey had before this import (`1..=known`).
    known: u32,
    /// Values given a code by this import, in code order (from `known + 1`).
    added: Vec<Box<str>>,
    /// Per column: whether its values are looked up / given codes, and how many it was given.
    coded: Vec<bool>,
    new_per_column: Vec<u32>,
    /// The column holding the respondent id, whose cell is written as code 0 when it is exactly the key.
    key_position: Option<usize>,
}

impl CellCoder {
    /// A coder over the survey's existing `values` (code c at index c − 1), coding the columns marked in
    /// `coded`.
    pub fn new(values: Vec<String>, coded: Vec<bool>, key_position: Option<usize>) -> CellCoder {
        let known = values.len() as u32;
        let codes = values.into_iter().zip(1..).map(|(v, c)| (v.into_boxed_str(), c)).collect();
        let new_per_column = vec![0; coded.len()];
        CellCoder { codes, known, added: Vec::new(), coded, new_per_column, key_position }
    }

    /// The code of `value` in `column`, giving it one if the limits allow.
    fn code(&mut self, column: usize, value: &str) -> Option<u32> {
        if value.is_empty() || value.len() > MAX_VALUE_BYTES || !self.coded.get(column).copied().unwrap_or(false) {
            return None;
        }
        if let Some(&c) = self.codes.get(value) {
            return Some(c);
        }
        let n = &mut self.new_per_column[column];
        if self.codes.len() >= MAX_CODES || *n >= MAX_NEW_CODES_PER_COLUMN {
            return None;
        }
        *n += 1;
        let c = self.known + self.added.len() as u32 + 1;
        self.codes.insert(value.into(), c);
        self.added.push(value.into());
        Some(c)
    }

    /// Gives `value` a code now (the sample's most frequent values first get the one-byte codes).
    pub fn seed(&mut self, column: usize, value: &str) {
        self.code(column, value);
    }

    /// Appends one row in format 2 to `out`.
    pub fn pack_append<'a>(
        &mut self,
        cells: impl IntoIterator<Item = &'a str>,
        skip: Option<usize>,
        key: &str,
        out: &mut Vec<u8>,
    ) {
        self.pack_append_noting(cells, skip, key, out, None);
    }

    /// [`CellCoder::pack_append`], also appending to `codes` what each packed cell became: its code, 0 for an
    /// empty cell, [`crate::frame_cache::CODE_INLINE`] for other text written inline or the respondent key
    /// (the import's columnar copy is made of these).
    pub(crate) fn pack_append_noting<'a>(
        &mut self,
        cells: impl IntoIterator<Item = &'a str>,
        skip: Option<usize>,
        key: &str,
        out: &mut Vec<u8>,
        mut codes: Option<&mut Vec<u16>>,
    ) {
        use crate::frame_cache::CODE_INLINE;
        for (i, c) in cells.into_iter().enumerate() {
            if Some(i) == skip {
                continue;
            }
            let noted = if Some(i) == self.key_position && !c.is_empty() && c == key {
                out.push(1);
                CODE_INLINE
            } else if let Some(code) = self.code(i, c) {
                put_varint(out, u64::from(code) << 1 | 1);
                code as u16
            } else {
                put_varint(out, (c.len() as u64) << 1);
                out.extend_from_slice(c.as_bytes());
                if c.is_empty() {
                    0
                } else {
                    CODE_INLINE
                }
            };
            if let Some(codes) = codes.as_mut() {
                codes.push(noted);
            }
        }
    }

    /// The values given a code by this import, in code order (from code `known + 1`).
    pub(crate) fn added_values(&self) -> &[Box<str>] {
        &self.added
    }

    /// The values given a code by this import, with their codes.
    pub fn added(&self) -> impl Iterator<Item = (i64, &str)> {
        self.added.iter().zip(i64::from(self.known) + 1..).map(|(v, c)| (c, &**v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_cells() -> Vec<String> {
        let long = "x".repeat(300);
        ["1", "", "a,\"b\"\n\u{1f}c", "why?", long.as_str(), "👍"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn round_trips_any_text_with_the_comment_reinserted() {
        let cells = sample_cells();
        for skip in [None, Some(0), Some(3), Some(5)] {
            let mut blob = Vec::new();
            pack(&cells, skip, &mut blob);
            let comment = skip.map(|p| cells[p].as_str());
            assert_eq!(unpack(&blob, skip, comment).unwrap(), cells, "skip {skip:?}");
        }
    }

    #[test]
    fn coded_rows_round_trip_with_existing_new_and_key_values() {
        let cells = sample_cells();
        for skip in [None, Some(0), Some(3), Some(5)] {
            // "👍" is an existing code, "1" the respondent key, the rest new codes or inline text.
            let mut coder = CellCoder::new(vec!["👍".into()], vec![true; cells.len()], Some(0));
            let mut blob = Vec::new();
            coder.pack_append(cells.iter().map(String::as_str), skip, "1", &mut blob);
            coder.pack_append(cells.iter().map(String::as_str), skip, "other key", &mut blob);
            let mut values = vec!["👍".to_string()];
            for (code, v) in coder.added() {
                assert_eq!(code as usize, values.len() + 1, "codes are dense");
                values.push(v.to_string());
            }
            assert!(values.len() < 1 + cells.len(), "the long cell and the empty one are inline");
            let comment = skip.map(|p| cells[p].as_str());
            let one_row = blob.len() / 2;
            let (first, second) = blob.split_at(one_row);
            assert_eq!(
                unpack_as(first, skip, comment, Packing::Coded { values: &values, key: "1" }).unwrap(),
                cells,
                "skip {skip:?}"
            );
            assert_eq!(
                unpack_as(second, skip, comment, Packing::Coded { values: &values, key: "other key" }).unwrap(),
                cells
            );
            // Asking for some positions gives exactly those cells of the full decoding, coded or inline.
            let packing = Packing::Coded { values: &values, key: "1" };
            let mut all = Vec::new();
            for_each_cell_as(first, skip, packing, |p, t| all.push((p, t.to_string()))).unwrap();
            for wanted in [vec![], vec![0], vec![1, 4], (0..cells.len()).collect::<Vec<_>>()] {
                let mut some = Vec::new();
                for_each_cell_where(
                    first,
                    skip,
                    packing,
                    |p| wanted.contains(&p),
                    |p, t| some.push((p, t.to_string())),
                )
                .unwrap();
                let expected: Vec<_> = all.iter().filter(|(p, _)| wanted.contains(p)).cloned().collect();
                assert_eq!(some, expected, "skip {skip:?}, wanted {wanted:?}");
            }
        }
    }

    #[test]
    fn dictionary_limits_keep_values_inline() {
        let mut coder = CellCoder::new(Vec::new(), vec![true, false], None);
        let mut blob = Vec::new();
        for i in 0..(MAX_NEW_CODES_PER_COLUMN + 10) {
            let v = format!("v{i}");
            coder.pack_append([v.as_str(), v.as_str()], None, "", &mut blob);
        }
        assert_eq!(coder.added().count(), MAX_NEW_CODES_PER_COLUMN as usize, "one column's share");
        let values: Vec<String> = coder.added().map(|(_, v)| v.to_string()).collect();
        // Rows packed back to back read as one long row.
        let mut seen = Vec::new();
        for_each_cell_as(&blob, None, Packing::Coded { values: &values, key: "" }, |_, t| seen.push(t)).unwrap();
        let want: Vec<String> =
            (0..(MAX_NEW_CODES_PER_COLUMN + 10)).flat_map(|i| [format!("v{i}"), format!("v{i}")]).collect();
        assert_eq!(seen, want);
    }

    #[test]
    fn malformed_blobs_are_refused_not_panicked_on() {
        assert_eq!(for_each_cell(&[5, b'a'], None, |_, _| {}), None);
        assert_eq!(for_each_cell(&[0xff; 8], None, |_, _| {}), None);
        let coded = Packing::Coded { values: &[], key: "k" };
        assert_eq!(for_each_cell_as(&[3], None, coded, |_, _| {}), None, "code 1 of an empty dictionary");
        assert_eq!(for_each_cell_as(&[10, b'a'], None, coded, |_, _| {}), None, "5 bytes announced, 1 there");
    }
}
