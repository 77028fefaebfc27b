package dev.sparkptq.graph;

import static dev.sparkptq.graph.TinyModels.floatAttr;
import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.intAttr;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.node;
import static dev.sparkptq.graph.TinyModels.stringAttr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each rewrite of {@link OpsetUpgrade} on a one-op model: ONNX Runtime runs the original (old opset) and the
 * converted (opset 13) model on the same seeded input and the outputs must agree to 1e-6.
 */
class OpsetUpgradeTest {
    private static final float TOL = 1e-6f;

    /** One-node model: x (float, shape) → node → outputs (float, declared without shape). */
    private static OnnxMl.ModelProto oneOp(int opset, long[] xShape, OnnxMl.NodeProto n,
                                           OnnxMl.TensorProto... inits) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("one_op")
                .addInput(floatInfo("x", xShape)).addNode(n).addAllInitializer(Arrays.asList(inits));
        for (String out : n.getOutputList()) {
            if (!out.isEmpty()) {
                g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(out).setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))));
            }
        }
        return TinyModels.model(opset, g);
    }

    /** Converts, checks the opset-13 invariants, and compares every output with the original's in ORT. */
    private static OnnxMl.ModelProto assertSameOutputs(OnnxMl.ModelProto old, long[] xShape) {
        OnnxMl.ModelProto up = OpsetUpgrade.upgrade(old);
        assertEquals(13, ModelIo.opset(up));
        assertTrue(up.getIrVersion() >= 7);
        assertEquals(names(old.getGraph().getInputList()), names(up.getGraph().getInputList()));
        assertEquals(names(old.getGraph().getOutputList()), names(up.getGraph().getOutputList()));
        Map<String, Tensor> in = Map.of("x", TinyModels.randomTensor(97, xShape));
        Map<String, float[]> want = OrtRunner.run(old, in);
        Map<String, float[]> got = OrtRunner.run(up, in);
        assertEquals(want.keySet(), got.keySet());
        want.forEach((k, v) -> assertArrayEquals(v, got.get(k), TOL, k));
        return up;
    }

    private static List<String> names(List<OnnxMl.ValueInfoProto> infos) {
        return infos.stream().map(OnnxMl.ValueInfoProto::getName).toList();
    }

    private static Set<String> opTypes(OnnxMl.ModelProto m) {
        Set<String> ops = new HashSet<>();
        m.getGraph().getNodeList().forEach(n -> ops.add(n.getOpType()));
        return ops;
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 11, 12})
    void squeezeAndUnsqueezeAxesBecomeInputs(int opset) {
        long[] s = {1, 3, 1, 4};
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", s))
                .addOutput(floatInfo("y", 1, 1, 3, 4))
                .addNode(node("Squeeze", "sq", List.of("x"), List.of("s"), ints("axes", 0, 2)))
                .addNode(node("Unsqueeze", "unsq", List.of("s"), List.of("y"), ints("axes", 0, 1)));
        OnnxMl.ModelProto up = assertSameOutputs(TinyModels.model(opset, g), s);
        up.getGraph().getNodeList().forEach(n -> assertEquals(2, n.getInputCount(), n.getName()));
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 11})
    void splitSizesBecomeAnInput(int opset) {
        long[] s = {2, 6, 3};
        assertSameOutputs(oneOp(opset, s, node("Split", "split", List.of("x"), List.of("a", "b"),
                intAttr("axis", 1), ints("split", 2, 4))), s);
        assertSameOutputs(oneOp(opset, s, node("Split", "split", List.of("x"), List.of("a", "b", "c"),
                intAttr("axis", -1))), s);
    }

    @Test
    void reduceSumAxesBecomeAnInputAndNoAxesStillReducesEverything() {
        long[] s = {2, 3, 4};
        assertSameOutputs(oneOp(11, s, node("ReduceSum", "rs", List.of("x"), List.of("y"), ints("axes", 1, -1),
                intAttr("keepdims", 0))), s);
        assertSameOutputs(oneOp(9, s, node("ReduceSum", "rs", List.of("x"), List.of("y"))), s);
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 10, 12})
    void dropoutWithUnusedMaskBecomesIdentity(int opset) {
        long[] s = {2, 5};
        OnnxMl.NodeProto drop = opset < 12
                ? node("Dropout", "drop", List.of("x"), List.of("y"), floatAttr("ratio", 0.5f))
                : node("Dropout", "drop", List.of("x", "ratio"), List.of("y"));
        OnnxMl.ModelProto m = opset < 12 ? oneOp(opset, s, drop) : oneOp(opset, s, drop,
                TensorProtos.fromTensor("ratio", Tensor.ofFloats(new long[0], new float[] {0.5f})));
        OnnxMl.ModelProto g2 = m.toBuilder().setGraph(m.getGraph().toBuilder().setNode(0, m.getGraph().getNode(0)
                .toBuilder().addOutput("mask_unused"))).build();
        OnnxMl.ModelProto up = assertSameOutputs(g2, s);
        assertEquals(Set.of("Identity"), opTypes(up));
        assertEquals(0, up.getGraph().getInitializerCount(), "the ratio nothing reads any more is dropped");
    }

    @Test
    void dropoutWhoseMaskIsReadIsRefusedBeforeOpset12() {
        OnnxMl.ModelProto m = oneOp(10, new long[] {2, 5}, node("Dropout", "drop", List.of("x"),
                List.of("y", "mask")));
        ModelException e = assertThrows(ModelException.class, () -> OpsetUpgrade.upgrade(m));
        assertTrue(e.getMessage().contains("Dropout node 'drop'") && e.getMessage().contains("mask")
                && e.getMessage().contains("version_converter"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Softmax", "LogSoftmax", "Hardmax"})
    void rank4SoftmaxOverAxis1KeepsItsOldMeaning(String op) {
        long[] s = {2, 3, 4, 5};
        OnnxMl.ModelProto old = oneOp(11, s, node(op, "sm", List.of("x"), List.of("y"), intAttr("axis", 1)));
        OnnxMl.ModelProto up = assertSameOutputs(old, s);
        assertTrue(opTypes(up).containsAll(Set.of("Flatten", "Shape", "Reshape", op)), opTypes(up).toString());
        // Relabelling alone would change the result: at opset 13 axis=1 normalizes over 3 values, not 3*4*5.
        Map<String, Tensor> in = Map.of("x", TinyModels.randomTensor(97, s));
        float[] relabelled = OrtRunner.run(old.toBuilder().setOpsetImport(0, old.getOpsetImport(0).toBuilder()
                .setVersion(13)).setIrVersion(7).build(), in).get("y");
        assertFalse(Arrays.equals(OrtRunner.run(old, in).get("y"), relabelled));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, -1, -3})
    void softmaxOfUndeclaredRankIsRewrittenExactlyForEveryAxis(int axis) {
        long[] s = {2, 3, 4, 5};
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", s))
                .addOutput(floatInfo("y"))
                .addNode(node("Relu", "relu", List.of("x"), List.of("r")))
                .addNode(node("Softmax", "", List.of("r"), List.of("y"), intAttr("axis", axis)));
        OnnxMl.GraphProto graph = g.build();
        OnnxMl.GraphProto noShape = graph.toBuilder().setOutput(0, OnnxMl.ValueInfoProto.newBuilder().setName("y"))
                .build();
        assertSameOutputs(TinyModels.model(axis < 0 ? 11 : 9, noShape.toBuilder()), s);
    }

    @Test
    void softmaxOverTheLastDeclaredAxisOnlyGetsItsAxisSpelledOut() {
        long[] s = {2, 3, 5};
        OnnxMl.ModelProto up = assertSameOutputs(oneOp(8, s, node("Softmax", "sm", List.of("x"), List.of("y"),
                intAttr("axis", 2))), s);
        assertEquals(Set.of("Softmax"), opTypes(up));
        assertEquals(2, up.getGraph().getNode(0).getAttribute(0).getI());
    }

    @Test
    void slice1AttributesBecomeInputs() {
        long[] s = {3, 6, 5};
        assertSameOutputs(oneOp(9, s, node("Slice", "sl", List.of("x"), List.of("y"), ints("starts", 1, -4),
                ints("ends", 1000, -1), ints("axes", 1, 2))), s);
        assertSameOutputs(oneOp(7, s, node("Slice", "sl", List.of("x"), List.of("y"), ints("starts", 0, 2),
                ints("ends", 2, 4))), s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"constant", "reflect", "edge"})
    void pad2AttributesBecomeInputs(String mode) {
        long[] s = {1, 2, 4, 5};
        assertSameOutputs(oneOp(9, s, node("Pad", "pad", List.of("x"), List.of("y"), stringAttr("mode", mode),
                ints("pads", 0, 0, 1, 2, 0, 0, 2, 1), floatAttr("value", 1.5f))), s);
    }

    @Test
    void padValueOfUndeclaredTypeIsRefused() {
        OnnxMl.ModelProto m = oneOp(9, new long[] {1, 4}, node("Pad", "pad", List.of("x"), List.of("y"),
                ints("pads", 0, 1, 0, 1), floatAttr("value", 2f)));
        OnnxMl.ModelProto untyped = m.toBuilder().setGraph(m.getGraph().toBuilder().setInput(0,
                OnnxMl.ValueInfoProto.newBuilder().setName("x"))).build();
        ModelException e = assertThrows(ModelException.class, () -> OpsetUpgrade.upgrade(untyped));
        assertTrue(e.getMessage().contains("Pad node 'pad'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 8})
    void batchNorm7LosesItsSpatialAttribute(int opset) {
        long[] s = {2, 3, 4, 4};
        float[] var = TinyModels.randomFloats(3, 9);
        for (int i = 0; i < var.length; i++) {
            var[i] = 0.5f + Math.abs(var[i]);
        }
        OnnxMl.ModelProto m = oneOp(opset, s, node("BatchNormalization", "bn", List.of("x", "g", "b", "m", "v"),
                List.of("y"), intAttr("spatial", 1), floatAttr("epsilon", 1e-3f)), TinyModels.floats("g", 1, 3),
                TinyModels.floats("b", 2, 3), TinyModels.floats("m", 3, 3),
                TensorProtos.fromTensor("v", Tensor.ofFloats(new long[] {3}, var)));
        OnnxMl.ModelProto up = assertSameOutputs(m, s);
        assertTrue(up.getGraph().getNode(0).getAttributeList().stream().noneMatch(a -> a.getName().equals("spatial")));
    }

    @Test
    void clip6BoundsBecomeInputs() {
        long[] s = {3, 7};
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", s))
                .addOutput(floatInfo("a")).addOutput(floatInfo("b")).addOutput(floatInfo("c"))
                .addNode(node("Relu", "relu", List.of("x"), List.of("cx")))
                .addNode(node("Clip", "both", List.of("cx"), List.of("a"), floatAttr("min", 0.1f),
                        floatAttr("max", 0.6f)))
                .addNode(node("Clip", "max_only", List.of("x"), List.of("b"), floatAttr("max", -0.2f)))
                .addNode(node("Clip", "none", List.of("x"), List.of("c")));
        OnnxMl.ModelProto up = assertSameOutputs(TinyModels.model(9, g), s);
        assertEquals(List.of("cx", "both_min", "both_max"), up.getGraph().getNode(1).getInputList());
        assertEquals(List.of("x", "", "max_only_max"), up.getGraph().getNode(2).getInputList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nearest", "linear"})
    void upsample9BecomesResize(String mode) {
        long[] s = {1, 2, 3, 4};
        OnnxMl.ModelProto up = assertSameOutputs(oneOp(9, s, node("Upsample", "up", List.of("x", "scales"),
                List.of("y"), stringAttr("mode", mode)), TensorProtos.fromTensor("scales", Tensor.ofFloats(new long[] {4},
                new float[] {1, 1, 2, 3}))), s);
        assertEquals(Set.of("Resize"), opTypes(up));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nearest", "linear"})
    void upsample7ScalesAttributeBecomesResizeInput(String mode) {
        long[] s = {1, 2, 3, 4};
        OnnxMl.AttributeProto scales = OnnxMl.AttributeProto.newBuilder().setName("scales")
                .setType(OnnxMl.AttributeProto.AttributeType.FLOATS).addAllFloats(List.of(1f, 1f, 2.5f, 2f)).build();
        assertSameOutputs(oneOp(8, s, node("Upsample", "up", List.of("x"), List.of("y"), stringAttr("mode", mode),
                scales)), s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nearest:1,1,2,3", "linear:1,1,2,3", "nearest:1,1,0.5,0.75", "linear:1,1,0.5,0.6"})
    void resize10BecomesResize13WithItsSamplingSpelledOut(String spec) {
        long[] s = {1, 2, 4, 6};
        String[] parts = spec.split(":");
        float[] sc = new float[4];
        String[] v = parts[1].split(",");
        for (int i = 0; i < 4; i++) {
            sc[i] = Float.parseFloat(v[i]);
        }
        assertSameOutputs(oneOp(10, s, node("Resize", "rz", List.of("x", "scales"), List.of("y"),
                stringAttr("mode", parts[0])), TensorProtos.fromTensor("scales",
                Tensor.ofFloats(new long[] {4}, sc))), s);
    }

    @Test
    void topK1KBecomesAnInput() {
        long[] s = {3, 8};
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", s))
                .addOutput(floatInfo("values", 3, 3))
                .addNode(node("TopK", "top", List.of("x"), List.of("values", "indices"), intAttr("k", 3)));
        assertSameOutputs(TinyModels.model(9, g), s);
    }

    @Test
    void scatter9BecomesScatterElements() {
        long[] s = {3, 4};
        OnnxMl.TensorProto idx = TensorProtos.fromTensor("idx", Tensor.ofLongs(new long[] {1, 2},
                new long[] {3, 0}));
        OnnxMl.TensorProto upd = TensorProtos.fromTensor("upd", Tensor.ofFloats(new long[] {1, 2},
                new float[] {5, 7}));
        OnnxMl.ModelProto up = assertSameOutputs(oneOp(9, s, node("Scatter", "sc", List.of("x", "idx", "upd"),
                List.of("y"), intAttr("axis", 1)), idx, upd), s);
        assertEquals(Set.of("ScatterElements"), opTypes(up));
    }

    @Test
    void resize10NearestThatBothEnlargesAndShrinksIsRefused() {
        OnnxMl.ModelProto m = oneOp(10, new long[] {1, 1, 4, 4}, node("Resize", "rz", List.of("x", "scales"),
                List.of("y")), TensorProtos.fromTensor("scales", Tensor.ofFloats(new long[] {4},
                new float[] {1, 1, 2, 0.5f})));
        ModelException e = assertThrows(ModelException.class, () -> OpsetUpgrade.upgrade(m));
        assertTrue(e.getMessage().contains("Resize node 'rz'") && e.getMessage().contains("opset-10"), e.getMessage());
    }

    @Test
    void oneHotIsKeptFromOpset11ButRefusedBefore() {
        OnnxMl.NodeProto oneHot = node("OneHot", "oh", List.of("x", "depth", "values"), List.of("y"));
        assertEquals(OpsetStability.Verdict.KEEP, OpsetStability.verdict(oneHot, 11));
        assertEquals(OpsetStability.Verdict.REFUSE, OpsetStability.verdict(oneHot, 9));
        ModelException e = assertThrows(ModelException.class,
                () -> OpsetUpgrade.upgrade(oneOp(9, new long[] {3}, oneHot)));
        assertTrue(e.getMessage().contains("unchanged only from opset 11"), e.getMessage());
    }

    @Test
    void nodesWithSubgraphsAreRefused() {
        OnnxMl.GraphProto branch = OnnxMl.GraphProto.newBuilder().setName("b").addOutput(floatInfo("x"))
                .build();
        OnnxMl.NodeProto ifNode = node("If", "cond", List.of("c"), List.of("y"),
                OnnxMl.AttributeProto.newBuilder().setName("then_branch").setType(OnnxMl.AttributeProto.AttributeType
                        .GRAPH).setG(branch).build());
        assertEquals(OpsetStability.Verdict.REFUSE, OpsetStability.verdict(ifNode, 11));
        assertTrue(OpsetStability.refusalReason(ifNode, 11).contains("subgraphs"));
    }

    @Test
    void otherDomainsAndTheirOpsetImportsAreLeftAlone() {
        OnnxMl.NodeProto custom = node("Softmax", "ms", List.of("x"), List.of("y")).toBuilder()
                .setDomain("com.microsoft").build();
        OnnxMl.ModelProto m = oneOp(11, new long[] {2, 3}, custom).toBuilder().addOpsetImport(
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1)).build();
        OnnxMl.ModelProto up = OpsetUpgrade.upgrade(m);
        assertEquals(custom, up.getGraph().getNode(0));
        assertEquals(1, up.getOpsetImport(1).getVersion());
        assertEquals(13, up.getOpsetImport(0).getVersion());
    }

    @Test
    void addedNamesAvoidExistingOnesAndAreDeterministic() {
        long[] s = {1, 3, 1, 4};
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", s))
                .addOutput(floatInfo("sq_axes", 3, 4))
                .addNode(node("Squeeze", "sq", List.of("x"), List.of("sq_axes"), ints("axes", 0, 2)));
        OnnxMl.ModelProto m = TinyModels.model(11, g);
        OnnxMl.ModelProto up = assertSameOutputs(m, s);
        assertEquals(List.of("x", "sq_axes_1"), up.getGraph().getNode(0).getInputList());
        assertEquals(up, OpsetUpgrade.upgrade(m));
    }

    @Test
    void opset13ModelsAreReturnedUnchanged() {
        OnnxMl.ModelProto m = TinyModels.convReluConv();
        assertEquals(m, OpsetUpgrade.upgrade(m));
    }
}
