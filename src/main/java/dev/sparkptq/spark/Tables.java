package dev.sparkptq.spark;

import dev.sparkptq.config.TableReaderSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.storage.Storage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.util.Locale;

/** Opening the table a {@link TableReaderSpec} names, with one-line errors for what users get wrong. */
final class Tables {
    private Tables() {
    }

    /**
     * A Parquet table's schema from one data file's footer, read here on the driver. Spark would infer it with a
     * job whose results (Spark SQL's type objects) Kryo refuses under {@code spark.kryo.registrationRequired}; the
     * footer is also all a one-line "missing column" error needs, with no job at all.
     */
    static org.apache.spark.sql.types.StructType parquetSchema(SparkSession spark, Location table) {
        org.apache.hadoop.conf.Configuration conf = spark.sessionState().newHadoopConf();
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(table.uri());
        try {
            org.apache.hadoop.fs.FileSystem fs = root.getFileSystem(conf);
            org.apache.hadoop.fs.Path first = null;
            var files = fs.listFiles(root, true);
            while (files.hasNext()) {
                org.apache.hadoop.fs.Path p = files.next().getPath();
                if (!hidden(root, p) && (first == null || p.toString().compareTo(first.toString()) < 0)) {
                    first = p;
                }
            }
            if (first == null) {
                throw new DataException("the parquet table at " + table + " has no data files; point data_source at "
                        + "a table with rows");
            }
            try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                    org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(first, conf))) {
                return new org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter(
                        spark.sessionState().conf())
                        .convert(reader.getFooter().getFileMetaData().getSchema());
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) {
                throw d;
            }
            throw new DataException("cannot read the parquet table at " + table + " (" + e.getMessage() + "); "
                    + "check that it is a parquet table", e);
        }
    }

    /** Spark's file sources skip names starting with '_' or '.' (e.g. _SUCCESS, .crc files) at any level. */
    private static boolean hidden(org.apache.hadoop.fs.Path root, org.apache.hadoop.fs.Path p) {
        for (org.apache.hadoop.fs.Path q = p; q != null && !q.equals(root) && q.getParent() != null;
             q = q.getParent()) {
            if (q.getName().startsWith("_") || q.getName().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The table's rows (nothing is read but its schema and file listing).
     *
     * @throws DataException when the table or its files do not exist
     * @throws ConfigException when the format's reader is not on the classpath
     */
    static Dataset<Row> read(SparkSession spark, TableReaderSpec spec, Location source) {
        if (spec.table() != null) {
            if (!spark.catalog().tableExists(spec.table())) {
                throw new DataException("table " + spec.table() + " is not in the Spark catalog; name an existing "
                        + "table (db.table) or read the table's files with format and data_source");
            }
            return spark.table(spec.table());
        }
        Storage.check(source, "data source");
        if (!Storage.exists(source)) {
            throw new DataException("data source " + source + " does not exist; point it at the table's folder "
                    + "(or file)");
        }
        String format = spec.format().source();
        try {
            var reader = spark.read().format(format);
            if (spec.format() == TableReaderSpec.Format.PARQUET) {
                reader = reader.schema(parquetSchema(spark, source));
            }
            return reader.load(source.toString());
        } catch (dev.sparkptq.core.QuantizationException e) {
            throw e;
        } catch (RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("DATA_SOURCE_NOT_FOUND") || m.toLowerCase(Locale.ROOT).contains("failed to find the data "
                    + "source") || m.contains("ClassNotFoundException")) {
                throw new ConfigException("engine.reader.format " + format + ": Spark has no " + format + " reader on "
                        + "the classpath; add " + (spec.format() == TableReaderSpec.Format.DELTA
                        ? "io.delta:delta-spark_2.13 (spark-submit --packages)" : "its jar"), e);
            }
            throw new DataException("cannot read the " + format + " table at " + source + ": " + m.lines()
                    .findFirst().orElse("") + "; check that it is a " + format + " table", e);
        }
    }
}
