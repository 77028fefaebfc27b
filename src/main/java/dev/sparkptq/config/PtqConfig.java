package dev.sparkptq.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * A whole, validated, fully resolved configuration.
 *
 * @param model       the {@code model} section
 * @param engine      the {@code engine} section (data and evaluation)
 * @param compression the {@code compression} section (algorithms)
 * @param sha256      hash of the resolved configuration, for provenance
 */
public record PtqConfig(ModelSection model, EngineSection engine, CompressionSection compression, String sha256)
        implements Serializable {
    public PtqConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(compression, "compression");
    }
}
