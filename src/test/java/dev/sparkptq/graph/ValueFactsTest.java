package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sparkptq.graph.TinyModels.floatAttr;
import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.intAttr;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.longs;
import static dev.sparkptq.graph.TinyModels.node;
import static dev.sparkptq.graph.TinyModels.stringAttr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Types, shapes and constant values inferred without running the model, checked against ONNX's rules. */
class ValueFactsTest {
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int BOOL = 9;

    /** x[1,3,32,32] through the ops of a small detector, no value_info. */
    private static OnnxMl.GraphProto detector() {
        return OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 3, 32, 32))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("out"))
                .addInitializer(floats("W", 1, 8, 3, 3, 3)).addInitializer(floats("Wt", 2, 8, 4, 2, 2))
                .addInitializer(floats("scales", 3, 4)).addInitializer(longs("perm_shape", new long[] {1, 4, -1}))
                .addNode(node("Conv", "conv", List.of("x", "W"), List.of("c"), ints("strides", 2, 2),
                        ints("pads", 1, 1, 1, 1)))
                .addNode(node("MaxPool", "pool", List.of("c"), List.of("p"), ints("kernel_shape", 3, 3),
                        ints("strides", 2, 2), intAttr("ceil_mode", 1)))
                .addNode(node("ConvTranspose", "up", List.of("p", "Wt"), List.of("u"), ints("strides", 2, 2),
                        intAttr("group", 2)))
                .addNode(node("Resize", "rs", List.of("u", "", "scales_c"), List.of("r"),
                        stringAttr("mode", "nearest")))
                .addNode(node("Clip", "clip", List.of("r"), List.of("k"), floatAttr("min", 0), floatAttr("max", 6)))
                .addNode(node("Reshape", "flat", List.of("k", "perm_shape"), List.of("f")))
                .addNode(node("Shape", "shape", List.of("f"), List.of("s")))
                .addNode(node("Greater", "gt", List.of("f", "f"), List.of("g")))
                .addNode(node("Cast", "cast", List.of("g"), List.of("out"), intAttr("to", INT64)))
                .addInitializer(dev.sparkptq.graph.TensorProtos.fromTensor("scales_c", Tensor.ofFloats(
                        new long[] {4}, new float[] {1, 1, 2, 2})))
                .build();
    }

    @Test
    void typesAndShapesFollowTheOpsWithoutValueInfo() {
        ValueFacts f = ValueFacts.of(detector(), 13, ValueFacts.Mode.SHAPES);
        assertArrayEquals(new long[] {1, 8, 16, 16}, f.dims("c"));
        assertArrayEquals(new long[] {1, 8, 8, 8}, f.dims("p"), "ceil_mode: (16 - 3 + 1) / 2 + 1");
        assertArrayEquals(new long[] {1, 8, 16, 16}, f.dims("u"), "grouped ConvTranspose: 4 · 2 channels");
        assertArrayEquals(new long[] {1, 8, 32, 32}, f.dims("r"));
        assertArrayEquals(new long[] {1, 4, 2048}, f.dims("f"));
        assertArrayEquals(new long[] {3}, f.dims("s"));
        assertEquals(FLOAT, f.elemType("k").orElseThrow(), "Clip's input type, though nothing declares it");
        assertEquals(INT64, f.elemType("s").orElseThrow());
        assertEquals(BOOL, f.elemType("g").orElseThrow());
        assertEquals(INT64, f.elemType("out").orElseThrow());
        assertTrue(f.constant("s").isEmpty(), "SHAPES mode evaluates nothing");
    }

    @Test
    void constantsModeEvaluatesShapeOfAStaticShapeAndArithmeticOnConstants() {
        OnnxMl.GraphProto g = detector().toBuilder()
                .addNode(node("Gather", "last", List.of("s", "two"), List.of("n")))
                .addInitializer(longs("two", new long[] {2}).toBuilder().clearDims().build())
                .addNode(node("Div", "half", List.of("n", "two"), List.of("h")))
                .addNode(node("Equal", "eq", List.of("h", "two"), List.of("e")))
                .addNode(node("Where", "pick", List.of("e", "n", "h"), List.of("w")))
                .addNode(node("Range", "range", List.of("zero", "two", "one"), List.of("rg")))
                .addInitializer(longs("zero", new long[] {0}).toBuilder().clearDims().build())
                .addInitializer(longs("one", new long[] {1}).toBuilder().clearDims().build())
                .build();
        ValueFacts f = ValueFacts.of(g, 13, ValueFacts.Mode.CONSTANTS);
        assertArrayEquals(new long[] {1, 4, 2048}, f.constant("s").orElseThrow().longs());
        assertArrayEquals(new long[] {2048}, f.constant("n").orElseThrow().longs());
        assertArrayEquals(new long[] {1024}, f.constant("h").orElseThrow().longs());
        assertArrayEquals(new long[] {1024}, f.constant("w").orElseThrow().longs());
        assertArrayEquals(new long[] {0, 1}, f.constant("rg").orElseThrow().longs());
        assertTrue(f.evaluated().containsAll(List.of("s", "n", "h", "e", "w", "rg")));
        assertFalse(f.evaluated().contains("c"), "a Conv of the graph input is not a constant");
    }

    @Test
    void symbolicDimensionsStayUnknownAndDeclaredTypesWin() {
        OnnxMl.ValueInfoProto x = OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(OnnxMl.TypeProto
                .newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(FLOAT)
                        .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4))))).build();
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().addInput(x).addOutput(floatInfo("y", -1, 5))
                .addInitializer(floats("W", 1, 4, 5))
                .addNode(node("MatMul", "mm", List.of("x", "W"), List.of("m")))
                .addNode(node("Shape", "sh", List.of("m"), List.of("s")))
                .addNode(node("Relu", "relu", List.of("m"), List.of("y")))
                .addValueInfo(OnnxMl.ValueInfoProto.newBuilder().setName("m").setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(
                                OnnxMl.TensorProto.DataType.DOUBLE_VALUE)))).build();
        ValueFacts f = ValueFacts.of(g, 13, ValueFacts.Mode.CONSTANTS);
        assertArrayEquals(new long[] {-1, 5}, f.dims("y"));
        assertEquals(OnnxMl.TensorProto.DataType.DOUBLE_VALUE, f.elemType("m").orElseThrow());
        assertTrue(f.constant("s").isEmpty(), "Shape of a tensor with a symbolic batch is not a constant");
    }

    @Test
    void unknownOpsAndOtherDomainsGiveUnknownFactsNeverAnError() {
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 2, 2))
                .addOutput(floatInfo("y", 2, 2))
                .addNode(node("Frobnicate", "f", List.of("x"), List.of("a")))
                .addNode(node("Conv", "bad", List.of("a"), List.of("b"), ints("strides", 0)))
                .addNode(node("FusedThing", "ms", List.of("b"), List.of("y")).toBuilder().setDomain("com.microsoft")
                        .build()).build();
        ValueFacts f = ValueFacts.of(g, 13, ValueFacts.Mode.CONSTANTS);
        assertNull(f.dims("a"));
        assertEquals(-1, f.rank("b"));
        assertArrayEquals(new long[] {2, 2}, f.dims("y"), "the declared output");
    }
}
