package dev.sparkptq.algorithms.smoothquant;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SmoothQuant on the real all-MiniLM-L6-v2 (prepared by {@code bin/spark-ptq demo} under target/demo): the smoothed
 * FP32 model gives the original token vectors within float tolerance, in ONNX Runtime, on held-out sentences.
 * In the algorithm's test package (it smooths as SmoothQuantTest does) but tagged e2e: it needs the demo files.
 */
@Tag("e2e")
class SmoothQuantMiniLmE2eTest {
    @Test
    void smoothedMiniLmKeepsTheFp32Outputs(@TempDir Path tmp) throws Exception {
        Path example = Path.of("conf/examples/minilm-smoothquant.json");
        dev.sparkptq.cli.DemoInputs.prepare(Path.of("").toAbsolutePath()); // the demo's files, as the demo makes them
        PtqConfig base = ConfigLoader.load(example, ConfigOverrides.none());
        // 40 calibration sentences are enough for this check (the scales need not be good, only exact)
        String json = Files.readString(example).replace("\"stat_subset_size\": 300", "\"stat_subset_size\": 40");
        PtqConfig config = ConfigLoader.fromJson(json, example.toAbsolutePath().getParent(), ConfigOverrides.none());
        QuantizationParams params = config.compression().algorithms().get(0).params();
        OnnxMl.ModelProto prepared = ModelIo.prepareForQuantization(ModelIo.load(base.model().model()));
        OnnxMl.ModelProto smoothed = SmoothQuantTest.smoothed(config, prepared, tmp);
        long muls = ModelGraph.of(smoothed).nodes().stream().filter(n -> n.name().contains("SmoothMul")).count();
        assertTrue(muls > 0 && muls <= 25, "smoothing Muls: " + muls);
        ModelGraph smoothedGraph = ModelGraph.of(smoothed);
        List<String> outputProjections = smoothedGraph.nodes().stream()
                .filter(n -> n.name().endsWith("attention/output/dense/MatMul")).map(n -> n.inputs().get(0)).toList();
        assertEquals(6, outputProjections.size());
        assertTrue(outputProjections.stream().noneMatch(t -> t.contains("smoothed")),
                "the 6 attention-output groups fold into the value projections: " + outputProjections);
        assertTrue(smoothedGraph.nodes().stream().noneMatch(n -> n.opType().equals("Concat")),
                "the head split/merge shapes are constants");

        ModelGraph graph = ModelGraph.of(prepared);
        DataSource eval = DataSources.create(config.engine().reader(), config.engine().evalDataSource(),
                graph.inputs());
        String output = graph.outputs().get(0).name();
        InferenceEngine a = engine(prepared);
        InferenceEngine b = engine(smoothed);
        double worst = 0;
        for (SampleRef ref : eval.list().subList(0, 8)) {
            var inputs = eval.load(ref).inputs();
            float[] x = a.run(inputs, List.of(output)).get(output).floats();
            float[] y = b.run(inputs, List.of(output)).get(output).floats();
            assertEquals(x.length, y.length);
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1 + Math.abs(x[i])));
            }
        }
        assertTrue(worst < 1e-3, "largest relative difference " + worst);
    }

    private static InferenceEngine engine(OnnxMl.ModelProto m) {
        byte[] bytes = ModelIo.toBytes(m);
        return new OrtEngineFactory().open(ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes),
                EngineOptions.forInference(1));
    }
}
