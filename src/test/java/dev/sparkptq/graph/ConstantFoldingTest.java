package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.longs;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConstantFoldingTest {
    /** x[2,6] → MatMul(x, Transpose(Reshape(W[4,6] → [3,2,4]... ) as CNTK-style computed weights. */
    private static OnnxMl.ModelProto computedWeights() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("computed_w")
                .addInput(floatInfo("x", 2, 6)).addOutput(floatInfo("y", 2, 4))
                .addInitializer(floats("W", 11, 4, 6))
                .addInitializer(longs("shape", new long[]{4, -1}))
                .addNode(node("Reshape", "reshape", List.of("W", "shape"), List.of("W_r")))
                .addNode(node("Transpose", "transpose", List.of("W_r"), List.of("W_t"), ints("perm", 1, 0)))
                .addNode(node("MatMul", "matmul", List.of("x", "W_t"), List.of("y")));
        return TinyModels.model(13, g);
    }

    @Test
    void reshapeAndTransposeOfInitializersBecomeInitializersWithIdenticalOutputs() {
        OnnxMl.ModelProto original = computedWeights();
        OnnxMl.ModelProto prepared = ModelIo.prepareForQuantization(original);
        ModelGraph g = ModelGraph.of(prepared);
        assertTrue(g.isInitializer("W_t"), "the MatMul weight is now a constant");
        assertEquals(List.of("MatMul"), g.nodes().stream().map(Node::opType).toList());
        assertFalse(g.isInitializer("W"), "unused source initializers are dropped");
        assertArrayEquals(new long[]{6, 4}, g.constantValue("W_t").orElseThrow().shape());
        Map<String, Tensor> in = Map.of("x", TinyModels.randomTensor(5, 2, 6));
        assertArrayEquals(OrtRunner.run(original, in).get("y"), OrtRunner.run(prepared, in).get("y"), 0f);
    }

    @Test
    void graphOutputsAndOpsOnRuntimeValuesAreNotFolded() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("keep")
                .addInput(floatInfo("x", 2, 3)).addOutput(floatInfo("y", 3, 2)).addOutput(floatInfo("c", 6))
                .addInitializer(floats("K", 3, 2, 3)).addInitializer(longs("s", new long[]{6}))
                .addNode(node("Transpose", "tx", List.of("x"), List.of("y"), ints("perm", 1, 0)))
                .addNode(node("Reshape", "rk", List.of("K", "s"), List.of("c")));
        ModelGraph prepared = ModelGraph.of(ModelIo.prepareForQuantization(TinyModels.model(13, g)));
        assertEquals(List.of("Transpose", "Reshape"), prepared.nodes().stream().map(Node::opType).toList());
    }
}
