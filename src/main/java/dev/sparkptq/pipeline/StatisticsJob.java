package dev.sparkptq.pipeline;

import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.stats.StatisticSpec;

import java.io.Serializable;
import java.util.List;

/**
 * Everything a statistics pass needs, as one serializable value (what the Spark layer broadcasts).
 *
 * @param model      the FP32 model with the requested tensors exposed as outputs
 * @param outputs    model outputs to fetch (the exposed tensors; graph inputs are read from the sample instead)
 * @param specs      statistics to accumulate
 * @param source     how executors load samples
 * @param batchSize  samples per inference (same-shape samples only)
 * @param threads    intra-op threads per task
 */
public record StatisticsJob(ModelBlob model, List<String> outputs, List<StatisticSpec> specs, DataSource source,
                            int batchSize, int threads) implements Serializable {
    public StatisticsJob {
        outputs = List.copyOf(outputs);
        specs = List.copyOf(specs);
    }

    /** Partition the samples into {@code n} contiguous slices exactly as Spark's {@code parallelize} does. */
    public static List<List<SampleRef>> slices(List<SampleRef> refs, int n) {
        List<List<SampleRef>> out = new java.util.ArrayList<>();
        long len = refs.size();
        for (int i = 0; i < n; i++) {
            int start = (int) ((i * len) / n);
            int end = (int) (((i + 1) * len) / n);
            out.add(List.copyOf(refs.subList(start, end)));
        }
        return out;
    }
}
