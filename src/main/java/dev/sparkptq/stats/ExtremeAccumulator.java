package dev.sparkptq.stats;

/**
 * MIN or MAX aggregation: a running extreme per channel. Exact and order independent (min/max of doubles is
 * associative and commutative), so any partitioning gives bit-identical results.
 */
final class ExtremeAccumulator extends ChannelAccumulator {
    private static final long serialVersionUID = 1L;

    /** MIN or MAX. */
    private Aggregation kind;
    /** Running extreme; ±Inf (the identity) for a channel that has seen nothing finite yet. */
    private double[] extreme;

    ExtremeAccumulator(PerSampleStat stat, double probability, double clip, Aggregation kind) {
        super(stat, probability, clip);
        if (kind != Aggregation.MIN && kind != Aggregation.MAX) {
            throw new IllegalArgumentException("extreme accumulator needs MIN or MAX, got " + kind);
        }
        this.kind = kind;
    }

    @Override
    protected void allocate(int n) {
        extreme = new double[n];
        java.util.Arrays.fill(extreme, identity());
    }

    private double identity() {
        return kind == Aggregation.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    @Override
    protected void accept(int i, double v) {
        extreme[i] = pick(extreme[i], v);
    }

    private double pick(double a, double b) {
        return kind == Aggregation.MIN ? Math.min(a, b) : Math.max(a, b);
    }

    @Override
    protected void combine(ChannelAccumulator other) {
        double[] o = ((ExtremeAccumulator) other).extreme;
        for (int i = 0; i < length; i++) {
            extreme[i] = pick(extreme[i], o[i]);
        }
    }

    @Override
    protected void copyArrays(ChannelAccumulator other) {
        extreme = ((ExtremeAccumulator) other).extreme.clone();
    }

    @Override
    protected boolean sameKind(ChannelAccumulator other) {
        return ((ExtremeAccumulator) other).kind == kind;
    }

    @Override
    protected String kindName() {
        return kind.name();
    }

    @Override
    public StatResult result() {
        if (isEmpty()) {
            return new StatResult(new double[0], 0, 0);
        }
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = Double.isInfinite(extreme[i]) ? Double.NaN : extreme[i];
        }
        return new StatResult(out, samples, nonFinite);
    }
}
