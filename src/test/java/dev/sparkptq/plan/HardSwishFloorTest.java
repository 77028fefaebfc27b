package dev.sparkptq.plan;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.calibration.KnownRanges;
import dev.sparkptq.calibration.QuantParamsCalculator;
import dev.sparkptq.calibration.Range;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantParams;
import dev.sparkptq.core.QuantScheme;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static dev.sparkptq.graph.TinyModels.floatAttr;
import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The range floor of a tensor read only by HardSwish compositions {@code x·HardSigmoid(x)}: found on the graph,
 * applied to ranges, and exact in ONNX Runtime (every value at or below the floor gives the same 0).
 */
class HardSwishFloorTest {
    private static final float SIXTH = 1 / 6f;
    private static final TensorQuantSpec ASYM = new TensorQuantSpec(8, QuantScheme.ASYMMETRIC,
            Granularity.PER_TENSOR, null, null, null);

    /** x → Conv → c; HardSigmoid(c; α, β) = g; c·g = m → Conv → y; plus {@code extra} nodes and outputs. */
    private static OnnxMl.GraphProto.Builder hardSwish(float alpha, float beta, List<OnnxMl.NodeProto> extra) {
        return OnnxMl.GraphProto.newBuilder().setName("hardswish")
                .addInput(floatInfo("x", 1, 2, 4, 4)).addOutput(floatInfo("y", 1, 2, 4, 4))
                .addInitializer(floats("W1", 7, 2, 2, 1, 1)).addInitializer(floats("W2", 8, 2, 2, 1, 1))
                .addNode(node("Conv", "conv1", List.of("x", "W1"), List.of("c")))
                .addNode(node("HardSigmoid", "hs", List.of("c"), List.of("g"), floatAttr("alpha", alpha),
                        floatAttr("beta", beta)))
                .addNode(node("Mul", "hswish", List.of("c", "g"), List.of("m")))
                .addNode(node("Conv", "conv2", List.of("m", "W2"), List.of("y")))
                .addAllNode(extra);
    }

    private static ModelGraph graph(OnnxMl.GraphProto.Builder g, String... outputs) {
        for (String o : outputs) {
            g.addOutput(floatInfo(o, 1, 2, 4, 4));
        }
        return ModelGraph.of(ModelIo.prepareForQuantization(TinyModels.model(13, g)));
    }

    @Test
    void aTensorReadOnlyByItsHardSwishNeedsNothingBelowMinusThree() {
        OptionalDouble f = ConsumerFunctions.floor(graph(hardSwish(SIXTH, 0.5f, List.of())), "c");
        assertEquals(-3.0, f.orElseThrow(), 1e-6);
        assertEquals(-2.5, ConsumerFunctions.floor(graph(hardSwish(0.2f, 0.5f, List.of())), "c").orElseThrow(), 1e-6);
    }

    @Test
    void otherReadersOrAnOutputSeeTheTailSoThereIsNoFloor() {
        List<OnnxMl.NodeProto> residual = List.of(node("Add", "res", List.of("c", "m"), List.of("r")));
        assertTrue(ConsumerFunctions.floor(graph(hardSwish(SIXTH, 0.5f, residual), "r"), "c").isEmpty());
        assertTrue(ConsumerFunctions.floor(graph(hardSwish(SIXTH, 0.5f, List.of()), "c"), "c").isEmpty());
        List<OnnxMl.NodeProto> scored = List.of(node("Identity", "score", List.of("g"), List.of("p")));
        assertTrue(ConsumerFunctions.floor(graph(hardSwish(SIXTH, 0.5f, scored), "p"), "c").isEmpty());
        assertTrue(ConsumerFunctions.floor(graph(hardSwish(-SIXTH, 0.5f, List.of())), "c").isEmpty());
        assertTrue(ConsumerFunctions.floor(graph(hardSwish(SIXTH, 0.5f, List.of())), "m").isEmpty());
    }

    @Test
    void twoHardSwishReadersTakeTheLowerFloor() {
        List<OnnxMl.NodeProto> second = List.of(
                node("HardSigmoid", "hs2", List.of("c"), List.of("g2"), floatAttr("alpha", 0.25f),
                        floatAttr("beta", 1f)),
                node("Mul", "hswish2", List.of("g2", "c"), List.of("m2")));
        assertEquals(-4.0, ConsumerFunctions.floor(graph(hardSwish(SIXTH, 0.5f, second), "m2"), "c").orElseThrow(),
                1e-6);
    }

    @Test
    void aSiluHasNoExactFloor() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("silu")
                .addInput(floatInfo("x", 1, 2, 4, 4)).addOutput(floatInfo("m", 1, 2, 4, 4))
                .addInitializer(floats("W1", 7, 2, 2, 1, 1))
                .addNode(node("Conv", "conv1", List.of("x", "W1"), List.of("c")))
                .addNode(node("Sigmoid", "sig", List.of("c"), List.of("s")))
                .addNode(node("Mul", "silu", List.of("c", "s"), List.of("m")));
        assertTrue(ConsumerFunctions.floor(graph(g), "c").isEmpty());
    }

    @Test
    void theFlooredRangeGivesAsymmetricLevelsToTheUsefulPartAndLeavesSymmetricRangesAlone() {
        Range r = KnownRanges.floored(Range.of(-300, 250), -3);
        assertEquals(Range.of(-3, 250), r);
        assertEquals(Range.of(-3, -3), KnownRanges.floored(Range.of(-9, -5), -3));
        assertEquals(Range.of(-1, 2), KnownRanges.floored(Range.of(-1, 2), -3));
        TensorQuantSpec spec = ASYM;
        QuantParams before = QuantParamsCalculator.activation(Range.of(-300, 250), spec, -1);
        QuantParams after = QuantParamsCalculator.activation(r, spec, -1);
        assertTrue(after.scale()[0] < before.scale()[0] / 2, before + " -> " + after);
    }

    /**
     * In ONNX Runtime, x·HardSigmoid(x) of the far tail equals that of the dequantized floor: clipping at −3 changes
     * no output, while the levels it frees shrink the error of the values that matter.
     */
    @Test
    void inOnnxRuntimeTheHardSwishOfTheClippedTailIsTheSameZero() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("hs")
                .addInput(floatInfo("x", 1, 8)).addOutput(floatInfo("y", 1, 8))
                .addNode(node("HardSigmoid", "hs", List.of("x"), List.of("g"), floatAttr("alpha", SIXTH),
                        floatAttr("beta", 0.5f)))
                .addNode(node("Mul", "hswish", List.of("x", "g"), List.of("y")));
        OnnxMl.ModelProto m = TinyModels.model(13, g);
        QuantParams q = QuantParamsCalculator.activation(Range.of(-3, 250),
                ASYM, -1);
        float lowest = (q.levelLow() - q.zeroPoint()[0]) * q.scale()[0];
        float[] tail = {-300f, -57.5f, -3f, -3.0001f, -4f, -3.5f, -10f, -1e6f};
        float[] y = OrtRunner.run(m, Map.of("x", Tensor.ofFloats(new long[]{1, 8}, tail))).get("y");
        for (float v : y) {
            assertEquals(0f, Math.abs(v), 1e-6f, "x·HardSigmoid(x) is 0 at and below −3: " + Arrays.toString(y));
        }
        float[] atLowest = OrtRunner.run(m, Map.of("x", Tensor.ofFloats(new long[]{1, 8},
                new float[]{lowest, lowest, lowest, lowest, lowest, lowest, lowest, lowest}))).get("y");
        assertTrue(Math.abs(lowest + 3) <= q.scale()[0] / 2 + 1e-6, "lowest level " + lowest);
        assertEquals(0f, atLowest[0], q.scale()[0] / 2, "the clipped tail dequantizes to ≈ 0 after HardSwish");
    }
}
