//! The CSV form of a [`Table`] (the Parquet form is in `parquet.rs`).

use crate::results::table::{ColumnData, Table};

/// Value `row` of `data` as CSV text: integers as written, floats always
/// with a decimal point or exponent (`1.0`, never `1`, so readers type the
/// column as float), text as is but for a leading `'` before text that a
/// spreadsheet would run as a formula ([`csv_text`](super::csv_text)),
/// missing as empty.
pub fn csv_field(data: &ColumnData, row: usize) -> String {
    match data {
        ColumnData::I64(v) => v[row].map_or_else(String::new, |x| x.to_string()),
        ColumnData::F64(v) => v[row].filter(|x| x.is_finite()).map_or_else(String::new, super::csv_float),
        ColumnData::Utf8(v) => v[row].as_deref().map_or_else(String::new, super::csv_text),
        ColumnData::Bool(v) => v[row].map_or_else(String::new, |b| b.to_string()),
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
        write(&mut w, t.columns.iter().map(|c| csv_field(&c.data, row)).collect());
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
