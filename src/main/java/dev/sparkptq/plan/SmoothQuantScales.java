package dev.sparkptq.plan;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.plan.SmoothingGroup.Member;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SmoothQuant's arithmetic and the edits it makes (Xiao et al. 2023, as NNCF applies it): per input channel
 * {@code j}, {@code s_j = max|X_j|^α / max|W_j|^(1−α)} where {@code max|W_j|} is taken over row {@code j} of every
 * member's weight; weights become {@code W_j·s_j} and the activation {@code X_j/s_j}, so {@code X·W} is unchanged in
 * exact arithmetic. A channel whose activation or weight maximum is zero or not finite keeps {@code s_j = 1}
 * (nothing to migrate, and a zero would make the division undefined); scales are clamped to
 * [{@value #MIN_SCALE}, {@value #MAX_SCALE}] so one extreme channel cannot overflow a float weight.
 */
public final class SmoothQuantScales {
    static final double MIN_SCALE = 1e-5;
    static final double MAX_SCALE = 1e5;

    private SmoothQuantScales() {
    }

    /** The scale vector of {@code group} from its activation's per-channel abs-max. */
    public static double[] scales(SmoothingGroup group, double[] activationAbsMax, double alpha) {
        if (activationAbsMax.length != group.channels()) {
            throw new IllegalArgumentException("abs-max of '" + group.activation() + "' has "
                    + activationAbsMax.length + " channels, its weights " + group.channels());
        }
        double[] w = weightAbsMax(group);
        double[] s = new double[group.channels()];
        for (int j = 0; j < s.length; j++) {
            double x = activationAbsMax[j];
            boolean usable = x > 0 && w[j] > 0 && Double.isFinite(x) && Double.isFinite(w[j]);
            double raw = usable ? Math.pow(x, alpha) / Math.pow(w[j], 1 - alpha) : 1;
            s[j] = Math.min(MAX_SCALE, Math.max(MIN_SCALE, raw));
        }
        return s;
    }

    /** The edits that smooth {@code group} with {@code s}: scaled weights, and 1/s folded or as a Mul. */
    public static List<GraphEdit> edits(SmoothingGroup group, double[] s) {
        return edits(List.of(group), List.of(s));
    }

    /**
     * The edits that smooth every group with its scale vector ({@code scales.get(i)} for {@code groups.get(i)}). One
     * constant may be touched by two groups — attention's value weight has its rows scaled as a member of the Q/K/V
     * group and its columns by the fold of the attention-output group — so each constant's changes are multiplied
     * together first and it is replaced once, in order of first touch.
     */
    public static List<GraphEdit> edits(List<SmoothingGroup> groups, List<double[]> scales) {
        Map<InputKey, Tensor> replaced = new LinkedHashMap<>();
        List<GraphEdit> muls = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            SmoothingGroup group = groups.get(i);
            double[] s = scales.get(i);
            for (Member m : group.members()) {
                replaced.merge(new InputKey(m.node(), m.weightInput()), scaleRows(m.weight(), m.inputAxis(), s),
                        (done, fresh) -> scaleRows(done, m.inputAxis(), s));
            }
            if (group.fold() == null) {
                muls.add(new GraphEdit.ScaleInput(group.activation(), group.consumers(), inverse(s, null)));
                continue;
            }
            for (SmoothingGroup.Target t : group.fold().targets()) {
                replaced.merge(new InputKey(t.node(), t.input()), inverse(s, t.value()),
                        (done, fresh) -> inverse(s, done));
            }
        }
        List<GraphEdit> edits = new ArrayList<>();
        replaced.forEach((k, v) -> edits.add(new GraphEdit.ReplaceConstantInput(k.node(), k.input(), v)));
        edits.addAll(muls);
        return edits;
    }

    /** One constant input of one node. */
    private record InputKey(String node, int input) {
    }

    private static double[] weightAbsMax(SmoothingGroup group) {
        double[] w = new double[group.channels()];
        for (Member m : group.members()) {
            float[] v = m.weight().floats();
            int cols = (int) m.weight().dim(1);
            for (int i = 0; i < v.length; i++) {
                int j = m.inputAxis() == 0 ? i / cols : i % cols;
                w[j] = Math.max(w[j], Math.abs(v[i]));
            }
        }
        return w;
    }

    /** {@code w} with every entry of input channel {@code j} (along {@code inputAxis}) multiplied by {@code s_j}. */
    private static Tensor scaleRows(Tensor w, int inputAxis, double[] s) {
        float[] v = w.floats();
        float[] out = new float[v.length];
        int cols = (int) w.dim(1);
        for (int i = 0; i < v.length; i++) {
            int j = inputAxis == 0 ? i / cols : i % cols;
            out[i] = (float) (v[i] * s[j]);
        }
        return Tensor.ofFloats(w.shape(), out);
    }

    /**
     * {@code base / s} along the last axis: {@code base} null = a vector of {@code 1/s_j}; a scalar is broadcast to
     * the channel count first; a vector or matrix (last axis = channels) keeps its shape.
     */
    private static Tensor inverse(double[] s, Tensor base) {
        if (base != null && base.rank() > 2) {
            throw new IllegalArgumentException("a folded constant must be a scalar, vector or matrix, got shape "
                    + java.util.Arrays.toString(base.shape()));
        }
        if (base == null || base.numel() == 1) {
            double c = base == null ? 1 : base.floats()[0];
            float[] out = new float[s.length];
            for (int j = 0; j < s.length; j++) {
                out[j] = (float) (c / s[j]);
            }
            return Tensor.ofFloats(new long[]{s.length}, out);
        }
        float[] b = base.floats();
        if (base.dim(base.rank() - 1) != s.length) {
            throw new IllegalArgumentException("a folded constant's last axis must have the " + s.length
                    + " channels, got shape " + java.util.Arrays.toString(base.shape()));
        }
        float[] out = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (float) (b[i] / s[i % s.length]);
        }
        return Tensor.ofFloats(base.shape(), out);
    }
}
