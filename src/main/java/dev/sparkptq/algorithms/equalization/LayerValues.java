package dev.sparkptq.algorithms.equalization;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.ModelGraph;
import dev.sparkptq.graph.Node;
import dev.sparkptq.graph.TensorProtos;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The current values of the weights and biases equalization rewrites, and the model with them written back: changed
 * initializers keep their names and places; a Conv that had no bias and needs one for mean absorption gets a new
 * initializer ({@code <node>_cle_bias}) as its third input.
 */
final class LayerValues {
    private final ModelGraph graph;
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    /** node index → name of the bias initializer created for it. */
    private final Map<Integer, String> newBiases = new LinkedHashMap<>();

    LayerValues(ModelGraph graph) {
        this.graph = graph;
    }

    /** The current values of an initializer (a live array: callers update it in place). */
    float[] get(String name) {
        return values.computeIfAbsent(name, n -> {
            Tensor t = graph.constantValue(n).orElseThrow();
            shapes.put(n, t.shape());
            return t.floats().clone();
        });
    }

    long[] shape(String name) {
        get(name);
        return shapes.get(name);
    }

    Tensor tensor(String name) {
        return Tensor.ofFloats(shape(name), get(name));
    }

    /**
     * The bias of {@code node} ({@code existing}, or a new all-zero one of {@code length} values created on first use).
     */
    String bias(Node node, String existing, int length) {
        if (existing != null) {
            return existing;
        }
        return newBiases.computeIfAbsent(node.index(), i -> {
            String name = fresh(node.name().isEmpty() ? "node" + i : node.name());
            values.put(name, new float[length]);
            shapes.put(name, new long[]{length});
            return name;
        });
    }

    /** The bias created for {@code node} by {@link #bias}, or null. */
    String createdBias(Node node) {
        return newBiases.get(node.index());
    }

    private String fresh(String base) {
        String name = base + "_cle_bias";
        int k = 1;
        while (graph.isInitializer(name) || graph.producer(name) != null || values.containsKey(name)) {
            name = base + "_cle_bias_" + k++;
        }
        return name;
    }

    /** {@code model} with every value read through this object written back. */
    OnnxMl.ModelProto write(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
        Set<String> created = new HashSet<>(newBiases.values());
        for (int i = 0; i < g.getInitializerCount(); i++) {
            String name = g.getInitializer(i).getName();
            if (values.containsKey(name)) {
                g.setInitializer(i, TensorProtos.fromTensor(name, tensor(name)));
            }
        }
        for (String name : created) {
            g.addInitializer(TensorProtos.fromTensor(name, tensor(name)));
        }
        for (Map.Entry<Integer, String> e : newBiases.entrySet()) {
            OnnxMl.NodeProto.Builder n = g.getNode(e.getKey()).toBuilder();
            while (n.getInputCount() < 2) {
                n.addInput("");
            }
            if (n.getInputCount() == 2) {
                n.addInput(e.getValue());
            } else {
                n.setInput(2, e.getValue());
            }
            g.setNode(e.getKey(), n);
        }
        return model.toBuilder().setGraph(g).build();
    }
}
