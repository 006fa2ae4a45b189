//! A flat [`Table`] as a Parquet file, with the `parquet` crate's low-level column writer.
//!
//! Column types map to Parquet as: `I64` → INT64, `F64` → DOUBLE, `Utf8` →
//! BYTE_ARRAY annotated STRING, `Bool` → BOOLEAN; every column is OPTIONAL,
//! `None` is a null. One row group, Snappy compression. pandas (pyarrow),
//! polars and the `parquet` crate's reader read the result with these
//! types. The file's key-value metadata `pointsim.columns` holds the data
//! dictionary of its columns (type, unit, description; see
//! [`dictionary`](super::dictionary)). The bytes are a pure function of the table and its name.

use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::results::table::{ColumnData, Table};

/// The table as the bytes of a Parquet file.
///
/// # Errors
///
/// A message from the Parquet writer (e.g. a column name it refuses).
pub fn table_parquet(t: &Table) -> Result<Vec<u8>, String> {
    table_parquet_as(t, "")
}

/// The table as the bytes of the Parquet file `file` (`ledger.parquet`,
/// `cells.parquet`): its name chooses how the dictionary reads the columns.
///
/// # Errors
///
/// As [`table_parquet`].
pub fn table_parquet_as(t: &Table, file: &str) -> Result<Vec<u8>, String> {
    table_parquet_with(t, &super::dictionary::describe_table(file, t, &[]))
}

/// The table as Parquet bytes whose `pointsim.columns` metadata is
/// `columns` (one per column of `t`, in order; see
/// [`describe_table`](super::dictionary::describe_table)).
///
/// # Errors
///
/// As [`table_parquet`].
pub fn table_parquet_with(t: &Table, columns: &[super::dictionary::Column]) -> Result<Vec<u8>, String> {
    write(t, columns).map_err(|e| format!("cannot encode Parquet: {e}"))
}

fn write(t: &Table, columns: &[super::dictionary::Column]) -> parquet::errors::Result<Vec<u8>> {
    let mut fields = Vec::new();
    for c in &t.columns {
        let (physical, logical) = match c.data {
            ColumnData::I64(_) => (Physical::INT64, None),
            ColumnData::F64(_) => (Physical::DOUBLE, None),
            ColumnData::Utf8(_) => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
            ColumnData::Bool(_) => (Physical::BOOLEAN, None),
        };
        let field = Type::primitive_type_builder(&c.name, physical)
            .with_repetition(Repetition::OPTIONAL)
            .with_logical_type(logical)
            .build()?;
        fields.push(Arc::new(field));
    }
    let schema = Type::group_type_builder("schema").with_fields(fields).build()?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("pointsim {}", env!("CARGO_PKG_VERSION")))
        .set_key_value_metadata(Some(vec![KeyValue::new(
            "pointsim.columns".to_owned(),
            super::dictionary::parquet_metadata(columns),
        )]))
        .build();
    let mut w = SerializedFileWriter::new(Vec::new(), Arc::new(schema), Arc::new(props))?;
    let mut rg = w.next_row_group()?;
    let mut i = 0;
    while let Some(mut col) = rg.next_column()? {
        let data = &t.columns[i].data;
        i += 1;
        match (col.untyped(), data) {
            (ColumnWriter::Int64ColumnWriter(cw), ColumnData::I64(v)) => {
                let (vals, defs) = split(v, |x| *x);
                cw.write_batch(&vals, Some(&defs), None)?;
            }
            (ColumnWriter::DoubleColumnWriter(cw), ColumnData::F64(v)) => {
                let finite: Vec<Option<f64>> = v.iter().map(|x| x.filter(|f| f.is_finite())).collect();
                let (vals, defs) = split(&finite, |x| *x);
                cw.write_batch(&vals, Some(&defs), None)?;
            }
            (ColumnWriter::ByteArrayColumnWriter(cw), ColumnData::Utf8(v)) => {
                let (vals, defs) = split(v, |s: &String| ByteArray::from(s.as_str()));
                cw.write_batch(&vals, Some(&defs), None)?;
            }
            (ColumnWriter::BoolColumnWriter(cw), ColumnData::Bool(v)) => {
                let (vals, defs) = split(v, |x| *x);
                cw.write_batch(&vals, Some(&defs), None)?;
            }
            _ => unreachable!("the schema was built from these columns"),
        }
        col.close()?;
    }
    rg.close()?;
    w.into_inner()
}

/// The present values and the definition levels (1 present, 0 null).
fn split<T, U>(v: &[Option<T>], f: impl Fn(&T) -> U) -> (Vec<U>, Vec<i16>) {
    let defs = v.iter().map(|x| i16::from(x.is_some())).collect();
    (v.iter().flatten().map(f).collect(), defs)
}

#[cfg(test)]
mod tests {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    use super::*;

    #[test]
    fn reads_back_with_types_and_nulls() {
        let mut t = Table::default();
        t.push("cell", ColumnData::Utf8(vec![Some("c0".into()), Some("c1".into()), None]));
        t.push("seed", ColumnData::I64(vec![Some(42), None, Some(-1)]));
        t.push("score.mean", ColumnData::F64(vec![Some(0.1), Some(f64::NAN), Some(3.0)]));
        t.push("ok", ColumnData::Bool(vec![Some(true), Some(false), None]));
        let bytes = table_parquet(&t).unwrap();
        assert_eq!(bytes, table_parquet(&t).unwrap(), "deterministic");
        let mut f = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut f, &bytes).unwrap();
        let r = SerializedFileReader::new(f).unwrap();
        assert_eq!(r.metadata().file_metadata().num_rows(), 3);
        let rows: Vec<Vec<Field>> = r
            .get_row_iter(None)
            .unwrap()
            .map(|row| row.unwrap().get_column_iter().map(|(_, f)| f.clone()).collect())
            .collect();
        assert_eq!(
            rows[0],
            [Field::Str("c0".into()), Field::Long(42), Field::Double(0.1), Field::Bool(true)]
        );
        assert_eq!(rows[1], [Field::Str("c1".into()), Field::Null, Field::Null, Field::Bool(false)]);
        assert_eq!(rows[2], [Field::Null, Field::Long(-1), Field::Double(3.0), Field::Null]);
    }
}
