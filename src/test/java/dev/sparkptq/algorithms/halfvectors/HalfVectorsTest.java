package dev.sparkptq.algorithms.halfvectors;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.model;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.algorithms.kernelchoice.DynamicWeights;
import dev.sparkptq.core.HalfFloat;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.DynamicRewritesTest;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parameter vectors as FLOAT16: the half-float rounding, which tensors qualify, that ONNX Runtime computes with the
 * rounded values, and that its optimized graph is the FP32 one (Casts folded, dynamic kernels still fused with their
 * scale and bias).
 */
class HalfVectorsTest {
    private static final Tensor X = TinyModels.randomTensor(5, 3, 32);

    /**
     * x[3,32] ─► MatMul(W[32,16]) ─► Add(+b[16]) ─► Mul(·s[16]) ─► Add(+tiny[16]) ─► Mul(·eps[1]) ─► y
     * ids ─► Gather(rows[20,16]) ─► z     (tiny holds a subnormal half; eps is a scalar)
     */
    private static OnnxMl.ModelProto vectors() {
        float[] tiny = new float[16];
        tiny[3] = 1e-6f;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("vectors")
                .addInput(floatInfo("x", 3, 32))
                .addInput(TinyModels.info("ids", OnnxMl.TensorProto.DataType.INT64_VALUE, 4))
                .addOutput(floatInfo("y", 3, 16)).addOutput(floatInfo("z", 4, 16))
                .addInitializer(floats("W", 1, 32, 16)).addInitializer(floats("b", 2, 16))
                .addInitializer(floats("s", 3, 16)).addInitializer(floats("rows", 4, 20, 16))
                .addInitializer(TensorProtos.fromTensor("tiny", Tensor.ofFloats(new long[] {16}, tiny)))
                .addInitializer(TensorProtos.fromTensor("eps", Tensor.ofFloats(new long[] {1}, new float[] {2f})))
                .addNode(node("MatMul", "mm", List.of("x", "W"), List.of("m")))
                .addNode(node("Add", "add", List.of("m", "b"), List.of("a")))
                .addNode(node("Mul", "mul", List.of("a", "s"), List.of("p")))
                .addNode(node("Add", "add_tiny", List.of("p", "tiny"), List.of("q")))
                .addNode(node("Mul", "mul_eps", List.of("q", "eps"), List.of("y")))
                .addNode(node("Gather", "gather", List.of("rows", "ids"), List.of("z")));
        return model(13, g);
    }

    @Test
    void onlyElementwiseOperandsAndGatherTablesOfNormalHalvesBecomeFloat16() {
        OnnxMl.ModelProto m = vectors();
        HalfVectors.Result r = HalfVectors.apply(m);
        assertEquals(Set.of("b", "s", "rows"), Set.copyOf(r.tensors()), "not the MatMul weight W, the subnormal "
                + "'tiny' or the scalar 'eps'");
        assertEquals(4L * (16 + 16 + 320), r.bytesBefore());
        assertEquals(r.bytesBefore() / 2, r.bytesAfter());
        Map<String, Integer> types = r.model().getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(OnnxMl.TensorProto::getName, OnnxMl.TensorProto::getDataType));
        assertEquals(OnnxMl.TensorProto.DataType.FLOAT16_VALUE, types.get("b_float16"));
        assertEquals(OnnxMl.TensorProto.DataType.FLOAT_VALUE, types.get("W"));
        assertFalse(types.containsKey("b"), "the FP32 vector is not stored as well");
        assertTrue(ModelIo.toBytes(r.model()).length < ModelIo.toBytes(m).length);
        OnnxMl.ModelProto none = m.toBuilder().setGraph(m.getGraph().toBuilder().clearInitializer()
                .addAllInitializer(m.getGraph().getInitializerList().stream()
                        .filter(t -> !Set.of("b", "s", "rows").contains(t.getName())).toList())
                .addInitializer(floats("b", 2, 8)).addInitializer(floats("s", 3, 8))
                .addInitializer(floats("rows", 4, 1, 8))).build();
        assertSame(none, HalfVectors.apply(none).model(), "vectors under 16 values are left alone");
    }

    @Test
    void onnxRuntimeComputesWithTheRoundedValuesAndFoldsTheCasts(@TempDir Path dir) {
        OnnxMl.ModelProto m = vectors();
        OnnxMl.ModelProto half = HalfVectors.apply(m).model();
        Tensor ids = Tensor.ofLongs(new long[] {4}, new long[] {0, 19, 7, 7});
        Map<String, Tensor> in = Map.of("x", X, "ids", ids);
        Map<String, Tensor> got = run(half, in);
        Map<String, Tensor> rounded = run(roundedInPlace(m, Set.of("b", "s", "rows")), in);
        assertArrayEquals(rounded.get("y").floats(), got.get("y").floats(), 0f);
        assertArrayEquals(rounded.get("z").floats(), got.get("z").floats(), 0f);
        float[] fp32 = run(m, in).get("y").floats();
        for (int i = 0; i < fp32.length; i++) {
            assertEquals(fp32[i], got.get("y").floats()[i], Math.abs(fp32[i]) * 2e-3f + 1e-5f);
        }
        assertFalse(optimizedOps(half, dir).containsKey("Cast"), "ONNX Runtime folds every Cast at load");
    }

    @Test
    void dynamicKernelsStillFuseWithTheirScalesAndBiasInFloat16(@TempDir Path dir) {
        OnnxMl.ModelProto m = vectors();
        ModelGraph g = ModelGraph.of(m);
        Tensor w = g.constantValue("W").orElseThrow();
        DynamicWeights.Quantized q = DynamicWeights.of(w, DynamicRewritesTest.perColumn(w), false);
        OnnxMl.ModelProto dynamic = GraphRewriter.apply(m, List.of(
                new GraphEdit.QuantizeDynamically("mm", q.weight(), q.scale())));
        HalfVectors.Result r = HalfVectors.apply(dynamic);
        assertTrue(r.tensors().stream().anyMatch(t -> t.endsWith("_dynamic_scale")), r.tensors().toString());
        Map<String, Integer> ops = optimizedOps(r.model(), dir);
        assertEquals(1, ops.getOrDefault("DynamicQuantizeMatMul", 0) + ops.getOrDefault("MatMulIntegerToFloat", 0),
                ops.toString());
        assertFalse(ops.containsKey("MatMulInteger") || ops.containsKey("Cast"), ops.toString());
        Map<String, Tensor> in = Map.of("x", X, "ids", Tensor.ofLongs(new long[] {4}, new long[] {1, 2, 3, 4}));
        float[] a = run(dynamic, in).get("y").floats();
        float[] b = run(r.model(), in).get("y").floats();
        float max = 0;
        for (float value : a) {
            max = Math.max(max, Math.abs(value));
        }
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], max * 2e-3f, "half-float rounding of scale and bias, not a wrong kernel");
        }
    }

    /** The model with the named initializers' values rounded to halves but kept FP32. */
    private static OnnxMl.ModelProto roundedInPlace(OnnxMl.ModelProto m, Set<String> names) {
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder().clearInitializer();
        for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
            if (!names.contains(t.getName())) {
                g.addInitializer(t);
                continue;
            }
            Tensor v = TensorProtos.toTensor(t);
            float[] f = v.toFloats();
            for (int i = 0; i < f.length; i++) {
                f[i] = HalfFloat.toFloat(HalfFloat.toHalf(f[i]));
            }
            g.addInitializer(TensorProtos.fromTensor(t.getName(), Tensor.ofFloats(v.shape(), f)));
        }
        return m.toBuilder().setGraph(g).build();
    }

    private static Map<String, Tensor> run(OnnxMl.ModelProto m, Map<String, Tensor> in) {
        byte[] bytes = ModelIo.toBytes(m);
        OrtEngineFactory f = new OrtEngineFactory();
        ModelBlob blob = ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes);
        try {
            return f.open(blob, EngineOptions.forInference(1)).run(in, List.of("y", "z"));
        } finally {
            f.evict(blob.digest());
        }
    }

    private static Map<String, Integer> optimizedOps(OnnxMl.ModelProto m, Path dir) {
        byte[] bytes = ModelIo.toBytes(m);
        Path opt = dir.resolve("opt.onnx");
        OrtEngineFactory.optimizedModel(ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes), opt);
        Map<String, Integer> ops = new TreeMap<>();
        for (OnnxMl.NodeProto n : ModelIo.load(opt).getGraph().getNodeList()) {
            ops.merge(n.getOpType(), 1, Integer::sum);
        }
        return ops;
    }
}
