package dev.sparkptq.core;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/** Name, element type and shape of a model input or output; {@code -1} marks a dynamic dimension. */
public record TensorInfo(String name, DType dtype, long[] shape) implements Serializable {
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        shape = shape == null ? null : shape.clone();
    }

    @Override
    public long[] shape() {
        return shape == null ? null : shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ":" + dtype + Arrays.toString(shape);
    }
}
