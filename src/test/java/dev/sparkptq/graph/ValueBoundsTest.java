package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.node;
import static dev.sparkptq.graph.TinyModels.stringAttr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Provable value bounds: fixed-range activations, Clip bounds, and the ops that keep them. */
class ValueBoundsTest {
    private static OnnxMl.TensorProto scalar(String name, float v) {
        return TensorProtos.fromTensor(name, Tensor.ofFloats(new long[0], new float[]{v}));
    }

    /**
     * x → Conv → c; Sigmoid(c) → s → Reshape → sr → MaxPool → sp; HardSigmoid(c) → hs; Softmax(c) → sm;
     * Tanh(c) → t; Clip(c, 0, 6) → r6; Clip(c, 0) → r0; Relu(r6) → rr; Concat(s, t) → st; Concat(s, c) → sc;
     * Resize(s, cubic) → cub; Resize(s, linear) → lin; Clip(s, -1, 0.5) → sclip; Add(s, s) → ss.
     */
    private static ValueBounds bounds() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("b")
                .addInput(floatInfo("x", 1, 3, 4, 4)).addOutput(floatInfo("ss", 1, 4, 4, 4))
                .addInitializer(TinyModels.floats("w", 1, 4, 3, 1, 1))
                .addInitializer(TinyModels.longs("shape", new long[]{1, 4, 16, 1}))
                .addInitializer(scalar("zero", 0)).addInitializer(scalar("six", 6))
                .addInitializer(scalar("minus1", -1)).addInitializer(scalar("half", 0.5f))
                .addInitializer(TensorProtos.fromTensor("scales", Tensor.ofFloats(new long[]{4},
                        new float[]{1, 1, 2, 2})))
                .addNode(node("Conv", "conv", List.of("x", "w"), List.of("c")))
                .addNode(node("Sigmoid", "sig", List.of("c"), List.of("s")))
                .addNode(node("Reshape", "reshape", List.of("s", "shape"), List.of("sr")))
                .addNode(node("MaxPool", "pool", List.of("sr"), List.of("sp"), TinyModels.ints("kernel_shape", 2, 1)))
                .addNode(node("HardSigmoid", "hsig", List.of("c"), List.of("hs")))
                .addNode(node("Softmax", "soft", List.of("c"), List.of("sm")))
                .addNode(node("Tanh", "tanh", List.of("c"), List.of("t")))
                .addNode(node("Clip", "relu6", List.of("c", "zero", "six"), List.of("r6")))
                .addNode(node("Clip", "relu0", List.of("c", "zero"), List.of("r0")))
                .addNode(node("Relu", "relu", List.of("r6"), List.of("rr")))
                .addNode(node("Concat", "cat", List.of("s", "t"), List.of("st"), TinyModels.intAttr("axis", 1)))
                .addNode(node("Concat", "cat2", List.of("s", "c"), List.of("sc"), TinyModels.intAttr("axis", 1)))
                .addNode(node("Resize", "cubic", List.of("s", "", "scales"), List.of("cub"),
                        stringAttr("mode", "cubic")))
                .addNode(node("Resize", "linear", List.of("s", "", "scales"), List.of("lin"),
                        stringAttr("mode", "linear")))
                .addNode(node("Clip", "clip", List.of("s", "minus1", "half"), List.of("sclip")))
                .addNode(node("Add", "add", List.of("s", "s"), List.of("ss")));
        return ValueBounds.of(ModelGraph.of(TinyModels.model(13, g)));
    }

    private static void assertBounds(ValueBounds b, String t, double lo, double hi) {
        Optional<double[]> v = b.of(t);
        assertTrue(v.isPresent(), t);
        assertArrayEquals(new double[]{lo, hi}, v.get(), 0, t);
    }

    @Test
    void fixedRangeActivationsAndWhatKeepsThem() {
        ValueBounds b = bounds();
        assertBounds(b, "s", 0, 1);
        assertBounds(b, "sr", 0, 1);
        assertBounds(b, "sp", 0, 1);
        assertBounds(b, "hs", 0, 1);
        assertBounds(b, "sm", 0, 1);
        assertBounds(b, "t", -1, 1);
        assertBounds(b, "st", -1, 1);
        assertBounds(b, "lin", 0, 1);
    }

    @Test
    void clipBoundsNarrowedByTheInputAndReluOfABoundedTensor() {
        ValueBounds b = bounds();
        assertBounds(b, "r6", 0, 6);
        assertBounds(b, "rr", 0, 6);
        assertBounds(b, "sclip", 0, 0.5); // Clip(-1, 0.5) of a Sigmoid: [max(-1, 0), min(0.5, 1)]
    }

    @Test
    void nothingIsClaimedWithoutProof() {
        ValueBounds b = bounds();
        for (String t : List.of("x", "c", "r0", "sc", "cub", "ss", "nowhere")) {
            assertTrue(b.of(t).isEmpty(), t);
        }
    }
}
