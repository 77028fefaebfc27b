package dev.sparkptq.runtime;

import dev.sparkptq.core.Tensor;
import dev.sparkptq.core.TensorInfo;

import java.util.List;
import java.util.Map;

/** Runs one model. Implementations are thread-safe; {@link #run} may be called concurrently. */
public interface InferenceEngine extends AutoCloseable {
    List<TensorInfo> inputs();

    List<TensorInfo> outputs();

    /**
     * Runs the model and returns the named outputs (any graph output, in the order asked).
     *
     * @throws dev.sparkptq.core.DataException when the inputs do not fit the model (names, shapes, types)
     */
    Map<String, Tensor> run(Map<String, Tensor> inputs, List<String> outputNames);

    @Override
    void close();
}
