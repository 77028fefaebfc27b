package dev.sparkptq.plan;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.config.QuantizationParams.ActivationGates;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.InputRef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where quantizers go around a SiLU {@code c·σ(c)} between two Convs, per {@code activation_gates}. */
class ActivationGatesPlanTest {
    static QuantizationParams params(ActivationGates gates) {
        QuantizationParams p = Specs.params();
        return new QuantizationParams(p.preset(), p.statSubsetSize(), p.statBatchSize(), p.shuffleData(), p.seed(),
                p.ignored(), p.weights(), p.activations(), p.weightStorage(), p.biasCorrection(), p.adjustments(), gates, p.smoothQuant(), p.activationMatMuls());
    }

    /** x → Conv conv1 → c; σ(c) = s; c·s = m → Conv conv2 → y. */
    private static ModelGraph convSiluConv() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("conv_silu_conv")
                .addInput(floatInfo("x", 1, 2, 4, 4)).addOutput(floatInfo("y", 1, 2, 4, 4))
                .addInitializer(floats("W1", 7, 2, 2, 1, 1)).addInitializer(floats("W2", 8, 2, 2, 1, 1))
                .addNode(node("Conv", "conv1", List.of("x", "W1"), List.of("c")))
                .addNode(node("Sigmoid", "sig", List.of("c"), List.of("s")))
                .addNode(node("Mul", "silu", List.of("c", "s"), List.of("m")))
                .addNode(node("Conv", "conv2", List.of("m", "W2"), List.of("y")));
        return ModelGraph.of(ModelIo.prepareForQuantization(TinyModels.model(13, g)));
    }

    private static Map<String, List<InputRef>> activations(ActivationGates gates) {
        QuantizationPlan p = QuantizationPlanner.plan(convSiluConv(), params(gates), Specs.compression());
        return p.activations().stream().collect(Collectors.toMap(QuantizationPoint::tensor,
                QuantizationPoint::consumers));
    }

    @Test
    void floatGatesLeaveTheSiluAndTheConvOutputBeforeItUnquantized() {
        assertEquals(Map.of("x", List.of(new InputRef("conv1", 0)), "m", List.of(new InputRef("conv2", 0))),
                activations(ActivationGates.FLOAT));
    }

    @Test
    void inputGatesQuantizeTheConvOutputOnceForBothTheSigmoidAndTheMul() {
        Map<String, List<InputRef>> a = activations(ActivationGates.INPUT);
        assertEquals(3, a.size(), a.toString());
        assertEquals(List.of(new InputRef("sig", 0), new InputRef("silu", 0)), a.get("c"));
    }

    @Test
    void integerGatesAlsoQuantizeTheSigmoidOutputForTheMul() {
        Map<String, List<InputRef>> a = activations(ActivationGates.INTEGER);
        assertEquals(4, a.size(), a.toString());
        assertEquals(List.of(new InputRef("sig", 0), new InputRef("silu", 0)), a.get("c"));
        assertEquals(List.of(new InputRef("silu", 1)), a.get("s"));
    }

    @Test
    void theDefaultQuantizesGateAndInputSoConvSigmoidAndMulAllRunInIntegerKernels() {
        assertEquals(ActivationGates.INTEGER, Specs.params().activationGates());
    }
}
