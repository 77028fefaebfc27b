package dev.sparkptq.stats;

import dev.sparkptq.core.InternalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distribution aggregators at and beyond their exact limit, which is injected small here: exact and partition
 * independent up to the limit, within the bounds documented on {@link Aggregation} beyond it, deterministic for a
 * given merge order, and serializable in both modes.
 */
class RobustAccumulatorTest {
    /** The sketch's normalized rank error assumed by the documented bounds (k = 50, three standard deviations). */
    static final double EPSILON = 0.005;
    static final double G = 1.0 / RobustAccumulator.GRID;
    static final int LIMIT = 64;

    static RobustAccumulator create(Aggregation kind, PerSampleStat stat, double q, int limit) {
        return new RobustAccumulator(stat, q, Double.NaN, kind, limit);
    }

    /** Per channel a different distribution: Gaussian, heavy-tailed, ReLU-like (a third exact zeros), few levels. */
    static List<double[]> data(long seed, int count, int channels) {
        Random rnd = new Random(seed);
        List<double[]> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            double[] v = new double[channels];
            for (int c = 0; c < channels; c++) {
                double g = rnd.nextGaussian();
                v[c] = switch (c % 4) {
                    case 0 -> 2 + g;
                    case 1 -> g / Math.max(0.05, Math.abs(rnd.nextGaussian()));
                    case 2 -> Math.max(0, g + 0.4) * 3;
                    default -> Math.round(g * 2) / 2.0;
                };
            }
            out.add(v);
        }
        return out;
    }

    static double[] column(List<double[]> data, int c) {
        return data.stream().mapToDouble(v -> v[c]).toArray();
    }

    private static StatAccumulator split(Aggregation kind, int limit, List<double[]> data, Random rnd) {
        int parts = 1 + rnd.nextInt(7);
        List<StatAccumulator> accs = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            accs.add(create(kind, PerSampleStat.MAX, Double.NaN, limit));
        }
        for (double[] v : data) {
            accs.get(rnd.nextInt(parts)).add(v);
        }
        Collections.shuffle(accs, rnd);
        StatAccumulator total = accs.get(0);
        for (int p = 1; p < parts; p++) {
            total.merge(accs.get(p));
        }
        return total;
    }

    @ParameterizedTest
    @EnumSource(value = Aggregation.class, names = {"MEDIAN", "MEAN_NO_OUTLIERS", "MEDIAN_NO_OUTLIERS", "HL_ESTIMATOR"})
    void exactlyAtTheLimitEveryPartitioningGivesTheSameBitsAsTheReference(Aggregation kind) {
        List<double[]> data = data(4, LIMIT, 4);
        Random rnd = new Random(6);
        for (int round = 0; round < 8; round++) {
            RobustAccumulator acc = (RobustAccumulator) split(kind, LIMIT, data, rnd);
            StatResult r = acc.result();
            for (int c = 0; c < 4; c++) {
                assertFalse(acc.sketched(c));
                double expected = OrderStatisticsTest.referenceAggregate(kind, column(data, c));
                if (kind == Aggregation.MEAN_NO_OUTLIERS) {
                    assertEquals(expected, r.value(c), 1e-14 * Math.abs(expected) + 1e-300);
                } else {
                    assertEquals(expected, r.value(c), 0.0);
                }
            }
            assertArrayEquals(split(kind, LIMIT, data, new Random(99)).result().values(), r.values(), 0.0,
                    "bit-identical across partitionings");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Aggregation.class, names = {"MEDIAN", "MEAN_NO_OUTLIERS", "MEDIAN_NO_OUTLIERS", "HL_ESTIMATOR"})
    void beyondTheLimitEveryPartitioningStaysWithinTheDocumentedBound(Aggregation kind) {
        int n = 3000;
        List<double[]> data = data(5, n, 4);
        Random rnd = new Random(7);
        for (int round = 0; round < 4; round++) {
            RobustAccumulator acc = (RobustAccumulator) split(kind, LIMIT, data, rnd);
            StatResult r = acc.result();
            for (int c = 0; c < 4; c++) {
                assertTrue(acc.sketched(c));
                assertWithinBound(kind, column(data, c), r.value(c), "round " + round + " channel " + c);
            }
            assertEquals(n, r.samples());
        }
    }

    /** Checks the rank or value bound documented on {@link Aggregation} against brute-force ranks. */
    static void assertWithinBound(Aggregation kind, double[] values, double result, String what) {
        double[] s = values.clone();
        Arrays.sort(s);
        double d = EPSILON + G;
        switch (kind) {
            case MEDIAN -> assertRankNear(s, result, 0.5, d, what);
            case MEDIAN_NO_OUTLIERS -> assertRankNear(band(s), result, 0.5, 2 * d, what);
            case MEAN_NO_OUTLIERS -> {
                double[] b = band(s);
                double exact = Arrays.stream(b).sum() / b.length;
                double bound = 4 * d * (b[b.length - 1] - b[0]);
                assertEquals(exact, result, bound, what);
            }
            case HL_ESTIMATOR -> assertWalshRankNear(s, result, 2 * d + 3 * G, what);
            default -> throw new IllegalArgumentException(kind.name());
        }
    }

    private static double[] band(double[] sorted) {
        return OrderStatisticsTest.referenceBand(sorted).stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void assertRankNear(double[] sorted, double v, double target, double delta, String what) {
        long below = Arrays.stream(sorted).filter(x -> x < v).count();
        long atMost = Arrays.stream(sorted).filter(x -> x <= v).count();
        double lo = (double) below / sorted.length;
        double hi = (double) atMost / sorted.length;
        assertTrue(lo <= target + delta && hi >= target - delta, what + ": value " + v + " has rank [" + lo + ", "
                + hi + "], expected within " + delta + " of " + target);
    }

    private static void assertWalshRankNear(double[] s, double v, double delta, String what) {
        long below = 0;
        long atMost = 0;
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < i; j++) {
                double w = 0.5 * (s[i] + s[j]);
                below += w < v ? 1 : 0;
                atMost += w <= v ? 1 : 0;
            }
        }
        double pairs = (double) s.length * (s.length - 1) / 2;
        assertTrue(below / pairs <= 0.5 + delta && atMost / pairs >= 0.5 - delta, what + ": HL " + v
                + " has Walsh rank [" + below / pairs + ", " + atMost / pairs + "], expected within " + delta);
    }

    @Test
    void aLowSideUsesTheLowRankAccurateSketchAndStaysWithinBound() {
        List<double[]> data = data(8, 5000, 4);
        RobustAccumulator low = create(Aggregation.MEDIAN_NO_OUTLIERS, PerSampleStat.QUANTILE, 1e-4, LIMIT);
        data.forEach(low::add);
        for (int c = 0; c < 4; c++) {
            assertWithinBound(Aggregation.MEDIAN_NO_OUTLIERS, column(data, c), low.result().value(c), "channel " + c);
        }
    }

    @Test
    void sameDataInTheSameOrderGivesTheSameBitsEvenThroughSerialization() throws Exception {
        List<double[]> data = data(9, 2000, 4);
        for (Aggregation kind : new Aggregation[] {Aggregation.MEDIAN, Aggregation.HL_ESTIMATOR}) {
            double[][] runs = new double[2][];
            for (int run = 0; run < 2; run++) {
                StatAccumulator a = create(kind, PerSampleStat.MAX, Double.NaN, LIMIT);
                StatAccumulator b = create(kind, PerSampleStat.MAX, Double.NaN, LIMIT);
                data.subList(0, 1000).forEach(a::add);
                data.subList(1000, 2000).forEach(b::add);
                StatAccumulator shippedA = StatAccumulatorContractTest.roundTrip(a);
                shippedA.merge(StatAccumulatorContractTest.roundTrip(b));
                runs[run] = shippedA.result().values();
            }
            assertArrayEquals(runs[0], runs[1], 0.0, kind.name());
        }
    }

    @Test
    void serializationKeepsExactAndSketchedChannelsAndTheirResults() throws Exception {
        RobustAccumulator a = create(Aggregation.MEDIAN, PerSampleStat.MAX, Double.NaN, LIMIT);
        Random rnd = new Random(1);
        for (int s = 0; s < 200; s++) {
            // channel 0 sees a finite value every time (sketched), channel 1 rarely (stays exact)
            a.add(new double[] {rnd.nextGaussian(), s % 10 == 0 ? rnd.nextGaussian() : Double.NaN});
        }
        assertTrue(a.sketched(0));
        assertFalse(a.sketched(1));
        RobustAccumulator copy = StatAccumulatorContractTest.roundTrip(a);
        assertEquals(a.result(), copy.result());
        assertTrue(copy.sketched(0));
        assertFalse(copy.sketched(1));
        RobustAccumulator empty = StatAccumulatorContractTest.roundTrip(
                create(Aggregation.MEDIAN, PerSampleStat.MAX, Double.NaN, LIMIT));
        assertTrue(empty.isEmpty());
    }

    @Test
    void mergingIntoEmptyCopiesASketchAndEmptyIsIdentityInSketchMode() {
        List<double[]> data = data(10, 500, 2);
        RobustAccumulator source = create(Aggregation.HL_ESTIMATOR, PerSampleStat.MAX, Double.NaN, LIMIT);
        data.forEach(source::add);
        StatResult before = source.result();
        RobustAccumulator target = create(Aggregation.HL_ESTIMATOR, PerSampleStat.MAX, Double.NaN, LIMIT);
        target.merge(source);
        assertEquals(before, target.result());
        data(11, 100, 2).forEach(target::add);
        assertEquals(before, source.result(), "the source is not shared with the copy");
        source.merge(create(Aggregation.HL_ESTIMATOR, PerSampleStat.MAX, Double.NaN, LIMIT));
        assertEquals(before, source.result());
    }

    @Test
    void differentLimitsOrAggregatorsDoNotMerge() {
        RobustAccumulator a = create(Aggregation.MEDIAN, PerSampleStat.MAX, Double.NaN, LIMIT);
        a.add(new double[] {1});
        RobustAccumulator otherLimit = create(Aggregation.MEDIAN, PerSampleStat.MAX, Double.NaN, LIMIT + 2);
        otherLimit.add(new double[] {2});
        assertThrows(InternalException.class, () -> a.merge(otherLimit));
        RobustAccumulator otherKind = create(Aggregation.HL_ESTIMATOR, PerSampleStat.MAX, Double.NaN, LIMIT);
        otherKind.add(new double[] {2});
        assertThrows(InternalException.class, () -> a.merge(otherKind));
        assertThrows(IllegalArgumentException.class,
                () -> create(Aggregation.MEAN, PerSampleStat.MAX, Double.NaN, LIMIT));
    }

    @Test
    void theDefaultLimitKeepsTenThousandValuesExactly() {
        RobustAccumulator a = new RobustAccumulator(PerSampleStat.MAX, Double.NaN, Double.NaN, Aggregation.MEDIAN);
        for (int i = 0; i < RobustAccumulator.DEFAULT_EXACT_LIMIT; i++) {
            a.add(new double[] {i});
        }
        assertFalse(a.sketched(0));
        assertEquals((RobustAccumulator.DEFAULT_EXACT_LIMIT - 1) / 2.0, a.result().value(0), 0.0);
        a.add(new double[] {-1});
        assertTrue(a.sketched(0));
    }
}
