package dev.sparkptq.algorithms.kernelchoice;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * What was measured for one {@link KernelGroup}, per kernel: the group's latency and each op's output error.
 *
 * @param msPerSample kernel → median ms per calibration sample of the whole group (its quantizer included)
 * @param error       op name → kernel → relative squared error of the op's output against FP32 on the same
 *                    inputs, {@code Σ(y_k − y)² / Σ y²} (0 for FLOAT)
 */
public record KernelMeasurement(Map<Kernel, Double> msPerSample, Map<String, Map<Kernel, Double>> error)
        implements Serializable {
    public KernelMeasurement {
        msPerSample = Map.copyOf(msPerSample);
        Map<String, Map<Kernel, Double>> copy = new TreeMap<>();
        error.forEach((op, e) -> copy.put(op, Map.copyOf(e)));
        error = java.util.Collections.unmodifiableMap(copy);
    }

    /** The worst (lowest) SQNR in dB over the group's ops for {@code kernel}; +∞ when every output is exact. */
    public double worstSqnrDb(Kernel kernel) {
        double worst = Double.POSITIVE_INFINITY;
        for (Map<Kernel, Double> e : error.values()) {
            Double v = e.get(kernel);
            if (v == null) {
                return Double.NaN;
            }
            worst = Math.min(worst, sqnrDb(v));
        }
        return worst;
    }

    /** {@code −10·log10(relative squared error)}; +∞ for an exact output. */
    public static double sqnrDb(double relativeSquaredError) {
        return relativeSquaredError <= 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(relativeSquaredError);
    }
}
