package dev.sparkptq.aaq;

import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.pipeline.InProcessBackend;
import dev.sparkptq.pipeline.RunOptions;
import dev.sparkptq.pipeline.TinyRun;
import dev.sparkptq.runtime.ort.OrtEngineFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/** A tiny conv-relu-conv run with a harsh 4-bit base quantization and an accuracy-aware config over it. */
final class AaqFixture {
    private AaqFixture() {
    }

    /** @param aaqParams extra AccuracyAwareQuantization params, JSON members without braces */
    static PtqConfig config(TinyRun t, String aaqParams) {
        String json = """
                {
                  "model": { "model_name": "tiny", "model": "tiny.onnx" },
                  "engine": { "data_source": "data", "speed_guard": false, "reader": { "type": "npy" },
                              "metrics": [ { "type": "cosine_to_fp32" } ], "num_partitions": 2 },
                  "compression": { "algorithms": [ { "name": "AccuracyAwareQuantization",
                      "params": { "preset": "performance", "weights": { "bits": 4 }, "activations": { "bits": 4 },
                                  %s } } ] }
                }
                """.formatted(aaqParams);
        return ConfigLoader.fromJson(json, t.dir, ConfigOverrides.none());
    }

    static AccuracyAwareRun.Result run(TinyRun t, PtqConfig config, Path out, boolean resume) throws Exception {
        return new AccuracyAwareRun(new InProcessBackend(new OrtEngineFactory()), m -> { })
                .run(config, new RunOptions(out, RunOptions.Evaluation.RUN, 1,
                        Files.createDirectories(t.dir.resolve("work"))), resume);
    }
}
