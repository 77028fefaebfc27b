package dev.sparkptq.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Typed reads of single JSON values. Each read either returns the value or records one problem at the value's path
 * and returns empty, so binding code can carry on and report the next problem too. No coercion: {@code "8"} is not
 * an integer and {@code 8.0} is not an integer either, because silently accepting them hides typos in generated
 * configs.
 */
final class JsonValues {
    private JsonValues() {
    }

    /** How a value is named in messages: its JSON type and, for scalars, the value itself. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "the string \"" + node.textValue() + "\"";
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        if (node.isBoolean()) {
            return node.asText();
        }
        return node.isArray() ? "an array" : "an object";
    }

    static Optional<String> string(JsonNode node, String path, Problems problems) {
        if (!node.isTextual()) {
            problems.add(path, "expected a string, got " + describe(node));
            return Optional.empty();
        }
        if (node.textValue().isBlank()) {
            problems.add(path, "must not be empty");
            return Optional.empty();
        }
        return Optional.of(node.textValue());
    }

    static Optional<Boolean> bool(JsonNode node, String path, Problems problems) {
        if (!node.isBoolean()) {
            problems.add(path, "expected true or false, got " + describe(node));
            return Optional.empty();
        }
        return Optional.of(node.booleanValue());
    }

    /** An integer in {@code [min, max]}. */
    static Optional<Long> integer(JsonNode node, String path, Problems problems, long min, long max) {
        if (!node.isIntegralNumber()) {
            problems.add(path, "expected an integer, got " + describe(node));
            return Optional.empty();
        }
        if (!node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            boolean tooSmall = node.canConvertToLong() ? node.longValue() < min : node.bigIntegerValue().signum() < 0;
            problems.add(path, rangeText(min, max, tooSmall) + ", got " + node.asText());
            return Optional.empty();
        }
        return Optional.of(node.longValue());
    }

    /** A finite number (integers accepted). */
    static Optional<Double> number(JsonNode node, String path, Problems problems) {
        if (!node.isNumber()) {
            problems.add(path, "expected a number, got " + describe(node));
            return Optional.empty();
        }
        double v = node.doubleValue();
        if (!Double.isFinite(v)) {
            problems.add(path, "must be a finite number, got " + node.asText());
            return Optional.empty();
        }
        return Optional.of(v);
    }

    /**
     * An array whose elements are each read by {@code element} (given the element and its path); empty if the node
     * is not an array or any element is rejected (every bad element is still reported).
     */
    static <T> Optional<List<T>> list(JsonNode node, String path, Problems problems,
                                      BiFunction<JsonNode, String, Optional<T>> element) {
        if (!node.isArray()) {
            problems.add(path, "expected an array, got " + describe(node));
            return Optional.empty();
        }
        List<T> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < node.size(); i++) {
            Optional<T> v = element.apply(node.get(i), path + "[" + i + "]");
            ok &= v.isPresent();
            v.ifPresent(out::add);
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    /** "must be ≥ 1" rather than "between 1 and 2147483647": the type limit is not the rule the user broke. */
    private static String rangeText(long min, long max, boolean tooSmall) {
        boolean noUpper = max >= Integer.MAX_VALUE;
        boolean noLower = min <= Integer.MIN_VALUE;
        if (noUpper && noLower) {
            return "must fit in " + (max == Long.MAX_VALUE ? "64" : "32") + " bits";
        }
        if (noUpper) {
            return tooSmall ? "must be ≥ " + min : "must be ≤ " + max;
        }
        if (noLower) {
            return tooSmall ? "must be ≥ " + min : "must be ≤ " + max;
        }
        return "must be between " + min + " and " + max;
    }
}
