package dev.sparkptq.data;

import dev.sparkptq.config.ReaderSpec;
import dev.sparkptq.core.Location;
import dev.sparkptq.core.TensorInfo;

import java.util.List;

/**
 * Makes the data source a reader spec describes at a location. {@link DataSources#LOCAL} reads local files in this
 * JVM; the Spark backend's factory also reads tables and files on other file systems (which only executors should
 * read). The pipeline asks its backend for one, so where data can come from is the backend's business.
 */
@FunctionalInterface
public interface SourceFactory {
    /**
     * @param source the data's location; null only for a reader that names its own table
     * @throws dev.sparkptq.core.DataException when the data or a file the spec names is missing, or a model input
     *         cannot be fed
     * @throws dev.sparkptq.core.ConfigException when this factory cannot read such data at all
     */
    DataSource create(ReaderSpec spec, Location source, List<TensorInfo> modelInputs);
}
