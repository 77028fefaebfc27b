package dev.sparkptq.plan;

import dev.sparkptq.config.TensorQuantSpec;
import dev.sparkptq.graph.edit.InputRef;

import java.io.Serializable;
import java.util.List;

/**
 * One quantizer: the tensor it quantizes, the op inputs that read the quantized value, and its scheme.
 *
 * @param tensor      the quantized tensor
 * @param kind        activation or weight
 * @param consumers   the inputs (node, index) that read the dequantized value; other readers keep the float tensor
 * @param channelAxis axis for per-channel parameters, {@code -1} for per-tensor
 * @param spec        the resolved scheme (granularity already reconciled with {@code channelAxis})
 * @param constantNode true when a weight is the output of a Constant node rather than an initializer
 */
public record QuantizationPoint(String tensor, PointKind kind, List<InputRef> consumers, int channelAxis,
                                TensorQuantSpec spec, boolean constantNode) implements Serializable {
    public QuantizationPoint {
        consumers = List.copyOf(consumers);
        if (consumers.isEmpty()) {
            throw new IllegalArgumentException("a quantization point needs at least one consumer: " + tensor);
        }
    }

    /** The nodes whose inputs this point quantizes (its revert group members, later). */
    public List<String> consumerNodes() {
        return consumers.stream().map(InputRef::node).distinct().toList();
    }
}
