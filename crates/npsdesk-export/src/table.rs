/// One value of a table. Numbers stay numbers and dates stay dates, so a spreadsheet can sort and chart them.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    /// A local date-time as the engine gives it (`YYYY-MM-DDTHH:MM:SS`, no zone; see ARCHITECTURE.md), or a
    /// date alone (`YYYY-MM-DD`).
    DateTime(String),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn opt_num(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Num)
    }

    pub fn opt_int(v: Option<i64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Int)
    }
}

/// A header row and rows of cells (every row as long as the header).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The sheet name in XLSX (at most 31 characters, no `[]:*?/\`).
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(name: &str, columns: Vec<String>) -> Table {
        Table { name: name.to_string(), columns, rows: Vec::new() }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "a row of {} has the wrong length", self.name);
        self.rows.push(row);
    }
}
