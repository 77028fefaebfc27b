package dev.sparkptq.plan;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.QuantizationParams.ActivationGates;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.sparkptq.graph.TinyModels.floatAttr;
import static dev.sparkptq.graph.TinyModels.floatInfo;
import static dev.sparkptq.graph.TinyModels.floats;
import static dev.sparkptq.graph.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gated-activation blocks a fidelity placement may return to float: what each holds, and what is not one. */
class FusedBlocksTest {
    /**
     * x → conv1 → c1 → HardSwish (c1·HardSigmoid(c1)) → m1 → conv2 → c2 → SiLU (c2·Sigmoid(c2)) → m2 → conv3 → c3 →
     * Relu → y.
     */
    static OnnxMl.ModelProto chain() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().addInput(floatInfo("x", 1, 2, 4, 4))
                .addOutput(floatInfo("y", 1, 2, 4, 4)).addInitializer(floats("W1", 7, 2, 2, 1, 1))
                .addInitializer(floats("W2", 8, 2, 2, 1, 1)).addInitializer(floats("W3", 9, 2, 2, 1, 1))
                .addNode(node("Conv", "conv1", List.of("x", "W1"), List.of("c1")))
                .addNode(node("HardSigmoid", "hs1", List.of("c1"), List.of("h1"), floatAttr("alpha", 1 / 6f),
                        floatAttr("beta", 0.5f)))
                .addNode(node("Mul", "hswish1", List.of("c1", "h1"), List.of("m1")))
                .addNode(node("Conv", "conv2", List.of("m1", "W2"), List.of("c2")))
                .addNode(node("Sigmoid", "sig2", List.of("c2"), List.of("s2")))
                .addNode(node("Mul", "silu2", List.of("c2", "s2"), List.of("m2")))
                .addNode(node("Conv", "conv3", List.of("m2", "W3"), List.of("c3")))
                .addNode(node("Relu", "relu3", List.of("c3"), List.of("y")));
        return ModelIo.prepareForQuantization(TinyModels.model(13, g));
    }

    @Test
    void eachMacOpReadByAGateIsOneBlockWithTheQuantizersOnlyItNeeds() {
        ModelGraph graph = ModelGraph.of(chain());
        for (ActivationGates gates : new ActivationGates[]{ActivationGates.INPUT, ActivationGates.INTEGER}) {
            QuantizationPlan plan = QuantizationPlanner.plan(graph, ActivationGatesPlanTest.params(gates),
                    Specs.compression());
            List<FusedBlocks.Block> blocks = FusedBlocks.of(graph, plan);
            assertEquals(List.of("conv1", "conv2"), blocks.stream().map(FusedBlocks.Block::mac).toList(),
                    "HardSwish and SiLU after a Conv are gated blocks; a Relu after one is not: " + gates);
            FusedBlocks.Block first = blocks.get(0);
            assertTrue(first.pointIds().containsAll(List.of("c1", "W1", "x")), first.toString());
            FusedBlocks.Block second = blocks.get(1);
            assertTrue(second.pointIds().containsAll(List.of("c2", "W2", "m1")), "conv2's input belongs to it: "
                    + second);
            assertFalse(second.pointIds().contains("m2"), "conv3's input is not conv2's block: " + second);
            Set<String> seen = new HashSet<>();
            blocks.forEach(b -> b.pointIds().forEach(id -> assertTrue(seen.add(id), "one block per point: " + id)));
            Set<String> planIds = new HashSet<>();
            plan.points().forEach(p -> planIds.add(p.id()));
            assertTrue(planIds.containsAll(seen), "blocks name points of the plan");
        }
    }

    @Test
    void withGatesInFloatThereIsNoBlock() {
        ModelGraph graph = ModelGraph.of(chain());
        QuantizationPlan plan = QuantizationPlanner.plan(graph, ActivationGatesPlanTest.params(ActivationGates.FLOAT),
                Specs.compression());
        assertTrue(FusedBlocks.of(graph, plan).isEmpty(), "no gate input is quantized, so no MAC op fuses for one");
    }
}
