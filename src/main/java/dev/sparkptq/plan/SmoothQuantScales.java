package dev.sparkptq.plan;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.edit.GraphEdit;
import dev.sparkptq.plan.SmoothingGroup.Fold;
import dev.sparkptq.plan.SmoothingGroup.Member;

import java.util.ArrayList;
import java.util.List;

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
        List<GraphEdit> edits = new ArrayList<>();
        for (Member m : group.members()) {
            edits.add(new GraphEdit.ReplaceConstantInput(m.node(), m.weightInput(), scaleRows(m, s)));
        }
        Fold f = group.fold();
        if (f == null) {
            edits.add(new GraphEdit.ScaleInput(group.activation(), group.consumers(), inverse(s, null)));
        } else {
            edits.add(new GraphEdit.ReplaceConstantInput(f.node(), f.input(), inverse(s, f.value())));
            if (f.extraInput() >= 0) {
                edits.add(new GraphEdit.ReplaceConstantInput(f.node(), f.extraInput(), inverse(s, f.extraValue())));
            }
        }
        return edits;
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

    private static Tensor scaleRows(Member m, double[] s) {
        float[] v = m.weight().floats();
        float[] out = new float[v.length];
        int cols = (int) m.weight().dim(1);
        for (int i = 0; i < v.length; i++) {
            int j = m.inputAxis() == 0 ? i / cols : i % cols;
            out[i] = (float) (v[i] * s[j]);
        }
        return Tensor.ofFloats(m.weight().shape(), out);
    }

    /** {@code base_j / s_j} as a vector of the channel count ({@code base} null = 1, or a scalar broadcast). */
    private static Tensor inverse(double[] s, Tensor base) {
        float[] b = base == null ? null : base.floats();
        float[] out = new float[s.length];
        for (int j = 0; j < s.length; j++) {
            double c = b == null ? 1 : b[b.length == 1 ? 0 : j];
            out[j] = (float) (c / s[j]);
        }
        return Tensor.ofFloats(new long[]{s.length}, out);
    }
}
