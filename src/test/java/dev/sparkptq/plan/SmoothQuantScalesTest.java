package dev.sparkptq.plan;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.plan.SmoothingGroup.Member;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** s_j = max|X_j|^α / max|W_j|^(1−α), over the rows of every member's weight; W·s, X/s. */
class SmoothQuantScalesTest {
    // MatMul weight [K=3, N=2]: row maxima 0.5, 2, 0 (the last row is all zero)
    private static final Tensor W = Tensor.ofFloats(new long[]{3, 2}, new float[]{0.5f, -0.25f, 1, -2, 0, 0});
    // Gemm transB weight [N=2, K=3]: column maxima 4, 0.5, 1
    private static final Tensor WT = Tensor.ofFloats(new long[]{2, 3}, new float[]{-4, 0.5f, 1, 1, 0.25f, -0.5f});

    private static SmoothingGroup group(Member... members) {
        return new SmoothingGroup("x", 3, List.of(members), null);
    }

    @Test
    void halfAlphaBalancesActivationAndWeightMaxima() {
        double[] s = SmoothQuantScales.scales(group(new Member("mm", 1, W, 0)), new double[]{8, 1, 5}, 0.5);
        assertEquals(Math.sqrt(8) / Math.sqrt(0.5), s[0], 1e-12);
        assertEquals(1 / Math.sqrt(2), s[1], 1e-12);
        assertEquals(1.0, s[2], 0.0, "an all-zero weight row keeps s = 1");
    }

    @Test
    void sharedActivationTakesTheWeightMaximumOverAllMembers() {
        double[] s = SmoothQuantScales.scales(group(new Member("mm", 1, W, 0), new Member("gemm", 1, WT, 1)),
                new double[]{1, 1, 1}, 0);
        assertArrayEquals(new double[]{1 / 4.0, 1 / 2.0, 1 / 1.0}, s, 1e-12);
    }

    @Test
    void zeroActivationChannelKeepsUnitScale() {
        double[] s = SmoothQuantScales.scales(group(new Member("mm", 1, W, 0)), new double[]{0, 2, 2}, 0.95);
        assertEquals(1.0, s[0], 0.0);
    }

    @Test
    void editsScaleWeightRowsAndDivideTheActivation() {
        double[] s = {2, 4, 0.5};
        List<GraphEdit> edits = SmoothQuantScales.edits(group(new Member("mm", 1, W, 0), new Member("g", 1, WT, 1)),
                s);
        assertEquals(3, edits.size());
        float[] w = ((GraphEdit.ReplaceConstantInput) edits.get(0)).value().floats();
        assertArrayEquals(new float[]{1, -0.5f, 4, -8, 0, 0}, w);
        float[] wt = ((GraphEdit.ReplaceConstantInput) edits.get(1)).value().floats();
        assertArrayEquals(new float[]{-8, 2, 0.5f, 2, 1, -0.25f}, wt);
        GraphEdit.ScaleInput mul = (GraphEdit.ScaleInput) edits.get(2);
        assertArrayEquals(new float[]{0.5f, 0.25f, 2}, mul.factor().floats());
        assertEquals(2, mul.consumers().size());
    }

    @Test
    void aWeightSmoothedAsMemberAndAsFoldTargetIsReplacedOnceWithBothScalings() {
        // group x: W's rows (3 input channels) times s; group c: W's columns (2 output channels) divided by t
        SmoothingGroup rows = group(new Member("mm", 1, W, 0));
        Tensor other = Tensor.ofFloats(new long[]{2, 2}, new float[]{1, 1, 1, 1});
        SmoothingGroup cols = new SmoothingGroup("c", 2, List.of(new Member("next", 1, other, 0)),
                new SmoothingGroup.Fold(List.of(new SmoothingGroup.Target("mm", 1, W),
                        new SmoothingGroup.Target("bias", 0, Tensor.ofFloats(new long[]{2}, new float[]{3, 5})))));
        List<GraphEdit> edits = SmoothQuantScales.edits(List.of(rows, cols),
                List.of(new double[]{2, 4, 0.5}, new double[]{0.5, 4}));
        List<GraphEdit.ReplaceConstantInput> replaced = edits.stream()
                .filter(e -> e instanceof GraphEdit.ReplaceConstantInput).map(e -> (GraphEdit.ReplaceConstantInput) e)
                .toList();
        List<GraphEdit.ReplaceConstantInput> w = replaced.stream().filter(e -> e.node().equals("mm")).toList();
        assertEquals(1, w.size(), "one replacement of mm's weight: " + edits);
        // W = [[0.5, -0.25], [1, -2], [0, 0]]: row j · s_j, column c / t_c
        assertArrayEquals(new float[]{2, -0.125f, 8, -2, 0, 0}, w.get(0).value().floats());
        float[] bias = replaced.stream().filter(e -> e.node().equals("bias")).findFirst().orElseThrow().value()
                .floats();
        assertArrayEquals(new float[]{6, 1.25f}, bias);
        assertEquals(3, replaced.size(), "mm's weight, the bias and next's weight");
        assertEquals(4, edits.size(), "plus one Mul, for x (no fold)");
    }

    @Test
    void absMaxOfTheWrongLengthIsAnError() {
        assertThrows(IllegalArgumentException.class,
                () -> SmoothQuantScales.scales(group(new Member("mm", 1, W, 0)), new double[]{1, 2}, 0.5));
    }
}
