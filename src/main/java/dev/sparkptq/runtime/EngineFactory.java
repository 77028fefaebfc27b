package dev.sparkptq.runtime;

import java.io.Serializable;

/**
 * Opens engines. Implementations cache one engine per (model digest, options) per JVM, so callers on executors call
 * {@link #open} per task and never close what they get; {@link #evict} drops a cached engine.
 */
public interface EngineFactory extends Serializable {
    InferenceEngine open(ModelBlob model, EngineOptions options);

    void evict(String digest);
}
