//! A flat table of typed, nullable columns: the shape of sweep tables and
//! ledger rows. Turning one into bytes is `output`'s work (CSV in
//! `output::table`, Parquet in `output::parquet`).

/// The values of one column; `None` is a missing value (an empty CSV field, a Parquet null).
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// 64-bit signed integers.
    I64(Vec<Option<i64>>),
    /// 64-bit floats; non-finite values should be given as `None`.
    F64(Vec<Option<f64>>),
    /// UTF-8 text.
    Utf8(Vec<Option<String>>),
    /// Booleans.
    Bool(Vec<Option<bool>>),
}

impl ColumnData {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            ColumnData::I64(v) => v.len(),
            ColumnData::F64(v) => v.len(),
            ColumnData::Utf8(v) => v.len(),
            ColumnData::Bool(v) => v.len(),
        }
    }

    /// Whether it has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header name.
    pub name: String,
    /// Its values.
    pub data: ColumnData,
}

/// A flat table: columns of equal length, in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The columns.
    pub columns: Vec<Column>,
}

impl Table {
    /// Append a column.
    pub fn push(&mut self, name: impl Into<String>, data: ColumnData) {
        self.columns.push(Column { name: name.into(), data });
    }

    /// Number of rows (of the first column; 0 without columns).
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.data.len())
    }
}
