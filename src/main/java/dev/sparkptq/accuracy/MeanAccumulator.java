package dev.sparkptq.accuracy;

import dev.sparkptq.core.InternalException;

/**
 * Mean with Neumaier-compensated summation. A plain double sum of 10^6 values of 0/1 and cosines drifts with the
 * order in which partitions are merged; the compensation keeps the result order-insensitive to ~1e-15 relative,
 * so 1 and 4 partitions report the same accuracy.
 */
public final class MeanAccumulator implements MetricAccumulator {
    private static final long serialVersionUID = 1L;

    private double sum;
    private double compensation;
    private long count;

    @Override
    public void add(double perSampleValue) {
        if (!Double.isFinite(perSampleValue)) {
            throw new InternalException("a metric produced the per-sample value " + perSampleValue
                    + "; metrics must map degenerate outputs to a finite score");
        }
        accumulate(perSampleValue);
        count++;
    }

    @Override
    public void merge(MetricAccumulator other) {
        if (!(other instanceof MeanAccumulator m)) {
            throw new InternalException("cannot merge a " + other.getClass().getSimpleName()
                    + " into a MeanAccumulator; accumulators of one metric must come from the same newAccumulator()");
        }
        accumulate(m.sum);
        accumulate(m.compensation);
        count += m.count;
    }

    @Override
    public double value() {
        return count == 0 ? Double.NaN : (sum + compensation) / count;
    }

    @Override
    public long count() {
        return count;
    }

    /** Neumaier's variant of Kahan summation: also exact when the new term is larger than the running sum. */
    private void accumulate(double v) {
        double t = sum + v;
        if (Math.abs(sum) >= Math.abs(v)) {
            compensation += (sum - t) + v;
        } else {
            compensation += (v - t) + sum;
        }
        sum = t;
    }

    @Override
    public String toString() {
        return "MeanAccumulator[count=" + count + ", mean=" + value() + "]";
    }
}
