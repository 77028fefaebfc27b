package dev.sparkptq.pipeline;

import dev.sparkptq.core.InternalException;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mergeable quantization-noise sums per tensor: Σx² of the FP32 tensor and Σ(x−x̂)² of its difference to the
 * quantized model's tensor of the same role. Each {@link #add} sums one sample's elements in double (a fixed order
 * within one sample, so the same sample always gives the same two numbers) and adds them as exact decimals, so
 * merging partitions in any order or split gives bit-identical totals. A plain Serializable class (not a record):
 * Spark ships it as a task result.
 */
public final class QuantNoiseSums implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The running sums of one tensor. */
    static final class Sums implements Serializable {
        private static final long serialVersionUID = 1L;
        BigDecimal signal = BigDecimal.ZERO;
        BigDecimal noise = BigDecimal.ZERO;
        long samples;
        long nonFinite;
    }

    private final TreeMap<String, Sums> sums = new TreeMap<>();

    /**
     * Adds one sample of {@code tensor}: {@code reference} is the FP32 value, {@code quantized} the quantized
     * model's. Element pairs where either side is NaN or infinite are counted, not summed.
     */
    public QuantNoiseSums add(String tensor, float[] reference, float[] quantized) {
        if (reference.length != quantized.length) {
            throw new InternalException("tensor '" + tensor + "' has " + reference.length + " elements in the FP32 "
                    + "model but " + quantized.length + " in the quantized model; the Q/DQ rewrite must keep shapes");
        }
        double signal = 0;
        double noise = 0;
        long bad = 0;
        for (int i = 0; i < reference.length; i++) {
            double x = reference[i];
            double d = x - quantized[i];
            if (!Double.isFinite(x) || !Double.isFinite(d)) {
                bad++;
                continue;
            }
            signal += x * x;
            noise += d * d;
        }
        Sums s = sums.computeIfAbsent(tensor, k -> new Sums());
        s.signal = s.signal.add(new BigDecimal(signal));
        s.noise = s.noise.add(new BigDecimal(noise));
        s.samples++;
        s.nonFinite += bad;
        return this;
    }

    /** Adds {@code other}'s sums into this one (exact, so the result does not depend on merge order). */
    public QuantNoiseSums merge(QuantNoiseSums other) {
        for (Map.Entry<String, Sums> e : other.sums.entrySet()) {
            Sums s = sums.computeIfAbsent(e.getKey(), k -> new Sums());
            s.signal = s.signal.add(e.getValue().signal);
            s.noise = s.noise.add(e.getValue().noise);
            s.samples += e.getValue().samples;
            s.nonFinite += e.getValue().nonFinite;
        }
        return this;
    }

    /** Tensor name → result, sorted by name. */
    public Map<String, QuantNoise.Result> results() {
        Map<String, QuantNoise.Result> out = new TreeMap<>();
        sums.forEach((t, s) -> out.put(t, new QuantNoise.Result(s.signal.doubleValue(), s.noise.doubleValue(),
                s.samples, s.nonFinite)));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof QuantNoiseSums other) || !sums.keySet().equals(other.sums.keySet())) {
            return false;
        }
        for (Map.Entry<String, Sums> e : sums.entrySet()) {
            Sums a = e.getValue();
            Sums b = other.sums.get(e.getKey());
            if (a.signal.compareTo(b.signal) != 0 || a.noise.compareTo(b.noise) != 0 || a.samples != b.samples
                    || a.nonFinite != b.nonFinite) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return sums.keySet().hashCode();
    }

    @Override
    public String toString() {
        return "QuantNoiseSums" + results();
    }
}
