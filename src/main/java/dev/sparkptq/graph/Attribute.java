package dev.sparkptq.graph;

import ai.onnx.proto.OnnxMl;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One node attribute: its name and the proto it came from, with typed accessors and a canonical text form.
 *
 * <p>The text form exists so that POT's {@code ignored.operations} attribute filters (values written in a JSON
 * config) can be compared with model attributes without caring whether the config said {@code 1} or {@code 1.0}.
 */
public record Attribute(String name, OnnxMl.AttributeProto proto) {
    public Attribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(proto, "proto");
    }

    public OnnxMl.AttributeProto.AttributeType type() {
        return proto.getType();
    }

    public long asInt() {
        return proto.getI();
    }

    public float asFloat() {
        return proto.getF();
    }

    public String asString() {
        return proto.getS().toString(StandardCharsets.UTF_8);
    }

    public long[] asInts() {
        return proto.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    public float[] asFloats() {
        float[] out = new float[proto.getFloatsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = proto.getFloats(i);
        }
        return out;
    }

    /**
     * Canonical text: ints as {@code 1}, floats as {@link #formatNumber} ({@code 0.5}, {@code 1}), strings as-is,
     * lists as {@code [1, 2]}; tensors and graphs as {@code <tensor>} / {@code <graph>} (never matched by value).
     */
    public String text() {
        return switch (proto.getType()) {
            case INT -> Long.toString(proto.getI());
            case FLOAT -> formatNumber(proto.getF());
            case STRING -> asString();
            case INTS -> list(proto.getIntsList(), String::valueOf);
            case FLOATS -> list(proto.getFloatsList(), Attribute::formatNumber);
            case STRINGS -> list(proto.getStringsList(), s -> s.toString(StandardCharsets.UTF_8));
            case TENSOR, TENSORS, SPARSE_TENSOR, SPARSE_TENSORS -> "<tensor>";
            case GRAPH, GRAPHS -> "<graph>";
            default -> "<" + proto.getType().name().toLowerCase(java.util.Locale.ROOT) + ">";
        };
    }

    /**
     * Shortest decimal text of a float without exponent or trailing zeros ({@code 0.5}, {@code 1}, {@code 0.0001}).
     * Config code should format numbers read from JSON with this too, so both sides compare as equal strings.
     */
    public static String formatNumber(float value) {
        if (!Float.isFinite(value)) {
            return Float.toString(value);
        }
        String s = new BigDecimal(Float.toString(value)).stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    /** Same as {@link #formatNumber(float)} for a number from a config (rounded to float first, like ONNX stores it). */
    public static String formatNumber(double value) {
        return formatNumber((float) value);
    }

    private static <T> String list(List<T> values, Function<T, String> fmt) {
        return values.stream().map(fmt).collect(Collectors.joining(", ", "[", "]"));
    }
}
