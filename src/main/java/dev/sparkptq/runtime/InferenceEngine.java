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

    /**
     * Times {@code passes} passes over {@code inputs} and returns milliseconds per sample on both clocks. The default
     * runs {@link #run}; an implementation may keep the inputs in its native form between runs and skip reading
     * outputs back, so that what is timed is the inference itself (a latency comparison of two models should not be
     * diluted by the same conversion cost in both).
     */
    default LatencyClock.Reading timePasses(List<Map<String, Tensor>> inputs, int passes) {
        List<String> names = outputs().stream().map(TensorInfo::name).toList();
        LatencyClock.Start start = LatencyClock.start();
        for (int p = 0; p < passes; p++) {
            for (Map<String, Tensor> in : inputs) {
                run(in, names);
            }
        }
        return start.perSample((long) passes * inputs.size());
    }

    @Override
    void close();
}
