package dev.sparkptq.stats;

import dev.sparkptq.core.InternalException;

/**
 * What every per-channel accumulator shares: clipping, NaN counting, lazy sizing and the compatibility check.
 *
 * <p>The vector length is learnt from the first sample (a spec does not know the channel count), so an empty
 * accumulator has no arrays at all, which is what makes it the identity of {@code merge}.
 */
abstract class ChannelAccumulator implements StatAccumulator {
    private static final long serialVersionUID = 1L;

    /** Statistic of the per-sample values, kept for the compatibility check. */
    protected PerSampleStat stat;
    /** Quantile probability of the statistic, NaN when it has none. */
    protected double probability;
    /** The side the statistic bounds: decides the clipping direction. */
    protected PerSampleStat.Side side;
    /** POT clipping value, NaN when none (a primitive so that the class stays Kryo friendly). */
    protected double clip;
    protected long samples;
    protected long nonFinite;
    /** Vector length, -1 while empty. */
    protected int length = -1;

    ChannelAccumulator(PerSampleStat stat, double probability, double clip) {
        this.stat = stat;
        this.probability = probability;
        this.side = stat.side(probability);
        this.clip = clip;
    }

    /** Allocates the per-channel arrays in their identity state. */
    protected abstract void allocate(int length);

    /** Folds one finite, clipped value into channel {@code i}. */
    protected abstract void accept(int i, double value);

    /** Folds a compatible, non-empty accumulator of the same class and length into this non-empty one. */
    protected abstract void combine(ChannelAccumulator other);

    /** Copies the arrays of a compatible, non-empty accumulator into this empty one. */
    protected abstract void copyArrays(ChannelAccumulator other);

    /** Extra compatibility beyond class, statistic and clipping (e.g. MIN vs MAX). */
    protected abstract boolean sameKind(ChannelAccumulator other);

    @Override
    public final void add(double[] v) {
        if (length < 0) {
            length = v.length;
            allocate(length);
        } else if (v.length != length) {
            throw new InternalException("per-sample vector of length " + v.length + " fed to an accumulator of "
                    + "length " + length + "; the channel count of a tensor changed between batches");
        }
        samples++;
        for (int i = 0; i < length; i++) {
            double x = v[i];
            if (Double.isFinite(x)) {
                accept(i, side.clip(x, clip));
            } else {
                nonFinite++;
            }
        }
    }

    @Override
    public final void merge(StatAccumulator other) {
        if (!(other instanceof ChannelAccumulator o) || o.getClass() != getClass() || o.stat != stat
                || Double.compare(o.probability, probability) != 0 || Double.compare(o.clip, clip) != 0
                || !sameKind(o)) {
            throw new InternalException("cannot merge " + describe(other) + " into " + describe(this)
                    + "; accumulators of different statistics were paired");
        }
        if (o.isEmpty()) {
            return;
        }
        if (isEmpty()) {
            length = o.length;
            copyArrays(o);
        } else if (o.length != length) {
            throw new InternalException("cannot merge accumulators of lengths " + length + " and " + o.length
                    + "; the channel count of a tensor differs between partitions");
        } else {
            combine(o);
        }
        samples += o.samples;
        nonFinite += o.nonFinite;
    }

    @Override
    public final boolean isEmpty() {
        return length < 0;
    }

    private static String describe(StatAccumulator a) {
        if (a instanceof ChannelAccumulator c) {
            return c.getClass().getSimpleName() + "(" + c.stat + (Double.isNaN(c.probability) ? "" : " q "
                    + c.probability) + ", clip " + c.clip + ", " + c.kindName() + ")";
        }
        return String.valueOf(a);
    }

    /** Short name of the aggregation, for messages. */
    protected abstract String kindName();
}
