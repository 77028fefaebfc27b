package dev.sparkptq.plan;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.IgnoredSpec;
import dev.sparkptq.config.QuantizationParams;
import dev.sparkptq.config.QuantizationParams.ActivationGates;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code ignored.first_layers} on a Slice → Conv·SiLU ×3 chain: the stem stays float, the rest is quantized. */
class FirstLayersPlanTest {
    /** x → Slice → conv1 → silu1 → conv2 → silu2 → conv3 → silu3 = y. */
    private static ModelGraph chain() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("stem")
                .addInput(floatInfo("x", 1, 2, 4, 4)).addOutput(floatInfo("y", 1, 2, 4, 4))
                .addNode(node("Identity", "focus", List.of("x"), List.of("x0")));
        String in = "x0";
        for (int i = 1; i <= 3; i++) {
            g.addInitializer(floats("W" + i, i, 2, 2, 1, 1))
                    .addNode(node("Conv", "conv" + i, List.of(in, "W" + i), List.of("c" + i)))
                    .addNode(node("Sigmoid", "sig" + i, List.of("c" + i), List.of("s" + i)))
                    .addNode(node("Mul", "mul" + i, List.of("c" + i, "s" + i), List.of(i == 3 ? "y" : "m" + i)));
            in = "m" + i;
        }
        return ModelGraph.of(ModelIo.prepareForQuantization(TinyModels.model(13, g)));
    }

    private static QuantizationPlan plan(int firstLayers) {
        QuantizationParams p = ActivationGatesPlanTest.params(ActivationGates.INTEGER);
        QuantizationParams q = new QuantizationParams(p.preset(), p.statSubsetSize(), p.statBatchSize(),
                p.shuffleData(), p.seed(), new IgnoredSpec(List.of(), List.of(), firstLayers), p.weights(),
                p.activations(), p.weightStorage(), p.biasCorrection(), p.adjustments(), p.activationGates(),
                p.smoothQuant(), p.activationMatMuls());
        return QuantizationPlanner.plan(chain(), q, Specs.compression());
    }

    private static Set<String> tensors(List<QuantizationPoint> points) {
        Set<String> out = new TreeSet<>();
        points.forEach(pt -> out.add(pt.tensor()));
        return out;
    }

    @Test
    void withoutFirstLayersEveryConvAndSiluIsQuantized() {
        QuantizationPlan p = plan(0);
        // x: a quantizer tied to x0's through the Identity (Propagation)
        assertEquals(Set.of("x", "x0", "c1", "s1", "m1", "c2", "s2", "m2", "c3", "s3"), tensors(p.activations()));
        assertEquals(Set.of("W1", "W2", "W3"), tensors(p.weights()));
    }

    @Test
    void twoFirstLayersKeepTheirConvsAndActivationsFloatAndQuantizeTheThirdLayersInput() {
        QuantizationPlan p = plan(2);
        assertEquals(Set.of("m2", "c3", "s3"), tensors(p.activations()));
        assertEquals(Set.of("W3"), tensors(p.weights()));
        assertEquals(Set.of("conv3", "sig3", "mul3"), p.quantizedNodes());
    }

    @Test
    void depthCountsTheLongestPathSoASkipConnectionDoesNotShortenIt() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("skip")
                .addInput(floatInfo("x", 1, 2, 4, 4)).addOutput(floatInfo("y", 1, 2, 4, 4))
                .addInitializer(floats("W1", 1, 2, 2, 1, 1)).addInitializer(floats("W2", 2, 2, 2, 1, 1))
                .addNode(node("Conv", "conv1", List.of("x", "W1"), List.of("a")))
                .addNode(node("Conv", "conv2", List.of("a", "W2"), List.of("b")))
                .addNode(node("Add", "add", List.of("x", "b"), List.of("y")));
        ModelGraph graph = ModelGraph.of(ModelIo.prepareForQuantization(TinyModels.model(13, g)));
        assertEquals(Set.of("conv1"), new TreeSet<>(StemLayers.within(graph, 1)));
        assertEquals(Set.of("conv1", "conv2", "add"), new TreeSet<>(StemLayers.within(graph, 2)));
        assertEquals(Set.of(), StemLayers.within(graph, 0));
    }
}
