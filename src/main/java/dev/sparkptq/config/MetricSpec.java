package dev.sparkptq.config;

import java.io.Serializable;

/**
 * One evaluation metric.
 *
 * @param name      the metric's name in report.json
 * @param type      what it computes
 * @param topK      k for {@code ACCURACY}
 * @param output    model output the metric reads, {@code null} for the first output (for the fidelity types: every
 *                  output)
 * @param pooling   for {@code COSINE_TO_FP32}: how a [batch, seq, hidden] output is reduced to one vector per sample
 * @param className for {@code CUSTOM}: the fully qualified class implementing the accuracy package's
 *                  {@code Metric} interface; {@code null} otherwise
 * @param direction for {@code CUSTOM}: whether larger values are better (POT's {@code direction}), overriding the
 *                  class's own {@code higherBetter()}; {@code null} to keep it (built-in metrics are higher-better)
 */
public record MetricSpec(String name, Type type, int topK, String output, Pooling pooling, String className,
                         Direction direction) implements Serializable {
    public enum Type {
        /** top-k accuracy against labels */
        ACCURACY,
        /** mean cosine similarity of the output to the FP32 model's output */
        COSINE_TO_FP32,
        /** share of samples whose argmax equals the FP32 model's argmax */
        TOP1_AGREEMENT,
        /** Spearman correlation between the cosine of sentence-pair embeddings and the gold score (STS) */
        SPEARMAN,
        /** mean IoU of a segmentation output's argmax against label masks, or against the FP32 model's argmax */
        MEAN_IOU,
        /** a user class on the classpath implementing the accuracy package's {@code Metric} interface */
        CUSTOM,
        /** the lowest mean cosine to FP32 over every output (or the one named): label-free accuracy control */
        FIDELITY_COSINE,
        /** the highest noise-to-signal energy ratio to FP32 over every output, 10^(−SQNR/10) */
        FIDELITY_SQNR
    }

    public enum Pooling {
        /** cosine over the whole flattened output */
        NONE,
        /** mean over the sequence axis weighted by the {@code attention_mask} input (sentence embeddings) */
        MEAN
    }

    /** Which way is better, as POT's metric attribute {@code direction} (higher-better / higher-worse). */
    public enum Direction {
        HIGHER_BETTER,
        LOWER_BETTER
    }

    /** A built-in metric (no class, the built-in direction). */
    public MetricSpec(String name, Type type, int topK, String output, Pooling pooling) {
        this(name, type, topK, output, pooling, null, null);
    }
}
