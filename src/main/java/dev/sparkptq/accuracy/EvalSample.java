package dev.sparkptq.accuracy;

import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;

import java.util.Map;
import java.util.Objects;

/**
 * Everything a metric may look at for one sample.
 *
 * @param id        the sample's stable id (for messages and the ranking subset)
 * @param outputs   outputs of the model being evaluated
 * @param reference outputs of the FP32 model on the same sample; for the FP32 model itself, the same map as
 *                  {@code outputs}
 * @param inputs    the sample's inputs (e.g. {@code attention_mask} for mean pooling)
 * @param label     the class label, or {@code null} when the data has none
 * @param target    a numeric annotation (e.g. an STS gold similarity score), or {@code null} when the data has none;
 *                  kept apart from {@code label} so class labels stay integers
 * @param mask      a per-pixel class annotation (e.g. a segmentation mask, [1, H, W] class indices), or {@code null}
 */
public record EvalSample(SampleId id, Map<String, Tensor> outputs, Map<String, Tensor> reference,
                         Map<String, Tensor> inputs, Integer label, Double target, Tensor mask) {
    public EvalSample {
        Objects.requireNonNull(id, "id");
        outputs = Map.copyOf(outputs);
        reference = Map.copyOf(reference);
        inputs = Map.copyOf(inputs);
    }

    /** A sample annotated with at most a class label. */
    public EvalSample(SampleId id, Map<String, Tensor> outputs, Map<String, Tensor> reference,
                      Map<String, Tensor> inputs, Integer label) {
        this(id, outputs, reference, inputs, label, null, null);
    }

    /** A sample of the FP32 model itself: its outputs are their own reference. */
    public static EvalSample ofFp32(SampleId id, Map<String, Tensor> outputs, Map<String, Tensor> inputs,
                                    Integer label) {
        return new EvalSample(id, outputs, outputs, inputs, label);
    }
}
