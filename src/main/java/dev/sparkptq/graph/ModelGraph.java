package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.DType;
import dev.sparkptq.core.ModelException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Immutable, indexed, read-only view of one ONNX model's main graph: nodes in topological order, producer and
 * consumers of every tensor, constants and tensor types.
 *
 * <p>If the proto's nodes are not topologically sorted, {@link #proto()} is a copy with sorted nodes, so that
 * {@link Node#index()} is the position both in {@link #nodes()} and in {@code proto().getGraph().getNode()}.
 * Consumers are the direct, top-level uses; reads from inside control-flow subgraphs are not listed (see
 * {@link Subgraphs}). Node names are only guaranteed unique after {@link ModelIo#prepareForQuantization}; before,
 * {@link #node(String)} returns the first node with the name and unnamed nodes cannot be looked up.
 */
public final class ModelGraph {
    private final OnnxMl.ModelProto proto;
    private final int opset;
    private final List<Node> nodes;
    private final Map<String, Node> byName = new LinkedHashMap<>();
    private final Map<String, Node> producers = new HashMap<>();
    private final Map<String, List<Use>> consumers = new HashMap<>();
    private final Map<String, OnnxMl.TensorProto> initializers = new LinkedHashMap<>();
    private final Map<String, OnnxMl.ValueInfoProto> valueInfos = new HashMap<>();
    private final List<TensorInfo> inputs = new ArrayList<>();
    private final List<TensorInfo> outputs = new ArrayList<>();
    private final Set<String> outputNames = new LinkedHashSet<>();

    private ModelGraph(OnnxMl.ModelProto proto) {
        this.proto = proto;
        this.opset = ModelIo.opset(proto);
        OnnxMl.GraphProto g = proto.getGraph();
        g.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        g.getValueInfoList().forEach(v -> valueInfos.put(v.getName(), v));
        g.getOutputList().forEach(v -> valueInfos.put(v.getName(), v));
        g.getInputList().forEach(v -> valueInfos.put(v.getName(), v));
        List<Node> list = new ArrayList<>(g.getNodeCount());
        for (int i = 0; i < g.getNodeCount(); i++) {
            list.add(decode(g.getNode(i), i));
        }
        this.nodes = Collections.unmodifiableList(list);
        index(g);
    }

    /** Indexes the model; sorts nodes topologically if needed. @throws ModelException on cycles, dangling inputs. */
    public static ModelGraph of(OnnxMl.ModelProto model) {
        if (!model.hasGraph()) {
            throw new ModelException("the model has no graph; export it again with a graph");
        }
        OnnxMl.GraphProto g = model.getGraph();
        List<Integer> order = TopologicalOrder.of(g);
        boolean sorted = true;
        for (int i = 0; i < order.size() && sorted; i++) {
            sorted = order.get(i) == i;
        }
        if (!sorted) {
            OnnxMl.GraphProto.Builder gb = g.toBuilder().clearNode();
            order.forEach(i -> gb.addNode(g.getNode(i)));
            model = model.toBuilder().setGraph(gb).build();
        }
        return new ModelGraph(model);
    }

    private void index(OnnxMl.GraphProto g) {
        Set<String> available = new LinkedHashSet<>(initializers.keySet());
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            available.add(v.getName());
            if (!initializers.containsKey(v.getName())) {
                inputs.add(toInfo(v));
            }
        }
        for (Node n : nodes) {
            for (int i = 0; i < n.inputs().size(); i++) {
                String in = n.inputs().get(i);
                if (in.isEmpty()) {
                    continue;
                }
                if (!available.contains(in)) {
                    throw new ModelException("input '" + in + "' of " + n + " is not produced by any node, "
                            + "initializer or graph input; repair the model (e.g. with onnx.checker)");
                }
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(new Use(n, i));
            }
            for (String out : n.outputs()) {
                if (!out.isEmpty()) {
                    producers.put(out, n);
                    available.add(out);
                }
            }
            if (!n.name().isEmpty()) {
                byName.putIfAbsent(n.name(), n);
            }
        }
        for (OnnxMl.ValueInfoProto v : g.getOutputList()) {
            outputs.add(toInfo(v));
            outputNames.add(v.getName());
        }
    }

    private static Node decode(OnnxMl.NodeProto p, int index) {
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        p.getAttributeList().forEach(a -> attrs.put(a.getName(), new Attribute(a.getName(), a)));
        return new Node(p.getName(), p.getOpType(), p.getDomain(), p.getInputList(), p.getOutputList(), attrs, index);
    }

    public OnnxMl.ModelProto proto() {
        return proto;
    }

    /** Default-domain opset version ({@link ModelIo#opset}). */
    public int opset() {
        return opset;
    }

    /** All nodes in topological order. */
    public List<Node> nodes() {
        return nodes;
    }

    public Optional<Node> node(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Names of the named nodes, in node order. */
    public Set<String> nodeNames() {
        return Collections.unmodifiableSet(byName.keySet());
    }

    /** The node producing the tensor, or {@code null} for graph inputs, initializers and unknown names. */
    public Node producer(String tensor) {
        return producers.get(tensor);
    }

    /** Direct uses of the tensor, in node order (empty when unused). */
    public List<Use> consumers(String tensor) {
        return Collections.unmodifiableList(consumers.getOrDefault(tensor, List.of()));
    }

    public boolean isInitializer(String tensor) {
        return initializers.containsKey(tensor);
    }

    /** True for initializers and outputs of {@code Constant} nodes. */
    public boolean isConstant(String tensor) {
        Node p = producers.get(tensor);
        return isInitializer(tensor) || (p != null && p.opType().equals("Constant") && p.isDefaultDomain());
    }

    /** Decoded value of an initializer or {@code Constant} output; empty for other tensors or undecodable types. */
    public Optional<Tensor> constantValue(String tensor) {
        OnnxMl.TensorProto init = initializers.get(tensor);
        if (init != null) {
            return DType.fromOnnx(init.getDataType()) == null ? Optional.empty()
                    : Optional.of(TensorProtos.toTensor(init));
        }
        Node p = producers.get(tensor);
        if (p == null || !isConstant(tensor)) {
            return Optional.empty();
        }
        return TensorProtos.constantNodeValue(proto.getGraph().getNode(p.index()));
    }

    /** Graph inputs that are not initializers (what a caller must feed). */
    public List<TensorInfo> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<TensorInfo> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    public boolean isGraphOutput(String tensor) {
        return outputNames.contains(tensor);
    }

    /**
     * Type and shape from inputs, outputs, value_info, initializers or Constant nodes; {@code dtype} null if unknown,
     * {@code -1} for symbolic dimensions, {@code shape} null for unknown rank. Empty for names not known at all.
     */
    public Optional<TensorInfo> info(String tensor) {
        OnnxMl.ValueInfoProto v = valueInfos.get(tensor);
        if (v != null) {
            return Optional.of(toInfo(v));
        }
        OnnxMl.TensorProto init = initializers.get(tensor);
        if (init != null) {
            long[] dims = init.getDimsList().stream().mapToLong(Long::longValue).toArray();
            return Optional.of(new TensorInfo(tensor, DType.fromOnnx(init.getDataType()), dims));
        }
        if (isConstant(tensor)) {
            return constantValue(tensor).map(t -> new TensorInfo(tensor, t.dtype(), t.shape()));
        }
        return producers.containsKey(tensor) ? Optional.of(new TensorInfo(tensor, null, null)) : Optional.empty();
    }

    /** Decodes a ValueInfoProto's tensor type; non-tensor types give a null dtype and shape. */
    public static TensorInfo toInfo(OnnxMl.ValueInfoProto v) {
        if (!v.getType().hasTensorType()) {
            return new TensorInfo(v.getName(), null, null);
        }
        OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
        DType dtype = DType.fromOnnx(t.getElemType());
        if (!t.hasShape()) {
            return new TensorInfo(v.getName(), dtype, null);
        }
        long[] shape = t.getShape().getDimList().stream()
                .mapToLong(d -> d.hasDimValue() ? d.getDimValue() : -1L).toArray();
        return new TensorInfo(v.getName(), dtype, shape);
    }

    @Override
    public String toString() {
        return "ModelGraph[" + nodes.size() + " nodes, opset " + opset + "]";
    }
}
