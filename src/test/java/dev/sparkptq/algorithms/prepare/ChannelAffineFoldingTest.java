package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.TensorProtos;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ChannelAffineFoldingTest {
    private static final Map<String, Tensor> X = Map.of("x", TinyModels.randomTensor(5, 1, 3, 6, 6));

    /** x → Conv(W[4,3,3,3], no bias) → Add(·, B[shape]) → Mul(s[shape2], ·) → y. */
    private static OnnxMl.ModelProto convAddMul(long[] biasShape, long[] scaleShape) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 3, 6, 6))
                .addOutput(floatInfo("y", 1, 4, 6, 6)).addInitializer(floats("W", 1, 4, 3, 3, 3))
                .addInitializer(floats("B", 2, biasShape)).addInitializer(floats("s", 3, scaleShape))
                .addNode(node("Conv", "conv", List.of("x", "W"), List.of("c"), ints("pads", 1, 1, 1, 1)))
                .addNode(node("Add", "bias", List.of("c", "B"), List.of("a")))
                .addNode(node("Mul", "scale", List.of("s", "a"), List.of("y")));
        return TinyModels.model(13, g);
    }

    @Test
    void aBiasAndAScaleAfterAConvFoldIntoIt() {
        OnnxMl.ModelProto m = convAddMul(new long[] {1, 4, 1, 1}, new long[] {4, 1, 1});
        PreparationStep.Result r = new ChannelAffineFolding().apply(m);
        assertEquals(List.of("Conv"), Checks.opTypes(r.model()));
        assertEquals(List.of("bias", "scale"), r.record().names());
        Checks.assertCloseOutputs(m, r.model(), X, 1e-5);
    }

    @Test
    void aSingleValueFoldsAndASpatialOneDoesNot() {
        OnnxMl.ModelProto scalar = convAddMul(new long[] {1}, new long[] {});
        PreparationStep.Result r = new ChannelAffineFolding().apply(scalar);
        assertEquals(List.of("Conv"), Checks.opTypes(r.model()));
        Checks.assertCloseOutputs(scalar, r.model(), X, 1e-5);

        OnnxMl.ModelProto spatial = convAddMul(new long[] {6, 6}, new long[] {1, 4, 6, 1});
        assertSame(spatial, new ChannelAffineFolding().apply(spatial).model(), "varies along H/W: not a bias");
    }

    @Test
    void anAddOfTwoActivationsOrAfterAnotherOpIsLeftAlone() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 3, 6, 6))
                .addOutput(floatInfo("y", 1, 3, 6, 6))
                .addInitializer(TensorProtos.fromTensor("B", TinyModels.randomTensor(1, 1, 3, 1, 1)))
                .addNode(node("Relu", "relu", List.of("x"), List.of("r")))
                .addNode(node("Add", "skip", List.of("r", "x"), List.of("a")))
                .addNode(node("Add", "bias", List.of("a", "B"), List.of("y")));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        assertSame(m, new ChannelAffineFolding().apply(m).model());
    }
}
