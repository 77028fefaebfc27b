package dev.sparkptq.graph.edit;

import java.util.Objects;

/** One input slot of one node: {@code node}'s input number {@code inputIndex}. */
public record InputRef(String node, int inputIndex) implements java.io.Serializable {
    public InputRef {
        Objects.requireNonNull(node, "node");
        if (inputIndex < 0) {
            throw new IllegalArgumentException("inputIndex must be >= 0, got " + inputIndex);
        }
    }
}
