package dev.sparkptq.stats;

import dev.sparkptq.core.InternalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-pass power-of-two grid histogram: equal to a direct count at the width the global extremes call for,
 * whatever the partitioning, merge order or arrival order.
 */
class GridHistogramAccumulatorTest {
    private static final HistogramSpec.Domain V = HistogramSpec.Domain.VALUES;
    private static final HistogramSpec.Domain M = HistogramSpec.Domain.MAGNITUDES;

    /** Chunks of values at a few scales (tiny, unit, large; some all-negative chunks), with NaN/Inf and zeros. */
    private static List<float[]> chunks(long seed, int count) {
        Random rnd = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            float[] v = new float[1 + rnd.nextInt(300)];
            double scale = Math.pow(10, rnd.nextInt(7) - 4);
            double shift = rnd.nextInt(4) == 0 ? -3 * scale : 0.5 * scale;
            for (int k = 0; k < v.length; k++) {
                int kind = rnd.nextInt(200);
                v[k] = kind == 0 ? Float.NaN : kind == 1 ? Float.POSITIVE_INFINITY : kind < 12 ? 0f
                        : (float) (shift + scale * rnd.nextGaussian());
            }
            out.add(v);
        }
        return out;
    }

    /**
     * Independent reference: the smallest power-of-two width at which bins from 0 to the extremes fit in
     * {@code maxBins}, then every value counted directly by exact decimal arithmetic: bin index → count.
     */
    private static Reference reference(List<float[]> data, HistogramSpec.Domain domain, int maxBins) {
        double lo = 0;
        double hi = 0;
        for (float[] chunk : data) {
            for (float f : chunk) {
                if (Float.isFinite(f)) {
                    double x = domain == M ? Math.abs(f) : f;
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
        }
        int e = GridHistogramAccumulator.MIN_EXPONENT;
        while (exactBin(hi, e).subtract(exactBin(lo, e)).compareTo(java.math.BigInteger.valueOf(maxBins)) >= 0) {
            e++;
        }
        TreeMap<Long, Long> counts = new TreeMap<>();
        for (float[] chunk : data) {
            for (float f : chunk) {
                if (Float.isFinite(f)) {
                    counts.merge(bin(domain == M ? Math.abs(f) : f, e), 1L, Long::sum);
                }
            }
        }
        return new Reference(e, counts);
    }

    record Reference(int exponent, TreeMap<Long, Long> counts) {
    }

    /** floor(x / 2^e) in exact decimal arithmetic. */
    private static java.math.BigInteger exactBin(double x, int e) {
        BigDecimal w = e >= 0 ? new BigDecimal(java.math.BigInteger.TWO.pow(e))
                : BigDecimal.ONE.divide(new BigDecimal(java.math.BigInteger.TWO.pow(-e)));
        return new BigDecimal(x).divide(w).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
    }

    private static long bin(double x, int e) {
        return exactBin(x, e).longValueExact();
    }

    private static GridHistogramAccumulator filled(List<float[]> data, HistogramSpec.Domain domain, int maxBins) {
        GridHistogramAccumulator a = new GridHistogramAccumulator(domain, maxBins);
        data.forEach(a::add);
        return a;
    }

    private static void assertMatches(Reference ref, GridHistogramAccumulator a) {
        assertEquals(ref.exponent(), a.exponent(), "bin width 2^e");
        for (long k = Math.min(a.firstBin(), ref.counts().firstKey()); k <= Math.max(a.lastBin(),
                ref.counts().lastKey()); k++) {
            assertEquals(ref.counts().getOrDefault(k, 0L), a.count(k), "bin " + k);
        }
    }

    @ParameterizedTest
    @EnumSource(HistogramSpec.Domain.class)
    void countsEqualADirectCountAtTheWidthTheExtremesCallFor(HistogramSpec.Domain domain) {
        for (long seed = 1; seed <= 5; seed++) {
            List<float[]> data = chunks(seed, 40);
            for (int maxBins : new int[] {2, 5, 64, 4096}) {
                assertMatches(reference(data, domain, maxBins), filled(data, domain, maxBins));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(HistogramSpec.Domain.class)
    void oneAndFourPartitionsInAnyMergeOrderGiveIdenticalHistograms(HistogramSpec.Domain domain) {
        List<float[]> data = chunks(11, 60);
        Histogram whole = filled(data, domain, 256).result();
        for (int order = 0; order < 4; order++) {
            List<GridHistogramAccumulator> parts = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                parts.add(filled(data.subList(p * 15, (p + 1) * 15), domain, 256));
            }
            Collections.shuffle(parts, new Random(order));
            GridHistogramAccumulator total = new GridHistogramAccumulator(domain, 256);
            parts.forEach(total::merge);
            assertEquals(whole, total.result(), "merge order " + order);
        }
        List<float[]> reversed = new ArrayList<>(data);
        Collections.reverse(reversed);
        assertEquals(whole, filled(reversed, domain, 256).result(), "arrival order");
        assertMatches(reference(data, domain, 256), filled(reversed, domain, 256));
    }

    @Test
    void mergeCoarsensBothSidesLikeADirectCount() {
        List<float[]> fine = List.of(new float[] {0.001f, 0.002f, -0.0005f});
        List<float[]> coarse = List.of(new float[] {900f, -40f});
        GridHistogramAccumulator a = filled(fine, V, 16);
        a.merge(filled(coarse, V, 16));
        GridHistogramAccumulator b = filled(coarse, V, 16);
        b.merge(filled(fine, V, 16));
        List<float[]> all = List.of(fine.get(0), coarse.get(0));
        assertMatches(reference(all, V, 16), a);
        assertEquals(a.result(), b.result());
    }

    @Test
    void theEmptyAccumulatorIsTheIdentityOnBothSides() {
        List<float[]> data = chunks(3, 10);
        Histogram expected = filled(data, V, 128).result();
        GridHistogramAccumulator left = new GridHistogramAccumulator(V, 128);
        left.merge(filled(data, V, 128));
        GridHistogramAccumulator right = filled(data, V, 128);
        right.merge(new GridHistogramAccumulator(V, 128));
        assertEquals(expected, left.result());
        assertEquals(expected, right.result());
        assertTrue(new GridHistogramAccumulator(V, 128).isEmpty());
        assertFalse(left.isEmpty());
    }

    @Test
    void theJavadocExampleCoarsensToUnitBins() {
        GridHistogramAccumulator a = new GridHistogramAccumulator(V, 4);
        a.add(new float[] {0.3f, 1.1f});
        assertEquals(-1, a.exponent());
        a.add(new float[] {-1.6f});
        assertEquals(0, a.exponent());
        assertEquals(-2, a.firstBin());
        assertEquals(1, a.lastBin());
        Histogram h = a.result();
        assertEquals(-2.0, h.low());
        assertEquals(2.0, h.high());
        assertArrayEquals(new long[] {1, 0, 1, 1}, h.counts());
    }

    @ParameterizedTest
    @EnumSource(HistogramSpec.Domain.class)
    void theFinalWindowHoldsMoreThanHalfTheBinLimit(HistogramSpec.Domain domain) {
        for (long seed = 20; seed < 30; seed++) {
            GridHistogramAccumulator a = filled(chunks(seed, 20), domain, 4096);
            long span = a.lastBin() - a.firstBin() + 1;
            assertTrue(span > 2048 && span <= 4096, "span " + span);
            assertTrue(a.result().bins() >= 2048, "trimmed bins " + a.result().bins());
        }
    }

    @Test
    void nonFiniteAndZerosAreCountedApart() {
        GridHistogramAccumulator a = new GridHistogramAccumulator(V, 8);
        a.add(new float[] {Float.NaN, 0f, -0f, 3f, Float.NEGATIVE_INFINITY, 0f});
        Histogram h = a.result();
        assertEquals(2, h.nonFinite());
        assertEquals(3, h.zeros());
        assertEquals(4, h.total());
        assertEquals(0, h.clamped());
        assertEquals(0, h.zeroBin());
        assertEquals(3, h.count(h.zeroBin()));
    }

    @Test
    void allZerosGiveAnEmptyIntervalAtZero() {
        GridHistogramAccumulator a = new GridHistogramAccumulator(M, 8);
        a.add(new float[] {0f, 0f});
        Histogram h = a.result();
        assertEquals(0.0, h.low());
        assertEquals(0.0, h.high());
        assertArrayEquals(new long[] {2}, h.counts());
        assertEquals(GridHistogramAccumulator.MIN_EXPONENT, a.exponent());
    }

    @Test
    void allNegativeValuesEndAtZeroWithZerosInTheLastBin() {
        GridHistogramAccumulator a = new GridHistogramAccumulator(V, 8);
        a.add(new float[] {-3f, -0.5f, 0f});
        Histogram h = a.result();
        // bins from -3 to 0: at w = 1/2 they are -6..0 (seven, fit in 8); at w = 1/4, -12..0 (too many)
        assertEquals(-1, a.exponent());
        assertEquals(-3.0, h.low());
        assertEquals(0.0, h.high());
        assertArrayEquals(new long[] {1, 0, 0, 0, 0, 2}, h.counts(), "-0.5 and the zero share the last bin");
        assertEquals(h.bins() - 1, h.zeroBin());
    }

    @Test
    void extremeMagnitudesNeitherOverflowNorLoseCounts() {
        List<float[]> data = List.of(new float[] {1e-40f, Float.MIN_VALUE}, new float[] {3e38f, -Float.MAX_VALUE},
                new float[] {1f, -2f});
        assertMatches(reference(data, V, 64), filled(data, V, 64));
        assertMatches(reference(data, M, 64), filled(data, M, 64));
    }

    @Test
    void survivesJavaSerializationAndKeepsMerging() throws Exception {
        GridHistogramAccumulator a = filled(chunks(5, 10), V, 64);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(a);
        }
        GridHistogramAccumulator back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (GridHistogramAccumulator) in.readObject();
        }
        assertEquals(a.result(), back.result());
        back.merge(a);
        assertEquals(2 * a.result().total(), back.result().total());
    }

    @Test
    void mergingDifferentSpecsIsRefused() {
        GridHistogramAccumulator a = new GridHistogramAccumulator(V, 64);
        var e = assertThrows(InternalException.class, () -> a.merge(new GridHistogramAccumulator(M, 64)));
        assertTrue(e.getMessage().contains("different specs"), e.getMessage());
        assertThrows(InternalException.class, () -> a.merge(new GridHistogramAccumulator(V, 32)));
        assertThrows(InternalException.class,
                () -> a.merge(new HistogramAccumulator(new HistogramSpec("t", V, 0, 1, 4))));
    }
}
