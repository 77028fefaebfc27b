package dev.sparkptq.spark;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.pipeline.HistogramRun;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.StatisticsBackend;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import dev.sparkptq.stats.HistogramSet;
import dev.sparkptq.stats.HistogramSpec;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.reflect.ClassTag$;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Histogram calibration on Spark local[2] with 4 partitions gives exactly the in-process reference's answer. */
class SparkHistogramTest {
    private static final String MSE = "{ \"preset\": \"histogram\", \"histogram\": { \"method\": \"mse\" } }";

    private static RunReport run(StatisticsBackend backend, TinyRun t, int partitions, Path out) throws Exception {
        return new QuantizationPipeline(backend, m -> { }).run(HistogramRun.config(t, partitions, "mixed", MSE),
                t.options(out, RunOptions.Evaluation.RUN)).report();
    }

    @Test
    void sparkWithFourPartitionsMatchesTheInProcessReferenceExactly(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 17, 3);
        HistogramRun.inject(t, 4, 12f, -7f);
        RunReport spark = run(new SparkBackend(SparkTestSession.get(), new OrtEngineFactory()), t, 4,
                tmp.resolve("spark"));
        RunReport reference = run(new InProcessBackend(new OrtEngineFactory()), t, 1, tmp.resolve("ref"));
        assertEquals(1, spark.calibration().statisticsPasses(), "grid histograms ride in the statistics pass");
        assertEquals(4, spark.calibration().partitions());
        assertTrue(spark.provenance().backend().startsWith("spark local[2]"), spark.provenance().backend());
        assertEquals(reference.quantization().tensors(), spark.quantization().tensors(),
                "integer counts merge exactly: identical ranges, scales and zero points");
        assertEquals(reference.metrics().quantized().get("cosine_to_fp32"),
                spark.metrics().quantized().get("cosine_to_fp32"), 1e-9);
    }

    @Test
    void histogramSetsRoundTripThroughSparksKryo() {
        SerializerInstance kryo = new KryoSerializer(SparkSessions.conf("local[1]", null)).newInstance();
        HistogramSet set = HistogramSet.empty(List.of(new HistogramSpec("t", HistogramSpec.Domain.VALUES, -1, 3, 8)));
        set.addBatch(Map.of("t", Tensor.ofFloats(new long[] {2, 2}, new float[] {-1, 0.5f, 2.9f, Float.NaN})));
        var tag = ClassTag$.MODULE$.<HistogramSet>apply(Object.class);
        HistogramSet back = kryo.deserialize(kryo.serialize(set, tag), tag);
        assertEquals(set.results(), back.results());
        assertEquals(set.specs(), back.specs());
        back.merge(set);
        assertEquals(4, back.samples());
    }
}
