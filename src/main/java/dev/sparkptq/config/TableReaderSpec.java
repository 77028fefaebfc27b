package dev.sparkptq.config;

/**
 * Samples as rows of a table read by Spark ({@code engine.reader.type: table}): the table's files at
 * {@code engine.data_source} (a local path or a URI) in {@code format}, or a catalog table by name. Columns follow the
 * Java API's {@code Engine.withDataset}: one per model input (its values flattened, as an array of numbers or as
 * binary), an optional {@code <input>_shape}, and an optional annotation column (integral class label or floating
 * target).
 *
 * @param format           how the table's files are stored; ignored for a catalog table
 * @param table            a catalog table name instead of {@code data_source}, or null
 * @param evalTable        a catalog table name instead of {@code eval_data_source}, or null
 * @param annotationColumn the annotation's column; null: a column named {@code label} when the table has one; empty:
 *                         none
 */
public record TableReaderSpec(Format format, String table, String evalTable, String annotationColumn)
        implements ReaderSpec {
    /** Spark's data source name of each format. */
    public enum Format {
        PARQUET("parquet"), ORC("orc"), DELTA("delta");

        private final String source;

        Format(String source) {
            this.source = source;
        }

        /** The name {@code spark.read().format(...)} takes. */
        public String source() {
            return source;
        }
    }
}
