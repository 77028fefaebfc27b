package dev.sparkptq.api;

import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.data.Subsets;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.StatisticsBackend;
import dev.sparkptq.runtime.ort.OrtEngineFactory;

import java.io.Serializable;
import java.util.List;

/** Runs every slice in this JVM, one after another, exactly as Spark would split them. */
final class LocalRunner implements Runner {
    private final StatisticsBackend backend = new InProcessBackend(new OrtEngineFactory());

    @Override
    public StatisticsBackend backend() {
        return backend;
    }

    @Override
    public <R extends Serializable> List<R> map(DataSource source, List<SampleRef> refs, int partitions,
                                                SliceTask<R> task) {
        return Subsets.slices(refs, partitions).stream().map(slice -> task.apply(slice.iterator())).toList();
    }

    @Override
    public void close() {
    }
}
