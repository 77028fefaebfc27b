package dev.sparkptq.step;

import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.graph.edit.GraphEdit;

import java.util.List;
import java.util.function.Consumer;

/**
 * What a run gives every step it builds: the configuration, the run's {@link Passes}, where progress lines go, and
 * the provenance the output model carries.
 *
 * @param config     the whole run configuration
 * @param params     the algorithm's resolved params
 * @param passes     the run's samples and backend
 * @param log        progress lines
 * @param provenance the metadata edits ({@code metadata_props}) every model the run writes carries
 */
public record StepContext(PtqConfig config, QuantizationParams params, Passes passes, Consumer<String> log,
                          List<GraphEdit> provenance) {
    public StepContext {
        provenance = List.copyOf(provenance);
    }

    /** The quantization algorithm the steps make up (the base algorithm of an accuracy-aware run). */
    public AlgorithmSpec.Name algorithm() {
        return config.compression().algorithms().get(0).baseName();
    }
}
