package dev.sparkptq.algorithms.equalization;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Two layers that cross-layer equalization may rescale against each other: the producer's output channel {@code c}
 * reaches the consumer's input channel {@code c} through positively homogeneous per-channel ops only, and nothing else
 * reads any tensor on the way.
 *
 * <pre>
 *   x ─► producer (Conv, W1 [C, ·], b1) ─► between ops (Relu, PRelu, MaxPool, …) ─activation─► consumer (W2 [·, C, ·])
 *   after: W1[c] /= s_c, b1[c] /= s_c, W2[:, c] *= s_c       (activation channel c is divided by s_c)
 * </pre>
 *
 * Which ops may sit between (each computes {@code f(x/s) = f(x)/s} for every per-channel {@code s > 0}): Relu,
 * LeakyRelu, PRelu (any slope), Identity, Dropout, MaxPool/AveragePool/GlobalMaxPool/GlobalAveragePool, Resize (a
 * linear interpolation of each channel), Pad unless it pads a non-zero constant, and Clip without an upper bound and
 * with a lower bound of 0 or none. Clip with a finite upper bound (ReLU6) is not: {@code min(x/s, 6) ≠ min(x, 6)/s},
 * and ONNX's Clip takes one scalar bound, so the per-channel bound {@code 6/s_c} cannot be written; such a link is not
 * formed. HardSwish, Sigmoid, Tanh and BatchNormalization (an offset) are not homogeneous either.
 *
 * @param producer   Conv (any group) whose output channels are divided
 * @param consumer   Conv (any group) or ConvTranspose (group 1) whose input channels absorb the factors
 * @param between    the ops in between, producer side first (empty when the consumer reads the producer directly)
 * @param activation the consumer's input (the tensor whose per-channel ranges equalization evens out)
 * @param channels   {@code C}
 * @param weightIn   producer weight initializer
 * @param biasIn     producer bias initializer, or null
 * @param weightOut  consumer weight initializer
 * @param biasOut    consumer bias initializer, or null
 */
public record Link(Node producer, Node consumer, List<Node> between, String activation, int channels,
                   String weightIn, String biasIn, String weightOut, String biasOut) {
    public Link {
        between = List.copyOf(between);
    }

    /** Ops through which a per-channel scale passes unchanged (besides Clip and Pad, checked with their bounds). */
    private static final Set<String> HOMOGENEOUS = Set.of("Relu", "LeakyRelu", "PRelu", "Identity", "Dropout",
            "MaxPool", "AveragePool", "GlobalMaxPool", "GlobalAveragePool", "Resize");

    /**
     * True when only Identity-like ops sit between, so that a per-channel shift of the producer's output reaches the
     * consumer unchanged too (what mean absorption needs).
     */
    public boolean linear() {
        return between.stream().allMatch(n -> n.opType().equals("Identity") || n.opType().equals("Dropout"));
    }

    /** True when the consumer reads no padded (constant zero) positions: a shifted input shifts every output alike. */
    public boolean consumerUnpadded() {
        if (!consumer.opType().equals("Conv")) {
            return false;
        }
        String autoPad = consumer.stringAttr("auto_pad", "NOTSET");
        long[] pads = consumer.intsAttr("pads");
        return (autoPad.equals("NOTSET") || autoPad.equals("VALID"))
                && (pads == null || java.util.Arrays.stream(pads).allMatch(p -> p == 0));
    }

    /** Every link of the graph, in the consumers' topological order; consumers named in {@code skip} are left out. */
    public static List<Link> find(ModelGraph graph, Set<String> skip) {
        List<Link> out = new ArrayList<>();
        for (Node consumer : graph.nodes()) {
            if (skip.contains(consumer.name()) || !isConsumer(consumer)) {
                continue;
            }
            of(graph, consumer).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<Link> of(ModelGraph graph, Node consumer) {
        String activation = consumer.inputs().get(0);
        List<Node> between = new ArrayList<>();
        String t = activation;
        Node p = graph.producer(t);
        while (p != null && soleReader(graph, t) && homogeneous(graph, p)) {
            between.add(0, p);
            t = p.inputs().get(0);
            p = graph.producer(t);
        }
        if (p == null || !soleReader(graph, t) || !p.opType().equals("Conv") || !p.isDefaultDomain()
                || p.inputs().size() < 2) {
            return Optional.empty();
        }
        String wIn = p.inputs().get(1);
        String bIn = bias(p);
        String wOut = consumer.inputs().get(1);
        String bOut = bias(consumer);
        if (!ownFloat(graph, wIn) || !ownFloat(graph, wOut) || (bIn != null && !ownFloat(graph, bIn))
                || (bOut != null && !ownFloat(graph, bOut))) {
            return Optional.empty();
        }
        Tensor w1 = graph.constantValue(wIn).orElseThrow();
        Tensor w2 = graph.constantValue(wOut).orElseThrow();
        int channels = (int) w1.shape()[0];
        if (w1.rank() < 3 || w2.rank() < 3 || ConsumerAxis.inputChannels(consumer, w2) != channels
                || (bIn != null && graph.constantValue(bIn).orElseThrow().numel() != channels)) {
            return Optional.empty();
        }
        return Optional.of(new Link(p, consumer, between, activation, channels, wIn, bIn, wOut, bOut));
    }

    private static boolean isConsumer(Node n) {
        if (!n.isDefaultDomain() || n.inputs().size() < 2 || n.inputs().get(0).isEmpty()) {
            return false;
        }
        return n.opType().equals("Conv") || (n.opType().equals("ConvTranspose") && n.intAttr("group", 1) == 1);
    }

    /** True when {@code n} passes a positive per-channel scale of its first input through to its only output. */
    static boolean homogeneous(ModelGraph graph, Node n) {
        if (!n.isDefaultDomain() || n.inputs().isEmpty() || usedOutputs(graph, n) != 1) {
            return false;
        }
        return switch (n.opType()) {
            case "Clip" -> clipHomogeneous(graph, n);
            case "Pad" -> padHomogeneous(graph, n);
            default -> HOMOGENEOUS.contains(n.opType());
        };
    }

    /** Clip(x, lo, hi) with lo ∈ {none, 0, −∞} and hi ∈ {none, +∞}: a Relu or an identity. */
    private static boolean clipHomogeneous(ModelGraph graph, Node n) {
        double lo = bound(graph, n, 1, "min", Double.NEGATIVE_INFINITY);
        double hi = bound(graph, n, 2, "max", Double.POSITIVE_INFINITY);
        return (lo == 0.0 || lo == Double.NEGATIVE_INFINITY) && hi == Double.POSITIVE_INFINITY;
    }

    /**
     * A Clip bound: opset ≥ 11 gives it as input {@code index}, older opsets as attribute {@code attr};
     * {@code absent} when it has none, NaN when it is not a constant scalar.
     */
    static double bound(ModelGraph graph, Node n, int index, String attr, double absent) {
        if (n.inputs().size() > index && !n.inputs().get(index).isEmpty()) {
            Optional<Tensor> v = graph.constantValue(n.inputs().get(index));
            return v.isPresent() && v.get().numel() == 1 ? v.get().toFloats()[0] : Double.NaN;
        }
        return n.attributes().containsKey(attr) ? n.floatAttr(attr, 0f) : absent;
    }

    /** Pad in any mode but a non-zero constant (reflect and edge copy values; a zero stays zero). */
    private static boolean padHomogeneous(ModelGraph graph, Node n) {
        if (!n.stringAttr("mode", "constant").equals("constant")) {
            return true;
        }
        if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
            Optional<Tensor> v = graph.constantValue(n.inputs().get(2));
            return v.isPresent() && v.get().numel() == 1 && v.get().toFloats()[0] == 0f;
        }
        return n.floatAttr("value", 0f) == 0f;
    }

    private static int usedOutputs(ModelGraph graph, Node n) {
        int used = 0;
        for (String o : n.outputs()) {
            if (!o.isEmpty() && (!graph.consumers(o).isEmpty() || graph.isGraphOutput(o))) {
                used++;
            }
        }
        return used;
    }

    private static boolean soleReader(ModelGraph graph, String tensor) {
        return graph.consumers(tensor).size() == 1 && !graph.isGraphOutput(tensor);
    }

    private static String bias(Node n) {
        return n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? n.inputs().get(2) : null;
    }

    /** A float initializer that only this op reads, so rewriting its values changes nothing else. */
    private static boolean ownFloat(ModelGraph graph, String tensor) {
        return graph.isInitializer(tensor) && graph.consumers(tensor).size() == 1
                && graph.constantValue(tensor).map(t -> t.dtype() == DType.FLOAT).orElse(false);
    }
}
