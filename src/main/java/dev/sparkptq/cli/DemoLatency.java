package dev.sparkptq.cli;

import dev.sparkptq.config.PtqConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The demo's FP32 vs INT8 comparison: {@link InferenceBenchmark} on the evaluation sentences, one thread. */
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
        InferenceBenchmark.Result r = InferenceBenchmark.run(List.of(fp32Model, int8Model),
                InferenceBenchmark.inputsFromConfig(config, fp32Model, SAMPLES), 1, ROUNDS);
        return new Result(r.msPerSample().get(0), r.msPerSample().get(1), r.samples());
    }
}
