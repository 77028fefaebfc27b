package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorFactsTest {
    /** x[1,3,8,8] → Conv → c → Relu → r → MaxPool → p; Concat(r, p') ; Add(c, r) → s; Flatten(p) → f; Neg(r) → n. */
    private static ModelGraph graph() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("f")
                .addInput(floatInfo("x", 1, 3, 8, 8)).addOutput(floatInfo("s", 1, 4, 8, 8))
                .addInitializer(TinyModels.floats("w", 1, 4, 3, 1, 1))
                .addInitializer(dev.sparkptq.graph.TensorProtos.fromTensor("lo", dev.sparkptq.core.Tensor.ofFloats(new long[0], new float[]{0f})))
                .addInitializer(dev.sparkptq.graph.TensorProtos.fromTensor("neglo", dev.sparkptq.core.Tensor.ofFloats(new long[0], new float[]{-1f})))
                .addNode(node("Conv", "conv", List.of("x", "w"), List.of("c")))
                .addNode(node("Relu", "relu", List.of("c"), List.of("r")))
                .addNode(node("MaxPool", "pool", List.of("r"), List.of("p"), TinyModels.ints("kernel_shape", 1, 1)))
                .addNode(node("Concat", "cat", List.of("r", "p"), List.of("k"), TinyModels.intAttr("axis", 1)))
                .addNode(node("Concat", "cat2", List.of("r", "c"), List.of("k2"), TinyModels.intAttr("axis", 1)))
                .addNode(node("Add", "add", List.of("c", "r"), List.of("s")))
                .addNode(node("Flatten", "flat", List.of("p"), List.of("f")))
                .addNode(node("Neg", "neg", List.of("r"), List.of("n")))
                .addNode(node("Clip", "clip", List.of("c", "lo"), List.of("cl")))
                .addNode(node("Clip", "clip2", List.of("c", "neglo"), List.of("cl2")))
                .addNode(node("Unknown", "u", List.of("x"), List.of("u")));
        return ModelGraph.of(TinyModels.model(13, g));
    }

    @Test
    void ranksFollowTheProducersWhenNoShapeIsRecorded() {
        TensorFacts f = TensorFacts.of(graph());
        assertEquals(4, f.rank("x"));
        assertEquals(4, f.rank("c"));
        assertEquals(4, f.rank("p"));
        assertEquals(4, f.rank("k"));
        assertEquals(4, f.rank("s"));
        assertEquals(2, f.rank("f"));
        assertEquals(-1, f.rank("u"));
        assertEquals(-1, f.rank("nowhere"));
    }

    @Test
    void nonNegativityIsProvenOnlyThroughOpsThatKeepIt() {
        TensorFacts f = TensorFacts.of(graph());
        assertTrue(f.nonNegative("r"));
        assertTrue(f.nonNegative("p"));
        assertTrue(f.nonNegative("k"));
        assertTrue(f.nonNegative("f"));
        assertTrue(f.nonNegative("cl"), "Clip with a constant lower bound 0");
        assertFalse(f.nonNegative("cl2"), "Clip with lower bound -1");
        assertFalse(f.nonNegative("k2"), "Concat with a conv output");
        assertFalse(f.nonNegative("s"), "Add is not assumed");
        assertFalse(f.nonNegative("n"));
        assertFalse(f.nonNegative("x"));
        assertFalse(f.nonNegative("c"));
    }
}
