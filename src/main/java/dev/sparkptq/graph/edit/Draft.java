package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Subgraphs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mutable working copy one {@link GraphRewriter#apply} call edits; never escapes the rewriter. Keeps nodes in
 * topological order and hands out fresh, deterministic names.
 */
final class Draft {
    final ModelGraph original;
    final List<OnnxMl.NodeProto> nodes;
    final Map<String, OnnxMl.TensorProto> initializers = new LinkedHashMap<>();
    final List<OnnxMl.ValueInfoProto> outputs;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    /** Intermediate values several edits share (e.g. one ReduceMin of a tensor), by a key naming what they compute. */
    final Map<String, String> shared = new java.util.HashMap<>();
    private final OnnxMl.ModelProto.Builder model;
    private final Set<String> names = new HashSet<>();
    private final Set<String> graphInputs = new HashSet<>();

    Draft(ModelGraph graph) {
        this.original = graph;
        OnnxMl.ModelProto proto = graph.proto();
        OnnxMl.GraphProto g = proto.getGraph();
        this.model = proto.toBuilder();
        this.nodes = new ArrayList<>(g.getNodeList());
        this.outputs = new ArrayList<>(g.getOutputList());
        g.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        proto.getMetadataPropsList().forEach(e -> metadata.put(e.getKey(), e.getValue()));
        g.getInputList().forEach(v -> graphInputs.add(v.getName()));
        names.addAll(graphInputs);
        names.addAll(initializers.keySet());
        g.getOutputList().forEach(v -> names.add(v.getName()));
        g.getValueInfoList().forEach(v -> names.add(v.getName()));
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            names.add(n.getName());
            names.addAll(n.getOutputList());
            names.addAll(Subgraphs.referencedNames(n));
        }
    }

    int opset() {
        return original.opset();
    }

    /** {@code base} if unused, else {@code base_1}, {@code base_2}, ...; the name is reserved on return. */
    String fresh(String base) {
        String name = base;
        for (int k = 1; names.contains(name); k++) {
            name = base + "_" + k;
        }
        names.add(name);
        return name;
    }

    /** Index of the node producing {@code tensor}, or -1 for graph inputs and initializers. */
    int producerIndex(String tensor) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getOutputList().contains(tensor)) {
                return i;
            }
        }
        return -1;
    }

    boolean exists(String tensor) {
        return graphInputs.contains(tensor) || initializers.containsKey(tensor) || producerIndex(tensor) >= 0;
    }

    boolean isGraphInput(String tensor) {
        return graphInputs.contains(tensor);
    }

    int nodeIndex(String name) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getName().equals(name)) {
                return i;
            }
        }
        throw new InternalException("graph edit names node '" + name + "', which the model does not have; "
                + "plan edits on ModelIo.prepareForQuantization output so node names are unique");
    }

    /** True when a node input, a subgraph or a graph output still reads {@code tensor}. */
    boolean isUsed(String tensor) {
        for (OnnxMl.NodeProto n : nodes) {
            if (n.getInputList().contains(tensor) || Subgraphs.referencedNames(n).contains(tensor)) {
                return true;
            }
        }
        return outputs.stream().anyMatch(v -> v.getName().equals(tensor));
    }

    /** Inserts nodes right after the producer of {@code tensor} (at the start for inputs and initializers). */
    void insertAfterProducer(String tensor, List<OnnxMl.NodeProto> added) {
        nodes.addAll(producerIndex(tensor) + 1, added);
    }

    /** Inserts {@code node} right after the last producer of its inputs (at the start when none is a node output). */
    void insertAfterInputs(OnnxMl.NodeProto node) {
        int after = -1;
        for (String in : node.getInputList()) {
            after = Math.max(after, producerIndex(in));
        }
        nodes.add(after + 1, node);
    }

    void addInitializer(OnnxMl.TensorProto t) {
        if (initializers.putIfAbsent(t.getName(), t) != null) {
            throw new InternalException("initializer '" + t.getName() + "' added twice");
        }
    }

    void setMetadata(String key, String value) {
        metadata.put(key, value);
    }

    /** Adds {@code domain} at {@code version} to the opset imports unless the model already imports it. */
    void ensureOpsetImport(String domain, int version) {
        if (model.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(domain))) {
            model.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version));
        }
    }

    OnnxMl.ModelProto build() {
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder().clearNode().clearInitializer().clearOutput()
                .addAllNode(nodes).addAllInitializer(initializers.values()).addAllOutput(outputs);
        model.clearMetadataProps();
        metadata.forEach((k, v) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.setGraph(g).build();
    }
}
