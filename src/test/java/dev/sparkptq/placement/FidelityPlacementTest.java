package dev.sparkptq.placement;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.graph.edit.InputRef;
import dev.sparkptq.plan.FusedBlocks;
import dev.sparkptq.plan.PointKind;
import dev.sparkptq.plan.QuantizationPlan;
import dev.sparkptq.plan.QuantizationPoint;
import dev.sparkptq.report.RunReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The search of the fidelity placement on a model whose output noise is the sum of its blocks' (each block's int8
 * error adds a known noise energy; the rest of the model adds {@code floor}): which blocks it returns to float, and
 * how many models it measures. The models "built" carry their plan's points as node names, and the measure reads
 * them back, so every decision comes from what the search really built.
 */
class FidelityPlacementTest {
    private static final double COS = 0.99;
    private static final double DB = 20;

    private static QuantizationPlan plan(int blocks) {
        List<QuantizationPoint> points = new ArrayList<>();
        Set<String> nodes = new TreeSet<>();
        for (int i = 0; i < blocks; i++) {
            points.add(new QuantizationPoint("b" + i, PointKind.ACTIVATION, List.of(new InputRef("n" + i, 0)), -1,
                    new TensorQuantSpec(8, dev.sparkptq.core.QuantScheme.ASYMMETRIC,
                    dev.sparkptq.core.Granularity.PER_TENSOR, null, null, null), false, null));
            nodes.add("n" + i);
        }
        return new QuantizationPlan(points, nodes, List.of());
    }

    private static OnnxMl.ModelProto build(QuantizationPlan p) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder();
        p.points().forEach(q -> g.addNode(OnnxMl.NodeProto.newBuilder().setName(q.tensor())));
        return OnnxMl.ModelProto.newBuilder().setGraph(g).build();
    }

    /** Noise-to-signal energy = floor + the noise of every block still in the model. */
    private record Additive(Map<String, Double> noise, double floor, int[] calls) implements FidelityPlacement.Measure {
        @Override
        public FidelityPlacement.Score measure(OnnxMl.ModelProto model) {
            calls[0]++;
            double n = floor;
            for (OnnxMl.NodeProto node : model.getGraph().getNodeList()) {
                n += noise.get(node.getName());
            }
            return new FidelityPlacement.Score(1 - n / 2, -10 * Math.log10(n));
        }
    }

    private static FidelityPlacement.Outcome run(Map<String, Double> noise, double floor, int[] calls) {
        return run(noise, floor, calls, false);
    }

    private static FidelityPlacement.Outcome run(Map<String, Double> noise, double floor, int[] calls,
                                                 boolean strict) {
        QuantizationPlan plan = plan(noise.size());
        List<FusedBlocks.Block> blocks = new ArrayList<>();
        for (int i = 0; i < noise.size(); i++) {
            blocks.add(new FusedBlocks.Block("n" + i, List.of("b" + i)));
        }
        return new FidelityPlacement(new Additive(noise, floor, calls), s -> { }).run(new FidelityPlacement.Request(
                plan, build(plan), FidelityPlacementTest::build, blocks, COS, DB, strict));
    }

    private static Map<String, Double> noise(double... perBlock) {
        Map<String, Double> m = new java.util.HashMap<>();
        for (int i = 0; i < perBlock.length; i++) {
            m.put("b" + i, perBlock[i]);
        }
        return m;
    }

    @Test
    void theFewestWorstBlocksGoToFloatUntilTheFloorsAreMet() {
        int[] calls = {0};
        // 20 dB = 0.01 noise; blocks b1 and b4 carry most of it, the other four together 0.004
        FidelityPlacement.Outcome o = run(noise(0.001, 0.03, 0.001, 0.001, 0.02, 0.001), 0.0005, calls);
        RunReport.BlockPlacement s = o.summary();
        assertEquals("reverted", s.outcome());
        assertEquals(List.of("n1", "n4"), s.reverted(), "the two worst, worst first");
        assertEquals(List.of("b0", "b2", "b3", "b5"), o.plan().points().stream().map(QuantizationPoint::id).toList());
        assertTrue(s.sqnrDbAfter() >= DB && s.sqnrDbBefore() < DB, s.toString());
        assertEquals(calls[0], s.measured(), "every model measured is counted");
        assertTrue(calls[0] <= 2 + 6 + 3, "base, all in float, one per block, a bisection: " + calls[0]);
    }

    @Test
    void aModelThatMeetsTheFloorsIsKeptAfterOneMeasurement() {
        int[] calls = {0};
        FidelityPlacement.Outcome o = run(noise(0.001, 0.002), 0.001, calls);
        assertEquals("kept", o.summary().outcome());
        assertEquals(1, calls[0]);
        assertEquals(2, o.plan().points().size());
    }

    @Test
    void whenEvenAllBlocksInFloatMissTheFloorsOnlyTheBlocksThatMatterGoToFloat() {
        int[] calls = {0};
        // the rest of the model alone is at 15 dB; b2 adds as much again, the others next to nothing
        FidelityPlacement.Outcome o = run(noise(0.0001, 0.0001, 0.03, 0.0001), 0.0316, calls);
        assertEquals("floors_unreachable", o.summary().outcome());
        assertEquals(List.of("n2"), o.summary().reverted(), "within 5 % of all-in-float's noise with one block");
        assertEquals(3, o.plan().points().size());
    }

    @Test
    void strictAlsoKeepsTheModelAsFaithfulAsWithEveryBlockInFloat() {
        int[] calls = {0};
        // as in the first test; all in float is 33 dB (noise 0.0005), which the floors alone would not ask for
        FidelityPlacement.Outcome floors = run(noise(0.001, 0.03, 0.001, 0.001, 0.02, 0.001), 0.0005, calls);
        FidelityPlacement.Outcome strict = run(noise(0.001, 0.03, 0.001, 0.001, 0.02, 0.001), 0.0005, calls, true);
        assertEquals(2, floors.summary().reverted().size());
        assertEquals(6, strict.summary().reverted().size(), "within 5 % of all-in-float's noise: every block");
        assertEquals("reverted", strict.summary().outcome());
        // a model whose rest alone meets the floors with room: strict stops where all-in-float's noise is met
        FidelityPlacement.Outcome some = run(noise(0.02, 0.0, 0.0, 0.0), 0.001, calls, true);
        assertEquals(List.of("n0"), some.summary().reverted());
    }

    @Test
    void noBlocksMeansNothingToSearch() {
        int[] calls = {0};
        QuantizationPlan plan = plan(1);
        OnnxMl.ModelProto model = build(plan);
        FidelityPlacement.Outcome o = new FidelityPlacement(new Additive(noise(0.5), 0, calls), s -> { })
                .run(new FidelityPlacement.Request(plan, model, FidelityPlacementTest::build, List.of(), COS, DB, false));
        assertSame(model, o.model());
        assertEquals("kept", o.summary().outcome());
    }
}
