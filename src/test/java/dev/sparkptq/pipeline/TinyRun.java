package dev.sparkptq.pipeline;

import dev.sparkptq.config.ConfigLoader;
import dev.sparkptq.config.ConfigOverrides;
import dev.sparkptq.config.PtqConfig;
import dev.sparkptq.core.Tensor;
import dev.sparkptq.data.Npy;
import dev.sparkptq.graph.ModelIo;
import dev.sparkptq.graph.TinyModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A complete small run for tests: TinyModels.convReluConv() saved to disk and {@code n} seeded random samples
 * [1,3,8,8] as one-file-per-sample NPY, plus a config over them.
 */
public final class TinyRun {
    public final Path dir;
    public final Path model;
    public final Path data;
    public final float[][] samples;

    private TinyRun(Path dir, Path model, Path data, float[][] samples) {
        this.dir = dir;
        this.model = model;
        this.data = data;
        this.samples = samples;
    }

    /**
     * Params that switch cross-layer equalization off, for tests that compare intermediate tensors or weights with the
     * FP32 model's (equalization rescales them by design; only the model outputs stay the same).
     */
    public static final String NO_CLE = ", \"cross_layer_equalization\": \"off\"";

    public static TinyRun create(Path dir, int n, long seed) throws IOException {
        Path model = dir.resolve("tiny.onnx");
        ModelIo.save(TinyModels.convReluConv(), model);
        Path data = Files.createDirectories(dir.resolve("data"));
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] samples = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] x = new float[3 * 8 * 8];
            double amp = 0.5 + rnd.nextDouble() * 2; // per-sample ranges differ, so the mean aggregator matters
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) ((rnd.nextDouble() * 2 - 1) * amp);
            }
            samples[i] = x;
            Npy.write(data.resolve(String.format("s%03d.npy", i)), Tensor.ofFloats(new long[]{1, 3, 8, 8}, x));
        }
        return new TinyRun(dir, model, data, samples);
    }

    public String json(int partitions, String preset) {
        return """
                {
                  "model": { "model_name": "tiny", "model": "tiny.onnx" },
                  "engine": { "data_source": "data", "speed_guard": false, "reader": { "type": "npy" },
                              "metrics": [ { "type": "cosine_to_fp32" }, { "type": "top1_agreement" } ],
                              "num_partitions": %d },
                  "compression": { "algorithms": [ { "name": "DefaultQuantization",
                                                     "params": { "preset": "%s" } } ] }
                }
                """.formatted(partitions, preset);
    }

    public PtqConfig config(int partitions, String preset) {
        return ConfigLoader.fromJson(json(partitions, preset), dir, ConfigOverrides.none());
    }

    /** {@link #config} with cross-layer equalization off ({@link #NO_CLE}). */
    public PtqConfig configNoCle(int partitions, String preset) {
        return ConfigLoader.fromJson(json(partitions, preset).replace("\"preset\": \"" + preset + "\"",
                "\"preset\": \"" + preset + "\"" + NO_CLE), dir, ConfigOverrides.none());
    }

    public RunOptions options(Path out, RunOptions.Evaluation evaluation) throws IOException {
        return new RunOptions(out, evaluation, 1, Files.createDirectories(dir.resolve("work")));
    }
}
