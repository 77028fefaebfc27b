package dev.sparkptq.api;

import dev.sparkptq.core.ConfigException;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.spark.DatasetSource;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Objects;

/** Where an {@link Engine}'s samples come from: a {@link DataLoader} or a Spark {@code Dataset<Row>}. */
interface EngineData {
    /** The samples as the pipeline's data source, for {@code model} (a dataset's columns are checked against it). */
    DataSource source(OnnxModel model);

    /** The partitions work is split into: {@code requested} for a loader, the dataset's own for a dataset. */
    int partitions(int requested);

    /** What the report's {@code calibration.data_source} ends with: {@code data-loader} or {@code dataset}. */
    default String label() {
        return "data-loader";
    }

    /** No data yet: every use says how to add some. */
    EngineData NONE = new EngineData() {
        @Override
        public DataSource source(OnnxModel model) {
            throw new ConfigException("the engine has no data; give it your samples with engine.withDataLoader(...) "
                    + "or, on a Spark engine, engine.withDataset(...)");
        }

        @Override
        public int partitions(int requested) {
            return requested;
        }
    };

    /** A loader's items, sliced into the engine's partitions. */
    record Loader(DataLoader loader) implements EngineData {
        public Loader {
            Objects.requireNonNull(loader, "loader");
        }

        @Override
        public DataSource source(OnnxModel model) {
            return new LoaderSource(loader);
        }

        @Override
        public int partitions(int requested) {
            return requested;
        }
    }

    /**
     * A dataset's rows, in the dataset's own partitions.
     *
     * @param annotationColumn the annotation's column; {@code null} for {@code label} when present, {@code ""} none
     */
    record Rows(Dataset<Row> rows, String annotationColumn) implements EngineData {
        public Rows {
            Objects.requireNonNull(rows, "rows");
        }

        @Override
        public DataSource source(OnnxModel model) {
            return DatasetSource.of(rows, ModelGraph.of(model.proto()).inputs(), annotationColumn);
        }

        @Override
        public int partitions(int requested) {
            // the RDD the tasks run over (the same lazily planned one on every pass, also under adaptive execution)
            return Math.max(1, rows.queryExecution().toRdd().getNumPartitions());
        }

        @Override
        public String label() {
            return "dataset";
        }
    }
}
