package dev.sparkptq.plan;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.CompressionSection.ModelType;
import dev.sparkptq.config.IgnoredSpec;
import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.InputRef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.ints;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantizationPlannerTest {
    private static ModelGraph graph(OnnxMl.ModelProto m) {
        return ModelGraph.of(ModelIo.prepareForQuantization(m));
    }

    private static QuantizationPlan plan(OnnxMl.ModelProto m) {
        return QuantizationPlanner.plan(graph(m), Specs.params(), Specs.compression());
    }

    @Test
    void convInputsAndWeightsGetQuantizersButBiasesStayFloat() {
        QuantizationPlan p = plan(TinyModels.convReluConv());
        assertEquals(List.of("x", "W1", "r1", "W2"), p.points().stream().map(QuantizationPoint::tensor).toList());
        QuantizationPoint w1 = p.points().get(1);
        assertEquals(PointKind.WEIGHT, w1.kind());
        assertEquals(0, w1.channelAxis(), "Conv weights per output channel");
        assertEquals(List.of(new InputRef("conv2", 0)), p.points().get(2).consumers());
        assertEquals(-1, p.points().get(0).channelAxis(), "activations per tensor by default");
        assertEquals(List.of("conv1", "conv2"), List.copyOf(new java.util.TreeSet<>(p.quantizedNodes())));
    }

    @Test
    void matMulWeightsArePerOutputColumnAndGemmRespectsTransB() {
        QuantizationPoint b = plan(TinyModels.matMulConstB()).weights().get(0);
        assertEquals("B", b.tensor());
        assertEquals(1, b.channelAxis());
        QuantizationPoint w = plan(TinyModels.gemmTransB()).weights().get(0);
        assertEquals("W", w.tensor());
        assertEquals(0, w.channelAxis(), "transB=1: W is [N,K], output channels on axis 0");
    }

    @Test
    void matMulBetweenTwoActivationsQuantizesBothInputs() {
        QuantizationPlan p = plan(TinyModels.matMulTwoActivations());
        assertEquals(List.of("a", "b"), p.activations().stream().map(QuantizationPoint::tensor).toList());
        assertTrue(p.weights().isEmpty());
    }

    @Test
    void addOfTwoActivationsIsQuantizedExceptInTransformers() {
        assertEquals(2, plan(TinyModels.addTwoActivations()).activations().size());
        ModelException e = assertThrows(ModelException.class, () -> QuantizationPlanner.plan(
                graph(TinyModels.addTwoActivations()), Specs.params(), Specs.compression(ModelType.TRANSFORMER)));
        assertTrue(e.getMessage().startsWith("nothing to quantize"), e.getMessage());
    }

    @Test
    void oneQuantizerIsSharedByEveryQuantizedConsumerOfATensor() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("fork")
                .addInput(floatInfo("x", 1, 2, 4, 4)).addOutput(floatInfo("y1", 1, 2, 4, 4))
                .addOutput(floatInfo("y2", 1, 2, 4, 4)).addOutput(floatInfo("r", 1, 2, 4, 4))
                .addInitializer(floats("Wa", 1, 2, 2, 1, 1)).addInitializer(floats("Wb", 2, 2, 2, 1, 1))
                .addNode(node("Conv", "ca", List.of("x", "Wa"), List.of("y1"), ints("kernel_shape", 1, 1)))
                .addNode(node("Conv", "cb", List.of("x", "Wb"), List.of("y2"), ints("kernel_shape", 1, 1)))
                .addNode(node("Relu", "relu", List.of("x"), List.of("r")));
        QuantizationPlan p = plan(TinyModels.model(13, g));
        QuantizationPoint x = p.activations().get(0);
        assertEquals(1, p.activations().size());
        assertEquals(List.of(new InputRef("ca", 0), new InputRef("cb", 0)), x.consumers(),
                "the Relu keeps reading the float tensor");
    }

    @Test
    void ignoredScopeLeavesNodesInFloatAndUnknownNamesAreRejectedWithASuggestion() {
        QuantizationPlan p = QuantizationPlanner.plan(graph(TinyModels.convReluConv()),
                Specs.params(new IgnoredSpec(List.of("conv1"), List.of())), Specs.compression());
        assertEquals(List.of("r1", "W2"), p.points().stream().map(QuantizationPoint::tensor).toList());
        ConfigException e = assertThrows(ConfigException.class, () -> QuantizationPlanner.plan(
                graph(TinyModels.convReluConv()), Specs.params(new IgnoredSpec(List.of("conv_1"), List.of())),
                Specs.compression()));
        assertTrue(e.getMessage().contains("'conv_1' is not in the model"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'conv1'"), e.getMessage());
    }

    @Test
    void ignoredOperationsMatchOnTypeAndAttributeValues() {
        var ignore1x1 = new IgnoredSpec(List.of(),
                List.of(new IgnoredSpec.IgnoredOp("Conv", Map.of("kernel_shape", "[1, 1]"))));
        QuantizationPlan p = QuantizationPlanner.plan(graph(TinyModels.convReluConv()), Specs.params(ignore1x1),
                Specs.compression());
        assertEquals(List.of("x", "W1"), p.points().stream().map(QuantizationPoint::tensor).toList());
        var ignoreAllConv = new IgnoredSpec(List.of(), List.of(new IgnoredSpec.IgnoredOp("Conv", Map.of())));
        assertThrows(ModelException.class, () -> QuantizationPlanner.plan(graph(TinyModels.convReluConv()),
                Specs.params(ignoreAllConv), Specs.compression()));
    }

    @Test
    void oldOpsetFallsBackToPerTensorWeightsWithANote() {
        OnnxMl.ModelProto m = TinyModels.convReluConv().toBuilder().clearOpsetImport()
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(11)).build();
        QuantizationPlan p = QuantizationPlanner.plan(ModelGraph.of(m), Specs.params(), Specs.compression());
        QuantizationPoint w1 = p.weights().get(0);
        assertEquals(-1, w1.channelAxis());
        assertEquals(Granularity.PER_TENSOR, w1.spec().granularity());
        assertTrue(p.notes().get(0).contains("per-tensor"), p.notes().toString());
    }

    @Test
    void alreadyQuantizedModelsAreRejected() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("q")
                .addInput(floatInfo("x", 2)).addOutput(floatInfo("y", 2))
                .addInitializer(floats("s", 3)).addNode(node("QuantizeLinear", "q", List.of("x", "s"), List.of("y")));
        ModelException e = assertThrows(ModelException.class, () -> plan(TinyModels.model(13, g)));
        assertTrue(e.getMessage().contains("already quantized"), e.getMessage());
    }

    @Test
    void withoutTensorsDropsPointsAndTheirNodes() {
        QuantizationPlan p = plan(TinyModels.convReluConv()).withoutTensors(List.of("x", "W1"));
        assertEquals(List.of("r1", "W2"), p.points().stream().map(QuantizationPoint::tensor).toList());
        assertEquals(java.util.Set.of("conv2"), p.quantizedNodes());
    }

    @Test
    void siluGatesStayFloatButOtherActivationProductsAreQuantized() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("silu")
                .addInput(floatInfo("x", 1, 4)).addInput(floatInfo("z", 1, 4))
                .addOutput(floatInfo("y", 1, 4)).addOutput(floatInfo("p", 1, 4))
                .addNode(node("Sigmoid", "sig", List.of("x"), List.of("s")))
                .addNode(node("Mul", "silu", List.of("x", "s"), List.of("y")))
                .addNode(node("Mul", "product", List.of("x", "z"), List.of("p")));
        QuantizationPlan p = QuantizationPlanner.plan(graph(TinyModels.model(13, g)),
                ActivationGatesPlanTest.params(dev.sparkptq.config.QuantizationParams.ActivationGates.FLOAT),
                Specs.compression());
        assertEquals(java.util.Set.of("product"), p.quantizedNodes());
    }
}
