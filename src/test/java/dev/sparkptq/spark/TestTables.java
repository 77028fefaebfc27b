package dev.sparkptq.spark;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Parquet tables of samples for tests, written with the shared local[2] session. */
public final class TestTables {
    /** One row per sample: {@code x} (the values, array&lt;float&gt;) and {@code label} (int). */
    public static final StructType SAMPLES = new StructType(new StructField[] {
        DataTypes.createStructField("x", DataTypes.createArrayType(DataTypes.FloatType), false),
        DataTypes.createStructField("label", DataTypes.IntegerType, true)});

    private TestTables() {
    }

    /** Writes {@code samples} (label = index mod 2) as Parquet at {@code dir}, in {@code files} files. */
    public static void writeSamples(float[][] samples, Path dir, int files) {
        writeSamples(samples, dir, files, "x");
    }

    /** As above, the values in a column named {@code column}. */
    public static void writeSamples(float[][] samples, Path dir, int files, String column) {
        StructType schema = new StructType(new StructField[] {
            DataTypes.createStructField(column, DataTypes.createArrayType(DataTypes.FloatType), false),
            DataTypes.createStructField("label", DataTypes.IntegerType, true)});
        SparkTestSession.get();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < samples.length; i++) {
            rows.add(RowFactory.create(samples[i].clone(), i % 2));
        }
        List<Integer> indexes = IntStream.range(0, rows.size()).boxed().toList();
        SparkSession spark = SparkSession.active();
        spark.createDataFrame(SparkTestSession.get().parallelize(indexes, files).map(new RowAt(rows)), schema)
                .write().parquet(dir.toString());
    }

    /** Row {@code i} of a list shipped with the task. */
    static final class RowAt implements Function<Integer, Row> {
        private static final long serialVersionUID = 1L;
        private final ArrayList<Row> rows;

        RowAt(List<Row> rows) {
            this.rows = new ArrayList<>(rows);
        }

        @Override
        public Row call(Integer i) {
            return rows.get(i);
        }
    }
}
