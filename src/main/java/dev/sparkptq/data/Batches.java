package dev.sparkptq.data;

import dev.sparkptq.core.DType;
import dev.sparkptq.core.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Stacks same-shape samples along their batch axis (axis 0) for one inference call. */
public final class Batches {
    private Batches() {
    }

    public static boolean sameShapes(Sample a, Sample b) {
        if (!a.inputs().keySet().equals(b.inputs().keySet())) {
            return false;
        }
        for (Map.Entry<String, Tensor> e : a.inputs().entrySet()) {
            if (!Arrays.equals(e.getValue().shape(), b.inputs().get(e.getKey()).shape())) {
                return false;
            }
        }
        return true;
    }

    public static Map<String, Tensor> concat(List<Sample> batch) {
        if (batch.size() == 1) {
            return batch.get(0).inputs();
        }
        Map<String, Tensor> out = new TreeMap<>();
        for (String name : batch.get(0).inputs().keySet()) {
            out.put(name, stack(batch.stream().map(s -> s.inputs().get(name)).toList()));
        }
        return out;
    }

    private static Tensor stack(List<Tensor> parts) {
        Tensor first = parts.get(0);
        long[] shape = first.shape();
        shape[0] = 0;
        for (Tensor t : parts) {
            shape[0] += t.dim(0);
        }
        int n = (int) first.numel();
        DType dtype = first.dtype();
        Object data = java.lang.reflect.Array.newInstance(first.data().getClass().getComponentType(),
                n * parts.size());
        for (int i = 0; i < parts.size(); i++) {
            System.arraycopy(parts.get(i).data(), 0, data, i * n, n);
        }
        return Tensor.of(dtype, shape, data);
    }
}
