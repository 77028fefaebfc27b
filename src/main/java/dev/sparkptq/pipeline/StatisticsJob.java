package dev.sparkptq.pipeline;

import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.stats.HistogramSpec;
import dev.sparkptq.stats.StatisticSpec;

import java.io.Serializable;
import java.util.List;

/**
 * Everything a statistics pass needs, as one serializable value (what the Spark layer broadcasts). The backend
 * method called decides what is filled: {@code collect} fills the per-sample statistics ({@code specs}) and counts
 * {@code histograms} in the same pass (one-pass grid histograms, attached to the {@code StatisticsSet});
 * {@code histograms} counts only {@code histograms} (the second pass of fixed-edge histograms, whose edges come
 * from the first).
 *
 * @param model      the FP32 model with the requested tensors exposed as outputs
 * @param outputs    model outputs to fetch (the exposed tensors; graph inputs are read from the sample instead)
 * @param specs      statistics to accumulate
 * @param histograms histograms to count (empty for a pass without histograms)
 * @param source     how executors load samples
 * @param batchSize  samples per inference (same-shape samples only)
 * @param threads    intra-op threads per task
 */
public record StatisticsJob(ModelBlob model, List<String> outputs, List<StatisticSpec> specs,
                            List<HistogramSpec> histograms, DataSource source, int batchSize, int threads)
        implements Serializable {
    public StatisticsJob {
        outputs = List.copyOf(outputs);
        specs = List.copyOf(specs);
        histograms = List.copyOf(histograms);
    }

    /** A pass of per-sample statistics only. */
    public StatisticsJob(ModelBlob model, List<String> outputs, List<StatisticSpec> specs, DataSource source,
                         int batchSize, int threads) {
        this(model, outputs, specs, List.of(), source, batchSize, threads);
    }
}
