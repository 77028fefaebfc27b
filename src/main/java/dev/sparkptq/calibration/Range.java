package dev.sparkptq.calibration;

import dev.sparkptq.core.InternalException;

import java.util.Arrays;
import java.util.Objects;

/**
 * The real-valued interval a quantizer must cover: one {@code [min, max]} per tensor (length 1) or per channel.
 * Arrays are copied in and out.
 */
public record Range(double[] min, double[] max) {

    public Range {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.length == 0 || min.length != max.length) {
            throw new InternalException("range needs equally long, non-empty min and max, got " + min.length
                    + " and " + max.length + " values");
        }
        min = min.clone();
        max = max.clone();
    }

    /** A per-tensor range. */
    public static Range of(double min, double max) {
        return new Range(new double[] {min}, new double[] {max});
    }

    @Override
    public double[] min() {
        return min.clone();
    }

    @Override
    public double[] max() {
        return max.clone();
    }

    public double min(int i) {
        return min[i];
    }

    public double max(int i) {
        return max[i];
    }

    public int length() {
        return min.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Range r && Arrays.equals(min, r.min) && Arrays.equals(max, r.max);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(min) * 31 + Arrays.hashCode(max);
    }

    @Override
    public String toString() {
        return "Range[min=" + Arrays.toString(min) + ", max=" + Arrays.toString(max) + "]";
    }
}
