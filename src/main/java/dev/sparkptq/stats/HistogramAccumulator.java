package dev.sparkptq.stats;

import dev.sparkptq.core.InternalException;

/**
 * Counts values into fixed bins ({@link HistogramSpec}). Counts are {@code long}s, so merging (adding counts)
 * is exact, associative and commutative, and a fresh accumulator (all zeros) is its identity: any partitioning
 * gives bit-identical counts. Memory is {@code 8 × bins} bytes whatever the data size; nothing else is kept.
 *
 * <p>Value {@code x} (or {@code |x|}) goes to bin {@code floor((x − low) · bins / (high − low))}; {@code x == high}
 * goes to the last bin. Values outside {@code [low, high]} cannot come from the pass that fixed the edges, but are
 * counted into the nearest edge bin and in {@link Histogram#clamped()} rather than lost. NaN and ±Inf are skipped
 * and counted. Exact zeros are counted in their bin and also apart ({@link Histogram#zeros()}): every quantizer
 * represents 0 exactly, so range methods leave them out of the error they weigh (a ReLU output is often half
 * zeros, which would otherwise drown the values that do get rounded).
 *
 * <p>A plain class with primitive and array fields, so that Kryo and Java serialization both work.
 */
public final class HistogramAccumulator implements HistogramCounter {
    private static final long serialVersionUID = 1L;

    private HistogramSpec.Domain domain;
    private double low;
    private double high;
    private long[] counts;
    private long nonFinite;
    private long clamped;
    private long zeros;

    public HistogramAccumulator(HistogramSpec spec) {
        this.domain = spec.domain();
        this.low = spec.low();
        this.high = spec.high();
        this.counts = new long[spec.bins()];
    }

    /** Counts {@code values[from..to)}. */
    @Override
    public void add(float[] values, int from, int to) {
        boolean magnitudes = domain == HistogramSpec.Domain.MAGNITUDES;
        int bins = counts.length;
        double scale = high > low ? bins / (high - low) : 0.0;
        for (int k = from; k < to; k++) {
            float f = values[k];
            if (!(Math.abs(f) <= Float.MAX_VALUE)) {
                nonFinite++;
                continue;
            }
            zeros += f == 0 ? 1 : 0;
            double x = magnitudes ? Math.abs(f) : f;
            double pos = (x - low) * scale;
            int i;
            if (x < low) {
                i = 0;
                clamped++;
            } else if (pos >= bins || x > high) {
                i = bins - 1;
                clamped += x > high ? 1 : 0;
            } else {
                i = (int) pos;
            }
            counts[i]++;
        }
    }

    @Override
    public void merge(HistogramCounter other) {
        if (!(other instanceof HistogramAccumulator fixed)) {
            throw new InternalException("cannot merge " + other + " into a fixed-edge histogram " + describe(this)
                    + "; histograms of different specs were paired");
        }
        merge(fixed);
    }

    /** Adds {@code other}'s counts; both must have the same domain and edges. */
    public void merge(HistogramAccumulator other) {
        if (other.domain != domain || Double.compare(other.low, low) != 0 || Double.compare(other.high, high) != 0
                || other.counts.length != counts.length) {
            throw new InternalException("cannot merge a histogram " + describe(other) + " into " + describe(this)
                    + "; histograms of different specs were paired");
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        nonFinite += other.nonFinite;
        clamped += other.clamped;
        zeros += other.zeros;
    }

    @Override
    public Histogram result() {
        return new Histogram(domain, low, high, counts, nonFinite, clamped, zeros);
    }

    @Override
    public boolean isEmpty() {
        if (nonFinite != 0) {
            return false;
        }
        for (long c : counts) {
            if (c != 0) {
                return false;
            }
        }
        return true;
    }

    private static String describe(HistogramAccumulator a) {
        return a.domain + " [" + a.low + ", " + a.high + "] × " + a.counts.length;
    }
}
