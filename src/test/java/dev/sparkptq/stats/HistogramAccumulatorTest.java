package dev.sparkptq.stats;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Histogram accumulators: exact, partition-independent counts; empty identity; serialization. */
class HistogramAccumulatorTest {

    private static HistogramSpec spec(HistogramSpec.Domain domain) {
        return domain == HistogramSpec.Domain.VALUES
                ? new HistogramSpec("t", domain, -3.0, 5.0, 64)
                : new HistogramSpec("t", domain, 0.0, 5.0, 64);
    }

    /** Chunks of Gaussian-ish values inside [-3, 5], with about 1 % NaN/Inf. */
    private static List<float[]> chunks(long seed, int count) {
        Random rnd = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            float[] v = new float[1 + rnd.nextInt(200)];
            for (int k = 0; k < v.length; k++) {
                int kind = rnd.nextInt(100);
                v[k] = kind == 0 ? Float.NaN : kind == 1 ? Float.NEGATIVE_INFINITY
                        : (float) Math.max(-3, Math.min(5, rnd.nextGaussian() * 1.5 + 0.5));
            }
            out.add(v);
        }
        return out;
    }

    /** Independent reference: counts by the definition floor((x - low) / width), clamped to the last bin. */
    private static long[] reference(HistogramSpec spec, List<float[]> data) {
        long[] counts = new long[spec.bins()];
        for (float[] chunk : data) {
            for (float f : chunk) {
                if (Float.isNaN(f) || Float.isInfinite(f)) {
                    continue;
                }
                double x = spec.domain() == HistogramSpec.Domain.MAGNITUDES ? Math.abs(f) : f;
                int i = (int) Math.floor((x - spec.low()) / ((spec.high() - spec.low()) / spec.bins()));
                counts[Math.min(spec.bins() - 1, i)]++;
            }
        }
        return counts;
    }

    private static HistogramAccumulator allAtOnce(HistogramSpec spec, List<float[]> data) {
        HistogramAccumulator a = new HistogramAccumulator(spec);
        data.forEach(a::add);
        return a;
    }

    @ParameterizedTest
    @EnumSource(HistogramSpec.Domain.class)
    void countsMatchAnIndependentReference(HistogramSpec.Domain domain) {
        HistogramSpec spec = spec(domain);
        List<float[]> data = chunks(3, 50);
        Histogram h = allAtOnce(spec, data).result();
        long[] expected = reference(spec, data);
        long[] actual = h.counts();
        long differing = 0;
        for (int i = 0; i < expected.length; i++) {
            // floor((x-low)*bins/(high-low)) and floor((x-low)/width) may differ by one bin for a value on an edge
            differing += Math.abs(expected[i] - actual[i]);
        }
        assertTrue(differing <= 2, "counts differ by " + differing);
        long nonFinite = data.stream().mapToLong(c -> {
            long n = 0;
            for (float f : c) {
                n += Float.isFinite(f) ? 0 : 1;
            }
            return n;
        }).sum();
        assertEquals(nonFinite, h.nonFinite());
        assertEquals(data.stream().mapToLong(c -> c.length).sum() - nonFinite, h.total());
        assertEquals(0, h.clamped());
    }

    @ParameterizedTest
    @EnumSource(HistogramSpec.Domain.class)
    void splitAndMergeInRandomPartitionsEqualsAllAtOnceExactly(HistogramSpec.Domain domain) {
        HistogramSpec spec = spec(domain);
        List<float[]> data = chunks(11, 300);
        Histogram expected = allAtOnce(spec, data).result();
        Random rnd = new Random(5);
        for (int round = 0; round < 6; round++) {
            int parts = 1 + rnd.nextInt(9);
            List<HistogramAccumulator> accs = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                accs.add(new HistogramAccumulator(spec));
            }
            for (float[] v : data) {
                accs.get(rnd.nextInt(parts)).add(v);
            }
            Collections.shuffle(accs, rnd);
            while (accs.size() > 1) {
                int i = rnd.nextInt(accs.size() - 1);
                HistogramAccumulator left = accs.remove(i);
                left.merge(accs.remove(i));
                accs.add(i, left);
            }
            assertEquals(expected, accs.get(0).result());
        }
    }

    @Test
    void emptyAccumulatorIsTheIdentityOnBothSides() {
        HistogramSpec spec = spec(HistogramSpec.Domain.VALUES);
        List<float[]> data = chunks(7, 20);
        Histogram expected = allAtOnce(spec, data).result();
        HistogramAccumulator right = allAtOnce(spec, data);
        right.merge(new HistogramAccumulator(spec));
        assertEquals(expected, right.result());
        HistogramAccumulator left = new HistogramAccumulator(spec);
        assertTrue(left.isEmpty());
        left.merge(allAtOnce(spec, data));
        assertFalse(left.isEmpty());
        assertEquals(expected, left.result());
        assertEquals(0, new HistogramAccumulator(spec).result().total());
    }

    @Test
    void javaSerializationRoundTripKeepsCountsAndEdges() throws Exception {
        HistogramSpec spec = spec(HistogramSpec.Domain.MAGNITUDES);
        List<float[]> data = chunks(17, 40);
        HistogramAccumulator original = allAtOnce(spec, data.subList(0, 20));
        HistogramAccumulator copy = StatAccumulatorContractTest.roundTrip(original);
        assertEquals(original.result(), copy.result());
        data.subList(20, 40).forEach(original::add);
        data.subList(20, 40).forEach(copy::add);
        assertEquals(original.result(), copy.result());
        copy.merge(original); // the copy still knows its edges
        assertEquals(2 * original.result().total(), copy.result().total());
    }

    @Test
    void edgesLandInTheirBinsAndOutsideValuesAreClampedAndCounted() {
        HistogramAccumulator a = new HistogramAccumulator(new HistogramSpec("t", HistogramSpec.Domain.VALUES,
                -1.0, 3.0, 4));
        a.add(new float[] {-1f, 0f, 0.999f, 1f, 3f, 2.5f, -7f, 9f});
        Histogram h = a.result();
        // bins [-1,0) [0,1) [1,2) [2,3]: -1 and -7 | 0 and 0.999 | 1 | 3, 2.5 and 9
        assertArrayEquals(new long[] {2, 2, 1, 3}, h.counts());
        assertEquals(2, h.clamped(), "-7 and 9 are outside the edges");
        assertEquals(8, h.total());
    }

    @Test
    void exactZerosAreCountedInTheirBinAndApartAndMerge() {
        HistogramSpec spec = new HistogramSpec("t", HistogramSpec.Domain.VALUES, -1.0, 3.0, 8);
        HistogramAccumulator a = new HistogramAccumulator(spec);
        a.add(new float[] {0f, -0f, 0.1f, -0.1f, 0f});
        HistogramAccumulator b = new HistogramAccumulator(spec);
        b.add(new float[] {0f, 2f});
        a.merge(b);
        Histogram h = a.result();
        assertEquals(4, h.zeros());
        assertEquals(2, h.zeroBin(), "bins of width 0.5 from -1: 0 opens bin 2");
        assertEquals(5, h.count(2), "four zeros and 0.1");
        assertEquals(0, new Histogram(HistogramSpec.Domain.MAGNITUDES, 0, 2, new long[4], 0, 0, 0).zeroBin());
        assertEquals(-1, new Histogram(HistogramSpec.Domain.VALUES, 1, 2, new long[4], 0, 0, 0).zeroBin());
    }

    @Test
    void magnitudesCountAbsoluteValues() {
        HistogramAccumulator a = new HistogramAccumulator(new HistogramSpec("t", HistogramSpec.Domain.MAGNITUDES,
                0.0, 2.0, 2));
        a.add(new float[] {-1.5f, 1.5f, -0.5f, 0f, 2f, -2f});
        assertArrayEquals(new long[] {2, 4}, a.result().counts());
        assertEquals(0, a.result().clamped());
        assertEquals(1.0, a.result().width());
        assertEquals(2.0, a.result().edge(2));
    }

    @Test
    void aConstantTensorGoesToTheFirstBin() {
        HistogramAccumulator a = new HistogramAccumulator(new HistogramSpec("t", HistogramSpec.Domain.MAGNITUDES,
                0.0, 0.0, 8));
        a.add(new float[] {0f, -0f, 0f});
        assertEquals(3, a.result().count(0));
        assertEquals(3, a.result().total());
    }

    @Test
    void mergingDifferentEdgesFails() {
        HistogramAccumulator a = new HistogramAccumulator(spec(HistogramSpec.Domain.VALUES));
        InternalException e = assertThrows(InternalException.class, () -> a.merge(
                new HistogramAccumulator(new HistogramSpec("t", HistogramSpec.Domain.VALUES, -3.0, 5.5, 64))));
        assertTrue(e.getMessage().contains("cannot merge"), e.getMessage());
        assertThrows(InternalException.class, () -> a.merge(new HistogramAccumulator(spec(
                HistogramSpec.Domain.MAGNITUDES))));
    }

    @Test
    void specsRejectBadEdges() {
        assertThrows(IllegalArgumentException.class,
                () -> new HistogramSpec("t", HistogramSpec.Domain.VALUES, 1.0, 0.0, 8));
        assertThrows(IllegalArgumentException.class,
                () -> new HistogramSpec("t", HistogramSpec.Domain.MAGNITUDES, -1.0, 1.0, 8));
        assertThrows(IllegalArgumentException.class,
                () -> new HistogramSpec("t", HistogramSpec.Domain.VALUES, 0.0, Double.NaN, 8));
        assertThrows(IllegalArgumentException.class,
                () -> new HistogramSpec("t", HistogramSpec.Domain.VALUES, 0.0, 1.0, 0));
    }

    @Test
    void setsCountEveryElementOfEveryBatchAndMergeExactly() {
        List<HistogramSpec> specs = List.of(new HistogramSpec("b", HistogramSpec.Domain.MAGNITUDES, 0.0, 4.0, 4),
                new HistogramSpec("a", HistogramSpec.Domain.VALUES, -2.0, 2.0, 4));
        HistogramSet one = HistogramSet.empty(specs);
        HistogramSet p1 = HistogramSet.empty(specs);
        HistogramSet p2 = HistogramSet.empty(specs);
        Map<String, Tensor> batch1 = Map.of("a", Tensor.ofFloats(new long[] {2, 2}, new float[] {-2, -1, 0, 1.5f}),
                "b", Tensor.ofFloats(new long[] {2, 1}, new float[] {-3.5f, 0.5f}), "extra", Tensor.ofFloats(
                        new long[] {1}, new float[] {9}));
        Map<String, Tensor> batch2 = Map.of("a", Tensor.ofFloats(new long[] {1, 2}, new float[] {2, Float.NaN}),
                "b", Tensor.ofFloats(new long[] {1, 1}, new float[] {4}));
        one.addBatch(batch1);
        one.addBatch(batch2);
        p1.addBatch(batch1);
        p2.addBatch(batch2);
        p2.merge(p1);
        assertEquals(one.results(), p2.results());
        assertEquals(3, one.samples());
        assertEquals(3, p2.samples());
        assertEquals(List.of("a", "b"), List.copyOf(one.tensors()));
        assertArrayEquals(new long[] {1, 1, 1, 2}, one.results().get("a").counts());
        assertArrayEquals(new long[] {1, 0, 0, 2}, one.results().get("b").counts());
        assertEquals(1, one.results().get("a").nonFinite());
        one.requireComplete();
    }

    @Test
    void setsReportMissingTensorsAndEmptyHistograms() {
        List<HistogramSpec> specs = List.of(new HistogramSpec("a", HistogramSpec.Domain.VALUES, 0, 1, 2),
                new HistogramSpec("b", HistogramSpec.Domain.VALUES, 0, 1, 2));
        HistogramSet set = HistogramSet.empty(specs);
        DataException empty = assertThrows(DataException.class, set::requireComplete);
        assertTrue(empty.getMessage().contains("[a, b]"), empty.getMessage());
        InternalException missing = assertThrows(InternalException.class, () -> set.addBatch(Map.of("a",
                Tensor.ofFloats(new long[] {1}, new float[] {0.5f}))));
        assertTrue(missing.getMessage().contains("'b'"), missing.getMessage());
        assertThrows(InternalException.class, () -> HistogramSet.empty(List.of(
                new HistogramSpec("a", HistogramSpec.Domain.VALUES, 0, 1, 2),
                new HistogramSpec("a", HistogramSpec.Domain.VALUES, 0, 2, 2))));
        HistogramSet other = HistogramSet.empty(List.of(new HistogramSpec("a", HistogramSpec.Domain.VALUES, 0, 1, 2)));
        assertThrows(InternalException.class, () -> set.merge(other));
    }
}
