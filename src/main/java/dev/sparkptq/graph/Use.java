package dev.sparkptq.graph;

/** One consumption of a tensor: {@code node.inputs().get(inputIndex)} names it. */
public record Use(Node node, int inputIndex) {
}
