package dev.sparkptq.stats;

import java.io.Serializable;

/**
 * What {@link HistogramSet} needs of a histogram accumulator: count values, merge a partition's counts (exactly, in
 * any order), and give an immutable {@link Histogram}. Two kinds: fixed edges from a previous pass
 * ({@link HistogramAccumulator}) and a power-of-two grid that needs no previous pass ({@link GridHistogramAccumulator}).
 */
public sealed interface HistogramCounter extends Serializable
        permits HistogramAccumulator, GridHistogramAccumulator {

    /** Counts {@code values[from..to)}. */
    void add(float[] values, int from, int to);

    /** Counts every element of {@code values}. */
    default void add(float[] values) {
        add(values, 0, values.length);
    }

    /** Adds {@code other}'s counts; both must come from the same spec (an InternalException otherwise). */
    void merge(HistogramCounter other);

    Histogram result();

    /** True when nothing, finite or not, has been counted. */
    boolean isEmpty();
}
