package dev.sparkptq.pipeline;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.plan.SmoothQuantGroups;
import dev.sparkptq.plan.SmoothingGroup;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SmoothQuant's exact folds on one exported encoder layer ({@link TinyTransformer}): the attention-output group's
 * {@code 1/s} goes into the value projection's weight columns and bias, GELU's {@code ·0.5} stays a scalar (so ONNX
 * Runtime still fuses GELU), and the smoothed FP32 model computes what the original does.
 */
class SmoothQuantFoldTest {
    static PtqConfig config(Path dir, String params) {
        String json = """
                { "model": { "model": "block.onnx" },
                  "engine": { "data_source": "data", "speed_guard": false,
                              "reader": { "type": "npy" }, "num_partitions": 2 },
                  "compression": { "model_type": "transformer", "algorithms": [ { "name": "DefaultQuantization",
                                   "params": { "preset": "mixed" %s } } ] } }
                """.formatted(params);
        return ConfigLoader.fromJson(json, dir, ConfigOverrides.none());
    }

    private static OnnxMl.ModelProto prepared(Path dir) {
        return ModelIo.prepareForQuantization(ModelIo.load(dir.resolve("block.onnx")));
    }

    private static OnnxMl.ModelProto smooth(Path dir, PtqConfig config) throws Exception {
        OnnxMl.ModelProto prepared = prepared(dir);
        QuantizationParams params = config.compression().algorithms().get(0).params();
        return new SmoothQuant(new InProcessBackend(new OrtEngineFactory()), m -> { }).apply(prepared, config,
                params, SmoothQuantTest.passes(config, params, prepared, dir));
    }

    @Test
    void attentionOutputGroupFoldsIntoTheValueProjection(@TempDir Path tmp) throws Exception {
        TinyTransformer.write(tmp);
        List<SmoothingGroup> groups = SmoothQuantGroups.find(ModelGraph.of(prepared(tmp)), dev.sparkptq.config.IgnoredSpec.none());
        SmoothingGroup context = groups.stream().filter(g -> g.activation().equals("context")).findFirst()
                .orElseThrow();
        assertNotNull(context.fold(), "the head merge path is linear per channel");
        List<String> targets = context.fold().targets().stream().map(t -> t.node() + ":" + t.input()).toList();
        assertEquals(List.of("v_matmul:1", "v_bias:0"), targets, "on the unsimplified graph the value bias is a target");
        SmoothingGroup ffn2 = groups.stream().filter(g -> g.activation().equals("act")).findFirst().orElseThrow();
        assertNull(ffn2.fold(), "GELU's 0.5 is left scalar for ONNX Runtime's Gelu fusion");
    }

    @Test
    void foldedEncoderGivesTheOriginalOutputsInOnnxRuntime(@TempDir Path tmp) throws Exception {
        TinyTransformer.write(tmp);
        OnnxMl.ModelProto smoothed = smooth(tmp, config(tmp, ""));
        ModelGraph g = ModelGraph.of(smoothed);
        assertEquals("context", g.node("o_matmul").orElseThrow().inputs().get(0), "no Mul in front of o_matmul");
        assertEquals(1, g.constantValue(g.node("gelu_half").orElseThrow().inputs().get(1)).orElseThrow().numel());
        assertTrue(g.node("v_matmul").orElseThrow().inputs().get(1).endsWith("_smoothed"));
        InferenceEngine a = engine(ModelIo.load(tmp.resolve("block.onnx")));
        InferenceEngine b = engine(smoothed);
        for (int i = 0; i < TinyTransformer.SAMPLES; i++) {
            Tensor x = Npy.read(tmp.resolve("data").resolve(String.format("s%03d.npy", i)));
            float[] ya = a.run(Map.of("x", x), List.of("y")).get("y").floats();
            float[] yb = b.run(Map.of("x", x), List.of("y")).get("y").floats();
            for (int k = 0; k < ya.length; k++) {
                assertEquals(ya[k], yb[k], 1e-4 * (1 + Math.abs(ya[k])), "y[" + k + "] of sample " + i);
            }
        }
    }

    @Test
    void headSplitAndMergeGetConstantCopiedDimShapes(@TempDir Path tmp) throws Exception {
        TinyTransformer.write(tmp);
        ModelGraph g = ModelGraph.of(smooth(tmp, config(tmp, "")));
        for (String p : List.of("q", "k", "v")) {
            Tensor split = g.constantValue(g.node(p + "_split").orElseThrow().inputs().get(1)).orElseThrow();
            assertArrayEquals(new long[]{0, 0, 2, 4}, split.longs(), p);
        }
        Tensor merge = g.constantValue(g.node("merge").orElseThrow().inputs().get(1)).orElseThrow();
        assertArrayEquals(new long[]{0, 0, 8}, merge.longs());
        assertTrue(g.nodes().stream().noneMatch(n -> n.opType().equals("Concat")), "the shape arithmetic is gone");
    }

    @Test
    void keyBiasIsDroppedBecauseTheSoftmaxCancelsIt(@TempDir Path tmp) throws Exception {
        TinyTransformer.write(tmp);
        ModelGraph g = ModelGraph.of(smooth(tmp, config(tmp, "")));
        assertTrue(g.node("k_bias").isEmpty(), "the key bias Add is gone");
        assertEquals("k_mm", g.node("k_split").orElseThrow().inputs().get(0));
        assertTrue(g.node("q_bias").isPresent(), "the query bias stays");
        assertTrue(g.node("v_bias").isEmpty(), "the value bias moved into o_bias (rows of the softmax sum to 1)");
        assertEquals("v_mm", g.node("v_split").orElseThrow().inputs().get(0));
        assertFalse(g.isInitializer("k_b"), "the unused bias initializer is dropped");
    }

    static InferenceEngine engine(OnnxMl.ModelProto m) {
        byte[] bytes = ModelIo.toBytes(m);
        return new OrtEngineFactory().open(ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes),
                EngineOptions.forInference(1));
    }
}
