package dev.sparkptq.stats;

/**
 * MEAN aggregation: per channel a Neumaier-compensated sum and a count of finite values.
 *
 * <p>A plain double sum depends on the order of additions, so 1 and 4 partitions would differ in the last bits;
 * the compensation term carries the lost low-order part, which keeps the relative difference near 1e-16 in
 * practice. Example: adding 1e16, 1.0, -1e16 gives 0.0 with a plain sum and 1.0 here.
 */
final class MeanAccumulator extends ChannelAccumulator {
    private static final long serialVersionUID = 1L;

    private double[] sum;
    private double[] compensation;
    private long[] count;

    MeanAccumulator(PerSampleStat stat, double probability, double clip) {
        super(stat, probability, clip);
    }

    @Override
    protected void allocate(int n) {
        sum = new double[n];
        compensation = new double[n];
        count = new long[n];
    }

    @Override
    protected void accept(int i, double v) {
        addCompensated(i, v);
        count[i]++;
    }

    private void addCompensated(int i, double v) {
        double s = sum[i];
        double t = s + v;
        if (Math.abs(s) >= Math.abs(v)) {
            compensation[i] += (s - t) + v;
        } else {
            compensation[i] += (v - t) + s;
        }
        sum[i] = t;
    }

    @Override
    protected void combine(ChannelAccumulator other) {
        MeanAccumulator o = (MeanAccumulator) other;
        for (int i = 0; i < length; i++) {
            addCompensated(i, o.sum[i]);
            compensation[i] += o.compensation[i];
            count[i] += o.count[i];
        }
    }

    @Override
    protected void copyArrays(ChannelAccumulator other) {
        MeanAccumulator o = (MeanAccumulator) other;
        sum = o.sum.clone();
        compensation = o.compensation.clone();
        count = o.count.clone();
    }

    @Override
    protected boolean sameKind(ChannelAccumulator other) {
        return true;
    }

    @Override
    protected String kindName() {
        return Aggregation.MEAN.name();
    }

    @Override
    public StatResult result() {
        if (isEmpty()) {
            return new StatResult(new double[0], 0, 0);
        }
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = count[i] == 0 ? Double.NaN : (sum[i] + compensation[i]) / count[i];
        }
        return new StatResult(out, samples, nonFinite);
    }
}
