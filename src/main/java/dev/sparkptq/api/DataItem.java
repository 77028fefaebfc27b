package dev.sparkptq.api;

import dev.sparkptq.core.Tensor;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * One item of a {@link DataLoader}: POT's {@code (data, annotation, metadata)} triple.
 *
 * @param inputs     a tensor per model input, each with a leading batch axis of 1
 * @param annotation the class label metrics see as {@code EvalSample.label()}, or {@code null} when there is none
 *                   (annotation-free metrics compare with the FP32 model instead)
 * @param metadata   free-form strings about the item (file name, source); not seen by metrics, may be empty
 */
public record DataItem(Map<String, Tensor> inputs, Integer annotation, Map<String, String> metadata)
        implements Serializable {
    public DataItem {
        inputs = Map.copyOf(Objects.requireNonNull(inputs, "inputs"));
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** An item without annotation or metadata. */
    public static DataItem of(Map<String, Tensor> inputs) {
        return new DataItem(inputs, null, Map.of());
    }

    /** An item with a class label and no metadata. */
    public static DataItem of(Map<String, Tensor> inputs, int annotation) {
        return new DataItem(inputs, annotation, Map.of());
    }
}
