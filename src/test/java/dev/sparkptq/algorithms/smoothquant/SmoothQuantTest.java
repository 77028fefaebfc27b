package dev.sparkptq.algorithms.smoothquant;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.Node;
import dev.sparkptq.pipeline.StepHarness;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.model;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SmoothQuant on a tiny attention-like block, run through ONNX Runtime: {@code h = x + D} feeds two MatMuls (Q, K:
 * one shared explicit Mul) and a residual Add that must keep the unscaled {@code h}; {@code g = q · 0.5} feeds one
 * MatMul only, so its 1/s folds into the 0.5 constant. Activation channel 3 carries a large outlier.
 */
class SmoothQuantTest {
    private static final int SAMPLES = 10;
    private static final List<String> OUTPUTS = List.of("y", "k", "r");

    private static PtqConfig setUp(Path dir, String alphas) throws Exception {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("block")
                .addInput(floatInfo("x", 1, 4, 8))
                .addOutput(floatInfo("y", 1, 4, 8)).addOutput(floatInfo("k", 1, 4, 6))
                .addOutput(floatInfo("r", 1, 4, 8))
                .addInitializer(floats("D", 3, 8)).addInitializer(floats("Wq", 4, 8, 6))
                .addInitializer(floats("Wk", 5, 8, 6)).addInitializer(floats("W2", 6, 6, 8))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("half")
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).addFloatData(0.5f))
                // no value_info for h, q, g: like exported transformers, intermediate shapes are unknown
                .addNode(node("Add", "offset", List.of("x", "D"), List.of("h")))
                .addNode(node("MatMul", "query", List.of("h", "Wq"), List.of("q")))
                .addNode(node("MatMul", "key", List.of("h", "Wk"), List.of("k")))
                .addNode(node("Add", "residual", List.of("h", "x"), List.of("r")))
                .addNode(node("Mul", "half_q", List.of("q", "half"), List.of("g")))
                .addNode(node("MatMul", "out", List.of("g", "W2"), List.of("y")));
        ModelIo.save(model(13, g), dir.resolve("block.onnx"));
        Path data = Files.createDirectories(dir.resolve("data"));
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < SAMPLES; i++) {
            float[] x = new float[32];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) ((rnd.nextDouble() * 2 - 1) * (k % 8 == 3 ? 40 : 1));
            }
            Npy.write(data.resolve(String.format("s%03d.npy", i)), Tensor.ofFloats(new long[]{1, 4, 8}, x));
        }
        String json = """
                { "model": { "model": "block.onnx" },
                  "engine": { "data_source": "data", "speed_guard": false,
                              "reader": { "type": "npy" }, "num_partitions": 2 },
                  "compression": { "model_type": "transformer", "algorithms": [ { "name": "MinMaxQuantization",
                                   "params": { %s } } ] } }
                """.formatted(alphas);
        return ConfigLoader.fromJson(json, dir, ConfigOverrides.none());
    }

    private static OnnxMl.ModelProto smooth(Path dir, PtqConfig config) throws Exception {
        OnnxMl.ModelProto prepared = ModelIo.prepareForQuantization(ModelIo.load(dir.resolve("block.onnx")));
        return smoothed(config, prepared, dir);
    }

    /** {@code prepared} smoothed as a run of {@code config} does it (its calibration samples, in-process). */
    static OnnxMl.ModelProto smoothed(PtqConfig config, OnnxMl.ModelProto prepared, Path dir) throws Exception {
        StepHarness h = StepHarness.of(config, prepared, dir);
        return h.run(h.initial(prepared), SmoothQuant::new).model();
    }

    private static List<float[]> run(OnnxMl.ModelProto m, Tensor x) {
        byte[] bytes = ModelIo.toBytes(m);
        InferenceEngine e = new OrtEngineFactory().open(ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes),
                EngineOptions.forInference(1));
        Map<String, Tensor> out = e.run(Map.of("x", x), OUTPUTS);
        List<float[]> values = new ArrayList<>();
        OUTPUTS.forEach(o -> values.add(out.get(o).floats()));
        return values;
    }

    @Test
    void smoothedModelGivesTheOriginalOutputsInOnnxRuntime(@TempDir Path tmp) throws Exception {
        PtqConfig config = setUp(tmp, "");
        OnnxMl.ModelProto original = ModelIo.load(tmp.resolve("block.onnx"));
        OnnxMl.ModelProto smoothed = smooth(tmp, config);
        assertNotEquals(original.getGraph().getNodeCount(), smoothed.getGraph().getNodeCount());
        for (int i = 0; i < SAMPLES; i++) {
            Tensor x = Npy.read(tmp.resolve("data").resolve(String.format("s%03d.npy", i)));
            List<float[]> a = run(original, x);
            List<float[]> b = run(smoothed, x);
            for (int o = 0; o < a.size(); o++) {
                for (int k = 0; k < a.get(o).length; k++) {
                    assertEquals(a.get(o)[k], b.get(o)[k], 1e-4 * (1 + Math.abs(a.get(o)[k])),
                            OUTPUTS.get(o) + "[" + k + "] of sample " + i);
                }
            }
        }
    }

    @Test
    void sharedActivationGetsOneMulAndFoldableProducerAbsorbsTheScale(@TempDir Path tmp) throws Exception {
        ModelGraph g = ModelGraph.of(smooth(tmp, setUp(tmp, "")));
        List<Node> muls = g.nodes().stream().filter(n -> n.opType().equals("Mul")).toList();
        assertEquals(2, muls.size(), "one SmoothMul on h plus the original half_q: " + muls);
        Node smoothMul = muls.stream().filter(n -> !n.name().equals("half_q")).findFirst().orElseThrow();
        String smoothed = smoothMul.outputs().get(0);
        assertEquals(smoothed, g.node("query").orElseThrow().inputs().get(0));
        assertEquals(smoothed, g.node("key").orElseThrow().inputs().get(0));
        assertEquals("h", g.node("residual").orElseThrow().inputs().get(0), "the residual reads the unscaled h");
        Tensor folded = g.constantValue(g.node("half_q").orElseThrow().inputs().get(1)).orElseThrow();
        assertEquals(6, folded.numel(), "0.5 became a per-channel 0.5/s");
        assertEquals("g", g.node("out").orElseThrow().inputs().get(0), "folded: no Mul in front of 'out'");
    }

    @Test
    void outlierChannelMovesIntoTheWeights(@TempDir Path tmp) throws Exception {
        ModelGraph g = ModelGraph.of(smooth(tmp, setUp(tmp, "\"smooth_quant_alphas\": {\"matmul\": 0.5}")));
        Node smoothMul = g.nodes().stream().filter(n -> n.opType().equals("Mul") && !n.name().equals("half_q"))
                .findFirst().orElseThrow();
        float[] inv = g.constantValue(smoothMul.inputs().get(1)).orElseThrow().floats();
        for (int j = 0; j < inv.length; j++) {
            if (j != 3) {
                assertTrue(inv[3] < inv[j] / 3, "the outlier channel 3 is divided most: " + inv[3] + " vs " + inv[j]);
            }
        }
    }

    @Test
    void negativeAlphaLeavesTheModelAlone(@TempDir Path tmp) throws Exception {
        PtqConfig config = setUp(tmp, "\"smooth_quant_alphas\": {\"matmul\": -1}");
        OnnxMl.ModelProto prepared = ModelIo.prepareForQuantization(ModelIo.load(tmp.resolve("block.onnx")));
        assertEquals(prepared, smooth(tmp, config));
    }
}
