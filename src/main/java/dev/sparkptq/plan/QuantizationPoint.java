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
 * @param tiedTo      null for a quantizer with its own range; otherwise the tensor whose quantizer's parameters this
 *                    one reuses (see {@link Propagation}) — a tied point needs no statistics
 */
public record QuantizationPoint(String tensor, PointKind kind, List<InputRef> consumers, int channelAxis,
                                TensorQuantSpec spec, boolean constantNode, String tiedTo) implements Serializable {
    public QuantizationPoint {
        consumers = List.copyOf(consumers);
        if (consumers.isEmpty()) {
            throw new IllegalArgumentException("a quantization point needs at least one consumer: " + tensor);
        }
    }

    /** Unique within a plan: the tensor, or {@code tensor@root} for a point tied to {@code root}. */
    public String id() {
        return tiedTo == null ? tensor : tensor + "@" + tiedTo;
    }

    /** The tensor whose range decides this point's parameters. */
    public String rangeSource() {
        return tiedTo == null ? tensor : tiedTo;
    }

    /** The nodes whose inputs this point quantizes (its revert group members, later). */
    public List<String> consumerNodes() {
        return consumers.stream().map(InputRef::node).distinct().toList();
    }
}
