package dev.sparkptq.api;

import dev.sparkptq.accuracy.CosineToFp32;
import dev.sparkptq.config.MetricSpec.Pooling;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.pipeline.StatisticsJob;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.spark.DatasetSource;
import dev.sparkptq.spark.PtqKryoRegistrator;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A DatasetSource travels to executors inside the broadcast jobs: it must survive Spark's Kryo (registration
 * required) without its dataset, keep its row counts, and refuse to load a sample its task did not read.
 */
class DatasetSourceShippingTest {
    private static final OnnxModel TINY = OnnxModel.of(TinyModels.convReluConv(), "tiny");

    @Test
    void aStatisticsJobHoldingADatasetSourceRoundTripsThroughKryoWithItsRefs() {
        DatasetSource source = DatasetSource.of(DatasetRows.of(new ReadmeExample.RandomImages(7, 1), 3),
                ModelGraph.of(TINY.proto()).inputs(), null);
        StatisticsJob job = new StatisticsJob(ModelBlob.ofBytes("d", new byte[] {1}), List.of(), List.of(), source,
                1, 1);
        SparkConf conf = new SparkConf().set("spark.kryo.registrationRequired", "true")
                .set("spark.kryo.registrator", PtqKryoRegistrator.class.getName());
        SerializerInstance kryo = new KryoSerializer(conf).newInstance();
        StatisticsJob copy = kryo.deserialize(kryo.serialize(job, scala.reflect.ClassTag$.MODULE$.apply(
                StatisticsJob.class)), scala.reflect.ClassTag$.MODULE$.apply(StatisticsJob.class));

        List<SampleRef> refs = copy.source().list();
        assertEquals(source.list(), refs);
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6"), refs.stream().map(r -> r.id().value()).toList());
        assertEquals(3, ((DatasetSource) copy.source()).partitions());
        InternalException e = assertThrows(InternalException.class, () -> copy.source().load(refs.get(2)));
        assertTrue(e.getMessage().contains("only inside the task that iterates their partition"), e.getMessage());
    }

    @Test
    void emptyPartitionsAddNothingToTheMetrics() {
        ReadmeExample.RandomImages loader = new ReadmeExample.RandomImages(3, 4);
        Engine rows = Engine.spark(DatasetRows.session()).withDataset(DatasetRows.of(loader, 6))
                .withMetrics(new ReadmeExample.MeanClassAccuracy(), new CosineToFp32("cosine", "y", Pooling.NONE));
        Engine items = Engine.local().withDataLoader(loader).withPartitions(1)
                .withMetrics(new ReadmeExample.MeanClassAccuracy(), new CosineToFp32("cosine", "y", Pooling.NONE));
        Map<String, Double> expected = items.evaluate(TINY);
        assertEquals(expected, rows.evaluate(TINY));
        assertEquals(1.0, expected.get("cosine"), 1e-9);
    }
}
