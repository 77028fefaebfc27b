package dev.sparkptq.config;

import java.io.Serializable;

/**
 * One evaluation metric.
 *
 * @param name   the metric's name in report.json
 * @param type   what it computes
 * @param topK   k for {@code ACCURACY}
 * @param output model output the metric reads, {@code null} for the first output
 * @param pooling for {@code COSINE_TO_FP32}: how a [batch, seq, hidden] output is reduced to one vector per sample
 */
public record MetricSpec(String name, Type type, int topK, String output, Pooling pooling) implements Serializable {
    public enum Type {
        /** top-k accuracy against labels */
        ACCURACY,
        /** mean cosine similarity of the output to the FP32 model's output */
        COSINE_TO_FP32,
        /** share of samples whose argmax equals the FP32 model's argmax */
        TOP1_AGREEMENT
    }

    public enum Pooling {
        /** cosine over the whole flattened output */
        NONE,
        /** mean over the sequence axis weighted by the {@code attention_mask} input (sentence embeddings) */
        MEAN
    }
}
