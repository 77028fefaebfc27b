package dev.sparkptq.graph;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One node of a {@link ModelGraph}, decoded from its proto.
 *
 * @param name       node name ({@code ""} when the model left it unnamed; see {@link ModelIo#prepareForQuantization})
 * @param opType     operator type, e.g. {@code Conv}
 * @param domain     operator domain, {@code ""} for the default ONNX domain
 * @param inputs     input tensor names in order; {@code ""} marks an omitted optional input
 * @param outputs    output tensor names in order
 * @param attributes attributes by name, in proto order
 * @param index      position in {@link ModelGraph#nodes()} (topological order) and in the graph's proto
 */
public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                   Map<String, Attribute> attributes, int index) {
    public Node {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opType, "opType");
        Objects.requireNonNull(domain, "domain");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }

    public long intAttr(String attr, long dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : a.asInt();
    }

    public float floatAttr(String attr, float dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : a.asFloat();
    }

    public String stringAttr(String attr, String dflt) {
        Attribute a = attributes.get(attr);
        return a == null ? dflt : a.asString();
    }

    /** The INTS attribute's values, or {@code null} when the node does not have it. */
    public long[] intsAttr(String attr) {
        Attribute a = attributes.get(attr);
        return a == null ? null : a.asInts();
    }

    /** The attribute's canonical text ({@link Attribute#text()}), or {@code null} when absent. */
    public String attrText(String attr) {
        Attribute a = attributes.get(attr);
        return a == null ? null : a.text();
    }

    /** True when the default ONNX domain ({@code ""} or {@code ai.onnx}) defines this op. */
    public boolean isDefaultDomain() {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    @Override
    public String toString() {
        return opType + " '" + name + "'";
    }
}
