package dev.sparkptq.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The string values one key accepts, mapped to their Java value, plus values that are recognised but rejected with a
 * reason. Three kinds of rejection read differently to the user: a value spark-ptq has never heard of ("not a valid
 * value", with the closest valid one), a POT value this version does not implement yet ("not supported yet"), and a
 * value that will never make sense here (e.g. a GNA target for an ONNX model) with its own explanation.
 *
 * @param <T> the Java type the values map to
 */
final class Choices<T> {
    private final Map<String, T> accepted;
    private final List<String> primary;
    private final Map<String, String> rejected;

    private Choices(Map<String, T> accepted, List<String> primary, Map<String, String> rejected) {
        this.accepted = Map.copyOf(accepted);
        this.primary = List.copyOf(primary);
        this.rejected = new LinkedHashMap<>(rejected);
    }

    static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** The documented values, in order (aliases excluded), for messages. */
    List<String> primary() {
        return primary;
    }

    /** Reads {@code node} (which must be a string); records a problem and returns empty when it is not accepted. */
    Optional<T> read(JsonNode node, String path, Problems problems) {
        if (!node.isTextual()) {
            problems.add(path, "expected one of " + String.join(", ", primary) + ", got " + JsonValues.describe(node));
            return Optional.empty();
        }
        return read(node.textValue(), path, problems);
    }

    /** Like {@link #read(JsonNode, String, Problems)} for a value already known to be a string. */
    Optional<T> read(String value, String path, Problems problems) {
        T found = accepted.get(value);
        if (found != null) {
            return Optional.of(found);
        }
        String reason = rejected.get(value);
        if (reason != null) {
            problems.add(path, "'" + value + "' " + reason);
            return Optional.empty();
        }
        List<String> known = new ArrayList<>(primary);
        accepted.keySet().stream().filter(k -> !primary.contains(k)).sorted().forEach(known::add);
        known.addAll(rejected.keySet());
        problems.add(path, "'" + value + "' is not a valid value (valid: " + String.join(", ", primary) + ")",
                Suggestions.closest(value, known));
        return Optional.empty();
    }

    /** Builds a {@link Choices}; values are listed to the user in the order they are added. */
    static final class Builder<T> {
        private final Map<String, T> accepted = new LinkedHashMap<>();
        private final List<String> primary = new ArrayList<>();
        private final Map<String, String> rejected = new LinkedHashMap<>();

        Builder<T> value(String name, T value) {
            accepted.put(name, value);
            primary.add(name);
            return this;
        }

        /** An accepted spelling that is not listed as a value of its own (POT's preset aliases). */
        Builder<T> alias(String name, T value) {
            accepted.put(name, value);
            return this;
        }

        /** A value POT accepts that this version does not implement yet; call after every {@link #value}. */
        Builder<T> notYet(String... names) {
            for (String name : names) {
                rejected.put(name, "is not supported yet (supported: " + String.join(", ", primary) + ")");
            }
            return this;
        }

        /** A recognised value rejected for {@code reason} (completes the sentence "'value' …"). */
        Builder<T> reject(String reason, String... names) {
            for (String name : names) {
                rejected.put(name, reason);
            }
            return this;
        }

        Choices<T> build() {
            return new Choices<>(accepted, primary, rejected);
        }
    }
}
