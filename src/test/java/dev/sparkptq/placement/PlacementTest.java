package dev.sparkptq.placement;

import dev.sparkptq.graph.edit.OrtQdqLayout;
import ai.onnx.proto.OnnxMl;
import dev.sparkptq.placement.Placement.Reason;
import dev.sparkptq.placement.Placement.Removal;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.core.Granularity;
import dev.sparkptq.core.QuantScheme;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.OrtRunner;
import dev.sparkptq.graph.TinyModels;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.graph.edit.GraphRewriter;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.plan.PointKind;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.sparkptq.placement.PlacementFixture.act;
import static dev.sparkptq.placement.PlacementFixture.in;
import static dev.sparkptq.placement.PlacementFixture.u8;
import static dev.sparkptq.placement.PlacementFixture.w;
import static dev.sparkptq.placement.PlacementFixture.weight;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement decisions checked against ONNX Runtime's real optimized graph: conv1 → relu1 → conv2 (TinyModels), where
 * conv2 writes the graph output with no quantizer after it, so ORT keeps it a float Conv behind DequantizeLinear.
 */
class PlacementTest {
    private static final TensorQuantSpec SPEC = new TensorQuantSpec(8, QuantScheme.SYMMETRIC,
            Granularity.PER_TENSOR, null, null, null);

    private static QuantizationPoint point(String tensor, PointKind kind, InputRef... consumers) {
        return new QuantizationPoint(tensor, kind, List.of(consumers), kind == PointKind.WEIGHT ? 0 : -1, SPEC,
                false, null);
    }

    private static QuantizationPlan plan(QuantizationPoint... points) {
        Set<String> nodes = new TreeSet<>();
        for (QuantizationPoint p : points) {
            nodes.addAll(p.consumerNodes());
        }
        return new QuantizationPlan(List.of(points), nodes, List.of());
    }

    /** Every point of the conv-relu-conv model: x and W1 for conv1, r1 and W2 for conv2. */
    private static QuantizationPlan convReluConvPlan() {
        return plan(point("x", PointKind.ACTIVATION, in("conv1", 0)), point("W1", PointKind.WEIGHT, in("conv1", 1)),
                point("r1", PointKind.ACTIVATION, in("conv2", 0)), point("W2", PointKind.WEIGHT, in("conv2", 1)));
    }

    private static List<GraphEdit> edits(QuantizationPlan plan) {
        List<GraphEdit> out = new ArrayList<>();
        for (QuantizationPoint p : plan.points()) {
            int channels = p.tensor().equals("W1") ? 16 : 2;
            out.add(p.kind() == PointKind.WEIGHT ? w(p.tensor(), weight(channels, 0.01f), p.consumers().toArray(
                    new InputRef[0])) : act(p.tensor(), p.tensor().equals("x") ? PlacementFixture.s8(0.01f) : u8(0.05f),
                    p.consumers().toArray(new InputRef[0])));
        }
        return OrtQdqLayout.of(out);
    }

    private static OnnxMl.ModelProto build(QuantizationPlan plan) {
        return GraphRewriter.apply(ModelIo.prepareForQuantization(TinyModels.convReluConv()), edits(plan));
    }

    @Test
    void theWeightOfAnOpOrtRunsInFloatGoesAndTheFusedProducersOutputQuantizerStays(@TempDir Path tmp)
            throws Exception {
        QuantizationPlan plan = convReluConvPlan();
        OnnxMl.ModelProto model = build(plan);
        RuntimeGraph runtime = PlacementFixture.optimized(model, tmp);
        assertTrue(runtime.runsInteger("conv1") && !runtime.runsInteger("conv2"), runtime.opCounts().toString());
        List<Removal> removals = Placement.decide(ModelGraph.of(model), plan, runtime);
        assertEquals(List.of(new Removal("W2", "W2", List.of(in("conv2", 1)), true, Reason.WEIGHT_OF_FLOAT_OP)),
                removals, "r1's quantizer is conv1's output (fused into QLinearConv): it stays");
        QuantizationPlan placed = Placement.apply(plan, removals);
        OnnxMl.ModelProto after = build(placed);
        RuntimeGraph again = PlacementFixture.optimized(after, tmp);
        assertTrue(again.runsInteger("conv1"), "the integer conv is untouched");
        assertFalse(again.nodes().stream().anyMatch(n -> n.opType().equals("DequantizeLinear")
                        && n.inputs().get(0).startsWith("W2")),
                "conv2's weight is float: no DequantizeLinear on it per inference");
        assertEquals(List.of(), Placement.decide(ModelGraph.of(after), placed, again), "nothing more to remove");
        Map<String, Tensor> x = Map.of("x", TinyModels.randomTensor(3, 1, 3, 8, 8));
        float[] fp32 = OrtRunner.run(TinyModels.convReluConv(), x).get("y");
        float[] q = OrtRunner.run(after, x).get("y");
        for (int i = 0; i < fp32.length; i++) {
            assertEquals(fp32[i], q[i], 0.15 + 0.05 * Math.abs(fp32[i]), "INT8 stays close to FP32 at " + i);
        }
    }

    @Test
    void aQuantizerFeedingOnlyFloatKernelsIsRemovedWhole(@TempDir Path tmp) throws Exception {
        QuantizationPlan plan = plan(point("r1", PointKind.ACTIVATION, in("conv2", 0)),
                point("W2", PointKind.WEIGHT, in("conv2", 1)));
        OnnxMl.ModelProto model = build(plan);
        RuntimeGraph runtime = PlacementFixture.optimized(model, tmp);
        List<Removal> removals = Placement.decide(ModelGraph.of(model), plan, runtime);
        assertEquals(Set.of(Reason.NO_INTEGER_KERNEL, Reason.WEIGHT_OF_FLOAT_OP),
                Set.copyOf(removals.stream().map(Removal::reason).toList()),
                "after a float Relu the Q/DQ pair is a float→int8→float round trip: " + removals);
        QuantizationPlan placed = Placement.apply(plan, removals);
        assertEquals(List.of(), placed.points());
        OnnxMl.ModelProto after = build(placed);
        assertFalse(after.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().endsWith("QuantizeLinear")));
    }

    /** Pure: runtime graphs written by hand. */
    @Test
    void aSurvivingQuantizerLosesOnlyItsEdgesToFloatConsumers() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("fan")
                .addInput(TinyModels.floatInfo("x", 1, 4)).addOutput(TinyModels.floatInfo("y", 1, 4))
                .addOutput(TinyModels.floatInfo("z", 1, 4))
                .addNode(TinyModels.node("Sigmoid", "sig", List.of("x"), List.of("t")))
                .addNode(TinyModels.node("Tanh", "f", List.of("t"), List.of("y")))
                .addNode(TinyModels.node("Relu", "k", List.of("t"), List.of("z")));
        OnnxMl.ModelProto fp32 = TinyModels.model(13, g);
        QuantizationPlan plan = plan(point("t", PointKind.ACTIVATION, in("f", 0), in("k", 0)));
        OnnxMl.ModelProto q = GraphRewriter.apply(fp32, List.of(act("t", u8(0.01f), in("f", 0), in("k", 0))));
        String qName = Placement.quantizerNode(plan.points().get(0), ModelGraph.of(q));
        RuntimeGraph runtime = new RuntimeGraph(List.of(
                new RuntimeGraph.RuntimeNode(qName, "QuantizeLinear", "", List.of("t", "s", "z"), List.of("tq")),
                new RuntimeGraph.RuntimeNode("k", "QLinearLeakyRelu", "com.microsoft", List.of("tq"), List.of("z"))));
        List<Removal> removals = Placement.decide(ModelGraph.of(q), plan, runtime);
        assertEquals(List.of(new Removal("t", "t", List.of(in("f", 0)), false, Reason.FLOAT_CONSUMER)), removals);
        QuantizationPlan placed = Placement.apply(plan, removals);
        assertEquals(List.of(in("k", 0)), placed.points().get(0).consumers());
        RuntimeGraph fused = new RuntimeGraph(List.of(
                new RuntimeGraph.RuntimeNode("sig", "QLinearSigmoid", "com.microsoft", List.of("x"), List.of("t"))));
        assertEquals(List.of(), Placement.decide(ModelGraph.of(q), plan, fused),
                "a quantizer fused into its producer's kernel is never removed");
    }

    @Test
    void aRemovedRootTakesItsTiedPointsAlong() {
        QuantizationPoint root = point("c", PointKind.ACTIVATION, in("conv", 0));
        QuantizationPoint tied = new QuantizationPoint("a", PointKind.ACTIVATION, List.of(in("concat", 0)), -1, SPEC,
                false, "c");
        QuantizationPoint sameTensorOtherRoot = new QuantizationPoint("c", PointKind.ACTIVATION,
                List.of(in("pool", 0)), -1, SPEC, false, "p");
        QuantizationPlan plan = plan(root, tied, sameTensorOtherRoot);
        QuantizationPlan after = Placement.apply(plan, List.of(new Removal("c", "c", List.of(in("conv", 0)), true,
                Reason.NO_INTEGER_KERNEL)));
        assertEquals(List.of(sameTensorOtherRoot), after.points(),
                "the tie to c goes; a point on the same tensor tied to another root stays");
        assertEquals(Set.of("pool"), after.quantizedNodes());
    }
}
