package dev.sparkptq.spark;

import dev.sparkptq.config.TableReaderSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.storage.Storage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Locale;

/** Opening the table a {@link TableReaderSpec} names, with one-line errors for what users get wrong. */
final class Tables {
    private Tables() {
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
            return spark.read().format(format).load(source.toString());
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
