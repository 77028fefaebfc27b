package dev.sparkptq.runtime;

import dev.sparkptq.core.ConfigException;
import dev.sparkptq.core.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Times several models on the same inputs side by side: rounds alternate between the models (A, B, A, B, ...) so
 * that machine drift hits every model alike; each model's figure is the median over rounds of its ms/sample.
 */
public final class LatencyComparison {
    private LatencyComparison() {
    }

    /**
     * Per-round ms/sample of every engine, {@code [engine][round]}: after one warm-up pass each, {@code rounds}
     * rounds in which every engine runs {@code passes} passes over all inputs in turn, read on both clocks.
     */
    public static LatencyClock.Reading[][] rounds(List<InferenceEngine> engines, List<Map<String, Tensor>> inputs,
                                                  int rounds, int passes) {
        if (engines.isEmpty() || rounds < 1 || passes < 1 || inputs.isEmpty()) {
            throw new ConfigException("a latency comparison needs at least one model, input, round and pass");
        }
        LatencyClock.Reading[][] perRound = new LatencyClock.Reading[engines.size()][rounds];
        for (InferenceEngine e : engines) {
            e.timePasses(inputs, 1);
        }
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < engines.size(); m++) {
                perRound[m][r] = engines.get(m).timePasses(inputs, passes);
            }
        }
        return perRound;
    }

    /** {@link #rounds} read on one clock: {@code [engine][round]} ms/sample. */
    public static double[][] rounds(List<InferenceEngine> engines, List<Map<String, Tensor>> inputs, int rounds,
                                    int passes, LatencyClock clock) {
        LatencyClock.Reading[][] both = rounds(engines, inputs, rounds, passes);
        double[][] out = new double[both.length][rounds];
        for (int m = 0; m < both.length; m++) {
            for (int r = 0; r < rounds; r++) {
                out[m][r] = both[m][r].ms(clock);
            }
        }
        return out;
    }

    /** Median over rounds of {@code base[r] / other[r]}: a paired ratio, so drift between rounds cancels. */
    public static double medianRatio(double[] base, double[] other) {
        double[] r = new double[base.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = base[i] / other[i];
        }
        return Latency.median(r);
    }

    /** Median ms/sample per engine, in the engines' order. */
    public static List<Double> compare(List<InferenceEngine> engines, List<Map<String, Tensor>> inputs, int warmup,
                                       int rounds) {
        if (engines.isEmpty() || rounds < 1) {
            throw new ConfigException("a latency comparison needs at least one model and one round");
        }
        double[][] perRound = new double[engines.size()][rounds];
        for (InferenceEngine e : engines) {
            Latency.measure(e, inputs, warmup, 1);
        }
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < engines.size(); m++) {
                perRound[m][r] = Latency.measure(engines.get(m), inputs, 0, 1);
            }
        }
        List<Double> out = new ArrayList<>();
        for (double[] v : perRound) {
            out.add(Latency.median(v));
        }
        return out;
    }
}
