package dev.sparkptq.placement;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The graph ONNX Runtime actually executes (its optimized model, saved by the runtime after every rewrite), as data:
 * which kernels run, under which names, and which tensors hold integers.
 *
 * <p>Names: ORT keeps the name of a node it fuses into a kernel (DQ→Conv→Q becomes a QLinearConv named like the
 * Conv) and appends {@code _token_<n>} when its layout transformer rebuilds a node in NHWC; nodes it leaves alone
 * keep their names. A node of our graph is therefore found by its name, or its name followed by {@code _token_<n>}.
 */
public final class RuntimeGraph {
    /** One executed node. */
    public record RuntimeNode(String name, String opType, String domain, List<String> inputs, List<String> outputs) {
        public RuntimeNode {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    /** Ops that copy, select or rearrange values: they run on whatever type they read (int8 when fused in). */
    static final Set<String> DATA_MOVEMENT = Set.of("MaxPool", "NhwcMaxPool", "GlobalMaxPool", "Transpose",
            "Reshape", "Squeeze", "Unsqueeze", "Flatten", "Identity", "Gather", "GatherElements", "Slice", "Split",
            "Resize", "Upsample", "Expand", "Tile", "Pad", "DepthToSpace", "SpaceToDepth", "ReduceMax", "ReduceMin");

    /** Integer compute kernels besides the {@code QLinear*} family. */
    static final Set<String> INTEGER_KERNELS = Set.of("MatMulInteger", "ConvInteger", "MatMulIntegerToFloat",
            "DynamicQuantizeMatMul", "QGemm", "QAttention", "QEmbedLayerNormalization", "DynamicQuantizeLSTM");

    private static final Pattern TOKEN = Pattern.compile("_token_\\d+$");

    private final List<RuntimeNode> nodes;
    private final Map<String, List<RuntimeNode>> byBaseName = new HashMap<>();
    private final Set<String> integerTensors;
    private final Map<String, List<RuntimeNode>> consumers = new HashMap<>();

    /** @param nodes the executed nodes, in the runtime's order */
    public RuntimeGraph(List<RuntimeNode> nodes) {
        this.nodes = List.copyOf(nodes);
        for (RuntimeNode n : this.nodes) {
            byBaseName.computeIfAbsent(TOKEN.matcher(n.name()).replaceFirst(""), k -> new ArrayList<>()).add(n);
        }
        this.integerTensors = Set.copyOf(computeIntegerTensors(this.nodes));
        for (RuntimeNode n : this.nodes) {
            n.inputs().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
        }
    }

    public List<RuntimeNode> nodes() {
        return nodes;
    }

    /** The runtime graph of an optimized model file's proto. */
    public static RuntimeGraph of(OnnxMl.ModelProto optimized) {
        List<RuntimeNode> nodes = new ArrayList<>();
        for (OnnxMl.NodeProto n : optimized.getGraph().getNodeList()) {
            nodes.add(new RuntimeNode(n.getName(), n.getOpType(), n.getDomain(), n.getInputList(),
                    n.getOutputList()));
        }
        return new RuntimeGraph(nodes);
    }

    /** True for a kernel that multiplies or adds in integers (QLinear*, MatMulInteger, ...). */
    public static boolean isIntegerKernel(String opType) {
        return opType.startsWith("QLinear") || INTEGER_KERNELS.contains(opType);
    }

    /** The runtime nodes that stand for our node {@code name}: the same name, or it with a layout token. */
    public List<RuntimeNode> nodesFor(String name) {
        return byBaseName.getOrDefault(name, List.of());
    }

    /** True when a node of this name (or its layout-token variant) of type {@code opType} runs. */
    public boolean runs(String name, String opType) {
        return nodesFor(name).stream().anyMatch(n -> n.opType().equals(opType));
    }

    /** True when our node {@code name} runs as an integer kernel. */
    public boolean runsInteger(String name) {
        return nodesFor(name).stream().anyMatch(n -> isIntegerKernel(n.opType()));
    }

    /** True when some integer kernel reads the constant {@code initializer} (ORT keeps weight names). */
    public boolean integerKernelReads(String initializer) {
        return nodes.stream().anyMatch(n -> isIntegerKernel(n.opType()) && n.inputs().contains(initializer));
    }

    /**
     * True when our data-movement node {@code name} runs on integer data (ORT dropped the Q/DQ around it) and what it
     * produces reaches an integer kernel, possibly through more data movement: an int8 MaxPool whose result is only
     * dequantized for float ops saves nothing.
     */
    public boolean movesIntegersToAKernel(String name) {
        return nodesFor(name).stream().anyMatch(n -> DATA_MOVEMENT.contains(n.opType()) && !n.inputs().isEmpty()
                && integerTensors.contains(n.inputs().get(0)) && !n.outputs().isEmpty()
                && reachesIntegerKernel(n.outputs().get(0), new HashSet<>()));
    }

    private boolean reachesIntegerKernel(String tensor, Set<String> seen) {
        if (!seen.add(tensor)) {
            return false;
        }
        for (RuntimeNode c : consumers.getOrDefault(tensor, List.of())) {
            if (isIntegerKernel(c.opType())) {
                return true;
            }
            if (DATA_MOVEMENT.contains(c.opType()) && !c.outputs().isEmpty()
                    && reachesIntegerKernel(c.outputs().get(0), seen)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The tensors that hold integers: outputs of QuantizeLinear and of integer kernels, and of data-movement ops
     * reading them. Initializers are not tracked (weights are read by name).
     */
    public Set<String> integerTensors() {
        return integerTensors;
    }

    private static Set<String> computeIntegerTensors(List<RuntimeNode> nodes) {
        Set<String> ints = new HashSet<>();
        boolean changed = true;
        while (changed) { // the saved graph is topologically sorted; a second sweep catches any that is not
            changed = false;
            for (RuntimeNode n : nodes) {
                boolean integer = n.opType().equals("QuantizeLinear") || n.opType().equals("DynamicQuantizeLinear")
                        || isIntegerKernel(n.opType()) && !n.opType().equals("MatMulIntegerToFloat")
                        || DATA_MOVEMENT.contains(n.opType()) && !n.inputs().isEmpty()
                        && ints.contains(n.inputs().get(0));
                if (integer && !n.outputs().isEmpty() && ints.add(n.outputs().get(0))) {
                    changed = true;
                }
            }
        }
        return ints;
    }

    /** Count of runtime nodes per op type (domain-qualified outside the default domain), for reports. */
    public Map<String, Integer> opCounts() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (RuntimeNode n : nodes) {
            String d = n.domain();
            out.merge(d.isEmpty() || d.equals("ai.onnx") ? n.opType() : d + ":" + n.opType(), 1, Integer::sum);
        }
        return out;
    }
}
