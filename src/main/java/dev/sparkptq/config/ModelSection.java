package dev.sparkptq.config;

import java.io.Serializable;
import java.nio.file.Path;

/** POT's {@code model} section: {@code model_name} and {@code model} (the .onnx path, absolute once resolved). */
public record ModelSection(String modelName, Path model) implements Serializable {
}
