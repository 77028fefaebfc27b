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
    void jobsRoundTripWithTheirDataSourcesAndReaderSpecs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path images = java.nio.file.Files.createDirectories(tmp.resolve("img"));
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(4, 4,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        javax.imageio.ImageIO.write(img, "png", images.resolve("n01_a.png").toFile());
        java.nio.file.Path index = java.nio.file.Files.writeString(tmp.resolve("index.txt"), "n00\nn01\n");
        var labels = new dev.sparkptq.config.LabelSpec(dev.sparkptq.config.LabelSpec.Source.FILENAME_PREFIX,
                dev.sparkptq.core.Location.of(index), "_", null);
        var spec = new dev.sparkptq.config.ImageReaderSpec(null, 0, null, new int[]{2, 2}, null, 114f, 1f, null,
                null, dev.sparkptq.config.ImageReaderSpec.ColorOrder.RGB,
                dev.sparkptq.config.ImageReaderSpec.Layout.NCHW, labels);
        var source = dev.sparkptq.data.DataSources.create(spec, images, List.of(new dev.sparkptq.core.TensorInfo(
                "x", dev.sparkptq.core.DType.FLOAT, new long[]{1, 3, 2, 2})));
        var job = new dev.sparkptq.pipeline.StatisticsJob(ModelBlob.ofBytes("d", new byte[]{7}), List.of("t"),
                List.of(StatisticSpec.perTensor("t", PerSampleStat.MAX, Aggregation.MAX)), source, 1, 1);
        var back = roundTrip(job);
        assertEquals(job.specs(), back.specs());
        SampleRef ref = back.source().list().get(0);
        assertEquals(1, ref.label(), "labels come through the serialized LabelSpec (index file path)");
        assertArrayEquals(new long[]{1, 3, 2, 2}, back.source().load(ref).inputs().get("x").shape());
        var eval = new dev.sparkptq.pipeline.EvaluationJob(job.model(), job.model(), List.of(
                new dev.sparkptq.config.MetricSpec("top1", dev.sparkptq.config.MetricSpec.Type.ACCURACY, 1, null,
                        dev.sparkptq.config.MetricSpec.Pooling.NONE)), source, 1);
        assertEquals(eval.metrics(), roundTrip(eval).metrics());
    }

    @Test
    void unregisteredClassesAreRefused() {
        record Unregistered(int x) implements java.io.Serializable {
        }
        assertThrows(Exception.class, () -> roundTrip(new Unregistered(1)));
    }
}
