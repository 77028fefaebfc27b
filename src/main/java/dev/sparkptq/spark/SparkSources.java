package dev.sparkptq.spark;

import dev.sparkptq.config.ReaderSpec;
import dev.sparkptq.config.TableReaderSpec;
import dev.sparkptq.config.TextReaderSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.SourceFactory;
import dev.sparkptq.storage.Storage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where a Spark run reads samples from: local files as the in-process readers do; tables (Parquet, ORC, Delta or a
 * catalog table) as {@link DatasetSource}s, the rows staying on the executors; a folder of images, NPY files (one
 * per sample) or JSON arrays on another file system through Spark's {@code binaryFile} source
 * ({@link BinaryFileSource}); a text file there is read by the driver, which reads text lines anyway (each sample is
 * a line it lists).
 */
public final class SparkSources implements SourceFactory {
    private final Supplier<SparkSession> spark;
    private final Supplier<Path> workDir;
    private final int partitions;

    /**
     * @param spark      the session (started on first use, so a local run never starts Spark to list files)
     * @param workDir    where a remote text file is copied for the driver to read
     * @param partitions about how many partitions a remote folder of files is split into
     */
    public SparkSources(Supplier<SparkSession> spark, Supplier<Path> workDir, int partitions) {
        this.spark = spark;
        this.workDir = workDir;
        this.partitions = partitions;
    }

    @Override
    public DataSource create(ReaderSpec spec, Location source, List<TensorInfo> modelInputs) {
        if (spec instanceof TableReaderSpec t) {
            return table(t, source, modelInputs);
        }
        if (source == null || source.isLocal()) {
            return DataSources.create(spec, source, modelInputs);
        }
        Storage.check(source, "data source");
        if (spec instanceof TextReaderSpec) {
            Path dir = workDir.get();
            dir.toFile().deleteOnExit();
            dir.resolve("inputs").toFile().deleteOnExit();
            Path copy = Storage.localCopy(source, dir, "data source");
            copy.toFile().deleteOnExit();
            return DataSources.create(spec, Location.of(copy), modelInputs);
        }
        return BinaryFileSource.of(spark.get(), DataSources.files(spec, source, modelInputs), partitions);
    }

    /** The table's rows, checked against the model inputs on the driver (schema only) before any job. */
    private DataSource table(TableReaderSpec spec, Location source, List<TensorInfo> modelInputs) {
        String name = spec.table() != null ? "table " + spec.table() : "table " + source;
        Dataset<Row> rows = Tables.read(spark.get(), spec, source);
        try {
            return DatasetSource.of(rows, modelInputs, spec.annotationColumn());
        } catch (ConfigException e) {
            throw new DataException(name + ": " + e.getMessage(), e);
        }
    }
}
