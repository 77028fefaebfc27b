package dev.sparkptq.api;

import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.pipeline.StatisticsBackend;

import java.io.Serializable;
import java.util.List;

/** Where an {@link Engine}'s work runs: the quantization pipeline's backend plus a generic per-slice map. */
interface Runner extends AutoCloseable {
    /** The backend the quantization pipeline collects statistics with. */
    StatisticsBackend backend();

    /**
     * Runs {@code task} on each of {@code partitions} slices of {@code refs} (a dataset source's own partitions
     * instead); results in slice order.
     */
    <R extends Serializable> List<R> map(DataSource source, List<SampleRef> refs, int partitions, SliceTask<R> task);

    /** Stops what this runner started (a Spark session it created); a no-op otherwise. */
    @Override
    void close();
}
