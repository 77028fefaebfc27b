package dev.sparkptq.data;

import dev.sparkptq.config.ImageReaderSpec;
import dev.sparkptq.config.JsonArrayReaderSpec;
import dev.sparkptq.config.NpyReaderSpec;
import dev.sparkptq.config.ReaderSpec;
import dev.sparkptq.config.TableReaderSpec;
import dev.sparkptq.config.TextReaderSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.DataException;
import dev.sparkptq.core.Location;
import dev.sparkptq.core.TensorInfo;
import dev.sparkptq.storage.Storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Creates the data source for a reader spec, checking everything that can be checked before reading samples. */
public final class DataSources {
    /**
     * Local files read in this JVM: every reader but the table reader, on local paths only (a URI is refused, never
     * read as a local path).
     */
    public static final SourceFactory LOCAL = DataSources::create;

    private DataSources() {
    }

    /** {@link #create(ReaderSpec, Path, List)} for a local location; anything else needs Spark. */
    public static DataSource create(ReaderSpec spec, Location source, List<TensorInfo> modelInputs) {
        if (spec instanceof TableReaderSpec) {
            throw new ConfigException("the table reader reads its rows with Spark; run it with spark-ptq quantize "
                    + "(or the Java API's Engine.spark(...)), not in-process");
        }
        if (source != null && !source.isLocal()) {
            throw new ConfigException("data source " + source + " is on a " + source.scheme() + ":// file system, "
                    + "which Spark's executors read; run it with spark-ptq quantize (or Engine.spark(...)), not "
                    + "in-process");
        }
        return create(spec, source == null ? null : source.path(), modelInputs);
    }

    /**
     * The sample files of {@code source} on another file system, for Spark's {@code binaryFile} source: images, NPY
     * files (one per sample) and JSON arrays, with the sample ids and numerics of the same folder read locally.
     *
     * @throws ConfigException for a reader or layout whose samples cannot be read that way (text is read by the
     *         driver, tables by Spark's table readers, batched NPY files only locally)
     * @throws DataException when the source is missing or a model input cannot be fed
     */
    public static FileSamples files(ReaderSpec spec, Location source, List<TensorInfo> modelInputs) {
        if (spec instanceof ImageReaderSpec s) {
            if (!Storage.isDirectory(source)) {
                throw new DataException("data source " + source + (Storage.exists(source) ? " is not a folder"
                        : " does not exist") + "; point the data source at a folder of JPEG/PNG images");
            }
            return ImageDataSource.files(source, s, modelInputs);
        }
        if (spec instanceof NpyReaderSpec s) {
            return NpyFiles.create(s, source, modelInputs);
        }
        if (spec instanceof JsonArrayReaderSpec s) {
            return JsonArrayDataSource.files(s, source, modelInputs);
        }
        throw new IllegalArgumentException("no file reader for " + spec.getClass().getSimpleName());
    }

    /**
     * A data source reading {@code source} as {@code spec} describes, feeding {@code modelInputs}.
     *
     * @throws dev.sparkptq.core.DataException when the source, an index/label/tokenizer file is missing, or a
     *         model input cannot be fed
     * @throws dev.sparkptq.core.ConfigException when the spec combines options that exclude each other
     */
    public static DataSource create(ReaderSpec spec, Path source, List<TensorInfo> modelInputs) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(modelInputs, "modelInputs");
        if (spec instanceof ImageReaderSpec s) {
            return ImageDataSource.create(s, source, modelInputs);
        }
        if (spec instanceof NpyReaderSpec s) {
            return NpyDataSource.create(s, source, modelInputs);
        }
        if (spec instanceof TextReaderSpec s) {
            return TextDataSource.create(s, source, modelInputs);
        }
        if (spec instanceof JsonArrayReaderSpec s) {
            return JsonArrayDataSource.create(s, source, modelInputs);
        }
        throw new IllegalArgumentException("unknown reader spec " + spec.getClass().getName());
    }
}
