package dev.sparkptq.stats;

import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.apache.datasketches.req.ReqDebug;
import org.apache.datasketches.req.ReqSketch;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;

/**
 * MEDIAN, MEAN_NO_OUTLIERS, MEDIAN_NO_OUTLIERS and HL_ESTIMATOR: aggregators that need the distribution of the
 * per-sample values, not a running summary.
 *
 * <p><b>Exact mode.</b> Each channel keeps its finite per-sample values (after clipping) while it has at most
 * {@code exactLimit} of them (default {@value #DEFAULT_EXACT_LIMIT}, 80 KB per channel at most). {@link #result()}
 * sorts a copy and applies {@link OrderStatistics}; a merge concatenates. The result depends only on the multiset of
 * values, so every partitioning gives the same bits. Whether a channel is still exact depends only on its total
 * count, so that too is partition independent.
 *
 * <p><b>Sketch mode.</b> A channel whose count would pass the limit moves, values in ascending order, into a
 * DataSketches REQ sketch with k = {@value #SKETCH_K} in high-rank-accuracy mode for a high side and low-rank mode
 * for a low side (REQ is accurate at the end it is told to favour; stack-notes: KLL is poor in the tails). The result
 * applies the same {@link OrderStatistics} to {@value #GRID} quantiles of the sketch at ranks
 * {@code (j + 0.5) / GRID}; the error bounds are documented on {@link Aggregation}. Sketch items are floats: values
 * round to float32 (relative 6e-8), far below the rank error.
 *
 * <p><b>Determinism in sketch mode.</b> REQ flips a random coin when it compacts. DataSketches seeds that coin with
 * 1 when a {@link ReqDebug} is attached, so every sketch here gets a no-op one, and a deserialized sketch is merged
 * into such a fresh sketch instead of being used as heapified (heapify would reseed from the clock). The same data
 * merged in the same order thus gives the same bits; a different partitioning stays within the documented bound.
 *
 * <p><b>Serialization.</b> Sketches are not {@link java.io.Serializable}: {@code writeObject} stores each channel as
 * its values (trimmed to the count) or as the sketch's {@code toByteArray()}; {@code readObject} rebuilds them. The
 * class therefore relies on Java serialization, which is how Spark ships it (Kryo's JavaSerializer, see
 * {@code PtqKryoRegistrator}).
 */
final class RobustAccumulator extends ChannelAccumulator {
    private static final long serialVersionUID = 1L;

    /** Per-sample values kept exactly per channel before switching to a sketch. */
    static final int DEFAULT_EXACT_LIMIT = 10_000;
    /** REQ accuracy parameter: 3-sigma normalized rank error 0.0039 at the median, ≤ 0.005 anywhere. */
    static final int SKETCH_K = 50;
    /** Evenly spaced sketch quantiles the aggregator is applied to in sketch mode. */
    static final int GRID = 2048;
    private static final int INITIAL_CAPACITY = 16;
    private static final byte EXACT = 0;
    private static final byte SKETCH = 1;

    private final Aggregation kind;
    private final int exactLimit;
    /** Per channel: values in arrival order, the first {@code counts[i]} valid; null once sketched. */
    private transient double[][] values;
    private transient int[] counts;
    /** Per channel: the sketch once the channel passed the limit, else null. */
    private transient ReqSketch[] sketches;

    RobustAccumulator(PerSampleStat stat, double probability, double clip, Aggregation kind) {
        this(stat, probability, clip, kind, DEFAULT_EXACT_LIMIT);
    }

    /** With a custom exact limit (tests use a small one to exercise sketch mode). */
    RobustAccumulator(PerSampleStat stat, double probability, double clip, Aggregation kind, int exactLimit) {
        super(stat, probability, clip);
        if (!kind.needsDistribution()) {
            throw new IllegalArgumentException("robust accumulator needs a distribution aggregator, got " + kind);
        }
        if (exactLimit < 2) {
            throw new IllegalArgumentException("exact limit must be at least 2, got " + exactLimit);
        }
        this.kind = kind;
        this.exactLimit = exactLimit;
    }

    @Override
    protected void allocate(int n) {
        values = new double[n][];
        counts = new int[n];
        sketches = new ReqSketch[n];
        for (int i = 0; i < n; i++) {
            values[i] = new double[0];
        }
    }

    @Override
    protected void accept(int i, double v) {
        if (sketches[i] == null && counts[i] == exactLimit) {
            toSketch(i);
        }
        if (sketches[i] != null) {
            sketches[i].update(toFloat(v));
            return;
        }
        if (counts[i] == values[i].length) {
            values[i] = Arrays.copyOf(values[i], Math.min(exactLimit, Math.max(INITIAL_CAPACITY,
                    2 * values[i].length)));
        }
        values[i][counts[i]++] = v;
    }

    @Override
    protected void combine(ChannelAccumulator other) {
        RobustAccumulator o = (RobustAccumulator) other;
        for (int i = 0; i < length; i++) {
            if (o.sketches[i] == null) {
                absorb(i, o.values[i], o.counts[i]);
            } else {
                if (sketches[i] == null) {
                    toSketch(i);
                }
                sketches[i].merge(o.sketches[i]);
            }
        }
    }

    /** Adds another accumulator's exact values of channel {@code i}. */
    private void absorb(int i, double[] more, int n) {
        if (sketches[i] == null && counts[i] + n <= exactLimit) {
            double[] merged = Arrays.copyOf(values[i], Math.max(values[i].length, counts[i] + n));
            System.arraycopy(more, 0, merged, counts[i], n);
            values[i] = merged;
            counts[i] += n;
            return;
        }
        if (sketches[i] == null) {
            toSketch(i);
        }
        for (double v : sorted(more, n)) {
            sketches[i].update(toFloat(v));
        }
    }

    private void toSketch(int i) {
        ReqSketch s = newSketch();
        for (double v : sorted(values[i], counts[i])) {
            s.update(toFloat(v));
        }
        sketches[i] = s;
        values[i] = null;
        counts[i] = 0;
    }

    private ReqSketch newSketch() {
        return ReqSketch.builder().setK(SKETCH_K).setHighRankAccuracy(side == PerSampleStat.Side.HIGH)
                .setReqDebug(SeededCoin.INSTANCE).build();
    }

    /** A deterministic copy of {@code s}: a fresh seeded sketch with {@code s} merged in. */
    private ReqSketch copyOf(ReqSketch s) {
        ReqSketch copy = newSketch();
        copy.merge(s);
        return copy;
    }

    private static double[] sorted(double[] v, int n) {
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return s;
    }

    private static float toFloat(double v) {
        return (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, v));
    }

    @Override
    protected void copyArrays(ChannelAccumulator other) {
        RobustAccumulator o = (RobustAccumulator) other;
        allocate(o.length);
        for (int i = 0; i < length; i++) {
            if (o.sketches[i] == null) {
                values[i] = Arrays.copyOf(o.values[i], o.counts[i]);
                counts[i] = o.counts[i];
            } else {
                values[i] = null;
                sketches[i] = copyOf(o.sketches[i]);
            }
        }
    }

    @Override
    protected boolean sameKind(ChannelAccumulator other) {
        RobustAccumulator o = (RobustAccumulator) other;
        return o.kind == kind && o.exactLimit == exactLimit;
    }

    @Override
    protected String kindName() {
        return kind.name();
    }

    /** True when channel {@code i} has passed the exact limit (for tests and diagnostics). */
    boolean sketched(int i) {
        return sketches != null && sketches[i] != null;
    }

    @Override
    public StatResult result() {
        if (isEmpty()) {
            return new StatResult(new double[0], 0, 0);
        }
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            double[] sample = sketches[i] == null ? sorted(values[i], counts[i]) : grid(sketches[i]);
            out[i] = sample.length == 0 ? Double.NaN : OrderStatistics.aggregate(kind, sample, sample.length);
        }
        return new StatResult(out, samples, nonFinite);
    }

    /** {@value #GRID} sketch quantiles at ranks {@code (j + 0.5) / GRID}, ascending. */
    private static double[] grid(ReqSketch s) {
        double[] ranks = new double[GRID];
        for (int j = 0; j < GRID; j++) {
            ranks[j] = (j + 0.5) / GRID;
        }
        float[] q = s.getQuantiles(ranks, QuantileSearchCriteria.INCLUSIVE);
        double[] out = new double[GRID];
        for (int j = 0; j < GRID; j++) {
            out[j] = q[j];
        }
        return out;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        for (int i = 0; i < Math.max(length, 0); i++) {
            if (sketches[i] == null) {
                out.writeByte(EXACT);
                out.writeInt(counts[i]);
                for (int j = 0; j < counts[i]; j++) {
                    out.writeDouble(values[i][j]);
                }
            } else {
                byte[] bytes = sketches[i].toByteArray();
                out.writeByte(SKETCH);
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (length < 0) {
            return;
        }
        allocate(length);
        for (int i = 0; i < length; i++) {
            byte mode = in.readByte();
            int n = in.readInt();
            if (mode == EXACT) {
                values[i] = new double[n];
                for (int j = 0; j < n; j++) {
                    values[i][j] = in.readDouble();
                }
                counts[i] = n;
            } else {
                byte[] bytes = new byte[n];
                in.readFully(bytes);
                values[i] = null;
                sketches[i] = copyOf(ReqSketch.heapify(Memory.wrap(bytes)));
            }
        }
    }

    /**
     * A do-nothing {@link ReqDebug}. Attaching one is how DataSketches 6.1.1 seeds REQ's compaction coin (with 1)
     * instead of the clock; nothing is logged.
     */
    private static final class SeededCoin implements ReqDebug {
        static final SeededCoin INSTANCE = new SeededCoin();

        @Override
        public void emitStart(ReqSketch sk) {
        }

        @Override
        public void emitStartCompress() {
        }

        @Override
        public void emitCompressDone() {
        }

        @Override
        public void emitAllHorizList() {
        }

        @Override
        public void emitMustAddCompactor() {
        }

        @Override
        public void emitCompactingStart(byte lgWeight) {
        }

        @Override
        public void emitNewCompactor(byte lgWeight) {
        }

        @Override
        public void emitAdjSecSizeNumSec(byte lgWeight) {
        }

        @Override
        public void emitCompactionDetail(int compactionStart, int compactionEnd, int secsToCompact,
                                         int newSize, boolean coin) {
        }

        @Override
        public void emitCompactionDone(byte lgWeight) {
        }
    }
}
