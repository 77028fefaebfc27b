package dev.sparkptq.accuracy;

import dev.sparkptq.core.InternalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MeanAccumulatorTest {
    /** Values of mixed magnitude and sign, where a naive sum depends on order. */
    private static double[] values(long seed, int n) {
        Random rnd = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(12) - 6);
        }
        return v;
    }

    /** The exact mean, computed independently in arbitrary precision. */
    private static double exactMean(double[] v) {
        BigDecimal sum = BigDecimal.ZERO;
        for (double x : v) {
            sum = sum.add(new BigDecimal(x));
        }
        return sum.divide(BigDecimal.valueOf(v.length), MathContext.DECIMAL128).doubleValue();
    }

    private static MeanAccumulator of(double[] v, int from, int to) {
        MeanAccumulator acc = new MeanAccumulator();
        for (int i = from; i < to; i++) {
            acc.add(v[i]);
        }
        return acc;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void splitAndMergeInAnyOrderEqualsAllAtOnce(long seed) {
        double[] v = values(seed, 2000);
        MeanAccumulator all = of(v, 0, v.length);

        Random rnd = new Random(seed * 31);
        List<MeanAccumulator> parts = new ArrayList<>();
        int start = 0;
        while (start < v.length) {
            int end = Math.min(v.length, start + 1 + rnd.nextInt(300));
            parts.add(of(v, start, end));
            start = end;
        }
        Collections.shuffle(parts, rnd);
        MeanAccumulator merged = new MeanAccumulator();
        parts.forEach(merged::merge);

        assertEquals(all.count(), merged.count());
        double exact = exactMean(v);
        assertEquals(exact, all.value(), Math.abs(exact) * 1e-15 + 1e-300);
        assertEquals(all.value(), merged.value(), Math.abs(exact) * 1e-15 + 1e-300);
    }

    @Test
    void mergeIsAssociative() {
        double[] v = values(9, 90);
        MeanAccumulator left = of(v, 0, 30);
        left.merge(of(v, 30, 60));
        left.merge(of(v, 60, 90));
        MeanAccumulator right = of(v, 30, 60);
        right.merge(of(v, 60, 90));
        MeanAccumulator leftFirst = of(v, 0, 30);
        leftFirst.merge(right);
        assertEquals(left.value(), leftFirst.value(), Math.abs(left.value()) * 1e-15);
    }

    @Test
    void emptyIsTheMergeIdentityOnBothSides() {
        double[] v = values(7, 50);
        MeanAccumulator acc = of(v, 0, v.length);
        double before = acc.value();
        acc.merge(new MeanAccumulator());
        assertEquals(before, acc.value());
        assertEquals(50, acc.count());

        MeanAccumulator empty = new MeanAccumulator();
        empty.merge(acc);
        assertEquals(before, empty.value());
        assertEquals(50, empty.count());
    }

    @Test
    void emptyHasNoValue() {
        MeanAccumulator acc = new MeanAccumulator();
        assertEquals(0, acc.count());
        assertTrue(Double.isNaN(acc.value()));
    }

    @Test
    void compensationRecoversTermsANaiveSumLoses() {
        MeanAccumulator acc = new MeanAccumulator();
        acc.add(1e16);
        acc.add(1.0);
        acc.add(-1e16);
        assertEquals(1.0 / 3, acc.value(), 1e-16);
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteValuesAreRejected(double bad) {
        assertThrows(InternalException.class, () -> new MeanAccumulator().add(bad));
    }

    @Test
    void mergingAnotherKindOfAccumulatorIsRejected() {
        MetricAccumulator other = new MetricAccumulator() {
            @Override
            public void add(double v) {
            }

            @Override
            public void merge(MetricAccumulator o) {
            }

            @Override
            public double value() {
                return 0;
            }

            @Override
            public long count() {
                return 0;
            }
        };
        assertThrows(InternalException.class, () -> new MeanAccumulator().merge(other));
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        MeanAccumulator acc = of(values(3, 10), 0, 10);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(acc);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            MeanAccumulator copy = (MeanAccumulator) in.readObject();
            assertEquals(acc.value(), copy.value());
            assertEquals(acc.count(), copy.count());
        }
    }
}
