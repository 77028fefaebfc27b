package dev.sparkptq.runtime;

import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Measures inference latency through the seam, so FP32 and INT8 models are timed the same way. The median over
 * repeats, not the mean, because on shared executors one descheduled repeat would otherwise dominate.
 */
public final class Latency {
    private Latency() {
    }

    /**
     * Runs every input {@code warmup} times untimed (ORT allocates and plans memory on the first runs), then
     * {@code repeats} timed passes over all inputs.
     *
     * @return the median over passes of (pass time / number of inputs), in milliseconds per sample
     */
    public static double measure(InferenceEngine engine, List<Map<String, Tensor>> inputs, int warmup,
                                 int repeats) {
        if (inputs.isEmpty() || warmup < 0 || repeats < 1) {
            throw new ConfigException("latency needs at least one input, warmup >= 0 and repeats >= 1; got "
                    + inputs.size() + " inputs, warmup " + warmup + ", repeats " + repeats);
        }
        List<String> outputs = engine.outputs().stream().map(TensorInfo::name).toList();
        for (int i = 0; i < warmup; i++) {
            runAll(engine, inputs, outputs);
        }
        double[] msPerSample = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            runAll(engine, inputs, outputs);
            msPerSample[r] = (System.nanoTime() - start) / 1e6 / inputs.size();
        }
        return median(msPerSample);
    }

    private static void runAll(InferenceEngine engine, List<Map<String, Tensor>> inputs, List<String> outputs) {
        for (Map<String, Tensor> in : inputs) {
            engine.run(in, outputs);
        }
    }

    /** Median; for an even count the mean of the two middle values. */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
