//! The packed cells of a response: every cell of the export row except the comment (stored in its own
//! column), each as a LEB128 length followed by its UTF-8 bytes. Length-prefixed, so any text round-trips
//! (separators or quotes inside answers need no escaping), and compact: an empty cell costs one byte.

pub fn pack(cells: &[String], skip: Option<usize>, out: &mut Vec<u8>) {
    out.clear();
    for (i, c) in cells.iter().enumerate() {
        if Some(i) == skip {
            continue;
        }
        let mut len = c.len();
        loop {
            let byte = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
        out.extend_from_slice(c.as_bytes());
    }
}

/// Calls `f(position, text)` for every packed cell, with positions counted as in the export (the comment's
/// position is skipped). Stops early and returns `None` on a malformed blob.
pub fn for_each_cell<'a>(blob: &'a [u8], skip: Option<usize>, mut f: impl FnMut(usize, &'a str)) -> Option<()> {
    let mut i = 0;
    let mut pos = 0;
    while i < blob.len() {
        if Some(pos) == skip {
            pos += 1;
        }
        let mut len = 0usize;
        let mut shift = 0;
        loop {
            let b = *blob.get(i)?;
            i += 1;
            len |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
            if shift > 35 {
                return None;
            }
        }
        let text = std::str::from_utf8(blob.get(i..i + len)?).ok()?;
        f(pos, text);
        i += len;
        pos += 1;
    }
    Some(())
}

/// The whole export row back, the comment re-inserted at its position.
pub fn unpack(blob: &[u8], comment_pos: Option<usize>, comment: Option<&str>) -> Option<Vec<String>> {
    let mut cells = Vec::new();
    for_each_cell(blob, comment_pos, |pos, text| {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_any_text_with_the_comment_reinserted() {
        let long = "x".repeat(300);
        let cells: Vec<String> =
            ["1", "", "a,\"b\"\n\u{1f}c", "why?", long.as_str(), "👍"].iter().map(|s| s.to_string()).collect();
        for skip in [None, Some(0), Some(3), Some(5)] {
            let mut blob = Vec::new();
            pack(&cells, skip, &mut blob);
            let comment = skip.map(|p| cells[p].as_str());
            assert_eq!(unpack(&blob, skip, comment).unwrap(), cells, "skip {skip:?}");
        }
    }

    #[test]
    fn malformed_blobs_are_refused_not_panicked_on() {
        assert_eq!(for_each_cell(&[5, b'a'], None, |_, _| {}), None);
        assert_eq!(for_each_cell(&[0xff; 8], None, |_, _| {}), None);
    }
}
