package dev.sparkptq.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * POT's {@code ignored}: node names ({@code scope}) and op types, optionally narrowed by attribute values
 * ({@code operations}), that stay in float. Every name must exist in the model (checked against the model).
 *
 * @param firstLayers the first this many Conv/ConvTranspose/MatMul/Gemm layers counted from the model inputs
 *                    (layer depth on the longest path), with every node at that depth, stay in float — the stem of
 *                    a detector fed raw 0–255 pixels, whose activations span hundreds per tensor (0: none)
 */
public record IgnoredSpec(List<String> scope, List<IgnoredOp> operations, int firstLayers) implements Serializable {
    public IgnoredSpec {
        scope = List.copyOf(scope);
        operations = List.copyOf(operations);
        if (firstLayers < 0) {
            throw new IllegalArgumentException("ignored.first_layers must be >= 0: " + firstLayers);
        }
    }

    /** POT's block: names and op types only. */
    public IgnoredSpec(List<String> scope, List<IgnoredOp> operations) {
        this(scope, operations, 0);
    }

    public static IgnoredSpec none() {
        return new IgnoredSpec(List.of(), List.of());
    }

    /**
     * @param type       ONNX op type, e.g. {@code Add}
     * @param attributes attribute name → value as text (ints, floats, strings, or lists as {@code [1, 2]}); empty =
     *                   every node of the type
     */
    public record IgnoredOp(String type, Map<String, String> attributes) implements Serializable {
        public IgnoredOp {
            attributes = Map.copyOf(attributes);
        }
    }
}
