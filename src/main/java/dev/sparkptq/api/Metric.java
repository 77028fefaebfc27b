package dev.sparkptq.api;

import java.util.Locale;

/**
 * An evaluation metric you write: POT's {@code Metric}, on top of spark-ptq's own
 * {@link dev.sparkptq.accuracy.Metric}. Implement {@link #name}, {@link #higherBetter} and {@link #perSample}; the
 * value over a data set is the mean of the per-sample values unless you override {@link #newAccumulator()} (e.g. a
 * rank correlation keeps what it needs in a mergeable accumulator). Serializable: executors compute the per-sample
 * values, and partial accumulators are merged in any order, so an accumulator's merge must be order-independent.
 *
 * <p>The built-in metrics ({@code dev.sparkptq.accuracy.TopKAccuracy}, {@code CosineToFp32}, {@code Top1Agreement})
 * work with the {@link Engine} too: it accepts any {@link dev.sparkptq.accuracy.Metric}.
 */
public interface Metric extends dev.sparkptq.accuracy.Metric {
    /** Which way is better: the sign of an accuracy drop. */
    enum Direction { HIGHER_BETTER, HIGHER_WORSE }

    /**
     * POT's metric attributes ({@code direction}, {@code type}) for reports and accuracy-aware tooling.
     *
     * @param direction which way is better
     * @param type      what kind of metric this is (free text, e.g. {@code accuracy}, {@code mAP})
     */
    record Attributes(Direction direction, String type) {
    }

    /** The direction from {@link #higherBetter()} and the lower-cased name as type; override to name the type. */
    default Attributes attributes() {
        return new Attributes(higherBetter() ? Direction.HIGHER_BETTER : Direction.HIGHER_WORSE,
                name().toLowerCase(Locale.ROOT));
    }
}
