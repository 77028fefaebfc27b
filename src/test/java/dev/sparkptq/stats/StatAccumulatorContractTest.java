package dev.sparkptq.stats;

import dev.sparkptq.core.InternalException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract every accumulator passes: merge is partition-independent, empty is identity, serialization. */
class StatAccumulatorContractTest {

    /** Every aggregation, per tensor and per channel, for a high and a low side, with and without clipping. */
    static Stream<Arguments> accumulators() {
        List<Arguments> out = new ArrayList<>();
        for (Aggregation agg : Aggregation.values()) {
            for (int channels : new int[] {1, 5}) {
                int axis = channels == 1 ? -1 : 1;
                out.add(Arguments.of(new StatisticSpec("t", PerSampleStat.MAX, axis, agg, null), channels));
                out.add(Arguments.of(new StatisticSpec("t", PerSampleStat.MIN, axis, agg, -0.5), channels));
                out.add(Arguments.of(new StatisticSpec("t", PerSampleStat.QUANTILE, axis, agg, 0.3, 0.9999),
                        channels));
                out.add(Arguments.of(new StatisticSpec("t", PerSampleStat.QUANTILE, axis, agg, -0.2, 1e-4),
                        channels));
            }
        }
        return out.stream();
    }

    /** Low side: MIN and quantiles below 1/2 (written out here rather than asking the code under test). */
    private static boolean lowSide(StatisticSpec spec) {
        return spec.stat() == PerSampleStat.MIN
                || spec.stat() == PerSampleStat.QUANTILE && spec.probability() < 0.5;
    }

    /** Random per-sample vectors with wide magnitudes and about 3 % NaN entries. */
    private static List<double[]> samples(long seed, int count, int channels) {
        Random rnd = new Random(seed);
        List<double[]> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            double[] v = new double[channels];
            for (int c = 0; c < channels; c++) {
                v[c] = rnd.nextInt(33) == 0 ? Double.NaN : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3);
            }
            out.add(v);
        }
        return out;
    }

    private static StatAccumulator allAtOnce(StatisticSpec spec, List<double[]> data) {
        StatAccumulator a = StatAccumulator.create(spec);
        data.forEach(a::add);
        return a;
    }

    @ParameterizedTest(name = "{0} channels={1}")
    @MethodSource("accumulators")
    void splitAndMergeInRandomPartitionsEqualsAllAtOnce(StatisticSpec spec, int channels) {
        List<double[]> data = samples(11, 400, channels);
        StatResult expected = allAtOnce(spec, data).result();
        Random rnd = new Random(5);
        for (int round = 0; round < 6; round++) {
            int parts = 1 + rnd.nextInt(9);
            List<StatAccumulator> accs = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                accs.add(StatAccumulator.create(spec));
            }
            for (double[] v : data) {
                accs.get(rnd.nextInt(parts)).add(v);
            }
            Collections.shuffle(accs, rnd);
            StatAccumulator merged = treeMerge(accs, rnd);
            assertResultsEqual(spec.aggregation(), expected, merged.result());
        }
    }

    private static StatAccumulator treeMerge(List<StatAccumulator> accs, Random rnd) {
        List<StatAccumulator> level = new ArrayList<>(accs);
        while (level.size() > 1) {
            int i = rnd.nextInt(level.size() - 1);
            StatAccumulator left = level.remove(i);
            StatAccumulator right = level.remove(i);
            left.merge(right);
            level.add(i, left);
        }
        return level.get(0);
    }

    @ParameterizedTest(name = "{0} channels={1}")
    @MethodSource("accumulators")
    void resultMatchesIndependentReference(StatisticSpec spec, int channels) {
        List<double[]> data = samples(23, 300, channels);
        StatResult r = allAtOnce(spec, data).result();
        long nan = 0;
        for (int c = 0; c < channels; c++) {
            List<Double> vals = new ArrayList<>();
            for (double[] v : data) {
                if (Double.isNaN(v[c])) {
                    nan++;
                    continue;
                }
                double x = v[c];
                if (spec.clippingValue() != null) {
                    x = lowSide(spec) ? Math.max(x, spec.clippingValue()) : Math.min(x, spec.clippingValue());
                }
                vals.add(x);
            }
            double expected = switch (spec.aggregation()) {
                case MIN -> Collections.min(vals);
                case MAX -> Collections.max(vals);
                case MEAN -> vals.stream().map(BigDecimal::new).reduce(BigDecimal.ZERO, BigDecimal::add)
                        .divide(BigDecimal.valueOf(vals.size()), MathContext.DECIMAL128).doubleValue();
                case MEDIAN, MEAN_NO_OUTLIERS, MEDIAN_NO_OUTLIERS, HL_ESTIMATOR -> OrderStatisticsTest
                        .referenceAggregate(spec.aggregation(), vals.stream().mapToDouble(Double::doubleValue)
                                .toArray());
            };
            double tolerance = spec.aggregation() == Aggregation.MEAN_NO_OUTLIERS ? 1e-12 : 1e-14;
            assertEquals(expected, r.value(c), Math.abs(expected) * tolerance, "channel " + c);
        }
        assertEquals(data.size(), r.samples());
        assertEquals(nan, r.nonFinite());
    }

    @ParameterizedTest(name = "{0} channels={1}")
    @MethodSource("accumulators")
    void emptyAccumulatorIsIdentityOnBothSides(StatisticSpec spec, int channels) {
        List<double[]> data = samples(3, 50, channels);
        StatResult expected = allAtOnce(spec, data).result();

        StatAccumulator right = allAtOnce(spec, data);
        right.merge(StatAccumulator.create(spec));
        assertEquals(expected, right.result());

        StatAccumulator left = StatAccumulator.create(spec);
        assertTrue(left.isEmpty());
        left.merge(allAtOnce(spec, data));
        assertFalse(left.isEmpty());
        assertEquals(expected, left.result());

        StatAccumulator both = StatAccumulator.create(spec);
        both.merge(StatAccumulator.create(spec));
        assertTrue(both.isEmpty());
        assertEquals(0, both.result().samples());
        assertEquals(0, both.result().length());
    }

    @ParameterizedTest(name = "{0} channels={1}")
    @MethodSource("accumulators")
    void mergingIntoEmptyCopiesSoTheSourceStaysUnchanged(StatisticSpec spec, int channels) {
        StatAccumulator source = allAtOnce(spec, samples(8, 20, channels));
        StatResult before = source.result();
        StatAccumulator target = StatAccumulator.create(spec);
        target.merge(source);
        samples(9, 20, channels).forEach(target::add);
        assertEquals(before, source.result());
    }

    @ParameterizedTest(name = "{0} channels={1}")
    @MethodSource("accumulators")
    void javaSerializationRoundTripKeepsResultsAndState(StatisticSpec spec, int channels) throws Exception {
        List<double[]> data = samples(17, 60, channels);
        StatAccumulator original = allAtOnce(spec, data.subList(0, 30));
        StatAccumulator copy = roundTrip(original);
        assertEquals(original.result(), copy.result());
        data.subList(30, 60).forEach(original::add);
        data.subList(30, 60).forEach(copy::add);
        assertEquals(original.result(), copy.result());
        StatAccumulator empty = roundTrip(StatAccumulator.create(spec));
        assertTrue(empty.isEmpty());
    }

    @ParameterizedTest(name = "{0} channels={1}")
    @MethodSource("accumulators")
    void mergingDifferentLengthsOrAggregationsFails(StatisticSpec spec, int channels) {
        StatAccumulator a = allAtOnce(spec, samples(1, 5, channels));
        StatAccumulator longer = allAtOnce(spec, samples(1, 5, channels + 1));
        assertThrows(InternalException.class, () -> a.merge(longer));
        assertThrows(InternalException.class, () -> a.add(new double[channels + 2]));
        Aggregation other = spec.aggregation() == Aggregation.MEAN ? Aggregation.MAX : Aggregation.MEAN;
        StatAccumulator different = StatAccumulator.create(new StatisticSpec("t", spec.stat(), spec.channelAxis(),
                other, spec.clippingValue(), spec.probability()));
        InternalException e = assertThrows(InternalException.class, () -> a.merge(different));
        assertTrue(e.getMessage().contains("cannot merge"), e.getMessage());
        StatAccumulator otherClip = StatAccumulator.create(new StatisticSpec("t", spec.stat(), spec.channelAxis(),
                spec.aggregation(), 123.0, spec.probability()));
        assertThrows(InternalException.class, () -> a.merge(otherClip));
        if (spec.probability() != null) {
            StatAccumulator otherQ = StatAccumulator.create(new StatisticSpec("t", spec.stat(), spec.channelAxis(),
                    spec.aggregation(), spec.clippingValue(), spec.probability() / 2));
            assertThrows(InternalException.class, () -> a.merge(otherQ));
        }
    }

    private static void assertResultsEqual(Aggregation agg, StatResult expected, StatResult actual) {
        assertEquals(expected.samples(), actual.samples());
        assertEquals(expected.nonFinite(), actual.nonFinite());
        if (agg == Aggregation.MEAN) { // distribution aggregators below their limit are bit-exact too
            for (int i = 0; i < expected.length(); i++) {
                assertEquals(expected.value(i), actual.value(i), Math.abs(expected.value(i)) * 1e-12);
            }
        } else {
            assertArrayEquals(expected.values(), actual.values());
        }
    }

    static <T> T roundTripUnchecked(T o) {
        try {
            return roundTrip(o);
        } catch (IOException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    static <T> T roundTrip(T o) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            T t = (T) in.readObject();
            return t;
        }
    }
}
