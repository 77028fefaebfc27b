package dev.sparkptq.data;

import dev.sparkptq.core.DataException;
import dev.sparkptq.core.SampleId;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Finding a model input by name and checking tensors against its shape; shared by every reader. */
final class ModelInputs {
    private ModelInputs() {
    }

    /**
     * The input named {@code name}, or the model's only input when {@code name} is null.
     *
     * @param what the reader, for the message (e.g. "image reader")
     */
    static TensorInfo resolve(String name, List<TensorInfo> inputs, String what) {
        if (inputs == null || inputs.isEmpty()) {
            throw new DataException("the model has no inputs, so the " + what + " has nothing to feed; "
                    + "check the model file");
        }
        if (name == null) {
            if (inputs.size() != 1) {
                throw new DataException("the model has " + inputs.size() + " inputs " + names(inputs)
                        + " but the " + what + " names none; set 'input' to one of them");
            }
            return inputs.get(0);
        }
        return inputs.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new DataException("the " + what + " feeds model input '" + name
                        + "' but the model's inputs are " + names(inputs) + "; set 'input' to one of them"));
    }

    static String names(List<TensorInfo> inputs) {
        return inputs.stream().map(TensorInfo::name).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Prepends an axis of 1 when the tensor has one axis fewer than the model input (a sample without batch). */
    static Tensor withBatchAxis(Tensor t, TensorInfo input) {
        long[] want = input.shape();
        if (want == null || t.rank() != want.length - 1) {
            return t;
        }
        long[] shape = new long[t.rank() + 1];
        shape[0] = 1;
        System.arraycopy(t.shape(), 0, shape, 1, t.rank());
        return t.reshape(shape);
    }

    /** Fails unless {@code t} has the input's rank and equals every fixed (non-negative) dimension. */
    static void checkShape(SampleId id, Tensor t, TensorInfo input) {
        checkShape(id, t.shape(), input);
    }

    static void checkShape(SampleId id, long[] got, TensorInfo input) {
        long[] want = input.shape();
        if (want == null) {
            return;
        }
        boolean ok = got.length == want.length;
        for (int i = 0; ok && i < got.length; i++) {
            ok = want[i] < 0 || want[i] == got[i];
        }
        if (!ok) {
            throw new DataException("sample '" + id + "' has shape " + Arrays.toString(got) + " but model input '"
                    + input.name() + "' expects " + Arrays.toString(want) + " (-1 = any); fix the data or the "
                    + "reader settings");
        }
    }

    /**
     * Number of elements of one sample with batch 1: the product of the input's dims after the first.
     *
     * @throws DataException when a non-batch dimension is dynamic
     */
    static int elementsPerSample(TensorInfo input, String what) {
        long[] shape = input.shape();
        if (shape == null || shape.length == 0) {
            throw new DataException("model input '" + input.name() + "' has no known shape, so the " + what
                    + " cannot split the data into samples; export the model with a fixed input shape");
        }
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new DataException("model input '" + input.name() + "' has dynamic dimension " + i + " in "
                        + Arrays.toString(shape) + ", so the " + what + " cannot size a sample; export the model"
                        + " with fixed non-batch dimensions");
            }
            n = shape[i] > 0 && n > Integer.MAX_VALUE / shape[i] ? Long.MAX_VALUE : n * shape[i];
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new DataException("model input '" + input.name() + "' declares " + Arrays.toString(shape)
                    + ", more than 2^31 elements per sample, which the " + what + " cannot hold in one tensor; check "
                    + "the model's input shape");
        }
        return (int) n;
    }

    /** The input's shape with the batch dimension set to 1. */
    static long[] batchOne(TensorInfo input) {
        long[] shape = input.shape();
        shape[0] = 1;
        return shape;
    }
}
