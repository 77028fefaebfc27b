package dev.sparkptq.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall time per named stage, in insertion order. */
final class Stopwatch {
    private final Map<String, Long> millis = new LinkedHashMap<>();
    private final long start = System.nanoTime();
    private long last = start;

    void lap(String stage) {
        long now = System.nanoTime();
        millis.merge(stage, (now - last) / 1_000_000, Long::sum);
        last = now;
    }

    Map<String, Long> finish() {
        millis.put("total", (System.nanoTime() - start) / 1_000_000);
        return millis;
    }
}
