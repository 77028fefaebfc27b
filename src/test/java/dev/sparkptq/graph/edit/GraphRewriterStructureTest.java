package dev.sparkptq.graph.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.Use;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphRewriterStructureTest {
    private static final QuantParams INT8 = new QuantParams(new float[] {0.05f}, new int[] {0}, -1, DType.INT8,
            -128, 127);

    /** x feeds relu and neg; w (an initializer) feeds mul twice over, and add. */
    private static OnnxMl.ModelProto fork() {
        return TinyModels.model(13, OnnxMl.GraphProto.newBuilder()
                .addInput(TinyModels.floatInfo("x", 2, 3)).addInitializer(TinyModels.floats("w", 3, 2, 3))
                .addOutput(TinyModels.floatInfo("s", 2, 3)).addOutput(TinyModels.floatInfo("n", 2, 3))
                .addNode(TinyModels.node("Relu", "relu", List.of("x"), List.of("p")))
                .addNode(TinyModels.node("Neg", "neg", List.of("x"), List.of("n")))
                .addNode(TinyModels.node("Mul", "mul", List.of("p", "w"), List.of("m")))
                .addNode(TinyModels.node("Add", "add", List.of("m", "w"), List.of("s"))));
    }

    private static GraphEdit.InsertQdq qdq(String tensor, String node, int input, QuantParams p, Role role) {
        return new GraphEdit.InsertQdq(tensor, List.of(new InputRef(node, input)), p, role);
    }

    @Test
    void activationQdqFeedsOnlyTheListedConsumerAndSharesScaleAndZeroPoint() {
        ModelGraph g = ModelGraph.of(GraphRewriter.apply(fork(), List.of(qdq("x", "relu", 0, INT8,
                Role.ACTIVATION))));

        Node q = g.node("x_QuantizeLinear").orElseThrow();
        Node dq = g.node("x_DequantizeLinear").orElseThrow();
        assertEquals(List.of("x", "x_scale", "x_zero_point"), q.inputs());
        assertEquals(List.of("x_quantized", "x_scale", "x_zero_point"), dq.inputs());
        assertEquals(List.of(new Use(g.node("relu").orElseThrow(), 0)), g.consumers("x_dequantized"));
        assertEquals(List.of("x"), g.node("neg").orElseThrow().inputs(), "other consumers keep the float tensor");
        assertEquals(0, q.index(), "graph-input Q/DQ goes first");
        assertEquals(DType.INT8, g.info("x_zero_point").orElseThrow().dtype());
        assertEquals(0, g.info("x_scale").orElseThrow().shape().length, "per-tensor scale is a scalar");
    }

    @Test
    void qdqOnIntermediateTensorIsInsertedRightAfterItsProducer() {
        ModelGraph g = ModelGraph.of(GraphRewriter.apply(fork(), List.of(qdq("p", "mul", 0, INT8,
                Role.ACTIVATION))));
        List<String> names = g.nodes().stream().map(Node::name).toList();
        assertEquals(List.of("relu", "p_QuantizeLinear", "p_DequantizeLinear", "neg", "mul", "add"), names);
    }

    @Test
    void compressedWeightKeepsFloatCopyWhileAnotherConsumerReadsIt() {
        ModelGraph g = ModelGraph.of(GraphRewriter.apply(fork(), List.of(qdq("w", "mul", 1, INT8,
                Role.WEIGHT_COMPRESSED))));
        assertTrue(g.isInitializer("w_quantized"));
        assertEquals(DType.INT8, g.info("w_quantized").orElseThrow().dtype());
        assertTrue(g.isInitializer("w"), "add still reads w");
        assertEquals("w", g.node("add").orElseThrow().inputs().get(1));
        assertFalse(g.nodes().stream().anyMatch(n -> n.opType().equals("QuantizeLinear")));
    }

    @Test
    void compressedWeightDropsFloatCopyOnceUnused() {
        ModelGraph g = ModelGraph.of(GraphRewriter.apply(fork(), List.of(
                qdq("w", "mul", 1, INT8, Role.WEIGHT_COMPRESSED), qdq("w", "add", 1, INT8, Role.WEIGHT_COMPRESSED))));
        assertFalse(g.isInitializer("w"));
        assertTrue(g.isInitializer("w_quantized") && g.isInitializer("w_quantized_1"));
        assertTrue(g.consumers("w").isEmpty());
    }

    @Test
    void perChannelParamsPutAxisOnQuantizeAndDequantize() {
        QuantParams p = new QuantParams(new float[] {0.1f, 0.2f, 0.3f}, new int[] {0, 0, 0}, 1, DType.INT8, -128,
                127);
        ModelGraph g = ModelGraph.of(GraphRewriter.apply(fork(), List.of(qdq("w", "mul", 1, p, Role.WEIGHT_FLOAT))));
        assertEquals(1, g.node("w_QuantizeLinear").orElseThrow().intAttr("axis", -1));
        assertEquals(1, g.node("w_DequantizeLinear").orElseThrow().intAttr("axis", -1));
        assertEquals(3, g.info("w_scale").orElseThrow().shape()[0]);
    }

    @Test
    void perChannelBelowOpset13IsAnInternalError() {
        OnnxMl.ModelProto old = fork().toBuilder().setOpsetImport(0, OnnxMl.OperatorSetIdProto.newBuilder()
                .setVersion(12)).build();
        QuantParams p = new QuantParams(new float[] {0.1f, 0.2f}, new int[] {0, 0}, 0, DType.INT8, -128, 127);
        InternalException e = assertThrows(InternalException.class,
                () -> GraphRewriter.apply(old, List.of(qdq("w", "mul", 1, p, Role.WEIGHT_FLOAT))));
        assertTrue(e.getMessage().contains("opset >= 13"), e.getMessage());
    }

    @Test
    void perChannelLengthMismatchIsAnInternalError() {
        QuantParams p = new QuantParams(new float[] {0.1f, 0.2f}, new int[] {0, 0}, 1, DType.INT8, -128, 127);
        assertThrows(InternalException.class,
                () -> GraphRewriter.apply(fork(), List.of(qdq("w", "mul", 1, p, Role.WEIGHT_COMPRESSED))));
    }

    @Test
    void editsThatDoNotMatchTheModelAreInternalErrors() {
        assertThrows(InternalException.class,
                () -> GraphRewriter.apply(fork(), List.of(qdq("x", "mul", 0, INT8, Role.ACTIVATION))));
        assertThrows(InternalException.class,
                () -> GraphRewriter.apply(fork(), List.of(qdq("x", "nosuch", 0, INT8, Role.ACTIVATION))));
        assertThrows(InternalException.class,
                () -> GraphRewriter.apply(fork(), List.of(qdq("ghost", "relu", 0, INT8, Role.ACTIVATION))));
        assertThrows(InternalException.class,
                () -> GraphRewriter.apply(fork(), List.of(qdq("x", "relu", 0, INT8, Role.WEIGHT_COMPRESSED))));
        InternalException twice = assertThrows(InternalException.class, () -> GraphRewriter.apply(fork(), List.of(
                qdq("x", "relu", 0, INT8, Role.ACTIVATION), qdq("x", "relu", 0, INT8, Role.ACTIVATION))));
        assertTrue(twice.getMessage().contains("already rewired"), twice.getMessage());
    }

    @Test
    void addOutputAppendsOnceAndSetMetadataReplacesTheKey() {
        OnnxMl.ModelProto m = GraphRewriter.apply(fork(), List.of(new GraphEdit.AddOutput("p"),
                new GraphEdit.AddOutput("p"), new GraphEdit.AddOutput("s"), new GraphEdit.SetMetadata("k", "1"),
                new GraphEdit.SetMetadata("k", "2")));
        assertEquals(List.of("s", "n", "p"), m.getGraph().getOutputList().stream()
                .map(OnnxMl.ValueInfoProto::getName).toList());
        assertEquals(1, m.getMetadataPropsCount());
        assertEquals("2", m.getMetadataProps(0).getValue());
        assertThrows(InternalException.class,
                () -> GraphRewriter.apply(fork(), List.of(new GraphEdit.AddOutput("ghost"))));
    }

    @Test
    void rewriteLeavesTheInputModelAloneAndIsDeterministic() {
        OnnxMl.ModelProto m = fork();
        OnnxMl.ModelProto copy = OnnxMl.ModelProto.newBuilder(m).build();
        List<GraphEdit> edits = List.of(qdq("x", "relu", 0, INT8, Role.ACTIVATION),
                qdq("w", "mul", 1, INT8, Role.WEIGHT_COMPRESSED));
        OnnxMl.ModelProto first = GraphRewriter.apply(m, edits);
        assertEquals(copy, m);
        assertEquals(first.toByteString(), GraphRewriter.apply(m, edits).toByteString());
    }

    @Test
    void generatedNamesAvoidExistingOnes() {
        OnnxMl.ModelProto m = fork().toBuilder().setGraph(fork().getGraph().toBuilder()
                .addInitializer(TinyModels.floats("x_scale", 1, 1))).build();
        ModelGraph g = ModelGraph.of(GraphRewriter.apply(m, List.of(qdq("x", "relu", 0, INT8, Role.ACTIVATION))));
        assertEquals("x_scale_1", g.node("x_QuantizeLinear").orElseThrow().inputs().get(1));
    }
}
