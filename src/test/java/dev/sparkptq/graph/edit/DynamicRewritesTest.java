package dev.sparkptq.graph.edit;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.model;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.algorithms.kernelchoice.EmbeddingTables;
import dev.sparkptq.algorithms.kernelchoice.DynamicWeights;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic MatMul/Gemm and int8 Gather rewrites: standard ONNX only, the exact arithmetic of ONNX's
 * DynamicQuantizeLinear + MatMulInteger (checked against a Java reference), and ONNX Runtime's optimized graph
 * runs them as its fused dynamic kernels with the bias inside.
 */
public class DynamicRewritesTest {
    private static final Tensor X = TinyModels.randomTensor(7, 3, 16);

    /**
     * x[3,16] ─► mm1(W1[16,8]) ─► add1(+b1) ─► y1 ─► mm3(W3[8,4]) ─► add3(+b3) ─► y3
     *        └─► mm2(W2[16,6]) ─► y2
     */
    static OnnxMl.ModelProto twoReadersAndAChain() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("dyn")
                .addInput(floatInfo("x", 3, 16)).addOutput(floatInfo("y2", 3, 6)).addOutput(floatInfo("y3", 3, 4))
                .addInitializer(floats("W1", 11, 16, 8)).addInitializer(floats("b1", 12, 8))
                .addInitializer(floats("W2", 13, 16, 6)).addInitializer(floats("W3", 14, 8, 4))
                .addInitializer(floats("b3", 15, 4))
                .addNode(node("MatMul", "mm1", List.of("x", "W1"), List.of("m1")))
                .addNode(node("Add", "add1", List.of("m1", "b1"), List.of("y1")))
                .addNode(node("MatMul", "mm2", List.of("x", "W2"), List.of("y2")))
                .addNode(node("MatMul", "mm3", List.of("y1", "W3"), List.of("m3")))
                .addNode(node("Add", "add3", List.of("b3", "m3"), List.of("y3")));
        return model(13, g);
    }

    /** Symmetric int8 per-column parameters of a [K, N] weight (axis 1), levels −127..127. */
    public static QuantParams perColumn(Tensor w) {
        int k = (int) w.dim(0);
        int n = (int) w.dim(1);
        float[] s = new float[n];
        float[] v = w.floats();
        for (int i = 0; i < k * n; i++) {
            s[i % n] = Math.max(s[i % n], Math.abs(v[i]) / 127f);
        }
        return new QuantParams(s, new int[n], 1, DType.INT8, -127, 127);
    }

    private static GraphEdit.QuantizeDynamically dynamic(ModelGraph g, String node, String weight) {
        Tensor w = g.constantValue(weight).orElseThrow();
        DynamicWeights.Quantized q = DynamicWeights.of(w, perColumn(w), false);
        return new GraphEdit.QuantizeDynamically(node, q.weight(), q.scale());
    }

    private static OnnxMl.ModelProto dynamicModel() {
        OnnxMl.ModelProto m = twoReadersAndAChain();
        ModelGraph g = ModelGraph.of(m);
        return GraphRewriter.apply(m, List.of(dynamic(g, "mm1", "W1"), dynamic(g, "mm2", "W2"),
                dynamic(g, "mm3", "W3")));
    }

    private static Map<String, Tensor> run(OnnxMl.ModelProto m, Map<String, Tensor> in, List<String> outputs) {
        byte[] bytes = ModelIo.toBytes(m);
        OrtEngineFactory f = new OrtEngineFactory();
        ModelBlob blob = ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes);
        try {
            return f.open(blob, EngineOptions.forInference(1)).run(in, outputs);
        } finally {
            f.evict(blob.digest());
        }
    }

    @Test
    void dynamicRewriteIsStandardOnnxWithOneQuantizerPerInput() {
        OnnxMl.ModelProto m = dynamicModel();
        Map<String, Integer> ops = new TreeMap<>();
        for (OnnxMl.NodeProto n : m.getGraph().getNodeList()) {
            assertTrue(n.getDomain().isEmpty(), n.getOpType() + " in domain " + n.getDomain());
            ops.merge(n.getOpType(), 1, Integer::sum);
        }
        assertEquals(2, ops.get("DynamicQuantizeLinear"), ops.toString()); // x shared by mm1 and mm2, and y1
        assertEquals(3, ops.get("MatMulInteger"));
        assertEquals(3, ops.get("Cast"));
        assertEquals(6, ops.get("Mul")); // scale product + rescale per op
        assertFalse(ops.containsKey("MatMul"));
        Set<String> inits = new java.util.HashSet<>();
        m.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
        assertFalse(inits.contains("W1") || inits.contains("W2") || inits.contains("W3"), "float weights dropped");
        for (OnnxMl.NodeProto n : m.getGraph().getNodeList()) {
            if (n.getName().endsWith("_DynamicScale")) {
                assertTrue(n.getInput(0).endsWith("_dynamic_scale") && inits.contains(n.getInput(1)),
                        "activation scale first, weight scale an initializer: " + n.getInputList());
            }
        }
    }

    @Test
    void dynamicOutputsEqualTheJavaReferenceOfDynamicQuantizeLinearAndMatMulInteger() {
        OnnxMl.ModelProto m = dynamicModel();
        Map<String, Tensor> out = run(m, Map.of("x", X), List.of("y2", "y3"));
        Tensor w2 = ModelGraph.of(twoReadersAndAChain()).constantValue("W2").orElseThrow();
        float[] expected = reference(X.floats(), 3, 16, w2.floats(), 6, perColumn(w2));
        assertArrayEquals(expected, out.get("y2").floats(), 1e-4f);
        // and close to FP32 (8-bit error, not a wrong product)
        Map<String, Tensor> fp32 = run(twoReadersAndAChain(), Map.of("x", X), List.of("y2", "y3"));
        assertTrue(relativeError(fp32.get("y3").floats(), out.get("y3").floats()) < 0.02);
        assertTrue(relativeError(fp32.get("y2").floats(), out.get("y2").floats()) < 0.02);
    }

    @Test
    void onnxRuntimeFusesTheDynamicKernelsWithTheBiasInside(@TempDir Path dir) {
        OnnxMl.ModelProto m = dynamicModel();
        byte[] bytes = ModelIo.toBytes(m);
        Path opt = dir.resolve("opt.onnx");
        OrtEngineFactory.optimizedModel(ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes), opt);
        Map<String, Integer> ops = new TreeMap<>();
        for (OnnxMl.NodeProto n : ModelIo.load(opt).getGraph().getNodeList()) {
            ops.merge(n.getOpType(), 1, Integer::sum);
        }
        assertEquals(2, ops.getOrDefault("MatMulIntegerToFloat", 0), ops.toString()); // x's two readers
        assertEquals(1, ops.getOrDefault("DynamicQuantizeMatMul", 0), ops.toString()); // y1's only reader
        assertEquals(1, ops.getOrDefault("DynamicQuantizeLinear", 0), ops.toString());
        assertFalse(ops.containsKey("Add") || ops.containsKey("MatMulInteger") || ops.containsKey("Cast"),
                "bias Adds and the integer pattern are absorbed: " + ops);
    }

    @Test
    void gemmWithTransposedWeightAndBiasMatchesFloat() {
        OnnxMl.ModelProto gemm = TinyModels.gemmTransB();
        ModelGraph g = ModelGraph.of(gemm);
        Tensor w = g.constantValue("W").orElseThrow(); // [5, 4], transB
        float[] s = new float[5];
        for (int i = 0; i < 20; i++) {
            s[i / 4] = Math.max(s[i / 4], Math.abs(w.floats()[i]) / 127f);
        }
        DynamicWeights.Quantized q = DynamicWeights.of(w, new QuantParams(s, new int[5], 0, DType.INT8, -127, 127),
                true);
        assertArrayEquals(new long[] {4, 5}, q.weight().shape());
        OnnxMl.ModelProto m = GraphRewriter.apply(gemm, List.of(new GraphEdit.QuantizeDynamically("gemm",
                q.weight(), q.scale())));
        Tensor x = TinyModels.randomTensor(3, 2, 4);
        float[] fp32 = run(gemm, Map.of("x", x), List.of("y")).get("y").floats();
        float[] got = run(m, Map.of("x", x), List.of("y")).get("y").floats();
        assertTrue(relativeError(fp32, got) < 0.02, "rel error " + relativeError(fp32, got));
        assertTrue(m.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("Gemm")));
    }

    @Test
    void onlyConstantWeightsAndPlainGemmsAreRewritten() {
        OnnxMl.ModelProto two = TinyModels.matMulTwoActivations();
        Tensor w = Tensor.ofBytes(DType.INT8, new long[] {3, 4}, new byte[12]);
        Tensor s = Tensor.ofFloats(new long[0], new float[] {1f});
        assertThrows(InternalException.class, () -> GraphRewriter.apply(two,
                List.of(new GraphEdit.QuantizeDynamically("matmul", w, s))));
        assertThrows(IllegalArgumentException.class, () -> new GraphEdit.QuantizeDynamically("m", w,
                Tensor.ofFloats(new long[] {3}, new float[3])));
    }

    /** ids[2,3] int64 → Gather(table[10, 4]) → y[2,3,4]; row r spans 1 + 2r times row 0's range (per-row scales). */
    static OnnxMl.ModelProto gatherTable(int opset) {
        float[] v = TinyModels.randomTensor(21, 10, 4).floats().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= 1 + 2 * (i / 4);
        }
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("emb")
                .addInput(TinyModels.info("ids", OnnxMl.TensorProto.DataType.INT64_VALUE, 2, 3))
                .addOutput(floatInfo("y", 2, 3, 4))
                .addInitializer(TensorProtos.fromTensor("table", Tensor.ofFloats(new long[] {10, 4}, v)))
                .addNode(node("Gather", "gather", List.of("table", "ids"), List.of("y")));
        return model(opset, g);
    }

    @Test
    void compressedTableGathersInt8RowsAndTheirScales(@TempDir Path dir) {
        OnnxMl.ModelProto m = gatherTable(13);
        EmbeddingTables.Plan plan = EmbeddingTables.plan(ModelGraph.of(m), Set.of());
        assertEquals(1, plan.tables().size());
        assertEquals("per_row", plan.tables().get(0).scales());
        OnnxMl.ModelProto q = GraphRewriter.apply(m, plan.edits());
        Tensor ids = Tensor.ofLongs(new long[] {2, 3}, new long[] {0, 9, 3, 3, 7, 1});
        float[] got = run(q, Map.of("ids", ids), List.of("y")).get("y").floats();
        float[] table = ModelGraph.of(m).constantValue("table").orElseThrow().floats();
        Tensor qt = TensorProtos.toTensor(q.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("table_quantized")).findFirst().orElseThrow());
        Tensor scale = TensorProtos.toTensor(q.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("table_row_scale")).findFirst().orElseThrow());
        assertEquals(DType.INT8, qt.dtype());
        assertArrayEquals(new long[] {10, 1}, scale.shape());
        long[] idv = ids.longs();
        for (int r = 0; r < idv.length; r++) {
            int row = (int) idv[r];
            float rowMax = 0;
            for (int c = 0; c < 4; c++) {
                rowMax = Math.max(rowMax, Math.abs(table[row * 4 + c]));
            }
            assertEquals(rowMax / 127f, scale.floats()[row], 1e-7f, "the row's own scale");
            for (int c = 0; c < 4; c++) {
                float exact = qt.bytes()[row * 4 + c] * scale.floats()[row];
                assertEquals(exact, got[r * 4 + c], 1e-6f);
                assertEquals(table[row * 4 + c], got[r * 4 + c], scale.floats()[row] / 2 + 1e-6f);
            }
        }
        assertTrue(q.getGraph().getInitializerList().stream().noneMatch(t -> t.getName().equals("table")));
        byte[] bytes = ModelIo.toBytes(q);
        Path opt = dir.resolve("opt.onnx");
        OrtEngineFactory.optimizedModel(ModelBlob.ofBytes(ModelIo.sha256(bytes), bytes), opt);
        OnnxMl.GraphProto og = ModelIo.load(opt).getGraph();
        assertTrue(og.getNodeList().stream().anyMatch(n -> n.getOpType().equals("Gather")
                && n.getInput(0).equals("table_quantized")), "ORT gathers the int8 table itself");
    }

    @Test
    void tablesBelowOpset13AreCompressedTooAndSharedTablesAreLeftAlone() {
        EmbeddingTables.Plan old = EmbeddingTables.plan(ModelGraph.of(gatherTable(11)), Set.of());
        assertEquals("per_row", old.tables().get(0).scales(), "Cast and Mul restore rows at any opset");
        OnnxMl.ModelProto q = GraphRewriter.apply(gatherTable(11), old.edits());
        Tensor ids = Tensor.ofLongs(new long[] {2, 3}, new long[] {0, 1, 2, 3, 4, 5});
        float[] fp32 = run(gatherTable(11), Map.of("ids", ids), List.of("y")).get("y").floats();
        assertTrue(relativeError(fp32, run(q, Map.of("ids", ids), List.of("y")).get("y").floats()) < 0.02);
        assertTrue(EmbeddingTables.plan(ModelGraph.of(gatherTable(13)), Set.of("gather")).tables().isEmpty(),
                "an ignored Gather keeps its table");
        OnnxMl.ModelProto shared = gatherTable(13).toBuilder().setGraph(gatherTable(13).getGraph().toBuilder()
                .addOutput(floatInfo("t2", 10, 4))
                .addNode(node("Identity", "copy", List.of("table"), List.of("t2")))).build();
        assertTrue(EmbeddingTables.plan(ModelGraph.of(shared), Set.of()).tables().isEmpty(),
                "a table something else reads stays float");
    }

    static float[] reference(float[] x, int m, int k, float[] w, int n, QuantParams wp) {
        float min = 0;
        float max = 0;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float scale = (max - min) / 255f;
        int zp = (int) Math.max(0, Math.min(255, Math.rint(-min / scale)));
        int[] xq = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            xq[i] = (int) Math.max(0, Math.min(255, Math.rint(x[i] / scale) + zp));
        }
        float[] ws = wp.scale();
        float[] y = new float[m * n];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < n; c++) {
                long acc = 0;
                for (int i = 0; i < k; i++) {
                    int wq = (int) Math.max(-127, Math.min(127, Math.rint(w[i * n + c] / ws[c])));
                    acc += (long) (xq[r * k + i] - zp) * wq;
                }
                y[r * n + c] = acc * (scale * ws[c]);
            }
        }
        return y;
    }

    static double relativeError(float[] ref, float[] got) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.length; i++) {
            num += (got[i] - ref[i]) * (double) (got[i] - ref[i]);
            den += ref[i] * (double) ref[i];
        }
        return Math.sqrt(num / den);
    }

    static List<String> ops(OnnxMl.ModelProto m) {
        List<String> out = new ArrayList<>();
        m.getGraph().getNodeList().forEach(n -> out.add(n.getOpType()));
        return out;
    }
}
