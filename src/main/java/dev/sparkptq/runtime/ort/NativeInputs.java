package dev.sparkptq.runtime.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.sparkptq.core.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The native copies of one run's inputs, closed together. If converting the third input fails, the first two are
 * released before the error propagates, so a bad sample never leaks native memory.
 */
final class NativeInputs implements AutoCloseable {
    private final Map<String, OnnxTensor> tensors;

    private NativeInputs(Map<String, OnnxTensor> tensors) {
        this.tensors = tensors;
    }

    static NativeInputs of(OrtEnvironment env, Map<String, Tensor> inputs) throws OrtException {
        Map<String, OnnxTensor> made = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                made.put(e.getKey(), TensorConversion.toOnnx(env, e.getKey(), e.getValue()));
            }
        } catch (OrtException | RuntimeException e) {
            made.values().forEach(OnnxTensor::close);
            throw e;
        }
        return new NativeInputs(made);
    }

    Map<String, OnnxTensor> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    @Override
    public void close() {
        tensors.values().forEach(OnnxTensor::close);
    }
}
