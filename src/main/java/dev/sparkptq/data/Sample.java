package dev.sparkptq.data;

import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;

import java.util.Map;

/**
 * One sample ready for the model: a tensor per model input, each with a leading batch axis (of 1, or of 2 for a
 * sentence pair: both sentences go through the model together and a metric compares them).
 *
 * @param label  class label, or {@code null}
 * @param target numeric annotation (an STS gold similarity score), or {@code null}
 */
public record Sample(SampleId id, Map<String, Tensor> inputs, Integer label, Double target) {
    public Sample {
        inputs = Map.copyOf(inputs);
    }

    /** A sample annotated with at most a class label. */
    public Sample(SampleId id, Map<String, Tensor> inputs, Integer label) {
        this(id, inputs, label, null);
    }
}
