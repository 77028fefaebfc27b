package dev.sparkptq.stats;

import java.io.Serializable;

/**
 * Folds per-sample statistic vectors into one aggregated vector.
 *
 * <p>Contract (checked by the accumulator contract test): {@code merge} is associative and commutative, a fresh
 * accumulator is its identity on both sides, and the result never depends on how samples were split across
 * accumulators (exactly for MIN/MAX and for the distribution aggregators up to their exact limit; for MEAN up to
 * rounding of a compensated sum; for distribution aggregators past the limit within the bounds documented on
 * {@link Aggregation}). NaN entries are ignored and counted. Implementations are shipped through Java serialization
 * (Spark registers them with Kryo's JavaSerializer); sketches inside them are stored as their byte form.
 */
public interface StatAccumulator extends Serializable {

    /** Adds one sample's vector (same length every time: 1, or the channel count); clipping is applied here. */
    void add(double[] perSampleVector);

    /** Folds {@code other} into this one (mutates this); throws InternalException when the two are incompatible. */
    void merge(StatAccumulator other);

    /** An immutable snapshot of the current aggregate. */
    StatResult result();

    /** True when no sample has been added (directly or through merge). */
    boolean isEmpty();

    /** A fresh, empty accumulator for {@code spec}'s aggregation, statistic side and clipping value. */
    static StatAccumulator create(StatisticSpec spec) {
        double q = spec.probabilityOrNaN();
        double clip = spec.clipOrNaN();
        return switch (spec.aggregation()) {
            case MIN, MAX -> new ExtremeAccumulator(spec.stat(), q, clip, spec.aggregation());
            case MEAN -> new MeanAccumulator(spec.stat(), q, clip);
            case MEDIAN, MEAN_NO_OUTLIERS, MEDIAN_NO_OUTLIERS, HL_ESTIMATOR ->
                    new RobustAccumulator(spec.stat(), q, clip, spec.aggregation());
        };
    }
}
