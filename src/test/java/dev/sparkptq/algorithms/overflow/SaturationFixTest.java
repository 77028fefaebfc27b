package dev.sparkptq.algorithms.overflow;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.QuantizationPipeline;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.RunResult;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.report.RunReport;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The saturation (overflow) fix on the tiny Conv-Relu-Conv model: the weights of the chosen layers use 7-bit levels
 * (|q| ≤ 63, stored INT8) and ONNX Runtime computes the quantized model exactly as a reference model whose weights
 * are the 7-bit dequantized values computed here from the FP32 weights.
 */
class SaturationFixTest {

    private static RunResult run(TinyRun t, String fix, Path out) throws Exception {
        String json = t.json(1, "performance").replace("\"preset\": \"performance\"",
                "\"preset\": \"performance\"" + TinyRun.NO_CLE + ", \"saturation_fix\": \"" + fix + "\"");
        return new QuantizationPipeline(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(ConfigLoader.fromJson(json, t.dir, ConfigOverrides.none()),
                        t.options(out, RunOptions.Evaluation.SKIP));
    }

    private static OnnxMl.TensorProto initializer(OnnxMl.ModelProto m, String name) {
        return m.getGraph().getInitializerList().stream().filter(i -> i.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no initializer " + name));
    }

    private static int maxAbsLevel(OnnxMl.ModelProto m, String name) {
        OnnxMl.TensorProto q = initializer(m, name);
        assertEquals(OnnxMl.TensorProto.DataType.INT8_VALUE, q.getDataType(), name + " is stored as INT8");
        int max = 0;
        for (byte b : q.getRawData().toByteArray()) {
            max = Math.max(max, Math.abs(b));
        }
        return max;
    }

    /** Symmetric 7-bit fake quantization of {@code w [oc, ...]}, per output channel when {@code perChannel}. */
    private static float[] sevenBit(Tensor w, boolean perChannel) {
        float[] v = w.floats();
        int oc = (int) w.shape()[0];
        int per = v.length / oc;
        float[] out = new float[v.length];
        for (int c = 0; c < (perChannel ? oc : 1); c++) {
            int from = perChannel ? c * per : 0;
            int to = perChannel ? from + per : v.length;
            double absMax = 0;
            for (int i = from; i < to; i++) {
                absMax = Math.max(absMax, Math.abs(v[i]));
            }
            float scale = (float) (absMax / 63);
            for (int i = from; i < to; i++) {
                double q = Math.max(-63, Math.min(63, Math.rint(v[i] / scale)));
                out[i] = (float) (q * scale);
            }
        }
        return out;
    }

    /** {@code q} with conv1 reading an FP32 initializer of the reference 7-bit weights instead of its DQ chain. */
    private static OnnxMl.ModelProto withReferenceWeights(OnnxMl.ModelProto q, Tensor w1) {
        boolean perChannel = initializer(q, "W1_scale").getDimsCount() == 1
                && initializer(q, "W1_scale").getDims(0) == w1.shape()[0];
        OnnxMl.GraphProto.Builder g = q.getGraph().toBuilder()
                .addInitializer(TensorProtos.fromTensor("W1_ref", Tensor.ofFloats(w1.shape(), sevenBit(w1,
                        perChannel))));
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getName().equals("conv1")) {
                g.setNode(i, g.getNode(i).toBuilder().setInput(1, "W1_ref"));
            }
        }
        return q.toBuilder().setGraph(g).build();
    }

    @Test
    void firstLayerOnlyGivesConv1SevenBitWeightsThatOrtComputesExactly(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 8, 5);
        RunResult r = run(t, "first_layer_only", tmp.resolve("out"));
        OnnxMl.ModelProto q = ModelIo.load(r.model());
        assertEquals(63, maxAbsLevel(q, "W1_quantized"));
        assertEquals(127, maxAbsLevel(q, "W2_quantized"));
        RunReport.AdjustmentSummary a = r.report().adjustments();
        assertEquals("first_layer_only", a.saturationFix());
        assertEquals(List.of("conv1"), a.sevenBitWeightLayers());

        Tensor w1 = TensorProtos.toTensor(initializer(ModelIo.load(t.model), "W1"));
        OnnxMl.ModelProto ref = withReferenceWeights(q, w1);
        byte[] qBytes = ModelIo.toBytes(q);
        InferenceEngine fused = new OrtEngineFactory().open(ModelBlob.ofBytes(ModelIo.sha256(qBytes), qBytes),
                EngineOptions.forInference(1));
        for (float[] s : t.samples) {
            Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(new long[]{1, 3, 8, 8}, s));
            float[] expected = OrtRunner.run(ref, in).get("y");
            float[] plain = OrtRunner.run(q, in).get("y");
            float[] integer = fused.run(in, List.of("y")).get("y").floats();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], plain[i], 1e-5 * (1 + Math.abs(expected[i])), "Q/DQ graph, element " + i);
                assertEquals(expected[i], integer[i], 2e-2 * (1 + Math.abs(expected[i])),
                        "ORT-optimized (integer kernels), element " + i);
            }
        }
    }

    @Test
    void enableFixesEveryLayerAndDisableNone(@TempDir Path tmp) throws Exception {
        TinyRun t = TinyRun.create(tmp, 4, 6);
        RunResult all = run(t, "enable", tmp.resolve("all"));
        OnnxMl.ModelProto q = ModelIo.load(all.model());
        assertEquals(63, maxAbsLevel(q, "W1_quantized"));
        assertEquals(63, maxAbsLevel(q, "W2_quantized"));
        assertEquals(List.of("conv1", "conv2"), all.report().adjustments().sevenBitWeightLayers());
        RunResult none = run(t, "disable", tmp.resolve("none"));
        OnnxMl.ModelProto n = ModelIo.load(none.model());
        assertEquals(127, maxAbsLevel(n, "W1_quantized"));
        assertEquals(127, maxAbsLevel(n, "W2_quantized"));
        assertTrue(none.report().adjustments().sevenBitWeightLayers().isEmpty());
    }
}
