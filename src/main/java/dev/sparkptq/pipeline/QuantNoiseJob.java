package dev.sparkptq.pipeline;

import dev.sparkptq.data.DataSource;
import dev.sparkptq.runtime.ModelBlob;

import java.io.Serializable;
import java.util.List;

/**
 * One quantization-noise pass: the FP32 model and the quantized model, each with the compared tensors exposed as
 * extra outputs, run on the same samples.
 *
 * @param graphInputs FP32 tensors that are graph inputs: read from the sample, not asked of the runtime
 */
public record QuantNoiseJob(ModelBlob fp32, ModelBlob quantized, List<QuantNoise.Target> targets,
                            List<String> graphInputs, DataSource source, int threads) implements Serializable {
    public QuantNoiseJob {
        targets = List.copyOf(targets);
        graphInputs = List.copyOf(graphInputs);
    }
}
