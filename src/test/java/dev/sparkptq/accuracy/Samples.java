package dev.sparkptq.accuracy;

import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;

import java.util.Map;

/** Builders for evaluation samples in metric tests. */
final class Samples {
    private Samples() {
    }

    static Tensor vec(float... v) {
        return Tensor.ofFloats(new long[] {1, v.length}, v);
    }

    static EvalSample labelled(String id, int label, float... logits) {
        return EvalSample.ofFp32(new SampleId(id), Map.of("logits", vec(logits)), Map.of(), label);
    }

    static EvalSample pair(Tensor output, Tensor reference) {
        return new EvalSample(new SampleId("s"), Map.of("y", output), Map.of("y", reference), Map.of(), null);
    }

    static EvalSample pair(Tensor output, Tensor reference, Map<String, Tensor> inputs) {
        return new EvalSample(new SampleId("s"), Map.of("y", output), Map.of("y", reference), inputs, null);
    }
}
