package dev.sparkptq.runtime.ort;

import dev.sparkptq.core.InternalException;
import dev.sparkptq.runtime.EngineFactory;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.NodeProfile;
import dev.sparkptq.core.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens ORT engines, one session per (model digest, options) per JVM. The instance is stateless so it can be
 * shipped to Spark executors inside closures; the cache is static so every task in an executor JVM shares the
 * session its first task created (creating one costs ~0.3 s and the model's memory, a lookup costs microseconds).
 *
 * <p>Creation runs inside {@link ConcurrentHashMap#computeIfAbsent}, so concurrent first opens of the same key
 * create exactly one session; a failed creation caches nothing and the next open retries.
 *
 * <p>The cache is bounded: a run opens short-lived models (one per extra statistics pass, per bias-correction depth,
 * per accuracy-aware candidate), and an executor JVM that serves many runs would otherwise keep every one of them.
 * Past {@link #capacity()} sessions the least recently opened one without a run in flight is parked (its native
 * session freed; a task still holding it is served by a fresh session, see {@link OrtInferenceEngine}). The bound is
 * {@value #CAPACITY_PROPERTY} when set (e.g. through {@code spark.executor.extraJavaOptions}), otherwise
 * {@code max(16, 2 × cores + 2)} — enough for the FP32 reference plus one candidate per concurrent task, and for
 * the dozen models {@code benchmark calibration} cycles through (a bound of 8 made it re-create sessions every round).
 */
public final class OrtEngineFactory implements EngineFactory {
    private static final long serialVersionUID = 1L;

    /** System property overriding the session bound. */
    public static final String CAPACITY_PROPERTY = "sparkptq.ort.maxSessions";

    private static final Map<Key, OrtInferenceEngine> CACHE = new ConcurrentHashMap<>();
    private static final Map<Key, Long> LAST_OPENED = new ConcurrentHashMap<>();
    private static final AtomicLong CLOCK = new AtomicLong();
    private static volatile int capacityOverride;

    /** Cache key: the same model under different options (threads, optimization level) is a different session. */
    private record Key(String digest, EngineOptions options) {
    }

    @Override
    public InferenceEngine open(ModelBlob model, EngineOptions options) {
        Key key = new Key(model.digest(), options);
        LAST_OPENED.put(key, CLOCK.incrementAndGet());
        OrtInferenceEngine engine = CACHE.get(key);
        if (engine != null) {
            return engine;
        }
        try {
            engine = CACHE.computeIfAbsent(key, k -> OrtSessions.open(model, options, () -> open(model, options)));
        } catch (RuntimeException e) {
            LAST_OPENED.remove(key);
            throw e;
        }
        trim(key);
        return engine;
    }

    /** The session bound in force (see the class comment). */
    public static int capacity() {
        if (capacityOverride > 0) {
            return capacityOverride;
        }
        Integer configured = Integer.getInteger(CAPACITY_PROPERTY);
        if (configured != null && configured > 0) {
            return configured;
        }
        return Math.max(16, 2 * Runtime.getRuntime().availableProcessors() + 2);
    }

    /** For tests: a bound below the default; 0 restores the default. */
    static void capacityForTests(int capacity) {
        capacityOverride = capacity;
    }

    /** Parks least recently opened idle sessions (never {@code keep}) until the cache is within its bound. */
    private static void trim(Key keep) {
        int capacity = capacity();
        if (CACHE.size() <= capacity) {
            return;
        }
        synchronized (CACHE) {
            List<Key> oldestFirst = new ArrayList<>(CACHE.keySet());
            oldestFirst.sort(Comparator.comparingLong(k -> LAST_OPENED.getOrDefault(k, 0L)));
            for (Key key : oldestFirst) {
                if (CACHE.size() <= capacity) {
                    return;
                }
                OrtInferenceEngine engine = CACHE.get(key);
                if (!key.equals(keep) && engine != null && engine.park()) {
                    CACHE.remove(key, engine);
                    LAST_OPENED.remove(key);
                }
            }
        }
    }

    /** Closes and forgets every session of this model digest (all options). Runs in flight finish first. */
    @Override
    public void evict(String digest) {
        List<OrtInferenceEngine> removed = new ArrayList<>();
        for (Key key : List.copyOf(CACHE.keySet())) {
            if (key.digest().equals(digest)) {
                OrtInferenceEngine engine = CACHE.remove(key);
                LAST_OPENED.remove(key);
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
            LAST_OPENED.remove(key);
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

    @Override
    public NodeProfile profile(ModelBlob model, EngineOptions options, List<Map<String, Tensor>> inputs, int warmup,
                               int runs, Path workDir) {
        return OrtProfiler.profile(model, options, inputs, warmup, runs, workDir);
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
