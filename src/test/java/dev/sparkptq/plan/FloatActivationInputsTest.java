package dev.sparkptq.plan;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.CompressionSection;
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
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An activation ONNX Runtime runs as a float kernel (PRelu, HardSwish, ...) between two convs: its input gets a
 * quantizer when the producer is a conv or a two-activation Add, so that producer fuses into an integer kernel.
 */
class FloatActivationInputsTest {
    /** x → Conv c1 → c; PRelu(c, slope) = p; Relu(p) = r; HardSwish(r) = h; Add(p, h) = s; PRelu(s) = q → Conv c2. */
    private static ModelGraph graph() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("prelu")
                .addInput(floatInfo("x", 1, 4, 6, 6)).addOutput(floatInfo("y", 1, 4, 6, 6))
                .addInitializer(floats("W1", 1, 4, 4, 1, 1)).addInitializer(floats("W2", 2, 4, 4, 1, 1))
                .addInitializer(floats("slope", 3, 4, 1, 1)).addInitializer(floats("slope2", 4, 4, 1, 1))
                .addNode(node("Conv", "c1", List.of("x", "W1"), List.of("c")))
                .addNode(node("PRelu", "prelu", List.of("c", "slope"), List.of("p")))
                .addNode(node("Relu", "relu", List.of("p"), List.of("r")))
                .addNode(node("HardSwish", "hswish", List.of("r"), List.of("h")))
                .addNode(node("Add", "add", List.of("p", "h"), List.of("s")))
                .addNode(node("PRelu", "prelu2", List.of("s", "slope2"), List.of("q")))
                .addNode(node("Conv", "c2", List.of("q", "W2"), List.of("y")));
        return ModelGraph.of(ModelIo.prepareForQuantization(TinyModels.model(14, g)));
    }

    private static Map<String, List<InputRef>> activations(CompressionSection.ModelType type) {
        QuantizationPlan p = QuantizationPlanner.plan(graph(), Specs.params(), Specs.compression(type));
        return p.activations().stream().filter(q -> q.tiedTo() == null)
                .collect(Collectors.toMap(QuantizationPoint::tensor, QuantizationPoint::consumers));
    }

    @Test
    void theInputOfAFloatActivationAfterAConvOrATwoActivationAddIsQuantized() {
        Map<String, List<InputRef>> a = activations(CompressionSection.ModelType.DEFAULT);
        assertEquals(List.of(new InputRef("prelu", 0)), a.get("c"), "c1 → PRelu: c1 can fuse into QLinearConv");
        assertEquals(List.of(new InputRef("prelu2", 0)), a.get("s"), "Add → PRelu: the Add can become QLinearAdd");
        assertFalse(a.containsKey("r"), "HardSwish after a Relu: its producer has no integer kernel to enable");
    }

    @Test
    void transformersKeepTheirElementWiseOpsInFloat() {
        Map<String, List<InputRef>> a = activations(CompressionSection.ModelType.TRANSFORMER);
        assertFalse(a.containsKey("c") || a.containsKey("s"), a.toString());
    }
}
