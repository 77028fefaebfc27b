package dev.sparkptq.stats;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;
import org.objenesis.strategy.StdInstantiatorStrategy;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The classes Spark ships between executors and driver survive Kryo 4 (the version Spark bundles) with
 * registration required, configured as Spark's KryoSerializer does. Records cannot (Kryo 4 cannot write record
 * fields), which is why StatisticsSet stores its specs as arrays.
 */
class KryoCompatibilityTest {

    /** Exactly the classes the Spark layer must register for statistics. */
    static final List<Class<?>> SHIPPED = List.of(StatisticsSet.class, StatAccumulator[].class,
            ExtremeAccumulator.class, MeanAccumulator.class, PerSampleStat.class, PerSampleStat[].class,
            Aggregation.class, Aggregation[].class, String[].class, int[].class, long[].class, double[].class);

    @Test
    void statisticsSetRoundTripsThroughKryoWithRegistrationRequired() {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setInstantiatorStrategy(new Kryo.DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        SHIPPED.forEach(kryo::register);

        StatisticsSet set = StatisticsSet.empty(List.of(
                new StatisticSpec("x", PerSampleStat.MIN, -1, Aggregation.MIN, 0.0),
                new StatisticSpec("x", PerSampleStat.ABS_MAX, 1, Aggregation.MEAN, null),
                new StatisticSpec("x", PerSampleStat.MAX, 1, Aggregation.MAX, null)));
        set.addBatch(Map.of("x", Tensor.ofFloats(new long[] {2, 2}, new float[] {-1f, 2f, 3f, Float.NaN})));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Output out = new Output(bytes)) {
            kryo.writeClassAndObject(out, set);
        }
        StatisticsSet copy;
        try (Input in = new Input(bytes.toByteArray())) {
            copy = (StatisticsSet) kryo.readClassAndObject(in);
        }
        assertEquals(set.results(), copy.results());
        assertEquals(set.nonFiniteElements(), copy.nonFiniteElements());
        copy.merge(set);
        assertEquals(2 * set.samples(), copy.samples());
    }
}
