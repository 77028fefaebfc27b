package dev.sparkptq.stats;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;
import org.objenesis.strategy.StdInstantiatorStrategy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statistics Spark ships between executors and driver survive Kryo 4 (the version Spark bundles) configured as
 * Spark's KryoSerializer with registration required, and {@link StatisticsSet} registered with Kryo's
 * {@link JavaSerializer} as {@code PtqKryoRegistrator} does. Everything nested (accumulators, REQ sketches in their
 * byte form) then goes through Java serialization, so no nested class needs its own Kryo registration.
 */
class KryoCompatibilityTest {

    /** {@code set} written and read back by a Kryo configured as Spark's (also used by StatisticsSetHistogramsTest). */
    static StatisticsSet kryoRoundTrip(StatisticsSet set) {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setInstantiatorStrategy(new Kryo.DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        kryo.register(StatisticsSet.class, new JavaSerializer());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Output out = new Output(bytes)) {
            kryo.writeClassAndObject(out, set);
        }
        try (Input in = new Input(bytes.toByteArray())) {
            return (StatisticsSet) kryo.readClassAndObject(in);
        }
    }

    /** One spec per aggregation, plus quantile statistics, on a per-channel tensor. */
    private static List<StatisticSpec> everyAccumulator() {
        List<StatisticSpec> specs = new ArrayList<>();
        for (Aggregation agg : Aggregation.values()) {
            specs.add(new StatisticSpec("x", PerSampleStat.MAX, 1, agg, null));
            specs.add(new StatisticSpec("x", PerSampleStat.QUANTILE, -1, agg, 0.0, 1e-4));
            specs.add(new StatisticSpec("x", PerSampleStat.ABS_QUANTILE, 1, agg, null, 0.9999));
        }
        return specs;
    }

    @Test
    void everyAccumulatorRoundTripsThroughKryoAndKeepsMerging() {
        StatisticsSet set = StatisticsSet.empty(everyAccumulator());
        set.addBatch(Map.of("x", Tensor.ofFloats(new long[] {2, 2}, new float[] {-1f, 2f, 3f, Float.NaN})));
        StatisticsSet copy = kryoRoundTrip(set);
        assertEquals(set.results(), copy.results());
        assertEquals(set.nonFiniteElements(), copy.nonFiniteElements());
        copy.merge(set);
        assertEquals(2 * set.samples(), copy.samples());
        assertTrue(kryoRoundTrip(StatisticsSet.empty(everyAccumulator())).results().values().stream()
                .allMatch(r -> r.length() == 0));
    }

    @Test
    void sketchedDistributionAccumulatorsRoundTripThroughKryo() {
        StatisticsSet set = StatisticsSet.empty(List.of(
                new StatisticSpec("x", PerSampleStat.MAX, 1, Aggregation.HL_ESTIMATOR, null),
                new StatisticSpec("x", PerSampleStat.QUANTILE, 1, Aggregation.MEDIAN, null, 0.01)));
        Random rnd = new Random(2);
        int samples = RobustAccumulator.DEFAULT_EXACT_LIMIT + 500;
        float[] data = new float[samples * 2 * 3];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian();
        }
        set.addBatch(Map.of("x", Tensor.ofFloats(new long[] {samples, 2, 3}, data)));
        StatisticsSet copy = kryoRoundTrip(set);
        assertEquals(set.results(), copy.results());
        assertEquals(samples, copy.samples());
    }
}
