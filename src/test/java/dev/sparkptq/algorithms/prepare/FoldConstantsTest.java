package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.intAttr;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.longs;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoldConstantsTest {
    /**
     * PyTorch's {@code x.view(x.size(0), -1, 2)} after a Conv:
     * Shape(c) → Gather(0) → Unsqueeze → Concat(·, [-1], [2]) → Reshape(c, ·).
     */
    static OnnxMl.ModelProto viewAfterConv(long batch) {
        OnnxMl.ValueInfoProto x = batch > 0 ? floatInfo("x", batch, 3, 4, 4)
                : OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(dynamicBatch()).build();
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("view").addInput(x)
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))))
                .addInitializer(floats("W", 1, 4, 3, 1, 1))
                .addInitializer(longs("zero", new long[] {0}).toBuilder().clearDims().build())
                .addInitializer(longs("minus_one", new long[] {-1})).addInitializer(longs("two", new long[] {2}))
                .addNode(node("Conv", "conv", List.of("x", "W"), List.of("c")))
                .addNode(node("Shape", "shape", List.of("c"), List.of("s")))
                .addNode(node("Gather", "gather", List.of("s", "zero"), List.of("n"), intAttr("axis", 0)))
                .addNode(node("Unsqueeze", "unsq", List.of("n", "zero_axes"), List.of("n1")))
                .addInitializer(longs("zero_axes", new long[] {0}))
                .addNode(node("Concat", "cat", List.of("n1", "minus_one", "two"), List.of("target"),
                        intAttr("axis", 0)))
                .addNode(node("Reshape", "view", List.of("c", "target"), List.of("y")));
        return TinyModels.model(13, g);
    }

    private static OnnxMl.TypeProto dynamicBatch() {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (long d : new long[] {3, 4, 4}) {
            s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1)
                .setShape(s)).build();
    }

    @Test
    void aShapeSubGraphOfAStaticShapeBecomesAConstantReshapeTarget() {
        OnnxMl.ModelProto m = viewAfterConv(1);
        PreparationStep.Result r = new FoldConstants().apply(m);
        assertEquals(List.of("Conv", "Reshape"), Checks.opTypes(r.model()));
        ModelGraph g = ModelGraph.of(r.model());
        assertArrayEquals(new long[] {1, -1, 2}, g.constantValue("target").orElseThrow().longs());
        assertEquals(List.of("shape", "gather", "unsq", "cat"), r.record().names());
        assertTrue(r.record().summary().contains("1 Shape/Size"), r.record().summary());
        Checks.assertIdenticalOutputs(m, r.model(), Map.of("x", TinyModels.randomTensor(2, 1, 3, 4, 4)));
    }

    @Test
    void aDynamicBatchDimensionKeepsTheShapeSubGraph() {
        OnnxMl.ModelProto m = viewAfterConv(-1);
        PreparationStep.Result r = new FoldConstants().apply(m);
        assertEquals(Checks.opTypes(m), Checks.opTypes(r.model()));
        Checks.assertIdenticalOutputs(m, r.model(), Map.of("x", TinyModels.randomTensor(2, 2, 3, 4, 4)));
    }

    @Test
    void weightsComputedFromConstantsBecomeInitializers() {
        // W' = Transpose(Reshape(W, [4, -1])) * 0.5 — CNTK/TF-style computed weights, and a float Mul of constants
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 2, 6))
                .addOutput(floatInfo("y", 2, 4)).addInitializer(floats("W", 11, 4, 2, 3))
                .addInitializer(longs("shape", new long[] {4, -1}))
                .addInitializer(TensorProtos.fromTensor("half", Tensor.ofFloats(new long[0], new float[] {0.5f})))
                .addNode(node("Reshape", "r", List.of("W", "shape"), List.of("W_r")))
                .addNode(node("Transpose", "t", List.of("W_r"), List.of("W_t"), ints("perm", 1, 0)))
                .addNode(node("Mul", "m", List.of("W_t", "half"), List.of("W_s")))
                .addNode(node("MatMul", "mm", List.of("x", "W_s"), List.of("y")));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        PreparationStep.Result r = new FoldConstants().apply(m);
        assertEquals(List.of("MatMul"), Checks.opTypes(r.model()));
        assertEquals(List.of("W_s"), r.model().getGraph().getInitializerList().stream()
                .map(OnnxMl.TensorProto::getName).toList());
        Checks.assertIdenticalOutputs(m, r.model(), Map.of("x", TinyModels.randomTensor(5, 2, 6)));
    }

    @Test
    void aConstantOfShapeThatWouldGrowTheModelIsNotMaterialized() {
        // the zero padding a TensorFlow export concatenates: 256 zeros from a 3-element shape
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 16, 16))
                .addOutput(floatInfo("y", 1, 16, 16)).addInitializer(longs("s", new long[] {1, 16, 16}))
                .addNode(node("ConstantOfShape", "zeros", List.of("s"), List.of("z")))
                .addNode(node("Add", "add", List.of("x", "z"), List.of("y")));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        PreparationStep.Result r = new FoldConstants().apply(m);
        assertEquals(List.of("ConstantOfShape", "Add"), Checks.opTypes(r.model()));
    }

    @Test
    void deadNodesAreRemovedAndGraphOutputsAreNeverFolded() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 2))
                .addOutput(floatInfo("y", 2)).addOutput(floatInfo("k2", 2)).addInitializer(floats("k", 1, 2))
                .addNode(node("Neg", "unused", List.of("x"), List.of("u")))
                .addNode(node("Neg", "const_out", List.of("k"), List.of("k2")))
                .addNode(node("Relu", "relu", List.of("x"), List.of("y")));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        PreparationStep.Result r = new FoldConstants().apply(m);
        assertEquals(List.of("Neg", "Relu"), Checks.opTypes(r.model()));
        assertTrue(r.record().summary().contains("1 node nothing read removed"), r.record().summary());
    }
}
