package dev.sparkptq.graph.edit;

import ai.onnx.proto.OnnxMl;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.graph.TensorProtos;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Replaces the values of initializers in a model, keeping names, order and everything else: for steps that change
 * numbers, never the graph (bias correction, channel alignment, layer-wise tuning).
 */
public final class InitializerValues {
    private InitializerValues() {
    }

    /** A copy of {@code model} with each named initializer's value replaced; every name must exist. */
    public static OnnxMl.ModelProto replace(OnnxMl.ModelProto model, Map<String, Tensor> values) {
        if (values.isEmpty()) {
            return model;
        }
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
        Set<String> done = new HashSet<>();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            String name = g.getInitializer(i).getName();
            Tensor v = values.get(name);
            if (v != null) {
                g.setInitializer(i, TensorProtos.fromTensor(name, v));
                done.add(name);
            }
        }
        if (done.size() != values.size()) {
            throw new InternalException("replacing initializer values: " + values.keySet() + " not all found in "
                    + "the quantized model (found " + done + ")");
        }
        return model.toBuilder().setGraph(g).build();
    }
}
