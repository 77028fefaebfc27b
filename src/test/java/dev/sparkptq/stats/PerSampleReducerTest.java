package dev.sparkptq.stats;

import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerSampleReducerTest {

    static Stream<Arguments> shapes() {
        long[][] shapes = {{4, 7}, {3, 5, 6}, {2, 3, 4, 5}, {5, 1, 3, 2}, {2, 6, 1, 1}};
        List<Arguments> out = new ArrayList<>();
        for (long[] shape : shapes) {
            for (int axis = -1; axis < shape.length; axis++) {
                if (axis == 0) {
                    continue;
                }
                for (PerSampleStat stat : PerSampleStat.values()) {
                    if (!stat.needsProbability()) {
                        out.add(Arguments.of(shape, axis, stat));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} axis={1} {2}")
    @MethodSource("shapes")
    void matchesNaiveReferenceWithNaNAndInfInjected(long[] shape, int axis, PerSampleStat stat) {
        Random rnd = new Random(shape.length * 31L + axis);
        float[] data = new float[(int) Tensor.numel(shape)];
        long injected = 0;
        for (int i = 0; i < data.length; i++) {
            int r = rnd.nextInt(10);
            data[i] = switch (r) {
                case 0 -> Float.NaN;
                case 1 -> rnd.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                default -> (float) (rnd.nextGaussian() * 3);
            };
            injected += r <= 1 ? 1 : 0;
        }
        Reduced r = PerSampleReducer.reduce(Tensor.ofFloats(shape, data), stat, axis);
        double[][] expected = naive(shape, data, stat, axis);
        assertEquals(injected, r.nonFinite());
        assertEquals(expected.length, r.values().length);
        for (int s = 0; s < expected.length; s++) {
            assertEquals(expected[s].length, r.values()[s].length);
            for (int c = 0; c < expected[s].length; c++) {
                assertEquals(expected[s][c], r.values()[s][c], 0.0, "sample " + s + " channel " + c);
            }
        }
    }

    /** Reference: visit every element by its multi-index and pick its channel coordinate directly. */
    private static double[][] naive(long[] shape, float[] data, PerSampleStat stat, int axis) {
        int n = (int) shape[0];
        int channels = axis == -1 ? 1 : (int) shape[axis];
        double[][] out = new double[n][channels];
        boolean[][] seen = new boolean[n][channels];
        long[][] count = new long[n][channels];
        int[] idx = new int[shape.length];
        for (int flat = 0; flat < data.length; flat++) {
            int rem = flat;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = (int) (rem % shape[d]);
                rem /= (int) shape[d];
            }
            float v = data[flat];
            if (Float.isNaN(v) || Float.isInfinite(v)) {
                continue;
            }
            int s = idx[0];
            int c = axis == -1 ? 0 : idx[axis];
            double x = stat == PerSampleStat.ABS_MAX ? Math.abs(v) : v;
            count[s][c]++;
            if (!seen[s][c]) {
                out[s][c] = x;
                seen[s][c] = true;
            } else if (stat == PerSampleStat.MEAN) {
                out[s][c] += x; // summed in flat order, divided below
            } else if (stat == PerSampleStat.MIN) {
                out[s][c] = Math.min(out[s][c], x);
            } else {
                out[s][c] = Math.max(out[s][c], x);
            }
        }
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < channels; c++) {
                if (!seen[s][c]) {
                    out[s][c] = Double.NaN;
                } else if (stat == PerSampleStat.MEAN) {
                    out[s][c] /= count[s][c];
                }
            }
        }
        return out;
    }

    @Test
    void channelWithoutFiniteValueIsNaNWhileOthersAreReduced() {
        // [2, 2, 3]: sample 0 channel 1 is all NaN/Inf, sample 1 entirely NaN
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        float[] data = {1, -2, 3, nan, inf, nan, nan, nan, nan, nan, nan, nan};
        Reduced r = PerSampleReducer.reduce(Tensor.ofFloats(new long[] {2, 2, 3}, data), PerSampleStat.MAX, 1);
        assertEquals(3.0, r.values()[0][0]);
        assertTrue(Double.isNaN(r.values()[0][1]));
        assertTrue(Double.isNaN(r.values()[1][0]));
        assertTrue(Double.isNaN(r.values()[1][1]));
        assertEquals(9, r.nonFinite());
    }

    @Test
    void emptyBatchGivesNoVectors() {
        Reduced r = PerSampleReducer.reduce(Tensor.ofFloats(new long[] {0, 3}, new float[0]), PerSampleStat.MIN, 1);
        assertEquals(0, r.values().length);
    }

    @Test
    void rejectsBatchAxisOutOfRangeAxisAndNonFloatTensors() {
        Tensor t = Tensor.ofFloats(new long[] {2, 3}, new float[6]);
        assertThrows(InternalException.class, () -> PerSampleReducer.reduce(t, PerSampleStat.MIN, 0));
        InternalException e = assertThrows(InternalException.class,
                () -> PerSampleReducer.reduce(t, PerSampleStat.MIN, 2));
        assertTrue(e.getMessage().contains("channel axis 2"), e.getMessage());
        assertThrows(InternalException.class, () -> PerSampleReducer.reduce(t, PerSampleStat.MIN, -2));
        Tensor ints = Tensor.ofInts(new long[] {2}, new int[2]);
        assertThrows(InternalException.class, () -> PerSampleReducer.reduce(ints, PerSampleStat.MAX, -1));
    }

    static Stream<Arguments> quantileShapes() {
        long[][] shapes = {{4, 7}, {3, 5, 6}, {2, 3, 4, 5}, {5, 1, 3, 2}, {2, 6, 1, 1}, {2, 40, 3}};
        List<Arguments> out = new ArrayList<>();
        for (long[] shape : shapes) {
            for (int axis = -1; axis < shape.length; axis++) {
                if (axis != 0) {
                    out.add(Arguments.of(shape, axis, PerSampleStat.QUANTILE, 0.3));
                    out.add(Arguments.of(shape, axis, PerSampleStat.QUANTILE, 1e-4));
                    out.add(Arguments.of(shape, axis, PerSampleStat.ABS_QUANTILE, 0.9999));
                    out.add(Arguments.of(shape, axis, PerSampleStat.ABS_QUANTILE, 0.5));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} axis={1} {2} q={3}")
    @MethodSource("quantileShapes")
    void quantilesMatchASortBasedReferenceWithNaNAndInfInjected(long[] shape, int axis, PerSampleStat stat,
                                                                double q) {
        Random rnd = new Random(shape.length * 17L + axis);
        float[] data = new float[(int) Tensor.numel(shape)];
        long injected = 0;
        for (int i = 0; i < data.length; i++) {
            int r = rnd.nextInt(10);
            data[i] = r == 0 ? Float.NaN : r == 1 ? Float.NEGATIVE_INFINITY
                    : r == 2 ? rnd.nextInt(3) - 1 : (float) (rnd.nextGaussian() * 3);
            injected += r <= 1 ? 1 : 0;
        }
        Reduced r = PerSampleReducer.reduce(Tensor.ofFloats(shape, data), stat, q, axis);
        assertEquals(injected, r.nonFinite());
        List<List<List<Double>>> groups = groups(shape, data, axis);
        for (int s = 0; s < groups.size(); s++) {
            for (int c = 0; c < groups.get(s).size(); c++) {
                List<Double> g = groups.get(s).get(c);
                double expected = g.isEmpty() ? Double.NaN : OrderStatisticsTest.referenceQuantile(g.stream()
                        .mapToDouble(v -> stat == PerSampleStat.ABS_QUANTILE ? Math.abs(v) : v).toArray(), q);
                assertEquals(expected, r.values()[s][c], 0.0, "sample " + s + " channel " + c);
            }
        }
    }

    /** The finite values of every (sample, channel), found by multi-index like {@link #naive}. */
    private static List<List<List<Double>>> groups(long[] shape, float[] data, int axis) {
        int channels = axis == -1 ? 1 : (int) shape[axis];
        List<List<List<Double>>> out = new ArrayList<>();
        for (int s = 0; s < shape[0]; s++) {
            List<List<Double>> row = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                row.add(new ArrayList<>());
            }
            out.add(row);
        }
        int[] idx = new int[shape.length];
        for (int flat = 0; flat < data.length; flat++) {
            int rem = flat;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = (int) (rem % shape[d]);
                rem /= (int) shape[d];
            }
            if (Float.isFinite(data[flat])) {
                out.get(idx[0]).get(axis == -1 ? 0 : idx[axis]).add((double) data[flat]);
            }
        }
        return out;
    }

    @Test
    void quantileInterpolatesLikeNumpyAndItsEndsAreMinAndMax() {
        Tensor t = Tensor.ofFloats(new long[] {2, 4}, new float[] {4, 1, 3, 2, -5, 0.5f, 8, -1});
        Reduced tenth = PerSampleReducer.reduce(t, PerSampleStat.QUANTILE, 0.1, -1);
        assertEquals(1.3, tenth.values()[0][0], 1e-15);
        assertEquals(-5 + 0.3 * 4, tenth.values()[1][0], 1e-15);
        for (int axis : new int[] {-1, 1}) {
            assertArrayEquals2(PerSampleReducer.reduce(t, PerSampleStat.MIN, axis),
                    PerSampleReducer.reduce(t, PerSampleStat.QUANTILE, 0.0, axis));
            assertArrayEquals2(PerSampleReducer.reduce(t, PerSampleStat.MAX, axis),
                    PerSampleReducer.reduce(t, PerSampleStat.QUANTILE, 1.0, axis));
            assertArrayEquals2(PerSampleReducer.reduce(t, PerSampleStat.ABS_MAX, axis),
                    PerSampleReducer.reduce(t, PerSampleStat.ABS_QUANTILE, 1.0, axis));
        }
    }

    private static void assertArrayEquals2(Reduced expected, Reduced actual) {
        assertEquals(expected.values().length, actual.values().length);
        for (int s = 0; s < expected.values().length; s++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected.values()[s], actual.values()[s], 0.0);
        }
    }

    @Test
    void quantileStatisticsNeedTheirProbabilityAndOthersIgnoreIt() {
        Tensor t = Tensor.ofFloats(new long[] {1, 3}, new float[] {1, 2, 3});
        InternalException e = assertThrows(InternalException.class,
                () -> PerSampleReducer.reduce(t, PerSampleStat.QUANTILE, -1));
        assertTrue(e.getMessage().contains("probability"), e.getMessage());
        assertThrows(InternalException.class, () -> PerSampleReducer.reduce(t, PerSampleStat.QUANTILE, Double.NaN,
                -1));
        assertThrows(InternalException.class, () -> PerSampleReducer.reduce(t, PerSampleStat.ABS_QUANTILE, 1.5, -1));
        assertEquals(3.0, PerSampleReducer.reduce(t, PerSampleStat.MAX, Double.NaN, -1).values()[0][0]);
    }
}
