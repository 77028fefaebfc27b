package dev.sparkptq.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * One JSON object being bound: knows its path, reports its unknown keys when opened, and reads its fields with
 * typed accessors that record problems instead of throwing. A key holding JSON {@code null} counts as absent, so
 * {@code "eval_data_source": null} means "use the default".
 */
final class ObjectView {
    private static final JsonNode EMPTY = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();

    private final JsonNode node;
    private final String path;
    private final Problems problems;
    /** A stand-in for a value already reported as not an object: its missing keys are not reported again. */
    private final boolean standIn;

    private ObjectView(JsonNode node, String path, Problems problems, boolean standIn) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.standIn = standIn;
    }

    private ObjectView(JsonNode node, String path, Problems problems) {
        this(node, path, problems, false);
    }

    /**
     * Opens {@code node} as an object with the keys of {@code keys}; reports a non-object or unknown keys (with the
     * closest valid key). Empty only when {@code node} is not an object.
     */
    static Optional<ObjectView> open(JsonNode node, String path, Problems problems, KeySpec keys) {
        if (!node.isObject()) {
            problems.add(path, "expected an object, got " + JsonValues.describe(node));
            return Optional.empty();
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (keys.valid().contains(key)) {
                continue;
            }
            String where = child(path, key);
            String reason = keys.explained().get(key);
            if (reason != null) {
                problems.add(where, reason);
                continue;
            }
            problems.add(where, "unknown key", Suggestions.closest(key, keys.valid()));
        }
        return Optional.of(new ObjectView(node, path, problems));
    }

    /** An empty object at {@code path}: binding it yields every default. */
    static ObjectView empty(String path, Problems problems) {
        return new ObjectView(EMPTY, path, problems);
    }

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    String path() {
        return path;
    }

    String path(String key) {
        return child(path, key);
    }

    Problems problems() {
        return problems;
    }

    /** True when the key is present and not null. */
    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** The raw value, or null when absent or null. */
    JsonNode raw(String key) {
        return has(key) ? node.get(key) : null;
    }

    /** Field names in document order (for maps such as {@code inputs}). */
    List<String> keys() {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Records "missing required key" when {@code key} is absent; returns whether it is present. */
    boolean require(String key) {
        if (has(key)) {
            return true;
        }
        if (standIn) {
            return false;
        }
        problems.add(path(key), node.has(key) ? "must not be null" : "missing required key");
        return false;
    }

    Optional<ObjectView> object(String key, KeySpec keys) {
        return has(key) ? open(node.get(key), path(key), problems, keys) : Optional.empty();
    }

    /** The object at {@code key} as a free-form map (any key allowed), e.g. input name → file. */
    Optional<ObjectView> map(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        JsonNode v = node.get(key);
        if (!v.isObject()) {
            problems.add(path(key), "expected an object, got " + JsonValues.describe(v));
            return Optional.empty();
        }
        return Optional.of(new ObjectView(v, path(key), problems));
    }

    /**
     * The object at {@code key}, or an empty object standing in for it when absent or not an object (the latter is
     * reported), so that binding can fall back to defaults without null checks.
     */
    ObjectView section(String key, KeySpec keys) {
        boolean present = has(key);
        return object(key, keys).orElseGet(() -> new ObjectView(EMPTY, path(key), problems, present));
    }

    Optional<String> string(String key) {
        return has(key) ? JsonValues.string(node.get(key), path(key), problems) : Optional.empty();
    }

    Optional<Boolean> bool(String key) {
        return has(key) ? JsonValues.bool(node.get(key), path(key), problems) : Optional.empty();
    }

    Optional<Long> integer(String key, long min, long max) {
        return has(key) ? JsonValues.integer(node.get(key), path(key), problems, min, max) : Optional.empty();
    }

    /** An int in {@code [min, max]}; {@code max} is capped at {@link Integer#MAX_VALUE}. */
    Optional<Integer> intValue(String key, int min, int max) {
        return integer(key, min, max).map(Long::intValue);
    }

    Optional<Double> number(String key) {
        return has(key) ? JsonValues.number(node.get(key), path(key), problems) : Optional.empty();
    }

    <T> Optional<T> choice(String key, Choices<T> choices) {
        return has(key) ? choices.read(node.get(key), path(key), problems) : Optional.empty();
    }

    /**
     * A path or URI resolved against {@code baseDir} (absolute, normalized; a URI stays on its file system).
     * Existence is checked elsewhere.
     */
    Optional<dev.sparkptq.core.Location> location(String key, dev.sparkptq.core.Location baseDir) {
        return string(key).flatMap(s -> {
            try {
                return Optional.of(baseDir.resolve(s));
            } catch (dev.sparkptq.core.ConfigException e) {
                problems.add(path(key), e.getMessage());
                return Optional.empty();
            }
        });
    }

    /**
     * A local file resolved against {@code baseDir}; a URI here (or a relative path in a config read from another
     * file system) is a problem, never silently a local path: the key is read where no file system but the local
     * one is reachable.
     */
    Optional<Path> file(String key, dev.sparkptq.core.Location baseDir) {
        return location(key, baseDir).flatMap(l -> {
            if (!l.isLocal()) {
                problems.add(path(key), l + " is on a " + l.scheme() + ":// file system, but '" + key + "' is read "
                        + "from a local path only; copy the file to a local path (absolute, since the config is not "
                        + "local)");
                return Optional.empty();
            }
            return Optional.of(l.path());
        });
    }

    /** Records {@code what} at this object's path or at one of its keys. */
    void problem(String key, String what) {
        problems.add(key == null ? path : path(key), what);
    }
}
