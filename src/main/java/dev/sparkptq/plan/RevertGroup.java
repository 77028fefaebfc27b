package dev.sparkptq.plan;

import java.io.Serializable;
import java.util.List;

/**
 * Quantizers that must be reverted together so that no op is left half quantized: the ops, and every point that
 * quantizes one of their inputs (activations and weights, and points tied to them).
 *
 * @param id       stable index in the plan's point order
 * @param nodes    the ops whose inputs the group quantizes (sorted)
 * @param pointIds the group's points ({@link QuantizationPoint#id()}), in plan order
 */
public record RevertGroup(int id, List<String> nodes, List<String> pointIds) implements Serializable {
    public RevertGroup {
        nodes = List.copyOf(nodes);
        pointIds = List.copyOf(pointIds);
    }

    /** A short name for logs and reports: the first op, and how many more. */
    public String label() {
        return nodes.get(0) + (nodes.size() > 1 ? " (+" + (nodes.size() - 1) + ")" : "");
    }
}
