package dev.sparkptq.plan;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.IgnoredSpec;
import dev.sparkptq.config.QuantizationParams.ActivationGates;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.InputRef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.sparkptq.graph.TinyModels.floatAttr;
import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Quantizers around HardSwish {@code c·HardSigmoid(c)} and squeeze-excitation gates after a Conv: the Conv's output
 * must reach a quantizer alone for ONNX Runtime to fuse the Conv into QLinearConv.
 */
class ProducerFusionPlanTest {
    private static final OnnxMl.AttributeProto ALPHA = floatAttr("alpha", 1 / 6f);
    private static final OnnxMl.AttributeProto BETA = floatAttr("beta", 0.5f);

    /** x → Conv conv1 → c; HardSigmoid(c) = h; c·h = m → Conv conv2 → y. */
    private static ModelGraph convHardSwishConv() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 2, 4, 4))
                .addOutput(floatInfo("y", 1, 2, 4, 4)).addInitializer(floats("W1", 7, 2, 2, 1, 1))
                .addInitializer(floats("W2", 8, 2, 2, 1, 1))
                .addNode(node("Conv", "conv1", List.of("x", "W1"), List.of("c")))
                .addNode(node("HardSigmoid", "hs", List.of("c"), List.of("h"), ALPHA, BETA))
                .addNode(node("Mul", "hswish", List.of("c", "h"), List.of("m")))
                .addNode(node("Conv", "conv2", List.of("m", "W2"), List.of("y")));
        return ModelGraph.of(ModelIo.prepareForQuantization(TinyModels.model(13, g)));
    }

    /**
     * Squeeze-excitation after a Conv (and a Relu when {@code relu}): r → GlobalAveragePool → Conv se →
     * HardSigmoid → g; r·g → Conv conv3 → y.
     */
    private static ModelGraph squeezeExcitation(boolean relu) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 2, 4, 4))
                .addOutput(floatInfo("y", 1, 2, 4, 4)).addInitializer(floats("W1", 7, 2, 2, 3, 3))
                .addInitializer(floats("Wse", 8, 2, 2, 1, 1)).addInitializer(floats("W3", 9, 2, 2, 1, 1))
                .addNode(node("Conv", "conv1", List.of("x", "W1"), List.of(relu ? "c" : "r"),
                        TinyModels.ints("pads", 1, 1, 1, 1)));
        if (relu) {
            g.addNode(node("Relu", "relu", List.of("c"), List.of("r")));
        }
        g.addNode(node("GlobalAveragePool", "gap", List.of("r"), List.of("p")))
                .addNode(node("Conv", "se", List.of("p", "Wse"), List.of("s")))
                .addNode(node("HardSigmoid", "gate", List.of("s"), List.of("g"), ALPHA, BETA))
                .addNode(node("Mul", "excite", List.of("r", "g"), List.of("m")))
                .addNode(node("Conv", "conv3", List.of("m", "W3"), List.of("y")));
        return ModelGraph.of(ModelIo.prepareForQuantization(TinyModels.model(13, g)));
    }

    private static Map<String, List<InputRef>> activations(ModelGraph g, ActivationGates gates) {
        QuantizationPlan p = QuantizationPlanner.plan(g, ActivationGatesPlanTest.params(gates), Specs.compression());
        return p.activations().stream().collect(Collectors.toMap(QuantizationPoint::tensor,
                QuantizationPoint::consumers));
    }

    @Test
    void aHardSwishInputIsQuantizedOnceForTheHardSigmoidAndTheMul() {
        Map<String, List<InputRef>> a = activations(convHardSwishConv(), ActivationGates.INPUT);
        assertEquals(List.of(new InputRef("hs", 0), new InputRef("hswish", 0)), a.get("c"));
        assertFalse(a.containsKey("h"), "input gates leave the HardSigmoid's output in float");
    }

    @Test
    void integerGatesAlsoQuantizeTheHardSigmoidOutputForTheMul() {
        Map<String, List<InputRef>> a = activations(convHardSwishConv(), ActivationGates.INTEGER);
        assertEquals(List.of(new InputRef("hs", 0), new InputRef("hswish", 0)), a.get("c"));
        assertEquals(List.of(new InputRef("hswish", 1)), a.get("h"));
    }

    @Test
    void theExcitationMulReadsTheConvOutputThroughTheQuantizerThePoolAsksFor() {
        for (boolean relu : new boolean[]{false, true}) {
            Map<String, List<InputRef>> a = activations(squeezeExcitation(relu), ActivationGates.INTEGER);
            assertEquals(List.of(new InputRef("gap", 0), new InputRef("excite", 0)), a.get("r"), "relu " + relu);
            assertFalse(a.containsKey("g"), "the gate itself stays float (no QLinear HardSigmoid)");
        }
    }

    @Test
    void aReaderInTheIgnoredScopeOrAProducerThatIsNotQuantizedKeepsTheFloatValue() {
        QuantizationPlan ignoredMul = QuantizationPlanner.plan(squeezeExcitation(false),
                Specs.params(new IgnoredSpec(List.of("excite"), List.of(), 0)), Specs.compression());
        assertEquals(List.of(new InputRef("gap", 0)), ignoredMul.activations().stream()
                .filter(p -> p.tensor().equals("r")).findFirst().orElseThrow().consumers());

        QuantizationPlan ignoredConv = QuantizationPlanner.plan(squeezeExcitation(false),
                Specs.params(new IgnoredSpec(List.of("conv1"), List.of(), 0)), Specs.compression());
        assertEquals(List.of(new InputRef("gap", 0)), ignoredConv.activations().stream()
                .filter(p -> p.tensor().equals("r")).findFirst().orElseThrow().consumers());
    }
}
