package dev.sparkptq.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys one JSON object may hold, and keys that are known but invalid here with the reason (a POT option spark-ptq
 * does not implement, a field of another reader type), so those get a precise message instead of "unknown key".
 *
 * @param valid     accepted keys, in documentation order (also the order suggestions are tried in)
 * @param explained key → why it is rejected here
 */
record KeySpec(List<String> valid, Map<String, String> explained) {
    KeySpec {
        valid = List.copyOf(valid);
        explained = Map.copyOf(explained);
    }

    static KeySpec of(String... valid) {
        return new KeySpec(List.of(valid), Map.of());
    }

    /** Adds keys rejected with the same explanation. */
    KeySpec explain(String reason, String... keys) {
        Map<String, String> more = new LinkedHashMap<>(explained);
        for (String key : keys) {
            more.put(key, reason);
        }
        return new KeySpec(valid, more);
    }
}
