package dev.sparkptq.algorithms.halfvectors;

import dev.sparkptq.config.AlgorithmSpec;
import dev.sparkptq.config.KernelSpec;
import dev.sparkptq.step.ModelState;
import dev.sparkptq.step.Statistics;
import dev.sparkptq.step.Step;
import dev.sparkptq.step.StepContext;

import java.util.Locale;

/**
 * {@code parameter_vectors: float16}: the last rewrite of the quantized model, after every step that reads its
 * biases or scales as constants (bias correction, the integer-kernel report). AccuracyAwareQuantization's candidates
 * keep FP32 vectors, as they keep static kernels and float tables.
 */
public final class HalfVectorsStep implements Step {
    private final StepContext context;

    public HalfVectorsStep(StepContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "parameter_vectors";
    }

    @Override
    public ModelState apply(ModelState state, Statistics statistics) {
        if (context.params().kernels().parameterVectors() != KernelSpec.ParameterVectors.FLOAT16
                || context.config().compression().algorithms().get(0).name()
                == AlgorithmSpec.Name.AccuracyAwareQuantization) {
            return state;
        }
        HalfVectors.Result r = HalfVectors.apply(state.quantized());
        if (r.tensors().isEmpty()) {
            return state;
        }
        context.log().accept(String.format(Locale.ROOT, "parameter vectors: %d stored as float16 (%,d → %,d bytes)",
                r.tensors().size(), r.bytesBefore(), r.bytesAfter()));
        return state.withQuantized(r.model());
    }
}
