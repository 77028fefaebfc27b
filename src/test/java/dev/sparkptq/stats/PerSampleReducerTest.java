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
            if (!seen[s][c]) {
                out[s][c] = x;
                seen[s][c] = true;
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
}
