package dev.sparkptq.graph;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The interval every value of a tensor provably lies in, when its producer bounds it whatever the input: Sigmoid,
 * HardSigmoid and Softmax give {@code [0, 1]}, Tanh {@code [-1, 1]}, Clip with two constant bounds {@code [lo, hi]}
 * (ReLU6 as {@code Clip(0, 6)}), a Relu of a bounded tensor its positive part. Ops that only move, select, pool or
 * interpolate values (Reshape, Transpose, MaxPool, AveragePool, Slice, Resize other than cubic, …) keep their input's
 * bounds, a Concat the union of its inputs' bounds. Quantization uses them as the range of such a tensor instead of
 * an estimate from the calibration samples, which clips the rare values at the ends (a Sigmoid's confident
 * detections, a ReLU6 channel at 6) that matter most.
 */
public final class ValueBounds {
    /** Ops whose output lies in a fixed interval whatever the input. */
    private static final Map<String, double[]> FIXED = Map.of("Sigmoid", new double[]{0, 1},
            "HardSigmoid", new double[]{0, 1}, "Softmax", new double[]{0, 1}, "Tanh", new double[]{-1, 1});
    /** Value-preserving ops beyond {@link TensorFacts}' (interpolation and padding stay inside the input's hull). */
    private static final Set<String> CONVEX = Set.of("Resize", "Upsample", "ReduceMean", "LpPool");

    private final ModelGraph graph;
    private final Map<String, Optional<double[]>> known = new HashMap<>();

    private ValueBounds(ModelGraph graph) {
        this.graph = graph;
    }

    public static ValueBounds of(ModelGraph graph) {
        return new ValueBounds(graph);
    }

    /** {@code {lo, hi}} with every value of {@code tensor} in {@code [lo, hi]}, or empty when not provable. */
    public Optional<double[]> of(String tensor) {
        Optional<double[]> k = known.get(tensor);
        if (k != null) {
            return k.map(double[]::clone);
        }
        known.put(tensor, Optional.empty()); // bounds malformed cyclic graphs
        Optional<double[]> r = infer(tensor);
        known.put(tensor, r);
        return r.map(double[]::clone);
    }

    private Optional<double[]> infer(String tensor) {
        if (graph.isConstant(tensor)) {
            return graph.constantValue(tensor).filter(t -> t.numel() > 0).flatMap(ValueBounds::extremes);
        }
        Node p = graph.producer(tensor);
        if (p == null || !p.isDefaultDomain() || p.inputs().isEmpty() || !p.outputs().get(0).equals(tensor)) {
            return Optional.empty();
        }
        String op = p.opType();
        if (FIXED.containsKey(op)) {
            return Optional.of(FIXED.get(op).clone());
        }
        return switch (op) {
            case "Clip" -> clip(p);
            case "Relu" -> of(p.inputs().get(0)).map(b -> new double[]{Math.max(b[0], 0), Math.max(b[1], 0)});
            case "Concat" -> union(p.inputs());
            case "Resize", "Upsample" -> p.stringAttr("mode", "nearest").equals("cubic") ? Optional.empty()
                    : of(p.inputs().get(0));
            default -> TensorFacts.VALUE_PRESERVING.contains(op) || CONVEX.contains(op) ? of(p.inputs().get(0))
                    : Optional.empty();
        };
    }

    /** Clip's constant bounds (inputs from opset 11, attributes before), narrowed by its input's own bounds. */
    private Optional<double[]> clip(Node p) {
        double lo = bound(p, 1, "min");
        double hi = bound(p, 2, "max");
        Optional<double[]> in = of(p.inputs().get(0));
        if (in.isPresent()) {
            lo = Double.isFinite(lo) ? Math.max(lo, in.get()[0]) : in.get()[0];
            hi = Double.isFinite(hi) ? Math.min(hi, in.get()[1]) : in.get()[1];
        }
        return Double.isFinite(lo) && Double.isFinite(hi) && lo <= hi ? Optional.of(new double[]{lo, hi})
                : Optional.empty();
    }

    /** A constant scalar bound, or NaN when absent or computed at run time. */
    private double bound(Node p, int index, String attr) {
        if (p.inputs().size() > index && !p.inputs().get(index).isEmpty()) {
            return graph.constantValue(p.inputs().get(index)).filter(t -> t.numel() == 1)
                    .map(t -> (double) t.toFloats()[0]).orElse(Double.NaN);
        }
        return p.attributes().containsKey(attr) ? p.floatAttr(attr, Float.NaN) : Double.NaN;
    }

    private static Optional<double[]> extremes(dev.sparkptq.core.Tensor t) {
        try {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (float v : t.toFloats()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            return Double.isFinite(lo) && Double.isFinite(hi) ? Optional.of(new double[]{lo, hi}) : Optional.empty();
        } catch (IllegalStateException notNumeric) {
            return Optional.empty();
        }
    }

    private Optional<double[]> union(List<String> inputs) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (String in : inputs) {
            if (in.isEmpty()) {
                continue;
            }
            Optional<double[]> b = of(in);
            if (b.isEmpty()) {
                return Optional.empty();
            }
            lo = Math.min(lo, b.get()[0]);
            hi = Math.max(hi, b.get()[1]);
        }
        return lo <= hi ? Optional.of(new double[]{lo, hi}) : Optional.empty();
    }
}
