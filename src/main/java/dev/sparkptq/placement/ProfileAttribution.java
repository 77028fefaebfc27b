package dev.sparkptq.placement;

import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.runtime.NodeProfile;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Kernel time per node of our graph, from a profile of the graph the runtime executed. The runtime renames what it
 * rewrites, in a few regular ways:
 * <ul>
 *   <li>a kernel fused from our node keeps its name (DQ→Conv→Q → QLinearConv {@code conv}), and a node its NHWC
 *   transformer rebuilt gets {@code _token_<n>} appended ({@code conv_token_12});</li>
 *   <li>a float Conv run in the blocked NCHWc layout is named after the tensor it finally writes, plus
 *   {@code _nchwc} ({@code relu1_nchwc} for Conv+Relu fused): that tensor's producer, followed up through the
 *   activations fused into the conv, is the Conv;</li>
 *   <li>a DequantizeLinear of ours belongs to the op reading it and a QuantizeLinear to the op whose output it
 *   quantizes: both exist only because that op runs in float, so they are part of its cost;</li>
 *   <li>what the runtime inserts (layout reorders and transposes, its own Q/DQ copies) belongs to no single op of
 *   ours: it stays {@code unattributed}.</li>
 * </ul>
 *
 * @param byNode       our node name → µs per run
 * @param unattributed µs per run of kernels that belong to no compute op of ours
 * @param total        µs per run of every kernel
 */
public record ProfileAttribution(Map<String, Double> byNode, double unattributed, double total) {
    private static final Pattern TOKEN = Pattern.compile("_token_\\d+$");
    private static final String NCHWC = "_nchwc";
    private static final String DUPLICATED = "/duplicated";
    private static final Set<String> FUSED_ACTIVATIONS = Set.of("Relu", "Clip", "LeakyRelu", "HardSigmoid",
            "Sigmoid", "Tanh", "Add", "Sum");
    private static final Set<String> QDQ = Set.of("QuantizeLinear", "DequantizeLinear");

    public ProfileAttribution {
        byNode = Map.copyOf(byNode);
    }

    /** Attributes {@code profile} to the nodes of {@code graph} (the model the runtime was given). */
    public static ProfileAttribution of(NodeProfile profile, ModelGraph graph) {
        Map<String, Double> byNode = new TreeMap<>();
        double unattributed = 0;
        for (NodeProfile.NodeTime t : profile.nodes()) {
            String owner = owner(t.node(), graph);
            if (owner == null) {
                unattributed += t.micros();
            } else {
                byNode.merge(owner, t.micros(), Double::sum);
            }
        }
        return new ProfileAttribution(byNode, unattributed, profile.totalMicros());
    }

    /** µs per run attributed to {@code node}, or null when the profile has nothing of it. */
    public Double micros(String node) {
        return byNode.get(node);
    }

    /**
     * The op a quantizer's cost belongs to: a DequantizeLinear to the op reading its output (it exists because that
     * op runs in float), a QuantizeLinear to the op whose output it quantizes (it exists because that op runs in
     * float); null for the quantizer of a graph input or a weight.
     */
    private static String quantizerOwner(Node qdq, ModelGraph graph) {
        if (qdq.opType().equals("DequantizeLinear")) {
            return graph.consumers(qdq.outputs().get(0)).stream().map(u -> u.node())
                    .filter(c -> !QDQ.contains(c.opType())).map(Node::name).findFirst().orElse(null);
        }
        Node producer = graph.producer(qdq.inputs().get(0));
        while (producer != null && producer.opType().equals("Clip") && !producer.inputs().isEmpty()
                && producer.name().endsWith("_Clip")) {
            producer = graph.producer(producer.inputs().get(0)); // the clamp a narrow quantizer inserts
        }
        return producer == null ? null : producer.name();
    }

    /** Our compute node behind runtime node {@code runtimeName}, or null. */
    static String owner(String runtimeName, ModelGraph graph) {
        String base = TOKEN.matcher(runtimeName).replaceFirst("");
        int copy = base.indexOf(DUPLICATED);
        if (copy > 0) {
            base = base.substring(0, copy); // ORT's per-consumer copy of one of our DequantizeLinear nodes
        }
        Node n = graph.node(base).orElse(null);
        if (n != null) {
            return QDQ.contains(n.opType()) ? quantizerOwner(n, graph) : n.name();
        }
        if (base.endsWith(NCHWC)) {
            Node producer = graph.producer(base.substring(0, base.length() - NCHWC.length()));
            for (int depth = 0; producer != null && depth < 3; depth++) {
                if (!FUSED_ACTIVATIONS.contains(producer.opType())) {
                    return producer.name();
                }
                Node up = producer.inputs().isEmpty() ? null : graph.producer(producer.inputs().get(0));
                if (up == null || up.opType().equals("DequantizeLinear")) {
                    return producer.name();
                }
                producer = up;
            }
        }
        return null;
    }
}
