package dev.sparkptq.config;

import dev.sparkptq.core.ConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Collects every configuration problem of one load, each with the JSON path of the offending key, so the user fixes
 * them all in one round instead of one per run. Order is discovery order (document order, then file checks).
 */
final class Problems {
    private final List<String> entries = new ArrayList<>();

    /** Records {@code path: what}. An empty path means the document root. */
    void add(String path, String what) {
        // one line per message, whatever the user's values contain
        entries.add(((path.isEmpty() ? "(root)" : path) + ": " + what).replaceAll("[\\r\\n]+", " "));
    }

    /** Records {@code path: what — did you mean 'x'?} when a suggestion exists. */
    void add(String path, String what, Optional<String> suggestion) {
        add(path, what + suggestion.map(s -> " — did you mean '" + s + "'?").orElse(""));
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    List<String> list() {
        return List.copyOf(entries);
    }

    /** Throws one {@link ConfigException} listing every problem on one line, if there is any. */
    void throwIfAny(String source) {
        if (!entries.isEmpty()) {
            throw new ConfigException(message(source, entries));
        }
    }

    static String message(String source, List<String> entries) {
        String count = entries.size() == 1 ? "1 problem" : entries.size() + " problems";
        return "config " + source + ": " + count + ": " + String.join("; ", entries);
    }
}
