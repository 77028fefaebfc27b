package dev.sparkptq.aaq;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Sample;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-JVM cache of what every candidate of a search sees identically: the loaded sample and the FP32 model's
 * outputs on it. A ranking round evaluates dozens of candidates on the same subset; without this each task would
 * decode every image and run the FP32 model again. Bounded by bytes (least recently used entries leave first), so
 * large inputs or outputs only lower the hit rate.
 */
final class ReferenceCache {
    /** Byte budget of one JVM's cache. */
    static final long BUDGET = 256L << 20;

    record Entry(Sample sample, Map<String, Tensor> fp32, long bytes) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>(256, 0.75f, true);
    private static long bytes;

    private ReferenceCache() {
    }

    static synchronized void clear() {
        ENTRIES.clear();
        bytes = 0;
    }

    static synchronized Entry get(String key) {
        return ENTRIES.get(key);
    }

    static synchronized void put(String key, Sample sample, Map<String, Tensor> fp32) {
        long size = 0;
        for (Tensor t : sample.inputs().values()) {
            size += t.numel() * t.dtype().bytes();
        }
        for (Tensor t : fp32.values()) {
            size += t.numel() * t.dtype().bytes();
        }
        if (size > BUDGET / 4 || ENTRIES.containsKey(key)) {
            return;
        }
        ENTRIES.put(key, new Entry(sample, fp32, size));
        bytes += size;
        Iterator<Entry> it = ENTRIES.values().iterator();
        while (bytes > BUDGET && it.hasNext()) {
            bytes -= it.next().bytes();
            it.remove();
        }
    }
}
