//! A flat table of typed, nullable columns, and its CSV form (the Parquet form is in `parquet.rs`).

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

    /// Value `row` as CSV text: integers as written, floats always with a
    /// decimal point or exponent (`1.0`, never `1`, so readers type the
    /// column as float), text as is but for a leading `'` before text that a
    /// spreadsheet would run as a formula ([`csv_text`](super::csv_text)),
    /// missing as empty.
    pub fn csv_field(&self, row: usize) -> String {
        match self {
            ColumnData::I64(v) => v[row].map_or_else(String::new, |x| x.to_string()),
            ColumnData::F64(v) => v[row].filter(|x| x.is_finite()).map_or_else(String::new, super::csv_float),
            ColumnData::Utf8(v) => v[row].as_deref().map_or_else(String::new, super::csv_text),
            ColumnData::Bool(v) => v[row].map_or_else(String::new, |b| b.to_string()),
        }
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

/// The table as RFC 4180 CSV with a header row.
///
/// # Panics
///
/// When columns differ in length (a bug in the caller).
pub fn table_csv(t: &Table) -> Vec<u8> {
    let n = t.rows();
    assert!(t.columns.iter().all(|c| c.data.len() == n), "columns of a table have equal lengths");
    let mut w = csv::Writer::from_writer(Vec::new());
    let write =
        |w: &mut csv::Writer<Vec<u8>>, rec: Vec<String>| w.write_record(rec).expect("writing to memory");
    write(&mut w, t.columns.iter().map(|c| c.name.clone()).collect());
    for row in 0..n {
        write(&mut w, t.columns.iter().map(|c| c.data.csv_field(row)).collect());
    }
    w.into_inner().expect("writing to memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_types_and_missing_values() {
        let mut t = Table::default();
        t.push("i", ColumnData::I64(vec![Some(1), None]));
        t.push("f", ColumnData::F64(vec![Some(2.0), Some(f64::NAN)]));
        t.push("s", ColumnData::Utf8(vec![Some("a,b".into()), None]));
        t.push("b", ColumnData::Bool(vec![Some(true), None]));
        assert_eq!(String::from_utf8(table_csv(&t)).unwrap(), "i,f,s,b\n1,2.0,\"a,b\",true\n,,,\n");
    }
}
