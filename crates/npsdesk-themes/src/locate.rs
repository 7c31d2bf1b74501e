//! Source positions of rule-set elements, so semantic errors can name a line and column.
//!
//! serde gives positions only for its own (syntax and type) errors. After a successful parse we walk the
//! document once more and record the byte offset of every value under its path (`themes[2].any[1]`):
//! JSON with a small scanner over the already validated text, TOML with `toml::de::DeTable`'s spans.

use std::collections::HashMap;

use toml::de::{DeTable, DeValue};

/// Path → byte offset of the value (or of the element for tables).
pub(crate) type Offsets = HashMap<String, usize>;

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(crate) fn json_offsets(text: &str) -> Offsets {
    let mut s = JsonScan { b: text.as_bytes(), i: 0, out: HashMap::new() };
    s.ws();
    s.value(String::new());
    s.out
}

struct JsonScan<'a> {
    b: &'a [u8],
    i: usize,
    out: Offsets,
}

impl JsonScan<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Scans a string starting at the opening quote; returns its raw contents (escapes kept).
    fn string(&mut self) -> String {
        self.i += 1;
        let start = self.i;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                b'"' => break,
                _ => self.i += 1,
            }
        }
        let end = self.i.min(self.b.len());
        self.i = end + 1;
        String::from_utf8_lossy(&self.b[start..end]).into_owned()
    }

    fn value(&mut self, path: String) {
        self.ws();
        self.out.insert(path.clone(), self.i);
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                loop {
                    self.ws();
                    match self.peek() {
                        Some(b'"') => {
                            let key = self.string();
                            self.ws();
                            if self.peek() == Some(b':') {
                                self.i += 1;
                            }
                            let child = if path.is_empty() { key } else { format!("{path}.{key}") };
                            self.value(child);
                            self.ws();
                            if self.peek() == Some(b',') {
                                self.i += 1;
                            }
                        }
                        Some(b'}') => {
                            self.i += 1;
                            return;
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut k = 0;
                loop {
                    self.ws();
                    match self.peek() {
                        Some(b']') => {
                            self.i += 1;
                            return;
                        }
                        None => return,
                        _ => {
                            self.value(format!("{path}[{k}]"));
                            k += 1;
                            self.ws();
                            if self.peek() == Some(b',') {
                                self.i += 1;
                            }
                        }
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while self.i < self.b.len()
                    && !matches!(self.b[self.i], b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t')
                {
                    self.i += 1;
                }
            }
            None => {}
        }
    }
}

pub(crate) fn toml_offsets(text: &str) -> Offsets {
    let mut out = HashMap::new();
    if let Ok(doc) = DeTable::parse(text) {
        out.insert(String::new(), doc.span().start);
        walk_table(doc.get_ref(), "", &mut out);
    }
    out
}

fn walk_table(table: &DeTable<'_>, path: &str, out: &mut Offsets) {
    for (key, value) in table.iter() {
        let key: &str = key.get_ref();
        let child = if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
        out.insert(child.clone(), value.span().start);
        walk_value(value.get_ref(), &child, out);
    }
}

fn walk_value(value: &DeValue<'_>, path: &str, out: &mut Offsets) {
    match value {
        DeValue::Table(t) => walk_table(t, path, out),
        DeValue::Array(items) => {
            for (k, item) in items.iter().enumerate() {
                let child = format!("{path}[{k}]");
                out.insert(child.clone(), item.span().start);
                walk_value(item.get_ref(), &child, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_point_at_values() {
        let text = "{\n  \"themes\": [\n    {\"name\": \"A\\\"b\", \"any\": [\"x\", \"y\"]}\n  ]\n}";
        let o = json_offsets(text);
        // Line 3 is `    {"name": "A\"b", "any": ["x", "y"]}`: 4 spaces, then `"y"` starts at character 35.
        assert_eq!(line_col(text, o["themes[0].any[1]"]), (3, 35));
        assert_eq!(&text[o["themes[0].name"]..o["themes[0].name"] + 5], "\"A\\\"b");
        assert_eq!(line_col(text, o["themes"]), (2, 13));
    }

    #[test]
    fn toml_paths_point_at_values() {
        let text = "stemming = true\n\n[[themes]]\nname = \"A\"\nany = [\"x\", \"y\"]\n\n[[themes]]\nname = \"B\"\n";
        let o = toml_offsets(text);
        assert_eq!(line_col(text, o["themes[0].any[1]"]), (5, 13));
        assert_eq!(line_col(text, o["themes[1].name"]), (8, 8));
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_col("é\"x", 3), (1, 3));
        assert_eq!(line_col("a\nbc", 4), (2, 3));
    }
}
