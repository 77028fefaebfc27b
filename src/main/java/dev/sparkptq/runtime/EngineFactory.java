package dev.sparkptq.runtime;

import dev.sparkptq.core.Tensor;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Opens engines. Implementations cache one engine per (model digest, options) per JVM, so callers on executors call
 * {@link #open} per task and never close what they get; {@link #evict} drops a cached engine.
 */
public interface EngineFactory extends Serializable {
    InferenceEngine open(ModelBlob model, EngineOptions options);

    void evict(String digest);

    /**
     * Writes the graph the runtime actually executes for {@code model} under {@code options} — after its graph
     * rewrites, e.g. Q/DQ pairs folded into integer kernels — to {@code out} as an ONNX file, so the report can tell
     * which ops run as integer kernels. The file may use runtime-specific operators; it is for inspection only.
     */
    void writeOptimized(ModelBlob model, EngineOptions options, Path out);

    /**
     * Profiles {@code model} under {@code options}: {@code warmup} untimed runs, then {@code runs} runs over
     * {@code inputs} in turn, with the runtime's own per-node timer. A fresh session is used (never the cached one) and
     * closed before returning; the runtime's trace file is written under {@code workDir} and deleted.
     */
    NodeProfile profile(ModelBlob model, EngineOptions options, List<Map<String, Tensor>> inputs, int warmup,
                        int runs, Path workDir);
}
