package dev.sparkptq.graph.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rewritten models run in ONNX Runtime (no graph optimizations) and match a Java reference built on QuantMath. */
class GraphRewriterNumericsTest {
    private static final float TOL = 1e-5f;
    private static final Tensor X = TinyModels.randomTensor(101, 1, 3, 8, 8);

    private static GraphEdit.InsertQdq qdq(String tensor, String node, int input, QuantParams p, Role role) {
        return new GraphEdit.InsertQdq(tensor, List.of(new InputRef(node, input)), p, role);
    }

    static Stream<Arguments> activationParams() {
        float[] x = X.floats();
        return Stream.of(
                Arguments.of("uint8 asymmetric", FakeQuant.asymmetric(x, DType.UINT8, 0, 255)),
                Arguments.of("int8 symmetric", FakeQuant.symmetric(x, DType.INT8, -128, 127)),
                Arguments.of("int16 via com.microsoft", FakeQuant.symmetric(x, DType.INT16, -32768, 32767)),
                Arguments.of("uint16 via com.microsoft", FakeQuant.asymmetric(x, DType.UINT16, 0, 65535)),
                Arguments.of("4-bit on uint8 via Clip", FakeQuant.asymmetric(half(x), DType.UINT8, 0, 15)),
                Arguments.of("narrow-range int8 via Clip", FakeQuant.symmetric(half(x), DType.INT8, -127, 127)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activationParams")
    void activationQdqOnGraphInputEqualsJavaReference(String label, QuantParams p) {
        OnnxMl.ModelProto m = GraphRewriter.apply(TinyModels.convReluConv(), List.of(
                qdq("x", "conv1", 0, p, Role.ACTIVATION), new GraphEdit.AddOutput("x_dequantized")));

        Map<String, float[]> out = OrtRunner.run(m, Map.of("x", X));

        float[] expected = FakeQuant.apply(X.floats(), X.shape(), p);
        assertArrayEquals(expected, out.get("x_dequantized"), 0f, label);
        float[] reference = OrtRunner.run(TinyModels.convReluConv(), Map.of("x", Tensor.ofFloats(X.shape(), expected)))
                .get("y");
        assertArrayEquals(reference, out.get("y"), TOL, label);
        if (p.narrowerThanStorage()) {
            for (float v : out.get("x_dequantized")) {
                int level = Math.round(v / p.scale()[0]) + p.zeroPoint()[0];
                assertTrue(level >= p.levelLow() && level <= p.levelHigh(), label + ": level " + level);
            }
        }
    }

    @Test
    void int16UsesMicrosoftDomainBelowOpset21() {
        QuantParams p = FakeQuant.symmetric(X.floats(), DType.INT16, -32768, 32767);
        OnnxMl.ModelProto m = GraphRewriter.apply(TinyModels.convReluConv(), List.of(
                qdq("x", "conv1", 0, p, Role.ACTIVATION)));
        assertTrue(m.getOpsetImportList().stream()
                .anyMatch(o -> o.getDomain().equals("com.microsoft") && o.getVersion() == 1));
        assertTrue(m.getGraph().getNodeList().stream().filter(n -> n.getOpType().endsWith("QuantizeLinear"))
                .allMatch(n -> n.getDomain().equals("com.microsoft")));
    }

    @Test
    void narrowActivationOnIntermediateTensorEmitsOnlyAllowedLevels() {
        float[] r1 = OrtRunner.run(GraphRewriter.apply(TinyModels.convReluConv(),
                List.of(new GraphEdit.AddOutput("r1"))), Map.of("x", X)).get("r1");
        QuantParams p = FakeQuant.asymmetric(half(r1), DType.UINT8, 0, 15);
        OnnxMl.ModelProto m = GraphRewriter.apply(TinyModels.convReluConv(), List.of(
                qdq("r1", "conv2", 0, p, Role.ACTIVATION), new GraphEdit.AddOutput("r1_dequantized")));

        float[] dq = OrtRunner.run(m, Map.of("x", X)).get("r1_dequantized");

        assertArrayEquals(FakeQuant.apply(r1, new long[] {r1.length}, p), dq, 0f);
        for (float v : dq) {
            float level = v / p.scale()[0] + p.zeroPoint()[0];
            assertEquals(Math.rint(level), level, 1e-3, "on a level grid");
            assertTrue(Math.rint(level) >= 0 && Math.rint(level) <= 15, "level " + level + " outside 0..15");
        }
    }

    @Test
    void perChannelCompressedConvWeightAlongAxis0() {
        OnnxMl.ModelProto fp32 = TinyModels.convReluConv();
        Tensor w1 = ModelGraph.of(fp32).constantValue("W1").orElseThrow();
        QuantParams p = FakeQuant.perChannel(w1.floats(), w1.shape(), 0, DType.INT8, -127, 127);
        OnnxMl.ModelProto m = GraphRewriter.apply(fp32, List.of(qdq("W1", "conv1", 1, p, Role.WEIGHT_COMPRESSED),
                new GraphEdit.AddOutput("W1_dequantized")));

        Map<String, float[]> out = OrtRunner.run(m, Map.of("x", X));

        float[] fqW1 = FakeQuant.apply(w1.floats(), w1.shape(), p);
        assertArrayEquals(fqW1, out.get("W1_dequantized"), 0f);
        assertArrayEquals(OrtRunner.run(withInitializer(fp32, "W1", Tensor.ofFloats(w1.shape(), fqW1)),
                Map.of("x", X)).get("y"), out.get("y"), TOL);
        OnnxMl.TensorProto stored = initializer(m, "W1_quantized");
        assertEquals(OnnxMl.TensorProto.DataType.INT8_VALUE, stored.getDataType());
        byte[] q = TensorProtos.toTensor(stored).bytes();
        for (int i = 0; i < q.length; i++) {
            int c = i / 27;
            assertEquals(Math.round(fqW1[i] / p.scale()[c]), q[i]);
        }
    }

    @Test
    void perChannelFloatMatMulWeightAlongAxis1() {
        OnnxMl.ModelProto fp32 = TinyModels.matMulConstB();
        Tensor b = ModelGraph.of(fp32).constantValue("B").orElseThrow();
        QuantParams p = FakeQuant.perChannel(b.floats(), b.shape(), 1, DType.INT8, -128, 127);
        Tensor x = TinyModels.randomTensor(5, 2, 4);
        OnnxMl.ModelProto m = GraphRewriter.apply(fp32, List.of(qdq("B", "matmul", 1, p, Role.WEIGHT_FLOAT),
                new GraphEdit.AddOutput("B_dequantized")));

        Map<String, float[]> out = OrtRunner.run(m, Map.of("x", x));

        float[] fqB = FakeQuant.apply(b.floats(), b.shape(), p);
        assertArrayEquals(fqB, out.get("B_dequantized"), 0f);
        assertArrayEquals(FakeQuant.matMul(x.floats(), fqB, 2, 4, 5), out.get("y"), TOL);
        assertTrue(initializerNames(m).contains("B"), "WEIGHT_FLOAT keeps the float weight");
    }

    @Test
    void perChannelCompressedGemmTransBWeightAlongAxis0() {
        OnnxMl.ModelProto fp32 = TinyModels.gemmTransB();
        Tensor w = ModelGraph.of(fp32).constantValue("W").orElseThrow();
        QuantParams p = FakeQuant.perChannel(w.floats(), w.shape(), 0, DType.INT8, -128, 127);
        Tensor x = TinyModels.randomTensor(6, 2, 4);
        OnnxMl.ModelProto m = GraphRewriter.apply(fp32, List.of(qdq("W", "gemm", 1, p, Role.WEIGHT_COMPRESSED)));

        float[] fqW = FakeQuant.apply(w.floats(), w.shape(), p);
        assertArrayEquals(OrtRunner.run(withInitializer(fp32, "W", Tensor.ofFloats(w.shape(), fqW)), Map.of("x", x))
                .get("y"), OrtRunner.run(m, Map.of("x", x)).get("y"), TOL);
        assertTrue(!initializerNames(m).contains("W"), "the unused float weight is dropped");
    }

    @Test
    void narrowPerChannelFloatWeightUsesMaxMinClamp() {
        OnnxMl.ModelProto fp32 = TinyModels.convReluConv();
        Tensor w1 = ModelGraph.of(fp32).constantValue("W1").orElseThrow();
        QuantParams p = FakeQuant.perChannel(half(w1.floats()), w1.shape(), 0, DType.INT8, -8, 7);
        OnnxMl.ModelProto m = GraphRewriter.apply(fp32, List.of(qdq("W1", "conv1", 1, p, Role.WEIGHT_FLOAT),
                new GraphEdit.AddOutput("W1_dequantized")));

        float[] dq = OrtRunner.run(m, Map.of("x", X)).get("W1_dequantized");

        assertArrayEquals(FakeQuant.apply(w1.floats(), w1.shape(), p), dq, 0f);
        for (int i = 0; i < dq.length; i++) {
            long level = Math.round(dq[i] / p.scale()[i / 27]);
            assertTrue(level >= -8 && level <= 7, "level " + level);
        }
        List<String> ops = m.getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
        assertTrue(ops.contains("Max") && ops.contains("Min"), ops.toString());
    }

    @Test
    void bothInputsOfActivationMatMulQuantized() {
        Tensor a = TinyModels.randomTensor(8, 2, 3);
        Tensor b = TinyModels.randomTensor(9, 3, 4);
        QuantParams pa = FakeQuant.asymmetric(a.floats(), DType.UINT8, 0, 255);
        QuantParams pb = FakeQuant.symmetric(b.floats(), DType.INT8, -128, 127);
        OnnxMl.ModelProto m = GraphRewriter.apply(TinyModels.matMulTwoActivations(), List.of(
                qdq("a", "matmul", 0, pa, Role.ACTIVATION), qdq("b", "matmul", 1, pb, Role.ACTIVATION)));

        float[] y = OrtRunner.run(m, Map.of("a", a, "b", b)).get("y");

        float[] expected = FakeQuant.matMul(FakeQuant.apply(a.floats(), a.shape(), pa),
                FakeQuant.apply(b.floats(), b.shape(), pb), 2, 3, 4);
        assertArrayEquals(expected, y, TOL);
    }

    @Test
    void narrowPerTensorAtOpset10UsesClipAttributes() {
        OnnxMl.ModelProto add10 = TinyModels.addTwoActivations().toBuilder()
                .setOpsetImport(0, OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(10)).build();
        Tensor a = TinyModels.randomTensor(10, 2, 3);
        Tensor b = TinyModels.randomTensor(12, 2, 3);
        QuantParams p = FakeQuant.asymmetric(half(a.floats()), DType.UINT8, 0, 15);
        OnnxMl.ModelProto m = GraphRewriter.apply(add10, List.of(qdq("a", "add", 0, p, Role.ACTIVATION)));

        float[] y = OrtRunner.run(m, Map.of("a", a, "b", b)).get("y");

        OnnxMl.NodeProto clip = m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Clip"))
                .findFirst().orElseThrow();
        assertEquals(1, clip.getInputCount(), "opset < 11: bounds are attributes");
        float[] fa = FakeQuant.apply(a.floats(), a.shape(), p);
        float[] expected = new float[fa.length];
        for (int i = 0; i < fa.length; i++) {
            expected[i] = fa[i] + b.floats()[i];
        }
        assertArrayEquals(expected, y, TOL);
    }

    @Test
    void twoEditsOnOneTensorWithDisjointConsumersBothApply() {
        OnnxMl.ModelProto fork = TinyModels.model(13, OnnxMl.GraphProto.newBuilder()
                .addInput(TinyModels.floatInfo("x", 2, 3))
                .addOutput(TinyModels.floatInfo("p", 2, 3)).addOutput(TinyModels.floatInfo("n", 2, 3))
                .addNode(TinyModels.node("Relu", "relu", List.of("x"), List.of("p")))
                .addNode(TinyModels.node("Neg", "neg", List.of("x"), List.of("n"))));
        Tensor x = TinyModels.randomTensor(13, 2, 3);
        QuantParams p8 = FakeQuant.symmetric(x.floats(), DType.INT8, -128, 127);
        QuantParams p4 = FakeQuant.symmetric(half(x.floats()), DType.INT8, -8, 7);
        OnnxMl.ModelProto m = GraphRewriter.apply(fork, List.of(qdq("x", "relu", 0, p8, Role.ACTIVATION),
                qdq("x", "neg", 0, p4, Role.ACTIVATION)));

        Map<String, float[]> out = OrtRunner.run(m, Map.of("x", x));

        float[] f8 = FakeQuant.apply(x.floats(), x.shape(), p8);
        float[] f4 = FakeQuant.apply(x.floats(), x.shape(), p4);
        float[] relu = new float[f8.length];
        float[] neg = new float[f4.length];
        for (int i = 0; i < f8.length; i++) {
            relu[i] = Math.max(0f, f8[i]);
            neg[i] = -f4[i];
        }
        assertArrayEquals(relu, out.get("p"), 0f);
        assertArrayEquals(neg, out.get("n"), 0f);
        assertTrue(initializerNames(m).containsAll(List.of("x_scale", "x_scale_1", "x_zero_point", "x_zero_point_1")));
    }

    /**
     * Values scaled by 1/2: parameters computed from them cover only half the data's range, so the data reaches
     * past the narrow levels and the clamp (not the range) is what keeps the output on allowed levels.
     */
    static float[] half(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * 0.5f;
        }
        return out;
    }

    static OnnxMl.ModelProto withInitializer(OnnxMl.ModelProto m, String name, Tensor value) {
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals(name)) {
                g.setInitializer(i, TensorProtos.fromTensor(name, value));
            }
        }
        return m.toBuilder().setGraph(g).build();
    }

    static OnnxMl.TensorProto initializer(OnnxMl.ModelProto m, String name) {
        return m.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no initializer " + name));
    }

    static List<String> initializerNames(OnnxMl.ModelProto m) {
        List<String> names = new ArrayList<>();
        m.getGraph().getInitializerList().forEach(t -> names.add(t.getName()));
        return names;
    }
}
