package dev.sparkptq.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * POT's {@code ignored}: node names ({@code scope}) and op types, optionally narrowed by attribute values
 * ({@code operations}), that stay in float. Every name must exist in the model (checked against the model).
 */
public record IgnoredSpec(List<String> scope, List<IgnoredOp> operations) implements Serializable {
    public IgnoredSpec {
        scope = List.copyOf(scope);
        operations = List.copyOf(operations);
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
