package dev.sparkptq.core;

import java.io.Serializable;
import java.util.Objects;

/** Stable identity of one calibration or evaluation sample (e.g. a file name, or {@code file#index}). */
public record SampleId(String value) implements Serializable, Comparable<SampleId> {
    public SampleId {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public int compareTo(SampleId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
