package dev.sparkptq.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.TensorInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelGraphTest {
    @Test
    void indexesProducersConsumersAndConstants() {
        ModelGraph g = ModelGraph.of(TinyModels.convReluConv());
        assertEquals(List.of("conv1", "relu1", "conv2"), g.nodes().stream().map(Node::name).toList());
        assertEquals("relu1", g.producer("r1").name());
        assertNull(g.producer("x"));
        assertNull(g.producer("W1"));
        assertEquals(List.of(new Use(g.node("conv2").orElseThrow(), 0)), g.consumers("r1"));
        assertEquals(1, g.consumers("W2").get(0).inputIndex());
        assertTrue(g.consumers("y").isEmpty());
        assertTrue(g.isInitializer("W1") && g.isConstant("W1"));
        assertFalse(g.isConstant("r1"));
        assertEquals(List.of("x"), g.inputs().stream().map(TensorInfo::name).toList());
        assertTrue(g.isGraphOutput("y") && !g.isGraphOutput("r1"));
        assertEquals(13, g.opset());
        assertEquals(List.of("conv1", "relu1", "conv2"), List.copyOf(g.nodeNames()));
    }

    @Test
    void constantValuesComeFromInitializersAndConstantNodes() {
        OnnxMl.TensorProto value = TinyModels.floats("ignored", 5, 3);
        OnnxMl.AttributeProto t = OnnxMl.AttributeProto.newBuilder().setName("value")
                .setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(value).build();
        OnnxMl.AttributeProto ints = TinyModels.ints("value_ints", 4, 5);
        OnnxMl.GraphProto.Builder gb = OnnxMl.GraphProto.newBuilder().addInput(TinyModels.floatInfo("x", 3))
                .addOutput(TinyModels.floatInfo("y", 3))
                .addNode(TinyModels.node("Constant", "k", List.of(), List.of("kv"), t))
                .addNode(TinyModels.node("Constant", "s", List.of(), List.of("shape"), ints))
                .addNode(TinyModels.node("Add", "add", List.of("x", "kv"), List.of("y")));
        ModelGraph g = ModelGraph.of(TinyModels.model(13, gb));
        assertTrue(g.isConstant("kv") && !g.isInitializer("kv"));
        assertArrayEquals(TensorProtos.toTensor(value).floats(), g.constantValue("kv").orElseThrow().floats());
        assertArrayEquals(new long[] {4, 5}, g.constantValue("shape").orElseThrow().longs());
        assertTrue(g.constantValue("x").isEmpty());
        TensorInfo info = g.info("kv").orElseThrow();
        assertEquals(DType.FLOAT, info.dtype());
        assertArrayEquals(new long[] {3}, info.shape());
    }

    @Test
    void infoReportsSymbolicDimsAndUnknownRank() {
        OnnxMl.ValueInfoProto symbolic = OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(
                OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1)
                        .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4))))).build();
        OnnxMl.ValueInfoProto noShape = OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(OnnxMl.TypeProto
                .newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(7))).build();
        OnnxMl.GraphProto.Builder gb = OnnxMl.GraphProto.newBuilder().addInput(symbolic).addOutput(noShape)
                .addNode(TinyModels.node("Relu", "r", List.of("x"), List.of("h")))
                .addNode(TinyModels.node("Shape", "s", List.of("h"), List.of("y")));
        ModelGraph g = ModelGraph.of(TinyModels.model(13, gb));
        assertArrayEquals(new long[] {-1, 4}, g.info("x").orElseThrow().shape());
        assertEquals(DType.INT64, g.info("y").orElseThrow().dtype());
        assertNull(g.info("y").orElseThrow().shape());
        assertNull(g.info("h").orElseThrow().dtype(), "intermediate without value_info: known name, unknown type");
        assertTrue(g.info("nothing").isEmpty());
    }

    @Test
    void unsortedNodesAreOrderedTopologicallyAndStably() {
        OnnxMl.GraphProto.Builder gb = OnnxMl.GraphProto.newBuilder().addInput(TinyModels.floatInfo("x", 2))
                .addOutput(TinyModels.floatInfo("z", 2))
                .addNode(TinyModels.node("Add", "last", List.of("a", "b"), List.of("z")))
                .addNode(TinyModels.node("Relu", "first", List.of("x"), List.of("a")))
                .addNode(TinyModels.node("Neg", "second", List.of("x"), List.of("b")));
        ModelGraph g = ModelGraph.of(TinyModels.model(13, gb));
        assertEquals(List.of("first", "second", "last"), g.nodes().stream().map(Node::name).toList());
        assertEquals(List.of("first", "second", "last"), TinyModels.nodeNames(g.proto()));
        for (int i = 0; i < g.nodes().size(); i++) {
            assertEquals(i, g.nodes().get(i).index());
        }
    }

    @Test
    void cycleIsAModelError() {
        OnnxMl.GraphProto.Builder gb = OnnxMl.GraphProto.newBuilder().addInput(TinyModels.floatInfo("x", 2))
                .addOutput(TinyModels.floatInfo("b", 2))
                .addNode(TinyModels.node("Add", "n1", List.of("x", "b"), List.of("a")))
                .addNode(TinyModels.node("Relu", "n2", List.of("a"), List.of("b")));
        ModelException e = assertThrows(ModelException.class, () -> ModelGraph.of(TinyModels.model(13, gb)));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void danglingInputAndDoubleProducerAreModelErrors() {
        OnnxMl.GraphProto.Builder dangling = OnnxMl.GraphProto.newBuilder().addInput(TinyModels.floatInfo("x", 2))
                .addOutput(TinyModels.floatInfo("y", 2))
                .addNode(TinyModels.node("Add", "n", List.of("x", "ghost"), List.of("y")));
        ModelException e = assertThrows(ModelException.class, () -> ModelGraph.of(TinyModels.model(13, dangling)));
        assertTrue(e.getMessage().contains("'ghost'"), e.getMessage());
        OnnxMl.GraphProto.Builder twice = OnnxMl.GraphProto.newBuilder().addInput(TinyModels.floatInfo("x", 2))
                .addOutput(TinyModels.floatInfo("y", 2))
                .addNode(TinyModels.node("Relu", "a", List.of("x"), List.of("y")))
                .addNode(TinyModels.node("Neg", "b", List.of("x"), List.of("y")));
        assertThrows(ModelException.class, () -> ModelGraph.of(TinyModels.model(13, twice)));
    }

    @Test
    void attributeHelpersAndCanonicalText() {
        OnnxMl.GraphProto.Builder gb = OnnxMl.GraphProto.newBuilder().addInput(TinyModels.floatInfo("x", 2))
                .addOutput(TinyModels.floatInfo("y", 2))
                .addNode(TinyModels.node("Custom", "c", List.of("x"), List.of("y"), TinyModels.intAttr("group", 1),
                        TinyModels.floatAttr("alpha", 0.5f), TinyModels.floatAttr("one", 1.0f),
                        TinyModels.stringAttr("mode", "DCR"), TinyModels.ints("pads", 1, 2)));
        Node n = ModelGraph.of(TinyModels.model(13, gb)).node("c").orElseThrow();
        assertEquals(1, n.intAttr("group", 7));
        assertEquals(7, n.intAttr("absent", 7));
        assertEquals(0.5f, n.floatAttr("alpha", 0f));
        assertEquals("DCR", n.stringAttr("mode", ""));
        assertArrayEquals(new long[] {1, 2}, n.intsAttr("pads"));
        assertNull(n.intsAttr("strides"));
        assertEquals("1", n.attrText("group"));
        assertEquals("0.5", n.attrText("alpha"));
        assertEquals("1", n.attrText("one"));
        assertEquals("DCR", n.attrText("mode"));
        assertEquals("[1, 2]", n.attrText("pads"));
        assertNull(n.attrText("absent"));
        assertEquals(Attribute.formatNumber(1.0), n.attrText("one"), "config numbers format the same way");
    }
}
