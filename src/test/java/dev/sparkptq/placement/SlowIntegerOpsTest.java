package dev.sparkptq.placement;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.placement.Placement.Reason;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.plan.PointKind;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.runtime.NodeProfile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-op and prefix decisions on profiles written by hand (pure: no runtime). */
class SlowIntegerOpsTest {
    private static final TensorQuantSpec SPEC = new TensorQuantSpec(8, QuantScheme.SYMMETRIC,
            Granularity.PER_TENSOR, null, null, null);

    /** conv1 → relu1 → conv2, as TinyModels builds it (our node names). */
    private static final ModelGraph GRAPH = ModelGraph.of(TinyModels.convReluConv());

    private static ProfileAttribution profile(Map<String, Double> byNode) {
        double total = byNode.values().stream().mapToDouble(Double::doubleValue).sum();
        return new ProfileAttribution(byNode, 0, total);
    }

    private static RuntimeGraph bothInteger() {
        return new RuntimeGraph(List.of(
                new RuntimeGraph.RuntimeNode("conv1_token_1", "QLinearConv", "com.microsoft", List.of(), List.of("a")),
                new RuntimeGraph.RuntimeNode("conv2", "QLinearConv", "com.microsoft", List.of(), List.of("b"))));
    }

    private static QuantizationPlan plan() {
        List<QuantizationPoint> points = List.of(
                new QuantizationPoint("x", PointKind.ACTIVATION, List.of(new InputRef("conv1", 0)), -1, SPEC, false,
                        null),
                new QuantizationPoint("W1", PointKind.WEIGHT, List.of(new InputRef("conv1", 1)), 0, SPEC, false, null),
                new QuantizationPoint("r1", PointKind.ACTIVATION, List.of(new InputRef("conv2", 0)), -1, SPEC, false,
                        null),
                new QuantizationPoint("W2", PointKind.WEIGHT, List.of(new InputRef("conv2", 1)), 0, SPEC, false,
                        null));
        return new QuantizationPlan(points, Set.of("conv1", "conv2"), List.of());
    }

    @Test
    void anOpClearlySlowerInIntegerIsFoundAndNoiseIsNot() {
        ProfileAttribution fp32 = profile(Map.of("conv1", 100.0, "relu1", 20.0, "conv2", 880.0));
        ProfileAttribution int8 = profile(Map.of("conv1", 300.0, "conv2", 400.0));
        List<SlowIntegerOps.SlowOp> slow = SlowIntegerOps.find(fp32, int8, GRAPH, bothInteger(), 0.25, 0.015);
        assertEquals(List.of(new SlowIntegerOps.SlowOp("conv1", 300.0, 100.0)), slow);
        ProfileAttribution noisy = profile(Map.of("conv1", 120.0, "conv2", 400.0));
        assertEquals(List.of(), SlowIntegerOps.find(fp32, noisy, GRAPH, bothInteger(), 0.25, 0.015),
                "20 % slower is within the relative margin");
        ProfileAttribution tiny = profile(Map.of("conv1", 110.0, "conv2", 400.0));
        assertEquals(List.of(), SlowIntegerOps.find(profile(Map.of("conv1", 1.0, "conv2", 9000.0)), tiny, GRAPH,
                bothInteger(), 0.25, 0.015), "109 µs of 9 ms is below the share-of-model margin");
        RuntimeGraph conv1Float = new RuntimeGraph(List.of(
                new RuntimeGraph.RuntimeNode("conv2", "QLinearConv", "com.microsoft", List.of(), List.of("b"))));
        assertEquals(List.of(), SlowIntegerOps.find(fp32, int8, GRAPH, conv1Float, 0.25, 0.015),
                "only ops that run as integer kernels are candidates");
    }

    @Test
    void returningAnOpToFloatRemovesItsWeightQuantizerOnly() {
        List<Placement.Removal> r = SlowIntegerOps.removals(plan(),
                List.of(new SlowIntegerOps.SlowOp("conv1", 300, 100)));
        assertEquals(List.of(new Placement.Removal("W1", "W1", List.of(new InputRef("conv1", 1)), true,
                Reason.SLOWER_THAN_FLOAT)), r);
    }

    @Test
    void theFloatPrefixEndsWhereTheIntegerGainStartsToOutweighTheLoss() {
        ProfileAttribution fp32 = profile(Map.of("conv1", 100.0, "relu1", 20.0, "conv2", 880.0));
        ProfileAttribution int8 = profile(Map.of("conv1", 300.0, "relu1", 0.0, "conv2", 400.0));
        assertEquals(List.of("conv1"), SlowIntegerOps.floatPrefix(fp32, int8, GRAPH, plan(), 0.015),
                "conv1 loses 200 µs, relu1 gains 20, conv2 gains 480: the best prefix is conv1 alone");
        ProfileAttribution allFaster = profile(Map.of("conv1", 50.0, "conv2", 400.0));
        assertEquals(List.of(), SlowIntegerOps.floatPrefix(fp32, allFaster, GRAPH, plan(), 0.015));
        List<Placement.Removal> r = SlowIntegerOps.floatNodes(plan(), List.of("conv1"));
        assertEquals(Set.of("x", "W1"), Set.copyOf(r.stream().map(Placement.Removal::pointId).toList()));
        assertTrue(r.stream().allMatch(Placement.Removal::whole));
    }

    @Test
    void profilesAreAttributedThroughLayoutTokensNchwcNamesAndQuantizers() {
        OnnxMl.ModelProto q = dev.sparkptq.graph.edit.GraphRewriter.apply(TinyModels.convReluConv(),
                List.of(PlacementFixture.act("r1", PlacementFixture.u8(0.1f), PlacementFixture.in("conv2", 0))));
        ModelGraph g = ModelGraph.of(q);
        NodeProfile p = new NodeProfile(List.of(
                new NodeProfile.NodeTime("conv1_token_4", "QLinearConv", 10),
                new NodeProfile.NodeTime("r1_nchwc", "Conv", 5),
                new NodeProfile.NodeTime("ReorderOutput_token_9", "ReorderOutput", 7),
                new NodeProfile.NodeTime("r1_QuantizeLinear", "QuantizeLinear", 2),
                new NodeProfile.NodeTime("r1_DequantizeLinear/duplicated", "DequantizeLinear", 3)), 10);
        ProfileAttribution a = ProfileAttribution.of(p, g);
        assertEquals(10.0 + 5.0, a.micros("conv1"), 1e-9, "conv1_token_4, and r1_nchwc through the fused Relu");
        assertEquals(2.0, a.micros("relu1"), 1e-9, "the QuantizeLinear of r1 belongs to the op producing r1");
        assertEquals(3.0, a.micros("conv2"), 1e-9, "a DequantizeLinear belongs to the op reading it");
        assertEquals(7.0, a.unattributed(), 1e-9);
        assertEquals(27.0, a.total(), 1e-9);
    }
}
