package dev.sparkptq.accuracy;

import java.io.Serializable;

/**
 * Aggregates per-sample metric values across partitions. {@link #merge} must be associative and commutative, and a
 * fresh accumulator must be its identity, so that Spark may combine partial results in any order and grouping.
 */
public interface MetricAccumulator extends Serializable {
    void add(double perSampleValue);

    /** Folds {@code other} into this accumulator; {@code other} is left unchanged. */
    void merge(MetricAccumulator other);

    /** The aggregate so far; {@code NaN} while empty (check {@link #count()}). */
    double value();

    long count();
}
