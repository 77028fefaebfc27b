package dev.sparkptq.pipeline;

import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.report.RunReport;

import java.io.IOException;

/** TinyRun configs with a {@code range_estimator} for activations, and data with injected outliers. */
public final class HistogramRun {
    private HistogramRun() {
    }

    /** TinyRun's config with {@code "activations": {"range_estimator": <rangeEstimator>}} added. */
    public static PtqConfig config(TinyRun t, int partitions, String preset, String rangeEstimator) {
        String json = t.json(partitions, preset).replace("\"params\": { \"preset\": \"" + preset + "\" }",
                "\"params\": { \"preset\": \"" + preset + "\", \"activations\": { \"range_estimator\": "
                        + rangeEstimator + " } }");
        if (json.equals(t.json(partitions, preset))) {
            throw new IllegalStateException("TinyRun's config changed shape; update HistogramRun");
        }
        return ConfigLoader.fromJson(json, t.dir, ConfigOverrides.none());
    }

    /** Sets {@code values} at the start of sample {@code index} (file and in-memory copy). */
    public static void inject(TinyRun t, int index, float... values) throws IOException {
        float[] x = t.samples[index];
        System.arraycopy(values, 0, x, 0, values.length);
        Npy.write(t.data.resolve(String.format("s%03d.npy", index)), Tensor.ofFloats(new long[] {1, 3, 8, 8}, x));
    }

    public static RunReport.TensorSummary tensor(RunReport r, String name) {
        return r.quantization().tensors().stream().filter(s -> s.tensor().equals(name)).findFirst().orElseThrow();
    }
}
