package dev.sparkptq.accuracy;

import java.io.Serializable;

/**
 * One evaluation metric. Serializable because metrics travel to Spark executors with the evaluation task.
 *
 * <p>By default the metric's value is the mean of its per-sample values. A metric that is not a mean of
 * independent per-sample terms (e.g. a rank correlation) overrides {@link #newAccumulator()} with an accumulator
 * that keeps what it needs and overrides {@link #accumulate} to feed it (the accumulator may need more than one
 * number per sample: a rank correlation keeps (score, gold) pairs, mean IoU per-class pixel counts).
 *
 * <p>Callers aggregate through {@link #accumulate}, never by feeding {@code perSample} values to an accumulator
 * themselves, or metrics that keep more than a mean cannot work.
 */
public interface Metric extends Serializable {
    /** The name in report.json. */
    String name();

    /** Whether larger values are better (accuracy) or worse (an error rate); fixes the sign of the drop. */
    boolean higherBetter();

    /** The metric's value on one sample. */
    double perSample(EvalSample sample);

    /**
     * Whether {@link #perSample} is a meaningful per-sample quality (true for means of per-sample terms). When false
     * (e.g. a rank correlation over all samples), accuracy-aware ranking picks its subset by output distance instead.
     */
    default boolean hasPerSampleValues() {
        return true;
    }

    /** An empty accumulator for this metric's per-sample values. */
    default MetricAccumulator newAccumulator() {
        return new MeanAccumulator();
    }

    /** Adds one sample to {@code accumulator}, which came from this metric's {@link #newAccumulator()}. */
    default void accumulate(MetricAccumulator accumulator, EvalSample sample) {
        accumulator.add(perSample(sample));
    }
}
