package dev.sparkptq.data;

import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;

import java.util.Map;

/**
 * One sample ready for the model: a tensor per model input, each with a leading batch axis of 1.
 *
 * @param label class label, or {@code null}
 */
public record Sample(SampleId id, Map<String, Tensor> inputs, Integer label) {
    public Sample {
        inputs = Map.copyOf(inputs);
    }
}
