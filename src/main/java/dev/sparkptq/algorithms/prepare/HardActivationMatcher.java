package dev.sparkptq.algorithms.prepare;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.NodeProtos;
import dev.sparkptq.graph.ValueFacts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the decomposed HardSigmoid/HardSwish forms {@link HardActivations} rewrites (see there for the forms and
 * the conditions). Reads the graph only.
 */
final class HardActivationMatcher {
    private final ValueFacts facts;
    private final Uses uses;

    HardActivationMatcher(OnnxMl.GraphProto g, ValueFacts facts) {
        this.facts = facts;
        this.uses = new Uses(g);
    }

    /** {@code clip(a·x + b, 0, h)} as found: its root {@code x}, the affine map and the nodes from x to the clip. */
    private record Clipped(String x, double a, double b, double high, List<OnnxMl.NodeProto> nodes) {
    }

    /** A value scaled by a positive constant: {@code Mul(v, k)}, {@code Mul(k, v)} or {@code Div(v, 1/k)}. */
    private record Scaled(String value, double k) {
    }

    /** {@code end} as the last node of a HardSigmoid: a {0, 1} clip, or a {0, h} clip scaled by {@code 1/h}. */
    Optional<HardActivations.Match> sigmoid(OnnxMl.NodeProto end) {
        if (isDefault(end, "Clip")) {
            // a bare clip(x, 0, 1) stays: ORT folds it into the quantizer after it, a HardSigmoid it would not
            return clipped(end).filter(c -> unit(c.high()) && c.nodes().size() > 1).map(c -> match(c, 1, end, false));
        }
        Optional<Scaled> s = scaled(end);
        if (s.isEmpty() || !uses.readOnlyOnce(s.get().value())) {
            return Optional.empty();
        }
        OnnxMl.NodeProto clip = uses.producer(s.get().value());
        double k = s.get().k();
        return Optional.ofNullable(clip).filter(c -> isDefault(c, "Clip")).flatMap(this::clipped)
                .filter(c -> unit(c.high() * k)).map(c -> match(c, k, end, false));
    }

    /** {@code end} as the last node of {@code (x·clip(a·x + b, 0, h))·k} with {@code h·k = 1}: a HardSwish. */
    Optional<HardActivations.Match> swish(OnnxMl.NodeProto end) {
        Optional<Scaled> s = scaled(end);
        if (s.isEmpty() || !uses.readOnlyOnce(s.get().value())) {
            return Optional.empty();
        }
        OnnxMl.NodeProto product = uses.producer(s.get().value());
        if (product == null || !isDefault(product, "Mul") || product.getInputCount() != 2) {
            return Optional.empty();
        }
        for (int side = 0; side < 2; side++) {
            String x = product.getInput(1 - side);
            OnnxMl.NodeProto clip = uses.producer(product.getInput(side));
            if (clip == null || !isDefault(clip, "Clip") || !uses.readOnlyOnce(product.getInput(side))) {
                continue;
            }
            double k = s.get().k();
            Optional<Clipped> c = clipped(clip).filter(v -> v.x().equals(x) && unit(v.high() * k));
            if (c.isPresent()) {
                List<OnnxMl.NodeProto> nodes = new ArrayList<>(c.get().nodes());
                nodes.add(product);
                return Optional.of(match(new Clipped(x, c.get().a(), c.get().b(), c.get().high(), nodes), k, end,
                        true));
            }
        }
        return Optional.empty();
    }

    private static HardActivations.Match match(Clipped c, double k, OnnxMl.NodeProto end, boolean swish) {
        List<OnnxMl.NodeProto> nodes = new ArrayList<>(c.nodes());
        if (!nodes.contains(end)) {
            nodes.add(end);
        }
        return new HardActivations.Match(c.x(), c.a() * k, c.b() * k, nodes, swish);
    }

    private static boolean unit(double v) {
        return Math.abs(v - 1) <= HardActivations.TOLERANCE;
    }

    /** A clip with lower bound 0 and a finite positive upper bound, and the affine chain before it. */
    private Optional<Clipped> clipped(OnnxMl.NodeProto clip) {
        Optional<Double> low = bound(clip, 1, "min");
        Optional<Double> high = bound(clip, 2, "max");
        if (low.isEmpty() || high.isEmpty() || !(high.get() > 0) || Double.isInfinite(high.get())
                || Math.abs(low.get()) > HardActivations.TOLERANCE * high.get()) {
            return Optional.empty();
        }
        List<OnnxMl.NodeProto> nodes = new ArrayList<>();
        nodes.add(clip);
        String t = clip.getInput(0);
        double a = 1;
        double b = 0;
        for (int depth = 0; depth < HardActivations.AFFINE_DEPTH_LIMIT && uses.readOnlyOnce(t); depth++) {
            OnnxMl.NodeProto p = uses.producer(t);
            Optional<double[]> step = p == null ? Optional.empty() : affineStep(p, a, b);
            if (step.isEmpty()) {
                break;
            }
            a = step.get()[0];
            b = step.get()[1];
            t = step.get()[2] == 0 ? p.getInput(0) : p.getInput(1);
            nodes.add(0, p);
        }
        return Optional.of(new Clipped(t, a, b, high.get(), nodes));
    }

    /**
     * The map {@code a·s + b} seen from the non-constant input {@code s} of {@code p}, given {@code a·t + b} for
     * its output {@code t}: {@code {a', b', index of s}}; empty when {@code p} is not a constant affine step.
     */
    private Optional<double[]> affineStep(OnnxMl.NodeProto p, double a, double b) {
        if (p.getInputCount() != 2 || p.getOutputCount() != 1 || !(isDefault(p, "Add") || isDefault(p, "Sub")
                || isDefault(p, "Mul") || isDefault(p, "Div"))) {
            return Optional.empty();
        }
        for (int side = 0; side < 2; side++) {
            Optional<Double> c = scalar(p.getInput(1 - side), p.getInput(side));
            if (c.isEmpty()) {
                continue;
            }
            double v = c.get();
            return switch (p.getOpType()) {
                case "Add" -> Optional.of(new double[]{a, a * v + b, side});
                case "Sub" -> Optional.of(side == 0 ? new double[]{a, b - a * v, side}
                        : new double[]{-a, a * v + b, side});
                case "Mul" -> Optional.of(new double[]{a * v, b, side});
                default -> side == 0 && v != 0 ? Optional.of(new double[]{a / v, b, side}) : Optional.empty();
            };
        }
        return Optional.empty();
    }

    /** {@code n} as a positive scale of one value: {@code Mul} by a constant or {@code Div} by one. */
    private Optional<Scaled> scaled(OnnxMl.NodeProto n) {
        boolean mul = isDefault(n, "Mul");
        if (!(mul || isDefault(n, "Div")) || n.getInputCount() != 2 || n.getOutputCount() != 1) {
            return Optional.empty();
        }
        for (int side = 0; side < (mul ? 2 : 1); side++) {
            Optional<Double> c = scalar(n.getInput(1 - side), n.getInput(side));
            if (c.isPresent() && c.get() > 0 && Double.isFinite(c.get())) {
                return Optional.of(new Scaled(n.getInput(side), mul ? c.get() : 1 / c.get()));
            }
        }
        return Optional.empty();
    }

    /** The single float value of constant {@code name}, when broadcasting it cannot widen {@code other}. */
    private Optional<Double> scalar(String name, String other) {
        Optional<Tensor> t = facts.constant(name);
        if (t.isEmpty() || t.get().dtype() != DType.FLOAT || t.get().numel() != 1 || uses.readBySubgraph(name)) {
            return Optional.empty();
        }
        int rank = facts.rank(other);
        if (t.get().rank() > Math.max(rank, 0)) {
            return Optional.empty();
        }
        return Optional.of((double) t.get().floats()[0]);
    }

    /** A Clip bound: input {@code index} (opset 11+) or attribute {@code attr}; infinite when absent. */
    private Optional<Double> bound(OnnxMl.NodeProto clip, int index, String attr) {
        if (clip.getInputCount() > index && !clip.getInput(index).isEmpty()) {
            Optional<Tensor> t = facts.constant(clip.getInput(index));
            return t.filter(v -> v.dtype() == DType.FLOAT && v.numel() == 1).map(v -> (double) v.floats()[0]);
        }
        Optional<OnnxMl.AttributeProto> a = NodeProtos.attr(clip, attr);
        if (a.isPresent()) {
            return Optional.of((double) a.get().getF());
        }
        return Optional.of(index == 1 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    }

    private static boolean isDefault(OnnxMl.NodeProto n, String op) {
        return n.getOpType().equals(op) && (n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"));
    }
}
