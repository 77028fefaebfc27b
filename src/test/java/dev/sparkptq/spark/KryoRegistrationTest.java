package dev.sparkptq.spark;

import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.stats.Aggregation;
import dev.sparkptq.stats.PerSampleStat;
import dev.sparkptq.stats.StatisticSpec;
import dev.sparkptq.stats.StatisticsSet;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every shipped class round-trips through Spark's Kryo with registration required. */
class KryoRegistrationTest {
    private static final SerializerInstance KRYO =
            new KryoSerializer(SparkSessions.conf("local[1]", null)).newInstance();

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) {
        var tag = ClassTag$.MODULE$.<T>apply(Object.class);
        return (T) KRYO.deserialize(KRYO.serialize(value, tag), tag);
    }

    @Test
    void sampleRefsAndBlobsRoundTrip() {
        SampleRef ref = new SampleRef(new SampleId("a.png"), "a.png", 3, 7);
        assertEquals(ref, roundTrip(ref));
        ModelBlob blob = ModelBlob.ofBytes("abc", new byte[]{1, 2, 3});
        ModelBlob back = roundTrip(blob);
        assertEquals("abc", back.digest());
        assertArrayEquals(new byte[]{1, 2, 3}, back.bytes());
    }

    @Test
    void statisticsRoundTripWithTheirResults() {
        StatisticSpec spec = StatisticSpec.perTensor("t", PerSampleStat.ABS_MAX, Aggregation.MEAN);
        StatisticsSet set = StatisticsSet.empty(List.of(spec));
        set.addBatch(Map.of("t", Tensor.ofFloats(new long[]{2, 2}, new float[]{1, -3, 2, 0.5f})));
        StatisticsSet back = roundTrip(set);
        assertEquals(set.results(), back.results());
    }

    @Test
    void unregisteredClassesAreRefused() {
        record Unregistered(int x) implements java.io.Serializable {
        }
        assertThrows(Exception.class, () -> roundTrip(new Unregistered(1)));
    }
}
