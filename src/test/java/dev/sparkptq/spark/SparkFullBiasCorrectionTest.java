package dev.sparkptq.spark;

import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.pipeline.StatisticsBackend;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Full BiasCorrection's per-depth passes on Spark local[2] give the in-process reference's biases. */
class SparkFullBiasCorrectionTest {
    private static RunResult run(StatisticsBackend backend, TinyRun t, int partitions, Path out) throws Exception {
        String json = t.json(partitions, "performance").replace("\"preset\": \"performance\"",
                "\"preset\": \"performance\", \"use_fast_bias\": false");
        return new QuantizationPipeline(backend, m -> { }).run(
                ConfigLoader.fromJson(json, t.dir, ConfigOverrides.none()), t.options(out, RunOptions.Evaluation.SKIP));
    }

    private static float[] initializer(Path model, String name) {
        return TensorProtos.toTensor(ModelIo.load(model).getGraph().getInitializerList().stream()
                .filter(i -> i.getName().equals(name)).findFirst().orElseThrow()).floats();
    }

    @Test
    void sparkWithThreePartitionsCorrectsTheSameBiasesAsTheInProcessReference(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 20, 8);
        RunResult spark = run(new SparkBackend(SparkTestSession.get(), new OrtEngineFactory()), t, 3,
                tmp.resolve("spark"));
        RunResult reference = run(new InProcessBackend(new OrtEngineFactory()), t, 1, tmp.resolve("ref"));
        assertEquals("full", spark.report().biasCorrection().mode());
        assertEquals(reference.report().biasCorrection().corrected().size(),
                spark.report().biasCorrection().corrected().size());
        for (String b : List.of("B1", "B2")) {
            assertArrayEquals(initializer(reference.model(), b), initializer(spark.model(), b), 1e-6f, b);
        }
    }
}
