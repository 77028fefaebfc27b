package dev.sparkptq.runtime.ort;

import dev.sparkptq.core.InternalException;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens ORT engines, one session per (model digest, options) per JVM. The instance is stateless so it can be
 * shipped to Spark executors inside closures; the cache is static so every task in an executor JVM shares the
 * session its first task created (creating one costs ~0.3 s and the model's memory, a lookup costs microseconds).
 *
 * <p>Creation runs inside {@link ConcurrentHashMap#computeIfAbsent}, so concurrent first opens of the same key
 * create exactly one session; a failed creation caches nothing and the next open retries.
 */
public final class OrtEngineFactory implements EngineFactory {
    private static final long serialVersionUID = 1L;

    private static final Map<Key, OrtInferenceEngine> CACHE = new ConcurrentHashMap<>();

    /** Cache key: the same model under different options (threads, optimization level) is a different session. */
    private record Key(String digest, EngineOptions options) {
    }

    @Override
    public InferenceEngine open(ModelBlob model, EngineOptions options) {
        return CACHE.computeIfAbsent(new Key(model.digest(), options), k -> OrtSessions.open(model, options));
    }

    /** Closes and forgets every session of this model digest (all options). Runs in flight finish first. */
    @Override
    public void evict(String digest) {
        List<OrtInferenceEngine> removed = new ArrayList<>();
        for (Key key : List.copyOf(CACHE.keySet())) {
            if (key.digest().equals(digest)) {
                OrtInferenceEngine engine = CACHE.remove(key);
                if (engine != null) {
                    removed.add(engine);
                }
            }
        }
        closeAll(removed);
    }

    /**
     * Closes every cached session. Safe in a shutdown hook ({@code Runtime.addShutdownHook(new
     * Thread(OrtEngineFactory::closeAll))}): idempotent, never throws, and waits for runs in flight.
     */
    public static void closeAll() {
        List<OrtInferenceEngine> removed = new ArrayList<>();
        for (Key key : List.copyOf(CACHE.keySet())) {
            OrtInferenceEngine engine = CACHE.remove(key);
            if (engine != null) {
                removed.add(engine);
            }
        }
        try {
            closeAll(removed);
        } catch (InternalException e) {
            // a shutdown hook must not throw; the process is ending and the OS reclaims native memory anyway
        }
    }

    /** Number of sessions cached in this JVM (for tests and diagnostics). */
    public static int cachedSessions() {
        return CACHE.size();
    }

    /**
     * Writes the graph ONNX Runtime actually executes after all its rewrites (fusions, Q/DQ folding into integer
     * kernels) to {@code out}, to check which quantized patterns ORT recognises. The file may contain ORT-only
     * operators; it is for inspection, not for shipping.
     */
    public static void optimizedModel(ModelBlob model, Path out) {
        OrtSessions.writeOptimized(model, new EngineOptions(1, EngineOptions.Optimization.ALL), out);
    }

    @Override
    public void writeOptimized(ModelBlob model, EngineOptions options, Path out) {
        OrtSessions.writeOptimized(model, options, out);
    }

    private static void closeAll(List<OrtInferenceEngine> engines) {
        InternalException first = null;
        for (OrtInferenceEngine engine : engines) {
            try {
                engine.close();
            } catch (InternalException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
