package dev.sparkptq.plan;

import dev.sparkptq.config.AccuracyAwareSpec.RestoreMode;
import dev.sparkptq.graph.edit.InputRef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class RevertGroupsTest {
    private static QuantizationPoint act(String t, String tiedTo, InputRef... consumers) {
        return new QuantizationPoint(t, PointKind.ACTIVATION, List.of(consumers), -1, Specs.activations(), false,
                tiedTo);
    }

    private static QuantizationPoint weight(String t, String node) {
        return new QuantizationPoint(t, PointKind.WEIGHT, List.of(new InputRef(node, 1)), 0, Specs.weights(), false,
                null);
    }

    /**
     * a feeds convA and convB (so both ops go together with both weights); c feeds convC; d is tied to c (concat-
     * style shared parameters), so reverting c's group must take d and its op too.
     */
    private static QuantizationPlan plan() {
        return new QuantizationPlan(List.of(
                act("a", null, new InputRef("convA", 0), new InputRef("convB", 0)),
                weight("wA", "convA"), weight("wB", "convB"),
                act("c", null, new InputRef("convC", 0)), weight("wC", "convC"),
                act("d", "c", new InputRef("add", 1))), Set.of("convA", "convB", "convC", "add"), List.of());
    }

    @Test
    void opsSharingAQuantizedInputAndTiedPointsFormOneGroup() {
        List<RevertGroup> groups = RevertGroups.of(plan());
        assertEquals(2, groups.size());
        assertEquals(List.of("convA", "convB"), groups.get(0).nodes());
        assertEquals(List.of("a", "wA", "wB"), groups.get(0).pointIds());
        assertEquals(List.of("add", "convC"), groups.get(1).nodes());
        assertEquals(List.of("c", "wC", "d@c"), groups.get(1).pointIds());
    }

    @Test
    void revertingAGroupLeavesNoOpHalfQuantized() {
        QuantizationPlan p = plan();
        List<RevertGroup> groups = RevertGroups.of(p);
        QuantizationPlan reverted = RevertGroups.without(p,
                RevertGroups.revertedPoints(p, groups, List.of(1), RestoreMode.ALL));
        assertEquals(List.of("a", "wA", "wB"), reverted.points().stream().map(QuantizationPoint::id).toList());
        assertEquals(Set.of("convA", "convB"), reverted.quantizedNodes());
    }

    @Test
    void onlyActivationsKeepsTheGroupsWeights() {
        QuantizationPlan p = plan();
        Set<String> points = RevertGroups.revertedPoints(p, RevertGroups.of(p), List.of(0, 1),
                RestoreMode.ONLY_ACTIVATIONS);
        assertEquals(Set.of("a", "c", "d@c"), points);
        assertFalse(RevertGroups.without(p, points).points().isEmpty());
    }
}
