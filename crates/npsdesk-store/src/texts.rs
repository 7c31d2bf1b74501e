//! [`Texts`]: many short texts in one buffer.

/// Texts back to back in one `String`: text `i` is `text[ends[i - 1]..ends[i]]`.
///
/// Why not `Vec<String>`: a column's dictionary holds up to a million distinct values (the "why?" comments of
/// a 1M-row export: 384,000 texts, 69 MB). As separate strings they cost one allocation each and a second
/// copy of every byte when they are read from the columnar copy; here the decompressed bytes become the
/// buffer in place.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Texts {
    text: String,
    ends: Vec<usize>,
}

impl Texts {
    pub fn new() -> Texts {
        Texts::default()
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
        self.ends.push(self.text.len());
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| &self[i])
    }

    /// The texts as a slice-friendly vector of borrowed strings (for APIs over `&[impl AsRef<str>]`).
    pub fn to_strs(&self) -> Vec<&str> {
        self.iter().collect()
    }

    /// From texts stored as (length as `u32` LE, bytes) back to back, compacted in place: the buffer becomes
    /// the text. `None` when the lengths do not add up to the buffer or a text is not UTF-8.
    pub(crate) fn from_length_prefixed(mut buf: Vec<u8>) -> Option<Texts> {
        let mut ends = Vec::new();
        let (mut read, mut write) = (0usize, 0usize);
        while read < buf.len() {
            let len = u32::from_le_bytes(buf.get(read..read + 4)?.try_into().ok()?) as usize;
            read += 4;
            let end = read.checked_add(len).filter(|&e| e <= buf.len())?;
            buf.copy_within(read..end, write);
            write += len;
            read = end;
            ends.push(write);
        }
        buf.truncate(write);
        let text = String::from_utf8(buf).ok()?;
        // Each text must be UTF-8 on its own, not only all of them together.
        ends.iter().all(|&e| text.is_char_boundary(e)).then_some(Texts { text, ends })
    }

    /// Room for as many texts and bytes more as `other` holds.
    pub(crate) fn reserve(&mut self, other: &Texts) {
        self.text.reserve(other.text.len());
        self.ends.reserve(other.ends.len());
    }

    /// Appends all of `other`.
    pub(crate) fn append(&mut self, other: &Texts) {
        let base = self.text.len();
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|e| e + base));
    }
}

impl std::ops::Index<usize> for Texts {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

impl<S: AsRef<str>> FromIterator<S> for Texts {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Texts {
        let mut t = Texts::new();
        for s in iter {
            t.push(s.as_ref());
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_hold_their_values_in_order() {
        let t: Texts = ["Free", "", "Café", "Pro"].into_iter().collect();
        assert_eq!(t.len(), 4);
        assert_eq!((&t[0], &t[1], &t[2], &t[3]), ("Free", "", "Café", "Pro"));
        assert_eq!(t.to_strs(), ["Free", "", "Café", "Pro"]);
        let mut u = t.clone();
        u.append(&["x"].into_iter().collect());
        assert_eq!(u.to_strs(), ["Free", "", "Café", "Pro", "x"]);
    }

    #[test]
    fn length_prefixed_bytes_compact_in_place_and_damage_is_refused() {
        let mut buf = Vec::new();
        for v in ["ab", "", "é€", "z"] {
            buf.extend_from_slice(&(v.len() as u32).to_le_bytes());
            buf.extend_from_slice(v.as_bytes());
        }
        let t = Texts::from_length_prefixed(buf.clone()).unwrap();
        assert_eq!(t.to_strs(), ["ab", "", "é€", "z"]);
        assert_eq!(Texts::from_length_prefixed(Vec::new()).unwrap().len(), 0);
        assert!(Texts::from_length_prefixed(buf[..buf.len() - 1].to_vec()).is_none(), "cut short");
        assert!(Texts::from_length_prefixed(buf[..3].to_vec()).is_none(), "a length cut short");
        // "é€" split as "é\xe2" + "\x82\xac": UTF-8 together, not each on its own.
        let mut split = Vec::new();
        for v in [&"é€".as_bytes()[..3], &"é€".as_bytes()[3..]] {
            split.extend_from_slice(&(v.len() as u32).to_le_bytes());
            split.extend_from_slice(v);
        }
        assert!(Texts::from_length_prefixed(split).is_none());
    }
}
