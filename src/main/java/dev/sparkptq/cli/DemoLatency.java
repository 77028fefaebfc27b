package dev.sparkptq.cli;

import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.InternalException;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.DataSource;
import dev.sparkptq.data.DataSources;
import dev.sparkptq.data.SampleRef;
import dev.sparkptq.runtime.EngineOptions;
import dev.sparkptq.runtime.InferenceEngine;
import dev.sparkptq.runtime.Latency;
import dev.sparkptq.runtime.ModelBlob;
import dev.sparkptq.runtime.ort.OrtEngineFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * FP32 vs INT8 latency in ONNX Runtime on one thread, measured side by side: rounds alternate between the two
 * models so machine drift hits both alike; the figure is the median over rounds of each round's median.
 */
final class DemoLatency {
    static final int SAMPLES = 100;
    static final int ROUNDS = 5;

    private DemoLatency() {
    }

    record Result(double fp32Ms, double int8Ms, int samples) {
        String describe() {
            return String.format(Locale.ROOT,
                    "latency (ONNX Runtime, 1 thread, %d sentences): FP32 %.2f ms, INT8 %.2f ms per sentence"
                            + " -> INT8 is %.2fx %s", samples, fp32Ms, int8Ms,
                    fp32Ms >= int8Ms ? fp32Ms / int8Ms : int8Ms / fp32Ms, fp32Ms >= int8Ms ? "faster" : "slower");
        }
    }

    static Result measure(PtqConfig config, Path fp32Model, Path int8Model) {
        OrtEngineFactory factory = new OrtEngineFactory();
        InferenceEngine fp32 = factory.open(blob(fp32Model), EngineOptions.forInference(1));
        InferenceEngine int8 = factory.open(blob(int8Model), EngineOptions.forInference(1));
        DataSource source = DataSources.create(config.engine().reader(), config.engine().evalDataSource(),
                fp32.inputs());
        List<Map<String, Tensor>> inputs = new ArrayList<>();
        for (SampleRef ref : source.list().subList(0, Math.min(SAMPLES, source.list().size()))) {
            inputs.add(source.load(ref).inputs());
        }
        double[] f = new double[ROUNDS];
        double[] q = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            f[r] = Latency.measure(fp32, inputs, r == 0 ? 10 : 0, 1);
            q[r] = Latency.measure(int8, inputs, r == 0 ? 10 : 0, 1);
        }
        return new Result(median(f), median(q), inputs.size());
    }

    private static ModelBlob blob(Path model) {
        try {
            byte[] bytes = Files.readAllBytes(model);
            return ModelBlob.ofBytes(dev.sparkptq.graph.ModelIo.sha256(bytes), bytes);
        } catch (IOException e) {
            throw new InternalException("cannot read " + model + ": " + e.getMessage(), e);
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
