package dev.sparkptq.config;

import dev.sparkptq.core.Location;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * POT's {@code model} section: {@code model_name} and {@code model}, the .onnx file's location (a local path or a
 * URI of another file system, absolute once resolved).
 */
public record ModelSection(String modelName, Location source) implements Serializable {
    /** A model at a local path. */
    public ModelSection(String modelName, Path model) {
        this(modelName, model == null ? null : Location.of(model));
    }

    /**
     * The model's local path.
     *
     * @throws dev.sparkptq.core.ConfigException when the model is on another file system: read it through
     *         {@code storage.ModelFetch}
     */
    public Path model() {
        return source == null ? null : source.path();
    }
}
